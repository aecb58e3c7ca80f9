// Stopping the CPU soon after a host signal while the guest computes without
// syscalls, so a guest handler runs promptly (not at the next syscall).
//
// uc_emu_stop from a signal handler is only safe in Unicorn 2.1.4 when exits
// happen at translated-block starts: by default Unicorn also honours an exit
// request after any guest load or store, and then restores the PC to that
// instruction although it already took effect (a load or an atomic add runs
// twice). Its private `no_exit_request` flag limits exits to block starts;
// it has no public API, so EnableAsyncStop sets it by offset after checking
// the exact layout of the one Unicorn build ferry ships with. Any other
// build keeps the old behaviour: signals wait for the next syscall.
#pragma once

#include <unicorn/unicorn.h>

#include <cstdint>

#include "arch/arch.h"

namespace ferry {

// Turns asynchronous stops on for `uc`, the CPU of the calling thread's
// guest thread; false when this Unicorn's layout is not the known one.
bool EnableAsyncStop(uc_engine* uc);
// Before the calling thread closes its CPU.
void DisableAsyncStop();
bool AsyncStopEnabled();

// For a count-limited run (the fault probe): exits may come mid-block there.
void AllowMidBlockExits(uc_engine* uc, bool allow);

// Around uc_emu_start in the run loop. After BeginEmulation, check for
// deliverable signals once more (one may have come just before) and, if
// there are, EndEmulation and deliver them instead of starting.
void BeginEmulation();
void EndEmulation();
// Around a syscall served from inside translated code (the interrupt
// hook): the run loop's own check after the call delivers what arrives
// meanwhile, so a kick then needs no re-kick timer.
void BeginSyscallHook();
void EndSyscallHook();
// In a forked child: the re-kick timer belongs to the parent.
void AsyncStopAfterFork();

// From the host signal handler (async-signal-safe): a signal the guest can
// take now is pending, so stop the CPU if it is running, and kick again a
// little later in case the stop landed as uc_emu_start began (Unicorn
// discards a stop there). A re-kick arrives as `KickSignal()` with
// IsKick(info) true; the handler then calls Kick again if still needed.
void Kick();
// Asks another guest thread's host thread to check for work (a signal, a
// memory change, a debugger stop, a CPU lock wanted): its handler then
// calls Kick if needed. `pid`: the thread's process when not this one (a
// ferry forked from this one: the same binary, so the same kick tag).
void SendKick(pid_t tid, pid_t pid = 0);
// Before an execve takes this process's queued kicks: from then on kicks to
// this process are dropped (its other threads end with the exec), and
// senders already past that check have queued theirs. After a failed exec,
// ReopenKicksAfterFailedExec, then kick every thread again.
void CloseKicksForExec();
void ReopenKicksAfterFailedExec();
// Off while a debugger needs exits inside blocks (breakpoints, watchpoints):
// then a stop would not land at a block start, so signals wait for a syscall.
void SetKicksEnabled(bool enabled);
int KickSignal();

// From the host SIGBUS handler (`ucontext` is its third argument): the
// guest access that faulted must not complete. Finds the translated block
// it belongs to (the faulting host PC, or a caller of Unicorn's memory
// helper, found by unwinding), puts the guest PC back on that instruction,
// stops the CPU and leaves the handler into Unicorn's run loop, so
// uc_emu_start returns. False, and nothing done, when no translated block
// is found or asynchronous stops are off.
bool AbandonGuestAccess(uc_engine* uc, const arch::ArchInfo& arch, void* ucontext);

// A debugger's Ctrl-C (any thread): stops the main thread's CPU, and a call blocked in the
// syscall helper is interrupted as a signal would (then restarted, since no
// handler runs). TakeDebuggerStop consumes the request.
void RequestDebuggerStop();
bool DebuggerStopPending();
bool TakeDebuggerStop();
bool IsKick(const void* siginfo);

}  // namespace ferry
