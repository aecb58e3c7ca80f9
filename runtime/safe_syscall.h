// Blocking host calls that must run in ferry's own process, because the
// kernel ties them to the caller's identity (POSIX record locks, waiting for
// children), yet must not swallow a signal. The call is made from a small
// assembly stub that rechecks the signal sequence counter just before its
// `syscall` instruction; ferry's host signal handler, finding the thread
// between that check and the instruction, moves it to the stub's "interrupted"
// exit. So a signal either lands before the call (it never starts) or
// interrupts it in the kernel (EINTR): none is left waiting behind the call.
// (QEMU's linux-user safe_syscall works the same way.)
#pragma once

#include <cstdint>

namespace ferry {

// Runs host call `nr`. When a signal arrives first or interrupts it, returns
// -ERESTARTNOINTR (never started) or `restart_code` (interrupted) for
// dispatch's restart rules; otherwise the host's result.
int64_t SafeHostSyscall(int64_t restart_code, long nr, uint64_t a0 = 0, uint64_t a1 = 0,
                        uint64_t a2 = 0, uint64_t a3 = 0, uint64_t a4 = 0, uint64_t a5 = 0);

// Called from the host signal handler with its ucontext: if the thread sits
// in the stub's window, send it to the "interrupted" exit.
void RedirectIfBeforeSafeSyscall(void* ucontext);

}  // namespace ferry
