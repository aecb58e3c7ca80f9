// restart::Decide over every combination, against the kernel's table.
#include <doctest/doctest.h>

#include <initializer_list>
#include <limits>

#include "restart/restart.h"

namespace restart {
namespace {

TEST_CASE("Decide matches the kernel for every code, handler and SA_RESTART") {
  struct Row {
    int64_t result;
    Action no_handler;
    Action handler_no_restart;
    Action handler_sa_restart;
  };
  using enum Action;
  const Row rows[] = {
      {kErestartSys, kRestart, kReturnEintr, kRestart},
      {kErestartNoIntr, kRestart, kRestart, kRestart},
      {kErestartNoHand, kRestart, kReturnEintr, kReturnEintr},
      {kErestartRestartBlock, kRestartViaRestartSyscall, kReturnEintr, kReturnEintr},
      {0, kReturnResult, kReturnResult, kReturnResult},
      {5, kReturnResult, kReturnResult, kReturnResult},
      {kEintr, kReturnResult, kReturnResult, kReturnResult},
      {-515, kReturnResult, kReturnResult, kReturnResult},  // not a restart code (ENOIOCTLCMD)
  };
  for (const Row& r : rows) {
    CAPTURE(r.result);
    CHECK(Decide(r.result, false, false) == r.no_handler);
    CHECK(Decide(r.result, false, true) == r.no_handler);
    CHECK(Decide(r.result, true, false) == r.handler_no_restart);
    CHECK(Decide(r.result, true, true) == r.handler_sa_restart);
  }
}

TEST_CASE("ForRule gives each rule's code, and keeps the codes a handler alone can know") {
  using enum Rule;
  for (int64_t interrupted : {kErestartSys, kErestartNoHand}) {
    CAPTURE(interrupted);
    CHECK(ForRule(interrupted, kSys, true) == kErestartSys);
    CHECK(ForRule(interrupted, kNoHand, true) == kErestartNoHand);
    CHECK(ForRule(interrupted, kNever, true) == kEintr);
    CHECK(ForRule(interrupted, kNever, false) == kErestartNoIntr);  // a kick, not a signal: run again
    CHECK(ForRule(interrupted, kNone, true) == interrupted);
  }
  for (Rule rule : {kNone, kSys, kNoHand, kNever}) {
    CHECK(ForRule(kErestartNoIntr, rule, true) == kErestartNoIntr);
    CHECK(ForRule(kErestartRestartBlock, rule, true) == kErestartRestartBlock);
    CHECK(ForRule(7, rule, true) == 7);
    CHECK(ForRule(kEintr, rule, true) == kEintr);
  }
  CHECK(kInterrupted == kErestartSys);
}

TEST_CASE("deadlines and remaining time") {
  struct timespec d = Deadline({10, 900000000}, {1, 200000000});
  CHECK(d.tv_sec == 12);
  CHECK(d.tv_nsec == 100000000);
  struct timespec left = Remaining(d, {11, 600000000});
  CHECK(left.tv_sec == 0);
  CHECK(left.tv_nsec == 500000000);
  left = Remaining(d, {13, 0});
  CHECK(left.tv_sec == 0);
  CHECK(left.tv_nsec == 0);
  struct timespec forever = Deadline({1000, 0}, {std::numeric_limits<time_t>::max(), 0});
  CHECK(forever.tv_sec == std::numeric_limits<time_t>::max());
}

}  // namespace
}  // namespace restart
