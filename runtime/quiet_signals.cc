#include "runtime/quiet_signals.h"

#include <signal.h>
#include <sys/syscall.h>

#include <atomic>

#include "host/host_syscall.h"
#include "runtime/async_stop.h"
#include "runtime/signals.h"
#include "runtime/threads.h"

namespace ferry {
namespace {

void ChangeHostMask(int how, uint64_t set, uint64_t* old = nullptr) {
  HostSyscall(SYS_rt_sigprocmask, how, reinterpret_cast<uint64_t>(&set), reinterpret_cast<uint64_t>(old), 8);
}

// Never quiet: ferry's kick, the faults, and glibc's own two (32, 33).
uint64_t NeverQuiet() {
  uint64_t never = SignalBit(KickSignal()) | SignalBit(32) | SignalBit(33);
  for (int sig : {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS}) never |= SignalBit(sig);
  return never;
}
const uint64_t kNeverQuiet = NeverQuiet();

// What DispositionFor(process, mask, sig) calls kNone, for every signal at
// once: blocked, ignored, or at a default that ignores it. Every futex wait
// asks, so it is loads and bit operations only.
uint64_t QuietFor(const Process& process, uint64_t mask) {
  uint64_t ignored = 0;
  for (int sig = 1; sig <= kGuestSignals; ++sig) {
    uint64_t handler = process.sigactions[sig].handler;
    uint64_t bit = SignalBit(sig);
    ignored |= (handler == kSigIgn ? bit : 0) | (handler == kSigDfl ? bit & kIgnoredByDefault : 0);
  }
  return (mask | ignored) & ~kNeverQuiet;
}

}  // namespace

uint64_t QuietSignals(const Task& task) { return QuietFor(task.process, task.sigmask.load()); }

void HoldQuietSignals(Task& task) {
  std::atomic<uint64_t>& held = task.slot.held_quiet;
  uint64_t was = held.load(std::memory_order_relaxed);
  uint64_t quiet = QuietSignals(task);
  if (quiet == was) return;
  // Published before the host blocks them: a sigaction that makes one of
  // them loud either sees it here and kicks, or came before and this
  // thread's next check (SafeHostSyscall, the run loop) sees it.
  held.store(was | quiet);
  uint64_t more = quiet & ~was, fewer = was & ~quiet;
  uint64_t before = 0;
  if (more) ChangeHostMask(SIG_BLOCK, more, &before);
  if (fewer) ChangeHostMask(SIG_UNBLOCK, fewer);
  // A signal ferry itself had blocked already is not this hold's to let in.
  held.store((was & ~fewer) | (more & ~before));
}

void ReleaseQuietSignals(Task& task) {
  uint64_t was = task.slot.held_quiet.load(std::memory_order_relaxed);
  if (!was) return;
  task.slot.held_quiet.store(0);
  ChangeHostMask(SIG_UNBLOCK, was);
}

bool HeldSignalsStale(const Task& task) {
  uint64_t held = task.slot.held_quiet.load(std::memory_order_relaxed);
  return held && (held & ~QuietSignals(task));
}

void LetInStaleSignals(Task& task) {
  uint64_t held = task.slot.held_quiet.load(std::memory_order_relaxed);
  if (!held) return;
  uint64_t stale = held & ~QuietSignals(task);
  if (!stale) return;
  task.slot.held_quiet.store(held & ~stale);
  ChangeHostMask(SIG_UNBLOCK, stale);
}

void KickStaleHolders(Process& process, int sig) {
  // The new disposition is stored before the holders are read (paired with
  // HoldQuietSignals' publication).
  std::atomic_thread_fence(std::memory_order_seq_cst);
  for (ThreadSlot& slot : process.slots) {
    if (!slot.tid.load() || !(slot.held_quiet.load() & SignalBit(sig))) continue;
    if (!(QuietFor(process, slot.sigmask.load()) & SignalBit(sig))) KickThread(slot);
  }
}

}  // namespace ferry
