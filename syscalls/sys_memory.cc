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
  if (PageUp(a.raw[2]) > PageUp(a.raw[1]) && !AddressSpaceAllows(task, PageUp(a.raw[2]) - PageUp(a.raw[1]))) {
    return -ENOMEM;
  }
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
