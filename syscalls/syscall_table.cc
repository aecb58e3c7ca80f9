// Builds the table from syscalls.def and checks it at compile time.
#include "syscalls/syscall_table.h"

#include <sys/syscall.h>

#include <array>
#include <cstring>
#include <initializer_list>
#include <map>
#include <mutex>
#include <unordered_map>

#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {

constexpr SyscallRow Row(const char* name, int nr, SyscallHandler handler, long host_nr,
                         Arg result, std::initializer_list<Arg> args, SyscallClass cls,
                         Support support, const char* note, unsigned tags) {
  uint8_t arches = static_cast<uint8_t>(tags >> kArchTagShift);
  auto format = static_cast<StraceFormat>(static_cast<uint8_t>(tags >> kFormatTagShift));
  auto restart = static_cast<restart::Rule>((tags >> kRestartTagShift) & 0xf);
  SyscallRow row{name, nr, handler, host_nr, result, {}, static_cast<uint8_t>(args.size()),
                 cls, support, note, static_cast<uint8_t>(tags), arches ? arches : kAllArches, format,
                 restart, (tags & kRestartBlock) != 0};
  int i = 0;
  for (Arg a : args) row.args[i++] = a;
  return row;
}

// An UNSUPPORTED row: with the note that says why, then its tags (or tags alone).
constexpr SyscallRow UnsupportedRow(const char* name, int nr, const char* note, unsigned tags = 0) {
  return Row(name, nr, SysNotImplemented, -1, Arg::kInt, {}, SyscallClass::kNonBlocking, Support::kUnsupported,
             note, tags);
}
constexpr SyscallRow UnsupportedRow(const char* name, int nr, unsigned tags = 0) {
  return UnsupportedRow(name, nr, "not implemented", tags);
}

using enum Arg;
using enum SyscallClass;
using enum Support;

#define ARGS(...) {__VA_ARGS__}
#define TAGS(...) 0u __VA_OPT__(| __VA_ARGS__)
#define SYSCALL(name, nr, handler, result, args, cls, support, note, ...) \
  Row(#name, nr, handler, -1, result, args, cls, support, note, TAGS(__VA_ARGS__)),
#define HOSTCALL(name, nr, result, args, cls, ...) \
  Row(#name, nr, SysHostCall, SYS_##name, result, args, cls, kFull, "", TAGS(__VA_ARGS__)),
#define UNSUPPORTED(name, nr, ...) UnsupportedRow(#name, nr __VA_OPT__(, ) __VA_ARGS__),
constexpr SyscallRow kRows[] = {
#include "syscalls/syscalls.def"
};
#undef SYSCALL
#undef HOSTCALL
#undef UNSUPPORTED
#undef TAGS
#undef ARGS

constexpr int kMaxSyscall = 512;

constexpr bool RowsComplete() {
  for (const SyscallRow& r : kRows) {
    if (r.name == nullptr || r.name[0] == '\0' || r.handler == nullptr || r.note == nullptr) {
      return false;
    }
    if (r.nr < 0 || r.nr >= kMaxSyscall || r.nargs > 6) return false;
  }
  return true;
}

constexpr bool NumbersUnique() {
  for (size_t i = 0; i < std::size(kRows); ++i) {
    for (size_t j = i + 1; j < std::size(kRows); ++j) {
      if (kRows[i].nr == kRows[j].nr) return false;
    }
  }
  return true;
}

// A buffer's length lives in its neighbour, so that neighbour must exist.
constexpr bool BufferLengthsPresent() {
  for (const SyscallRow& r : kRows) {
    for (int i = 0; i < r.nargs; ++i) {
      if ((r.args[i] == kInBuf || r.args[i] == kOutBuf || r.args[i] == kRange ||
           r.args[i] == kIovecIn || r.args[i] == kIovecOut || r.args[i] == kPollFds ||
           r.args[i] == kOutString || r.args[i] == kDirents || r.args[i] == kSockaddrIn ||
           r.args[i] == kMmsghdrIn || r.args[i] == kMmsghdrOut || r.args[i] == kSockOptIn ||
           r.args[i] == kSockOptOut) &&
          i + 1 >= r.nargs) {
        return false;
      }
      if ((r.args[i] == kOutBufPrevLen || r.args[i] == kGidListIn || r.args[i] == kCpuSetIn ||
           r.args[i] == kCpuSetOut || r.args[i] == kCapDataIn || r.args[i] == kCapDataOut) && i == 0) {
        return false;
      }
    }
  }
  return true;
}

// SysHostCall rebases only the argument itself, so a struct holding guest
// pointers (an iovec array, a pollfd array is fine) needs its own handler.
constexpr bool HostcallsFlat() {
  for (const SyscallRow& r : kRows) {
    for (int i = 0; i < r.nargs; ++i) {
      if (r.handler == SysHostCall && (r.args[i] == kIovecIn || r.args[i] == kIovecOut ||
                                       r.args[i] == kSigactionIn || r.args[i] == kSigactionOut ||
                                       r.args[i] == kMsghdrIn || r.args[i] == kMsghdrOut ||
                                       r.args[i] == kMmsghdrIn || r.args[i] == kMmsghdrOut)) {
        return false;
      }
    }
  }
  return true;
}

static_assert(RowsComplete(), "every row needs a name, a handler, a note and a valid number");
static_assert(NumbersUnique(), "two rows share a syscall number");
static_assert(BufferLengthsPresent(), "a buffer argument has no length argument beside it");
static_assert(HostcallsFlat(), "a HOSTCALL row takes a struct with guest pointers inside");

struct ByNumber {
  std::array<const SyscallRow*, kMaxSyscall> rows{};
  ByNumber() {
    for (const SyscallRow& r : kRows) rows[r.nr] = &r;
  }
};
const ByNumber kByNumber;

}  // namespace

std::span<const SyscallRow> SyscallTable() { return kRows; }

const SyscallRow* FindSyscall(uint64_t nr) {
  return nr < kMaxSyscall ? kByNumber.rows[nr] : nullptr;
}

namespace {

// An arch with its own numbering: its numbers to rows, by name, made once.
struct ArchNumbering {
  std::unordered_map<uint64_t, const SyscallRow*> rows;  // the arch's number -> row
  std::unordered_map<int, int> numbers;                   // row's asm-generic number -> the arch's
};

const ArchNumbering& NumberingOf(const arch::ArchInfo& a) {
  static std::mutex lock;
  static std::map<const arch::ArchInfo*, ArchNumbering> made;
  std::lock_guard<std::mutex> hold(lock);
  auto [it, fresh] = made.try_emplace(&a);
  if (fresh) {
    for (size_t i = 0; i < a.syscall_number_count; ++i) {
      for (const SyscallRow& r : kRows) {
        if (strcmp(r.name, a.syscall_numbers[i].name) != 0) continue;
        it->second.rows[static_cast<uint64_t>(a.syscall_numbers[i].nr)] = &r;
        it->second.numbers[r.nr] = a.syscall_numbers[i].nr;
      }
    }
  }
  return it->second;
}

}  // namespace

const SyscallRow* FindSyscall(uint64_t nr, const arch::ArchInfo& a) {
  const SyscallRow* row = nullptr;
  if (a.syscall_number_count == 0) {
    row = FindSyscall(nr);
  } else {
    const ArchNumbering& n = NumberingOf(a);
    auto it = n.rows.find(nr);
    row = it == n.rows.end() ? nullptr : it->second;
  }
  return row && row->OnArch(a) ? row : nullptr;
}

int GuestSyscallNumber(int call, const arch::ArchInfo& a) {
  if (a.syscall_number_count == 0) return call;
  const ArchNumbering& n = NumberingOf(a);
  auto it = n.numbers.find(call);
  return it == n.numbers.end() ? -1 : it->second;
}

}  // namespace ferry
