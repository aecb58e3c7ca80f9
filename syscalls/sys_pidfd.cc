// pidfds: pidfd_send_signal, and what a pidfd names (for waitid's P_PIDFD).
// Guest pids are host pids, so pidfd_open, pidfd_getfd and polling a pidfd
// are the host's own calls (HOSTCALL rows).
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "host/host_syscall.h"
#include "runtime/signals.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {

namespace {

constexpr int kPidfdSelfThread = -10000, kPidfdSelfThreadGroup = -20000;  // PIDFD_SELF_*
constexpr unsigned kPidfdSignalThread = 1, kPidfdSignalThreadGroup = 2, kPidfdSignalProcessGroup = 4;
constexpr int kPidfdThread = O_EXCL;  // PIDFD_THREAD, a pidfd's open flag

}  // namespace

PidfdTarget TargetOfPidfd(int64_t fd) {
  PidfdTarget target;
  if (fd < 0 || fd > INT32_MAX) return target;
  char path[64], text[1024];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", static_cast<int>(fd));
  int info = open(path, O_RDONLY | O_CLOEXEC);
  if (info < 0) return target;
  ssize_t n = read(info, text, sizeof text - 1);
  close(info);
  if (n <= 0) return target;
  text[n] = 0;
  const char* pid = strstr(text, "\nPid:");
  unsigned flags = 0;
  if (!pid || sscanf(pid + 5, "%d", &target.pid) != 1) return target;
  if (const char* f = strstr(text, "flags:")) sscanf(f + 6, "%o", &flags);
  target.is_pidfd = true;
  target.thread = flags & kPidfdThread;
  target.nonblocking = flags & O_NONBLOCK;
  return target;
}

// pidfd_send_signal mirrors the kernel's: flags pick one scope; with a
// siginfo, its si_signo must be `sig`, and only a thread signalling itself
// (or its own process, from the main thread) may claim a kernel or
// tkill si_code. A siginfo for one of the guest's own threads or its own
// process goes into ferry's queues, as rt_sigqueueinfo's does (through the
// host it could look like ferry's own fault); the rest is the host's call.
int64_t SysPidfdSendSignal(Task& task, const SyscallArgs& a) {
  int fd = static_cast<int>(a.raw[0]);
  int sig = static_cast<int>(a.raw[1]);
  unsigned flags = static_cast<unsigned>(a.raw[3]);
  constexpr unsigned kScopes = kPidfdSignalThread | kPidfdSignalThreadGroup | kPidfdSignalProcessGroup;
  if ((flags & ~kScopes) || __builtin_popcount(flags) > 1) return -EINVAL;
  auto host_call = [&]() -> int64_t {
    return HostSyscall(SYS_pidfd_send_signal, a.raw[0], a.raw[1], HostAddress(task, a.raw[2], sizeof(siginfo_t)),
                       a.raw[3]);
  };
  if (!a.raw[2]) return host_call();
  PidfdTarget target;
  if (fd == kPidfdSelfThread || fd == kPidfdSelfThreadGroup) {
    target = {true, fd == kPidfdSelfThread ? static_cast<pid_t>(task.tid) : getpid(), fd == kPidfdSelfThread, false};
  } else {
    target = TargetOfPidfd(fd);
  }
  bool own_thread = false;
  for (ThreadSlot& slot : task.process.slots) own_thread |= target.pid > 0 && slot.tid.load() == target.pid;
  bool own_process = target.is_pidfd && target.pid == getpid();
  if (!own_process && !own_thread) return host_call();
  bool thread_scope = flags ? flags == kPidfdSignalThread : target.thread;
  if (flags == kPidfdSignalProcessGroup) return host_call();
  siginfo_t info;
  if (!task.memory.Read(a.raw[2], &info, sizeof info)) return -EFAULT;
  if (info.si_signo != sig) return -EINVAL;
  bool self = target.pid == task.tid && (thread_scope || target.pid == getpid());
  if (!self && (info.si_code >= 0 || info.si_code == SI_TKILL)) return -EPERM;
  if (sig < 0 || sig > kGuestSignals) return -EINVAL;
  if (sig == 0) return 0;
  if (!thread_scope) {
    if (!own_process) return -ESRCH;  // a thread's pidfd names no process (kernel: PIDTYPE_TGID of a non-leader)
    QueueProcessSignal(task.process, sig, info);
    return 0;
  }
  for (ThreadSlot& slot : task.process.slots) {
    if (slot.tid.load() != target.pid) continue;
    QueueThreadSignal(slot, sig, info);
    return 0;
  }
  return -ESRCH;
}

}  // namespace ferry
