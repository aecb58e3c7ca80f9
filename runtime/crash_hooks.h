// What the runtime tells a crash reporter: the guest dies of a fault
// signal, or ferry itself fails. report/ implements it (cli/main.cc sets it);
// the runtime depends on no reporting code. Unset hooks do nothing.
#pragma once

#include <signal.h>

namespace ferry {

class Task;

// The fault signals whose deaths get a report (SIGABRT only when the guest
// raised it on itself).
inline bool IsCrashSignal(int sig) {
  return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP ||
         sig == SIGSYS || sig == SIGABRT;
}

struct CrashHooks {
  // The guest is about to die of `info` on `task` (its registers at the
  // fault). Must return: the guest's death follows whatever happens here.
  void (*guest_crash)(Task& task, const siginfo_t& info) = nullptr;
  // The guest is about to die of a fault (registers at the faulting
  // instruction): a chance to attach a debugger first (--gdb-on-crash),
  // which then sees the fault as a stop. Returns with none attached when
  // none came in time: the guest dies as it would have.
  void (*before_guest_death)(Task& task, const siginfo_t& info) = nullptr;
  // ferry's own failure: a host fault in its code (info and ucontext from
  // the signal handler) or a failed check (`what`, info null). Does not
  // return: it ends ferry with kInternalErrorStatus. (No [[noreturn]]: C++
  // does not allow it on a pointer, which clang refuses and gcc ignores.)
  void (*internal_error)(const char* what, const siginfo_t* info, void* ucontext) = nullptr;
};

// ferry's exit status after an internal error: not a status a guest's
// death by a signal gives (128+N), and the one qemu's and git's tools use
// for "the tool failed, not the program" (125).
constexpr int kInternalErrorStatus = 125;

void SetCrashHooks(const CrashHooks& hooks);
const CrashHooks& GetCrashHooks();

// A failed internal check: the internal-error report when hooks are set,
// else a line on stderr; ferry ends with kInternalErrorStatus.
[[noreturn]] void InternalError(const char* what);

}  // namespace ferry
