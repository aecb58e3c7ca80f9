// Host calls that may block go to the task's syscall helper, so a guest
// signal can always reach the guest thread (see syscall_helper.h).
#include <cstdio>

#include "restart/restart.h"
#include "translator/host_syscall.h"
#include "translator/signals.h"
#include "translator/syscall_handlers.h"
#include "translator/syscall_helper.h"

namespace translator {

int64_t BlockingHostSyscall(Task& task, long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                            uint64_t a4, uint64_t a5) {
  if (!task.helper && !task.helper_failed) {
    std::string error;
    task.helper = SyscallHelper::Start(&error);
    if (!task.helper) {
      task.helper_failed = true;
      fprintf(stderr, "ferry: warning: %s; blocking calls run inline, so signals may wait for them\n",
              error.c_str());
    }
  }
  if (!task.helper) return HostSyscall(nr, a0, a1, a2, a3, a4, a5);
  const uint64_t args[6] = {a0, a1, a2, a3, a4, a5};
  auto outcome = task.helper->Call(nr, args, [&task] { return NextActionableSignal(task) != 0; });
  switch (outcome.kind) {
    case SyscallHelper::Outcome::kNotStarted:
      return restart::kErestartNoIntr;  // as if the signal came just before the call
    case SyscallHelper::Outcome::kInterrupted:
    case SyscallHelper::Outcome::kCompleted:
      break;
  }
  return outcome.value;
}

}  // namespace translator
