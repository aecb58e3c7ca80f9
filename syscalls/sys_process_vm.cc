// Calls that name another process's insides: process_vm_readv/writev and
// kcmp. Guest pids are host pids; what differs is memory: each ferry process
// reserves its guest space wherever the host put it, so a remote guest
// address is translated with the target's own base, read from the target's
// g_guest_space_beacon (memory/guest_memory.h).
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "host/host_syscall.h"
#include "memory/guest_memory.h"
#include "syscalls/syscall_handlers.h"

#include "arch/generic/abi.h"

namespace ferry {

namespace {

constexpr uint64_t kMaxIovecs = 1024;  // the kernel's UIO_MAXIOV
constexpr uint64_t kHostUserTop = uint64_t{1} << 47;

// Where a process's guest space is: base and size on the host, or none
// (a program ferry does not run: its addresses are its own).
struct SpaceOf {
  uint64_t base = 0, size = 0;
  bool translated = false;
};

// The guest space of process `pid`: this process's own for any of its
// threads; another ferry process's from its beacon; none for a program that
// holds no beacon. -errno (ESRCH, EPERM) when the host cannot reach it.
int64_t FindSpace(const Task& task, pid_t pid, SpaceOf* out) {
  bool own = pid == getpid();
  for (const ThreadSlot& slot : task.process.slots) own |= pid > 0 && slot.tid.load() == pid;
  if (own) {
    *out = {g_guest_space_beacon.base, g_guest_space_beacon.size, true};
    return 0;
  }
  GuestSpaceBeacon beacon{};
  struct iovec local = {&beacon, sizeof beacon}, remote = {&g_guest_space_beacon, sizeof beacon};
  int64_t r = HostSyscall(SYS_process_vm_readv, pid, reinterpret_cast<uint64_t>(&local), 1,
                          reinterpret_cast<uint64_t>(&remote), 1, 0);
  if (r == -ESRCH || r == -EPERM) return r;
  if (r == sizeof beacon && memcmp(beacon.magic, kGuestSpaceBeaconMagic, sizeof beacon.magic) == 0) {
    *out = {beacon.base, beacon.size, true};
  } else {
    *out = {};
  }
  return 0;
}

// A guest address in `space` as a host one. Past the space but below the
// top of user addresses it is the space's guard page, which faults at once
// (a partial transfer, as an unmapped guest page gives); above, it stays
// what it is, an address no process has (EFAULT).
uint64_t HostOf(const SpaceOf& space, uint64_t addr) {
  if (!space.translated) return addr;
  if (addr < space.size) return space.base + addr;
  return addr < kHostUserTop ? space.base + space.size : addr;
}

// Reads `count` guest iovecs at `at` as host iovecs in `space`.
int64_t ReadIovecs(const Task& task, uint64_t at, uint64_t count, const SpaceOf& space,
                   std::vector<struct iovec>* out) {
  if (count > kMaxIovecs) return -EINVAL;
  std::vector<guest::Iovec> vec(count);
  if (count && !task.memory.Read(at, vec.data(), count * sizeof(guest::Iovec))) return -EFAULT;
  out->resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    (*out)[i].iov_base = reinterpret_cast<void*>(HostOf(space, vec[i].base));
    (*out)[i].iov_len = vec[i].len;
  }
  return 0;
}

// process_vm_readv/writev, in the kernel's order of checks: flags, the
// local vector (an empty transfer is 0 before the remote one is read), the
// remote vector, then the process.
int64_t ProcessVm(Task& task, const SyscallArgs& a, long host_nr) {
  if (a.raw[5] != 0) return -EINVAL;
  SpaceOf own{g_guest_space_beacon.base, g_guest_space_beacon.size, true};
  std::vector<struct iovec> local, remote;
  if (int64_t r = ReadIovecs(task, a.raw[1], a.raw[2], own, &local)) return r;
  uint64_t total = 0;
  for (const struct iovec& v : local) {
    if (v.iov_len > INT64_MAX - total) return -EINVAL;
    total += v.iov_len;
  }
  if (total == 0) return 0;
  if (a.raw[4] > kMaxIovecs) return -EINVAL;
  std::vector<guest::Iovec> check(a.raw[4]);
  if (a.raw[4] && !task.memory.Read(a.raw[3], check.data(), a.raw[4] * sizeof(guest::Iovec))) return -EFAULT;
  SpaceOf target;
  if (int64_t r = FindSpace(task, static_cast<pid_t>(a.raw[0]), &target)) return r;
  if (int64_t r = ReadIovecs(task, a.raw[3], a.raw[4], target, &remote)) return r;
  return HostSyscall(host_nr, a.raw[0], reinterpret_cast<uint64_t>(local.data()), local.size(),
                     reinterpret_cast<uint64_t>(remote.data()), remote.size(), 0);
}

}  // namespace

int64_t SysProcessVmReadv(Task& task, const SyscallArgs& a) { return ProcessVm(task, a, SYS_process_vm_readv); }

int64_t SysProcessVmWritev(Task& task, const SyscallArgs& a) { return ProcessVm(task, a, SYS_process_vm_writev); }

// kcmp: the host's, as guest pids are host pids; KCMP_EPOLL_TFD's slot
// (three u32s, one layout everywhere) is a guest pointer.
int64_t SysKcmp(Task& task, const SyscallArgs& a) {
  constexpr uint64_t kKcmpEpollTfd = 7;
  constexpr uint64_t kEpollSlotSize = 12;
  uint64_t idx2 = a.raw[2] == kKcmpEpollTfd ? HostAddress(task, a.raw[4], kEpollSlotSize) : a.raw[4];
  return HostSyscall(SYS_kcmp, a.raw[0], a.raw[1], a.raw[2], a.raw[3], idx2);
}

}  // namespace ferry
