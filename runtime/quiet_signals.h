// Quiet signals: host signals that would not end a futex wait in the
// guest's kernel, because the thread blocks them or the process ignores
// them (a child's SIGCHLD, say). A futex wait holds them off on the host
// (see syscalls/sys_futex.cc for why they cannot be waited out), and so
// does a pipe or terminal write that waits inline (syscalls/blocking_call.cc:
// one that moved some bytes would otherwise return short).
//
// The hold is lazy: a thread keeps them blocked on the host after the wait,
// through guest code and further futex calls, and lets them in only before
// a syscall that is not a futex call (dispatch), so a guest that hands off
// through futexes pays no sigprocmask pair per wait. That is sound because a
// quiet signal is one the guest would not act on now: it stays pending on
// the host until the thread next makes another call, and every way the
// guest can look at it or act on it is such a call (its mask, sigaction,
// sigpending, sigtimedwait, signalfd, an exec or fork, a wait for a child).
// A process-directed one goes meanwhile to a thread that does not hold it.
// Ferry's own signals are never quiet (the kick, the faults, glibc's 32 and
// 33). One thing changes what is quiet from outside the thread: another
// thread's sigaction. It kicks the threads holding the signal; a holder
// lets its stale ones in before it runs guest code or waits again, and a
// wait the kick interrupted starts again.
#pragma once

#include <cstdint>

#include "runtime/task.h"

namespace ferry {

// The quiet signals of `task` now (async-signal-safe).
uint64_t QuietSignals(const Task& task);

// Before a futex wait: the host blocks exactly the quiet signals (one
// rt_sigprocmask when they changed since the last wait, none otherwise).
void HoldQuietSignals(Task& task);
// Lets the held signals in (a host signal pending meanwhile is delivered
// to ferry's handler before this returns).
void ReleaseQuietSignals(Task& task);
inline bool HoldsQuietSignals(const Task& task) { return task.slot.held_quiet.load(std::memory_order_relaxed) != 0; }
// Whether the thread holds a signal that is no longer quiet (another
// thread's sigaction gave it a handler). Async-signal-safe.
bool HeldSignalsStale(const Task& task);
// Lets in the held signals that are no longer quiet, and holds on to the
// rest: before a safe syscall waits, and in the run loop after a kick.
void LetInStaleSignals(Task& task);
// After a sigaction of `sig` by any thread: kicks each thread that holds
// it and for which it is no longer quiet.
void KickStaleHolders(Process& process, int sig);

}  // namespace ferry
