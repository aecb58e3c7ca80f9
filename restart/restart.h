// Syscall restart semantics in one place. Mirrors the kernel's arm64
// do_signal(): when a signal arrives while a call returns one of the four
// internal -ERESTART* codes, the call is either restarted (PC rewound to the
// trap, first argument restored), turned into EINTR, or resumed later through
// restart_syscall with the per-thread restart block.
#pragma once

#include <cstdint>
#include <ctime>

namespace restart {

// Kernel-internal results (include/linux/errno.h); never seen by a guest.
constexpr int64_t kErestartSys = -512;
constexpr int64_t kErestartNoIntr = -513;
constexpr int64_t kErestartNoHand = -514;
constexpr int64_t kErestartRestartBlock = -516;
constexpr int64_t kEintr = -4;

bool IsRestartCode(int64_t result);

enum class Action {
  kReturnResult,          // not a restart code: the result stands
  kReturnEintr,           // the guest sees -EINTR
  kRestart,               // rewind to the trap and run the same call again
  kRestartViaRestartSyscall,  // rewind, with the syscall number set to restart_syscall
};

// `handler_runs`: a guest handler is about to run for the signal (not
// ignored, not default). `sa_restart`: that handler has SA_RESTART.
Action Decide(int64_t result, bool handler_runs, bool sa_restart);

// How a call answers a signal that breaks off its wait: the kernel's choice
// for that call, which its row names (syscalls.def's restart tags).
enum class Rule : uint8_t {
  kNone,    // the call does not wait: nothing to interrupt
  kSys,     // -ERESTARTSYS: runs again unless a handler without SA_RESTART runs (read, wait4)
  kNoHand,  // -ERESTARTNOHAND: runs again only when no handler runs (ppoll, sigsuspend)
  kNever,   // EINTR whenever a signal breaks it off (epoll_pwait, sigtimedwait, semop)
};

// What a handler returns when a signal broke off its wait, whatever the call:
// dispatch turns it into the code of the call's rule (ForRule).
constexpr int64_t kInterrupted = kErestartSys;

// The code the guest's call ends with, for a handler's `result` under
// `rule`. -ERESTARTNOINTR (the call never started) and
// -ERESTART_RESTARTBLOCK (a timed wait stored its restart block) stand;
// any other restart code becomes the rule's. Under kNever, a wake-up with no
// `signal_pending` (ferry's own kick) runs the call again, as the kernel's
// loops retry a spurious wake-up.
int64_t ForRule(int64_t result, Rule rule, bool signal_pending);

// What a call stored to resume after -ERESTART_RESTARTBLOCK: only absolute
// deadlines, so time spent stopped or in a handler is not slept twice.
struct RestartBlock {
  enum class Kind { kNone, kNanosleep, kFutexWait };
  Kind kind = Kind::kNone;
  const char* call = "";          // the interrupted call's name, for tracing
  clockid_t clock = CLOCK_MONOTONIC;
  struct timespec deadline = {};  // absolute, on `clock`
  uint64_t guest_remaining = 0;   // nanosleep: where to write the time left on EINTR (0: nowhere)
  uint64_t guest_futex = 0;       // futex wait: the word, its expected value and bitset
  uint32_t futex_value = 0;
  uint32_t futex_bitset = 0;
  int futex_private = 0;          // FUTEX_PRIVATE_FLAG or 0
};

// Time left until `deadline` on `clock` as seen at `now`, never negative.
struct timespec Remaining(const struct timespec& deadline, const struct timespec& now);
// now + relative, normalised.
struct timespec Deadline(const struct timespec& now, const struct timespec& relative);

}  // namespace restart
