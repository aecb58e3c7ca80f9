// What the runtime and the syscall dispatch tell a trace (--strace,
// --trace-json). trace/ implements it (Tracer); the runtime depends on no
// formatting code.
#pragma once

#include <signal.h>
#include <time.h>

#include <cstdint>

namespace ferry {

class Task;
struct SyscallRow;

class TraceHooks {
 public:
  virtual ~TraceHooks() = default;

  // A call about to run, and a finished call (CLOCK_REALTIME times).
  virtual void SyscallEnter(const Task& task, const SyscallRow* row, uint64_t nr, const uint64_t raw[6],
                            const timespec& start) = 0;
  virtual void Syscall(const Task& task, const SyscallRow* row, uint64_t nr, const uint64_t raw[6],
                       int64_t result, const timespec& start, const timespec& end) = 0;
  virtual void Signal(const siginfo_t& info) = 0;
  // A thread or the process exited with `status` (other threads may live on).
  virtual void Exited(int status, bool other_threads_live = false) = 0;
  virtual void Killed(int sig) = 0;
  // From a signal handler, when a fatal signal ends ferry at once
  // (async-signal-safe).
  virtual void KilledFromHandler(const siginfo_t& info) const = 0;
  // In a forked child: false when the child is not followed and must drop
  // the trace.
  virtual bool AfterFork() = 0;
  // For execve: a descriptor of the text trace that survives it, or -1.
  virtual int InheritableTextFd() const = 0;
  // Whether the guest's `fd` is one of the trace's own.
  virtual bool IsOwnFd(int fd) const = 0;
};

}  // namespace ferry
