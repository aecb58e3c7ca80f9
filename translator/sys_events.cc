// Descriptors that deliver events: eventfd, timerfd and inotify are the
// host's own (their rows in syscalls.def are HOSTCALLs; reads, polls and
// epoll waits reach them like any descriptor). inotify_add_watch looks its
// path up through the sysroot, keeping a last symlink for IN_DONT_FOLLOW.
#include <sys/inotify.h>
#include <sys/syscall.h>

#include <string>

#include "translator/host_syscall.h"
#include "translator/syscall_handlers.h"

namespace translator {

int64_t SysInotifyAddWatch(Task& task, const SyscallArgs& a) {
  std::string path;
  bool follow = !(a.raw[2] & IN_DONT_FOLLOW);
  // An unreadable path still goes to the host, which checks the mask and
  // the descriptor first and gives their errors before EFAULT, as the kernel does.
  bool readable = LookupPath(task, a.raw[1], follow, &path);
  uint64_t host_path = reinterpret_cast<uint64_t>(readable ? path.c_str() : kBadPointer);
  return HostSyscall(SYS_inotify_add_watch, a.raw[0], host_path, static_cast<uint32_t>(a.raw[2]));
}

}  // namespace translator
