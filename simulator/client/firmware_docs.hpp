// docs/firmware.md, generated from the firmware catalogue (the profiles' YAML and the quirk and
// setting tables of quirk_catalogue.cpp): every profile with its settings, quirks and
// provenance, every quirk id with its behaviour, who does it, its source and parameters.
#pragma once

#include <string>

#include "simulator/client/firmware_catalogue.hpp"

namespace bootstorm::client {

std::string render_firmware_docs(const FirmwareCatalogue& catalogue);

}  // namespace bootstorm::client
