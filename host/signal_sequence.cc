#include "host/signal_sequence.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>

#include "host/host_syscall.h"

namespace ferry {
namespace {

std::atomic<uint32_t> g_sequence{0};
// Threads inside WaitForSignal's futex wait. A wake with none makes no
// syscall: most signals find their thread awake, or the waiter itself
// running the handler. Counted before the wait compares the sequence, so a
// bump either sees the waiter or lands before its comparison (seq_cst).
std::atomic<uint32_t> g_waiters{0};
// This thread is one of them. A handler that interrupts the only waiter
// needs no wake: the interrupted wait rechecks the sequence on its own.
thread_local bool t_counted_waiter = false;

}  // namespace

std::atomic<uint32_t>& SignalSequence() { return g_sequence; }

void WakeSignalWaiters() {
  g_sequence.fetch_add(1);
  uint32_t waiters = g_waiters.load();
  if (waiters == 0 || (waiters == 1 && t_counted_waiter)) return;
  HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(&g_sequence), FUTEX_WAKE_PRIVATE, INT32_MAX);
}

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
  g_waiters.fetch_add(1);
  t_counted_waiter = true;
  HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(&g_sequence), FUTEX_WAIT_PRIVATE, seen,
              reinterpret_cast<uint64_t>(tp));
  t_counted_waiter = false;
  g_waiters.fetch_sub(1);
}

}  // namespace ferry
