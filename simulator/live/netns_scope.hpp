// Runs a stretch of code in another network namespace: the calling thread enters
// /run/netns/<name> (as `ip netns exec` would) and goes back to its own on destruction. Sockets
// created meanwhile stay in that namespace, so the live runtime can open its packet socket on a
// link that exists only inside a test namespace while the process itself stays outside.
#pragma once

#include <string>

namespace bootstorm::live {

class NetnsScope {
public:
    // Throws std::system_error when the namespace cannot be entered (no such name, not root).
    explicit NetnsScope(const std::string& name);
    ~NetnsScope();
    NetnsScope(const NetnsScope&) = delete;
    NetnsScope& operator=(const NetnsScope&) = delete;

private:
    int original_ = -1;
};

}  // namespace bootstorm::live
