// Vectored I/O: the iovec array holds guest pointers, so it is copied and
// each buffer rebased before the host call.
#include <sys/syscall.h>
#include <sys/uio.h>

#include <cerrno>

#include "translator/host_syscall.h"
#include "translator/syscall_handlers.h"

namespace translator {
namespace {

constexpr uint64_t kMaxIovecs = 1024;  // the kernel's UIO_MAXIOV

int64_t VectorIo(Task& task, long host_nr, const SyscallArgs& a) {
  uint64_t count = a.raw[2];
  if (count > kMaxIovecs) return -EINVAL;
  struct iovec iov[kMaxIovecs];
  if (!task.memory.Read(a.raw[1], iov, count * sizeof(struct iovec))) return -EFAULT;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t base = reinterpret_cast<uint64_t>(iov[i].iov_base);
    iov[i].iov_base = GuestBuffer(task, base, iov[i].iov_len);
  }
  // preadv/pwritev take the 64-bit offset as (low, high) halves on x86_64.
  return BlockingHostSyscall(task, host_nr, a.raw[0], reinterpret_cast<uint64_t>(iov), count, a.raw[3], 0);
}

}  // namespace

int64_t SysReadv(Task& task, const SyscallArgs& a) { return VectorIo(task, SYS_readv, a); }
int64_t SysWritev(Task& task, const SyscallArgs& a) { return VectorIo(task, SYS_writev, a); }
int64_t SysPreadv(Task& task, const SyscallArgs& a) { return VectorIo(task, SYS_preadv, a); }
int64_t SysPwritev(Task& task, const SyscallArgs& a) { return VectorIo(task, SYS_pwritev, a); }
// vmsplice(fd, iov, nr_segs, flags): the fourth argument is the flags.
int64_t SysVmsplice(Task& task, const SyscallArgs& a) { return VectorIo(task, SYS_vmsplice, a); }

}  // namespace translator
