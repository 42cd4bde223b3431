#include "simulator/live/netns_scope.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace bootstorm::live {

NetnsScope::NetnsScope(const std::string& name) {
    if (name.empty() || name.find('/') != std::string::npos) {
        throw std::system_error(EINVAL, std::generic_category(),
                                "bad namespace name '" + name + "'");
    }
    original_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (original_ < 0) throw std::system_error(errno, std::generic_category(), "open own netns");
    const std::string path = "/run/netns/" + name;
    const int target = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (target < 0) {
        const int error = errno;
        close(original_);
        throw std::system_error(error, std::generic_category(), "open " + path);
    }
    const int entered = setns(target, CLONE_NEWNET);
    const int error = errno;
    close(target);
    if (entered != 0) {
        close(original_);
        throw std::system_error(error, std::generic_category(), "setns " + path);
    }
}

NetnsScope::~NetnsScope() {
    // Staying in the test namespace would send every later socket of this thread there.
    if (setns(original_, CLONE_NEWNET) != 0) std::abort();
    close(original_);
}

}  // namespace bootstorm::live
