// Descriptors that deliver events: eventfd, timerfd and inotify are the
// host's own (their rows in syscalls.def are HOSTCALLs; reads, polls and
// epoll waits reach them like any descriptor). inotify_add_watch looks its
// path up through the sysroot, keeping a last symlink for IN_DONT_FOLLOW.
// signalfd is ferry's own, built on its pending-signal queues
// (runtime/signalfd.h); signalfd4 checks its arguments here.
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>

#include <cerrno>
#include <string>

#include "host/host_syscall.h"
#include "runtime/signalfd.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {

int64_t SysInotifyAddWatch(Task& task, const SyscallArgs& a) {
  std::string path;
  bool follow = !(a.raw[2] & IN_DONT_FOLLOW);
  // An unreadable path still goes to the host, which checks the mask and
  // the descriptor first and gives their errors before EFAULT, as the kernel does.
  bool readable = LookupPath(task, a.raw[1], follow, &path);
  uint64_t host_path = reinterpret_cast<uint64_t>(readable ? path.c_str() : kBadPointer);
  return HostSyscall(SYS_inotify_add_watch, a.raw[0], host_path, static_cast<uint32_t>(a.raw[2]));
}

// The kernel's order: the set's size, its copy, then the flags.
int64_t SysSignalfd4(Task& task, const SyscallArgs& a) {
  if (a.raw[2] != kGuestSigsetSize) return -EINVAL;
  uint64_t mask;
  if (!task.memory.Read(a.raw[1], &mask, sizeof mask)) return -EFAULT;
  int flags = static_cast<int>(a.raw[3]);
  if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK)) return -EINVAL;
  return Signalfd(task, static_cast<int>(a.raw[0]), mask, flags);
}

}  // namespace ferry

