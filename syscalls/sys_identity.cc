// Credentials: set*uid, set*gid, setfs*, setgroups, capget and capset.
//
// The host's credential calls are per thread, as the guest's raw calls are
// (libc's setuid() makes one on every thread of the process itself, by a
// signal broadcast the guest's own libc runs). A guest thread is a host
// thread, so its call is the same call on its host thread. Its syscall
// helper (syscall_helper.h) is a separate host task with credentials of its
// own, copied when it was cloned: every change is made there too, so a
// blocking open after setuid is checked against the new identity. A helper
// started later is cloned from the thread and so starts with its identity.
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <cerrno>
#include <climits>

#include "host/host_syscall.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {

int64_t AlsoInHelper(Task& task, int64_t result, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
                     uint64_t a3, uint64_t a4) {
  if (!task.helper) return result;
  const uint64_t args[6] = {a0, a1, a2, a3, a4, 0};
  auto outcome = task.helper->Call(nr, args, [] { return false; });
  // Thread and helper had the same identity, so they get the same answer;
  // if not, the helper is out of step: drop it, and the next blocking call
  // clones a fresh one from the thread.
  if (outcome.kind != SyscallHelper::Outcome::kCompleted || outcome.value != result) task.helper.reset();
  return result;
}

namespace {

// A credential call: on the host thread, then (when it took effect, or
// always for setfsuid/setfsgid, which cannot fail) on the helper.
int64_t ChangeIdentity(Task& task, long nr, uint64_t a0, uint64_t a1 = 0, uint64_t a2 = 0,
                       bool always = false) {
  int64_t r = HostSyscall(nr, a0, a1, a2);
  if (r < 0 && !always) return r;
  return AlsoInHelper(task, r, nr, a0, a1, a2, 0, 0);
}

// uid_t and gid_t are 32 bits: the guest's register may carry anything above.
uint64_t Id(uint64_t v) { return static_cast<uint32_t>(v); }

}  // namespace

int64_t SysSetuid(Task& task, const SyscallArgs& a) { return ChangeIdentity(task, SYS_setuid, Id(a.raw[0])); }
int64_t SysSetgid(Task& task, const SyscallArgs& a) { return ChangeIdentity(task, SYS_setgid, Id(a.raw[0])); }
int64_t SysSetreuid(Task& task, const SyscallArgs& a) {
  return ChangeIdentity(task, SYS_setreuid, Id(a.raw[0]), Id(a.raw[1]));
}
int64_t SysSetregid(Task& task, const SyscallArgs& a) {
  return ChangeIdentity(task, SYS_setregid, Id(a.raw[0]), Id(a.raw[1]));
}
int64_t SysSetresuid(Task& task, const SyscallArgs& a) {
  return ChangeIdentity(task, SYS_setresuid, Id(a.raw[0]), Id(a.raw[1]), Id(a.raw[2]));
}
int64_t SysSetresgid(Task& task, const SyscallArgs& a) {
  return ChangeIdentity(task, SYS_setresgid, Id(a.raw[0]), Id(a.raw[1]), Id(a.raw[2]));
}
int64_t SysSetfsuid(Task& task, const SyscallArgs& a) {
  return ChangeIdentity(task, SYS_setfsuid, Id(a.raw[0]), 0, 0, true);
}
int64_t SysSetfsgid(Task& task, const SyscallArgs& a) {
  return ChangeIdentity(task, SYS_setfsgid, Id(a.raw[0]), 0, 0, true);
}

// gid_t arrays have the same layout on every arch. A bad count goes to the
// host as it is, which checks the permission before it (EPERM, then EINVAL).
int64_t SysSetgroups(Task& task, const SyscallArgs& a) {
  int64_t size = static_cast<int32_t>(a.raw[0]);
  constexpr int64_t kNgroupsMax = 65536;  // the kernel's NGROUPS_MAX
  void* list = size > 0 && size <= kNgroupsMax ? GuestBuffer(task, a.raw[1], size * sizeof(uint32_t)) : nullptr;
  return ChangeIdentity(task, SYS_setgroups, size, reinterpret_cast<uint64_t>(list));
}

// struct __user_cap_header_struct and _data_struct are the same on every
// arch; the header's pid is a tid, and guest tids are host tids.
namespace {

// The header's version as the guest gave it (the kernel may write its own).
void NoteCapVersion(Task& task, uint64_t header) {
  task.cap_version_in = 0;
  task.memory.Read(header, &task.cap_version_in, sizeof task.cap_version_in);
}

}  // namespace

int64_t SysCapget(Task& task, const SyscallArgs& a) {
  NoteCapVersion(task, a.raw[0]);
  void* header = GuestBuffer(task, a.raw[0], sizeof(__user_cap_header_struct));
  void* data = GuestBuffer(task, a.raw[1], 2 * sizeof(__user_cap_data_struct));
  return HostSyscall(SYS_capget, reinterpret_cast<uint64_t>(header), reinterpret_cast<uint64_t>(data));
}

int64_t SysCapset(Task& task, const SyscallArgs& a) {
  NoteCapVersion(task, a.raw[0]);
  void* header = GuestBuffer(task, a.raw[0], sizeof(__user_cap_header_struct));
  void* data = GuestBuffer(task, a.raw[1], 2 * sizeof(__user_cap_data_struct));
  int64_t r = HostSyscall(SYS_capset, reinterpret_cast<uint64_t>(header), reinterpret_cast<uint64_t>(data));
  if (r < 0) return r;
  // The header may name the thread by its tid; for the helper it is pid 0.
  __user_cap_header_struct own = *static_cast<__user_cap_header_struct*>(header);
  own.pid = 0;
  return AlsoInHelper(task, r, SYS_capset, reinterpret_cast<uint64_t>(&own), reinterpret_cast<uint64_t>(data), 0,
                      0, 0);
}

}  // namespace ferry
