// A counter bumped (and futex-woken) by every signal that reaches ferry:
// whoever waits for a signal (a helper's caller, a guest in sigsuspend, a
// vfork parent) checks its condition, then sleeps on the counter, and no
// wake-up is lost between the two.
#pragma once

#include <atomic>
#include <cstdint>

namespace ferry {

std::atomic<uint32_t>& SignalSequence();
// Waits until SignalSequence() differs from `seen` or `deadline_ns` (CLOCK_MONOTONIC, 0: none) passes.
void WaitForSignal(uint32_t seen, int64_t deadline_ns = 0);
// Bumps the counter and wakes every waiter (async-signal-safe).
void WakeSignalWaiters();

}  // namespace ferry
