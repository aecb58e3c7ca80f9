// Vectored I/O: the iovec array holds guest pointers, so it is copied and
// each buffer rebased before the host call.
#include <sys/syscall.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstdint>
#include <span>

#include "host/host_syscall.h"
#include "runtime/signalfd.h"
#include "syscalls/syscall_handlers.h"

#include "arch/generic/abi.h"

namespace ferry {
namespace {

constexpr uint64_t kMaxIovecs = 1024;  // the kernel's UIO_MAXIOV

int64_t VectorIo(Task& task, long host_nr, const SyscallArgs& a) {
  uint64_t count = a.raw[2];
  if (count > kMaxIovecs) return -EINVAL;
  guest::Iovec guest_iov[kMaxIovecs];
  if (!guest::ReadIovecs(task.arch, task.memory, a.raw[1], count, guest_iov)) return -EFAULT;
  if (host_nr == SYS_readv || host_nr == SYS_writev) {
    int fd = static_cast<int>(a.raw[0]);
    if (host_nr == SYS_writev && IsSignalfd(fd)) return -EINVAL;
    GuestRange buffers[kMaxIovecs];
    uint64_t total = 0;
    for (uint64_t i = 0; i < count; ++i) {
      buffers[i] = {guest_iov[i].base, guest_iov[i].len};
      if (guest_iov[i].len > INT64_MAX - total) return -EINVAL;  // as the kernel's rw_copy_check_uvector
      total += guest_iov[i].len;
    }
    int64_t result;
    if (host_nr == SYS_readv && ReadSignalfd(task, fd, std::span(buffers, count), &result)) return result;
  }
  bool positioned_read = host_nr == SYS_preadv || host_nr == SYS_preadv2;
  if ((host_nr == SYS_readv || positioned_read) && ReadsSeededRandom(static_cast<int64_t>(a.raw[0]))) {
    // preadv2's offset -1 reads at the file position.
    int64_t lowest = host_nr == SYS_preadv2 ? -1 : 0;
    if (positioned_read && static_cast<int64_t>(a.raw[3]) < lowest) return -EINVAL;
    int64_t total = 0;  // --seed: each buffer in turn from the stream (sys_random.cc)
    for (uint64_t i = 0; i < count; ++i) {
      int64_t n = ReadSeededRandom(task, guest_iov[i].base, guest_iov[i].len);
      if (n < 0) return total ? total : n;
      total += n;
      if (static_cast<uint64_t>(n) < guest_iov[i].len) break;
    }
    return total;
  }
  struct iovec iov[kMaxIovecs];
  for (uint64_t i = 0; i < count; ++i) {
    iov[i].iov_base = GuestBuffer(task, guest_iov[i].base, guest_iov[i].len);
    iov[i].iov_len = guest_iov[i].len;
  }
  // preadv/pwritev(2) take the 64-bit offset as (low, high) halves on x86_64
  // (a 64-bit kernel ignores the high half); preadv2/pwritev2's RWF_* flags follow.
  return BlockingHostSyscall(task, host_nr, a.raw[0], reinterpret_cast<uint64_t>(iov), count, a.raw[3], 0,
                             a.raw[5]);
}

}  // namespace

// A guest signalfd is read from ferry's own pending queues (signalfd.h).
int64_t SysRead(Task& task, const SyscallArgs& a) {
  int64_t result;
  GuestRange buffer = {a.raw[1], a.raw[2]};
  if (ReadSignalfd(task, static_cast<int>(a.raw[0]), std::span(&buffer, 1), &result)) return result;
  // --seed: /dev/urandom and /dev/random read the seeded stream (sys_random.cc).
  if (ReadsSeededRandom(static_cast<int64_t>(a.raw[0]))) return ReadSeededRandom(task, a.raw[1], a.raw[2]);
  return HostCallAs(task, a, SYS_read);
}

// A signalfd has no write operation: the pipe behind it must not take one.
int64_t SysWrite(Task& task, const SyscallArgs& a) {
  if (IsSignalfd(static_cast<int>(a.raw[0]))) return -EINVAL;
  return HostCallAs(task, a, SYS_write);
}

int64_t SysReadv(Task& task, const SyscallArgs& a) { return VectorIo(task, SYS_readv, a); }
int64_t SysWritev(Task& task, const SyscallArgs& a) { return VectorIo(task, SYS_writev, a); }
int64_t SysPreadv(Task& task, const SyscallArgs& a) { return VectorIo(task, SYS_preadv, a); }
int64_t SysPwritev(Task& task, const SyscallArgs& a) { return VectorIo(task, SYS_pwritev, a); }
int64_t SysPreadv2(Task& task, const SyscallArgs& a) { return VectorIo(task, SYS_preadv2, a); }
int64_t SysPwritev2(Task& task, const SyscallArgs& a) { return VectorIo(task, SYS_pwritev2, a); }
// vmsplice(fd, iov, nr_segs, flags): the fourth argument is the flags.
int64_t SysVmsplice(Task& task, const SyscallArgs& a) { return VectorIo(task, SYS_vmsplice, a); }

}  // namespace ferry
