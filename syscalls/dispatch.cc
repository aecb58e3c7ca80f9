#include "syscalls/dispatch.h"

#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>

#include "restart/restart.h"
#include "runtime/cpu.h"
#include "runtime/crash_hooks.h"
#include "runtime/quiet_signals.h"
#include "runtime/signals.h"
#include "runtime/threads.h"
#include "syscalls/syscall_handlers.h"
#include "syscalls/syscall_table.h"

namespace ferry {
namespace {

// After a call whose result carries a kernel-raised signal (EPIPE: SIGPIPE,
// unless the call's send flags hold MSG_NOSIGNAL; EFBIG: SIGXFSZ), queue it
// as the kernel would have.
void RaiseSignalsForResult(Task& task, const SyscallRow* row, const uint64_t raw[6], int64_t result) {
  if (result == -EPIPE) {
    bool nosignal = false;
    for (int i = 0; row && i < row->nargs; ++i) {
      nosignal |= row->args[i] == Arg::kMsgFlags && (raw[i] & MSG_NOSIGNAL);
    }
    if (!nosignal) QueueGuestSignal(task, SIGPIPE);
  }
  if (result == -EFBIG) QueueGuestSignal(task, SIGXFSZ);
}

// A call a signal interrupted: the kernel's restart rules (restart/) decide
// whether the guest sees EINTR or the call runs again once the handler (if
// any) returns. Returns the guest's result, or kNoReturn after a rewind.
int64_t ApplyRestart(Task& task, const uint64_t raw[6], int64_t code) {
  int sig = NextActionableSignal(task);
  bool handler = sig && DispositionOf(task, sig) == Disposition::kHandler;
  bool sa_restart = handler && (task.process.sigactions[sig].flags & kSaRestart);
  switch (restart::Decide(code, handler, sa_restart)) {
    case restart::Action::kReturnResult:
      return code;
    case restart::Action::kReturnEintr:
      return restart::kEintr;
    case restart::Action::kRestartViaRestartSyscall:
      task.WriteReg(task.arch.reg_syscall_nr, GuestSyscallNumber(sysno::restart_syscall, task.arch));
      break;
    case restart::Action::kRestart:
      break;
  }
  task.WriteReg(task.arch.reg_pc, task.ReadReg(task.arch.reg_pc) - task.arch.syscall_insn_size);
  task.WriteReg(task.arch.reg_args[0], raw[0]);
  return kNoReturn;
}

void WarnUnknownOnce(const Task& task, uint64_t nr, const SyscallRow* row) {
  static std::mutex warned_lock;  // threads may warn at once
  static std::set<uint64_t> warned;
  std::lock_guard<std::mutex> lock(warned_lock);
  // An exec wrapper prints nothing of its own unless asked (-v).
  if (!task.options.verbose || task.options.quiet || !warned.insert(nr).second) return;
  if (row) {
    fprintf(stderr, "ferry: warning: unsupported syscall %s (%llu); returning ENOSYS\n", row->name,
            static_cast<unsigned long long>(nr));
  } else {
    fprintf(stderr, "ferry: warning: unsupported syscall %llu; returning ENOSYS\n",
            static_cast<unsigned long long>(nr));
  }
}

// A stop for `catch syscall` inside the syscall hook. False when gdb killed
// the guest (the call must not run).
bool DebugSyscallStop(Task& task, const char* what, uint64_t nr) {
  char reason[64];
  snprintf(reason, sizeof reason, "%s:%llx;", what, static_cast<unsigned long long>(nr));
  DebugAction action = DebugStop(task, SIGTRAP, reason);
  if (action.how == DebugResume::kKill) {
    task.End({true, SIGKILL});
    return false;
  }
  if (action.signal) QueueGuestSignal(task, action.signal);
  return true;
}

// A handler did what its row does not say (ran a helper call from an inline
// row, stored a restart block its row lacks): the table would lie to the
// support list and to anyone reasoning about signals. Checked always; fatal
// when FERRY_CHECK_ROWS is set (the tests set it), else a warning under -v.
void RowViolated(const Task& task, const SyscallRow& row, const char* what) {
  static const bool fatal = getenv("FERRY_CHECK_ROWS") != nullptr;
  char text[200];
  snprintf(text, sizeof text, "%s %s", row.name, what);
  if (fatal) InternalError(text);
  if (task.options.verbose && !task.options.quiet) fprintf(stderr, "ferry: warning: %s\n", text);
}

void CheckWhereItRan(const Task& task, const SyscallRow& row) {
  if (!(task.ran & ~AllowedPlaces(row.cls))) return;
  RowViolated(task, row, (task.ran & kRanInHelper) ? "ran in the syscall helper, which its row's class does not allow"
                                                   : "ran as a safe syscall, which its row's class does not allow");
}

// A wait a signal broke off ends as the row's restart tag says (restart::
// ForRule): the handlers only report that it was interrupted.
int64_t ByRestartRule(const Task& task, const SyscallRow& row, int64_t result) {
  if (result == restart::kErestartRestartBlock && !row.restart_block) {
    RowViolated(task, row, "stored a restart block, which its row's restart tag does not say");
  }
  // Only kNever asks whether a signal (not ferry's own kick) ended the wait.
  bool signal_pending = row.restart == restart::Rule::kNever && NextActionableSignal(task) != 0;
  return restart::ForRule(result, row.restart, signal_pending);
}

// The futex calls neither look at the host's signal mask nor change what
// is quiet: a thread that hands off through futexes keeps its hold
// (runtime/quiet_signals.h).
bool KeepsQuietSignalsHeld(const SyscallRow* row) {
  return row && (row->nr == sysno::futex || row->nr == sysno::futex_waitv);
}

}  // namespace

void DispatchSyscall(Task& task) {
  const arch::ArchInfo& arch = task.arch;
  uint64_t nr = 0;
  uint64_t raw[6];
  int regs[7] = {arch.reg_syscall_nr, arch.reg_args[0], arch.reg_args[1], arch.reg_args[2],
                 arch.reg_args[3], arch.reg_args[4], arch.reg_args[5]};
  void* values[7] = {&nr, &raw[0], &raw[1], &raw[2], &raw[3], &raw[4], &raw[5]};
  uc_reg_read_batch(task.uc, regs, values, 7);

  // The crash report's ring: a fixed slot per call, filled in place.
  SyscallRecord& record = task.syscall_ring[task.syscall_count++ % kSyscallRing];
  record.nr = nr;
  memcpy(record.args, raw, sizeof record.args);
  record.result = kSyscallRunning;
  const SyscallRow* row = FindSyscall(nr, arch);
  // Quiet signals held off since a futex wait are let in before any other
  // call: it may read or change what they are, or wait on them.
  if (HoldsQuietSignals(task) && !KeepsQuietSignalsHeld(row)) ReleaseQuietSignals(task);
  // catch syscall: gdb sees the entry and the return (inside this hook,
  // where the registers describe the call).
  bool caught = AttachedDebugger(task) && AttachedDebugger(task)->CatchesSyscall(nr);
  if (caught && !DebugSyscallStop(task, "syscall_entry", nr)) return;
  timespec start{};
  if (task.process.tracer) {
    clock_gettime(CLOCK_REALTIME, &start);
    task.process.tracer->SyscallEnter(task, row, nr, raw, start);
  }
  int64_t result;
  // seccomp: the guest's filters decide first, on every number (known or
  // not), as the kernel's syscall entry runs them before the call.
  if (!SeccompCheck(task, nr, row, raw, &result)) {
    // The filter's answer stands in for the call's.
  } else if (row == nullptr || row->support == Support::kUnsupported) {
    WarnUnknownOnce(task, nr, row);
    result = -ENOSYS;
  } else {
    SyscallArgs args{{raw[0], raw[1], raw[2], raw[3], raw[4], raw[5]}, row};
    task.current_row = row;
    memcpy(task.current_args, raw, sizeof task.current_args);
    task.ran = 0;
    result = row->handler(task, args);
    task.current_row = nullptr;
    CheckWhereItRan(task, *row);
    if (restart::IsRestartCode(result)) result = ByRestartRule(task, *row, result);
  }
  int64_t traced = result;
  record.result = result;
  if (restart::IsRestartCode(result)) result = ApplyRestart(task, raw, result);
  // A forked child's own return from clone or clone3 is not shown, as under strace -f.
  bool fork_child = traced == 0 && row && (row->nr == sysno::clone || row->nr == sysno::clone3);
  // rt_sigreturn is shown once the frame is restored, with the value the
  // guest's first register gets back, as strace shows it.
  bool sigreturn = task.sigreturn_pending;
  auto trace = [&](int64_t shown) {
    timespec end;
    clock_gettime(CLOCK_REALTIME, &end);
    task.process.tracer->Syscall(task, row, nr, raw, shown, start, end);
    if (task.ended && !task.exit.signaled) {
      task.process.tracer->Exited(task.exit.value, task.exit.thread_only && task.process.live_threads > 1);
    }
  };
  if (task.process.tracer && !fork_child && !sigreturn) trace(traced);
  if (result != kNoReturn && !task.ended) task.WriteReg(arch.reg_args[0], static_cast<uint64_t>(result));
  if (caught && AttachedDebugger(task) && !task.ended && result != kNoReturn) DebugSyscallStop(task, "syscall_return", nr);
  RaiseSignalsForResult(task, row, raw, result);
  // A temporary mask ends before delivery unless a signal interrupted the
  // call (a restart code, or epoll_pwait's -EINTR), as in the kernel; then
  // the first frame saves the old mask.
  uint64_t call_mask = task.sigmask.load();
  if (!restart::IsRestartCode(traced) && traced != restart::kEintr) task.EndTemporaryMask();
  if (task.sigreturn_pending) FinishSigreturn(task);
  if (task.process.tracer && sigreturn) trace(static_cast<int64_t>(task.ReadReg(arch.reg_args[0])));
  DeliverSignals(task);
  task.EndTemporaryMask();  // nothing was delivered: the call's mask ends with it
  // Signals the restored mask blocks go to a thread that takes them.
  RetargetProcessSignals(task, task.sigmask.load() & ~call_mask);
}

}  // namespace ferry
