// The syscall helper: a task that shares ferry's memory, file table and fs
// state (clone with CLONE_VM | CLONE_FILES | CLONE_FS) and runs the host calls
// that may block, while the guest thread waits for it or for a signal. ferry
// is its ptrace tracer (PTRACE_SEIZE), so when a guest signal needs the guest
// thread, PTRACE_INTERRUPT stops the helper at once and its registers say
// exactly what became of the call: not started, interrupted (with which
// -ERESTART* code) or completed. No signal can be lost or left waiting
// behind a blocked call.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace ferry {

class SyscallHelper {
 public:
  // Clones and seizes the helper; nullptr (and `error`) when that fails.
  static std::unique_ptr<SyscallHelper> Start(std::string* error);
  ~SyscallHelper();  // kills and reaps the helper

  // What became of a call. kInterrupted carries the host's -ERESTART* code.
  struct Outcome {
    enum Kind { kCompleted, kInterrupted, kNotStarted } kind;
    int64_t value;
  };

  // Runs host syscall `nr` in the helper. Returns when it completes, or as
  // soon as `should_interrupt` (checked whenever a signal arrives) says the
  // guest thread is needed elsewhere.
  Outcome Call(long nr, const uint64_t args[6], const std::function<bool()>& should_interrupt);

  pid_t pid() const { return pid_; }

  struct Shared;  // the request block the helper's code reads (layout fixed by its assembly)

 private:
  SyscallHelper(pid_t pid, Shared* shared, void* stack) : pid_(pid), shared_(shared), stack_(stack) {}
  Outcome Interrupt();
  void ContinueAfterUnexpectedStops();

  pid_t pid_;
  Shared* shared_;
  void* stack_;
  bool parked_ = false;  // held in its interrupt stop, at the top of its loop
};

// True when `pid` is one of ferry's helpers: their SIGCHLDs (ptrace stops)
// are ferry's business, not the guest's.
bool IsHelperPid(pid_t pid);

// As the process ends: kills and reaps the helpers this process started.
// Left to die after it (PTRACE_O_EXITKILL), they would be handed to a
// subreaper, an ancestor guest that would then see them as its children.
// Async-signal-safe.
void EndOwnHelpers();

}  // namespace ferry
