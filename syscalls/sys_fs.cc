// Files and descriptors whose arguments need more than pointer rebasing:
// open flags that differ per arch, the guest's struct stat, ioctl and fcntl.
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "restart/restart.h"
#include "syscalls/proc_view.h"
#include "host/host_syscall.h"
#include "runtime/safe_syscall.h"
#include "runtime/signalfd.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {

int64_t StatOut(Task& task, int64_t r, const struct stat& st, uint64_t guest_buf) {
  if (r < 0) return r;
  uint8_t encoded[256];
  task.arch.encode_stat(st, encoded);
  return task.memory.Write(guest_buf, encoded, task.arch.stat_size) ? 0 : -EFAULT;
}

// The ioctls served: each request with its third argument, a plain value
// or a pointer to a struct the call reads (kIn), fills (kOut) or both, whose
// layout is the same on the guests and the host. The struct's size bounds
// the guest range handed to the host.
enum class IoctlDir : uint8_t { kValue, kIn, kOut, kInOut };
enum class IoctlStruct : uint8_t { kNone, kInt, kTermios, kWinsize, kIfreq, kTimeval, kTimespec };

constexpr uint64_t IoctlStructSize(IoctlStruct s) {
  switch (s) {
    case IoctlStruct::kNone: return 0;
    case IoctlStruct::kInt: return sizeof(int);
    case IoctlStruct::kTermios: return 36;  // the kernel's struct termios (NCCS 19), asm-generic and x86_64 alike
    case IoctlStruct::kWinsize: return sizeof(struct winsize);
    case IoctlStruct::kIfreq: return sizeof(struct ifreq);  // 40: a name and a 24-byte union
    case IoctlStruct::kTimeval: return 16;
    case IoctlStruct::kTimespec: return 16;
  }
  return 0;
}

struct IoctlRow {
  uint32_t request;
  IoctlDir dir;
  IoctlStruct arg;
};
using D = IoctlDir;
using S = IoctlStruct;
constexpr IoctlRow kIoctls[] = {
    // Terminals and descriptors.
    {TCGETS, D::kOut, S::kTermios},   {TCSETS, D::kIn, S::kTermios},     {TCSETSW, D::kIn, S::kTermios},
    {TCSETSF, D::kIn, S::kTermios},   {TCSBRK, D::kValue, S::kNone},     {TCXONC, D::kValue, S::kNone},
    {TCFLSH, D::kValue, S::kNone},    {TIOCSCTTY, D::kValue, S::kNone},  {TIOCGPGRP, D::kOut, S::kInt},
    {TIOCSPGRP, D::kIn, S::kInt},     {TIOCOUTQ, D::kOut, S::kInt},      {TIOCGWINSZ, D::kOut, S::kWinsize},
    {TIOCSWINSZ, D::kIn, S::kWinsize}, {FIONREAD, D::kOut, S::kInt},     {TIOCNOTTY, D::kValue, S::kNone},
    {FIONBIO, D::kIn, S::kInt},       {TIOCGSID, D::kOut, S::kInt},      {FIONCLEX, D::kValue, S::kNone},
    {FIOCLEX, D::kValue, S::kNone},   {FIOASYNC, D::kIn, S::kInt},       {TIOCGPTN, D::kOut, S::kInt},
    {TIOCSPTLCK, D::kIn, S::kInt},
    // Sockets. SIOCGIFCONF's struct holds a pointer: SocketIfconf (sys_socket.cc).
    {SIOCATMARK, D::kOut, S::kInt},   {SIOCGSTAMP, D::kOut, S::kTimeval}, {SIOCGSTAMPNS, D::kOut, S::kTimespec},
    {SIOCOUTQNSD, D::kOut, S::kInt},
    // struct ifreq: a get request reads the name (or SIOCGIFNAME the index)
    // and fills the rest; a set request only reads.
    {SIOCGIFNAME, D::kInOut, S::kIfreq},    {SIOCGIFFLAGS, D::kInOut, S::kIfreq},
    {SIOCGIFADDR, D::kInOut, S::kIfreq},    {SIOCGIFDSTADDR, D::kInOut, S::kIfreq},
    {SIOCGIFBRDADDR, D::kInOut, S::kIfreq}, {SIOCGIFNETMASK, D::kInOut, S::kIfreq},
    {SIOCGIFMETRIC, D::kInOut, S::kIfreq},  {SIOCGIFMTU, D::kInOut, S::kIfreq},
    {SIOCGIFHWADDR, D::kInOut, S::kIfreq},  {SIOCGIFINDEX, D::kInOut, S::kIfreq},
    {SIOCGIFTXQLEN, D::kInOut, S::kIfreq},  {SIOCSIFFLAGS, D::kIn, S::kIfreq},
    {SIOCSIFADDR, D::kIn, S::kIfreq},       {SIOCSIFDSTADDR, D::kIn, S::kIfreq},
    {SIOCSIFBRDADDR, D::kIn, S::kIfreq},    {SIOCSIFNETMASK, D::kIn, S::kIfreq},
    {SIOCSIFMETRIC, D::kIn, S::kIfreq},     {SIOCSIFMTU, D::kIn, S::kIfreq},
    {SIOCSIFHWADDR, D::kIn, S::kIfreq},     {SIOCSIFNAME, D::kIn, S::kIfreq},
    {SIOCSIFTXQLEN, D::kIn, S::kIfreq},
};

// What a command's third argument is. Unknown commands are refused: the host
// may read it as a pointer, and an unchecked one reaches outside the guest.
enum class FcntlArg { kUnknown, kInt, kPointer };

FcntlArg FcntlArgOf(int cmd) {
  constexpr int kGetOwnerUids = 17;  // F_GETOWNER_UIDS
  switch (cmd) {
    case F_DUPFD: case F_DUPFD_CLOEXEC: case F_GETFD: case F_SETFD: case F_GETFL:
    case F_SETFL: case F_GETOWN: case F_SETOWN: case F_GETSIG: case F_SETSIG:
    case F_SETLEASE: case F_GETLEASE: case F_NOTIFY: case F_SETPIPE_SZ: case F_GETPIPE_SZ:
    case F_ADD_SEALS: case F_GET_SEALS:
      return FcntlArg::kInt;
    case F_GETLK: case F_SETLK: case F_SETLKW:
    case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
    case F_GETOWN_EX: case F_SETOWN_EX: case kGetOwnerUids:
    case F_GET_RW_HINT: case F_SET_RW_HINT: case F_GET_FILE_RW_HINT: case F_SET_FILE_RW_HINT:
      return FcntlArg::kPointer;
    default:
      return FcntlArg::kUnknown;
  }
}

// A relative path as /proc would see it: joined to the directory it is
// relative to (dirfd, or the working directory), when that lies in /proc.
std::string ProcView(uint64_t dirfd, const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  char base[PATH_MAX];
  int64_t n;
  if (static_cast<int32_t>(dirfd) == AT_FDCWD) {
    n = HostSyscall(SYS_getcwd, reinterpret_cast<uint64_t>(base), sizeof base);
    n = n > 0 ? static_cast<int64_t>(strlen(base)) : n;
  } else {
    std::string link = "/proc/self/fd/" + std::to_string(static_cast<int32_t>(dirfd));
    n = HostSyscall(SYS_readlinkat, AT_FDCWD, reinterpret_cast<uint64_t>(link.c_str()),
                    reinterpret_cast<uint64_t>(base), sizeof base - 1);
  }
  if (n <= 0 || std::string(base, n).compare(0, 6, "/proc/") != 0) return path;
  return std::string(base, n) + "/" + path;
}

}  // namespace

int64_t SysOpenat(Task& task, const SyscallArgs& a) {
  uint32_t flags = arch::GuestToHostOpenFlags(task.arch, static_cast<uint32_t>(a.raw[2]));
  std::string host_path;
  if (!LookupPath(task, a.raw[1], !(flags & O_NOFOLLOW), &host_path)) return -EFAULT;
  if (ProcFile file = ClassifyProcPath(ProcView(a.raw[0], host_path), getpid()); file != ProcFile::kNone) {
    return OpenProcFile(task, file, flags, a.raw[3]);
  }
  uint64_t path = reinterpret_cast<uint64_t>(host_path.c_str());
  // Opening a FIFO may block until the other side arrives; anything else is quick.
  struct stat st;
  bool fifo = HostSyscall(SYS_newfstatat, a.raw[0], path, reinterpret_cast<uint64_t>(&st), 0) == 0 &&
              S_ISFIFO(st.st_mode) && !(flags & O_NONBLOCK);
  if (!fifo) return HostSyscall(SYS_openat, a.raw[0], path, flags, a.raw[3]);
  return BlockingHostSyscall(task, SYS_openat, a.raw[0], path, flags, a.raw[3]);
}

// openat2(dirfd, path, how, size): the host's openat2, after the checks the
// kernel makes on the struct itself (copy_struct_from_user: a size below
// version 0 is EINVAL, above a page E2BIG, a longer struct's tail must be
// zero, E2BIG). The host checks the rest (flags, mode, resolve, then the
// path), in the kernel's order. An absolute path into the sysroot is walked
// from the sysroot's root with RESOLVE_IN_ROOT, so its symlinks and ".."
// stay inside it as in a chroot and every RESOLVE_* flag means what it means
// on a real root; RESOLVE_BENEATH and RESOLVE_IN_ROOT scope the walk to the
// guest's own dirfd, so those paths go to the host as given, as do paths
// outside the sysroot.
int64_t SysOpenat2(Task& task, const SyscallArgs& a) {
  uint64_t size = a.raw[3];
  if (size < sizeof(guest::OpenHow)) return -EINVAL;
  if (size > kPageSize) return -E2BIG;
  guest::OpenHow how;
  if (!task.memory.Read(a.raw[2], &how, sizeof how)) return -EFAULT;
  if (size > sizeof how) {
    std::vector<uint8_t> tail(size - sizeof how);
    if (!task.memory.Read(a.raw[2] + sizeof how, tail.data(), tail.size())) return -EFAULT;
    for (uint8_t b : tail) {
      if (b) return -E2BIG;
    }
  }
  if (how.flags >> 32) return -EINVAL;  // no open flag lives there (VALID_OPEN_FLAGS)
  open_how host_how{arch::GuestToHostOpenFlags(task.arch, static_cast<uint32_t>(how.flags)), how.mode, how.resolve};
  uint64_t host_how_ptr = reinterpret_cast<uint64_t>(&host_how);
  std::string path;
  if (!task.memory.ReadString(a.raw[1], PATH_MAX, &path)) {
    // The host reports the flags' errors first, then the path's EFAULT.
    return HostSyscall(SYS_openat2, a.raw[0], 0, host_how_ptr, sizeof host_how);
  }
  int64_t dirfd = a.raw[0];
  int64_t root_fd = -1;
  std::string in_sysroot;  // the host path of a path walked from the sysroot's root
  const Sysroot& sysroot = task.process.sysroot;
  if (!(how.resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) && !sysroot.empty() && path[0] == '/' &&
      !IsHostOnlyPath(path)) {
    std::string resolved = sysroot.Resolve(path, !(host_how.flags & O_NOFOLLOW));
    const std::string& prefix = sysroot.prefix();
    if (resolved.compare(0, prefix.size(), prefix) == 0 &&
        (resolved.size() == prefix.size() || resolved[prefix.size()] == '/')) {
      root_fd = HostSyscall(SYS_openat, AT_FDCWD, reinterpret_cast<uint64_t>(prefix.c_str()),
                            O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (root_fd < 0) return root_fd;
      dirfd = root_fd;
      host_how.resolve |= RESOLVE_IN_ROOT;
      in_sysroot = resolved;
    } else {
      path = resolved;
    }
  }
  uint64_t host_path = reinterpret_cast<uint64_t>(path.c_str());
  struct stat st;
  uint64_t stat_path = in_sysroot.empty() ? host_path : reinterpret_cast<uint64_t>(in_sysroot.c_str());
  bool fifo = HostSyscall(SYS_newfstatat, dirfd, stat_path, reinterpret_cast<uint64_t>(&st), 0) == 0 &&
              S_ISFIFO(st.st_mode) && !(host_how.flags & O_NONBLOCK);
  int64_t fd = fifo ? BlockingHostSyscall(task, SYS_openat2, dirfd, host_path, host_how_ptr, sizeof host_how)
                    : HostSyscall(SYS_openat2, dirfd, host_path, host_how_ptr, sizeof host_how);
  if (root_fd >= 0) HostSyscall(SYS_close, root_fd);
  // The guest's own /proc files: the host's walk said the path may be
  // opened so (RESOLVE_NO_MAGICLINKS refuses /proc/self/exe, say); what it
  // opens is ferry's view.
  ProcFile file = root_fd < 0 ? ClassifyProcPath(ProcView(a.raw[0], path), getpid()) : ProcFile::kNone;
  if (fd < 0 || file == ProcFile::kNone) return fd;
  HostSyscall(SYS_close, fd);
  return OpenProcFile(task, file, host_how.flags, how.mode);
}

int64_t SysPipe2(Task& task, const SyscallArgs& a) {
  uint32_t flags = arch::GuestToHostOpenFlags(task.arch, static_cast<uint32_t>(a.raw[1]));
  int fds[2];
  int64_t r = HostSyscall(SYS_pipe2, reinterpret_cast<uint64_t>(fds), flags);
  if (r < 0) return r;
  if (!task.memory.Write(a.raw[0], fds, sizeof fds)) {
    HostSyscall(SYS_close, fds[0]);
    HostSyscall(SYS_close, fds[1]);
    return -EFAULT;
  }
  return 0;
}

int64_t SysFstat(Task& task, const SyscallArgs& a) {
  struct stat st;
  if (StatSignalfd(static_cast<int>(a.raw[0]), &st)) return StatOut(task, 0, st, a.raw[1]);
  int64_t r = HostSyscall(SYS_fstat, a.raw[0], reinterpret_cast<uint64_t>(&st));
  return StatOut(task, r, st, a.raw[1]);
}

int64_t SysGetdents64(Task& task, const SyscallArgs& a) {
  for (;;) {
    int64_t n = HostCallAs(task, a, SYS_getdents64);
    if (n <= 0) return n;
    auto* entries = static_cast<uint8_t*>(GuestBuffer(task, a.raw[1], n));
    if (int64_t kept = WithoutRelayTasks(task, static_cast<int>(a.raw[0]), entries, n); kept > 0) return kept;
  }
}

int64_t SysNewfstatat(Task& task, const SyscallArgs& a) {
  std::string path;
  if (!LookupPath(task, a.raw[1], FollowsLastLink(a), &path)) return -EFAULT;
  if (FollowsLastLink(a) && ClassifyProcPath(path, getpid()) == ProcFile::kExe) path = task.process.exe_host_path;
  struct stat st;
  if ((a.raw[3] & AT_EMPTY_PATH) && path.empty() && StatSignalfd(static_cast<int>(a.raw[0]), &st)) {
    return StatOut(task, 0, st, a.raw[2]);
  }
  int64_t r = HostSyscall(SYS_newfstatat, a.raw[0], reinterpret_cast<uint64_t>(path.c_str()),
                          reinterpret_cast<uint64_t>(&st), a.raw[3]);
  return StatOut(task, r, st, a.raw[2]);
}

int64_t SysFcntl(Task& task, const SyscallArgs& a) {
  int cmd = static_cast<int>(a.raw[1]);
  uint64_t arg = a.raw[2];
  if (cmd == F_SETFL) arg = arch::GuestToHostOpenFlags(task.arch, static_cast<uint32_t>(arg));
  switch (FcntlArgOf(cmd)) {
    case FcntlArg::kUnknown: return -EINVAL;
    case FcntlArg::kPointer: arg = reinterpret_cast<uint64_t>(GuestBuffer(task, arg, 8)); break;
    case FcntlArg::kInt: break;
  }
  if (cmd == F_SETLKW || cmd == F_OFD_SETLKW) {
    // The lock must belong to the guest's process (ferry's), not a helper.
    return SafeHostSyscall(restart::kInterrupted, SYS_fcntl, a.raw[0], cmd, arg);
  }
  int64_t r = HostSyscall(SYS_fcntl, a.raw[0], cmd, arg);
  // A signalfd is opened O_RDWR; the pipe end behind it is O_RDONLY.
  if (cmd == F_GETFL && r >= 0 && IsSignalfd(static_cast<int>(a.raw[0]))) r = (r & ~O_ACCMODE) | O_RDWR;
  if (cmd == F_GETFL && r >= 0) r = arch::HostToGuestOpenFlags(task.arch, static_cast<uint32_t>(r));
  return r;
}

int64_t SysIoctl(Task& task, const SyscallArgs& a) {
  uint32_t request = static_cast<uint32_t>(a.raw[1]);
  if (request == SIOCGIFCONF) return SocketIfconf(task, a.raw[0], a.raw[2]);
  for (const IoctlRow& row : kIoctls) {
    if (row.request != request) continue;
    uint64_t arg = a.raw[2];
    if (row.dir != IoctlDir::kValue) arg = reinterpret_cast<uint64_t>(GuestBuffer(task, arg, IoctlStructSize(row.arg)));
    return InlineResult(HostSyscall(SYS_ioctl, a.raw[0], request, arg));
  }
  return -ENOTTY;
}

}  // namespace ferry

namespace ferry {
namespace {

// struct sock_fprog: a length and a pointer to the filter's instructions.
struct SockFprog {
  uint16_t len;
  uint16_t pad[3];
  uint64_t filter;
};
constexpr int kSolPacket = 263, kPacketFanoutData = 22;
constexpr int kIptSoSetReplace = 64, kIptSoSetAddCounters = 65;  // also ip6t/arpt/ebt

}  // namespace

// Options whose value holds a pointer are rebased (socket filters) or
// refused (netfilter table replacement); the rest pass as plain bytes.
int64_t SysSetsockopt(Task& task, const SyscallArgs& a) {
  int level = static_cast<int>(a.raw[1]), name = static_cast<int>(a.raw[2]);
  bool filter = (level == SOL_SOCKET && (name == SO_ATTACH_FILTER || name == SO_ATTACH_REUSEPORT_CBPF)) ||
                (level == kSolPacket && name == kPacketFanoutData);
  if (level != SOL_SOCKET && (name == kIptSoSetReplace || name == kIptSoSetAddCounters)) {
    return -ENOPROTOOPT;
  }
  if (!filter) {
    return HostSyscall(SYS_setsockopt, a.raw[0], level, name,
                       reinterpret_cast<uint64_t>(GuestBuffer(task, a.raw[3], a.raw[4])), a.raw[4]);
  }
  SockFprog prog;
  if (a.raw[4] < sizeof prog || !task.memory.Read(a.raw[3], &prog, sizeof prog)) return -EFAULT;
  prog.filter = reinterpret_cast<uint64_t>(GuestBuffer(task, prog.filter, uint64_t{prog.len} * 8));
  return HostSyscall(SYS_setsockopt, a.raw[0], level, name, reinterpret_cast<uint64_t>(&prog), sizeof prog);
}

}  // namespace ferry

namespace ferry {

// /proc/self/exe (and /proc/<own pid>/exe) name the guest program, not ferry,
// as under qemu-user; glibc reads it at start-up and programs find their files by it.
int64_t SysReadlinkat(Task& task, const SyscallArgs& a) {
  std::string path;
  if (int64_t(a.raw[3]) <= 0) return -EINVAL;
  if (!LookupPath(task, a.raw[1], false, &path)) return -EFAULT;
  if (!task.process.exe_path.empty() && ClassifyProcPath(path, getpid()) == ProcFile::kExe) {
    uint64_t n = std::min<uint64_t>(task.process.exe_path.size(), a.raw[3]);
    return task.memory.Write(a.raw[2], task.process.exe_path.data(), n) ? static_cast<int64_t>(n) : -EFAULT;
  }
  if (path.compare(0, 6, "/proc/") != 0) {
    return HostSyscall(SYS_readlinkat, a.raw[0], reinterpret_cast<uint64_t>(path.c_str()),
                       reinterpret_cast<uint64_t>(GuestBuffer(task, a.raw[2], a.raw[3])), a.raw[3]);
  }
  // /proc/self/fd/N, /proc/self/cwd...: the guest's names, without the
  // sysroot; a signalfd's as the kernel names it, not its pipe's.
  char target[PATH_MAX];
  int64_t n = HostSyscall(SYS_readlinkat, a.raw[0], reinterpret_cast<uint64_t>(path.c_str()),
                          reinterpret_cast<uint64_t>(target), sizeof target);
  if (n < 0) return n;
  std::string shown = SignalfdLinkText(std::string(target, n));
  if (!task.process.sysroot.empty()) shown = task.process.sysroot.GuestView(shown);
  uint64_t len = std::min<uint64_t>(shown.size(), a.raw[3]);
  return task.memory.Write(a.raw[2], shown.data(), len) ? static_cast<int64_t>(len) : -EFAULT;
}

}  // namespace ferry

namespace ferry {
namespace {

bool FerryOwns(const Task& task, int fd) {
  return (task.process.tracer && task.process.tracer->IsOwnFd(fd)) || (task.process.gdb && task.process.gdb->IsOwnFd(fd)) ||
         IsSignalfdOwnFd(fd);
}

}  // namespace

// ferry's own descriptors (trace files, the debugger's connection) share the
// guest's table; to the guest they do not exist, so it cannot close them.
int64_t SysClose(Task& task, const SyscallArgs& a) {
  if (FerryOwns(task, static_cast<int>(a.raw[0]))) return -EBADF;
  return HostSyscall(SYS_close, a.raw[0]);
}

int64_t SysCloseRange(Task& task, const SyscallArgs& a) {
  uint64_t first = static_cast<uint32_t>(a.raw[0]), last = static_cast<uint32_t>(a.raw[1]);
  if (first > last) return -EINVAL;
  uint64_t from = first;
  for (int fd = 0; fd < 4096; ++fd) {  // ferry's descriptors are few and below 4096
    if (fd < static_cast<int64_t>(first) || static_cast<uint64_t>(fd) > last || !FerryOwns(task, fd)) continue;
    if (static_cast<uint64_t>(fd) > from) {
      int64_t r = HostSyscall(SYS_close_range, from, fd - 1, a.raw[2]);
      if (r < 0) return r;
    }
    from = fd + 1;
  }
  if (from > last) return 0;
  return HostSyscall(SYS_close_range, from, last, a.raw[2]);
}

}  // namespace ferry

namespace ferry {

// The host's own chroot, so every later lookup (ferry's, the helper's, a
// path the guest creates) resolves in the new root as the kernel's would.
// The sysroot is then the new root itself: nothing is looked up outside it.
int64_t SysChroot(Task& task, const SyscallArgs& a) {
  std::string path;
  if (!LookupPath(task, a.raw[0], true, &path)) return -EFAULT;
  int64_t r = HostSyscall(SYS_chroot, reinterpret_cast<uint64_t>(path.c_str()));
  if (r == 0) {
    task.process.sysroot = Sysroot();
    task.process.chrooted = true;
  }
  return r;
}

// Inside the sysroot (reached by fchdir, say) the guest sees its own path.
int64_t SysGetcwd(Task& task, const SyscallArgs& a) {
  char host[PATH_MAX];
  int64_t n = HostSyscall(SYS_getcwd, reinterpret_cast<uint64_t>(host), sizeof host);
  if (n < 0) return n;
  std::string shown = task.process.sysroot.GuestView(host);
  if (shown.size() + 1 > a.raw[1]) return -ERANGE;
  return task.memory.Write(a.raw[0], shown.c_str(), shown.size() + 1) ? static_cast<int64_t>(shown.size() + 1)
                                                                       : -EFAULT;
}

}  // namespace ferry
