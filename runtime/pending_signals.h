// A set of pending guest signals, as the kernel keeps one per thread and one
// per process: standard signals (1..31) coalesce, real-time ones queue in
// order with their payloads. Filled by ferry's host signal handler on any
// thread and drained by guest threads, so every change happens under a
// spinlock that is only taken with host signals blocked (a handler cannot
// interrupt its own thread's holder). Reading the pending mask takes no lock.
#pragma once

#include <signal.h>

#include <atomic>
#include <cstdint>

namespace ferry {

inline uint64_t SignalBit(int sig) { return uint64_t{1} << (sig - 1); }

class PendingSignals {
 public:
  // Async-signal-safe; call with host signals blocked (as in a handler).
  // False when nothing was queued: a standard signal already pending, a full queue.
  bool Add(int sig, const siginfo_t& info);
  // Pending signals as a guest sigset (bit sig-1).
  uint64_t Mask() const { return standard_.load() | rt_mask_.load(); }
  // Removes and returns the lowest pending signal in `set` (0 if none),
  // with its siginfo. Call with host signals blocked.
  int Take(uint64_t set, siginfo_t* info);
  void Clear();  // host signals blocked

 private:
  static constexpr int kFirstRt = 32;
  static constexpr int kRtQueueSize = 256;
  // The siginfo payloads, about 36 KiB, are mapped at the first Add: a
  // process has a PendingSignals per thread slot (1,024 of them), and
  // carrying them inline made every start-up and fork touch 37 MiB.
  struct Payloads {
    siginfo_t standard[kFirstRt];
    siginfo_t rt_queue[kRtQueueSize];  // arrival order
  };
  void Lock();
  void Unlock() { lock_.clear(std::memory_order_release); }
  void RecomputeRtMask();

  std::atomic_flag lock_ = ATOMIC_FLAG_INIT;
  std::atomic<uint64_t> standard_{0};  // bits of pending signals 1..31
  std::atomic<uint64_t> rt_mask_{0};   // bits of queued real-time signals
  Payloads* payloads_ = nullptr;
  uint32_t rt_count_ = 0;
};

}  // namespace ferry
