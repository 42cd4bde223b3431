#include "simulator/targets/target_catalogue.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "simulator/targets/scratch_dir.hpp"
#include "simulator/targets/target_scope.hpp"

#ifndef BOOTSTORM_TARGETS_DIR
#error "BOOTSTORM_TARGETS_DIR must be defined"
#endif

namespace bootstorm::targets {
namespace {

// A minimal valid description, to which each test adds one mistake.
constexpr const char* kValid = R"(description: a test target
programs:
  server: [true]
capabilities:
  dhcp: true
  tftp: true
  tftp_options: [blksize]
files:
  - name: conf
    path: server.conf
    content: |
      listen {{server_ip}}
      {{#nodes}}
      host {{name}} {{mac}}
      {{/nodes}}
processes:
  - name: server
    argv: ["{{program.server}}", "{{file.conf}}"]
    ready: {udp_ports: [67]}
)";

class TargetFileTest : public ::testing::Test {
protected:
    // Loads `text` as <scratch>/probe.yaml and returns the error text ("" when it loads).
    std::string errors_of(const std::string& text) {
        write_text_file(scratch_ / "probe.yaml", text);
        try {
            load_target(scratch_ / "probe.yaml");
        } catch (const TargetCatalogueError& error) {
            return error.what();
        }
        return {};
    }
    std::string at(int line) {
        return (scratch_ / "probe.yaml").string() + ":" + std::to_string(line) + ": ";
    }

    ScratchDir scratch_;
};

TEST(TargetCatalogue, LoadsEveryShippedTarget) {
    const TargetCatalogue catalogue = load_targets(BOOTSTORM_TARGETS_DIR);
    EXPECT_EQ(catalogue.names(), (std::vector<std::string>{"atftpd", "bootstormd", "dhcpd-xinetd",
                                                           "dnsmasq", "kea-tftpd-hpa"}));
    for (const TargetDescription& target : catalogue.all()) {
        EXPECT_TRUE(target.capabilities.dhcp) << target.name;
        EXPECT_TRUE(target.capabilities.tftp) << target.name;
        EXPECT_TRUE(target.capabilities.supports_tftp_option("blksize")) << target.name;
        EXPECT_FALSE(target.processes.empty()) << target.name;
    }
    const TargetDescription* dnsmasq = catalogue.find("dnsmasq");
    ASSERT_NE(dnsmasq, nullptr);
    EXPECT_FALSE(dnsmasq->capabilities.supports_tftp_option("windowsize"));
    EXPECT_FALSE(dnsmasq->capabilities.mtftp);
    EXPECT_TRUE(catalogue.find("atftpd")->capabilities.mtftp);
    EXPECT_TRUE(catalogue.find("bootstormd")->capabilities.supports_tftp_option("windowsize"));
    EXPECT_EQ(catalogue.find("nonesuch"), nullptr);
}

TEST(TargetCatalogue, ExpandsTheClassicXinetdLimitsAndTheNodeDatabase) {
    const TargetCatalogue catalogue = load_targets(BOOTSTORM_TARGETS_DIR);
    const TargetDescription& target = *catalogue.find("dhcpd-xinetd");
    TargetSite site;
    site.nodes = load_node_file(BOOTSTORM_NODES_FILE);
    site.boot_files["gpu"] = "grub/gpu.efi";
    site.tftp_root = "/srv/tftp";
    ScopePlace place{{{198, 18, 8, 1}}, 24, "bs1a0", "/work", {}, {}};
    for (const TargetProgram& program : target.programs) place.programs[program.name] = "/p";
    for (const TargetFile& file : target.files) place.files[file.name] = "/work/" + file.path;
    const TemplateScope scope = target_scope(site, place);
    std::string dhcpd;
    std::string xinetd;
    for (const TargetFile& file : target.files) {
        if (file.name == "dhcpd_conf") dhcpd = file.content.expand(scope);
        if (file.name == "xinetd_conf") xinetd = file.content.expand(scope);
    }
    EXPECT_NE(xinetd.find("per_source      = 11\n"), std::string::npos) << xinetd;
    EXPECT_NE(xinetd.find("cps             = 100 2\n"), std::string::npos) << xinetd;
    EXPECT_NE(dhcpd.find("subnet 198.18.8.0 netmask 255.255.255.0 {"), std::string::npos);
    EXPECT_NE(dhcpd.find("host rack-a-g2 { hardware ethernet 52:54:00:18:08:66; fixed-address "
                         "198.18.8.102; filename \"grub/gpu.efi\"; }\n"),
              std::string::npos)
        << dhcpd;
    EXPECT_EQ(dhcpd.find("range "), std::string::npos) << "no pool given, none written";
}

TEST_F(TargetFileTest, TheMinimalDescriptionLoads) { EXPECT_EQ(errors_of(kValid), ""); }

TEST_F(TargetFileTest, UnknownKeysAreReportedAtTheirLineWithAHint) {
    std::string text = kValid;
    text.replace(text.find("capabilities:\n  dhcp"), 20, "capabilities:\n  dhc");
    EXPECT_EQ(errors_of(text), at(5) + "unknown key 'dhc' in capabilities (did you mean 'dhcp'?)");
    EXPECT_EQ(errors_of(std::string(kValid) + "proceses: []\n"),
              at(20) + "unknown key 'proceses' (did you mean 'processes'?)");
}

TEST_F(TargetFileTest, TemplateNamesAreCheckedAtTheirLineInTheFile) {
    std::string text = kValid;
    text.replace(text.find("host {{name}}"), 13, "host {{nmae}}");
    EXPECT_EQ(errors_of(text), at(14) + "file conf: unknown name 'nmae'");
    text = kValid;
    text.replace(text.find("{{file.conf}}"), 13, "{{file.cfg}}");
    EXPECT_EQ(errors_of(text), at(18) + "argv of server: unknown name 'file.cfg'");
    text = kValid;
    text.replace(text.find("      {{/nodes}}"), 16, "      {{/node}}");
    EXPECT_NE(errors_of(text).find(at(15) + "file conf: '{{/node}}' closes section 'nodes'"),
              std::string::npos);
}

TEST_F(TargetFileTest, StructuralMistakesAreReported) {
    std::string text = kValid;
    text.replace(text.find("ready: {udp_ports: [67]}"), 24, "ready: {udp_ports: [70000]}");
    EXPECT_EQ(errors_of(text), at(19) + "a UDP port must be a number 1-65535");
    text = kValid;
    text.replace(text.find("tftp_options: [blksize]"), 23, "tftp_options: [blocksize]");
    EXPECT_NE(errors_of(text).find(at(7) + "unknown TFTP option 'blocksize'"), std::string::npos);
    text = kValid;
    text.replace(text.find("path: server.conf"), 17, "path: ../server.conf");
    EXPECT_NE(errors_of(text).find(at(10) + "file path must be relative"), std::string::npos);
    text = kValid;
    text.replace(text.find("dhcp: true"), 10, "dhcp: yes please");
    EXPECT_EQ(errors_of(text), at(5) + "capabilities.dhcp must be true or false");
    EXPECT_NE(errors_of("description: x\ncapabilities: {}\n").find("missing 'processes'"),
              std::string::npos);
    EXPECT_NE(errors_of("description: [unclosed\n").find(at(2)), std::string::npos);
}

TEST(TargetCatalogue, ADirectoryWithABadFileReportsAllProblems) {
    ScratchDir scratch;
    write_text_file(scratch / "a.yaml", "description: x\n");
    write_text_file(scratch / "b.yaml", "description: y\nbogus: 1\n");
    try {
        load_targets(scratch.path());
        FAIL() << "loaded a bad catalogue";
    } catch (const TargetCatalogueError& error) {
        const std::string text = error.what();
        EXPECT_NE(text.find((scratch / "a.yaml").string() + ": missing 'capabilities'"),
                  std::string::npos)
            << text;
        EXPECT_NE(text.find((scratch / "b.yaml").string() + ":2: unknown key 'bogus'"),
                  std::string::npos)
            << text;
    }
}

}  // namespace
}  // namespace bootstorm::targets
