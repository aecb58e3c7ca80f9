// --strace notation for ioctl's third argument, as its request reads it:
// the socket requests on struct ifreq ("{ifr_name="lo", ifr_ifindex=1}")
// and struct ifconf, as strace 6 prints them; any other request's in hex.
#pragma once

#include <string>

#include "trace/strace.h"

namespace ferry {

std::string IoctlArg(const ArgView& a);  // kIoctlArg; the request is the previous argument

}  // namespace ferry
