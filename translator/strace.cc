#include "translator/strace.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bit>
#include <cstring>
#include <optional>

#include "translator/strace_ident.h"

namespace translator {
namespace {

constexpr size_t kMaxArrayItems = 32;  // strace's default -a-like cut for arrays

struct Name {
  uint64_t value;
  const char* name;
};

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
std::string Bits(uint64_t v, std::initializer_list<Name> bits, std::string prefix = "") {
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
std::string Enum(uint64_t v, std::initializer_list<Name> names) {
  for (const Name& n : names) {
    if (n.value == v) return n.name;
  }
  return std::to_string(static_cast<int64_t>(v));
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

std::string OpenFlags(const Task& task, uint64_t guest) {
  uint32_t v = arch::GuestToHostOpenFlags(task.arch, static_cast<uint32_t>(guest));
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

std::string GuestString(const Task& task, uint64_t g, size_t limit) {
  if (!g) return "NULL";
  std::string s;
  if (!task.memory.ReadString(g, limit + 1, &s)) return Hex(g);
  return QuoteBytes(s.data(), s.size(), limit);
}

std::string GuestBytes(const Task& task, uint64_t g, uint64_t len, size_t limit) {
  size_t shown = std::min<uint64_t>(len, limit + 1);
  std::string bytes(shown, '\0');
  if (!task.memory.Read(g, bytes.data(), shown)) return Hex(g);
  return QuoteBytes(bytes.data(), len > limit ? limit + 1 : len, limit);
}

std::string Timespec(const Task& task, uint64_t g) {
  struct timespec ts;
  if (!g) return "NULL";
  if (!task.memory.Read(g, &ts, sizeof ts)) return Hex(g);
  return "{tv_sec=" + std::to_string(ts.tv_sec) + ", tv_nsec=" + std::to_string(ts.tv_nsec) + "}";
}

std::string Itimerval(const Task& task, uint64_t g) {
  if (!g) return "NULL";
  struct itimerval v;
  if (!task.memory.Read(g, &v, sizeof v)) return Hex(g);
  auto tv = [](const struct timeval& t) {
    return "{tv_sec=" + std::to_string(t.tv_sec) + ", tv_usec=" + std::to_string(t.tv_usec) + "}";
  };
  return "{it_interval=" + tv(v.it_interval) + ", it_value=" + tv(v.it_value) + "}";
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

std::string Stat(const Task& task, uint64_t g) {
  uint32_t mode;
  int64_t size;
  if (!task.memory.Read(g + task.arch.stat_mode_offset, &mode, sizeof mode) ||
      !task.memory.Read(g + task.arch.stat_size_offset, &size, sizeof size)) {
    return Hex(g);
  }
  std::string out = "{st_mode=" + FileMode(mode);
  if (S_ISCHR(mode) || S_ISBLK(mode)) return out + ", ...}";
  return out + ", st_size=" + std::to_string(size) + ", ...}";
}

std::string Iovecs(const Task& task, uint64_t g, uint64_t count, int64_t bytes, size_t limit) {
  if (!g) return "NULL";
  std::string out = "[";
  for (uint64_t i = 0; i < count && i < kMaxArrayItems; ++i) {
    uint64_t iov[2];
    if (!task.memory.Read(g + 16 * i, iov, sizeof iov)) return Hex(g);
    uint64_t shown = bytes < 0 ? iov[1] : std::min<uint64_t>(iov[1], static_cast<uint64_t>(bytes));
    if (bytes >= 0) bytes -= static_cast<int64_t>(shown);
    out += i ? ", " : "";
    out += "{iov_base=" + GuestBytes(task, iov[0], shown, limit) + ", iov_len=" + std::to_string(iov[1]) + "}";
  }
  if (count > kMaxArrayItems) out += ", ...";
  return out + "]";
}

std::string Sigset(const Task& task, uint64_t g) {
  if (!g) return "NULL";
  uint64_t set;
  if (!task.memory.Read(g, &set, sizeof set)) return Hex(g);
  return SignalSet(set);
}

std::string SigactionFlags(uint64_t flags) {
  return Bits(flags, {{SA_NOCLDSTOP, "SA_NOCLDSTOP"}, {SA_NOCLDWAIT, "SA_NOCLDWAIT"},
                      {SA_SIGINFO, "SA_SIGINFO"}, {0x04000000, "SA_RESTORER"},
                      {SA_ONSTACK, "SA_ONSTACK"}, {SA_RESTART, "SA_RESTART"},
                      {SA_NODEFER, "SA_NODEFER"}, {SA_RESETHAND, "SA_RESETHAND"}});
}

std::string Sigaction(const Task& task, uint64_t g) {
  if (!g) return "NULL";
  bool restorer = task.arch.sigaction_has_restorer;
  uint64_t w[4];
  if (!task.memory.Read(g, w, restorer ? 32 : 24)) return Hex(g);
  uint64_t handler = w[0], flags = w[1], mask = restorer ? w[3] : w[2];
  std::string h = handler == 0 ? "SIG_DFL" : handler == 1 ? "SIG_IGN" : Hex(handler);
  std::string out = std::string(flags & SA_SIGINFO ? "{sa_sigaction=" : "{sa_handler=") + h +
                    ", sa_mask=" + SignalSet(mask) + ", sa_flags=" + SigactionFlags(flags);
  if (restorer && (flags & 0x04000000)) out += ", sa_restorer=" + Hex(w[2]);
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
std::string PollFds(const Task& task, uint64_t g, uint64_t count, bool returned) {
  if (!g) return "NULL";
  std::string out = "[";
  bool first = true;
  for (uint64_t i = 0; i < count && i < kMaxArrayItems; ++i) {
    struct pollfd p;
    if (!task.memory.Read(g + i * sizeof p, &p, sizeof p)) return Hex(g);
    if (returned && p.revents == 0) continue;
    out += first ? "" : ", ";
    first = false;
    out += "{fd=" + std::to_string(p.fd) + ", " + (returned ? "revents=" : "events=") +
           PollEvents(static_cast<uint16_t>(returned ? p.revents : p.events)) + "}";
  }
  return out + "]";
}

std::string IntPair(const Task& task, uint64_t g) {
  int fds[2];
  if (!task.memory.Read(g, fds, sizeof fds)) return Hex(g);
  return "[" + std::to_string(fds[0]) + ", " + std::to_string(fds[1]) + "]";
}

std::string WaitStatus(const Task& task, uint64_t g) {
  if (!g) return "NULL";
  int s;
  if (!task.memory.Read(g, &s, sizeof s)) return Hex(g);
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
                            {CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"}});
  if (exit_signal.empty()) return flags;
  return (v & ~uint64_t{0xff}) ? flags + "|" + exit_signal : exit_signal;
}

std::string FormatArg(const Task& task, const SyscallRow& row, int i, const uint64_t raw[6],
                      int64_t result, size_t limit) {
  uint64_t v = raw[i];
  bool failed = result < 0 && result > -4096;
  bool done = !failed && result != kNoReturn;
  switch (row.args[i]) {
    case Arg::kInt:
    case Arg::kFd: return std::to_string(static_cast<int32_t>(v));
    case Arg::kUInt: return std::to_string(v);
    case Arg::kHex: return Hex(v);
    case Arg::kDirFd:
      return static_cast<int32_t>(v) == AT_FDCWD ? "AT_FDCWD" : std::to_string(static_cast<int32_t>(v));
    case Arg::kPath:
    case Arg::kLookupPath: return GuestString(task, v, std::max<size_t>(limit, 4096));
    case Arg::kInBuf: return GuestBytes(task, v, raw[i + 1], limit);
    case Arg::kOutBuf:
      return done ? GuestBytes(task, v, static_cast<uint64_t>(result), limit) : Pointer(v);
    case Arg::kInTimespec: return Timespec(task, v);
    case Arg::kOutTimespec: return failed || result == 0 ? Pointer(v) : Timespec(task, v);
    case Arg::kOutBufPrevLen:
    case Arg::kInPtr:
    case Arg::kOutPtr:
    case Arg::kAddr:
    case Arg::kRange: return Pointer(v);
    case Arg::kOpenFlags: return OpenFlags(task, v);
    case Arg::kMode: return Octal(v);
    case Arg::kProt:
      if (v == 0) return "PROT_NONE";
      return Bits(v, {{PROT_READ, "PROT_READ"}, {PROT_WRITE, "PROT_WRITE"}, {PROT_EXEC, "PROT_EXEC"}});
    case Arg::kMapFlags:
      return Bits(v, {{MAP_SHARED_VALIDATE, "MAP_SHARED_VALIDATE"}, {MAP_SHARED, "MAP_SHARED"},
                      {MAP_PRIVATE, "MAP_PRIVATE"}, {MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"},
                      {MAP_FIXED, "MAP_FIXED"}, {MAP_ANONYMOUS, "MAP_ANONYMOUS"},
                      {MAP_NORESERVE, "MAP_NORESERVE"}, {MAP_STACK, "MAP_STACK"},
                      {MAP_POPULATE, "MAP_POPULATE"}, {MAP_GROWSDOWN, "MAP_GROWSDOWN"},
                      {MAP_DENYWRITE, "MAP_DENYWRITE"}});
    case Arg::kSignal: return SignalName(static_cast<int>(v));
    case Arg::kClockId:
      return Enum(v, {{CLOCK_REALTIME, "CLOCK_REALTIME"}, {CLOCK_MONOTONIC, "CLOCK_MONOTONIC"},
                      {CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID"},
                      {CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID"},
                      {CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW"},
                      {CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE"},
                      {CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE"},
                      {CLOCK_BOOTTIME, "CLOCK_BOOTTIME"}});
    case Arg::kWhence:
      return Enum(v, {{SEEK_SET, "SEEK_SET"}, {SEEK_CUR, "SEEK_CUR"}, {SEEK_END, "SEEK_END"},
                      {SEEK_DATA, "SEEK_DATA"}, {SEEK_HOLE, "SEEK_HOLE"}});
    case Arg::kMsgFlags:
      return Bits(v, {{MSG_OOB, "MSG_OOB"}, {MSG_PEEK, "MSG_PEEK"}, {MSG_DONTWAIT, "MSG_DONTWAIT"},
                      {MSG_WAITALL, "MSG_WAITALL"}, {MSG_NOSIGNAL, "MSG_NOSIGNAL"},
                      {MSG_TRUNC, "MSG_TRUNC"}, {MSG_CMSG_CLOEXEC, "MSG_CMSG_CLOEXEC"}});
    case Arg::kResumedCall:
      return std::string("<... resuming interrupted ") + task.resumed_call + " ...>";
    case Arg::kAtFlags:
      return Bits(v, {{AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"}, {AT_REMOVEDIR, "AT_REMOVEDIR"},
                      {AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW"}, {AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT"},
                      {AT_EMPTY_PATH, "AT_EMPTY_PATH"}, {AT_EACCESS, "AT_EACCESS"}});
    case Arg::kStatOut: return done ? Stat(task, v) : Pointer(v);
    case Arg::kIovecIn: return Iovecs(task, v, raw[i + 1], -1, limit);
    case Arg::kIovecOut: return done ? Iovecs(task, v, raw[i + 1], result, limit) : Pointer(v);
    case Arg::kSigsetIn: return Sigset(task, v);
    case Arg::kSigsetOut: return done ? Sigset(task, v) : Pointer(v);
    case Arg::kSigactionIn: return Sigaction(task, v);
    case Arg::kSigactionOut: return done ? Sigaction(task, v) : Pointer(v);
    case Arg::kPollFds: return PollFds(task, v, raw[i + 1], false);
    case Arg::kIntPairOut: return done ? IntPair(task, v) : Pointer(v);
    case Arg::kWaitStatusOut: return done && result > 0 ? WaitStatus(task, v) : Pointer(v);
    case Arg::kSigHow:
      return Enum(v, {{SIG_BLOCK, "SIG_BLOCK"}, {SIG_UNBLOCK, "SIG_UNBLOCK"}, {SIG_SETMASK, "SIG_SETMASK"}});
    case Arg::kFcntlCmd:
      return Enum(v, {{F_DUPFD, "F_DUPFD"}, {F_GETFD, "F_GETFD"}, {F_SETFD, "F_SETFD"},
                      {F_GETFL, "F_GETFL"}, {F_SETFL, "F_SETFL"}, {F_GETLK, "F_GETLK"},
                      {F_SETLK, "F_SETLK"}, {F_SETLKW, "F_SETLKW"}, {F_SETOWN, "F_SETOWN"},
                      {F_GETOWN, "F_GETOWN"}, {F_SETSIG, "F_SETSIG"}, {F_GETSIG, "F_GETSIG"},
                      {F_OFD_GETLK, "F_OFD_GETLK"}, {F_OFD_SETLK, "F_OFD_SETLK"},
                      {F_OFD_SETLKW, "F_OFD_SETLKW"}, {F_DUPFD_CLOEXEC, "F_DUPFD_CLOEXEC"},
                      {F_SETPIPE_SZ, "F_SETPIPE_SZ"}, {F_GETPIPE_SZ, "F_GETPIPE_SZ"},
                      {F_ADD_SEALS, "F_ADD_SEALS"}, {F_GET_SEALS, "F_GET_SEALS"}});
    case Arg::kIoctlRequest:
      return Enum(v, {{TCGETS, "TCGETS"}, {TCSETS, "TCSETS"}, {TCSETSW, "TCSETSW"},
                      {TCSETSF, "TCSETSF"}, {TIOCGWINSZ, "TIOCGWINSZ"}, {TIOCSWINSZ, "TIOCSWINSZ"},
                      {TIOCGPGRP, "TIOCGPGRP"}, {TIOCSPGRP, "TIOCSPGRP"}, {FIONREAD, "FIONREAD"},
                      {FIONBIO, "FIONBIO"}, {FIOCLEX, "FIOCLEX"}, {FIONCLEX, "FIONCLEX"}});
    case Arg::kSocketDomain:
      return Enum(v, {{AF_UNIX, "AF_UNIX"}, {AF_INET, "AF_INET"}, {AF_INET6, "AF_INET6"},
                      {AF_NETLINK, "AF_NETLINK"}, {AF_PACKET, "AF_PACKET"}});
    case Arg::kSocketType: {
      std::string type = Enum(v & 0xf, {{SOCK_STREAM, "SOCK_STREAM"}, {SOCK_DGRAM, "SOCK_DGRAM"},
                                        {SOCK_RAW, "SOCK_RAW"}, {SOCK_SEQPACKET, "SOCK_SEQPACKET"}});
      return Bits(v & ~uint64_t{0xf}, {{SOCK_NONBLOCK, "SOCK_NONBLOCK"}, {SOCK_CLOEXEC, "SOCK_CLOEXEC"}}, type);
    }
    case Arg::kCloneFlags: return CloneFlags(v);
    case Arg::kItimerWhich:
      return Enum(v, {{ITIMER_REAL, "ITIMER_REAL"}, {ITIMER_VIRTUAL, "ITIMER_VIRTUAL"},
                      {ITIMER_PROF, "ITIMER_PROF"}});
    case Arg::kItimervalIn: return Itimerval(task, v);
    case Arg::kItimervalOut: return done ? Itimerval(task, v) : Pointer(v);
    case Arg::kAccessMode:
      if (v == 0) return "F_OK";
      return Bits(v, {{R_OK, "R_OK"}, {W_OK, "W_OK"}, {X_OK, "X_OK"}});
    case Arg::kAccessFlags:
      return Bits(v, {{AT_EACCESS, "AT_EACCESS"}, {AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"},
                      {AT_EMPTY_PATH, "AT_EMPTY_PATH"}});
    case Arg::kMadvise:
      return Enum(v, {{MADV_NORMAL, "MADV_NORMAL"}, {MADV_RANDOM, "MADV_RANDOM"},
                      {MADV_SEQUENTIAL, "MADV_SEQUENTIAL"}, {MADV_WILLNEED, "MADV_WILLNEED"},
                      {MADV_DONTNEED, "MADV_DONTNEED"}, {MADV_FREE, "MADV_FREE"},
                      {MADV_REMOVE, "MADV_REMOVE"}, {MADV_DONTFORK, "MADV_DONTFORK"},
                      {MADV_DOFORK, "MADV_DOFORK"}, {MADV_MERGEABLE, "MADV_MERGEABLE"},
                      {MADV_HUGEPAGE, "MADV_HUGEPAGE"}, {MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE"},
                      {MADV_DONTDUMP, "MADV_DONTDUMP"}, {MADV_DODUMP, "MADV_DODUMP"}});
    case Arg::kMremapFlags:
      return Bits(v, {{MREMAP_MAYMOVE, "MREMAP_MAYMOVE"}, {MREMAP_FIXED, "MREMAP_FIXED"}, {4, "MREMAP_DONTUNMAP"}});
    case Arg::kFutexOp: {
      static const char* const kOps[] = {"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE",
                                         "FUTEX_CMP_REQUEUE", "FUTEX_WAKE_OP", "FUTEX_LOCK_PI",
                                         "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI", "FUTEX_WAIT_BITSET",
                                         "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI",
                                         "FUTEX_CMP_REQUEUE_PI", "FUTEX_LOCK_PI2"};
      uint64_t op = v & 127;
      std::string out = op < std::size(kOps) ? kOps[op] : std::to_string(op);
      if (v & 128) out += "_PRIVATE";
      if (v & 256) out += "|FUTEX_CLOCK_REALTIME";
      return out;
    }
    case Arg::kOutString: return done ? GuestString(task, v, std::max<size_t>(limit, 4096)) : Pointer(v);
    case Arg::kDirents: {
      if (!done) return Pointer(v);
      uint64_t entries = 0;
      for (uint64_t at = 0; at + 19 <= static_cast<uint64_t>(result) && entries < 100000; ++entries) {
        uint16_t reclen;  // struct linux_dirent64: d_ino, d_off, then d_reclen
        if (!task.memory.Read(v + at + 16, &reclen, sizeof reclen) || reclen == 0) break;
        at += reclen;
      }
      return Hex(v) + " /* " + std::to_string(entries) + " entries */";
    }
    case Arg::kSockaddrIn: {
      if (!v) return "NULL";
      uint64_t len = std::min<uint64_t>(raw[i + 1], sizeof(sockaddr_storage));
      sockaddr_storage sa{};
      if (len < sizeof(sa_family_t) || !task.memory.Read(v, &sa, len)) return Hex(v);
      if (sa.ss_family == AF_UNIX) {
        const sockaddr_un* un = reinterpret_cast<const sockaddr_un*>(&sa);
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
    case Arg::kArgv:
    case Arg::kEnvp: {
      if (!v) return "NULL";
      std::string items;
      uint64_t count = 0;
      for (; count < 4096; ++count) {
        uint64_t item;
        if (!task.memory.Read(v + 8 * count, &item, sizeof item)) return Hex(v);
        if (!item) break;
        if (count < kMaxArrayItems) items += (count ? ", " : "") + GuestString(task, item, limit);
      }
      if (row.args[i] == Arg::kEnvp) return Hex(v) + " /* " + std::to_string(count) + " vars */";
      return "[" + items + (count > kMaxArrayItems ? ", ...]" : "]");
    }
    case Arg::kSigreturnFrame: return "{mask=" + SignalSet(task.sigreturn_mask) + "}";
    case Arg::kPrctlOption: return PrctlOption(v);
    case Arg::kSchedPolicy: return SchedPolicy(v);
    case Arg::kGidListIn: case Arg::kCapHeader: case Arg::kCapDataIn: case Arg::kCapDataOut:
    case Arg::kRlimitIn: case Arg::kRlimitOut: case Arg::kCpuSetIn: case Arg::kCpuSetOut:
    case Arg::kSchedParamIn: case Arg::kSchedParamOut: case Arg::kPrioWhich: case Arg::kIoprioWho:
    case Arg::kIoprioValue: case Arg::kPersona:
      return FormatIdentArg(task, row.args[i], i, raw, result, done, limit);
    case Arg::kRlimitResource:
      return Enum(static_cast<uint32_t>(v),
                  {{RLIMIT_CPU, "RLIMIT_CPU"}, {RLIMIT_FSIZE, "RLIMIT_FSIZE"}, {RLIMIT_DATA, "RLIMIT_DATA"},
                   {RLIMIT_STACK, "RLIMIT_STACK"}, {RLIMIT_CORE, "RLIMIT_CORE"}, {RLIMIT_RSS, "RLIMIT_RSS"},
                   {RLIMIT_NPROC, "RLIMIT_NPROC"}, {RLIMIT_NOFILE, "RLIMIT_NOFILE"},
                   {RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK"}, {RLIMIT_AS, "RLIMIT_AS"}, {RLIMIT_LOCKS, "RLIMIT_LOCKS"},
                   {RLIMIT_SIGPENDING, "RLIMIT_SIGPENDING"}, {RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE"},
                   {RLIMIT_NICE, "RLIMIT_NICE"}, {RLIMIT_RTPRIO, "RLIMIT_RTPRIO"},
                   {RLIMIT_RTTIME, "RLIMIT_RTTIME"}});
    case Arg::kFdFlags: {
      uint32_t host = arch::GuestToHostOpenFlags(task.arch, static_cast<uint32_t>(v));
      return Bits(host, {{O_CLOEXEC, "O_CLOEXEC"}, {O_NONBLOCK, "O_NONBLOCK"}, {O_DIRECT, "O_DIRECT"}});
    }
  }
  return Hex(v);
}

// fcntl's third argument, as its command reads it; nullopt when it takes none.
std::optional<std::string> FcntlArgument(const Task& task, uint64_t cmd, uint64_t v) {
  switch (cmd) {
    case F_GETFD: case F_GETFL: case F_GETOWN: case F_GETSIG: case F_GETLEASE:
    case F_GETPIPE_SZ: case F_GET_SEALS:
      return std::nullopt;
    case F_SETFD: return v == FD_CLOEXEC ? "FD_CLOEXEC" : std::to_string(v);
    case F_SETFL: return OpenFlags(task, v);
    case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK:
    case F_OFD_SETLKW: case F_GETOWN_EX: case F_SETOWN_EX:
      return Pointer(v);
    default: return std::to_string(static_cast<int64_t>(v));
  }
}

// openat and friends show the mode only when the flags can create a file.
bool ModeShown(const Task& task, const SyscallRow& row, int i, const uint64_t raw[6]) {
  if (row.args[i] != Arg::kMode || i == 0 || row.args[i - 1] != Arg::kOpenFlags) return true;
  uint32_t flags = arch::GuestToHostOpenFlags(task.arch, static_cast<uint32_t>(raw[i - 1]));
  return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

}  // namespace

std::string PrctlOption(uint64_t v) {
  std::string name = PrctlOptionName(v);
  if (name[0] == 'P') return name;
  return Hex(static_cast<uint32_t>(v)) + " /* PR_??? */";
}

std::string GuestStringArg(const Task& task, uint64_t g, size_t limit) { return GuestString(task, g, limit); }

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

std::string FormatSignal(const siginfo_t& info) {
  std::string name = SignalName(info.si_signo);
  std::string out = "--- " + name + " {si_signo=" + name + ", si_code=";
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
    return out + ", si_addr=" + Pointer(reinterpret_cast<uint64_t>(info.si_addr)) + "} ---";
  }
  if (info.si_signo == SIGCHLD && info.si_code > 0) {
    static const char* const kChld[] = {"", "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED",
                                        "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"};
    out += info.si_code <= 6 ? kChld[info.si_code] : std::to_string(info.si_code);
    out += ", si_pid=" + std::to_string(info.si_pid) + ", si_uid=" + std::to_string(info.si_uid) +
           ", si_status=" +
           (info.si_code == CLD_EXITED ? std::to_string(info.si_status) : SignalName(info.si_status)) +
           ", si_utime=" + std::to_string(info.si_utime) + ", si_stime=" + std::to_string(info.si_stime);
    return out + "} ---";
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
    return out + "} ---";
  }
  if (info.si_code == SI_KERNEL) return out + "} ---";
  out += ", si_pid=" + std::to_string(info.si_pid) + ", si_uid=" + std::to_string(info.si_uid);
  if (info.si_code == SI_QUEUE) out += ", si_int=" + std::to_string(info.si_int);
  return out + "} ---";
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

std::string FormatResult(const Task& task, const SyscallRow* row, const uint64_t raw[6], int64_t result) {
  std::string out = FormatResult(row ? row->result : Arg::kInt, result);
  if (row) out += IdentResultNote(*row, raw, result);
  if (row && row->result == Arg::kSchedPolicy && result >= 0) return out + " (" + SchedPolicy(result) + ")";
  if (!row || result <= 0) return out;
  if (row->result == Arg::kSignal) return out + " (" + SignalName(static_cast<int>(result)) + ")";
  for (int i = 0; i < row->nargs; ++i) {
    if (row->args[i] != Arg::kPollFds) continue;
    // What poll found comes with the count, and the time left with it.
    out += " (" + PollFds(task, raw[i], raw[i + 1], true);
    if (i + 2 < row->nargs && row->args[i + 2] == Arg::kInTimespec && raw[i + 2]) {
      out += ", left " + Timespec(task, raw[i + 2]);
    }
    out += ")";
  }
  return out;
}

std::vector<std::string> FormatArgs(const Task& task, const SyscallRow& row, const uint64_t raw[6],
                                    int64_t result, size_t string_limit) {
  std::vector<std::string> out;
  for (int i = 0; i < row.nargs; ++i) {
    if (!ModeShown(task, row, i, raw)) continue;
    // mremap's new address only with MREMAP_FIXED, as strace shows it.
    if (i > 0 && row.args[i - 1] == Arg::kMremapFlags && !(raw[i - 1] & MREMAP_FIXED)) continue;
    if (i > 0 && row.args[i - 1] == Arg::kFcntlCmd) {
      if (auto arg = FcntlArgument(task, raw[i - 1], raw[i])) out.push_back(*arg);
      continue;
    }
    out.push_back(FormatArg(task, row, i, raw, result, string_limit));
  }
  return out;
}

std::string FormatCall(const Task& task, const SyscallRow* row, uint64_t nr, const uint64_t raw[6],
                       int64_t result, size_t string_limit) {
  std::string line;
  if (row == nullptr) {
    line = "syscall_" + Hex(nr) + "(";
    for (int i = 0; i < 6; ++i) line += (i ? ", " : "") + Hex(raw[i]);
    return line + ")";
  }
  if (row->nargs == 5 && row->args[0] == Arg::kCloneFlags) {
    // strace names clone's arguments and shows those the flags use.
    // asm-generic order: flags, stack, parent_tid, tls, child_tid.
    uint64_t flags = raw[0];
    line = std::string(row->name) + "(child_stack=" + Pointer(raw[1]) + ", flags=" + CloneFlags(flags);
    if (flags & CLONE_PARENT_SETTID) line += ", parent_tid=" + Pointer(raw[2]);
    if (flags & CLONE_SETTLS) line += ", tls=" + Hex(raw[3]);
    if (flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) line += ", child_tidptr=" + Pointer(raw[4]);
    return line + ")";
  }
  if (row->nargs && row->args[0] == Arg::kPrctlOption) {
    return std::string(row->name) + "(" + FormatPrctlArgs(task, raw, result, string_limit) + ")";
  }
  line = std::string(row->name) + "(";
  std::vector<std::string> args = FormatArgs(task, *row, raw, result, string_limit);
  for (size_t i = 0; i < args.size(); ++i) line += (i ? ", " : "") + args[i];
  return line + ")";
}

std::string AlignResult(const std::string& call, const std::string& result, size_t column_offset) {
  constexpr size_t kResultColumn = 40;  // strace's -a default
  size_t column = column_offset + call.size();
  std::string pad = column < kResultColumn ? std::string(kResultColumn - column, ' ') : " ";
  return call + pad + result;
}

std::string FormatSyscall(const Task& task, const SyscallRow* row, uint64_t nr,
                          const uint64_t raw[6], int64_t result, size_t string_limit) {
  return AlignResult(FormatCall(task, row, nr, raw, result, string_limit),
                     FormatResult(task, row, raw, result));
}

}  // namespace translator
