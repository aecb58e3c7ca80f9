// Process identity and lifetime: exit, thread bookkeeping, uname, groups.
#include <sys/syscall.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/sched.h>
#include <dirent.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "restart/restart.h"
#include "config/random_stream.h"
#include "runtime/async_stop.h"
#include "host/host_syscall.h"
#include "runtime/signals.h"
#include "syscalls/epoll_signalfd.h"
#include "syscalls/syscall_handlers.h"
#include "runtime/threads.h"
#include "runtime/vfork.h"

#include "arch/generic/abi.h"

namespace ferry {

// exit ends the calling thread; the last thread's exit ends the process.
int64_t SysExit(Task& task, const SyscallArgs& a) {
  task.End({false, static_cast<int>(a.raw[0] & 0xff), true});
  return kNoReturn;
}

int64_t SysExitGroup(Task& task, const SyscallArgs& a) {
  // The guest's dynamic loader exits 127 when a library is missing, after
  // printing its own message; ferry adds where it looked.
  uint64_t pc = task.ReadReg(task.arch.reg_pc);
  if ((a.raw[0] & 0xff) == 127 && pc >= task.process.layout.loader_start && pc < task.process.layout.loader_end &&
      !task.options.quiet) {
    fprintf(stderr, "ferry: %s: the dynamic loader failed; ferry looked up its files in %s\n",
            task.options.program.c_str(),
            task.process.sysroot.empty() ? "the host's / (no sysroot)"
                                 : ("the sysroot " + task.process.sysroot.prefix() + " first, then the host").c_str());
  }
  task.End({false, static_cast<int>(a.raw[0] & 0xff)});
  return kNoReturn;
}

int64_t SysSetTidAddress(Task& task, const SyscallArgs& a) {
  task.clear_child_tid = a.raw[0];
  return HostSyscall(SYS_gettid);
}

int64_t SysSetRobustList(Task& task, const SyscallArgs& a) {
  if (a.raw[1] != sizeof(guest::RobustListHead)) return -EINVAL;
  task.robust_list = a.raw[0];
  task.robust_list_len = a.raw[1];
  return 0;
}

// Only the caller's own list (pid 0 or its tid): other threads' lists are
// theirs to report, and ferry keeps them per Task.
int64_t SysGetRobustList(Task& task, const SyscallArgs& a) {
  pid_t pid = static_cast<pid_t>(a.raw[0]);
  if (pid != 0 && pid != task.tid) return HostSyscall(SYS_kill, pid, 0) == -ESRCH ? -ESRCH : -EPERM;
  uint64_t head = task.robust_list, len = task.robust_list ? task.robust_list_len : 0;
  if (!task.memory.Write(a.raw[1], &head, sizeof head) || !task.memory.Write(a.raw[2], &len, sizeof len)) {
    return -EFAULT;
  }
  return 0;
}

int64_t SysGetgroups(Task& task, const SyscallArgs& a) {
  int64_t size = static_cast<int32_t>(a.raw[0]);
  if (size < 0) return -EINVAL;
  void* list = size ? GuestBuffer(task, a.raw[1], size * sizeof(gid_t)) : nullptr;
  return HostSyscall(SYS_getgroups, size, reinterpret_cast<uint64_t>(list));
}

int64_t SysUname(Task& task, const SyscallArgs& a) {
  struct utsname u;
  int64_t r = HostSyscall(SYS_uname, reinterpret_cast<uint64_t>(&u));
  if (r < 0) return r;
  memset(u.machine, 0, sizeof u.machine);
  strncpy(u.machine, task.arch.name, sizeof u.machine - 1);
  if (!task.options.uname_release.empty()) {  // -r, as qemu's
    memset(u.release, 0, sizeof u.release);
    strncpy(u.release, task.options.uname_release.c_str(), sizeof u.release - 1);
  }
  return task.memory.Write(a.raw[0], &u, sizeof u) ? 0 : -EFAULT;
}

}  // namespace ferry

namespace ferry {

// What clone and clone3 ask for, in clone3's terms: flags with the exit
// signal in CSIGNAL, the stack's top, and guest addresses for the tids and
// the pidfd; set_tid and the cgroup only clone3 has.
struct CloneRequest {
  uint64_t flags = 0, stack = 0, parent_tid = 0, tls = 0, child_tid = 0, pidfd = 0;
  std::vector<pid_t> set_tid;
  bool into_cgroup = false;
  uint64_t cgroup = 0;
};

constexpr uint64_t kCloneIntoCgroup = 0x200000000ull;

namespace {

// The host call that makes the child of a fork. libc's fork when it can: it
// keeps ferry's own allocator consistent when other threads may hold its
// locks. A pidfd (CLONE_PIDFD) comes from pidfd_open then: an unreaped
// child's pid cannot name another process. Another exit signal, set_tid or
// a cgroup take the host's clone3, which does all of them (and checks
// set_tid and the cgroup as the kernel must).
int64_t HostFork(const CloneRequest& req, int* pidfd) {
  int exit_signal = static_cast<int>(req.flags & CSIGNAL);
  bool want_pidfd = req.flags & CLONE_PIDFD;
  if (exit_signal == SIGCHLD && req.set_tid.empty() && !req.into_cgroup) {
    pid_t pid = fork();
    if (pid < 0) return -errno;
    if (pid > 0 && want_pidfd) {
      *pidfd = static_cast<int>(HostSyscall(SYS_pidfd_open, pid, 0));
      if (*pidfd < 0) return *pidfd;
    }
    return pid;
  }
  struct clone_args args{};
  args.flags = (want_pidfd ? CLONE_PIDFD : 0) | (req.into_cgroup ? kCloneIntoCgroup : 0);
  args.pidfd = reinterpret_cast<uint64_t>(pidfd);
  args.exit_signal = exit_signal;
  args.set_tid = reinterpret_cast<uint64_t>(req.set_tid.data());
  args.set_tid_size = req.set_tid.size();
  args.cgroup = req.cgroup;
  return HostSyscall(SYS_clone3, reinterpret_cast<uint64_t>(&args), sizeof args);
}

}  // namespace

// clone. With CLONE_THREAD (and the CLONE_VM | CLONE_SIGHAND it needs) a
// new guest thread (threads.cc). Otherwise a fork of ferry itself copies
// the guest and the CPU; the child starts its own syscall helper (the
// parent's is not its tracee).
// vfork (CLONE_VM | CLONE_VFORK, as glibc's posix_spawn uses it) becomes a
// fork whose parent waits, as vfork's contract says, until the child execs
// or exits (WaitForVforkChild). Memory is copied, not shared: what the
// child wrote is copied back into the waiting parent before it execs or
// exits (see ReleaseVforkParent).
// Host signals are blocked across the fork: one sent to the new child
// before it has forgotten its parent's pending signals stays pending in
// the host kernel and reaches the child's own queue after.
// CLONE_PIDFD stores a pidfd (a PIDFD_THREAD one for a thread) at
// `req.pidfd`, which must be writable before anything is made, as the
// kernel's put_user comes before the child runs.
int64_t CloneGuest(Task& task, const CloneRequest& req) {
  constexpr uint64_t kThreadFlags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                                    CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
                                    CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED | CLONE_PIDFD;
  constexpr uint64_t kThreadNeeds = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;
  constexpr uint64_t kForkFlags =
      CSIGNAL | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID | CLONE_PIDFD;
  constexpr uint64_t kVforkFlags = CLONE_VM | CLONE_VFORK;
  uint64_t flags = req.flags;
  bool want_pidfd = flags & CLONE_PIDFD;
  if (want_pidfd && (flags & CLONE_DETACHED)) return -EINVAL;
  int32_t no_pidfd = -1;
  if (want_pidfd && !task.memory.Write(req.pidfd, &no_pidfd, sizeof no_pidfd)) return -EFAULT;
  if (flags & CLONE_THREAD) {
    if ((flags & kThreadNeeds) != kThreadNeeds) return -EINVAL;
    if (flags & ~kThreadFlags) return -ENOSYS;
    HostThreadPlacement placement{req.set_tid, req.into_cgroup, req.cgroup};
    int64_t tid = StartGuestThread(task, flags & ~CLONE_PIDFD, req.stack, req.parent_tid, req.tls, req.child_tid,
                                   placement);
    if (tid > 0 && want_pidfd) {
      int32_t pidfd = static_cast<int32_t>(HostSyscall(SYS_pidfd_open, tid, O_EXCL /* PIDFD_THREAD */));
      task.memory.Write(req.pidfd, &pidfd, sizeof pidfd);
    }
    return tid;
  }
  bool vfork = (flags & kVforkFlags) == kVforkFlags;
  if (flags & ~(kForkFlags | (vfork ? kVforkFlags : 0))) return -ENOSYS;
  VforkDone* done = vfork ? NewVforkDone() : nullptr;
  if (vfork && !done) return -EAGAIN;
  int64_t pid;
  int pidfd = -1;
  {
    HostSignalsBlocked blocked;
    pid = HostFork(req, &pidfd);
    if (pid == 0) {
      // The parent's vfork wait, if it was one, is not this process's to end.
      task.vfork_parent = vfork ? getppid() : 0;
      task.vfork_done = done;
      task.vfork_written.clear();
      ForgetPendingSignalsAfterFork(task);
      ForgetQuietedAfterFork();
      if (RandomStreamSeeded()) RandomStreamForkedChild();
    } else if (RandomStreamSeeded()) {
      RandomStreamForkedParent();
    }
  }
  if (pid < 0) {
    if (done) FreeVforkDone(done);
    return pid;
  }
  if (pid == 0) {
    TakeSignalsAgainAfterFork();
    if (vfork) uc_ctl_flush_tlb(task.uc);  // from now on the first store to each page is seen
    task.helper.release();  // the parent's helper: neither ours to trace nor to kill
    task.helper_failed = false;
    task.process.children.clear();
    if (task.process.tracer && !task.process.tracer->AfterFork()) task.process.tracer.reset();  // -f follows children
    ForgetOtherThreadsAfterFork(task);
    AsyncStopAfterFork();
    uint32_t tid = static_cast<uint32_t>(task.tid);
    if ((flags & CLONE_CHILD_SETTID) && !task.memory.Write(req.child_tid, &tid, sizeof tid)) return -EFAULT;
    if (flags & CLONE_CHILD_CLEARTID) task.clear_child_tid = req.child_tid;
    if (req.stack) task.WriteReg(task.arch.reg_sp, req.stack);
    return 0;
  }
  if (want_pidfd) task.memory.Write(req.pidfd, &pidfd, sizeof pidfd);
  if (vfork) {
    WaitForVforkChild(done, static_cast<pid_t>(pid));
    FreeVforkDone(done);
  }
  task.process.children.insert(static_cast<pid_t>(pid));
  uint32_t child = static_cast<uint32_t>(pid);
  if (flags & CLONE_PARENT_SETTID) task.memory.Write(req.parent_tid, &child, sizeof child);
  return pid;
}

// clone(flags, stack, parent_tid, tls, child_tid): CLONE_PIDFD's pidfd goes
// where parent_tid would, so the two together are EINVAL.
int64_t SysClone(Task& task, const SyscallArgs& a) {
  CloneRequest req;
  req.flags = a.raw[0];
  req.stack = a.raw[1];
  req.parent_tid = a.raw[2];
  req.tls = a.raw[3];
  req.child_tid = a.raw[4];
  req.pidfd = a.raw[2];
  if ((req.flags & CLONE_PIDFD) && (req.flags & CLONE_PARENT_SETTID)) return -EINVAL;
  return CloneGuest(task, req);
}

// clone3(args, size): struct clone_args read and checked as the kernel's
// copy_clone_args_from_user and clone3_args_valid do, then served as
// clone is. CLONE_CLEAR_SIGHAND resets the child's handlers; set_tid and
// CLONE_INTO_CGROUP go to the host's clone3 (a thread's too: threads.cc).
int64_t SysClone3(Task& task, const SyscallArgs& a) {
  guest::CloneArgs args{};
  constexpr uint64_t kPageSize = 4096;
  constexpr uint64_t kClearSighand = 0x100000000ull;
  uint64_t size = a.raw[1];
  if (size > kPageSize) return -E2BIG;
  if (size < guest::kCloneArgsSizeVer0) return -EINVAL;
  if (!task.memory.Read(a.raw[0], &args, std::min<uint64_t>(size, sizeof args))) return -EFAULT;
  for (uint64_t at = sizeof args; at < size; ++at) {  // a newer struct's fields must be zero
    uint8_t byte;
    if (!task.memory.Read(a.raw[0] + at, &byte, 1)) return -EFAULT;
    if (byte) return -E2BIG;
  }
  constexpr uint64_t kMaxPidNsLevel = 32;
  if (args.set_tid_size > kMaxPidNsLevel || (!args.set_tid) != (!args.set_tid_size)) return -EINVAL;
  if ((args.exit_signal & ~uint64_t{CSIGNAL}) || args.exit_signal > kGuestSignals) return -EINVAL;
  if ((args.flags & kCloneIntoCgroup) && (args.cgroup > INT32_MAX || size < guest::kCloneArgsSizeVer2)) {
    return -EINVAL;
  }
  CloneRequest req;
  req.set_tid.resize(args.set_tid_size);
  if (args.set_tid_size &&
      !task.memory.Read(args.set_tid, req.set_tid.data(), args.set_tid_size * sizeof(pid_t))) {
    return -EFAULT;
  }
  if (args.flags & ~(uint64_t{0xffffffff} | kClearSighand | kCloneIntoCgroup)) return -EINVAL;
  if (args.flags & CSIGNAL) return -EINVAL;
  if ((args.flags & (CLONE_THREAD | CLONE_PARENT)) && args.exit_signal) return -EINVAL;
  if ((args.flags & (CLONE_SIGHAND | kClearSighand)) == (CLONE_SIGHAND | kClearSighand)) return -EINVAL;
  if ((args.stack == 0) != (args.stack_size == 0)) return -EINVAL;
  if (args.stack && !task.memory.InSpace(args.stack, args.stack_size)) return -EINVAL;
  if ((args.flags & CLONE_PIDFD) && (args.flags & CLONE_PARENT_SETTID) && args.pidfd == args.parent_tid) {
    return -EINVAL;
  }
  req.flags = (args.flags & 0xffffffff) | args.exit_signal;
  req.stack = args.stack ? args.stack + args.stack_size : 0;
  req.parent_tid = args.parent_tid;
  req.tls = args.tls;
  req.child_tid = args.child_tid;
  req.pidfd = args.pidfd;
  req.into_cgroup = args.flags & kCloneIntoCgroup;
  req.cgroup = args.cgroup;
  int64_t r = CloneGuest(task, req);
  if (r == 0 && (args.flags & kClearSighand)) {
    // The child's handlers become SIG_DFL; ignored signals stay ignored
    // (the kernel's flush_signal_handlers).
    for (GuestSigaction& act : task.process.sigactions) {
      if (act.handler != 1) act = GuestSigaction{};
    }
  }
  return r;
}

namespace {

// The guest's children that `pid` (wait4's convention) selects.
std::vector<pid_t> ChildrenMatching(const Task& task, pid_t pid);

// A subreaper (PR_SET_CHILD_SUBREAPER) also adopts orphaned descendants
// that ferry never forked. One that has ended shows in a peek (waitid with
// WNOWAIT: ferry's helpers only end as their thread does, reaped at once).
// When no child ferry knows is left, the host's process list says which
// live ones it has: those whose parent is this process, but its helpers.
void AdoptOrphans(Task& task, pid_t pid) {
  int subreaper = 0;
  if (prctl(PR_GET_CHILD_SUBREAPER, &subreaper) != 0 || !subreaper) return;
  siginfo_t info{};
  if (HostSyscall(SYS_waitid, P_ALL, 0, reinterpret_cast<uint64_t>(&info), WEXITED | WNOHANG | WNOWAIT, 0) == 0 &&
      info.si_pid > 0 && !IsHelperPid(info.si_pid)) {
    task.process.children.insert(info.si_pid);
  }
  if (!ChildrenMatching(task, pid).empty()) return;
  DIR* dir = opendir("/proc");
  if (!dir) return;
  pid_t self = getpid();
  while (struct dirent* e = readdir(dir)) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) continue;
    buf[n] = 0;
    const char* close_paren = strrchr(buf, ')');
    int ppid = 0;
    if (close_paren && sscanf(close_paren + 1, " %*c %d", &ppid) == 1 && ppid == self) {
      pid_t child = atoi(e->d_name);
      if (!IsHelperPid(child)) task.process.children.insert(child);
    }
  }
  closedir(dir);
}

std::vector<pid_t> ChildrenMatching(const Task& task, pid_t pid) {
  std::vector<pid_t> out;
  for (pid_t child : task.process.children) {
    bool match = pid == -1 || child == pid ||
                 (pid == 0 && getpgid(child) == getpgrp()) || (pid < -1 && getpgid(child) == -pid);
    if (match) out.push_back(child);
  }
  return out;
}

// Whether `child` is still a child of this process, ended or not, whatever
// its exit signal.
bool StillAChild(pid_t child) {
  siginfo_t info{};
  return HostSyscall(SYS_waitid, P_PID, child, reinterpret_cast<uint64_t>(&info),
                     WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT | __WALL, 0) == 0;
}

// Waits for one of the guest's own children, never ferry's helper (a traced
// child of ferry's too): each candidate is polled with WNOHANG, and between
// polls ferry sleeps on its signal counter, which every SIGCHLD bumps.
// `poll(child)` returns the host call's result for that child: > 0 when it
// reported, 0 when it has nothing yet.
template <typename Poll>
int64_t WaitForChildren(Task& task, pid_t pid, bool nohang, Poll poll) {
  for (;;) {
    uint32_t seen = SignalSequence().load();
    AdoptOrphans(task, pid);
    std::vector<pid_t> candidates = ChildrenMatching(task, pid);
    bool eligible = false;
    for (pid_t child : candidates) {
      int64_t r = poll(child);
      if (r == -ECHILD) {
        // Gone, or a child these options do not wait for (a clone child without __WALL or __WCLONE).
        if (!StillAChild(child)) task.process.children.erase(child);
        continue;
      }
      eligible = true;
      if (r != 0) return r;
    }
    if (!eligible) return -ECHILD;
    if (nohang) return 0;
    if (NextActionableSignal(task)) return restart::kInterrupted;
    WaitForSignal(seen);
  }
}

// A host wait's options: for anything but a child ferry forked itself
// (a subreaper's wait for any child, or for an adopted one) without
// __WALL and __WCLONE, which would show ferry's own helpers.
int HostWaitOptions(const Task& task, pid_t child, int options) {
  if (child <= 0 || !task.process.children.count(child)) options &= ~(__WALL | __WCLONE);
  return options | WNOHANG;
}

}  // namespace

int64_t SysWait4(Task& task, const SyscallArgs& a) {
  int options = static_cast<int>(a.raw[2]);
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL)) return -EINVAL;
  if (static_cast<pid_t>(a.raw[0]) == INT32_MIN) return -ESRCH;  // as the kernel: -INT_MIN names no group
  void* rusage = GuestBuffer(task, a.raw[3], sizeof(guest::Rusage));
  return WaitForChildren(task, static_cast<pid_t>(a.raw[0]), options & WNOHANG, [&](pid_t child) -> int64_t {
    int status = 0;
    int64_t r = HostSyscall(SYS_wait4, child, reinterpret_cast<uint64_t>(&status),
                            HostWaitOptions(task, child, options), reinterpret_cast<uint64_t>(rusage));
    if (r <= 0) return r;
    if (WIFEXITED(status) || WIFSIGNALED(status)) task.process.children.erase(static_cast<pid_t>(r));
    if (a.raw[1] && !task.memory.Write(a.raw[1], &status, sizeof status)) return -EFAULT;
    return r;
  });
}

// waitid. P_PIDFD waits for the pidfd's process, which must be a child (as
// the kernel's do_wait); a non-blocking pidfd makes the wait WNOHANG, and
// EAGAIN when the caller did not ask for WNOHANG itself.
int64_t SysWaitid(Task& task, const SyscallArgs& a) {
  int idtype = static_cast<int>(a.raw[0]);
  int options = static_cast<int>(a.raw[3]);
  if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL)) {
    return -EINVAL;
  }
  if (!(options & (WEXITED | WSTOPPED | WCONTINUED))) return -EINVAL;
  pid_t pid = idtype == P_PID ? static_cast<pid_t>(a.raw[1])
              : idtype == P_PGID ? -static_cast<pid_t>(a.raw[1] ? a.raw[1] : getpgrp())
              : idtype == P_ALL ? -1 : 0;
  bool nonblocking_pidfd = false;
  if (idtype == P_PIDFD) {
    if (static_cast<int32_t>(a.raw[1]) < 0) return -EINVAL;
    PidfdTarget target = TargetOfPidfd(static_cast<int32_t>(a.raw[1]));
    if (!target.is_pidfd) return -EBADF;
    if (target.pid <= 0) return -ECHILD;  // reaped already
    pid = target.pid;
    nonblocking_pidfd = target.nonblocking;
  } else if (idtype != P_PID && idtype != P_PGID && idtype != P_ALL) {
    return -EINVAL;
  }
  if (pid == 1 && idtype == P_PGID) return -ECHILD;
  void* rusage = GuestBuffer(task, a.raw[4], sizeof(guest::Rusage));
  bool nohang = (options & WNOHANG) || nonblocking_pidfd;
  int64_t r = WaitForChildren(task, pid, nohang, [&](pid_t child) -> int64_t {
    siginfo_t info{};
    // The pid as wait4 reads it, back to waitid's terms (P_PGID 0: the caller's group).
    uint64_t type = child > 0 ? P_PID : child == -1 ? P_ALL : P_PGID;
    uint64_t id = child > 0 ? child : child < -1 ? -child : 0;
    int64_t w = HostSyscall(SYS_waitid, type, id, reinterpret_cast<uint64_t>(&info),
                            HostWaitOptions(task, child, options), reinterpret_cast<uint64_t>(rusage));
    if (w < 0) return w;
    if (info.si_pid == 0) return 0;
    if (!(options & WNOWAIT) && (info.si_code == CLD_EXITED || info.si_code == CLD_KILLED ||
                                 info.si_code == CLD_DUMPED)) {
      task.process.children.erase(info.si_pid);
    }
    if (a.raw[2] && !task.memory.Write(a.raw[2], &info, sizeof info)) return -EFAULT;
    return info.si_pid;
  });
  if (r == 0 && a.raw[2]) {  // WNOHANG and nothing: the kernel zeroes si_pid
    siginfo_t empty{};
    if (!task.memory.Write(a.raw[2], &empty, sizeof empty)) return -EFAULT;
  }
  if (r == 0 && !(options & WNOHANG)) return -EAGAIN;  // the pidfd's O_NONBLOCK
  return r > 0 ? 0 : r;
}

}  // namespace ferry
