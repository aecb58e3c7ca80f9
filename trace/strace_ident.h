// --strace notation for the credential, prctl, scheduling and limit calls
// (strace.cc's helpers for these families): strace's own forms, such as
// "{version=_LINUX_CAPABILITY_VERSION_3, pid=0}", "[0 1]" for a CPU set or
// "prctl(PR_GET_DUMPABLE) = 1 (SUID_DUMP_USER)".
#pragma once

#include <cstdint>
#include <string>

#include "syscalls/syscall_table.h"
#include "trace/strace.h"

namespace ferry {

// One argument of kind `kind` (a kind this file owns), or "" when it is not one.
// `done`: the call succeeded, so what it wrote may be shown.
std::string FormatIdentArg(const DecodeContext& ctx, Arg kind, int i, const uint64_t raw[6], int64_t result, bool done,
                           size_t limit);
// prctl's arguments, as many as its option takes, joined.
std::string FormatPrctlArgs(const DecodeContext& ctx, const uint64_t raw[6], int64_t result, size_t limit);
// What strace adds to a result: " (SCHED_OTHER)", " (SUID_DUMP_USER)"; "" for nothing.
std::string IdentResultNote(const SyscallRow& row, const uint64_t raw[6], int64_t result);

}  // namespace ferry
