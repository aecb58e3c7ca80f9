#include "restart/restart.h"

#include <limits>

namespace restart {
namespace {

constexpr long kNanos = 1000000000L;

}  // namespace

bool IsRestartCode(int64_t result) {
  return result == kErestartSys || result == kErestartNoIntr || result == kErestartNoHand ||
         result == kErestartRestartBlock;
}

Action Decide(int64_t result, bool handler_runs, bool sa_restart) {
  if (!IsRestartCode(result)) return Action::kReturnResult;
  if (!handler_runs) {
    return result == kErestartRestartBlock ? Action::kRestartViaRestartSyscall : Action::kRestart;
  }
  switch (result) {
    case kErestartNoIntr: return Action::kRestart;
    case kErestartSys: return sa_restart ? Action::kRestart : Action::kReturnEintr;
    default: return Action::kReturnEintr;  // NOHAND and RESTARTBLOCK once a handler ran
  }
}

int64_t ForRule(int64_t result, Rule rule, bool signal_pending) {
  if (!IsRestartCode(result) || result == kErestartNoIntr || result == kErestartRestartBlock) return result;
  switch (rule) {
    case Rule::kNone: return result;
    case Rule::kSys: return kErestartSys;
    case Rule::kNoHand: return kErestartNoHand;
    case Rule::kNever: return signal_pending ? kEintr : kErestartNoIntr;
  }
  return result;
}

struct timespec Remaining(const struct timespec& deadline, const struct timespec& now) {
  struct timespec left = {deadline.tv_sec - now.tv_sec, deadline.tv_nsec - now.tv_nsec};
  if (left.tv_nsec < 0) {
    left.tv_nsec += kNanos;
    left.tv_sec -= 1;
  }
  if (left.tv_sec < 0) return {0, 0};
  return left;
}

struct timespec Deadline(const struct timespec& now, const struct timespec& relative) {
  // Saturate, as the kernel's ktime does: a huge request sleeps forever.
  if (relative.tv_sec > std::numeric_limits<time_t>::max() - now.tv_sec - 1) {
    return {std::numeric_limits<time_t>::max(), kNanos - 1};
  }
  struct timespec d = {now.tv_sec + relative.tv_sec, now.tv_nsec + relative.tv_nsec};
  if (d.tv_nsec >= kNanos) {
    d.tv_nsec -= kNanos;
    d.tv_sec += 1;
  }
  return d;
}

}  // namespace restart
