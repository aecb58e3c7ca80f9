// A guest thread's seccomp state: its mode and its stack of filters, as the
// kernel keeps them per thread (struct seccomp). Filters are immutable and
// shared: a new one points at the chain it was stacked on, so a fork or a
// new thread shares the parent's chain and TSYNC can tell whether another
// thread's chain is an ancestor of the caller's. The syscall side (the
// seccomp call, PR_SET_SECCOMP, the check at dispatch) is in
// syscalls/sys_seccomp.cc.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arch/generic/abi.h"

namespace ferry {

// SECCOMP_MODE_*.
enum SeccompMode : int { kSeccompDisabled = 0, kSeccompStrict = 1, kSeccompFilter = 2 };

struct SeccompFilter {
  std::vector<guest::SockFilter> program;  // checked (classic_bpf.h)
  bool log = false;                        // SECCOMP_FILTER_FLAG_LOG
  std::shared_ptr<const SeccompFilter> prev;
  int count = 1;           // filters in the chain up to and including this one
  uint64_t total_insns = 0;  // each filter's length plus 4, to here (the kernel's MAX_INSNS_PER_PATH)
};
using SeccompChain = std::shared_ptr<const SeccompFilter>;

// Read by the thread at each syscall, written by it or (TSYNC) by another
// thread of its process: the chain is swapped atomically, the mode after it.
class SeccompState {
 public:
  SeccompState() = default;
  SeccompState(const SeccompState& other) { *this = other; }
  SeccompState& operator=(const SeccompState& other) {
    set(other.mode(), other.chain());
    return *this;
  }

  int mode() const { return mode_.load(std::memory_order_acquire); }
  SeccompChain chain() const { return std::atomic_load(&chain_); }
  int filter_count() const {
    SeccompChain c = chain();
    return c ? c->count : 0;
  }
  void set(int mode, SeccompChain chain) {
    std::atomic_store(&chain_, std::move(chain));
    mode_.store(mode, std::memory_order_release);
  }

 private:
  std::atomic<int> mode_{kSeccompDisabled};
  SeccompChain chain_;
};

// Runs every filter, newest first, and keeps the most restrictive action
// (the lowest action bits as a signed number, as seccomp_run_filters
// compares them; on a tie the newer filter's value). `matched` gets the
// filter that decided (null when all allow).
uint32_t RunSeccompFilters(const SeccompChain& chain, const guest::SeccompData& data,
                           const SeccompFilter** matched);

// The chain as bytes and back, for the next ferry of a guest execve
// (oldest filter first). Parse returns false on malformed bytes.
std::string SerializeSeccompChain(const SeccompChain& chain);
bool ParseSeccompChain(const std::string& bytes, SeccompChain* chain);

}  // namespace ferry
