#include "trace/strace.h"

#include "arch/generic/abi.h"
#include "trace/flag_names.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <net/if.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bit>
#include <cstring>
#include <optional>
#include <span>

#include "trace/strace_ident.h"
#include "trace/strace_ioctl.h"
#include "trace/strace_io.h"
#include "trace/strace_ipc.h"

namespace ferry {
std::string SiginfoFields(const siginfo_t& info);

namespace {

constexpr size_t kMaxArrayItems = 32;  // strace's default -a-like cut for arrays

std::string Hex(uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "%#llx", static_cast<unsigned long long>(v));
  return v == 0 ? "0" : buf;
}

std::string Octal(uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "0%llo", static_cast<unsigned long long>(v));
  return buf;
}

// "A|B|0x40": known bits by name, any rest in hex.
std::string Bits(uint64_t v, std::span<const Name> bits, std::string prefix = "") {
  std::string out = std::move(prefix);
  for (const Name& b : bits) {
    if (b.value && (v & b.value) == b.value) {
      if (!out.empty()) out += '|';
      out += b.name;
      v &= ~b.value;
    }
  }
  if (v || out.empty()) {
    if (!out.empty()) out += '|';
    out += Hex(v);
  }
  return out;
}

// One value by name, else decimal.
std::string Enum(uint64_t v, std::span<const Name> names) {
  for (const Name& n : names) {
    if (n.value == v) return n.name;
  }
  return std::to_string(static_cast<int64_t>(v));
}

// The same for a list written in place.
std::string Bits(uint64_t v, std::initializer_list<Name> bits, std::string prefix = "") {
  return Bits(v, std::span<const Name>(bits.begin(), bits.size()), std::move(prefix));
}
std::string Enum(uint64_t v, std::initializer_list<Name> names) {
  return Enum(v, std::span<const Name>(names.begin(), names.size()));
}

std::string PrctlOptionName(uint64_t v) {
  return Enum(static_cast<uint32_t>(v),
              {{1, "PR_SET_PDEATHSIG"}, {2, "PR_GET_PDEATHSIG"}, {3, "PR_GET_DUMPABLE"},
               {4, "PR_SET_DUMPABLE"}, {5, "PR_GET_UNALIGN"}, {6, "PR_SET_UNALIGN"},
               {7, "PR_GET_KEEPCAPS"}, {8, "PR_SET_KEEPCAPS"}, {13, "PR_GET_TIMING"},
               {14, "PR_SET_TIMING"}, {15, "PR_SET_NAME"}, {16, "PR_GET_NAME"},
               {21, "PR_GET_SECCOMP"}, {22, "PR_SET_SECCOMP"}, {23, "PR_CAPBSET_READ"},
               {24, "PR_CAPBSET_DROP"}, {27, "PR_GET_SECUREBITS"}, {28, "PR_SET_SECUREBITS"},
               {29, "PR_SET_TIMERSLACK"}, {30, "PR_GET_TIMERSLACK"},
               {31, "PR_TASK_PERF_EVENTS_DISABLE"}, {32, "PR_TASK_PERF_EVENTS_ENABLE"},
               {33, "PR_MCE_KILL"}, {34, "PR_MCE_KILL_GET"}, {35, "PR_SET_MM"},
               {36, "PR_SET_CHILD_SUBREAPER"}, {37, "PR_GET_CHILD_SUBREAPER"},
               {38, "PR_SET_NO_NEW_PRIVS"}, {39, "PR_GET_NO_NEW_PRIVS"}, {40, "PR_GET_TID_ADDRESS"},
               {41, "PR_SET_THP_DISABLE"}, {42, "PR_GET_THP_DISABLE"}, {47, "PR_CAP_AMBIENT"},
               {50, "PR_SVE_SET_VL"}, {51, "PR_SVE_GET_VL"}, {52, "PR_GET_SPECULATION_CTRL"},
               {53, "PR_SET_SPECULATION_CTRL"}, {54, "PR_PAC_RESET_KEYS"},
               {55, "PR_SET_TAGGED_ADDR_CTRL"}, {56, "PR_GET_TAGGED_ADDR_CTRL"},
               {57, "PR_SET_IO_FLUSHER"}, {58, "PR_GET_IO_FLUSHER"},
               {59, "PR_SET_SYSCALL_USER_DISPATCH"}, {60, "PR_PAC_SET_ENABLED_KEYS"},
               {61, "PR_PAC_GET_ENABLED_KEYS"}, {62, "PR_SCHED_CORE"}, {63, "PR_SME_SET_VL"},
               {64, "PR_SME_GET_VL"}, {65, "PR_SET_MDWE"}, {66, "PR_GET_MDWE"},
               {69, "PR_RISCV_V_SET_CONTROL"}, {70, "PR_RISCV_V_GET_CONTROL"},
               {0x41555856, "PR_GET_AUXV"}, {0x53564d41, "PR_SET_VMA"}});
}

std::string SchedPolicy(uint64_t v) {
  std::string out = Enum(v & ~uint64_t{SCHED_RESET_ON_FORK},
                         {{SCHED_OTHER, "SCHED_OTHER"}, {SCHED_FIFO, "SCHED_FIFO"}, {SCHED_RR, "SCHED_RR"},
                          {SCHED_BATCH, "SCHED_BATCH"}, {SCHED_IDLE, "SCHED_IDLE"}, {6, "SCHED_DEADLINE"}});
  return v & SCHED_RESET_ON_FORK ? out + "|SCHED_RESET_ON_FORK" : out;
}

std::string OpenFlags(const DecodeContext& ctx, uint64_t guest) {
  uint32_t v = arch::GuestToHostOpenFlags(ctx.arch, static_cast<uint32_t>(guest));
  static const char* const kAccess[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
  std::string access = kAccess[v & O_ACCMODE];
  v &= ~O_ACCMODE;
  if ((v & O_TMPFILE) == O_TMPFILE) v &= ~O_DIRECTORY;  // O_TMPFILE includes O_DIRECTORY
  return Bits(v,
              // strace's order (its open_mode_flags table), not the bits' values.
              {{O_CREAT, "O_CREAT"}, {O_EXCL, "O_EXCL"}, {O_NOCTTY, "O_NOCTTY"},
               {O_TRUNC, "O_TRUNC"}, {O_APPEND, "O_APPEND"}, {O_NONBLOCK, "O_NONBLOCK"},
               {O_SYNC, "O_SYNC"}, {O_DSYNC, "O_DSYNC"}, {O_ASYNC, "O_ASYNC"},
               {O_DIRECT, "O_DIRECT"}, {O_LARGEFILE, "O_LARGEFILE"}, {O_NOATIME, "O_NOATIME"},
               {O_CLOEXEC, "O_CLOEXEC"}, {O_PATH, "O_PATH"}, {O_TMPFILE & ~O_DIRECTORY, "O_TMPFILE"},
               {O_DIRECTORY, "O_DIRECTORY"}, {O_NOFOLLOW, "O_NOFOLLOW"}},
              access);
}

std::string Pointer(uint64_t g) { return g ? Hex(g) : "NULL"; }

std::string GuestString(const DecodeContext& ctx, uint64_t g, size_t limit) {
  if (!g) return "NULL";
  std::string s;
  if (!ctx.memory.ReadString(g, limit + 1, &s)) return Hex(g);
  return QuoteBytes(s.data(), s.size(), limit);
}

std::string GuestBytes(const DecodeContext& ctx, uint64_t g, uint64_t len, size_t limit) {
  size_t shown = std::min<uint64_t>(len, limit + 1);
  std::string bytes(shown, '\0');
  if (!ctx.memory.Read(g, bytes.data(), shown)) return Hex(g);
  return QuoteBytes(bytes.data(), len > limit ? limit + 1 : len, limit);
}

std::string Timespec(const DecodeContext& ctx, uint64_t g) {
  struct timespec ts;
  if (!g) return "NULL";
  if (!ctx.memory.Read(g, &ts, sizeof ts)) return Hex(g);
  return "{tv_sec=" + std::to_string(ts.tv_sec) + ", tv_nsec=" + std::to_string(ts.tv_nsec) + "}";
}

// struct itimerval and itimerspec: an interval and a value, each 64-bit
// seconds and microseconds (`fraction` "tv_usec") or nanoseconds ("tv_nsec").
std::string TimerPair(const DecodeContext& ctx, uint64_t g, const char* fraction) {
  if (!g) return "NULL";
  int64_t v[4];
  static_assert(sizeof v == sizeof(guest::Itimerval));
  if (!ctx.memory.Read(g, v, sizeof v)) return Hex(g);
  auto pair = [&](int i) {
    return "{tv_sec=" + std::to_string(v[i]) + ", " + fraction + "=" + std::to_string(v[i + 1]) + "}";
  };
  return "{it_interval=" + pair(0) + ", it_value=" + pair(2) + "}";
}

std::string Itimerval(const DecodeContext& ctx, uint64_t g) { return TimerPair(ctx, g, "tv_usec"); }

// Flags with no known bit show as strace shows them: "0x40 /* EFD_??? */".
std::string Flags(uint64_t v, std::span<const Name> bits, const char* unknown) {
  for (const Name& b : bits) {
    if (b.value && (v & b.value) == b.value) return Bits(v, bits);
  }
  return v ? Hex(v) + " /* " + unknown + " */" : "0";
}
std::string Flags(uint64_t v, std::initializer_list<Name> bits, const char* unknown) {
  return Flags(v, std::span<const Name>(bits.begin(), bits.size()), unknown);
}

// An argument whose kind has a name table (flag_names.h).
std::string FormatNamed(const NameTable& t, uint64_t v) {
  if (t.low32) v = static_cast<uint32_t>(v);
  if (v == 0 && t.zero) return t.zero;
  switch (t.style) {
    case NameStyle::kBits: return Bits(v, t.names);
    case NameStyle::kEnum: {
      // With `unknown`, as strace shows a value outside its table: "0x4d /* SECCOMP_SET_MODE_??? */".
      std::string name = Enum(v, t.names);
      bool named = !name.empty() && (name[0] < '0' || name[0] > '9') && name[0] != '-';
      return named || !t.unknown ? name : Hex(v) + " /* " + t.unknown + " */";
    }
    case NameStyle::kFlags: return Flags(v, t.names, t.unknown);
  }
  return Hex(v);
}

std::string Itimerspec(const DecodeContext& ctx, uint64_t g) { return TimerPair(ctx, g, "tv_nsec"); }

std::string InotifyMask(uint64_t v) {
  // Bit order, which is strace's; IN_ALL_EVENTS is shown bit by bit as strace does.
  return Flags(v,
               {{IN_ACCESS, "IN_ACCESS"}, {IN_MODIFY, "IN_MODIFY"}, {IN_ATTRIB, "IN_ATTRIB"},
                {IN_CLOSE_WRITE, "IN_CLOSE_WRITE"}, {IN_CLOSE_NOWRITE, "IN_CLOSE_NOWRITE"},
                {IN_OPEN, "IN_OPEN"}, {IN_MOVED_FROM, "IN_MOVED_FROM"}, {IN_MOVED_TO, "IN_MOVED_TO"},
                {IN_CREATE, "IN_CREATE"}, {IN_DELETE, "IN_DELETE"}, {IN_DELETE_SELF, "IN_DELETE_SELF"},
                {IN_MOVE_SELF, "IN_MOVE_SELF"}, {IN_UNMOUNT, "IN_UNMOUNT"},
                {IN_Q_OVERFLOW, "IN_Q_OVERFLOW"}, {IN_IGNORED, "IN_IGNORED"}, {IN_ONLYDIR, "IN_ONLYDIR"},
                {IN_DONT_FOLLOW, "IN_DONT_FOLLOW"}, {IN_EXCL_UNLINK, "IN_EXCL_UNLINK"},
                {IN_MASK_CREATE, "IN_MASK_CREATE"}, {IN_MASK_ADD, "IN_MASK_ADD"}, {IN_ISDIR, "IN_ISDIR"},
                {IN_ONESHOT, "IN_ONESHOT"}},
               "IN_???");
}

std::string FileMode(uint32_t mode) {
  static const Name kTypes[] = {{S_IFREG, "S_IFREG"}, {S_IFDIR, "S_IFDIR"}, {S_IFCHR, "S_IFCHR"},
                                {S_IFBLK, "S_IFBLK"}, {S_IFIFO, "S_IFIFO"}, {S_IFLNK, "S_IFLNK"},
                                {S_IFSOCK, "S_IFSOCK"}};
  std::string out = Octal(mode & S_IFMT);
  for (const Name& t : kTypes) {
    if ((mode & S_IFMT) == t.value) out = t.name;
  }
  std::string perms = Octal(mode & 07777);
  if (perms.size() < 4) perms.insert(0, 4 - perms.size(), '0');
  return out + "|" + perms;
}

std::string Stat(const DecodeContext& ctx, uint64_t g) {
  uint32_t mode;
  int64_t size;
  if (!ctx.memory.Read(g + ctx.arch.stat_mode_offset, &mode, sizeof mode) ||
      !ctx.memory.Read(g + ctx.arch.stat_size_offset, &size, sizeof size)) {
    return Hex(g);
  }
  std::string out = "{st_mode=" + FileMode(mode);
  if (S_ISCHR(mode) || S_ISBLK(mode)) return out + ", ...}";
  return out + ", st_size=" + std::to_string(size) + ", ...}";
}

std::string Iovecs(const DecodeContext& ctx, uint64_t g, uint64_t count, int64_t bytes, size_t limit) {
  if (!g) return "NULL";
  std::string out = "[";
  for (uint64_t i = 0; i < count && i < kMaxArrayItems; ++i) {
    guest::Iovec iov;
    if (!guest::ReadIovecs(ctx.arch, ctx.memory, g + guest::IovecSize(ctx.arch) * i, 1, &iov)) return Hex(g);
    uint64_t shown = bytes < 0 ? iov.len : std::min<uint64_t>(iov.len, static_cast<uint64_t>(bytes));
    if (bytes >= 0) bytes -= static_cast<int64_t>(shown);
    out += i ? ", " : "";
    out += "{iov_base=" + GuestBytes(ctx, iov.base, shown, limit) + ", iov_len=" + std::to_string(iov.len) + "}";
  }
  if (count > kMaxArrayItems) out += ", ...";
  return out + "]";
}

std::string Sigset(const DecodeContext& ctx, uint64_t g) {
  if (!g) return "NULL";
  uint64_t set;
  if (!ctx.memory.Read(g, &set, sizeof set)) return Hex(g);
  return SignalSet(set);
}

// A call's sigset size is the first unsigned argument after its set (the
// last for most, signalfd4's third); strace shows a set of another size
// than the kernel's as a bare address.
bool SigsetSizeValid(const SyscallRow& row, int set, const uint64_t raw[6]) {
  for (int i = set + 1; i < row.nargs; ++i) {
    if (row.args[i] == Arg::kUInt) return raw[i] == kGuestSigsetSize;
  }
  return true;
}

std::string SigactionFlags(uint64_t flags) {
  return Bits(flags, {{SA_NOCLDSTOP, "SA_NOCLDSTOP"}, {SA_NOCLDWAIT, "SA_NOCLDWAIT"},
                      {SA_SIGINFO, "SA_SIGINFO"}, {0x04000000, "SA_RESTORER"},
                      {SA_ONSTACK, "SA_ONSTACK"}, {SA_RESTART, "SA_RESTART"},
                      {SA_NODEFER, "SA_NODEFER"}, {SA_RESETHAND, "SA_RESETHAND"}});
}

std::string Sigaction(const DecodeContext& ctx, uint64_t g) {
  if (!g) return "NULL";
  guest::Sigaction act;
  if (!guest::ReadSigaction(ctx.arch, ctx.memory, g, &act)) return Hex(g);
  std::string h = act.handler == 0 ? "SIG_DFL" : act.handler == 1 ? "SIG_IGN" : Hex(act.handler);
  std::string out = std::string(act.flags & SA_SIGINFO ? "{sa_sigaction=" : "{sa_handler=") + h +
                    ", sa_mask=" + SignalSet(act.mask) + ", sa_flags=" + SigactionFlags(act.flags);
  if (ctx.arch.sigaction_has_restorer && (act.flags & 0x04000000)) out += ", sa_restorer=" + Hex(act.restorer);
  return out + "}";
}

std::string PollEvents(uint64_t events) {
  return Bits(events, {{POLLIN, "POLLIN"}, {POLLPRI, "POLLPRI"}, {POLLOUT, "POLLOUT"},
                       {POLLERR, "POLLERR"}, {POLLHUP, "POLLHUP"}, {POLLNVAL, "POLLNVAL"},
                       {POLLRDNORM, "POLLRDNORM"}, {POLLRDBAND, "POLLRDBAND"},
                       {POLLWRNORM, "POLLWRNORM"}, {POLLWRBAND, "POLLWRBAND"},
                       {POLLRDHUP, "POLLRDHUP"}});
}

// The pollfds: `events` on entry, or only those with revents after the call.
std::string PollFds(const DecodeContext& ctx, uint64_t g, uint64_t count, bool returned) {
  if (!g) return "NULL";
  std::string out = "[";
  bool first = true;
  for (uint64_t i = 0; i < count && i < kMaxArrayItems; ++i) {
    struct pollfd p;
    if (!ctx.memory.Read(g + i * sizeof p, &p, sizeof p)) return Hex(g);
    if (returned && p.revents == 0) continue;
    out += first ? "" : ", ";
    first = false;
    out += "{fd=" + std::to_string(p.fd) + ", " + (returned ? "revents=" : "events=") +
           PollEvents(static_cast<uint16_t>(returned ? p.revents : p.events)) + "}";
  }
  return out + "]";
}

std::string IntPair(const DecodeContext& ctx, uint64_t g) {
  int fds[2];
  if (!ctx.memory.Read(g, fds, sizeof fds)) return Hex(g);
  return "[" + std::to_string(fds[0]) + ", " + std::to_string(fds[1]) + "]";
}

std::string WaitStatus(const DecodeContext& ctx, uint64_t g) {
  if (!g) return "NULL";
  int s;
  if (!ctx.memory.Read(g, &s, sizeof s)) return Hex(g);
  if (WIFEXITED(s)) return "[{WIFEXITED(s) && WEXITSTATUS(s) == " + std::to_string(WEXITSTATUS(s)) + "}]";
  if (WIFSIGNALED(s)) {
    return "[{WIFSIGNALED(s) && WTERMSIG(s) == " + SignalName(WTERMSIG(s)) +
           (WCOREDUMP(s) ? " && WCOREDUMP(s)}]" : "}]");
  }
  if (WIFSTOPPED(s)) return "[{WIFSTOPPED(s) && WSTOPSIG(s) == " + SignalName(WSTOPSIG(s)) + "}]";
  if (WIFCONTINUED(s)) return "[{WIFCONTINUED(s)}]";
  return "[" + Hex(static_cast<uint32_t>(s)) + "]";
}

std::string CloneFlags(uint64_t v) {
  std::string exit_signal = (v & 0xff) ? SignalName(static_cast<int>(v & 0xff)) : "";
  std::string flags = Bits(v & ~uint64_t{0xff},
                           {{CLONE_VM, "CLONE_VM"}, {CLONE_FS, "CLONE_FS"}, {CLONE_FILES, "CLONE_FILES"},
                            {CLONE_SIGHAND, "CLONE_SIGHAND"}, {CLONE_PIDFD, "CLONE_PIDFD"},
                            {CLONE_PTRACE, "CLONE_PTRACE"}, {CLONE_VFORK, "CLONE_VFORK"},
                            {CLONE_PARENT, "CLONE_PARENT"}, {CLONE_THREAD, "CLONE_THREAD"},
                            {CLONE_NEWNS, "CLONE_NEWNS"}, {CLONE_SYSVSEM, "CLONE_SYSVSEM"},
                            {CLONE_SETTLS, "CLONE_SETTLS"}, {CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID"},
                            {CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID"},
                            {CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"},
                            {CLONE_CLEAR_SIGHAND, "CLONE_CLEAR_SIGHAND"},
                            {CLONE_INTO_CGROUP, "CLONE_INTO_CGROUP"}});
  if (exit_signal.empty()) return flags;
  return (v & ~uint64_t{0xff}) ? flags + "|" + exit_signal : exit_signal;
}

// A socket address of `addrlen` bytes, as strace's print_sockaddr shows it.
std::string Sockaddr(const DecodeContext& ctx, uint64_t v, uint64_t addrlen) {
  if (!v) return "NULL";
  uint64_t len = std::min<uint64_t>(addrlen, sizeof(sockaddr_storage));
  sockaddr_storage sa{};
  if (len < sizeof(sa_family_t) || !ctx.memory.Read(v, &sa, len)) return Hex(v);
  if (sa.ss_family == AF_UNIX) {
    const sockaddr_un* un = reinterpret_cast<const sockaddr_un*>(&sa);
    if (len <= offsetof(sockaddr_un, sun_path)) return "{sa_family=AF_UNIX}";
    if (un->sun_path[0] == '\0') {  // abstract: every byte of the name counts
      return "{sa_family=AF_UNIX, sun_path=@" +
             QuoteBytes(un->sun_path + 1, len - offsetof(sockaddr_un, sun_path) - 1, 4096) + "}";
}
    size_t path_len = strnlen(un->sun_path, len - offsetof(sockaddr_un, sun_path));
    return "{sa_family=AF_UNIX, sun_path=" + QuoteBytes(un->sun_path, path_len, 4096) + "}";
  }
  if (sa.ss_family == AF_INET && len >= sizeof(sockaddr_in)) {
    const sockaddr_in* in = reinterpret_cast<const sockaddr_in*>(&sa);
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
    return "{sa_family=AF_INET, sin_port=htons(" + std::to_string(ntohs(in->sin_port)) +
           "), sin_addr=inet_addr(\"" + ip + "\")}";
  }
  if (sa.ss_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    const sockaddr_in6* in6 = reinterpret_cast<const sockaddr_in6*>(&sa);
    char ip[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
    return "{sa_family=AF_INET6, sin6_port=htons(" + std::to_string(ntohs(in6->sin6_port)) +
           "), sin6_flowinfo=htonl(" + std::to_string(ntohl(in6->sin6_flowinfo)) +
           "), inet_pton(AF_INET6, \"" + ip + "\", &sin6_addr), sin6_scope_id=" +
           std::to_string(in6->sin6_scope_id) + "}";
  }
  return "{sa_family=" + std::to_string(sa.ss_family) + ", ...}";
}

std::string MsgFlags(uint64_t v) {
  return Bits(v, {{MSG_OOB, "MSG_OOB"}, {MSG_PEEK, "MSG_PEEK"}, {MSG_DONTROUTE, "MSG_DONTROUTE"},
                  {MSG_CTRUNC, "MSG_CTRUNC"}, {MSG_PROXY, "MSG_PROXY"}, {MSG_TRUNC, "MSG_TRUNC"},
                  {MSG_DONTWAIT, "MSG_DONTWAIT"}, {MSG_EOR, "MSG_EOR"}, {MSG_WAITALL, "MSG_WAITALL"},
                  {MSG_FIN, "MSG_FIN"}, {MSG_SYN, "MSG_SYN"}, {MSG_CONFIRM, "MSG_CONFIRM"}, {MSG_RST, "MSG_RST"},
                  {MSG_ERRQUEUE, "MSG_ERRQUEUE"}, {MSG_NOSIGNAL, "MSG_NOSIGNAL"}, {MSG_MORE, "MSG_MORE"},
                  {MSG_WAITFORONE, "MSG_WAITFORONE"}, {MSG_BATCH, "MSG_BATCH"}, {MSG_ZEROCOPY, "MSG_ZEROCOPY"},
                  {MSG_FASTOPEN, "MSG_FASTOPEN"}, {MSG_CMSG_CLOEXEC, "MSG_CMSG_CLOEXEC"}});
}

std::string SockLevel(uint64_t v) {
  return Enum(v, {{SOL_SOCKET, "SOL_SOCKET"}, {SOL_IP, "SOL_IP"}, {SOL_TCP, "SOL_TCP"}, {SOL_UDP, "SOL_UDP"},
                  {SOL_IPV6, "SOL_IPV6"}, {SOL_RAW, "SOL_RAW"}, {SOL_PACKET, "SOL_PACKET"},
                  {SOL_NETLINK, "SOL_NETLINK"}, {SOL_ALG, "SOL_ALG"}, {SOL_TLS, "SOL_TLS"}});
}

// Option names as strace spells them (the asm-generic numbers, which
// x86_64 shares; the 64-bit time variants carry strace's _OLD suffix).
std::string KnownSockOptName(uint64_t level, uint64_t v) {
  switch (level) {
    case SOL_SOCKET:
      return Enum(v, {{1, "SO_DEBUG"}, {2, "SO_REUSEADDR"}, {3, "SO_TYPE"}, {4, "SO_ERROR"}, {5, "SO_DONTROUTE"},
                      {6, "SO_BROADCAST"}, {7, "SO_SNDBUF"}, {8, "SO_RCVBUF"}, {9, "SO_KEEPALIVE"},
                      {10, "SO_OOBINLINE"}, {11, "SO_NO_CHECK"}, {12, "SO_PRIORITY"}, {13, "SO_LINGER"},
                      {14, "SO_BSDCOMPAT"}, {15, "SO_REUSEPORT"}, {16, "SO_PASSCRED"}, {17, "SO_PEERCRED"},
                      {18, "SO_RCVLOWAT"}, {19, "SO_SNDLOWAT"}, {20, "SO_RCVTIMEO_OLD"}, {21, "SO_SNDTIMEO_OLD"},
                      {25, "SO_BINDTODEVICE"}, {26, "SO_ATTACH_FILTER"}, {27, "SO_DETACH_FILTER"},
                      {28, "SO_PEERNAME"}, {29, "SO_TIMESTAMP_OLD"}, {30, "SO_ACCEPTCONN"}, {31, "SO_PEERSEC"},
                      {32, "SO_SNDBUFFORCE"}, {33, "SO_RCVBUFFORCE"}, {34, "SO_PASSSEC"},
                      {35, "SO_TIMESTAMPNS_OLD"}, {36, "SO_MARK"}, {37, "SO_TIMESTAMPING_OLD"},
                      {38, "SO_PROTOCOL"}, {39, "SO_DOMAIN"}, {40, "SO_RXQ_OVFL"}, {41, "SO_WIFI_STATUS"},
                      {42, "SO_PEEK_OFF"}, {43, "SO_NOFCS"}, {44, "SO_LOCK_FILTER"}, {45, "SO_SELECT_ERR_QUEUE"},
                      {46, "SO_BUSY_POLL"}, {47, "SO_MAX_PACING_RATE"}, {48, "SO_BPF_EXTENSIONS"},
                      {49, "SO_INCOMING_CPU"}, {50, "SO_ATTACH_BPF"}, {51, "SO_ATTACH_REUSEPORT_CBPF"},
                      {52, "SO_ATTACH_REUSEPORT_EBPF"}, {53, "SO_CNX_ADVICE"}, {56, "SO_INCOMING_NAPI_ID"},
                      {57, "SO_COOKIE"}, {59, "SO_PEERGROUPS"}, {60, "SO_ZEROCOPY"}, {61, "SO_TXTIME"},
                      {62, "SO_BINDTOIFINDEX"}, {63, "SO_TIMESTAMP_NEW"}, {64, "SO_TIMESTAMPNS_NEW"},
                      {65, "SO_TIMESTAMPING_NEW"}, {66, "SO_RCVTIMEO_NEW"}, {67, "SO_SNDTIMEO_NEW"}});
    case SOL_IP:
      return Enum(v, {{1, "IP_TOS"}, {2, "IP_TTL"}, {3, "IP_HDRINCL"}, {4, "IP_OPTIONS"}, {6, "IP_RECVOPTS"},
                      {7, "IP_RETOPTS"}, {8, "IP_PKTINFO"}, {9, "IP_PKTOPTIONS"}, {10, "IP_MTU_DISCOVER"},
                      {11, "IP_RECVERR"}, {12, "IP_RECVTTL"}, {13, "IP_RECVTOS"}, {14, "IP_MTU"},
                      {15, "IP_FREEBIND"}, {19, "IP_TRANSPARENT"}, {24, "IP_BIND_ADDRESS_NO_PORT"},
                      {32, "IP_MULTICAST_IF"}, {33, "IP_MULTICAST_TTL"}, {34, "IP_MULTICAST_LOOP"},
                      {35, "IP_ADD_MEMBERSHIP"}, {36, "IP_DROP_MEMBERSHIP"}});
    case SOL_TCP:
      return Enum(v, {{1, "TCP_NODELAY"}, {2, "TCP_MAXSEG"}, {3, "TCP_CORK"}, {4, "TCP_KEEPIDLE"},
                      {5, "TCP_KEEPINTVL"}, {6, "TCP_KEEPCNT"}, {7, "TCP_SYNCNT"}, {8, "TCP_LINGER2"},
                      {9, "TCP_DEFER_ACCEPT"}, {10, "TCP_WINDOW_CLAMP"}, {11, "TCP_INFO"}, {12, "TCP_QUICKACK"},
                      {13, "TCP_CONGESTION"}, {18, "TCP_USER_TIMEOUT"}, {23, "TCP_FASTOPEN"},
                      {25, "TCP_NOTSENT_LOWAT"}, {30, "TCP_FASTOPEN_CONNECT"}, {31, "TCP_ULP"}});
    case SOL_IPV6:
      return Enum(v, {{1, "IPV6_ADDRFORM"}, {2, "IPV6_2292PKTINFO"}, {16, "IPV6_UNICAST_HOPS"},
                      {17, "IPV6_MULTICAST_IF"}, {18, "IPV6_MULTICAST_HOPS"}, {19, "IPV6_MULTICAST_LOOP"},
                      {20, "IPV6_ADD_MEMBERSHIP"}, {21, "IPV6_DROP_MEMBERSHIP"}, {23, "IPV6_MTU_DISCOVER"},
                      {24, "IPV6_MTU"}, {25, "IPV6_RECVERR"}, {26, "IPV6_V6ONLY"}, {49, "IPV6_RECVPKTINFO"},
                      {50, "IPV6_PKTINFO"}, {66, "IPV6_RECVTCLASS"}, {67, "IPV6_TCLASS"}});
  }
  return std::to_string(static_cast<int64_t>(v));
}

std::string SockOptName(uint64_t level, uint64_t v) {
  std::string named = KnownSockOptName(level, v);
  if (named != std::to_string(static_cast<int64_t>(v))) return named;
  // An unknown option of a known level: strace's hex with a placeholder name.
  const char* prefix = level == SOL_SOCKET ? "SO" : level == SOL_IP ? "IP" : level == SOL_TCP ? "TCP"
                       : level == SOL_IPV6 ? "IPV6" : nullptr;
  return prefix ? Hex(v) + " /* " + prefix + "_??? */" : named;
}

// An option's value: an int as [N], anything else as its bytes.
std::string SockOptValue(const DecodeContext& ctx, uint64_t g, uint64_t len, size_t limit) {
  if (!g) return "NULL";
  int32_t value;
  if (len == sizeof value) return ctx.memory.Read(g, &value, sizeof value) ? "[" + std::to_string(value) + "]" : Hex(g);
  return GuestBytes(ctx, g, len, limit);
}

std::string InetAddr(const in_addr& a) {
  char ip[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a, ip, sizeof ip);
  return std::string("inet_addr(\"") + ip + "\")";
}

// One control message's data, as strace's print_cmsg_* show the kinds it knows.
std::string CmsgData(const DecodeContext& ctx, int level, int type, uint64_t g, uint64_t len, size_t limit) {
  if (level == SOL_SOCKET && type == SCM_RIGHTS) {
    std::string out = "[";
    for (uint64_t i = 0; i + 4 <= len && i / 4 < kMaxArrayItems; i += 4) {
      int32_t fd;
      if (!ctx.memory.Read(g + i, &fd, sizeof fd)) break;
      out += (i ? ", " : "") + std::to_string(fd);
    }
    return out + (len / 4 > kMaxArrayItems ? ", ...]" : "]");
  }
  if (level == SOL_SOCKET && type == SCM_CREDENTIALS && len >= sizeof(ucred)) {
    ucred c;
    if (ctx.memory.Read(g, &c, sizeof c)) {
      return "{pid=" + std::to_string(c.pid) + ", uid=" + std::to_string(c.uid) + ", gid=" + std::to_string(c.gid) + "}";
    }
  }
  if (level == SOL_SOCKET && type == 29 && len >= sizeof(timeval)) {  // SO_TIMESTAMP_OLD
    timeval tv;
    if (ctx.memory.Read(g, &tv, sizeof tv)) {
      return "{tv_sec=" + std::to_string(tv.tv_sec) + ", tv_usec=" + std::to_string(tv.tv_usec) + "}";
    }
  }
  if (level == SOL_SOCKET && type == 35 && len >= sizeof(timespec)) {  // SO_TIMESTAMPNS_OLD
    timespec ts;
    if (ctx.memory.Read(g, &ts, sizeof ts)) {
      return "{tv_sec=" + std::to_string(ts.tv_sec) + ", tv_nsec=" + std::to_string(ts.tv_nsec) + "}";
    }
  }
  if (level == SOL_IP && type == IP_PKTINFO && len >= sizeof(in_pktinfo)) {
    in_pktinfo pi;
    if (ctx.memory.Read(g, &pi, sizeof pi)) {
      char name[IF_NAMESIZE];
      std::string index = if_indextoname(pi.ipi_ifindex, name)
                              ? std::string("if_nametoindex(\"") + name + "\")"
                              : std::to_string(pi.ipi_ifindex);
      return "{ipi_ifindex=" + index + ", ipi_spec_dst=" + InetAddr(pi.ipi_spec_dst) +
             ", ipi_addr=" + InetAddr(pi.ipi_addr) + "}";
    }
  }
  return GuestBytes(ctx, g, len, limit);
}

std::string CmsgType(int level, int type) {
  if (level == SOL_SOCKET) {
    if (type == SCM_RIGHTS) return "SCM_RIGHTS";
    if (type == SCM_CREDENTIALS) return "SCM_CREDENTIALS";
    if (type == 0x4c) return "SCM_SECURITY";  // ... then SO_* names: SO_TIMESTAMP_OLD, SO_TIMESTAMPNS_OLD...
    return SockOptName(SOL_SOCKET, type);
  }
  return SockOptName(level, type);
}

// The control messages in `len` bytes at `g` (strace's decode_msg_control).
std::string Cmsgs(const DecodeContext& ctx, uint64_t g, uint64_t len, size_t limit) {
  std::string out = "[";
  uint64_t at = 0;
  for (size_t n = 0; at + sizeof(cmsghdr) <= len; ++n) {
    cmsghdr h;
    if (!ctx.memory.Read(g + at, &h, sizeof h)) return Hex(g);
    if (n) out += ", ";
    if (n >= kMaxArrayItems) return out + "...]";
    out += "{cmsg_len=" + std::to_string(h.cmsg_len) + ", cmsg_level=" + SockLevel(h.cmsg_level) +
           ", cmsg_type=" + CmsgType(h.cmsg_level, h.cmsg_type);
    if (h.cmsg_len < sizeof h) return out + "}]";
    uint64_t data_len = std::min<uint64_t>(h.cmsg_len, len - at) - sizeof h;
    out += ", cmsg_data=" + CmsgData(ctx, h.cmsg_level, h.cmsg_type, g + at + sizeof h, data_len, limit) + "}";
    at += (h.cmsg_len + 7) & ~uint64_t{7};
  }
  return out + "]";
}

// struct msghdr (strace's print_struct_msghdr). `received`: what recvmsg
// filled, with `data_len` bytes spread over the iovecs; otherwise what was sent.
std::string Msghdr(const DecodeContext& ctx, uint64_t g, int64_t data_len, bool received, size_t limit,
                   uint32_t namelen_before = 0) {
  if (!g) return "NULL";
  msghdr m;
  if (!ctx.memory.Read(g, &m, sizeof m)) return Hex(g);
  uint64_t name = reinterpret_cast<uint64_t>(m.msg_name), control = reinterpret_cast<uint64_t>(m.msg_control);
  std::string out = "{msg_name=";
  uint32_t name_shown = received ? std::min(m.msg_namelen, namelen_before) : m.msg_namelen;
  out += name && name_shown == 0 && received ? Hex(name) : Sockaddr(ctx, name, name_shown);
  out += ", msg_namelen=";
  if (received && namelen_before != m.msg_namelen) out += std::to_string(namelen_before) + " => ";
  out += std::to_string(m.msg_namelen);
  out += ", msg_iov=" + Iovecs(ctx, reinterpret_cast<uint64_t>(m.msg_iov), m.msg_iovlen, data_len, limit);
  out += ", msg_iovlen=" + std::to_string(m.msg_iovlen);
  if (m.msg_controllen) {
    out += ", msg_control=" + (ctx.memory.HasAccess(control, m.msg_controllen, kPageMapped | kPageRead)
                                   ? Cmsgs(ctx, control, m.msg_controllen, limit)
                                   : Hex(control));
  }
  out += ", msg_controllen=" + std::to_string(m.msg_controllen);
  return out + ", msg_flags=" + MsgFlags(static_cast<uint32_t>(m.msg_flags)) + "}";
}

// A recvmsg that failed: strace shows only what it read on entry.
std::string ReceivedNothing(const DecodeContext& ctx, uint64_t g) {
  uint32_t namelen;
  if (!g) return "NULL";
  if (!ctx.memory.Read(g + offsetof(msghdr, msg_namelen), &namelen, sizeof namelen)) return Hex(g);
  return "{msg_namelen=" + std::to_string(namelen) + "}";
}

// sendmmsg's and recvmmsg's vectors: `count` entries with their msg_len.
std::string Mmsghdrs(const DecodeContext& ctx, uint64_t g, uint64_t count, bool received, bool failed, size_t limit) {
  if (!g) return "NULL";
  if (failed || !ctx.memory.HasAccess(g, count * sizeof(mmsghdr), kPageMapped | kPageRead)) return Hex(g);
  std::string out = "[";
  for (uint64_t i = 0; i < count && i < kMaxArrayItems; ++i) {
    uint64_t at = g + i * sizeof(mmsghdr);
    uint32_t len;
    ctx.memory.Read(at + offsetof(mmsghdr, msg_len), &len, sizeof len);
    uint32_t namelen;
    ctx.memory.Read(at + offsetof(msghdr, msg_namelen), &namelen, sizeof namelen);
    out += (i ? ", {msg_hdr=" : "{msg_hdr=") + Msghdr(ctx, at, received ? len : -1, received, limit, namelen) +
           ", msg_len=" + std::to_string(len) + "}";
  }
  return out + (count > kMaxArrayItems ? ", ...]" : "]");
}

// openat2's struct open_how, as strace's print_open_how shows it: the mode
// only when the flags create or it is set, the resolve flags always.
std::string OpenHow(const DecodeContext& ctx, uint64_t g, uint64_t size) {
  guest::OpenHow how;
  if (!g || size < sizeof how || !ctx.memory.Read(g, &how, sizeof how)) return Pointer(g);
  std::string out = "{flags=" + OpenFlags(ctx, how.flags);
  uint32_t host = arch::GuestToHostOpenFlags(ctx.arch, static_cast<uint32_t>(how.flags));
  if ((host & O_CREAT) || (host & O_TMPFILE) == O_TMPFILE || how.mode) out += ", mode=" + Octal(how.mode);
  return out + ", resolve=" + Flags(how.resolve, ResolveFlagNames(), "RESOLVE_???") + "}";
}

// seccomp's third argument, as its operation reads it (strace's decode_seccomp).
std::string SeccompArgs(const DecodeContext& ctx, uint64_t op, uint64_t v, bool done) {
  switch (static_cast<uint32_t>(op)) {
    case SECCOMP_SET_MODE_FILTER: return SeccompFprog(ctx, v);
    case SECCOMP_GET_ACTION_AVAIL: {
      uint32_t action;
      if (!v || !ctx.memory.Read(v, &action, sizeof action)) return Pointer(v);
      for (const Name& n : SeccompActionNames()) {
        if (n.value == action) return "[" + std::string(n.name) + "]";
      }
      return "[" + Hex(action) + " /* SECCOMP_RET_??? */]";
    }
    case SECCOMP_GET_NOTIF_SIZES: {
      guest::SeccompNotifSizes sizes;
      if (!done || !ctx.memory.Read(v, &sizes, sizeof sizes)) return Pointer(v);
      return "{seccomp_notif=" + std::to_string(sizes.notif) + ", seccomp_notif_resp=" +
             std::to_string(sizes.notif_resp) + ", seccomp_data=" + std::to_string(sizes.data) + "}";
    }
    default:
      return Pointer(v);
  }
}

std::string FutexOp(uint64_t v) {
  static const char* const kOps[] = {"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE",
                                     "FUTEX_CMP_REQUEUE", "FUTEX_WAKE_OP", "FUTEX_LOCK_PI",
                                     "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI", "FUTEX_WAIT_BITSET",
                                     "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI",
                                     "FUTEX_CMP_REQUEUE_PI", "FUTEX_LOCK_PI2"};
  uint64_t op = v & FUTEX_CMD_MASK;
  std::string out = op < std::size(kOps) ? kOps[op] : std::to_string(op);
  if (v & FUTEX_PRIVATE_FLAG) out += "_PRIVATE";
  if (v & FUTEX_CLOCK_REALTIME) out += "|FUTEX_CLOCK_REALTIME";
  return out;
}

std::string SocketType(uint64_t v) {
  std::string type = Enum(v & 0xf, {{SOCK_STREAM, "SOCK_STREAM"}, {SOCK_DGRAM, "SOCK_DGRAM"},
                                    {SOCK_RAW, "SOCK_RAW"}, {SOCK_SEQPACKET, "SOCK_SEQPACKET"}});
  return Bits(v & ~uint64_t{0xf}, {{SOCK_NONBLOCK, "SOCK_NONBLOCK"}, {SOCK_CLOEXEC, "SOCK_CLOEXEC"}}, type);
}

// getdents64's buffer: the count of entries the call read.
std::string Dirents(const ArgView& a) {
  if (!a.done) return Pointer(a.v);
  uint64_t entries = 0;
  for (uint64_t at = 0; at + guest::kDirent64NameOffset <= static_cast<uint64_t>(a.result) && entries < 100000;
       ++entries) {
    uint16_t reclen;
    if (!a.ctx.memory.Read(a.v + at + offsetof(guest::Dirent64, reclen), &reclen, sizeof reclen) || reclen == 0) break;
    at += reclen;
  }
  return Hex(a.v) + " /* " + std::to_string(entries) + " entries */";
}

// execve's argv (the strings) and envp (their count).
std::string StringArray(const ArgView& a) {
  if (!a.v) return "NULL";
  std::string items;
  uint64_t count = 0;
  for (; count < 4096; ++count) {
    guest::Word item;
    if (!guest::ReadWord(a.ctx.arch, a.ctx.memory, a.v + a.ctx.arch.word_size * count, &item)) return Hex(a.v);
    if (!item) break;
    if (count < kMaxArrayItems) items += (count ? ", " : "") + GuestString(a.ctx, item, a.limit);
  }
  if (a.kind() == Arg::kEnvp) return Hex(a.v) + " /* " + std::to_string(count) + " vars */";
  return "[" + items + (count > kMaxArrayItems ? ", ...]" : "]");
}

// An int the call wrote, "[3]" (strace's printnum_int), or the address.
std::string WrittenInt(const DecodeContext& ctx, uint64_t g) {
  int32_t v;
  return g && ctx.memory.Read(g, &v, sizeof v) ? "[" + std::to_string(v) + "]" : Pointer(g);
}

// waitid's siginfo once the call has filled it: "{}" when no child was
// ready (WNOHANG), as strace shows it. The guests' LP64 siginfo is the
// host's layout.
std::string SiginfoOut(const ArgView& a) {
  siginfo_t info{};
  if (!a.ctx.memory.Read(a.v, &info, sizeof info)) return Pointer(a.v);
  return info.si_signo ? SiginfoFields(info) : "{}";
}

// clone3's struct clone_args as strace 6.1 prints it: the fields the flags
// use, then what the call wrote back (" => {pidfd=[3], parent_tid=[12]}").
std::string CloneArgsArg(const ArgView& a) {
  guest::CloneArgs args{};
  uint64_t fetched = std::min<uint64_t>(a.next(), sizeof args);
  if (fetched < guest::kCloneArgsSizeVer0 || !a.ctx.memory.Read(a.v, &args, fetched)) return Pointer(a.v);
  std::string out = "{flags=" + CloneFlags(args.flags);
  if (args.flags & CLONE_PIDFD) out += ", pidfd=" + Pointer(args.pidfd);
  if (args.flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) out += ", child_tid=" + Pointer(args.child_tid);
  if (args.flags & CLONE_PARENT_SETTID) out += ", parent_tid=" + Pointer(args.parent_tid);
  out += ", exit_signal=" + (args.exit_signal ? SignalName(static_cast<int>(args.exit_signal)) : "0");
  out += ", stack=" + Pointer(args.stack) + ", stack_size=" + Hex(args.stack_size);
  if (args.flags & CLONE_SETTLS) out += ", tls=" + Hex(args.tls);
  if (args.set_tid || args.set_tid_size) {
    std::string tids;
    int32_t tid;
    for (uint64_t i = 0; i < args.set_tid_size && i < kMaxArrayItems; ++i) {
      if (!a.ctx.memory.Read(args.set_tid + 4 * i, &tid, sizeof tid)) {
        tids.clear();
        break;
      }
      tids += (i ? ", " : "") + std::to_string(tid);
    }
    out += ", set_tid=" + (tids.empty() ? Pointer(args.set_tid) : "[" + tids + "]");
    out += ", set_tid_size=" + std::to_string(args.set_tid_size);
  }
  if (fetched > offsetof(guest::CloneArgs, cgroup) && (args.cgroup || (args.flags & CLONE_INTO_CGROUP))) {
    out += ", cgroup=" + std::to_string(args.cgroup);
  }
  out += "}";
  if (!a.done || !(args.flags & (CLONE_PIDFD | CLONE_PARENT_SETTID))) return out;
  out += " => {";
  if (args.flags & CLONE_PIDFD) out += "pidfd=" + WrittenInt(a.ctx, args.pidfd);
  if (args.flags & CLONE_PARENT_SETTID) {
    out += std::string(args.flags & CLONE_PIDFD ? ", " : "") + "parent_tid=" + WrittenInt(a.ctx, args.parent_tid);
  }
  return out + "}";
}

// What the call wrote, once it has: before that (or after a failure) only
// the address, as strace shows an output argument.
template <std::string (*decode)(const ArgView&)>
std::string Written(const ArgView& a) {
  return a.done ? decode(a) : Pointer(a.v);
}

std::string Int(const ArgView& a) { return std::to_string(static_cast<int32_t>(a.v)); }
std::string PointerArg(const ArgView& a) { return Pointer(a.v); }
std::string Path(const ArgView& a) { return GuestString(a.ctx, a.v, std::max<size_t>(a.limit, 4096)); }
std::string OutBuf(const ArgView& a) { return GuestBytes(a.ctx, a.v, static_cast<uint64_t>(a.result), a.limit); }
std::string TimespecArg(const ArgView& a) { return Timespec(a.ctx, a.v); }
std::string StatArg(const ArgView& a) { return Stat(a.ctx, a.v); }
std::string IovecsOut(const ArgView& a) { return Iovecs(a.ctx, a.v, a.next(), a.result, a.limit); }
std::string SigsetArg(const ArgView& a) {
  return SigsetSizeValid(a.row, a.i, a.raw) ? Sigset(a.ctx, a.v) : Pointer(a.v);
}
std::string SigactionArg(const ArgView& a) { return Sigaction(a.ctx, a.v); }
std::string IntPairArg(const ArgView& a) { return IntPair(a.ctx, a.v); }
std::string ItimervalArg(const ArgView& a) { return Itimerval(a.ctx, a.v); }
std::string ItimerspecArg(const ArgView& a) { return Itimerspec(a.ctx, a.v); }
std::string OutString(const ArgView& a) { return Path(a); }
std::string MmsghdrsOut(const ArgView& a) {
  return Mmsghdrs(a.ctx, a.v, static_cast<uint64_t>(a.result), true, false, a.limit);
}
std::string IdentArg(const ArgView& a) {
  return FormatIdentArg(a.ctx, a.kind(), a.i, a.raw, a.result, a.done, a.limit);
}

struct KindDecoder {
  Arg kind;
  ArgDecoder decode;
};

// The decoder of each argument kind that has no name table (flag_names.cc).
constexpr KindDecoder kDecoders[] = {
    {Arg::kInt, Int},
    {Arg::kFd, Int},
    {Arg::kUInt, [](const ArgView& a) { return std::to_string(a.v); }},
    {Arg::kHex, [](const ArgView& a) { return Hex(a.v); }},
    {Arg::kDirFd,
     [](const ArgView& a) { return static_cast<int32_t>(a.v) == AT_FDCWD ? std::string("AT_FDCWD") : Int(a); }},
    {Arg::kPath, Path},
    {Arg::kLookupPath, Path},
    {Arg::kInBuf, [](const ArgView& a) { return GuestBytes(a.ctx, a.v, a.next(), a.limit); }},
    {Arg::kOutBuf, Written<OutBuf>},
    {Arg::kInTimespec, TimespecArg},
    {Arg::kOutTimespec,
     [](const ArgView& a) { return a.failed || a.result == 0 ? Pointer(a.v) : Timespec(a.ctx, a.v); }},
    {Arg::kOutBufPrevLen, PointerArg},
    {Arg::kInPtr, PointerArg},
    {Arg::kOutPtr, PointerArg},
    {Arg::kAddr, PointerArg},
    {Arg::kRange, PointerArg},
    {Arg::kOpenFlags, [](const ArgView& a) { return OpenFlags(a.ctx, a.v); }},
    {Arg::kMode, [](const ArgView& a) { return Octal(a.v); }},
    {Arg::kSignal, [](const ArgView& a) { return SignalName(static_cast<int>(a.v)); }},
    {Arg::kMsgFlags, [](const ArgView& a) { return MsgFlags(a.v); }},
    {Arg::kResumedCall,
     [](const ArgView& a) { return std::string("<... resuming interrupted ") + a.ctx.resumed_call + " ...>"; }},
    {Arg::kStatOut, Written<StatArg>},
    {Arg::kIovecIn, [](const ArgView& a) { return Iovecs(a.ctx, a.v, a.next(), -1, a.limit); }},
    {Arg::kIovecOut, Written<IovecsOut>},
    {Arg::kSigsetIn, SigsetArg},
    {Arg::kSigsetOut, Written<SigsetArg>},
    {Arg::kSigactionIn, SigactionArg},
    {Arg::kSigactionOut, Written<SigactionArg>},
    {Arg::kPollFds, [](const ArgView& a) { return PollFds(a.ctx, a.v, a.next(), false); }},
    {Arg::kIntPairOut, Written<IntPairArg>},
    {Arg::kWaitStatusOut,
     [](const ArgView& a) { return a.done && a.result > 0 ? WaitStatus(a.ctx, a.v) : Pointer(a.v); }},
    {Arg::kSiginfoOut, [](const ArgView& a) { return a.done && a.result == 0 ? SiginfoOut(a) : Pointer(a.v); }},
    {Arg::kCloneArgs, CloneArgsArg},
    {Arg::kSocketType, [](const ArgView& a) { return SocketType(a.v); }},
    {Arg::kCloneFlags, [](const ArgView& a) { return CloneFlags(a.v); }},
    {Arg::kItimervalIn, ItimervalArg},
    {Arg::kItimervalOut, Written<ItimervalArg>},
    {Arg::kFutexOp, [](const ArgView& a) { return FutexOp(a.v); }},
    {Arg::kOutString, Written<OutString>},
    {Arg::kDirents, Dirents},
    {Arg::kSockaddrIn, [](const ArgView& a) { return Sockaddr(a.ctx, a.v, a.next()); }},
    {Arg::kMsghdrIn, [](const ArgView& a) { return Msghdr(a.ctx, a.v, -1, false, a.limit); }},
    {Arg::kMsghdrOut,
     [](const ArgView& a) {
       if (!a.done) return ReceivedNothing(a.ctx, a.v);
       return Msghdr(a.ctx, a.v, a.result, true, a.limit, a.ctx.msg_namelen_before);
     }},
    {Arg::kMmsghdrIn, [](const ArgView& a) { return Mmsghdrs(a.ctx, a.v, a.next(), false, a.failed, a.limit); }},
    {Arg::kMmsghdrOut, Written<MmsghdrsOut>},
    {Arg::kSockLevel, [](const ArgView& a) { return SockLevel(a.v); }},
    {Arg::kSockOptName, [](const ArgView& a) { return SockOptName(a.raw[a.i - 1], a.v); }},
    {Arg::kSockOptIn, [](const ArgView& a) { return SockOptValue(a.ctx, a.v, a.next(), a.limit); }},
    {Arg::kSockOptOut,
     [](const ArgView& a) {
       uint32_t len;
       if (!a.done || !a.ctx.memory.Read(a.next(), &len, sizeof len)) return Pointer(a.v);
       return SockOptValue(a.ctx, a.v, len, a.limit);
     }},
    {Arg::kSockLenOut,
     [](const ArgView& a) {
       uint32_t len;
       if (!a.ctx.memory.Read(a.v, &len, sizeof len)) return Pointer(a.v);
       return "[" + std::to_string(len) + "]";
     }},
    {Arg::kArgv, StringArray},
    {Arg::kEnvp, StringArray},
    {Arg::kSigreturnFrame, [](const ArgView& a) { return "{mask=" + SignalSet(a.ctx.sigreturn_mask) + "}"; }},
    {Arg::kItimerspecIn, ItimerspecArg},
    {Arg::kItimerspecOut, Written<ItimerspecArg>},
    // RISC-V sign-extends the 32-bit mask.
    {Arg::kInotifyMask, [](const ArgView& a) { return InotifyMask(static_cast<uint32_t>(a.v)); }},
    {Arg::kPrctlOption, [](const ArgView& a) { return PrctlOption(a.v); }},
    {Arg::kSeccompArgs, [](const ArgView& a) { return SeccompArgs(a.ctx, a.raw[0], a.v, a.done); }},
    {Arg::kOpenHow, [](const ArgView& a) { return OpenHow(a.ctx, a.v, a.next()); }},
    // Filter flags only for SECCOMP_SET_MODE_FILTER; the other operations take 0.
    {Arg::kSeccompFlags,
     [](const ArgView& a) {
       return static_cast<uint32_t>(a.raw[0]) == SECCOMP_SET_MODE_FILTER
                  ? Flags(static_cast<uint32_t>(a.v), SeccompFlagNames(), "SECCOMP_FILTER_FLAG_???")
                  : Hex(a.v);
     }},
    {Arg::kSchedPolicy, [](const ArgView& a) { return SchedPolicy(a.v); }},
    {Arg::kGidListIn, IdentArg},
    {Arg::kCapHeader, IdentArg},
    {Arg::kCapDataIn, IdentArg},
    {Arg::kCapDataOut, IdentArg},
    {Arg::kRlimitIn, IdentArg},
    {Arg::kRlimitOut, IdentArg},
    {Arg::kCpuSetIn, IdentArg},
    {Arg::kCpuSetOut, IdentArg},
    {Arg::kSchedParamIn, IdentArg},
    {Arg::kSchedParamOut, IdentArg},
    {Arg::kPrioWhich, IdentArg},
    {Arg::kIoprioWho, IdentArg},
    {Arg::kIoprioValue, IdentArg},
    {Arg::kPersona, IdentArg},
    {Arg::kIpcKey, IpcKeyArg},
    {Arg::kIpcGetFlags, IpcGetFlagsArg},
    {Arg::kShmGetFlags, ShmGetFlagsArg},
    {Arg::kMsgbufIn, MsgbufInArg},
    {Arg::kMsgbufOut, MsgbufOutArg},
    {Arg::kSembufs, SembufsArg},
    {Arg::kMqAttrIn, MqAttrInArg},
    {Arg::kMqAttrOut, MqAttrOutArg},
    {Arg::kMqPrioOut, MqPrioOutArg},
    {Arg::kSigeventIn, SigeventInArg},
    {Arg::kMsgCtlBuf, MsgCtlBufArg},
    {Arg::kSemCtlArg, SemCtlArg},
    {Arg::kShmCtlBuf, ShmCtlBufArg},
    {Arg::kTimerIdOut, [](const ArgView& a) { return a.done ? WrittenInt(a.ctx, a.v) : Pointer(a.v); }},
    {Arg::kEpollEventIn, EpollEventInArg},
    {Arg::kEpollEventsOut, EpollEventsOutArg},
    {Arg::kSpliceOffset, SpliceOffsetArg},
    {Arg::kAioContextOut, AioContextOutArg},
    {Arg::kIocbArray, IocbArrayArg},
    {Arg::kIocbIn, IocbInArg},
    {Arg::kIoEventOut, IoEventOutArg},
    {Arg::kIoEventsOut, IoEventsOutArg},
    {Arg::kIoctlArg, IoctlArg},
    {Arg::kFdFlags,
     [](const ArgView& a) {
       uint32_t host = arch::GuestToHostOpenFlags(a.ctx.arch, static_cast<uint32_t>(a.v));
       return Bits(host, {{O_CLOEXEC, "O_CLOEXEC"}, {O_NONBLOCK, "O_NONBLOCK"}, {O_DIRECT, "O_DIRECT"}});
     }},
};

struct DecodersByKind {
  ArgDecoder by_kind[256] = {};
  constexpr DecodersByKind() {
    for (const KindDecoder& d : kDecoders) by_kind[static_cast<uint8_t>(d.kind)] = d.decode;
  }
};
constexpr DecodersByKind kByKind;

constexpr bool KindsUnique() {
  for (size_t i = 0; i < std::size(kDecoders); ++i) {
    for (size_t j = i + 1; j < std::size(kDecoders); ++j) {
      if (kDecoders[i].kind == kDecoders[j].kind) return false;
    }
  }
  return true;
}
static_assert(KindsUnique(), "two decoders for one argument kind");

std::string FormatArg(const DecodeContext& ctx, const SyscallRow& row, int i, const uint64_t raw[6],
                      int64_t result, size_t limit) {
  ArgView a = ArgView::Of(ctx, row, i, raw, result, limit);
  if (const NameTable* names = NameTableFor(a.kind())) return FormatNamed(*names, a.v);
  if (ArgDecoder decode = DecoderFor(a.kind())) return decode(a);
  return Hex(a.v);
}

// fcntl's third argument, as its command reads it; nullopt when it takes none.
std::optional<std::string> FcntlArgument(const DecodeContext& ctx, uint64_t cmd, uint64_t v) {
  switch (cmd) {
    case F_GETFD: case F_GETFL: case F_GETOWN: case F_GETSIG: case F_GETLEASE:
    case F_GETPIPE_SZ: case F_GET_SEALS:
      return std::nullopt;
    case F_SETFD: return v == FD_CLOEXEC ? "FD_CLOEXEC" : std::to_string(v);
    case F_SETFL: return OpenFlags(ctx, v);
    case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK:
    case F_OFD_SETLKW: case F_GETOWN_EX: case F_SETOWN_EX:
      return Pointer(v);
    default: return std::to_string(static_cast<int64_t>(v));
  }
}

// The argument list of a call shown specially (StraceFormat), each as
// strace shows it; `skip` says which argument is left out, `special` may
// replace one. One entry per StraceFormat value.
struct FormatHook {
  // Whether argument i is shown at all.
  bool (*shown)(const DecodeContext& ctx, const SyscallRow& row, int i, const uint64_t raw[6]);
  // A replacement for argument i (nullopt: by its kind).
  std::optional<std::string> (*special)(const DecodeContext& ctx, const SyscallRow& row, int i, const uint64_t raw[6],
                                        bool* omit);
};

bool AlwaysShown(const DecodeContext&, const SyscallRow&, int, const uint64_t[6]) { return true; }
std::optional<std::string> NothingSpecial(const DecodeContext&, const SyscallRow&, int, const uint64_t[6], bool*) {
  return std::nullopt;
}

// openat: the mode only when the flags can create a file; mq_open: the mode
// and the attributes only with O_CREAT.
bool OpenModeShown(const DecodeContext& ctx, const SyscallRow& row, int i, const uint64_t raw[6]) {
  int flags_at = row.args[i] == Arg::kMode ? i - 1 : row.args[i] == Arg::kMqAttrIn ? i - 2 : -1;
  if (flags_at < 0 || row.args[flags_at] != Arg::kOpenFlags) return true;
  uint32_t flags = arch::GuestToHostOpenFlags(ctx.arch, static_cast<uint32_t>(raw[flags_at]));
  if (row.args[i] == Arg::kMqAttrIn) return flags & O_CREAT;
  return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

// mremap: the new address only with MREMAP_FIXED.
bool MremapShown(const DecodeContext&, const SyscallRow& row, int i, const uint64_t raw[6]) {
  return !(i > 0 && row.args[i - 1] == Arg::kMremapFlags && !(raw[i - 1] & MREMAP_FIXED));
}

// fcntl: the third argument as the command reads it, or none.
std::optional<std::string> FcntlSpecial(const DecodeContext& ctx, const SyscallRow& row, int i, const uint64_t raw[6],
                                        bool* omit) {
  if (i == 0 || row.args[i - 1] != Arg::kFcntlCmd) return std::nullopt;
  auto arg = FcntlArgument(ctx, raw[i - 1], raw[i]);
  *omit = !arg;
  return arg ? *arg : "";
}

constexpr FormatHook kFormatHooks[] = {
    /* kPlain */ {AlwaysShown, NothingSpecial},
    /* kClone */ {AlwaysShown, NothingSpecial},  // the whole call: CloneCall
    /* kOpenMode */ {OpenModeShown, NothingSpecial},
    /* kMremap */ {MremapShown, NothingSpecial},
    /* kFcntl */ {AlwaysShown, FcntlSpecial},
    /* kPollResult */ {AlwaysShown, NothingSpecial},  // the result: FormatResult
    /* kPrctl */ {AlwaysShown, NothingSpecial},       // the whole call: FormatPrctlArgs
};
static_assert(std::size(kFormatHooks) == static_cast<size_t>(StraceFormat::kPrctl) + 1);

// clone: strace names its arguments and shows those the flags use.
// asm-generic order: flags, stack, parent_tid, tls, child_tid.
// The parent's tid or CLONE_PIDFD's pidfd, both at parent_tid, are shown as
// written: "parent_tid=[3]".
std::string CloneCall(const DecodeContext& ctx, const SyscallRow& row, const uint64_t raw[6]) {
  uint64_t flags = raw[0];
  std::string line = std::string(row.name) + "(child_stack=" + Pointer(raw[1]) + ", flags=" + CloneFlags(flags);
  if (flags & (CLONE_PARENT_SETTID | CLONE_PIDFD)) line += ", parent_tid=" + WrittenInt(ctx, raw[2]);
  if (flags & CLONE_SETTLS) line += ", tls=" + Hex(raw[3]);
  if (flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) line += ", child_tidptr=" + Pointer(raw[4]);
  return line + ")";
}

}  // namespace

std::string GuestIovecs(const DecodeContext& ctx, uint64_t g, uint64_t count, int64_t bytes, size_t limit) {
  return Iovecs(ctx, g, count, bytes, limit);
}

std::string GuestIovecAddresses(const DecodeContext& ctx, uint64_t g, uint64_t count) {
  if (!g) return "NULL";
  std::string out = "[";
  for (uint64_t i = 0; i < count && i < kMaxArrayItems; ++i) {
    guest::Iovec iov;
    if (!guest::ReadIovecs(ctx.arch, ctx.memory, g + guest::IovecSize(ctx.arch) * i, 1, &iov)) return Hex(g);
    out += (i ? ", " : "") + std::string("{iov_base=") + Pointer(iov.base) + ", iov_len=" + std::to_string(iov.len) + "}";
  }
  if (count > kMaxArrayItems) out += ", ...";
  return out + "]";
}

std::string GuestPollEvents(uint64_t events) { return PollEvents(events); }

std::string SeccompFprog(const DecodeContext& ctx, uint64_t g) {
  guest::SockFprog fprog;
  if (!g || !ctx.memory.Read(g, &fprog, sizeof fprog)) return Pointer(g);
  return "{len=" + std::to_string(fprog.len) + ", filter=" + Pointer(fprog.filter) + "}";
}

std::string PrctlOption(uint64_t v) {
  std::string name = PrctlOptionName(v);
  if (name[0] == 'P') return name;
  return Hex(static_cast<uint32_t>(v)) + " /* PR_??? */";
}

std::string GuestStringArg(const DecodeContext& ctx, uint64_t g, size_t limit) { return GuestString(ctx, g, limit); }
std::string SockaddrArg(const DecodeContext& ctx, uint64_t g, uint64_t addrlen) { return Sockaddr(ctx, g, addrlen); }

ArgView ArgView::Of(const DecodeContext& ctx, const SyscallRow& row, int i, const uint64_t raw[6], int64_t result,
                    size_t limit) {
  bool failed = result < 0 && result > -4096;
  return {ctx, row, i, raw, result, limit, raw[i], failed, !failed && result != kNoReturn};
}

ArgDecoder DecoderFor(Arg kind) { return kByKind.by_kind[static_cast<uint8_t>(kind)]; }

DecodeContext DecodeContextOf(const Task& task) {
  return DecodeContext{task.arch, task.memory, task.sigreturn_mask, task.resumed_call, task.msg_namelen_before,
                       task.cap_version_in, task.ifc_len_before};
}

std::string SignalName(int sig) {
  if (sig >= 1 && sig < 32) {
    const char* abbrev = sigabbrev_np(sig);
    if (abbrev) return std::string("SIG") + abbrev;
  }
  if (sig == 32) return "SIGRTMIN";
  if (sig > 32 && sig <= 64) return "SIGRT_" + std::to_string(sig - 32);
  return std::to_string(sig);
}

std::string SignalSet(uint64_t set) {
  bool complement = std::popcount(set) > 32;
  if (complement) set = ~set;
  std::string out = complement ? "~[" : "[";
  bool first = true;
  for (int sig = 1; sig <= 64; ++sig) {
    if (!(set & (uint64_t{1} << (sig - 1)))) continue;
    out += first ? "" : " ";
    first = false;
    out += SignalName(sig).substr(3);
  }
  return out + "]";
}

std::string QuoteBytes(const char* data, size_t len, size_t limit) {
  std::string out = "\"";
  for (size_t i = 0; i < len && i < limit; ++i) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\v': out += "\\v"; break;
      case '\f': out += "\\f"; break;
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          // Octal, padded to three digits when a digit follows, as strace does.
          bool digit_next = i + 1 < len && i + 1 < limit && data[i + 1] >= '0' && data[i + 1] <= '7';
          char buf[8];
          snprintf(buf, sizeof buf, digit_next ? "\\%03o" : "\\%o", c);
          out += buf;
        }
    }
  }
  out += '"';
  if (len > limit) out += "...";
  return out;
}

// A siginfo as strace shows it: "{si_signo=SIGCHLD, si_code=CLD_EXITED, ...}".
std::string SiginfoFields(const siginfo_t& info) {
  std::string name = SignalName(info.si_signo);
  std::string out = "{si_signo=" + name + ", si_code=";
  bool fault = info.si_code > 0 && (info.si_signo == SIGSEGV || info.si_signo == SIGBUS ||
                                    info.si_signo == SIGILL || info.si_signo == SIGTRAP ||
                                    info.si_signo == SIGFPE);
  if (fault) {
    static const char* const kSegv[] = {"", "SEGV_MAPERR", "SEGV_ACCERR"};
    static const char* const kIll[] = {"", "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP"};
    static const char* const kTrap[] = {"", "TRAP_BRKPT", "TRAP_TRACE"};
    static const char* const kBus[] = {"", "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR"};
    int code = info.si_code;
    if (info.si_signo == SIGSEGV && code <= 2) out += kSegv[code];
    else if (info.si_signo == SIGILL && code <= 4) out += kIll[code];
    else if (info.si_signo == SIGTRAP && code <= 2) out += kTrap[code];
    else if (info.si_signo == SIGBUS && code <= 3) out += kBus[code];
    else out += std::to_string(code);
    return out + ", si_addr=" + Pointer(reinterpret_cast<uint64_t>(info.si_addr)) + "}";
  }
  if (info.si_signo == SIGCHLD && info.si_code > 0) {
    static const char* const kChld[] = {"", "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED",
                                        "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"};
    out += info.si_code <= 6 ? kChld[info.si_code] : std::to_string(info.si_code);
    out += ", si_pid=" + std::to_string(info.si_pid) + ", si_uid=" + std::to_string(info.si_uid) +
           ", si_status=" +
           (info.si_code == CLD_EXITED ? std::to_string(info.si_status) : SignalName(info.si_status)) +
           ", si_utime=" + std::to_string(info.si_utime) + ", si_stime=" + std::to_string(info.si_stime);
    return out + "}";
  }
  switch (info.si_code) {
    case SI_USER: out += "SI_USER"; break;
    case SI_QUEUE: out += "SI_QUEUE"; break;
    case SI_TKILL: out += "SI_TKILL"; break;
    case SI_KERNEL: out += "SI_KERNEL"; break;
    case SI_TIMER: out += "SI_TIMER"; break;
    default: out += std::to_string(info.si_code);
  }
  if (info.si_code == SI_TIMER) {
    out += ", si_timerid=" + std::to_string(info.si_timerid) + ", si_overrun=" + std::to_string(info.si_overrun) +
           ", si_int=" + std::to_string(info.si_int);
    return out + "}";
  }
  if (info.si_code == SI_KERNEL) return out + "}";
  out += ", si_pid=" + std::to_string(info.si_pid) + ", si_uid=" + std::to_string(info.si_uid);
  if (info.si_code == SI_QUEUE) out += ", si_int=" + std::to_string(info.si_int);
  return out + "}";
}

std::string FormatSignal(const siginfo_t& info) {
  return "--- " + SignalName(info.si_signo) + " " + SiginfoFields(info) + " ---";
}

std::string ErrorName(int64_t result) {
  switch (result) {  // the kernel-internal codes strace shows for interrupted calls
    case -512: return "ERESTARTSYS";
    case -513: return "ERESTARTNOINTR";
    case -514: return "ERESTARTNOHAND";
    case -516: return "ERESTART_RESTARTBLOCK";
  }
  if (result < 0 && result > -4096) {
    const char* name = strerrorname_np(static_cast<int>(-result));
    return name ? name : std::to_string(-result);
  }
  return "";
}

std::string FormatResult(Arg kind, int64_t result) {
  if (result == kNoReturn) return "= ?";
  switch (result) {
    case -512: return "= ? ERESTARTSYS (To be restarted if SA_RESTART is set)";
    case -513: return "= ? ERESTARTNOINTR (To be restarted)";
    case -514: return "= ? ERESTARTNOHAND (To be restarted if no handler)";
    case -516: return "= ? ERESTART_RESTARTBLOCK (Interrupted by signal)";
  }
  if (result < 0 && result > -4096) {
    int err = static_cast<int>(-result);
    return "= -1 " + ErrorName(result) + " (" + strerror(err) + ")";
  }
  if (kind == Arg::kAddr || kind == Arg::kHex || kind == Arg::kPersona) return "= " + Hex(static_cast<uint64_t>(result));
  if (kind == Arg::kMode) return "= " + Octal(static_cast<uint64_t>(result));
  return "= " + std::to_string(result);
}

std::string FormatResult(const DecodeContext& ctx, const SyscallRow* row, const uint64_t raw[6], int64_t result) {
  std::string out = FormatResult(row ? row->result : Arg::kInt, result);
  if (row) out += IdentResultNote(*row, raw, result);
  if (row && row->result == Arg::kSchedPolicy && result >= 0) return out + " (" + SchedPolicy(result) + ")";
  if (!row || result <= 0) return out;
  if (row->result == Arg::kSignal) return out + " (" + SignalName(static_cast<int>(result)) + ")";
  if (row->format != StraceFormat::kPollResult) return out;
  for (int i = 0; i < row->nargs; ++i) {
    if (row->args[i] != Arg::kPollFds) continue;
    // What poll found comes with the count, and the time left with it.
    out += " (" + PollFds(ctx, raw[i], raw[i + 1], true);
    if (i + 2 < row->nargs && row->args[i + 2] == Arg::kInTimespec && raw[i + 2]) {
      out += ", left " + Timespec(ctx, raw[i + 2]);
    }
    out += ")";
  }
  return out;
}

std::vector<std::string> FormatArgs(const DecodeContext& ctx, const SyscallRow& row, const uint64_t raw[6],
                                    int64_t result, size_t string_limit) {
  std::vector<std::string> out;
  const FormatHook& hook = kFormatHooks[static_cast<size_t>(row.format)];
  for (int i = 0; i < row.nargs; ++i) {
    if (row.args[i] == Arg::kOffsetHigh || !hook.shown(ctx, row, i, raw)) continue;
    bool omit = false;
    if (auto special = hook.special(ctx, row, i, raw, &omit)) {
      if (!omit) out.push_back(*special);
      continue;
    }
    out.push_back(FormatArg(ctx, row, i, raw, result, string_limit));
  }
  return out;
}

std::string FormatCall(const DecodeContext& ctx, const SyscallRow* row, uint64_t nr, const uint64_t raw[6],
                       int64_t result, size_t string_limit) {
  std::string line;
  if (row == nullptr) {
    line = "syscall_" + Hex(nr) + "(";
    for (int i = 0; i < 6; ++i) line += (i ? ", " : "") + Hex(raw[i]);
    return line + ")";
  }
  if (row->format == StraceFormat::kClone) return CloneCall(ctx, *row, raw);
  if (row->format == StraceFormat::kPrctl) {
    return std::string(row->name) + "(" + FormatPrctlArgs(ctx, raw, result, string_limit) + ")";
  }
  line = std::string(row->name) + "(";
  std::vector<std::string> args = FormatArgs(ctx, *row, raw, result, string_limit);
  for (size_t i = 0; i < args.size(); ++i) line += (i ? ", " : "") + args[i];
  return line + ")";
}

std::string AlignResult(const std::string& call, const std::string& result, size_t column_offset) {
  constexpr size_t kResultColumn = 40;  // strace's -a default
  size_t column = column_offset + call.size();
  std::string pad = column < kResultColumn ? std::string(kResultColumn - column, ' ') : " ";
  return call + pad + result;
}

std::string FormatSyscall(const DecodeContext& ctx, const SyscallRow* row, uint64_t nr,
                          const uint64_t raw[6], int64_t result, size_t string_limit) {
  return AlignResult(FormatCall(ctx, row, nr, raw, result, string_limit),
                     FormatResult(ctx, row, raw, result));
}

}  // namespace ferry
