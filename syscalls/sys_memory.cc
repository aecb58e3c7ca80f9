// The guest's memory calls, served by GuestMemory so guest protections and
// ferry's reservation stay consistent.
#include <sys/mman.h>
#include <sys/syscall.h>

#include <algorithm>
#include <cerrno>
#include <mutex>

#include "host/host_syscall.h"
#include "syscalls/syscall_handlers.h"
#include "runtime/threads.h"

namespace ferry {

// Mirrors the kernel's brk: failure leaves the break where it was and
// returns it.
int64_t SysBrk(Task& task, const SyscallArgs& a) {
  MemoryChange changing(task);  // one change at a time, no thread running
  uint64_t want = a.raw[0];
  if (want < task.process.brk_start || !task.memory.InSpace(want, 0)) return task.process.brk_current;
  uint64_t have_end = PageUp(task.process.brk_current), want_end = PageUp(want);
  if (want_end > have_end) {
    uint64_t grow = want_end - have_end;
    if (!task.memory.IsFree(have_end, grow) || !AddressSpaceAllows(task, grow)) return task.process.brk_current;
    int64_t r = task.memory.Map(have_end, grow, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (r < 0) return task.process.brk_current;
    task.memory.Label(have_end, grow, "[heap]");
  } else if (want_end < have_end) {
    task.memory.Unmap(want_end, have_end - want_end);
  }
  task.process.brk_current = want;
  return want;
}

namespace {

// Writable shared memory: another process's stores and Unicorn's
// non-atomic atomics may meet there, so from now on this process's guest
// code runs under the CPU lock its whole fork tree shares (threads.h).
// Precondition: a MemoryChange (the CPU lock) is held.
void NoteWritableShared(Task& task) { task.process.shares_memory = true; }

}  // namespace

int64_t SysMmap(Task& task, const SyscallArgs& a) {
  MemoryChange changing(task);  // one change at a time, no thread running
  int prot = static_cast<int>(a.raw[2]);
  int flags = static_cast<int>(a.raw[3]);
  int fd = (flags & MAP_ANONYMOUS) ? -1 : static_cast<int>(a.raw[4]);
  // RLIMIT_AS counts what the mapping adds: a fixed one over mapped pages adds none.
  uint64_t len = PageUp(a.raw[1]);
  bool replaces = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && task.memory.InSpace(a.raw[0], len) &&
                  task.memory.IsMapped(a.raw[0], len);
  if (len && !replaces && !AddressSpaceAllows(task, len)) return -ENOMEM;
  int64_t r = task.memory.Map(a.raw[0], a.raw[1], prot, flags, fd, a.raw[5]);
  if (r >= 0 && (flags & MAP_SHARED) && (prot & PROT_WRITE)) NoteWritableShared(task);
  return r;
}

int64_t SysMunmap(Task& task, const SyscallArgs& a) {
  MemoryChange changing(task);
  return task.memory.Unmap(a.raw[0], a.raw[1]);
}

int64_t SysMprotect(Task& task, const SyscallArgs& a) {
  MemoryChange changing(task);  // one change at a time, no thread running
  int prot = static_cast<int>(a.raw[2]);
  int64_t r = task.memory.Protect(a.raw[0], a.raw[1], prot);
  if (r == 0 && (prot & PROT_WRITE) && task.memory.AnyShared(a.raw[0], a.raw[1])) NoteWritableShared(task);
  return r;
}

int64_t SysMremap(Task& task, const SyscallArgs& a) {
  MemoryChange changing(task);  // one change at a time, no thread running
  // RLIMIT_AS counts the growth, or with MREMAP_DONTUNMAP the whole new range (the old one stays).
  constexpr uint64_t kDontUnmap = 4;
  uint64_t grows = (a.raw[3] & kDontUnmap) ? PageUp(a.raw[2])
                   : PageUp(a.raw[2]) > PageUp(a.raw[1]) ? PageUp(a.raw[2]) - PageUp(a.raw[1]) : 0;
  if (grows && !AddressSpaceAllows(task, grows)) return -ENOMEM;
  return task.memory.Remap(a.raw[0], a.raw[1], a.raw[2], static_cast<int>(a.raw[3]), a.raw[4]);
}

int64_t SysMadvise(Task& task, const SyscallArgs& a) {
  uint64_t addr = a.raw[0], len = PageUp(a.raw[1]);
  if (addr % kPageSize != 0) return -EINVAL;
  if (!task.memory.InSpace(addr, len)) return -ENOMEM;
  if (a.raw[2] != MADV_DONTNEED) return 0;
  if (!task.memory.IsMapped(addr, len)) return -ENOMEM;
  return HostSyscall(SYS_madvise, reinterpret_cast<uint64_t>(task.memory.Host(addr)), len,
                     MADV_DONTNEED);
}

namespace {

// The first page of [addr, addr+len) that the guest has not mapped, or
// addr+len. (On the host every page of the space is mapped: unmapped guest
// pages are ferry's reservation, so host calls would not see the holes.)
uint64_t FirstHole(const Task& task, uint64_t addr, uint64_t len) {
  for (uint64_t at = addr; at < addr + len; at += kPageSize) {
    if (!(task.memory.PageState(at) & kPageMapped)) return at;
  }
  return addr + len;
}

// mlock, mlock2 and munlock: the range in whole pages (the kernel's
// PAGE_ALIGN(len + offset)); a hole is ENOMEM, after the checks the host
// makes of the call itself (flags, EPERM without CAP_IPC_LOCK or a limit),
// which a zero-length call of the same kind makes.
int64_t LockRange(Task& task, long host_nr, uint64_t addr, uint64_t size, uint64_t flags) {
  uint64_t start = PageDown(addr), len = PageUp(size + addr % kPageSize);
  if (start + len < start) return -EINVAL;
  if (len == 0 || !task.memory.InSpace(start, len) || FirstHole(task, start, len) != start + len) {
    int64_t r = HostSyscall(host_nr, reinterpret_cast<uint64_t>(task.memory.Host(0)), 0, flags);
    return r < 0 || len == 0 ? r : -ENOMEM;
  }
  return HostSyscall(host_nr, reinterpret_cast<uint64_t>(task.memory.Host(start)), len, flags);
}

}  // namespace

int64_t SysMlock(Task& task, const SyscallArgs& a) { return LockRange(task, SYS_mlock, a.raw[0], a.raw[1], 0); }

int64_t SysMlock2(Task& task, const SyscallArgs& a) {
  return LockRange(task, SYS_mlock2, a.raw[0], a.raw[1], a.raw[2]);
}

int64_t SysMunlock(Task& task, const SyscallArgs& a) { return LockRange(task, SYS_munlock, a.raw[0], a.raw[1], 0); }

// mincore, in the kernel's order: a misaligned start (EINVAL), a range past
// the user space (ENOMEM), a vector past it (EFAULT); then the pages up to
// the first hole are reported by the host, whose residency is the guest
// pages' own, and a hole is ENOMEM.
int64_t SysMincore(Task& task, const SyscallArgs& a) {
  uint64_t addr = a.raw[0], len = a.raw[1];
  if (addr % kPageSize) return -EINVAL;
  uint64_t pages = len / kPageSize + (len % kPageSize != 0);
  if (!task.memory.InSpace(addr, pages * kPageSize)) return -ENOMEM;
  void* vec = GuestBuffer(task, a.raw[2], pages);
  if (vec == kBadPointer) return -EFAULT;
  if (!pages) return 0;
  uint64_t hole = FirstHole(task, addr, pages * kPageSize);
  if (hole == addr) return -ENOMEM;
  int64_t r = HostSyscall(SYS_mincore, reinterpret_cast<uint64_t>(task.memory.Host(addr)),
                          std::min(len, hole - addr), reinterpret_cast<uint64_t>(vec));
  return r < 0 || hole == addr + pages * kPageSize ? r : -ENOMEM;
}

// riscv_flush_icache(start, end, flags): Unicorn drops stale blocks only
// when its own CPU writes to their pages; code a host syscall (read) or
// another thread wrote is not seen. So this CPU drops the range, and
// unless the flush is local (SYS_RISCV_FLUSH_ICACHE_LOCAL) every other
// thread drops its translations before it runs again.
int64_t SysFlushIcache(Task& task, const SyscallArgs& a) {
  if (a.raw[2] > 1) return -EINVAL;
  uint64_t start = a.raw[0], end = a.raw[1] > a.raw[0] ? a.raw[1] : a.raw[0];
  MemoryChange changing(task);
  MemoryChanged(task, start, std::min(end, task.memory.size()) - std::min(start, task.memory.size()), true);
  return 0;
}

}  // namespace ferry
