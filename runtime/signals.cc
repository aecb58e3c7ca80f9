#include "runtime/signals.h"
#include "runtime/signalfd.h"

#include <linux/futex.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <vector>

#include "arch/generic/abi.h"
#include "host/host_syscall.h"
#include "host/signal_sequence.h"
#include "runtime/safe_syscall.h"
#include <ucontext.h>

#include "runtime/async_stop.h"
#include "runtime/quiet_signals.h"
#include "runtime/crash_hooks.h"
#include "host/syscall_helper.h"
#include "runtime/threads.h"

static_assert(sizeof(siginfo_t) == guest::kSiginfoSize, "the host siginfo_t stands in for the guest's");

namespace ferry {
namespace {

void Wake() { WakeSignalWaiters(); }

// POSIX timers the guest made with SIGEV_THREAD_ID: their signals (SI_TIMER)
// are for the thread they arrive on, like tgkill's. Other timers signal the
// process. Indexed by the kernel's timer id.
constexpr int kTimerIds = 4096;
std::atomic<bool> g_thread_timers[kTimerIds];

bool FromThreadTimer(const siginfo_t& info) {
  return info.si_code == SI_TIMER && info.si_timerid >= 0 && info.si_timerid < kTimerIds &&
         g_thread_timers[info.si_timerid].load();
}

// The guest thread this host thread runs (null on ferry's own threads).
thread_local Task* t_task = nullptr;
std::atomic<Process*> g_process{nullptr};

// The kernel's struct sigaction for rt_sigaction(2) on x86_64.
struct KernelSigaction {
  void (*handler)(int, siginfo_t*, void*);
  unsigned long flags;
  void (*restorer)();
  uint64_t mask;
};

// The thread preparing a host execve (0: none). From then on a signal for
// the guest is kept for the next program (KeepForNextProgram).
std::atomic<pid_t> g_exec_thread{0};
// Handlers past their look at g_exec_thread that queue into ferry's own
// store: the exec waits them out before it moves the store's signals.
std::atomic<int> g_handlers_queuing{0};
// This thread blocked every host signal but the kick for another
// thread's execve; a kick lets them in again if the exec fails.
thread_local bool t_blocked_for_exec = false;

bool IsFerryFault(int sig, const siginfo_t* info) {
  bool fault_signal = sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
                      sig == SIGTRAP || sig == SIGSYS;
  return fault_signal && info->si_code > 0;  // raised by the kernel for ferry's own code
}

// A guest load or store on a file mapping whose file shrank under it: the
// host raises SIGBUS inside translated code. The access is abandoned (the
// guest PC goes back to it) and becomes the guest's SIGBUS; the page is
// marked so the next touch faults through the TLB fill hook instead.
bool GuestBusFault(const siginfo_t& info, void* ucontext) {
  Task* task = t_task;
  if (!task) return false;
  uint8_t* host = static_cast<uint8_t*>(info.si_addr);
  if (host < task->memory.base() || host >= task->memory.base() + task->memory.size()) return false;
  uint64_t guest = static_cast<uint64_t>(host - task->memory.base());
  task->memory.MarkPageBeyondEof(guest);
  task->fault = {true, false, guest, GuestFault::kBusAdrErr, SIGBUS, true};
  // The handler's blocked mask would outlive the jump out of it.
  sigprocmask(SIG_SETMASK, &static_cast<ucontext_t*>(ucontext)->uc_sigmask, nullptr);
  if (AbandonGuestAccess(task->uc, task->arch, ucontext)) return true;  // not reached: it jumps
  task->fault.pending = false;
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);  // back to the handler's mask: ferry dies as before
  return false;
}

// Which thread should take a process-directed signal: this one if it does
// not block it, else the first that does not (null: all block it). Under
// --seed (Process::deterministic) the thread a host signal landed on does
// not count: always the first in slot order (the main thread's is first,
// then the others in creation order while none has exited), as the
// kernel's complete_signal tries the thread group's leader and then walks
// its threads in creation order. Only that thread takes it then
// (ProcessSignalsFor).
ThreadSlot* ChooseThread(const Process& process, const Task* self, int sig) {
  if (self && !process.deterministic && !(self->sigmask.load() & SignalBit(sig))) return &self->slot;
  for (const ThreadSlot& slot : process.slots) {
    if (slot.tid.load() && !(slot.sigmask.load() & SignalBit(sig))) return const_cast<ThreadSlot*>(&slot);
  }
  return nullptr;
}

// The process-directed signals pending that `task` may take as it runs:
// all of them, or under --seed only those ChooseThread names it for, so the
// thread that handles one does not depend on which thread looks first.
uint64_t ProcessSignalsFor(const Task& task) {
  uint64_t pending = task.process.pending.Mask();
  if (!pending || !task.process.deterministic) return pending;
  uint64_t mine = 0;
  for (int sig = 1; pending; ++sig, pending >>= 1) {
    if ((pending & 1) && ChooseThread(task.process, nullptr, sig) == &task.slot) mine |= SignalBit(sig);
  }
  return mine;
}

// A signal for the guest while a thread prepares an execve. The kernel
// would keep a process-directed one pending across the exec (where the
// exec'ing thread does not take it first) and meet it with the next
// program's disposition; ferry's store ends with the exec, and a default
// action taken early would disregard the other threads' guest masks.
// - On the exec'ing thread (its guest mask let the signal in, just before
//   the execve): the next program's disposition, the default (an ignored
//   signal never gets here), takes it.
// - On another thread (which the exec ends): it takes nothing more but the
//   kick. A process-directed signal goes on to the exec'ing thread, whose
//   queue the exec keeps: taken there as above, or pending in the next
//   program (a queued code goes as it came; the kernel lets a thread
//   queue a kill()'s or its own codes only to itself, so those go as a
//   tgkill). One aimed at this thread waits in its own queue: it ends with
//   the thread, as in the kernel, or is taken if the exec fails.
void KeepForNextProgram(int sig, siginfo_t* info, void* ucontext, pid_t exec_thread, bool to_this_thread) {
  pid_t self = static_cast<pid_t>(HostSyscall(SYS_gettid));
  pid_t pid = getpid();
  if (self == exec_thread) {
    KernelSigaction dfl{};
    HostSyscall(SYS_rt_sigaction, sig, reinterpret_cast<uint64_t>(&dfl), 0, 8);
    HostSyscall(SYS_rt_tgsigqueueinfo, pid, self, sig, reinterpret_cast<uint64_t>(info));  // taken after the handler
    return;
  }
  sigset_t& mask = static_cast<ucontext_t*>(ucontext)->uc_sigmask;
  t_blocked_for_exec = true;
  sigfillset(&mask);
  sigdelset(&mask, KickSignal());
  if (to_this_thread) {
    // (The kick's number stays open: a guest signal on it would come straight back.)
    if (sig != KickSignal()) HostSyscall(SYS_rt_tgsigqueueinfo, pid, self, sig, reinterpret_cast<uint64_t>(info));
    return;
  }
  if (info->si_code < 0 && info->si_code != SI_TKILL) {
    HostSyscall(SYS_rt_tgsigqueueinfo, pid, exec_thread, sig, reinterpret_cast<uint64_t>(info));
  } else {
    HostSyscall(SYS_tgkill, pid, exec_thread, sig);
  }
}

// After a failed execve (a kick), or in a forked child: a thread that
// blocked itself for an exec takes signals again, with the quiet ones it
// holds off still held.
void UnblockAfterExec(sigset_t* mask) {
  t_blocked_for_exec = false;
  sigemptyset(mask);
  uint64_t held = t_task ? t_task->slot.held_quiet.load(std::memory_order_relaxed) : 0;
  for (int sig = 1; sig <= kGuestSignals; ++sig) {
    if (held & SignalBit(sig)) sigaddset(mask, sig);
  }
}

void OnHostSignal(int sig, siginfo_t* info, void* ucontext) {
  RedirectIfBeforeSafeSyscall(ucontext);
  Task* task = t_task;
  if (IsKick(info)) {  // another thread's request, or the re-kick timer: stop if still needed
    if (t_blocked_for_exec && !g_exec_thread.load()) {  // the exec failed: take signals again
      UnblockAfterExec(&static_cast<ucontext_t*>(ucontext)->uc_sigmask);
    }
    if (task && (NextActionableSignal(*task) || DebuggerStopPending() || CpuWanted(*task) ||
                 HeldSignalsStale(*task))) {
      Kick();
    }
    return;
  }
  if (sig == SIGBUS && info->si_code == BUS_ADRERR && task && GuestBusFault(*info, ucontext)) return;
  if (IsFerryFault(sig, info)) {
    // ferry's own bug: the internal-error report ends ferry; without one,
    // the re-executed fault kills it.
    signal(sig, SIG_DFL);
    if (GetCrashHooks().internal_error) GetCrashHooks().internal_error(nullptr, info, ucontext);
    return;
  }
  if (sig == SIGCHLD && IsHelperPid(info->si_pid)) {  // a helper's ptrace stop: just wake the waiter
    Wake();
    return;
  }
  Process* process = task ? &task->process : g_process.load();
  if (!process) return;
  // tgkill and SIGEV_THREAD_ID timers aim at one thread; anything else is
  // for the process, taken by a thread that does not block it.
  bool to_this_thread = task && (info->si_code == SI_TKILL || FromThreadTimer(*info));
  g_handlers_queuing.fetch_add(1);
  if (pid_t exec_thread = g_exec_thread.load()) {
    KeepForNextProgram(sig, info, ucontext, exec_thread, to_this_thread);
    g_handlers_queuing.fetch_sub(1);
    return;
  }
  ThreadSlot* target = to_this_thread ? &task->slot : ChooseThread(*process, task, sig);
  // A signal whose default action kills the guest kills it now, wherever
  // ferry is, as the kernel would (Ctrl-C on a guest that never syscalls).
  if (target && DispositionFor(*process, target->sigmask.load(), sig) == Disposition::kTerminate) {
    // The guest's own abort() (or raise of a fault signal) on this thread:
    // the crash report, from here. Only inside a syscall (its tgkill), not
    // wherever else ferry may have been (in malloc, say).
    if (task && to_this_thread && task->current_row && info->si_pid == getpid() && IsCrashSignal(sig) &&
        GetCrashHooks().guest_crash) {
      GetCrashHooks().guest_crash(*task, *info);
    }
    if (process->tracer) process->tracer->KilledFromHandler(*info);
    DieBySignal(sig);
  }
  if ((to_this_thread ? task->slot.pending : process->pending).Add(sig, *info)) {
    NoteSignalfdSignals(*process, to_this_thread ? &task->slot : nullptr);
  }
  g_handlers_queuing.fetch_sub(1);
  Wake();
  // A handler or a stop to run: the CPU stops at its next block so the run
  // loop delivers it, even if the guest makes no syscall.
  if (target) KickThread(*target);
}


bool DefaultIgnores(int sig) { return kIgnoredByDefault & SignalBit(sig); }
bool DefaultStops(int sig) {
  return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

siginfo_t UserSiginfo(int sig) {
  siginfo_t info;
  memset(&info, 0, sizeof info);
  info.si_signo = sig;
  info.si_code = SI_USER;
  info.si_pid = getpid();
  info.si_uid = getuid();
  return info;
}

// Stops ferry by `sig` itself (SIGTSTP, SIGTTIN, SIGTTOU or SIGSTOP) with its
// default action, then puts ferry's handler back once continued.
void StopBy(int sig) {
  struct sigaction ours, dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  if (sig != SIGSTOP) sigaction(sig, &dfl, &ours);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, sig);
  sigset_t old;
  sigprocmask(SIG_UNBLOCK, &only, &old);
  raise(sig);  // stops here until SIGCONT
  sigprocmask(SIG_SETMASK, &old, nullptr);
  if (sig != SIGSTOP) sigaction(sig, &ours, nullptr);
}

}  // namespace

void SetCurrentTask(Task* task) {
  t_task = task;
  if (task) g_process.store(&task->process);
}
Task* CurrentTask() { return t_task; }


void DieBySignal(int sig) {
  EndOwnHelpers();
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  raise(sig);
  _exit(128 + sig);
}

void InheritHostSignalState(Task& task) {
  for (int sig = 1; sig <= kGuestSignals; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    KernelSigaction old;
    if (HostSyscall(SYS_rt_sigaction, sig, 0, reinterpret_cast<uint64_t>(&old), 8) == 0 &&
        reinterpret_cast<uintptr_t>(old.handler) == reinterpret_cast<uintptr_t>(SIG_IGN)) {
      task.process.sigactions[sig].handler = 1;  // the guest's SIG_IGN
    }
  }
  uint64_t mask = 0;
  HostSyscall(SYS_rt_sigprocmask, SIG_BLOCK, 0, reinterpret_cast<uint64_t>(&mask), 8);
  task.sigmask = mask & ~kUnblockableSignals;
}

void PrepareHostSignalsForExec(Task& task) {
  uint64_t all = ~uint64_t{0};
  HostSyscall(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<uint64_t>(&all), 0, 8);
  // From here the handlers keep what comes for the next program
  // (KeepForNextProgram); the ones already queuing into ferry's store
  // finish first, so the store is moved whole below.
  g_exec_thread.store(task.tid);
  t_blocked_for_exec = false;  // blocked for an earlier exec that failed: the mask is set below
  while (g_handlers_queuing.load() != 0) sched_yield();
  // What the guest ignores the next program ignores. Every other signal
  // keeps ferry's handler, which the exec resets to SIG_DFL: the other
  // threads run until the exec ends them, and a default action taken on
  // one of them before would disregard the guest's masks (a kick queued to
  // one would kill the process).
  for (int sig = 1; sig <= kGuestSignals; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP || task.process.sigactions[sig].handler != 1) continue;
    KernelSigaction act{};
    act.handler = reinterpret_cast<void (*)(int, siginfo_t*, void*)>(SIG_IGN);
    HostSyscall(SYS_rt_sigaction, sig, reinterpret_cast<uint64_t>(&act), 0, 8);
  }
  // ferry's own kicks must not reach the next program, whose default
  // action for them would kill it: no more are sent, the re-kick timer
  // goes, and kicks already queued are taken (anything else queued on that
  // signal stays).
  CloseKicksForExec();
  DisableAsyncStop();
  std::vector<siginfo_t> not_kicks;
  sigset_t kick;
  sigemptyset(&kick);
  sigaddset(&kick, KickSignal());
  struct timespec now = {0, 0};
  siginfo_t info;
  while (sigtimedwait(&kick, &info, &now) == KickSignal()) {
    if (!IsKick(&info)) not_kicks.push_back(info);
  }
  for (siginfo_t& queued : not_kicks) {
    HostSyscall(SYS_rt_tgsigqueueinfo, getpid(), task.tid, KickSignal(), reinterpret_cast<uint64_t>(&queued));
  }
  // Pending signals survive execve in the kernel. Each goes back into this
  // thread's host queue, siginfo and all, where the next ferry finds it as
  // it installs its handlers (or the host's default action takes it).
  while (int sig = TakePendingSignal(task, ~uint64_t{0}, &info)) {
    info.si_signo = sig;
    HostSyscall(SYS_rt_tgsigqueueinfo, getpid(), task.tid, sig, reinterpret_cast<uint64_t>(&info));
  }
  uint64_t mask = task.sigmask;
  HostSyscall(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<uint64_t>(&mask), 0, 8);
}

void RestoreHostSignalsAfterFailedExec() {
  uint64_t all = ~uint64_t{0};
  HostSyscall(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<uint64_t>(&all), 0, 8);
  g_exec_thread.store(0);  // the other threads: the kicks that follow let signals in again
  InstallHostSignalHandlers();
}

void InstallHostSignalHandlers() {
  // glibc refuses handlers for 32 and 33 and hides its x86_64 restorer, so
  // install one signal through libc and reuse the restorer it chose.
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = OnHostSignal;
  sa.sa_flags = SA_SIGINFO;
  sigfillset(&sa.sa_mask);
  sigaction(SIGUSR1, &sa, nullptr);
  KernelSigaction k;
  HostSyscall(SYS_rt_sigaction, SIGUSR1, 0, reinterpret_cast<uint64_t>(&k), 8);
  for (int sig = 1; sig <= kGuestSignals; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    KernelSigaction act = k;
    HostSyscall(SYS_rt_sigaction, sig, reinterpret_cast<uint64_t>(&act), 0, 8);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

void ReclaimLibcSignals() {
  KernelSigaction k;
  HostSyscall(SYS_rt_sigaction, SIGUSR1, 0, reinterpret_cast<uint64_t>(&k), 8);
  for (int sig : {32, 33}) {
    KernelSigaction act = k;
    HostSyscall(SYS_rt_sigaction, sig, reinterpret_cast<uint64_t>(&act), 0, 8);
  }
}

void QueueGuestSignal(Task& task, int sig, const siginfo_t* info) {
  siginfo_t user = UserSiginfo(sig);
  HostSignalsBlocked blocked;
  if (task.slot.pending.Add(sig, info ? *info : user)) NoteSignalfdSignals(task.process, &task.slot);
  Wake();
}

void QueueProcessSignal(Process& process, int sig, const siginfo_t& info) {
  HostSignalsBlocked blocked;
  if (process.pending.Add(sig, info)) NoteSignalfdSignals(process);
  Wake();
  if (ThreadSlot* target = ChooseThread(process, t_task, sig)) KickThread(*target);
}

void NoteThreadTimer(int timer_id, bool thread_directed) {
  if (timer_id >= 0 && timer_id < kTimerIds) g_thread_timers[timer_id].store(thread_directed);
}

void QueueThreadSignal(ThreadSlot& slot, int sig, const siginfo_t& info) {
  HostSignalsBlocked blocked;
  Process* process = g_process.load();
  if (slot.pending.Add(sig, info) && process) NoteSignalfdSignals(*process, &slot);
  Wake();
  KickThread(slot);
}

void RetargetProcessSignals(Task& task, uint64_t newly_blocked) {
  uint64_t orphaned = task.process.pending.Mask() & newly_blocked;
  for (int sig = 1; orphaned; ++sig, orphaned >>= 1) {
    if (!(orphaned & 1)) continue;
    if (ThreadSlot* target = ChooseThread(task.process, nullptr, sig)) KickThread(*target);
  }
}

void ForgetPendingSignalsAfterFork(Task& task) {
  HostSignalsBlocked blocked;
  // Made anew, not cleared: another thread (a handler adding to the
  // process's set, a thread exiting) may have held their spinlocks at the fork.
  new (&task.slot.pending) PendingSignals();
  new (&task.process.pending) PendingSignals();
  RenewSignalfdsAfterFork();
  // Another thread's handler may have been counted, or its execve under
  // way, at the fork: neither exists here.
  g_handlers_queuing.store(0);
  g_exec_thread.store(0);
}

void TakeSignalsAgainAfterFork() {
  if (!t_blocked_for_exec) return;
  sigset_t mask;
  UnblockAfterExec(&mask);
  sigprocmask(SIG_SETMASK, &mask, nullptr);
}

uint64_t PendingGuestSignals(const Task& task) {
  return task.slot.pending.Mask() | task.process.pending.Mask();
}

int TakePendingSignal(Task& task, uint64_t set, siginfo_t* info) {
  int sig;
  {
    HostSignalsBlocked blocked;
    sig = task.slot.pending.Take(set, info);
    if (!sig) sig = task.process.pending.Take(set, info);
  }
  if (sig) SyncSignalfds(task.process);  // a signalfd with nothing left pending stops being readable
  return sig;
}

Disposition DispositionFor(const Process& process, uint64_t mask, int sig) {
  if (mask & SignalBit(sig)) return Disposition::kNone;
  uint64_t handler = process.sigactions[sig].handler;
  if (handler == kSigIgn) return Disposition::kNone;
  if (handler != kSigDfl) return Disposition::kHandler;
  if (DefaultIgnores(sig)) return Disposition::kNone;
  if (DefaultStops(sig)) return Disposition::kStop;
  return Disposition::kTerminate;
}

Disposition DispositionOf(const Task& task, int sig) {
  return DispositionFor(task.process, task.sigmask.load(), sig);
}

int NextActionableSignal(const Task& task) {
  uint64_t pending = task.slot.pending.Mask() | ProcessSignalsFor(task);
  for (int sig = 1; pending; ++sig, pending >>= 1) {
    if ((pending & 1) && DispositionOf(task, sig) != Disposition::kNone) return sig;
  }
  return 0;
}

int DeliverOneSignal(Task& task) {
  for (;;) {
    uint64_t pending = (task.slot.pending.Mask() | ProcessSignalsFor(task)) & ~task.sigmask.load();
    if (!pending) return 0;
    siginfo_t info;
    int sig = TakePendingSignal(task, pending, &info);
    if (!sig) return 0;
    if (task.process.tracer) task.process.tracer->Signal(info);
    switch (DispositionOf(task, sig)) {
      case Disposition::kNone:
        continue;  // ignored: discarded, as the kernel does
      case Disposition::kTerminate:
        task.End({true, sig});
        return sig;
      case Disposition::kStop:
        StopBy(sig);  // the parent's waitpid sees this signal, as for the guest
        return sig;
      case Disposition::kHandler:
        break;
    }
    GuestSigaction& act = task.process.sigactions[sig];
    uint64_t sp = task.ReadReg(task.arch.reg_sp);
    bool on_altstack = task.altstack.enabled && sp - task.altstack.sp < task.altstack.size;
    uint64_t top = sp;
    if ((act.flags & kSaOnstack) && task.altstack.enabled && !on_altstack) {
      top = task.altstack.sp + task.altstack.size;
    }
    uint64_t saved_mask = task.sigsuspend_active ? task.sigsuspend_saved_mask : task.sigmask.load();
    task.sigsuspend_active = false;
    arch::SignalFrameRequest request{
        .sig = sig,
        .siginfo = &info,
        .saved_mask = saved_mask,
        .stack_top = top,
        .stack_limit = (on_altstack || top != sp) ? task.altstack.sp : 0,
        .handler = act.handler,
        .restorer = (act.flags & kSaRestorer) && act.restorer ? act.restorer : task.process.sigreturn_trampoline,
        .altstack_sp = task.altstack.sp,
        .altstack_size = task.altstack.size,
        .altstack_flags = task.altstack.enabled ? (on_altstack ? SS_ONSTACK : 0) : SS_DISABLE,
    };
    if (!task.arch.push_signal_frame(task.uc, task.memory, request)) {
      task.End({true, SIGSEGV});  // no room for the frame: the kernel forces SIGSEGV
      return SIGSEGV;
    }
    uint64_t old_mask = task.sigmask.load();
    task.sigmask |= act.mask | ((act.flags & kSaNodefer) ? 0 : SignalBit(sig));
    task.sigmask &= ~kUnblockableSignals;
    RetargetProcessSignals(task, task.sigmask.load() & ~old_mask);
    if (act.flags & kSaResethand) act.handler = kSigDfl;  // the kernel resets only the handler
    return sig;
  }
}

void DeliverSignals(Task& task) {
  while (!task.ended && NextActionableSignal(task) && DeliverOneSignal(task)) {
  }
}

}  // namespace ferry
