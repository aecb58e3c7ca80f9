#include "translator/options.h"

#include <sys/stat.h>
#include <unicorn/unicorn.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace translator {
namespace {

constexpr const char kUsage[] =
    "usage: ferry [options] PROGRAM [ARGS...]\n"
    "Runs an AArch64 or RISC-V64 Linux program on this x86_64 host.\n"
    "\n"
    "  -E VAR=VAL       set VAR in the guest environment     (FERRY_SET_ENV=V=1,W=2)\n"
    "  -U VAR           remove VAR from the guest environment (FERRY_UNSET_ENV=V,W)\n"
    "  -0 ARGV0         pass ARGV0 as the guest's argv[0]      (FERRY_ARGV0)\n"
    "  -s SIZE          guest stack size, e.g. 8M (default: RLIMIT_STACK) (FERRY_STACK_SIZE)\n"
    "  -R SIZE          guest address space size (default 1T)  (FERRY_RESERVED_VA)\n"
    "  -L DIR           guest sysroot: absolute paths are looked up in DIR first\n"
    "                   (default: /usr/<arch>-linux-gnu when the guest's dynamic\n"
    "                   loader is not on the host)             (FERRY_LD_PREFIX)\n"
    "  -v, --verbose    say which sysroot ferry uses           (FERRY_VERBOSE=1)\n"
    "  --strace         log each syscall to stderr            (FERRY_STRACE=1)\n"
    "  -q, --quiet      no warnings about unsupported syscalls (FERRY_QUIET=1)\n"
    "  --version        print the version and exit\n"
    "  -h, --help       print this help and exit\n";

std::string VersionText() {
  unsigned major = 0, minor = 0;
  uc_version(&major, &minor);
  return "ferry 0.1.0 (Unicorn " + std::to_string(major) + "." + std::to_string(minor) +
         "; guests: aarch64, riscv64)\n";
}

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

}  // namespace

std::optional<uint64_t> ParseSize(const std::string& text) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return std::nullopt;
  char* end = nullptr;
  errno = 0;
  unsigned long long value = strtoull(text.c_str(), &end, 0);
  if (errno != 0) return std::nullopt;
  int shift = 0;
  switch (*end) {
    case '\0': break;
    case 'k': case 'K': shift = 10; ++end; break;
    case 'm': case 'M': shift = 20; ++end; break;
    case 'g': case 'G': shift = 30; ++end; break;
    case 't': case 'T': shift = 40; ++end; break;
    default: return std::nullopt;
  }
  if (*end != '\0' || (shift && value > (~0ull >> shift))) return std::nullopt;
  return value << shift;
}

ParseResult ParseOptions(const std::vector<std::string>& argv, char** environ, Options* out) {
  std::optional<std::string> argv0;
  auto env = [&](const char* name) -> const char* {
    for (char** e = environ; e && *e; ++e) {
      size_t n = strlen(name);
      if (strncmp(*e, name, n) == 0 && (*e)[n] == '=') return *e + n + 1;
    }
    return nullptr;
  };
  auto set_size = [&](const std::string& what, const std::string& text, uint64_t* field,
                      uint64_t minimum) -> std::optional<ParseResult> {
    auto size = ParseSize(text);
    if (!size || *size < minimum) {
      return Fail("invalid " + what + " '" + text + "' (want a size such as 8M)");
    }
    *field = *size;
    return std::nullopt;
  };
  // Environment first, so the command line overrides it.
  if (const char* v = env("FERRY_SET_ENV")) out->set_env = SplitCommas(v);
  if (const char* v = env("FERRY_UNSET_ENV")) out->unset_env = SplitCommas(v);
  if (const char* v = env("FERRY_ARGV0")) argv0 = v;
  if (const char* v = env("FERRY_STACK_SIZE")) {
    if (auto r = set_size("FERRY_STACK_SIZE", v, &out->stack_size, 64 * 1024)) return *r;
  }
  if (const char* v = env("FERRY_RESERVED_VA")) {
    if (auto r = set_size("FERRY_RESERVED_VA", v, &out->address_space, 1 << 26)) return *r;
  }
  out->strace = Truthy(env("FERRY_STRACE"));
  out->quiet = Truthy(env("FERRY_QUIET"));
  out->verbose = Truthy(env("FERRY_VERBOSE"));
  if (const char* v = env("FERRY_LD_PREFIX")) out->sysroot = v;

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
    if (a == "-h" || a == "--help") return {false, 0, kUsage};
    if (a == "--version") {
      return {false, 0, VersionText()};
    }
    if (a == "--strace") { out->strace = true; continue; }
    if (a == "-q" || a == "--quiet") { out->quiet = true; continue; }
    if (a == "-v" || a == "--verbose") { out->verbose = true; continue; }
    if (a == "-E" || a == "-U" || a == "-0" || a == "-s" || a == "-R" || a == "-L") {
      const std::string* v = value();
      if (!v) return Fail("option " + a + " needs a value (see ferry --help)");
      if (a == "-E") {
        if (v->find('=') == std::string::npos || (*v)[0] == '=') {
          return Fail("-E wants VAR=VALUE, got '" + *v + "'");
        }
        out->set_env.push_back(*v);
      } else if (a == "-U") {
        out->unset_env.push_back(*v);
      } else if (a == "-0") {
        argv0 = *v;
      } else if (a == "-L") {
        out->sysroot = *v;
      } else if (a == "-s") {
        if (auto r = set_size("stack size", *v, &out->stack_size, 64 * 1024)) return *r;
      } else if (auto r = set_size("address space size", *v, &out->address_space, 1 << 26)) {
        return *r;
      }
      continue;
    }
    return Fail("unknown option '" + a + "' (see ferry --help)");
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
  if (argv0) out->args[0] = *argv0;
  return {true, 0, ""};
}

std::vector<std::string> GuestEnvironment(const Options& options, char** environ) {
  std::vector<std::string> env;
  auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  auto drop = [&](const std::string& name) {
    std::erase_if(env, [&](const std::string& e) { return name_of(e) == name; });
  };
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  for (const std::string& name : options.unset_env) drop(name);
  for (const std::string& entry : options.set_env) {
    drop(name_of(entry));
    env.push_back(entry);
  }
  return env;
}

}  // namespace translator
