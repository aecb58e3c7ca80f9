#include "runtime/pending_signals.h"

#include <sys/mman.h>

namespace ferry {

void PendingSignals::Lock() {
  while (lock_.test_and_set(std::memory_order_acquire)) {
    __builtin_ia32_pause();
  }
}

void PendingSignals::RecomputeRtMask() {
  uint64_t mask = 0;
  for (uint32_t i = 0; i < rt_count_; ++i) mask |= SignalBit(payloads_->rt_queue[i].si_signo);
  rt_mask_.store(mask);
}

bool PendingSignals::Add(int sig, const siginfo_t& info) {
  Lock();
  if (!payloads_) {  // mmap is async-signal-safe; without memory the signal is lost, as on a full queue
    void* map = mmap(nullptr, sizeof(Payloads), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) {
      Unlock();
      return false;
    }
    payloads_ = static_cast<Payloads*>(map);
  }
  bool queued = false;
  if (sig < kFirstRt) {
    if (!(standard_.load() & SignalBit(sig))) {  // standard signals do not queue
      payloads_->standard[sig] = info;
      standard_.fetch_or(SignalBit(sig));
      queued = true;
    }
  } else if (rt_count_ < kRtQueueSize) {
    payloads_->rt_queue[rt_count_++] = info;
    rt_mask_.fetch_or(SignalBit(sig));
    queued = true;
  }
  Unlock();
  return queued;
}

int PendingSignals::Take(uint64_t set, siginfo_t* info) {
  Lock();
  int taken = 0;
  uint64_t standard = standard_.load() & set;
  if (standard) {
    taken = __builtin_ctzll(standard) + 1;
    *info = payloads_->standard[taken];
    standard_.fetch_and(~SignalBit(taken));
  } else {
    // Lowest-numbered real-time signal first, in arrival order among equals.
    uint32_t best_at = 0;
    for (uint32_t i = 0; i < rt_count_; ++i) {
      int sig = payloads_->rt_queue[i].si_signo;
      if ((set & SignalBit(sig)) && (taken == 0 || sig < taken)) {
        taken = sig;
        best_at = i;
      }
    }
    if (taken) {
      *info = payloads_->rt_queue[best_at];
      for (uint32_t i = best_at; i + 1 < rt_count_; ++i) payloads_->rt_queue[i] = payloads_->rt_queue[i + 1];
      --rt_count_;
      RecomputeRtMask();
    }
  }
  Unlock();
  return taken;
}

void PendingSignals::Clear() {
  Lock();
  standard_.store(0);
  rt_count_ = 0;
  rt_mask_.store(0);
  Unlock();
}

}  // namespace ferry
