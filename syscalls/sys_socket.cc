// sendmsg, recvmsg, sendmmsg and recvmmsg. The guest's struct msghdr,
// mmsghdr, iovec and cmsghdr have the host's LP64 layout, and every control
// message the kernel passes (SCM_RIGHTS, SCM_CREDENTIALS, SO_TIMESTAMP*,
// IP_PKTINFO...) holds the same bytes on AArch64, RISC-V64 and x86_64 (the
// same asm-generic option numbers, 64-bit time), so only the pointers inside
// change: msg_name, msg_iov and each iov_base, msg_control are rebased and
// the host kernel reads and writes the guest's bytes in place. Descriptors
// are the host's, so SCM_RIGHTS needs nothing more. What the kernel writes
// into the header itself (msg_namelen, msg_controllen, msg_flags, msg_len)
// is copied back, as ___sys_recvmsg puts it.
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstddef>
#include <vector>

#include "host/host_syscall.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {

constexpr uint64_t kMaxIovecs = 1024;  // the kernel's UIO_MAXIOV

static_assert(sizeof(msghdr) == 56 && offsetof(msghdr, msg_iov) == 16 && offsetof(msghdr, msg_control) == 32 &&
                  offsetof(msghdr, msg_flags) == 48,
              "struct msghdr: the LP64 layout AArch64 and RISC-V64 share");
static_assert(sizeof(mmsghdr) == 64 && offsetof(mmsghdr, msg_len) == 56, "struct mmsghdr");
static_assert(sizeof(cmsghdr) == 16, "struct cmsghdr");

// One guest msghdr made host-usable: its own copy with rebased pointers and
// its own iovec array.
struct HostMsg {
  msghdr hdr;
  std::vector<iovec> iov;
};

// Reads the guest msghdr at `g` and rebases it; 0 or the kernel's errno
// (copy_msghdr_from_user: EFAULT, EMSGSIZE for too many iovecs).
int64_t ImportMsg(Task& task, uint64_t g, HostMsg* m) {
  if (!task.memory.Read(g, &m->hdr, sizeof m->hdr)) return -EFAULT;
  msghdr& h = m->hdr;
  if (h.msg_iovlen > kMaxIovecs) return -EMSGSIZE;
  m->iov.resize(h.msg_iovlen);
  uint64_t iov_guest = reinterpret_cast<uint64_t>(h.msg_iov);
  if (h.msg_iovlen && !task.memory.Read(iov_guest, m->iov.data(), h.msg_iovlen * sizeof(iovec))) return -EFAULT;
  for (iovec& v : m->iov) v.iov_base = GuestBuffer(task, reinterpret_cast<uint64_t>(v.iov_base), v.iov_len);
  h.msg_iov = h.msg_iovlen ? m->iov.data() : nullptr;
  // The kernel itself clamps msg_namelen and refuses oversized control
  // lengths before touching either buffer.
  h.msg_name = GuestBuffer(task, reinterpret_cast<uint64_t>(h.msg_name), h.msg_namelen);
  h.msg_control = GuestBuffer(task, reinterpret_cast<uint64_t>(h.msg_control), h.msg_controllen);
  return 0;
}

// What recvmsg writes into the guest's header.
bool ExportMsg(Task& task, uint64_t g, const msghdr& h) {
  return task.memory.Write(g + offsetof(msghdr, msg_namelen), &h.msg_namelen, sizeof h.msg_namelen) &&
         task.memory.Write(g + offsetof(msghdr, msg_controllen), &h.msg_controllen, sizeof h.msg_controllen) &&
         task.memory.Write(g + offsetof(msghdr, msg_flags), &h.msg_flags, sizeof h.msg_flags);
}

int64_t OneMsg(Task& task, const SyscallArgs& a, long host_nr, bool receive) {
  HostMsg m;
  if (int64_t r = ImportMsg(task, a.raw[1], &m)) return r;
  task.msg_namelen_before = m.hdr.msg_namelen;
  int64_t n = BlockingHostSyscall(task, host_nr, a.raw[0], reinterpret_cast<uint64_t>(&m.hdr), a.raw[2]);
  if (n >= 0 && receive && !ExportMsg(task, a.raw[1], m.hdr)) return -EFAULT;
  return n;
}

// sendmmsg and recvmmsg: the vector converted whole, results copied back
// for the messages the kernel handled.
int64_t ManyMsgs(Task& task, const SyscallArgs& a, long host_nr, bool receive, uint64_t timeout) {
  uint64_t g = a.raw[1];
  uint64_t vlen = static_cast<uint32_t>(a.raw[2]);
  if (vlen > kMaxIovecs) vlen = kMaxIovecs;  // sendmmsg's own cap; recvmmsg's batches are cut at it too
  std::vector<HostMsg> msgs(vlen);
  std::vector<mmsghdr> host(vlen);
  for (uint64_t i = 0; i < vlen; ++i) {
    uint64_t at = g + i * sizeof(mmsghdr);
    if (int64_t r = ImportMsg(task, at, &msgs[i])) {
      if (i == 0) return r;
      vlen = i;  // the kernel handles the messages before a bad one and returns their count
      break;
    }
    host[i].msg_hdr = msgs[i].hdr;
    host[i].msg_len = 0;
  }
  int64_t n = BlockingHostSyscall(task, host_nr, a.raw[0], reinterpret_cast<uint64_t>(host.data()), vlen,
                                  a.raw[3], timeout);
  for (int64_t i = 0; i < n && static_cast<uint64_t>(i) < vlen; ++i) {
    uint64_t at = g + i * sizeof(mmsghdr);
    if ((receive && !ExportMsg(task, at, host[i].msg_hdr)) ||
        !task.memory.Write(at + offsetof(mmsghdr, msg_len), &host[i].msg_len, sizeof host[i].msg_len)) {
      return -EFAULT;
    }
  }
  return n;
}

}  // namespace

// struct ifconf {int ifc_len; char* ifc_buf;}: the kernel's dev_ifconf copies
// the whole struct back, pointer included, so only ifc_len returns to the guest.
int64_t SocketIfconf(Task& task, uint64_t fd, uint64_t g) {
  struct {
    int32_t len;
    uint32_t pad;
    uint64_t buf;
  } ifc;
  static_assert(sizeof ifc == sizeof(ifconf));
  if (!task.memory.Read(g, &ifc, sizeof ifc)) return -EFAULT;
  uint64_t guest_buf = ifc.buf;
  task.ifc_len_before = ifc.len;
  ifc.buf = HostAddress(task, guest_buf, ifc.len > 0 ? ifc.len : 0);
  int64_t r = HostSyscall(SYS_ioctl, fd, SIOCGIFCONF, reinterpret_cast<uint64_t>(&ifc));
  if (r == 0 && !task.memory.Write(g, &ifc.len, sizeof ifc.len)) return -EFAULT;
  return r;
}

int64_t SysSendmsg(Task& task, const SyscallArgs& a) { return OneMsg(task, a, SYS_sendmsg, false); }
int64_t SysRecvmsg(Task& task, const SyscallArgs& a) { return OneMsg(task, a, SYS_recvmsg, true); }

int64_t SysSendmmsg(Task& task, const SyscallArgs& a) { return ManyMsgs(task, a, SYS_sendmmsg, false, 0); }

// recvmmsg's timeout is a struct timespec, the same on the host; the kernel
// writes the time left into it.
int64_t SysRecvmmsg(Task& task, const SyscallArgs& a) {
  return ManyMsgs(task, a, SYS_recvmmsg, true, HostAddress(task, a.raw[4], sizeof(timespec)));
}

}  // namespace ferry
