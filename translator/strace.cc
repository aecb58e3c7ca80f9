#include "translator/strace.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

namespace translator {
namespace {

constexpr size_t kStringLimit = 32;  // strace's default -s

struct Bit {
  uint64_t value;
  const char* name;
};

std::string Hex(uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "%#llx", static_cast<unsigned long long>(v));
  return v == 0 ? "0" : buf;
}

// "A|B|0x40": known bits by name, any rest in hex.
std::string Bits(uint64_t v, std::initializer_list<Bit> bits, std::string prefix = "") {
  std::string out = std::move(prefix);
  for (const Bit& b : bits) {
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

std::string OpenFlags(const Task& task, uint64_t guest) {
  uint32_t v = arch::GuestToHostOpenFlags(task.arch, static_cast<uint32_t>(guest));
  static const char* const kAccess[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
  std::string access = kAccess[v & O_ACCMODE];
  return Bits(v & ~O_ACCMODE,
              {{O_CREAT, "O_CREAT"}, {O_EXCL, "O_EXCL"}, {O_NOCTTY, "O_NOCTTY"},
               {O_TRUNC, "O_TRUNC"}, {O_APPEND, "O_APPEND"}, {O_NONBLOCK, "O_NONBLOCK"},
               {O_SYNC, "O_SYNC"}, {O_DSYNC, "O_DSYNC"}, {O_ASYNC, "O_ASYNC"},
               {O_TMPFILE, "O_TMPFILE"}, {O_DIRECT, "O_DIRECT"}, {O_LARGEFILE, "O_LARGEFILE"},
               {O_DIRECTORY, "O_DIRECTORY"}, {O_NOFOLLOW, "O_NOFOLLOW"},
               {O_NOATIME, "O_NOATIME"}, {O_CLOEXEC, "O_CLOEXEC"}, {O_PATH, "O_PATH"}},
              access);
}

std::string Signal(uint64_t sig) {
  if (sig >= 1 && sig < 32) {
    const char* abbrev = sigabbrev_np(static_cast<int>(sig));
    if (abbrev) return std::string("SIG") + abbrev;
  }
  if (sig >= 32 && sig <= 64) return "SIGRT_" + std::to_string(sig - 32);
  return std::to_string(static_cast<int64_t>(sig));
}

std::string Pointer(uint64_t g) { return g ? Hex(g) : "NULL"; }

std::string GuestString(const Task& task, uint64_t g) {
  if (!g) return "NULL";
  std::string s;
  if (!task.memory.ReadString(g, 4096, &s)) return Hex(g);
  return QuoteBytes(s.data(), s.size(), 4096);
}

std::string GuestBytes(const Task& task, uint64_t g, uint64_t len) {
  size_t shown = std::min<uint64_t>(len, kStringLimit + 1);
  std::string bytes(shown, '\0');
  if (!task.memory.Read(g, bytes.data(), shown)) return Hex(g);
  return QuoteBytes(bytes.data(), len > kStringLimit ? kStringLimit + 1 : len, kStringLimit);
}

std::string Timespec(const Task& task, uint64_t g) {
  struct timespec ts;
  if (!g) return "NULL";
  if (!task.memory.Read(g, &ts, sizeof ts)) return Hex(g);
  return "{tv_sec=" + std::to_string(ts.tv_sec) + ", tv_nsec=" + std::to_string(ts.tv_nsec) + "}";
}

std::string FormatArg(const Task& task, const SyscallRow& row, int i, const uint64_t raw[6],
                      int64_t result) {
  uint64_t v = raw[i];
  bool failed = result < 0 && result > -4096;
  switch (row.args[i]) {
    case Arg::kInt:
    case Arg::kFd: return std::to_string(static_cast<int64_t>(v));
    case Arg::kUInt: return std::to_string(v);
    case Arg::kHex: return Hex(v);
    case Arg::kDirFd:
      return static_cast<int32_t>(v) == AT_FDCWD ? "AT_FDCWD" : std::to_string(static_cast<int32_t>(v));
    case Arg::kPath:
    case Arg::kLookupPath: return GuestString(task, v);
    case Arg::kInBuf: return GuestBytes(task, v, raw[i + 1]);
    case Arg::kOutBuf:
      return failed || result == kNoReturn ? Pointer(v) : GuestBytes(task, v, static_cast<uint64_t>(result));
    case Arg::kInTimespec: return Timespec(task, v);
    case Arg::kOutTimespec: return failed ? Pointer(v) : Timespec(task, v);
    case Arg::kOutBufPrevLen:
    case Arg::kInPtr:
    case Arg::kOutPtr:
    case Arg::kAddr:
    case Arg::kRange: return Pointer(v);
    case Arg::kOpenFlags: return OpenFlags(task, v);
    case Arg::kMode: {
      char buf[24];
      snprintf(buf, sizeof buf, "0%llo", static_cast<unsigned long long>(v));
      return buf;
    }
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
    case Arg::kSignal: return Signal(v);
    case Arg::kClockId: {
      static const char* const kClocks[] = {
          "CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID",
          "CLOCK_THREAD_CPUTIME_ID", "CLOCK_MONOTONIC_RAW", "CLOCK_REALTIME_COARSE",
          "CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME"};
      return v < std::size(kClocks) ? kClocks[v] : std::to_string(static_cast<int64_t>(v));
    }
    case Arg::kWhence: {
      static const char* const kWhence[] = {"SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA",
                                            "SEEK_HOLE"};
      return v < std::size(kWhence) ? kWhence[v] : std::to_string(v);
    }
    case Arg::kMsgFlags:
      return Bits(v, {{MSG_OOB, "MSG_OOB"}, {MSG_PEEK, "MSG_PEEK"}, {MSG_DONTWAIT, "MSG_DONTWAIT"},
                      {MSG_WAITALL, "MSG_WAITALL"}, {MSG_NOSIGNAL, "MSG_NOSIGNAL"}});
    case Arg::kResumedCall:
      return std::string("<... resuming interrupted ") + task.resumed_call + " ...>";
    case Arg::kAtFlags:
      return Bits(v, {{AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"}, {AT_REMOVEDIR, "AT_REMOVEDIR"},
                      {AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW"}, {AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT"},
                      {AT_EMPTY_PATH, "AT_EMPTY_PATH"}});
  }
  return Hex(v);
}

}  // namespace

std::string QuoteBytes(const char* data, size_t len, size_t limit) {
  std::string out = "\"";
  for (size_t i = 0; i < len && i < limit; ++i) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          char buf[8];
          snprintf(buf, sizeof buf, "\\%o", c);
          out += buf;
        }
    }
  }
  out += '"';
  if (len > limit) out += "...";
  return out;
}

void EmitTrace(const std::string& text) {
  ssize_t ignored = write(STDERR_FILENO, text.data(), text.size());
  (void)ignored;  // a closed stderr must not change the guest's run
}

std::string FormatSignal(const siginfo_t& info) {
  std::string name = Signal(info.si_signo);
  std::string out = "--- " + name + " {si_signo=" + name + ", si_code=";
  bool fault = info.si_code > 0 && (info.si_signo == SIGSEGV || info.si_signo == SIGBUS ||
                                    info.si_signo == SIGILL || info.si_signo == SIGTRAP);
  if (fault) {
    static const char* const kSegv[] = {"", "SEGV_MAPERR", "SEGV_ACCERR"};
    if (info.si_signo == SIGSEGV && info.si_code <= 2) out += kSegv[info.si_code];
    else out += std::to_string(info.si_code);
    return out + ", si_addr=" + Pointer(reinterpret_cast<uint64_t>(info.si_addr)) + "} ---\n";
  }
  switch (info.si_code) {
    case SI_USER: out += "SI_USER"; break;
    case SI_QUEUE: out += "SI_QUEUE"; break;
    case SI_TKILL: out += "SI_TKILL"; break;
    case SI_KERNEL: out += "SI_KERNEL"; break;
    case SI_TIMER: out += "SI_TIMER"; break;
    default: out += std::to_string(info.si_code);
  }
  out += ", si_pid=" + std::to_string(info.si_pid) + ", si_uid=" + std::to_string(info.si_uid);
  if (info.si_code == SI_QUEUE) out += ", si_int=" + std::to_string(info.si_int);
  return out + "} ---\n";
}

std::string FormatResult(Arg kind, int64_t result) {
  if (result == kNoReturn) return "= ?";
  switch (result) {  // the kernel-internal codes strace shows for interrupted calls
    case -512: return "= ? ERESTARTSYS (To be restarted if SA_RESTART is set)";
    case -513: return "= ? ERESTARTNOINTR (To be restarted)";
    case -514: return "= ? ERESTARTNOHAND (To be restarted if no handler)";
    case -516: return "= ? ERESTART_RESTARTBLOCK (Interrupted by signal)";
  }
  if (result < 0 && result > -4096) {
    int err = static_cast<int>(-result);
    const char* name = strerrorname_np(err);
    return "= -1 " + std::string(name ? name : std::to_string(err)) + " (" + strerror(err) + ")";
  }
  if (kind == Arg::kAddr || kind == Arg::kHex) return "= " + Hex(static_cast<uint64_t>(result));
  if (kind == Arg::kMode) {
    char buf[24];
    snprintf(buf, sizeof buf, "= 0%llo", static_cast<unsigned long long>(result));
    return buf;
  }
  return "= " + std::to_string(result);
}

std::string FormatSyscall(const Task& task, const SyscallRow* row, uint64_t nr,
                          const uint64_t raw[6], int64_t result) {
  std::string line;
  if (row == nullptr) {
    line = "syscall_" + Hex(nr) + "(";
    for (int i = 0; i < 6; ++i) line += (i ? ", " : "") + Hex(raw[i]);
    return line + ") " + FormatResult(Arg::kInt, result) + "\n";
  }
  line = std::string(row->name) + "(";
  for (int i = 0; i < row->nargs; ++i) {
    if (i) line += ", ";
    line += FormatArg(task, *row, i, raw, result);
  }
  return line + ") " + FormatResult(row->result, result) + "\n";
}

}  // namespace translator
