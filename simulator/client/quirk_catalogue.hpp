// The firmware quirk catalogue: every quirk id a profile may name, what the ROM then does on the
// wire, who is known to do it, its parameters and how it sets QuirkSet knobs; and the
// `settings:` a profile may give (the spec parameters firmware families choose differently
// without it being a bug: architecture, schedules, TFTP options). One table serves the YAML
// loader (firmware_catalogue.hpp), docs/firmware.md and the tests, so an id cannot exist in one
// and not the others. Standard library only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/proto/address.hpp"
#include "simulator/client/quirk_set.hpp"

namespace bootstorm::client {

enum class ParamType : std::uint8_t {
    flag,            // true / false
    count,           // unsigned decimal, at most ParamSpec::max
    optional_count,  // a count, or "none"
    seconds,         // decimal seconds with up to 9 decimals, at most an hour ("0.25", "4")
    seconds_list,    // a non-empty list of seconds
    count_list,      // a list of counts, each at most ParamSpec::max
    text,
    choice,   // one of ParamSpec::choices
    address,  // a dotted-quad IPv4 address
};

std::string_view to_string(ParamType type);

using ParamValue =
    std::variant<bool, std::uint64_t, std::optional<std::uint64_t>, Duration, std::vector<Duration>,
                 std::vector<std::uint64_t>, std::string, proto::Ipv4Address>;
using QuirkArgs = std::map<std::string, ParamValue, std::less<>>;

struct ParamSpec {
    std::string_view name;
    ParamType type = ParamType::flag;
    std::string_view default_value;  // in the text form parse_param() reads
    std::string_view doc;
    std::uint64_t max = 0xffffffff;               // count, optional_count, count_list
    std::span<const std::string_view> choices{};  // choice
};

// A value in its text form: scalars as written, lists comma-separated ("4, 8, 16").
// nullopt with `error` set when the text does not fit the type.
std::optional<ParamValue> parse_param(const ParamSpec& spec, std::string_view text,
                                      std::string& error);

struct QuirkEntry {
    std::string_view id;         // the id of ../shared/reference/pxe-firmware-quirks.md
    std::string_view behaviour;  // what the ROM does, as seen on the wire
    std::string_view who;        // firmware known to do it
    std::string_view source;     // where that is documented
    std::span<const ParamSpec> params;
    // Sets the knobs; `args` holds every parameter (defaults filled in).
    void (*apply)(QuirkSet& quirks, const QuirkArgs& args) = nullptr;
    // Puts the knobs apply() touches back to the baseline (a profile's `id: off`).
    void (*reset)(QuirkSet& quirks) = nullptr;
};

struct SettingEntry {
    std::string_view name;
    ParamSpec spec;  // spec.name == name; default_value is the baseline's
    void (*apply)(QuirkSet& quirks, const ParamValue& value) = nullptr;
};

std::span<const QuirkEntry> quirk_catalogue();
std::span<const SettingEntry> setting_catalogue();
const QuirkEntry* find_quirk(std::string_view id);
const SettingEntry* find_setting(std::string_view name);

// The parameters of `entry` with the given ones in place of their defaults. Fails (error set)
// for an unknown parameter name; values must already have the parameter's type.
std::optional<QuirkArgs> complete_args(const QuirkEntry& entry, QuirkArgs given,
                                       std::string& error);

// Convenience for code and tests: the quirk with its default parameters (and `given`).
// Asserts the id exists and the parameters are valid.
void apply_quirk(QuirkSet& quirks, std::string_view id, QuirkArgs given = {});

}  // namespace bootstorm::client
