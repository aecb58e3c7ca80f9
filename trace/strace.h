// --strace: strace's own notation for guest syscalls and signals, decoded
// from the syscall table's argument kinds. Pure formatting: where the lines
// go and which are shown is the Tracer's business (tracer.h).
#pragma once

#include <signal.h>

#include <cstdint>
#include <string>
#include <vector>

#include "syscalls/syscall_table.h"
#include "arch/arch.h"
#include "memory/guest_memory.h"
#include "runtime/task.h"

namespace ferry {

constexpr size_t kDefaultStringLimit = 32;  // strace -s

// What the decoders see of a guest thread: its arch and memory, and the few
// values strace shows that the call's registers do not carry. Unit tests
// make one over a scratch GuestMemory, with no Process or Task.
struct DecodeContext {
  const arch::ArchInfo& arch;
  const GuestMemory& memory;
  uint64_t sigreturn_mask = 0;    // what the last rt_sigreturn restored
  const char* resumed_call = "";  // what the last restart_syscall resumed
  uint32_t msg_namelen_before = 0;  // recvmsg's msg_namelen on entry ("100 => 16")
  uint32_t cap_version_in = 0;      // capget/capset's header version before the call
  int32_t ifc_len_before = 0;       // SIOCGIFCONF's ifc_len on entry
};
DecodeContext DecodeContextOf(const Task& task);

// One argument of a call, as a decoder sees it.
struct ArgView {
  const DecodeContext& ctx;
  const SyscallRow& row;
  int i;                 // which argument
  const uint64_t* raw;   // all six registers: lengths and counts sit beside buffers
  int64_t result;        // the call's result, or kNoReturn
  size_t limit;          // strace -s
  uint64_t v;            // raw[i]
  bool failed;           // the call returned an error
  bool done;             // it returned without one: what it wrote is there to show
  static ArgView Of(const DecodeContext& ctx, const SyscallRow& row, int i, const uint64_t raw[6],
                    int64_t result, size_t limit = kDefaultStringLimit);
  Arg kind() const { return row.args[i]; }
  uint64_t next() const { return raw[i + 1]; }
};
// How strace shows an argument of one kind: "[{iov_base="hi", iov_len=2}]".
using ArgDecoder = std::string (*)(const ArgView&);
// The decoder for `kind` (strace.cc's table), or nullptr for a kind whose
// values have names (flag_names.cc's tables, NameTableFor).
ArgDecoder DecoderFor(Arg kind);

// Each argument of a finished call as strace shows it (openat's mode only
// with O_CREAT or O_TMPFILE, as strace prints it).
std::vector<std::string> FormatArgs(const DecodeContext& ctx, const SyscallRow& row, const uint64_t raw[6],
                                    int64_t result, size_t string_limit = kDefaultStringLimit);
// "name(arg, arg)"; unknown numbers as syscall_0x3e8(raw...).
std::string FormatCall(const DecodeContext& ctx, const SyscallRow* row, uint64_t nr, const uint64_t raw[6],
                       int64_t result, size_t string_limit = kDefaultStringLimit);
// "= 3", "= -1 ENOENT (No such file or directory)", "= 1 ([{fd=0, revents=POLLIN}])".
std::string FormatResult(const DecodeContext& ctx, const SyscallRow* row, const uint64_t raw[6], int64_t result);
// The result alone, by its kind.
std::string FormatResult(Arg kind, int64_t result);
// The whole line: the call, padded to strace's result column, and the result.
std::string FormatSyscall(const DecodeContext& ctx, const SyscallRow* row, uint64_t nr,
                          const uint64_t raw[6], int64_t result,
                          size_t string_limit = kDefaultStringLimit);
// Pads `call` to column 40 (or one space), then appends `result`.
std::string AlignResult(const std::string& call, const std::string& result, size_t column_offset = 0);
// "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=1, si_uid=0} ---"
std::string FormatSignal(const siginfo_t& info);
// "SIGUSR1", "SIGRTMIN", "SIGRT_2".
std::string SignalName(int sig);
// "[USR1 TERM]", or "~[KILL STOP]" when most signals are in the set.
std::string SignalSet(uint64_t set);
// "hello\n" with C escapes, at most `limit` bytes then "...".
std::string QuoteBytes(const char* data, size_t len, size_t limit);
// PR_SET_NAME...; unknown options as strace writes them: "0x3039 /* PR_??? */".
std::string PrctlOption(uint64_t v);
// A seccomp filter's struct sock_fprog: "{len=3, filter=0x...}", or its address.
std::string SeccompFprog(const DecodeContext& ctx, uint64_t g);
// A guest string argument: "name", or its address when unreadable.
std::string GuestStringArg(const DecodeContext& ctx, uint64_t g, size_t limit);
// A socket address of `addrlen` bytes at guest `g`, as strace's print_sockaddr shows it.
std::string SockaddrArg(const DecodeContext& ctx, uint64_t g, uint64_t addrlen);
// The errno name strace shows ("ENOENT", "ERESTARTSYS"), or "" for a success.
std::string ErrorName(int64_t result);
// An iovec array as strace shows it: each buffer's bytes (up to `bytes`
// in all; -1: each whole), or only each base address.
std::string GuestIovecs(const DecodeContext& ctx, uint64_t g, uint64_t count, int64_t bytes, size_t limit);
std::string GuestIovecAddresses(const DecodeContext& ctx, uint64_t g, uint64_t count);
// POLLIN|POLLOUT...
std::string GuestPollEvents(uint64_t events);

}  // namespace ferry
