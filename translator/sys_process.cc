// Process identity and lifetime: exit, thread bookkeeping, uname, groups.
#include <sys/syscall.h>
#include <sys/utsname.h>

#include <cerrno>
#include <cstring>

#include "translator/host_syscall.h"
#include "translator/syscall_handlers.h"

namespace translator {

int64_t SysExit(Task& task, const SyscallArgs& a) {
  task.End({false, static_cast<int>(a.raw[0] & 0xff)});
  return kNoReturn;
}

int64_t SysExitGroup(Task& task, const SyscallArgs& a) { return SysExit(task, a); }

int64_t SysSetTidAddress(Task& task, const SyscallArgs& a) {
  task.clear_child_tid = a.raw[0];
  return HostSyscall(SYS_gettid);
}

int64_t SysSetRobustList(Task& task, const SyscallArgs& a) {
  constexpr uint64_t kRobustListHeadSize = 24;  // struct robust_list_head on 64-bit
  if (a.raw[1] != kRobustListHeadSize) return -EINVAL;
  task.robust_list = a.raw[0];
  task.robust_list_len = a.raw[1];
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
  return task.memory.Write(a.raw[0], &u, sizeof u) ? 0 : -EFAULT;
}

}  // namespace translator

namespace translator {

// A guest has no children until fork lands (issue 4). The host call must not
// run: ferry's traced helper would count as a child and a wait could block on
// it or reap its ptrace stops. When children exist, these become safe inline
// calls (SafeHostSyscall) restricted to the guest's own child pids.
int64_t SysWait4(Task&, const SyscallArgs&) { return -ECHILD; }

int64_t SysWaitid(Task&, const SyscallArgs&) { return -ECHILD; }

}  // namespace translator
