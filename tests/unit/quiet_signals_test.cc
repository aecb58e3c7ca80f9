// The quiet signals (runtime/quiet_signals.h), computed with bit operations,
// are exactly the ones DispositionOf calls kNone, less ferry's own.
#include <doctest/doctest.h>
#include <signal.h>

#include <memory>
#include <string>

#include "arch/arch.h"
#include "config/options.h"
#include "memory/guest_memory.h"
#include "runtime/async_stop.h"
#include "runtime/quiet_signals.h"
#include "runtime/signals.h"
#include "runtime/task.h"

namespace ferry {
namespace {

uint64_t QuietByDisposition(const Task& task) {
  uint64_t quiet = 0;
  for (int sig = 1; sig <= kGuestSignals; ++sig) {
    bool ferrys = sig == SIGKILL || sig == SIGSTOP || sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
                  sig == SIGFPE || sig == SIGTRAP || sig == SIGSYS || sig == 32 || sig == 33 || sig == KickSignal();
    if (!ferrys && DispositionOf(task, sig) == Disposition::kNone) quiet |= SignalBit(sig);
  }
  return quiet;
}

TEST_CASE("quiet signals: blocked, ignored or ignored by default, never ferry's own") {
  std::string error;
  auto memory = GuestMemory::Reserve(uint64_t{1} << 24, &error);
  REQUIRE(memory);
  Options options;
  auto process = std::make_unique<Process>(arch::kAarch64, *memory, options);
  Task task(*process, process->slots[0]);

  CHECK(QuietSignals(task) == kIgnoredByDefault);  // all at SIG_DFL, none blocked
  CHECK(QuietSignals(task) == QuietByDisposition(task));

  uint64_t state = 0x9e3779b97f4a7c15;
  for (int round = 0; round < 200; ++round) {
    for (int sig = 1; sig <= kGuestSignals; ++sig) {
      state = state * 6364136223846793005 + 1442695040888963407;
      uint64_t pick = state >> 61;
      process->sigactions[sig].handler = pick < 3 ? kSigDfl : pick < 5 ? kSigIgn : 0x400000 + sig;
    }
    state = state * 6364136223846793005 + 1442695040888963407;
    task.sigmask.store(round % 3 == 0 ? 0 : state);
    CHECK(QuietSignals(task) == QuietByDisposition(task));
  }
}

}  // namespace
}  // namespace ferry
