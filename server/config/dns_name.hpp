// Host name and domain name syntax (RFC 1123 §2.1, RFC 1035 §2.3.4), for node names, the server's
// hostname and the cluster domain, which the DNS engine serves as <name>.<domain>.
#pragma once

#include <string>
#include <string_view>

namespace bootstorm::config {

// 1-63 letters, digits and '-', not starting or ending with '-'.
bool is_dns_label(std::string_view text);

// Dot-separated DNS labels, at most 253 characters, no trailing dot.
bool is_domain_name(std::string_view text);

// ASCII lower case: DNS names compare case-insensitively (RFC 4343).
std::string to_lower_ascii(std::string_view text);

}  // namespace bootstorm::config
