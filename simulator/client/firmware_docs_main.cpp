// bootstorm_firmware_docs FIRMWARE_DIR OUTPUT.md: writes docs/firmware.md from the firmware
// profiles (exit 1 with file:line messages if they do not load).
#include <fstream>
#include <iostream>

#include "simulator/client/firmware_catalogue.hpp"
#include "simulator/client/firmware_docs.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: bootstorm_firmware_docs FIRMWARE_DIR OUTPUT.md\n";
        return 2;
    }
    const auto loaded = bootstorm::client::load_firmware_catalogue(argv[1]);
    if (!loaded.ok()) {
        for (const auto& error : loaded.errors) std::cerr << error.to_string() << "\n";
        return 1;
    }
    std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
    out << bootstorm::client::render_firmware_docs(*loaded.catalogue);
    if (!out) {
        std::cerr << argv[2] << ": cannot write\n";
        return 1;
    }
    return 0;
}
