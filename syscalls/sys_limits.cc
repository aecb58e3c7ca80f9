// Resource limits. Most are the host's, which bind ferry's process as they
// would the guest's, so they pass through. RLIMIT_AS is the guest's own:
// ferry reserves the whole guest space up front (ARCHITECTURE.md), so a
// host limit would fail ferry's own allocations at once. The guest's value
// is kept in Process and enforced where the guest's space grows (mmap,
// mremap, brk), against the guest's mapped total.
#include <sys/resource.h>
#include <sys/syscall.h>

#include <cerrno>

#include "host/host_syscall.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {

constexpr int kCapSysResource = 24;  // CAP_SYS_RESOURCE

struct GuestRlimit {
  uint64_t cur, max;
};

GuestRlimit AddressSpaceLimit(const Process& process) {
  if (process.as_limit.set) return {process.as_limit.cur, process.as_limit.max};
  struct rlimit host;
  getrlimit(RLIMIT_AS, &host);
  return {host.rlim_cur, host.rlim_max};
}

bool HasCapSysResource() {
  struct {
    uint32_t version;
    int pid;
  } header = {0x20080522, 0};  // _LINUX_CAPABILITY_VERSION_3
  uint32_t data[6] = {};
  return HostSyscall(SYS_capget, reinterpret_cast<uint64_t>(&header), reinterpret_cast<uint64_t>(data)) == 0 &&
         (data[0] >> kCapSysResource & 1);
}

// Mirrors the kernel's do_prlimit for RLIMIT_AS: `next` (if any) replaces
// the guest's limit, `old` (if any) gets the one before.
int64_t AddressSpacePrlimit(Task& task, uint64_t next, uint64_t old) {
  GuestRlimit now = AddressSpaceLimit(task.process), want;
  if (next) {
    if (!task.memory.Read(next, &want, sizeof want)) return -EFAULT;
    if (want.cur > want.max) return -EINVAL;
    if (want.max > now.max && !HasCapSysResource()) return -EPERM;
  }
  if (old && !task.memory.Write(old, &now, sizeof now)) return -EFAULT;
  if (next) task.process.as_limit = {true, want.cur, want.max};
  return 0;
}

// A pid that prlimit64 would find in this process: 0, or one of its threads.
bool OwnThread(const Task& task, pid_t pid) {
  if (pid == 0 || pid == task.tid || pid == getpid()) return true;
  for (const ThreadSlot& slot : task.process.slots) {
    if (slot.tid.load() == pid) return true;
  }
  return false;
}

}  // namespace

bool AddressSpaceAllows(const Task& task, uint64_t grow) {
  if (!task.process.as_limit.set || task.process.as_limit.cur == RLIM_INFINITY) return true;
  uint64_t total = 0;
  for (auto [lo, hi] : task.memory.ranges()) total += hi - lo;
  return total + grow <= task.process.as_limit.cur;
}

int64_t SysGetrlimit(Task& task, const SyscallArgs& a) {
  if (static_cast<uint32_t>(a.raw[0]) != RLIMIT_AS) {
    return HostSyscall(SYS_getrlimit, static_cast<uint32_t>(a.raw[0]), HostAddress(task, a.raw[1], 16));
  }
  return AddressSpacePrlimit(task, 0, a.raw[1] ? a.raw[1] : ~uint64_t{0});
}

int64_t SysSetrlimit(Task& task, const SyscallArgs& a) {
  if (static_cast<uint32_t>(a.raw[0]) != RLIMIT_AS) {
    return HostSyscall(SYS_setrlimit, static_cast<uint32_t>(a.raw[0]), HostAddress(task, a.raw[1], 16));
  }
  return AddressSpacePrlimit(task, a.raw[1] ? a.raw[1] : ~uint64_t{0}, 0);
}

int64_t SysPrlimit64(Task& task, const SyscallArgs& a) {
  pid_t pid = static_cast<pid_t>(a.raw[0]);
  uint32_t resource = static_cast<uint32_t>(a.raw[1]);
  if (resource != RLIMIT_AS || !OwnThread(task, pid)) {
    // Another process is another ferry, whose RLIMIT_AS is its guest's: ferry
    // cannot reach it (and must not set the host's), so the guest is told no.
    if (resource == RLIMIT_AS && a.raw[2] && HostSyscall(SYS_kill, pid, 0) == 0) return -EPERM;
    return HostSyscall(SYS_prlimit64, pid, resource, HostAddress(task, a.raw[2], 16), HostAddress(task, a.raw[3], 16));
  }
  return AddressSpacePrlimit(task, a.raw[2], a.raw[3]);
}

}  // namespace ferry
