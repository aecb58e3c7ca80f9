#include "translator/signals.h"

#include <linux/futex.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "translator/host_syscall.h"
#include "translator/safe_syscall.h"
#include <ucontext.h>

#include "translator/async_stop.h"
#include "translator/strace.h"
#include "translator/syscall_helper.h"

namespace translator {
namespace {

constexpr int kFirstRt = 32;
constexpr int kRtQueueSize = 256;
uint64_t Bit(int sig) { return uint64_t{1} << (sig - 1); }

// Filled by the host handler, which runs with every signal blocked, so one
// producer at a time; the guest thread is the only consumer.
struct PendingSet {
  std::atomic<uint64_t> standard{0};  // bits of pending signals 1..31
  siginfo_t standard_info[kFirstRt];
  siginfo_t rt_queue[kRtQueueSize];   // real-time signals keep order and payload
  std::atomic<uint32_t> rt_head{0}, rt_tail{0};
  std::atomic<uint32_t> sequence{0};
};
PendingSet g_pending;


void Wake() {
  g_pending.sequence.fetch_add(1);
  HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(&g_pending.sequence), FUTEX_WAKE_PRIVATE, INT32_MAX);
}

void Enqueue(int sig, const siginfo_t* info) {
  if (sig < kFirstRt) {
    if (!(g_pending.standard.load() & Bit(sig))) {  // standard signals do not queue
      g_pending.standard_info[sig] = *info;
      g_pending.standard.fetch_or(Bit(sig));
    }
  } else {
    uint32_t tail = g_pending.rt_tail.load();
    if (tail - g_pending.rt_head.load() < kRtQueueSize) {
      g_pending.rt_queue[tail % kRtQueueSize] = *info;
      g_pending.rt_tail.store(tail + 1);
    }
  }
  Wake();
}



bool IsFerryFault(int sig, const siginfo_t* info) {
  bool fault_signal = sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
                      sig == SIGTRAP || sig == SIGSYS;
  return fault_signal && info->si_code > 0;  // raised by the kernel for ferry's own code
}

std::atomic<const Task*> g_task{nullptr};
Task* g_mutable_task = nullptr;

// A guest load or store on a file mapping whose file shrank under it: the
// host raises SIGBUS inside translated code. The access is abandoned (the
// guest PC goes back to it) and becomes the guest's SIGBUS; the page is
// marked so the next touch faults through the TLB fill hook instead.
bool GuestBusFault(const siginfo_t& info, void* ucontext) {
  Task* task = g_mutable_task;
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

void OnHostSignal(int sig, siginfo_t* info, void* ucontext) {
  RedirectIfBeforeSafeSyscall(ucontext);
  const Task* task = g_task.load();
  if (IsKick(info)) {  // the re-kick timer: stop again if a signal still waits
    if (task && NextActionableSignal(*task)) Kick();
    return;
  }
  if (sig == SIGBUS && info->si_code == BUS_ADRERR && task && GuestBusFault(*info, ucontext)) return;
  if (IsFerryFault(sig, info)) {
    signal(sig, SIG_DFL);  // ferry's own bug: let the re-executed fault kill it
    return;
  }
  if (sig == SIGCHLD && IsHelperPid(info->si_pid)) {  // a helper's ptrace stop: just wake the waiter
    Wake();
    return;
  }
  // A signal whose default action kills the guest kills it now, wherever
  // ferry is, as the kernel would (Ctrl-C on a guest that never syscalls).
  if (task && DispositionOf(*task, sig) == Disposition::kTerminate) {
    if (task->tracer) task->tracer->KilledFromHandler(*info);
    DieBySignal(sig);
  }
  Enqueue(sig, info);
  // A handler or a stop to run: the CPU stops at its next block so the run
  // loop delivers it, even if the guest makes no syscall.
  Disposition now = task ? DispositionOf(*task, sig) : Disposition::kNone;
  if (now == Disposition::kHandler || now == Disposition::kStop) Kick();
}

// The kernel's struct sigaction for rt_sigaction(2) on x86_64.
struct KernelSigaction {
  void (*handler)(int, siginfo_t*, void*);
  unsigned long flags;
  void (*restorer)();
  uint64_t mask;
};

bool DefaultIgnores(int sig) {
  return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}
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

void SetSignalTask(const Task* task) { g_task.store(task); }
void SetMutableSignalTask(Task* task) {
  g_mutable_task = task;
  g_task.store(task);
}

void WakeSignalWaiters() { Wake(); }

void DieBySignal(int sig) {
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
      task.sigactions[sig].handler = 1;  // the guest's SIG_IGN
    }
  }
  uint64_t mask = 0;
  HostSyscall(SYS_rt_sigprocmask, SIG_BLOCK, 0, reinterpret_cast<uint64_t>(&mask), 8);
  task.sigmask = mask & ~kUnblockableSignals;
}

void PrepareHostSignalsForExec(const Task& task) {
  uint64_t all = ~uint64_t{0};
  HostSyscall(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<uint64_t>(&all), 0, 8);
  for (int sig = 1; sig <= kGuestSignals; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    KernelSigaction act{};
    act.handler = task.sigactions[sig].handler == 1 ? reinterpret_cast<void (*)(int, siginfo_t*, void*)>(SIG_IGN)
                                                    : nullptr;  // SIG_DFL
    HostSyscall(SYS_rt_sigaction, sig, reinterpret_cast<uint64_t>(&act), 0, 8);
  }
  uint64_t mask = task.sigmask;
  HostSyscall(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<uint64_t>(&mask), 0, 8);
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

std::atomic<uint32_t>& SignalSequence() { return g_pending.sequence; }

void WaitForSignal(uint32_t seen, int64_t deadline_ns) {
  struct timespec timeout, *tp = nullptr;
  if (deadline_ns) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t left = deadline_ns - (now.tv_sec * 1000000000LL + now.tv_nsec);
    if (left <= 0) return;
    timeout = {left / 1000000000LL, left % 1000000000LL};
    tp = &timeout;
  }
  HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(&g_pending.sequence), FUTEX_WAIT_PRIVATE, seen,
              reinterpret_cast<uint64_t>(tp));
}

// The queue has one writer at a time only if ferry's own code keeps the
// host handler out while it touches the queue.
class HostSignalsBlocked {
 public:
  HostSignalsBlocked() {
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &saved_);
  }
  ~HostSignalsBlocked() { sigprocmask(SIG_SETMASK, &saved_, nullptr); }

 private:
  sigset_t saved_;
};

void QueueGuestSignal(int sig, const siginfo_t* info) {
  siginfo_t user = UserSiginfo(sig);
  HostSignalsBlocked blocked;
  Enqueue(sig, info ? info : &user);
}

void ForgetPendingSignalsAfterFork() {
  HostSignalsBlocked blocked;
  g_pending.standard.store(0);
  g_pending.rt_head.store(g_pending.rt_tail.load());
}

uint64_t PendingGuestSignals() {
  uint64_t set = g_pending.standard.load();
  for (uint32_t i = g_pending.rt_head.load(); i != g_pending.rt_tail.load(); ++i) {
    set |= Bit(g_pending.rt_queue[i % kRtQueueSize].si_signo);
  }
  return set;
}

int TakePendingSignal(uint64_t set, siginfo_t* info) {
  HostSignalsBlocked blocked;
  uint64_t standard = g_pending.standard.load() & set;
  if (standard) {
    int sig = __builtin_ctzll(standard) + 1;
    *info = g_pending.standard_info[sig];
    g_pending.standard.fetch_and(~Bit(sig));
    return sig;
  }
  // Lowest-numbered real-time signal first, in arrival order among equals.
  uint32_t head = g_pending.rt_head.load(), tail = g_pending.rt_tail.load();
  int best = 0;
  uint32_t best_at = 0;
  for (uint32_t i = head; i != tail; ++i) {
    int sig = g_pending.rt_queue[i % kRtQueueSize].si_signo;
    if ((set & Bit(sig)) && (best == 0 || sig < best)) {
      best = sig;
      best_at = i;
    }
  }
  if (!best) return 0;
  *info = g_pending.rt_queue[best_at % kRtQueueSize];
  for (uint32_t i = best_at; i + 1 != tail; ++i) {
    g_pending.rt_queue[i % kRtQueueSize] = g_pending.rt_queue[(i + 1) % kRtQueueSize];
  }
  g_pending.rt_tail.store(tail - 1);
  return best;
}

Disposition DispositionOf(const Task& task, int sig) {
  if (task.sigmask & Bit(sig)) return Disposition::kNone;
  uint64_t handler = task.sigactions[sig].handler;
  if (handler == kSigIgn) return Disposition::kNone;
  if (handler != kSigDfl) return Disposition::kHandler;
  if (DefaultIgnores(sig)) return Disposition::kNone;
  if (DefaultStops(sig)) return Disposition::kStop;
  return Disposition::kTerminate;
}

int NextActionableSignal(const Task& task) {
  uint64_t pending = PendingGuestSignals();
  for (int sig = 1; pending; ++sig, pending >>= 1) {
    if ((pending & 1) && DispositionOf(task, sig) != Disposition::kNone) return sig;
  }
  return 0;
}

int DeliverOneSignal(Task& task) {
  for (;;) {
    uint64_t pending = PendingGuestSignals() & ~task.sigmask;
    if (!pending) return 0;
    siginfo_t info;
    int sig = TakePendingSignal(pending, &info);
    if (!sig) return 0;
    if (task.tracer) task.tracer->Signal(info);
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
    GuestSigaction& act = task.sigactions[sig];
    uint64_t sp = task.ReadReg(task.arch.reg_sp);
    bool on_altstack = task.altstack.enabled && sp - task.altstack.sp < task.altstack.size;
    uint64_t top = sp;
    if ((act.flags & kSaOnstack) && task.altstack.enabled && !on_altstack) {
      top = task.altstack.sp + task.altstack.size;
    }
    uint64_t saved_mask = task.sigsuspend_active ? task.sigsuspend_saved_mask : task.sigmask;
    task.sigsuspend_active = false;
    arch::SignalFrameRequest request{
        .sig = sig,
        .siginfo = &info,
        .saved_mask = saved_mask,
        .stack_top = top,
        .stack_limit = (on_altstack || top != sp) ? task.altstack.sp : 0,
        .handler = act.handler,
        .restorer = (act.flags & kSaRestorer) && act.restorer ? act.restorer : task.sigreturn_trampoline,
        .altstack_sp = task.altstack.sp,
        .altstack_size = task.altstack.size,
        .altstack_flags = task.altstack.enabled ? (on_altstack ? SS_ONSTACK : 0) : SS_DISABLE,
    };
    if (!task.arch.push_signal_frame(task.uc, task.memory, request)) {
      task.End({true, SIGSEGV});  // no room for the frame: the kernel forces SIGSEGV
      return SIGSEGV;
    }
    task.sigmask |= act.mask | ((act.flags & kSaNodefer) ? 0 : Bit(sig));
    task.sigmask &= ~kUnblockableSignals;
    if (act.flags & kSaResethand) act.handler = kSigDfl;  // the kernel resets only the handler
    return sig;
  }
}

void DeliverSignals(Task& task) {
  while (!task.ended && NextActionableSignal(task) && DeliverOneSignal(task)) {
  }
}

void RaiseSignalsForResult(const SyscallRow* row, const uint64_t raw[6], int64_t result) {
  if (result == -EPIPE) {
    bool nosignal = false;
    for (int i = 0; row && i < row->nargs; ++i) {
      nosignal |= row->args[i] == Arg::kMsgFlags && (raw[i] & MSG_NOSIGNAL);
    }
    if (!nosignal) QueueGuestSignal(SIGPIPE);
  }
  if (result == -EFBIG) QueueGuestSignal(SIGXFSZ);
}

}  // namespace translator
