// NUMA memory policy. Guest ranges and addresses become host ones; node
// masks hold no pointers. A thread's own policy (set_mempolicy) also governs
// pages its syscall helper first touches for it, so it is set there too.
#include <sys/syscall.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <vector>

#include "host/host_syscall.h"
#include "memory/guest_memory.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {

// A node mask of `maxnode` bits: whole longs, as the kernel reads them
// (it refuses masks over a page of bits itself, EINVAL).
uint64_t NodeMaskBytes(uint64_t maxnode) { return std::min<uint64_t>((maxnode + 63) / 64 * 8, 4096); }

// A guest address the host call looks up. ferry's reservation is mapped
// on the host where the guest has nothing, so an address the guest has not
// mapped becomes one no host mapping has (the kernel's EFAULT).
uint64_t HostPlace(const Task& task, uint64_t g) {
  void* host = task.memory.IsMapped(PageDown(g), kPageSize) ? task.memory.HostRange(g, 1) : nullptr;
  return reinterpret_cast<uint64_t>(host ? host : kBadPointer);
}

constexpr uint64_t kMovePagesChunk = 1024;
constexpr int kMpolFAddr = 1 << 1;  // MPOL_F_ADDR

}  // namespace

// mbind: the host first checks the mode, node mask, flags and alignment
// (with an empty range, a call that only does that); a range with pages the
// guest has not mapped is then a hole (EFAULT), which the host would not see.
int64_t SysMbind(Task& task, const SyscallArgs& a) {
  uint64_t mask = HostAddress(task, a.raw[3], NodeMaskBytes(a.raw[4]));
  uint64_t start = HostPlace(task, a.raw[0]);
  int64_t r = HostSyscall(SYS_mbind, reinterpret_cast<uint64_t>(task.memory.base()) + a.raw[0], 0, a.raw[2], mask,
                          a.raw[4], a.raw[5]);
  if (r < 0 || a.raw[1] == 0) return r;
  uint64_t len = PageUp(a.raw[1]);
  if (len < a.raw[1] || !task.memory.IsMapped(a.raw[0], len)) return -EFAULT;
  return HostSyscall(SYS_mbind, start, len, a.raw[2], mask, a.raw[4], a.raw[5]);
}

int64_t SysGetMempolicy(Task& task, const SyscallArgs& a) {
  uint64_t addr = (a.raw[4] & kMpolFAddr) ? HostPlace(task, a.raw[3]) : a.raw[3];
  return HostSyscall(SYS_get_mempolicy, HostAddress(task, a.raw[0], sizeof(int)),
                     HostAddress(task, a.raw[1], NodeMaskBytes(a.raw[2])), a.raw[2], addr, a.raw[4]);
}

int64_t SysSetMempolicy(Task& task, const SyscallArgs& a) {
  uint64_t mask = HostAddress(task, a.raw[1], NodeMaskBytes(a.raw[2]));
  int64_t r = HostSyscall(SYS_set_mempolicy, a.raw[0], mask, a.raw[2]);
  if (r < 0) return r;
  return AlsoInHelper(task, r, SYS_set_mempolicy, a.raw[0], mask, a.raw[2]);
}

// move_pages(pid, count, pages, nodes, status, flags): `pages` holds guest
// addresses, rebased in chunks; the host first checks the flags and the pid
// (with no pages, a call that only does that). Another process's pages are
// named by this process's guest layout, which a forked child shares.
int64_t SysMovePages(Task& task, const SyscallArgs& a) {
  int64_t r = HostSyscall(SYS_move_pages, a.raw[0], 0, 0, 0, 0, a.raw[5]);
  if (r < 0 || a.raw[1] == 0) return r;
  uint64_t count = a.raw[1];
  std::vector<uint64_t> chunk;
  int64_t not_moved = 0;  // what a newer kernel returns: the pages it could not move
  for (uint64_t done = 0; done < count; done += chunk.size()) {
    chunk.resize(std::min(kMovePagesChunk, count - done));
    if (!task.memory.Read(a.raw[2] + done * 8, chunk.data(), chunk.size() * 8)) return -EFAULT;
    for (uint64_t& page : chunk) page = HostPlace(task, page);
    uint64_t nodes = a.raw[3] ? HostAddress(task, a.raw[3] + done * 4, chunk.size() * 4) : 0;
    r = HostSyscall(SYS_move_pages, a.raw[0], chunk.size(), reinterpret_cast<uint64_t>(chunk.data()), nodes,
                    HostAddress(task, a.raw[4] + done * 4, chunk.size() * 4), a.raw[5]);
    if (r < 0) return r;
    not_moved += r;
  }
  return not_moved;
}

}  // namespace ferry
