// Scheduling, priorities and I/O priorities. Guest thread ids are host
// thread ids (each guest thread is a host thread), so the calls pass
// through with their structs rebased (sched_param, sched_attr and cpu masks
// have one layout on every arch). A change a thread makes to itself is
// mirrored in its syscall helper, whose blocking calls run on its behalf.
#include <sys/syscall.h>
#include <sys/resource.h>

#include <cerrno>

#include "host/host_syscall.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {

bool IsSelf(const Task& task, uint64_t pid) {
  pid_t p = static_cast<pid_t>(pid);
  return p == 0 || p == task.tid;
}

// The host call; when it succeeded on the thread itself, on its helper too
// (as pid 0: the helper is itself there).
int64_t ForSelf(Task& task, bool self, long nr, int who_index, uint64_t a0, uint64_t a1, uint64_t a2 = 0) {
  int64_t r = HostSyscall(nr, a0, a1, a2);
  if (r < 0 || !self) return r;
  uint64_t v[3] = {a0, a1, a2};
  v[who_index] = 0;
  return AlsoInHelper(task, r, nr, v[0], v[1], v[2]);
}

constexpr int kIoprioWhoProcess = 1;  // IOPRIO_WHO_PROCESS

}  // namespace

int64_t SysSchedSetaffinity(Task& task, const SyscallArgs& a) {
  uint64_t mask = HostAddress(task, a.raw[2], a.raw[1]);
  return ForSelf(task, IsSelf(task, a.raw[0]), SYS_sched_setaffinity, 0, static_cast<uint32_t>(a.raw[0]),
                 a.raw[1], mask);
}

int64_t SysSchedSetparam(Task& task, const SyscallArgs& a) {
  uint64_t param = HostAddress(task, a.raw[1], sizeof(int));
  return ForSelf(task, IsSelf(task, a.raw[0]), SYS_sched_setparam, 0, static_cast<uint32_t>(a.raw[0]), param);
}

int64_t SysSchedSetscheduler(Task& task, const SyscallArgs& a) {
  uint64_t param = HostAddress(task, a.raw[2], sizeof(int));
  return ForSelf(task, IsSelf(task, a.raw[0]), SYS_sched_setscheduler, 0, static_cast<uint32_t>(a.raw[0]),
                 a.raw[1], param);
}

int64_t SysSchedSetattr(Task& task, const SyscallArgs& a) {
  uint64_t attr = HostAddress(task, a.raw[1], sizeof(uint32_t));
  return ForSelf(task, IsSelf(task, a.raw[0]), SYS_sched_setattr, 0, static_cast<uint32_t>(a.raw[0]), attr,
                 a.raw[2]);
}

int64_t SysSetpriority(Task& task, const SyscallArgs& a) {
  bool self = static_cast<int>(a.raw[0]) == PRIO_PROCESS && IsSelf(task, a.raw[1]);
  return ForSelf(task, self, SYS_setpriority, 1, a.raw[0], a.raw[1], a.raw[2]);
}

int64_t SysIoprioSet(Task& task, const SyscallArgs& a) {
  bool self = static_cast<int>(a.raw[0]) == kIoprioWhoProcess && IsSelf(task, a.raw[1]);
  return ForSelf(task, self, SYS_ioprio_set, 1, a.raw[0], a.raw[1], a.raw[2]);
}

}  // namespace ferry
