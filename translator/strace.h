// --strace: one line per guest syscall in strace's own notation, decoded
// from the syscall table's argument kinds.
#pragma once

#include <signal.h>

#include <cstdint>
#include <string>

#include "translator/syscall_table.h"
#include "translator/task.h"

namespace translator {

// The whole line for a finished call (`row` is null for unknown numbers).
std::string FormatSyscall(const Task& task, const SyscallRow* row, uint64_t nr,
                          const uint64_t raw[6], int64_t result);
// strace's own spelling of a line's result: "= 3", "= -1 ENOENT (No such file or directory)".
std::string FormatResult(Arg kind, int64_t result);
// "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=1, si_uid=0} ---"
std::string FormatSignal(const siginfo_t& info);
// Writes one finished trace line (or lines) to stderr in a single write.
void EmitTrace(const std::string& text);
// "hello\n" with C escapes, at most `limit` bytes then "...".
std::string QuoteBytes(const char* data, size_t len, size_t limit);

}  // namespace translator
