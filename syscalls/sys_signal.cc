// The guest's signal calls: dispositions and the blocked mask live in ferry's
// records (the host's belong to ferry); waiting calls wait on ferry's queue.
#include <signal.h>

#include <sys/syscall.h>
#include <unistd.h>
#include <time.h>

#include <atomic>
#include <cerrno>
#include <limits>

#include "arch/generic/abi.h"
#include "restart/restart.h"
#include "host/host_syscall.h"
#include "runtime/quiet_signals.h"
#include "runtime/signals.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {


}  // namespace

int64_t SysRtSigaction(Task& task, const SyscallArgs& a) {
  int sig = static_cast<int>(a.raw[0]);
  if (a.raw[3] != kGuestSigsetSize) return -EINVAL;
  if (sig < 1 || sig > kGuestSignals) return -EINVAL;
  if (a.raw[1] && (sig == SIGKILL || sig == SIGSTOP)) return -EINVAL;
  guest::Sigaction act;
  if (a.raw[1] && !guest::ReadSigaction(task.arch, task.memory, a.raw[1], &act)) return -EFAULT;
  if (a.raw[2] && !guest::WriteSigaction(task.arch, task.memory, a.raw[2], task.process.sigactions[sig])) {
    return -EFAULT;
  }
  if (a.raw[1]) {
    act.mask &= ~kUnblockableSignals;
    task.process.sigactions[sig] = act;
    KickStaleHolders(task.process, sig);  // threads that hold it off on the host, now for nothing
  }
  return 0;
}

int64_t SysRtSigprocmask(Task& task, const SyscallArgs& a) {
  if (a.raw[3] != kGuestSigsetSize) return -EINVAL;
  if (a.raw[1] && a.raw[0] > SIG_SETMASK) return -EINVAL;
  uint64_t set = 0;
  if (a.raw[1] && !task.memory.Read(a.raw[1], &set, sizeof set)) return -EFAULT;
  uint64_t old = task.sigmask.load();
  if (a.raw[2] && !task.memory.Write(a.raw[2], &old, sizeof old)) return -EFAULT;
  if (!a.raw[1]) return 0;
  switch (a.raw[0]) {
    case SIG_BLOCK: task.sigmask |= set; break;
    case SIG_UNBLOCK: task.sigmask &= ~set; break;
    default: task.sigmask = set; break;
  }
  task.sigmask &= ~kUnblockableSignals;
  RetargetProcessSignals(task, task.sigmask.load() & ~old);
  return 0;
}

}  // namespace ferry


namespace ferry {
namespace {

// The guest's stack_t: ss_sp, ss_flags (int, padded), ss_size; as on x86_64.
struct GuestStack {
  uint64_t sp;
  int32_t flags;
  int32_t pad;
  uint64_t size;
};
constexpr uint64_t kMinSigstackSize = 2048;

int64_t MonotonicNs() {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec * 1000000000LL + now.tv_nsec;
}

}  // namespace

int64_t SysRtSigreturn(Task& task, const SyscallArgs&) {
  uint64_t frame = task.ReadReg(task.arch.reg_sp);
  if (!task.memory.Read(frame + task.arch.sigframe_mask_offset, &task.sigreturn_mask,
                        sizeof task.sigreturn_mask)) {
    task.sigreturn_mask = 0;
  }
  task.sigreturn_pending = true;  // dispatch restores the frame after the result is written
  return kNoReturn;
}

void FinishSigreturn(Task& task) {
  task.sigreturn_pending = false;
  arch::SignalFrameResult frame;
  if (!task.arch.pop_signal_frame(task.uc, task.memory, &frame)) {
    task.End({true, SIGSEGV});  // a corrupt frame: the kernel forces SIGSEGV
    return;
  }
  uint64_t old = task.sigmask.load();
  task.sigmask = frame.saved_mask & ~kUnblockableSignals;
  RetargetProcessSignals(task, task.sigmask.load() & ~old);
  task.restart_block = {};  // mirrors the kernel: sigreturn cancels a pending restart
}

int64_t SysSigaltstack(Task& task, const SyscallArgs& a) {
  uint64_t sp = task.ReadReg(task.arch.reg_sp);
  bool on_stack = task.altstack.enabled && sp - task.altstack.sp < task.altstack.size;
  if (a.raw[1]) {
    GuestStack old{task.altstack.sp, task.altstack.enabled ? (on_stack ? SS_ONSTACK : 0) : SS_DISABLE,
                   0, task.altstack.size};
    if (!task.memory.Write(a.raw[1], &old, sizeof old)) return -EFAULT;
  }
  if (!a.raw[0]) return 0;
  GuestStack ss;
  if (!task.memory.Read(a.raw[0], &ss, sizeof ss)) return -EFAULT;
  if (on_stack) return -EPERM;
  if (ss.flags & SS_DISABLE) {
    task.altstack = {};
    return 0;
  }
  constexpr int32_t kSsAutodisarm = 1 << 31;
  if (ss.flags & ~kSsAutodisarm) return -EINVAL;
  if (ss.size < kMinSigstackSize) return -ENOMEM;
  task.altstack = {ss.sp, ss.size, true};
  return 0;
}

int64_t SysRtSigsuspend(Task& task, const SyscallArgs& a) {
  if (a.raw[1] != kGuestSigsetSize) return -EINVAL;
  uint64_t mask;
  if (!task.memory.Read(a.raw[0], &mask, sizeof mask)) return -EFAULT;
  task.UseTemporaryMask(mask);
  for (;;) {
    uint32_t seen = SignalSequence().load();
    if (NextActionableSignal(task)) return restart::kInterrupted;  // the row's -ERESTARTNOHAND
    WaitForSignal(seen);
  }
}

int64_t SysRtSigpending(Task& task, const SyscallArgs& a) {
  if (a.raw[1] != kGuestSigsetSize) return -EINVAL;
  uint64_t set = PendingGuestSignals(task) & task.sigmask.load();
  return task.memory.Write(a.raw[0], &set, sizeof set) ? 0 : -EFAULT;
}

int64_t SysRtSigtimedwait(Task& task, const SyscallArgs& a) {
  if (a.raw[3] != kGuestSigsetSize) return -EINVAL;
  uint64_t set;
  if (!task.memory.Read(a.raw[0], &set, sizeof set)) return -EFAULT;
  set &= ~kUnblockableSignals;
  int64_t deadline = 0;
  if (a.raw[2]) {
    struct timespec ts;
    if (!task.memory.Read(a.raw[2], &ts, sizeof ts)) return -EFAULT;
    if (ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L || ts.tv_sec < 0) return -EINVAL;
    int64_t now = MonotonicNs();
    constexpr int64_t kMaxNs = std::numeric_limits<int64_t>::max();
    bool forever = ts.tv_sec > (kMaxNs - now) / 1000000000LL - 1;  // saturate: no timeout
    deadline = forever ? 0 : now + ts.tv_sec * 1000000000LL + ts.tv_nsec;
    if (!forever && deadline == 0) deadline = 1;
  }
  for (;;) {
    uint32_t seen = SignalSequence().load();
    siginfo_t info;
    if (int sig = TakePendingSignal(task, set, &info)) {
      if (a.raw[1] && !task.memory.Write(a.raw[1], &info, sizeof info)) return -EFAULT;
      return sig;
    }
    if (NextActionableSignal(task)) return restart::kInterrupted;  // the row's EINTR
    if (deadline && MonotonicNs() >= deadline) return -EAGAIN;
    WaitForSignal(seen, deadline);
  }
}

}  // namespace ferry

namespace ferry {
namespace {

// Signals a guest queues to its own process go straight into ferry's queue: through
// the host they would look like ferry's own faults when si_code > 0.
int64_t QueueToOwnProcess(Task& task, int sig, uint64_t guest_info) {
  if (sig < 1 || sig > kGuestSignals) return -EINVAL;
  siginfo_t info;
  if (!task.memory.Read(guest_info, &info, sizeof info)) return -EFAULT;
  info.si_signo = sig;
  QueueProcessSignal(task.process, sig, info);
  return 0;
}

}  // namespace

int64_t SysRtSigqueueinfo(Task& task, const SyscallArgs& a) {
  if (static_cast<pid_t>(a.raw[0]) == getpid()) return QueueToOwnProcess(task, static_cast<int>(a.raw[1]), a.raw[2]);
  return HostSyscall(SYS_rt_sigqueueinfo, a.raw[0], a.raw[1],
                     reinterpret_cast<uint64_t>(GuestBuffer(task, a.raw[2], sizeof(siginfo_t))));
}

int64_t SysRtTgsigqueueinfo(Task& task, const SyscallArgs& a) {
  // One of our own threads, this one included (pthread_sigqueue): into its
  // own queue. Through the host, SI_QUEUE would reach whichever thread the
  // kernel picks, as if sent to the whole process.
  if (static_cast<pid_t>(a.raw[0]) == getpid()) {
    int sig = static_cast<int>(a.raw[2]);
    if (sig < 1 || sig > kGuestSignals) return -EINVAL;
    for (ThreadSlot& slot : task.process.slots) {
      if (slot.tid.load() != static_cast<pid_t>(a.raw[1])) continue;
      siginfo_t info;
      if (!task.memory.Read(a.raw[3], &info, sizeof info)) return -EFAULT;
      info.si_signo = sig;
      QueueThreadSignal(slot, sig, info);
      return 0;
    }
  }
  return HostSyscall(SYS_rt_tgsigqueueinfo, a.raw[0], a.raw[1], a.raw[2],
                     reinterpret_cast<uint64_t>(GuestBuffer(task, a.raw[3], sizeof(siginfo_t))));
}

namespace {

// Timers on a clock --time shifts, by host timer id (timer_settime's
// TIMER_ABSTIME expiries are on that clock).
constexpr int kWallClockTimerIds = 4096;
std::atomic<bool> g_wall_clock_timers[kWallClockTimerIds];

void NoteWallClockTimer(int64_t timer_id, bool wall_clock) {
  if (timer_id >= 0 && timer_id < kWallClockTimerIds) g_wall_clock_timers[timer_id].store(wall_clock);
}

}  // namespace

// timer_create: the guest's struct sigevent is x86_64's on both arches.
int64_t SysTimerCreate(Task& task, const SyscallArgs& a) {
  struct sigevent event;
  struct sigevent* event_ptr = nullptr;
  if (a.raw[1]) {
    if (!task.memory.Read(a.raw[1], &event, sizeof event)) return -EFAULT;
    event_ptr = &event;
  }
  int timer_id;
  int64_t r = HostSyscall(SYS_timer_create, a.raw[0], reinterpret_cast<uint64_t>(event_ptr),
                          reinterpret_cast<uint64_t>(&timer_id));
  if (r < 0) return r;
  if (!task.memory.Write(a.raw[2], &timer_id, sizeof timer_id)) {
    HostSyscall(SYS_timer_delete, timer_id);
    return -EFAULT;
  }
  NoteThreadTimer(timer_id, event_ptr && event.sigev_notify == SIGEV_THREAD_ID);
  NoteWallClockTimer(timer_id, ShiftedClock(task, static_cast<int64_t>(a.raw[0])));
  return 0;
}

int64_t SysTimerSettime(Task& task, const SyscallArgs& a) {
  int64_t id = static_cast<int64_t>(a.raw[0]);
  bool wall_clock = id >= 0 && id < kWallClockTimerIds && g_wall_clock_timers[id].load();
  if (!(a.raw[1] & TIMER_ABSTIME) || !wall_clock || !a.raw[2]) return HostCallAs(task, a, SYS_timer_settime);
  struct itimerspec value;
  if (!task.memory.Read(a.raw[2], &value, sizeof value)) return -EFAULT;
  if (value.it_value.tv_sec || value.it_value.tv_nsec) {  // zero disarms, on any clock
    if (value.it_value.tv_nsec < 0 || value.it_value.tv_nsec >= 1000000000L) return -EINVAL;
    value.it_value = HostRealtime(task, value.it_value);
    if (!value.it_value.tv_sec && !value.it_value.tv_nsec) value.it_value.tv_nsec = 1;  // past, not disarmed
  }
  return HostSyscall(SYS_timer_settime, a.raw[0], a.raw[1], reinterpret_cast<uint64_t>(&value),
                     HostAddress(task, a.raw[3], sizeof(struct itimerspec)));
}

int64_t SysTimerDelete(Task&, const SyscallArgs& a) {
  int64_t r = HostSyscall(SYS_timer_delete, a.raw[0]);
  if (r == 0) {
    NoteThreadTimer(static_cast<int>(a.raw[0]), false);
    NoteWallClockTimer(static_cast<int64_t>(a.raw[0]), false);
  }
  return r;
}

}  // namespace ferry
