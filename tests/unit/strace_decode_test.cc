// Each --strace decoder on a scratch guest memory (a DecodeContext, no
// Process or Task), as strace writes the same call:
// flags, structs read from the guest, and what the call wrote.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <cstring>
#include <memory>
#include <string>

#include "arch/arch.h"
#include "arch/generic/abi.h"
#include "arch/generic/stat.h"
#include "memory/guest_memory.h"
#include "trace/flag_names.h"
#include "trace/strace.h"
#include "syscalls/syscall_table.h"

namespace ferry {
namespace {

constexpr uint64_t kPage = 0x100000;  // one scratch page of guest memory

struct Guest {
  std::unique_ptr<GuestMemory> memory;
  std::unique_ptr<DecodeContext> context;  // no Process or Task: the decoders see only this
  explicit Guest(const arch::ArchInfo& arch = arch::kAarch64) {
    std::string error;
    memory = GuestMemory::Reserve(uint64_t{1} << 26, &error);
    REQUIRE(memory);
    REQUIRE(memory->Map(kPage, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
            static_cast<int64_t>(kPage));
    context = std::make_unique<DecodeContext>(DecodeContext{arch, *memory});
  }
  uint64_t Put(uint64_t offset, const void* data, size_t len) {
    REQUIRE(memory->Write(kPage + offset, data, len));
    return kPage + offset;
  }
  uint64_t PutString(uint64_t offset, const std::string& s) { return Put(offset, s.c_str(), s.size() + 1); }
  std::string Call(const char* name, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0,
                   uint64_t a4 = 0, uint64_t a5 = 0, int64_t result = 0) {
    for (const SyscallRow& row : SyscallTable()) {
      if (std::string(row.name) != name) continue;
      uint64_t raw[6] = {a0, a1, a2, a3, a4, a5};
      return FormatCall(*context, &row, row.nr, raw, result);
    }
    FAIL("no row " << name);
    return "";
  }
  // One argument of kind `kind` through the decoder table alone; `next` is
  // the argument beside it (a length or count).
  std::string Decode(Arg kind, uint64_t v, uint64_t next = 0, int64_t result = 0) {
    SyscallRow row{};
    row.name = "test";
    row.args[0] = kind;
    row.args[1] = Arg::kUInt;
    row.nargs = 2;
    uint64_t raw[6] = {v, next};
    ArgDecoder decode = DecoderFor(kind);
    bool found = decode != nullptr;
    REQUIRE(found);
    return decode(ArgView::Of(*context, row, 0, raw, result));
  }
};

TEST_CASE("openat: names, flags, and the mode only when creating") {
  Guest g;
  uint64_t path = g.PutString(0, "/etc/passwd");
  CHECK(g.Call("openat", static_cast<uint32_t>(AT_FDCWD), path, O_RDONLY | O_CLOEXEC, 0) ==
        "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC)");
  CHECK(g.Call("openat", 3, path, O_WRONLY | O_CREAT | O_TRUNC, 0644) ==
        "openat(3, \"/etc/passwd\", O_WRONLY|O_CREAT|O_TRUNC, 0644)");
  // AArch64's own O_DIRECTORY bit (040000) is shown by its name.
  CHECK(g.Call("openat", static_cast<uint32_t>(AT_FDCWD), path, 040000, 0) ==
        "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_DIRECTORY)");
}

TEST_CASE("mmap and mprotect: protections and map flags") {
  Guest g;
  CHECK(g.Call("mmap", 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, static_cast<uint64_t>(-1), 0,
               0x7000) == "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)");
  CHECK(g.Call("mprotect", 0x7000, 4096, PROT_NONE) == "mprotect(0x7000, 4096, PROT_NONE)");
}

TEST_CASE("fstat: the struct the call wrote") {
  Guest g;
  guest::GenericStat st{};
  st.st_mode = S_IFREG | 0640;
  st.st_size = 1234;
  uint64_t buf = g.Put(0, &st, sizeof st);
  CHECK(g.Call("fstat", 3, buf) == "fstat(3, {st_mode=S_IFREG|0640, st_size=1234, ...})");
  CHECK(g.Call("fstat", 3, buf, 0, 0, 0, 0, -9) == "fstat(3, 0x100000)");  // failed: only the address
}

TEST_CASE("writev and ppoll: arrays from guest memory") {
  Guest g;
  uint64_t a = g.PutString(256, "ab"), b = g.PutString(272, "cd\n");
  uint64_t iov[4] = {a, 2, b, 3};
  uint64_t vec = g.Put(0, iov, sizeof iov);
  CHECK(g.Call("writev", 1, vec, 2, 0, 0, 0, 5) ==
        "writev(1, [{iov_base=\"ab\", iov_len=2}, {iov_base=\"cd\\n\", iov_len=3}], 2)");
  struct pollfd p[2] = {{0, POLLIN, POLLIN}, {4, POLLOUT, 0}};
  uint64_t fds = g.Put(512, p, sizeof p);
  CHECK(g.Call("ppoll", fds, 2, 0, 0, 8, 0, 1) ==
        "ppoll([{fd=0, events=POLLIN}, {fd=4, events=POLLOUT}], 2, NULL, NULL, 8)");
}

TEST_CASE("rt_sigaction: the guest's own layout, with and without sa_restorer") {
  Guest aarch64(arch::kAarch64);
  uint64_t words[4] = {0x400100, SA_RESTART | 0x04000000, 0x400200, uint64_t{1} << (SIGTERM - 1)};
  uint64_t act = aarch64.Put(0, words, sizeof words);
  CHECK(aarch64.Call("rt_sigaction", SIGUSR1, act, 0, 8) ==
        "rt_sigaction(SIGUSR1, {sa_handler=0x400100, sa_mask=[TERM], sa_flags=SA_RESTORER|SA_RESTART, "
        "sa_restorer=0x400200}, NULL, 8)");
  Guest riscv(arch::kRiscv64);  // handler, flags, mask: no restorer
  uint64_t rv[3] = {1, SA_SIGINFO, 0};
  uint64_t rv_act = riscv.Put(0, rv, sizeof rv);
  CHECK(riscv.Call("rt_sigaction", SIGINT, rv_act, 0, 8) ==
        "rt_sigaction(SIGINT, {sa_sigaction=SIG_IGN, sa_mask=[], sa_flags=SA_SIGINFO}, NULL, 8)");
}

TEST_CASE("clone and wait4: named arguments and the status written") {
  Guest g;
  CHECK(g.Call("clone", CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | SIGCHLD, 0, 0, 0, 0x4980d0) ==
        "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x4980d0)");
  int status = 3 << 8;  // exited with 3
  uint64_t st = g.Put(0, &status, sizeof status);
  CHECK(g.Call("wait4", 42, st, 0, 0, 0, 0, 42) == "wait4(42, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL)");
  status = SIGKILL;  // killed by SIGKILL
  g.Put(0, &status, sizeof status);
  CHECK(g.Call("wait4", -1, st, WNOHANG, 0, 0, 0, 42) ==
        "wait4(-1, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0x1, NULL)");
}

TEST_CASE("every argument kind has a decoder or a name table, never both") {
  for (int k = 0; k <= static_cast<int>(Arg::kPersona); ++k) {
    auto kind = static_cast<Arg>(k);
    CAPTURE(k);
    bool decoded = DecoderFor(kind) != nullptr, named = NameTableFor(kind) != nullptr;
    CHECK(decoded != named);
  }
}

TEST_CASE("struct decoders by kind: iovec, pollfd, sigaction, itimerspec, argv") {
  Guest g;
  uint64_t a = g.PutString(256, "hello"), b = g.PutString(272, "x");
  uint64_t iov[4] = {a, 5, b, 1};
  uint64_t vec = g.Put(0, iov, sizeof iov);
  CHECK(g.Decode(Arg::kIovecIn, vec, 2) == "[{iov_base=\"hello\", iov_len=5}, {iov_base=\"x\", iov_len=1}]");
  // What a read filled: only the bytes it returned, and only once it returned.
  CHECK(g.Decode(Arg::kIovecOut, vec, 2, 3) == "[{iov_base=\"hel\", iov_len=5}, {iov_base=\"\", iov_len=1}]");
  CHECK(g.Decode(Arg::kIovecOut, vec, 2, -EFAULT) == "0x100000");
  CHECK(g.Decode(Arg::kIovecIn, 0, 2) == "NULL");
  CHECK(g.Decode(Arg::kIovecIn, 0x50000000, 1) == "0x50000000");  // unmapped: the address

  struct pollfd p[2] = {{3, POLLIN | POLLPRI, 0}, {7, POLLOUT, 0}};
  CHECK(g.Decode(Arg::kPollFds, g.Put(512, p, sizeof p), 2) ==
        "[{fd=3, events=POLLIN|POLLPRI}, {fd=7, events=POLLOUT}]");

  uint64_t act[4] = {0x400100, SA_SIGINFO, 0, uint64_t{1} << (SIGINT - 1)};
  uint64_t act_at = g.Put(1024, act, sizeof act);
  CHECK(g.Decode(Arg::kSigactionIn, act_at) == "{sa_sigaction=0x400100, sa_mask=[INT], sa_flags=SA_SIGINFO}");
  CHECK(g.Decode(Arg::kSigactionOut, act_at, 8, -EINVAL) == "0x100400");

  int64_t its[4] = {0, 500000000, 2, 0};
  CHECK(g.Decode(Arg::kItimerspecIn, g.Put(2048, its, sizeof its)) ==
        "{it_interval={tv_sec=0, tv_nsec=500000000}, it_value={tv_sec=2, tv_nsec=0}}");

  uint64_t argv[3] = {a, b, 0};
  uint64_t argv_at = g.Put(3072, argv, sizeof argv);
  CHECK(g.Decode(Arg::kArgv, argv_at) == "[\"hello\", \"x\"]");
  CHECK(g.Decode(Arg::kEnvp, argv_at) == "0x100c00 /* 2 vars */");

  int fds[2] = {5, 6};
  CHECK(g.Decode(Arg::kIntPairOut, g.Put(3584, fds, sizeof fds)) == "[5, 6]");
}

TEST_CASE("access modes, fcntl commands and at-flags") {
  Guest g;
  uint64_t path = g.PutString(0, "f");
  CHECK(g.Call("faccessat", static_cast<uint32_t>(AT_FDCWD), path, R_OK | W_OK) ==
        "faccessat(AT_FDCWD, \"f\", R_OK|W_OK)");
  CHECK(g.Call("faccessat2", static_cast<uint32_t>(AT_FDCWD), path, 0, AT_EACCESS) ==
        "faccessat2(AT_FDCWD, \"f\", F_OK, AT_EACCESS)");
  CHECK(g.Call("fcntl", 3, F_GETFD) == "fcntl(3, F_GETFD)");
  CHECK(g.Call("fcntl", 3, F_SETFD, FD_CLOEXEC) == "fcntl(3, F_SETFD, FD_CLOEXEC)");
  CHECK(g.Call("unlinkat", static_cast<uint32_t>(AT_FDCWD), path, AT_REMOVEDIR) ==
        "unlinkat(AT_FDCWD, \"f\", AT_REMOVEDIR)");
}

TEST_CASE("seccomp: the operation, its flags and what it reads") {
  Guest g;
  guest::SockFprog fprog{3, {}, 0x123450};
  uint64_t prog = g.Put(0, &fprog, sizeof fprog);
  CHECK(g.Call("seccomp", 1, 0, prog) == "seccomp(SECCOMP_SET_MODE_FILTER, 0, {len=3, filter=0x123450})");
  CHECK(g.Call("seccomp", 1, 3, prog) ==
        "seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC|SECCOMP_FILTER_FLAG_LOG, {len=3, filter=0x123450})");
  CHECK(g.Call("seccomp", 0, 0, 0) == "seccomp(SECCOMP_SET_MODE_STRICT, 0, NULL)");
  uint32_t action = 0x7ffc0000;
  uint64_t at = g.Put(64, &action, sizeof action);
  CHECK(g.Call("seccomp", 2, 0, at) == "seccomp(SECCOMP_GET_ACTION_AVAIL, 0, [SECCOMP_RET_LOG])");
  guest::SeccompNotifSizes sizes{80, 24, 64};
  uint64_t sz = g.Put(128, &sizes, sizeof sizes);
  CHECK(g.Call("prctl", 22, 2, prog) == "prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, {len=3, filter=0x123450})");
  CHECK(g.Call("prctl", 22, 1) == "prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)");
  CHECK(g.Call("prctl", 22, 3) == "prctl(PR_SET_SECCOMP, 0x3 /* SECCOMP_MODE_??? */, 0, 0, 0)");
  CHECK(g.Call("seccomp", 77) == "seccomp(0x4d /* SECCOMP_SET_MODE_??? */, 0, NULL)");
  CHECK(g.Call("seccomp", 1, 0x400, prog) ==
        "seccomp(SECCOMP_SET_MODE_FILTER, 0x400 /* SECCOMP_FILTER_FLAG_??? */, {len=3, filter=0x123450})");
  CHECK(g.Call("seccomp", 3, 0, sz) ==
        "seccomp(SECCOMP_GET_NOTIF_SIZES, 0, {seccomp_notif=80, seccomp_notif_resp=24, seccomp_data=64})");
}

TEST_CASE("openat2: struct open_how, the mode only when creating or set") {
  Guest g;
  uint64_t path = g.PutString(0, "a/file");
  guest::OpenHow plain{O_RDONLY | O_CLOEXEC, 0, 0x08 | 0x04};
  uint64_t how = g.Put(64, &plain, sizeof plain);
  CHECK(g.Call("openat2", 3, path, how, 24) ==
        "openat2(3, \"a/file\", {flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH}, 24)");
  guest::OpenHow create{O_WRONLY | O_CREAT, 0640, 0};
  how = g.Put(128, &create, sizeof create);
  CHECK(g.Call("openat2", static_cast<uint32_t>(AT_FDCWD), path, how, 24) ==
        "openat2(AT_FDCWD, \"a/file\", {flags=O_WRONLY|O_CREAT, mode=0640, resolve=0}, 24)");
  CHECK(g.Call("openat2", 3, path, how, 16) == "openat2(3, \"a/file\", 0x100080, 16)");
}

}  // namespace
}  // namespace ferry
