// Syscall-table invariants beyond the compile-time ones.
#include <doctest/doctest.h>

#include <cstring>
#include <initializer_list>
#include <set>
#include <string>

#include "syscalls/syscall_table.h"

namespace ferry {
namespace {

// Complete rows and unique numbers are static_asserts (syscall_table.cc);
// what they cannot check at compile time is checked here.
TEST_CASE("names are unique, lookup finds each row, and a partial row says why") {
  std::set<std::string> names;
  for (const SyscallRow& row : SyscallTable()) {
    CHECK(names.insert(row.name).second);
    CHECK(static_cast<const void*>(FindSyscall(row.nr)) == static_cast<const void*>(&row));
    if (row.support != Support::kFull) CHECK(strlen(row.note) > 0);
  }
}

TEST_CASE("asm-generic numbers of well-known calls") {
  struct Known {
    const char* name;
    int nr;
  };
  for (Known k : {Known{"read", 63}, {"write", 64}, {"openat", 56}, {"close", 57},
                  {"exit_group", 94}, {"brk", 214}, {"mmap", 222}, {"fstat", 80},
                  {"newfstatat", 79}, {"clock_gettime", 113}, {"rt_sigaction", 134},
                  {"getrandom", 278}, {"statx", 291}, {"faccessat2", 439}}) {
    const SyscallRow* row = FindSyscall(k.nr);
    REQUIRE_MESSAGE(row != nullptr, k.name);
    CHECK(std::string(row->name) == k.name);
  }
}

TEST_CASE("the issue's required syscalls all have rows") {
  const char* required[] = {
      "read", "write", "readv", "writev", "pread64", "pwrite64", "openat", "close", "lseek",
      "fstat", "newfstatat", "statx", "getdents64", "readlinkat", "faccessat", "faccessat2",
      "getcwd", "chdir", "fchdir", "mkdirat", "unlinkat", "renameat2", "symlinkat", "linkat",
      "fchmodat", "fchownat", "utimensat", "ftruncate", "fsync", "dup", "dup3", "fcntl",
      "ioctl", "pipe2", "uname", "getpid", "getppid", "gettid", "getuid", "geteuid", "getgid",
      "getegid", "getgroups", "umask", "clock_gettime", "clock_getres", "gettimeofday",
      "getrandom", "prlimit64", "getrlimit", "sysinfo", "getrusage", "sched_getaffinity",
      "sched_yield", "exit", "exit_group", "set_tid_address", "set_robust_list", "brk", "mmap",
      "munmap", "mprotect", "madvise", "mremap", "rseq", "rt_sigaction", "rt_sigprocmask"};
  std::set<std::string> names;
  for (const SyscallRow& row : SyscallTable()) names.insert(row.name);
  for (const char* name : required) CHECK_MESSAGE(names.count(name) == 1, name);
}

TEST_CASE("unknown numbers have no row") {
  CHECK(FindSyscall(5000) == nullptr);
  CHECK(FindSyscall(~0ull) == nullptr);
  CHECK(FindSyscall(244) == nullptr);  // the arch-specific range is unassigned here
}

// The kernel's code for each waiting call lives in its row (a restart tag);
// a waiting row without one would leave a handler to guess.
TEST_CASE("every row that may wait says what a signal makes of the wait") {
  for (const SyscallRow& row : SyscallTable()) {
    bool waits = row.cls == SyscallClass::kBlocksOnInput || row.cls == SyscallClass::kBlocksOnOutput ||
                 row.cls == SyscallClass::kOpensFile || row.cls == SyscallClass::kMayBlock ||
                 row.cls == SyscallClass::kBlocksAsProcess;
    if (waits && row.support != Support::kUnsupported) CHECK_MESSAGE(row.Interruptible(), row.name);
  }
  struct Known {
    const char* name;
    restart::Rule rule;
    bool restart_block;
  };
  using enum restart::Rule;
  for (Known k : {Known{"read", kSys, false}, {"wait4", kSys, false}, {"ppoll", kNoHand, false},
                  {"rt_sigsuspend", kNoHand, false}, {"epoll_pwait", kNever, false},
                  {"rt_sigtimedwait", kNever, false}, {"semop", kNever, false},
                  {"nanosleep", kNone, true}, {"clock_nanosleep", kNoHand, true},
                  {"futex", kSys, true}, {"getpid", kNone, false}}) {
    const SyscallRow* row = nullptr;
    for (const SyscallRow& r : SyscallTable()) {
      if (strcmp(r.name, k.name) == 0) row = &r;
    }
    REQUIRE_MESSAGE(row != nullptr, k.name);
    CHECK_MESSAGE(row->restart == k.rule, k.name);
    CHECK_MESSAGE(row->restart_block == k.restart_block, k.name);
  }
}

TEST_CASE("buffer arguments carry a length beside them") {
  for (const SyscallRow& row : SyscallTable()) {
    for (int i = 0; i < row.nargs; ++i) {
      if (row.args[i] == Arg::kInBuf || row.args[i] == Arg::kOutBuf) {
        REQUIRE(i + 1 < row.nargs);
        CHECK(row.args[i + 1] == Arg::kUInt);
      }
    }
  }
}

}  // namespace
}  // namespace ferry
