// Guest signals: ferry catches every host signal, queues it as a pending
// guest signal, and delivers it at the next safe point by building the
// arch's signal frame. Dispositions and the blocked mask are the guest's own
// (Process::sigactions, Task::sigmask); the host's belong to ferry.
#pragma once

#include <signal.h>

#include <atomic>
#include <cstdint>

#include "host/signal_sequence.h"

#include "runtime/task.h"

namespace ferry {

// Guest sa_flags and handler values (asm-generic, the same on both arches).
constexpr uint64_t kSaOnstack = 0x08000000, kSaRestart = 0x10000000;
constexpr uint64_t kSaNodefer = 0x40000000, kSaResethand = 0x80000000, kSaRestorer = 0x04000000;
constexpr uint64_t kSigDfl = 0, kSigIgn = 1;
// The signals whose default action ignores them (bit sig-1).
constexpr uint64_t kIgnoredByDefault = (uint64_t{1} << (SIGCHLD - 1)) | (uint64_t{1} << (SIGURG - 1)) |
                                       (uint64_t{1} << (SIGWINCH - 1)) | (uint64_t{1} << (SIGCONT - 1));

// Installs ferry's handler on every catchable host signal (1..64, the two
// glibc keeps for itself included). SIGPIPE/SIGXFSZ from calls the helper made
// (which ignores signals) are raised from the EPIPE/EFBIG results instead.
void InstallHostSignalHandlers();
// glibc installs its own handlers for 32 (thread cancellation) and 33
// (setxid broadcasts) as a process creates its first thread: after each
// pthread_create ferry takes them back, or a guest's signal 33 (its own
// libc's setuid broadcast) would run glibc's handler inside ferry.
void ReclaimLibcSignals();
// What execve hands a new program: the blocked mask and the ignored
// signals. Read from the host before ferry installs its handlers, so the
// guest starts as the caller (a shell's nohup, a test runner) left it.
void InheritHostSignalState(Task& task);
// Before a host execve (of ferry for a guest program, or of a host one):
// the host's dispositions and mask become the guest's (ignored stay
// ignored; the exec resets handlers), so the next program inherits them;
// pending guest signals move to the host's queue, which execve keeps, and
// signals that land meanwhile are kept for the next program too. After a
// failed execve, RestoreHostSignalsAfterFailedExec undoes it (the signals
// come back through ferry's handler; the guest's mask stays as it was).
void PrepareHostSignalsForExec(Task& task);
void RestoreHostSignalsAfterFailedExec();

// The guest thread this host thread runs, for ferry's signal handler (its
// mask, its CPU to stop, its faults); set on each thread as it starts.
void SetCurrentTask(Task* task);
Task* CurrentTask();

// Ends ferry by `sig` as the guest's death: core dumps off, default action,
// raised on itself (async-signal-safe).
[[noreturn]] void DieBySignal(int sig);


// Keeps ferry's host signal handler out of this thread for a scope: the
// pending queues have one writer at a time only if ferry's own code blocks
// the handler while it touches them; a fork is made with them blocked too.
class HostSignalsBlocked {
 public:
  HostSignalsBlocked() {
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &saved_);
  }
  ~HostSignalsBlocked() { sigprocmask(SIG_SETMASK, &saved_, nullptr); }
  HostSignalsBlocked(const HostSignalsBlocked&) = delete;
  HostSignalsBlocked& operator=(const HostSignalsBlocked&) = delete;

 private:
  sigset_t saved_;
};

// In a forked child: pending signals are the parent's, not the child's,
// and so is any other thread's handler or execve under way.
void ForgetPendingSignalsAfterFork(Task& task);
// In a forked child, once its host signals are unblocked: a thread that
// forked while blocked for another thread's execve would otherwise never
// take a signal again (nothing kicks it here).
void TakeSignalsAgainAfterFork();

// Queues a signal for one guest thread as if the kernel sent it to it (a
// fault, SIGPIPE; SI_USER from ferry's own pid when info is null).
void QueueGuestSignal(Task& task, int sig, const siginfo_t* info = nullptr);
// ... or for the process: a thread that does not block it is stopped to take it.
void QueueProcessSignal(Process& process, int sig, const siginfo_t& info);
// ... or for another thread of this process (rt_tgsigqueueinfo to it).
void QueueThreadSignal(ThreadSlot& slot, int sig, const siginfo_t& info);
// timer_create with SIGEV_THREAD_ID: that timer's signals are thread-directed.
void NoteThreadTimer(int timer_id, bool thread_directed);
// After a thread blocked `newly_blocked`: process-directed signals it was
// to take go to another thread that does not block them, as the kernel's
// retarget_shared_pending does.
void RetargetProcessSignals(Task& task, uint64_t newly_blocked);
// Pending signals the thread could take, its own and the process's, as a guest sigset (bit sig-1).
uint64_t PendingGuestSignals(const Task& task);
// Removes and returns the lowest pending signal in `set` (0 if none), with
// its siginfo: the thread's own first, then the process's.
int TakePendingSignal(Task& task, uint64_t set, siginfo_t* info);

// What a signal would do to the guest now: nothing (ignored or blocked), run a handler, end it.
enum class Disposition { kNone, kHandler, kTerminate, kStop };
Disposition DispositionOf(const Task& task, int sig);
// The same for a thread blocking `mask`.
Disposition DispositionFor(const Process& process, uint64_t mask, int sig);
// The first pending signal that would do something now, or 0.
int NextActionableSignal(const Task& task);

// At a safe point (registers describe the next guest instruction): acts on
// the next actionable pending signal. Returns the signal handled, or 0.
// A handler gets a frame; a fatal one ends the task; stop signals stop ferry.
int DeliverOneSignal(Task& task);
// Delivers every actionable pending signal, as the kernel does before
// returning to user mode: each frame stacks on the previous one, so the
// handler of the last signal taken runs first.
void DeliverSignals(Task& task);

// Completes rt_sigreturn with the CPU stopped: registers and mask from the frame.
void FinishSigreturn(Task& task);


}  // namespace ferry
