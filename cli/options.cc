#include "cli/options.h"

#include "trace/support_list.h"
#include "syscalls/syscall_table.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unicorn/unicorn.h>

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ferry {
namespace {

constexpr const char kUsage[] =
    "usage: ferry [options] PROGRAM [ARGS...]\n"
    "Runs an AArch64 or RISC-V64 Linux program on this x86_64 host.\n"
    "\n"
    "  -E VAR=VAL[,...] set VARs in the guest environment    (FERRY_SET_ENV=V=1,W=2)\n"
    "  -U VAR[,...]     remove VARs from the guest environment (FERRY_UNSET_ENV=V,W)\n"
    "  -0 ARGV0         pass ARGV0 as the guest's argv[0]      (FERRY_ARGV0)\n"
    "  -s SIZE          guest stack size, e.g. 8M (default: RLIMIT_STACK) (FERRY_STACK_SIZE)\n"
    "  -R SIZE          guest address space size (default 1T)  (FERRY_RESERVED_VA)\n"
    "  -L DIR           guest sysroot: absolute paths are looked up in DIR first\n"
    "                   (default: /usr/<arch>-linux-gnu when the guest's dynamic\n"
    "                   loader is not on the host)             (FERRY_LD_PREFIX)\n"
    "  -v, --verbose    say which sysroot ferry uses and warn about syscalls it\n"
    "                   does not serve                         (FERRY_VERBOSE=1)\n"
    "  --strace [-f|-ff] [-o FILE] [-e trace=NAMES|%CLASS] [-e signal=NAMES]\n"
    "           [-s N] [-tt] [-T]\n"
    "                   trace syscalls and signals as strace does; strace's options\n"
    "                   follow --strace, before PROGRAM       (FERRY_STRACE=1)\n"
    "  --gdb PORT|unix:PATH  stop before the first instruction and wait for\n"
    "                   gdb-multiarch's target remote          (FERRY_GDB)\n"
    "  --seed N         the guest's random bytes (AT_RANDOM, getrandom, /dev/urandom,\n"
    "                   /dev/random) come from a stream seeded with N (FERRY_SEED;\n"
    "                   qemu's -seed and QEMU_RAND_SEED)\n"
    "  --time EPOCH     the guest's wall clock starts at EPOCH (seconds since 1970,\n"
    "                   or a UTC date: 2000-01-01 or 2000-01-01T12:00:00) and runs\n"
    "                   on from there; other clocks are the host's  (FERRY_TIME)\n"
    "  --trace-json FILE  one JSON object per syscall, signal and exit (docs/TRACE_JSON.md)\n"
  "  --report[=DIR]   when the guest dies of a fault signal, a crash report:\n"
  "                   signal, symbolized PC, instructions, registers, backtrace,\n"
  "                   maps, last syscalls; on stderr, or in DIR/ferry-crash-PID.txt\n"
  "                   (FERRY_REPORT=DIR, or 1 for stderr). ferry's own internal\n"
  "                   errors always report (DIR or /tmp) and exit with status 125\n"
  "  --gdb-on-crash PORT|unix:PATH  when the guest is about to die of a fault,\n"
  "                   wait there for gdb-multiarch, stopped at the fault\n"
  "  --gdb-on-crash-timeout S  how long to wait (default 60); then die as the crash would\n"
    "  --list-syscalls [--arch A] [--markdown]\n"
    "                   print each syscall and how far ferry serves it\n"
    "  -q, --quiet      nothing of ferry's own on stderr, even with -v (FERRY_QUIET=1)\n"
    "  --version        print the version and exit\n"
    "  -h, --help       print this help and exit\n"
    "\n"
    "qemu-user's options and QEMU_* variables, with qemu's meaning (a FERRY_*\n"
    "variable wins over its QEMU_* twin; -E and -U split on commas as qemu's do):\n";

std::string VersionText() {
  unsigned major = 0, minor = 0;
  uc_version(&major, &minor);
  return "ferry 0.1.0 (Unicorn " + std::to_string(major) + "." + std::to_string(minor) +
         "; guests: aarch64, riscv64)\n";
}

// qemu-user's options (linux-user/main.c's arg_table), each with its QEMU_*
// variable and ferry's own variable where there is one. It drives the
// command line, the environment and the help text; kRefused rows name what
// ferry cannot do in one line.
enum class Qemu {
  kHelp, kGdb, kLdPrefix, kStackSize, kCpu, kSetEnv, kUnsetEnv, kArgv0, kUname,
  kReservedVa, kLog, kLogFile, kPageSize, kStrace, kSeed, kVersion, kRefused,
};
struct QemuOption {
  const char* name;       // without its dash; qemu also takes --NAME
  const char* arg;        // the value's name; nullptr: a flag
  const char* qemu_env;
  const char* ferry_env;  // wins over qemu_env
  Qemu kind;
  const char* note;       // help: what ferry does; kRefused: why not
};
constexpr QemuOption kQemuOptions[] = {
    {"h", nullptr, nullptr, nullptr, Qemu::kHelp, "print this help"},
    {"help", nullptr, nullptr, nullptr, Qemu::kHelp, "print this help"},
    {"g", "PORT", "QEMU_GDB", "FERRY_GDB", Qemu::kGdb, "= --gdb PORT (a non-numeric PATH: --gdb unix:PATH)"},
    {"L", "PATH", "QEMU_LD_PREFIX", "FERRY_LD_PREFIX", Qemu::kLdPrefix, "= -L"},
    {"s", "SIZE", "QEMU_STACK_SIZE", "FERRY_STACK_SIZE", Qemu::kStackSize, "= -s"},
    {"cpu", "MODEL", "QEMU_CPU", "FERRY_CPU", Qemu::kCpu, "max, the one model ferry emulates (-cpu help)"},
    {"E", "VAR=VAL[,...]", "QEMU_SET_ENV", "FERRY_SET_ENV", Qemu::kSetEnv, "= -E"},
    {"U", "VAR[,...]", "QEMU_UNSET_ENV", "FERRY_UNSET_ENV", Qemu::kUnsetEnv, "= -U"},
    {"0", "ARGV0", "QEMU_ARGV0", "FERRY_ARGV0", Qemu::kArgv0, "= -0"},
    {"r", "RELEASE", "QEMU_UNAME", "FERRY_UNAME", Qemu::kUname, "uname's release (uname -r) in the guest"},
    {"B", "ADDRESS", "QEMU_GUEST_BASE", nullptr, Qemu::kRefused,
     "ferry places the guest itself; it has no guest base to set"},
    {"R", "SIZE", "QEMU_RESERVED_VA", "FERRY_RESERVED_VA", Qemu::kReservedVa, "= -R"},
    {"t", "MAP", "QEMU_RTSIG_MAP", nullptr, Qemu::kRefused,
     "ferry maps the guest's real-time signals itself"},
    {"d", "ITEM[,...]", "QEMU_LOG", nullptr, Qemu::kLog, "strace (= --strace), unimp (= -v); -d help"},
    {"dfilter", "RANGE", "QEMU_DFILTER", nullptr, Qemu::kRefused,
     "ferry logs no code, so it has no address ranges to filter"},
    {"D", "FILE", "QEMU_LOG_FILENAME", nullptr, Qemu::kLogFile, "the trace's file (= --strace -o FILE)"},
    {"p", "PAGESIZE", "QEMU_PAGESIZE", nullptr, Qemu::kPageSize, "accepted when it is the host's page size"},
    {"one-insn-per-tb", nullptr, "QEMU_ONE_INSN_PER_TB", nullptr, Qemu::kRefused,
     "ferry does not size Unicorn's translation blocks"},
    {"singlestep", nullptr, "QEMU_SINGLESTEP", nullptr, Qemu::kRefused,
     "ferry does not size Unicorn's translation blocks"},
    {"tb-size", "SIZE", "QEMU_TB_SIZE", nullptr, Qemu::kRefused,
     "ferry does not size Unicorn's translation cache"},
    {"strace", nullptr, "QEMU_STRACE", "FERRY_STRACE", Qemu::kStrace, "= --strace (ferry's strace format)"},
    {"seed", "N", "QEMU_RAND_SEED", "FERRY_SEED", Qemu::kSeed,
     "= --seed: AT_RANDOM, getrandom and /dev/urandom come from N"},
    {"trace", "EVENTS", "QEMU_TRACE", nullptr, Qemu::kRefused,
     "ferry has no QEMU trace events (see --strace and --trace-json)"},
    {"plugin", "FILE", "QEMU_PLUGIN", nullptr, Qemu::kRefused, "ferry runs no TCG plugins"},
    {"version", nullptr, "QEMU_VERSION", nullptr, Qemu::kVersion, "= --version"},
};

// qemu's -d items that ferry serves; the others are refused by name.
constexpr const char kLogItems[] =
    "ferry's -d items (qemu's others log TCG internals, which ferry does not have):\n"
    "strace  log each syscall and signal (= --strace)\n"
    "unimp   warn about syscalls ferry does not serve (= -v)\n";

std::string Usage() {
  std::string text = kUsage;
  for (const QemuOption& o : kQemuOptions) {
    if (o.kind == Qemu::kHelp) continue;
    std::string left = std::string("  -") + o.name + (o.arg ? std::string(" ") + o.arg : "");
    left.resize(std::max<size_t>(left.size() + 1, 20), ' ');
    std::string env = o.qemu_env ? o.qemu_env : "";
    env.resize(std::max<size_t>(env.size() + 1, 21), ' ');
    text += left + env + (o.kind == Qemu::kRefused ? "refused: " : "") + o.note + "\n";
  }
  return text;
}

constexpr const char kCpuList[] =
    "ferry emulates one CPU model per guest arch, qemu's \"max\":\n"
    "  max   aarch64: Unicorn's max, shown as a Cortex-A57 (MIDR 0x410fd070) with\n"
    "        fp asimd aes pmull sha1 sha2 crc32 atomics cpuid ecv\n"
    "        riscv64: rv64imafdc\n";

std::vector<std::string> SplitCommas(const char* text) {
  std::vector<std::string> parts;
  std::string cur;
  for (const char* p = text; *p; ++p) {
    if (*p == ',') {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
    } else {
      cur += *p;
    }
  }
  if (!cur.empty()) parts.push_back(cur);
  return parts;
}

bool Truthy(const char* v) { return v && *v && strcmp(v, "0") != 0; }

ParseResult Fail(const std::string& message) { return {false, 2, "ferry: " + message}; }

// --time's EPOCH: seconds since 1970 (an optional '-' before them), or a
// UTC date YYYY-MM-DD with an optional time THH:MM:SS and a trailing Z.
std::optional<int64_t> ParseEpoch(const std::string& text) {
  if (text.empty()) return std::nullopt;
  size_t digits = text[0] == '-' ? 1 : 0;
  if (text.size() > digits && text.find_first_not_of("0123456789", digits) == std::string::npos) {
    if (text.size() - digits > 12) return std::nullopt;  // beyond year 30000
    return strtoll(text.c_str(), nullptr, 10);
  }
  std::string date = text;
  if (!date.empty() && date.back() == 'Z') date.pop_back();
  int year, month, day, hour = 0, minute = 0, second = 0, used = 0;
  if (date.size() == 10) {
    if (sscanf(date.c_str(), "%4d-%2d-%2d%n", &year, &month, &day, &used) != 3) return std::nullopt;
  } else if (date.size() == 19 && (date[10] == 'T' || date[10] == ' ')) {
    if (sscanf(date.c_str(), "%4d-%2d-%2d%*c%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second,
               &used) != 6) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  if (static_cast<size_t>(used) != date.size() || date[4] != '-' || date[7] != '-') return std::nullopt;
  if (date.size() == 19 && (date[13] != ':' || date[16] != ':')) return std::nullopt;
  for (size_t k = 0; k < date.size(); ++k) {  // sscanf's %d would take signs and blanks
    bool separator = k == 4 || k == 7 || k == 10 || k == 13 || k == 16;
    if (!separator && !isdigit(static_cast<unsigned char>(date[k]))) return std::nullopt;
  }
  struct tm tm = {};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  time_t t = timegm(&tm);
  // timegm normalizes 2000-02-30 to March: a date that moved was not a date.
  struct tm back;
  if (!gmtime_r(&t, &back) || back.tm_year != year - 1900 || back.tm_mon != month - 1 || back.tm_mday != day ||
      back.tm_hour != hour || back.tm_min != minute || back.tm_sec != second) {
    return std::nullopt;
  }
  return t;
}

// The guest's CLOCK_REALTIME starts at `epoch` seconds now.
std::optional<ParseResult> SetTime(const std::string& source, const std::string& value, Options* out) {
  // 1900-01-01 to 2200-01-01: the offset from the host's clock in
  // nanoseconds then fits in 64 bits.
  constexpr int64_t kEarliest = -2208988800LL, kLatest = 7258118400LL;
  std::optional<int64_t> epoch = ParseEpoch(value);
  if (epoch && (*epoch < kEarliest || *epoch > kLatest)) {
    return Fail("time '" + value + "' out of range (" + source + "; ferry takes 1900-01-01 to 2200-01-01)");
  }
  if (!epoch) {
    return Fail("invalid time '" + value + "' (" + source +
                "; want seconds since 1970 or a UTC date such as 2000-01-01 or 2000-01-01T00:00:00)");
  }
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  out->realtime_offset_ns = (*epoch - now.tv_sec) * 1000000000LL - now.tv_nsec;
  return std::nullopt;
}

constexpr const char* kTraceClasses[] = {"%file", "%process", "%signal", "%network", "%net",
                                         "%memory", "%desc"};

// "-e trace=a,b", "-e signal=!SIGCHLD", "-e a,b" (trace=): names are checked
// against the syscall table and the signal names.
std::optional<std::string> ParseTraceExpression(const std::string& expr, TraceOptions* out) {
  std::string qualifier = "trace", list = expr;
  if (size_t eq = expr.find('='); eq != std::string::npos) {
    qualifier = expr.substr(0, eq);
    list = expr.substr(eq + 1);
  }
  if (qualifier != "trace" && qualifier != "signal" && qualifier != "t" && qualifier != "signals") {
    return "--strace -e: unknown qualifier '" + qualifier + "' (ferry takes trace= and signal=)";
  }
  bool signal = qualifier == "signal" || qualifier == "signals";
  bool negated = !list.empty() && list[0] == '!';
  if (negated) list.erase(0, 1);
  std::vector<std::string> names = SplitCommas(list.c_str());
  for (const std::string& name : names) {
    if (signal) {
      bool known = false;
      std::string bare = name.compare(0, 3, "SIG") == 0 ? name.substr(3) : name;
      for (int s = 1; s < 32 && !known; ++s) known = sigabbrev_np(s) && bare == sigabbrev_np(s);
      if (!known && name != "all") return "--strace -e signal: unknown signal '" + name + "'";
      continue;
    }
    bool known = name == "all";
    for (const char* c : kTraceClasses) known |= name == c;
    for (const SyscallRow& row : SyscallTable()) known |= name == row.name;
    if (!known) return "--strace -e trace: unknown syscall or class '" + name + "'";
  }
  std::erase(names, std::string("all"));
  if (signal) {
    out->signals = names;
    out->signals_negated = negated;
  } else {
    out->trace = names;
    out->trace_negated = negated;
  }
  return std::nullopt;
}

}  // namespace


// Trace files are named once, from where ferry started: a guest that
// changes directory and execs must not move them.
std::string FromStartDirectory(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) return path;
  return std::string(cwd) + "/" + path;
}

std::optional<std::string> ParseTraceOptions(const std::vector<std::string>& argv, size_t* i,
                                             TraceOptions* out) {
  out->enabled = true;
  for (; *i < argv.size(); ++*i) {
    const std::string& a = argv[*i];
    if (a == "--") {
      ++*i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    auto value = [&]() -> const std::string* { return *i + 1 < argv.size() ? &argv[++*i] : nullptr; };
    if (a == "-f") {
      out->follow = true;
    } else if (a == "-ff") {
      out->follow = out->per_process_files = true;
    } else if (a == "-tt") {
      out->timestamps = true;
    } else if (a == "-T") {
      out->durations = true;

    } else if (a == "-o" || a == "-s" || a == "-e" || a == "--trace-json") {
      const std::string* v = value();
      if (!v || v->empty()) return "--strace " + a + " needs a value";
      if (a == "-o") {
        out->output = FromStartDirectory(*v);
      } else if (a == "--trace-json") {
        out->json = FromStartDirectory(*v);
      } else if (a == "-s") {
        char* end = nullptr;
        unsigned long long n = strtoull(v->c_str(), &end, 10);
        if (*end || !isdigit(static_cast<unsigned char>((*v)[0])) || n > (1u << 20)) {
          return "--strace -s wants a string length, got '" + *v + "'";
        }
        out->string_limit = n;
      } else if (auto error = ParseTraceExpression(*v, out)) {
        return error;
      }
    } else {
      return "unknown --strace option '" + a + "' (ferry's strace takes -f -ff -o -e -s -tt -T)";
    }
  }
  return std::nullopt;
}


namespace {

// What a qemu setting leaves for the end of parsing.
struct Pending {
  std::optional<std::string> argv0;
  std::string log_file;  // -D: the trace's file unless --strace -o names one
};

std::optional<ParseResult> SetSize(const std::string& what, const std::string& source,
                                   const std::string& text, uint64_t* field, uint64_t minimum) {
  auto size = ParseSize(text);
  if (!size || *size < minimum) {
    return Fail("invalid " + what + " '" + text + "' (" + source + "; want a size such as 8M)");
  }
  *field = *size;
  return std::nullopt;
}

// One setting of the qemu table, from the command line (source "-s") or the
// environment (source "QEMU_STACK_SIZE"); a flag's value is empty.
std::optional<ParseResult> ApplyQemu(const QemuOption& o, const std::string& value,
                                     const std::string& source, Options* out, Pending* pending) {
  bool from_env = source[0] != '-';
  std::string named = from_env ? source + "=" + value : source + " " + value;
  switch (o.kind) {
    case Qemu::kHelp: return ParseResult{false, 0, Usage()};
    case Qemu::kVersion: return ParseResult{false, 0, VersionText()};
    case Qemu::kRefused:
      return Fail((from_env ? source + " (qemu's -" + o.name + ")" : source) +
                  " is not supported: " + o.note);
    case Qemu::kGdb:
      if (value.empty()) return Fail(source + " needs a TCP port or a socket path");
      // qemu: digits are a TCP port, anything else a Unix socket's path.
      if (value.find_first_not_of("0123456789") == std::string::npos ||
          value.compare(0, 5, "unix:") == 0) {
        out->gdb = value;
      } else {
        out->gdb = "unix:" + value;
      }
      return std::nullopt;
    case Qemu::kLdPrefix: out->sysroot = value; return std::nullopt;
    case Qemu::kStackSize: return SetSize("stack size", source, value, &out->stack_size, 64 * 1024);
    case Qemu::kReservedVa:
      if (auto r = SetSize("address space size (64M or more)", source, value, &out->address_space,
                           1 << 26)) {
        return r;
      }
      out->address_space_given = true;
      return std::nullopt;
    case Qemu::kCpu:
      if (value == "help" || value == "?") return ParseResult{false, 0, kCpuList};
      if (value != "max") return Fail(named + ": ferry emulates only the CPU model 'max' (see -cpu help)");
      out->cpu = value;
      return std::nullopt;
    case Qemu::kSetEnv:
      // qemu splits on commas: -E A=1,B=2 sets two variables.
      for (const std::string& entry : SplitCommas(value.c_str())) {
        if (entry.find('=') == std::string::npos || entry[0] == '=') {
          return Fail(source + " wants VAR=VALUE[,VAR=VALUE...], got '" + entry + "'");
        }
        out->set_env.push_back(entry);
      }
      return std::nullopt;
    case Qemu::kUnsetEnv:
      for (const std::string& name : SplitCommas(value.c_str())) out->unset_env.push_back(name);
      return std::nullopt;
    case Qemu::kArgv0: pending->argv0 = value; return std::nullopt;
    case Qemu::kUname:
      if (value.empty() || value.size() > 64) return Fail(source + " wants a release of 1 to 64 characters");
      out->uname_release = value;
      return std::nullopt;
    case Qemu::kLog:
      for (const std::string& item : SplitCommas(value.c_str())) {
        if (item == "help") return ParseResult{false, 0, kLogItems};
        if (item == "strace") {
          out->trace.enabled = true;
        } else if (item == "unimp") {
          out->verbose = true;
        } else {
          return Fail(source + " " + item + ": ferry logs only strace and unimp (see -d help)");
        }
      }
      return std::nullopt;
    case Qemu::kLogFile:
      if (value.empty()) return Fail(source + " needs a file name");
      pending->log_file = value;
      return std::nullopt;
    case Qemu::kPageSize: {
      std::string host = std::to_string(getpagesize());
      if (value != host) return Fail(named + ": ferry's guest pages are the host's " + host + " bytes");
      return std::nullopt;
    }
    case Qemu::kStrace: out->trace.enabled = true; return std::nullopt;
    case Qemu::kSeed: {
      char* end = nullptr;
      errno = 0;
      unsigned long long n = strtoull(value.c_str(), &end, 0);
      if (value.empty() || !isdigit(static_cast<unsigned char>(value[0])) || *end || errno) {
        return Fail("invalid seed '" + value + "' (" + source + "; want a number)");
      }
      out->seed = n;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

const QemuOption* FindQemuOption(const std::string& name) {
  for (const QemuOption& o : kQemuOptions) {
    if (name == o.name) return &o;
  }
  return nullptr;
}

}  // namespace

ParseResult ParseOptions(const std::vector<std::string>& argv, char** environ, Options* out) {
  Pending pending;
  auto env = [&](const char* name) -> const char* {
    for (char** e = environ; e && *e; ++e) {
      size_t n = strlen(name);
      if (strncmp(*e, name, n) == 0 && (*e)[n] == '=') return *e + n + 1;
    }
    return nullptr;
  };
  // A re-run after a guest execve gets every setting as arguments; the
  // FERRY_* and QEMU_* variables it sees belong to the guest's environment by then.
  bool env_settings = true;
  for (const std::string& a : argv) env_settings &= a != "--no-env-settings";
  if (!env_settings) environ = nullptr;
  // Environment first, so the command line overrides it. A FERRY_* variable
  // hides its QEMU_* twin. qemu's flags are on when their variable is set at
  // all; ferry's when it is set and not 0.
  for (const QemuOption& o : kQemuOptions) {
    if (!o.qemu_env) continue;
    const char* source = o.ferry_env;
    const char* v = o.ferry_env ? env(o.ferry_env) : nullptr;
    if (!v) {
      source = o.qemu_env;
      v = env(o.qemu_env);
    }
    if (!v) continue;
    if (!o.arg) {
      if (source == o.ferry_env && !Truthy(v)) continue;
      v = "";
    }
    if (auto r = ApplyQemu(o, v, source, out, &pending)) return *r;
  }
  if (const char* v = env("FERRY_TIME")) {
    if (auto r = SetTime("FERRY_TIME", v, out)) return *r;
  }
  out->quiet = Truthy(env("FERRY_QUIET"));
  if (const char* dir = env("FERRY_REPORT"); dir && *dir && strcmp(dir, "0") != 0) {
    out->report = true;
    if (strcmp(dir, "1") != 0) out->report_dir = FromStartDirectory(dir);
  }
  out->verbose |= Truthy(env("FERRY_VERBOSE"));

  size_t i = 1;
  for (; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.empty() || a[0] != '-') break;
    auto value = [&]() -> const std::string* {
      return i + 1 < argv.size() ? &argv[++i] : nullptr;
    };
    if (a == "--help") return {false, 0, Usage()};
    if (a == "--version") {
      return {false, 0, VersionText()};
    }
    if (a == "--strace") {
      ++i;
      if (auto error = ParseTraceOptions(argv, &i, &out->trace)) return Fail(*error);
      break;
    }
    if (a == "--list-syscalls") {
      std::string arch;
      bool markdown = false;
      while (i + 1 < argv.size()) {
        if (argv[i + 1] == "--markdown") {
          markdown = true;
          ++i;
        } else if (argv[i + 1] == "--arch" && i + 2 < argv.size()) {
          arch = argv[i + 2];
          i += 2;
        } else {
          return Fail("--list-syscalls takes only --arch aarch64|riscv64 and --markdown");
        }
      }
      std::string list = SupportList(arch, markdown);
      if (list.empty()) return Fail("--list-syscalls --arch: unknown arch '" + arch + "' (aarch64, riscv64)");
      return {false, 0, list};
    }
    if (a == "--no-env-settings") continue;  // internal: see above
    if (a == "--children" && i + 1 < argv.size()) {  // internal: the guest's children across execve
      for (const std::string& pid : SplitCommas(argv[++i].c_str())) out->children.push_back(atoi(pid.c_str()));
      continue;
    }
    if (a == "--signalfds" && i + 1 < argv.size()) {  // internal: the guest's signalfds across execve
      for (const std::string& item : SplitCommas(argv[++i].c_str())) {
        size_t colon = item.find(':');
        if (colon == std::string::npos) continue;
        out->signalfds.emplace_back(atoi(item.c_str()), strtoull(item.c_str() + colon + 1, nullptr, 0));
      }
      continue;
    }
    if (a == "--address-space-limit" && i + 1 < argv.size()) {  // internal: the guest's RLIMIT_AS across execve
      const std::string& v = argv[++i];
      char* end = nullptr;
      errno = 0;
      uint64_t cur = strtoull(v.c_str(), &end, 10);
      uint64_t max = *end == ',' ? strtoull(end + 1, &end, 10) : 0;
      if (v.empty() || *end || errno || cur > max) return Fail("malformed --address-space-limit '" + v + "'");
      out->address_space_limit = std::make_pair(cur, max);
      continue;
    }
    if (a == "--seccomp-fd" && i + 1 < argv.size()) {  // internal: the guest's seccomp filters across execve
      out->seccomp_fd = atoi(argv[++i].c_str());
      continue;
    }
    if (a == "--random-state" && i + 1 < argv.size()) {  // internal: the seeded stream across execve
      out->random_state = argv[++i];
      continue;
    }
    if (a == "--realtime-offset" && i + 1 < argv.size()) {  // internal: --time's offset across execve
      const std::string& v = argv[++i];
      char* end = nullptr;
      errno = 0;
      long long ns = strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end || errno) return Fail("malformed --realtime-offset '" + v + "'");
      out->realtime_offset_ns = ns;
      continue;
    }
    if (a == "--time" || a.compare(0, 7, "--time=") == 0) {
      const std::string* v = a.size() > 6 ? nullptr : value();
      if (a.size() == 6 && !v) return Fail("--time needs a value (seconds since 1970 or a date such as 2000-01-01)");
      if (auto r = SetTime("--time", v ? *v : a.substr(7), out)) return *r;
      continue;
    }
    if (a == "--trace-append") { out->trace.append = true; continue; }  // see TraceArguments
    if (a == "--trace-child") { out->trace.child = true; continue; }
    if (a == "--trace-fd" && i + 1 < argv.size()) {  // internal: the trace's stderr across execve
      out->trace.inherited_fd = atoi(argv[++i].c_str());
      continue;
    }
    if (a == "--gdb" || a.compare(0, 6, "--gdb=") == 0) {
      const std::string* v = a.size() > 5 ? nullptr : value();
      // "--gdb" last on the line has no value: not a.substr(6), which throws.
      std::string where = v ? *v : a.size() > 5 ? a.substr(6) : "";
      if (where.empty()) return Fail("--gdb needs a TCP port or unix:PATH");
      out->gdb = where;
      continue;
    }
    if (a == "--trace-json") {
      const std::string* v = value();
      if (!v || v->empty()) return Fail("--trace-json needs a file name");
      out->trace.json = FromStartDirectory(*v);
      continue;
    }
    if (a == "--report") { out->report = true; continue; }
    if (a.compare(0, 9, "--report=") == 0) {
      if (a.size() == 9) return Fail("--report= needs a folder");
      out->report = true;
      out->report_dir = FromStartDirectory(a.substr(9));
      continue;
    }
    if (a == "--gdb-on-crash" || a.compare(0, 15, "--gdb-on-crash=") == 0) {
      const std::string* v = a.size() > 14 ? nullptr : value();
      std::string where = v ? *v : a.size() > 14 ? a.substr(15) : "";
      if (where.empty()) return Fail("--gdb-on-crash needs a TCP port or unix:PATH");
      out->gdb_on_crash = where;
      continue;
    }
    if (a == "--gdb-on-crash-timeout") {
      const std::string* v = value();
      char* end = nullptr;
      unsigned long long seconds = v ? strtoull(v->c_str(), &end, 10) : 0;
      if (!v || v->empty() || *end) return Fail("--gdb-on-crash-timeout needs a number of seconds");
      out->gdb_on_crash_timeout = seconds;
      continue;
    }
    if (a == "--test-internal-fault") { out->test_internal_fault = "fault"; continue; }  // hidden: tests/report
    if (a.compare(0, 22, "--test-internal-fault=") == 0) {
      out->test_internal_fault = a.substr(22);
      if (out->test_internal_fault != "fault" && out->test_internal_fault != "check" &&
          out->test_internal_fault != "terminate") {
        return Fail("--test-internal-fault= takes fault, check or terminate");
      }
      continue;
    }
    if (a == "-q" || a == "--quiet") { out->quiet = true; continue; }
    if (a == "-v" || a == "--verbose") { out->verbose = true; continue; }
    if (a.compare(0, 7, "--seed=") == 0) {  // ferry's own spelling also takes '='
      if (auto r = ApplyQemu(*FindQemuOption("seed"), a.substr(7), "--seed", out, &pending)) return *r;
      continue;
    }
    // qemu's options, with one dash or two.
    const QemuOption* o = FindQemuOption(a.substr(a.compare(0, 2, "--") == 0 ? 2 : 1));
    if (!o) return Fail("unknown option '" + a + "' (see ferry --help)");
    std::string v;
    if (o->arg) {
      const std::string* given = value();
      if (!given) return Fail("option " + a + " needs a value (see ferry --help)");
      v = *given;
    }
    if (auto r = ApplyQemu(*o, v, a, out, &pending)) return *r;
  }
  if (!pending.log_file.empty() && out->trace.output.empty()) {
    out->trace.output = FromStartDirectory(pending.log_file);
  }
  if (i >= argv.size()) return Fail("no program given (usage: ferry [options] PROGRAM [ARGS...])");
  if (out->address_space % 4096 != 0) return Fail("address space size must be a multiple of 4096");
  if (!out->sysroot.empty()) {
    struct stat st;
    if (stat(out->sysroot.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return Fail("sysroot '" + out->sysroot + "' is not a directory");
    }
    // Absolute, so a guest chdir does not move it.
    if (char* real = realpath(out->sysroot.c_str(), nullptr)) {
      out->sysroot = real;
      free(real);
    }
    if (out->sysroot == "/") out->sysroot.clear();
  }
  out->program = argv[i];
  out->args.assign(argv.begin() + i, argv.end());
  if (pending.argv0) out->args[0] = *pending.argv0;
  return {true, 0, ""};
}


std::string FerryVersion() { return VersionText(); }

}  // namespace ferry
