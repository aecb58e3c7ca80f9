// What the runtime asks of an attached debugger. The CPU loop and the
// threads see only this; gdb/ implements it (GdbStub), and the runtime
// depends on no debugger code.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <unicorn/unicorn.h>

#include <cstdint>
#include <string>

namespace ferry {

class Task;

// How the debugger lets the guest go on after a stop.
enum class DebugResume { kContinue, kStep, kDetach, kKill };
struct DebugAction {
  DebugResume how = DebugResume::kContinue;
  int signal = 0;  // the signal to give the guest (0: none)
};

// What stopped the CPU, set by the debugger's hooks and its Ctrl-C watcher.
struct DebugHit {
  bool breakpoint = false;
  bool watchpoint = false;
  bool interrupt = false;
  uint64_t watch_addr = 0;
  char watch_kind = 0;  // 'w', 'r', 'a'
};

class Debugger {
 public:
  virtual ~Debugger() = default;

  virtual bool attached() const = 0;
  // The guest is stopped with `signal` (5 for a trap); `reason` adds to the
  // stop reply. Serves the debugger until it resumes.
  virtual DebugAction Stopped(Task& task, int signal, const std::string& reason, const siginfo_t* info) = 0;
  // A single step's end, for the step asked for in resume `resume_seq`.
  virtual DebugAction StepDone(Task& task, uint64_t resume_seq) = 0;
  virtual uint64_t resume_seq() const = 0;
  // The guest ended: exit status or signal. The connection closes.
  virtual void Exited(int status) = 0;
  virtual void Killed(int sig) = 0;
  // Whether the guest's `fd` is the debugger's own (the guest may not close it).
  virtual bool IsOwnFd(int fd) const = 0;
  virtual DebugHit TakeHit() = 0;
  // Thread `tid` resuming at `pc` must not stop at a breakpoint there at once.
  virtual void SkipBreakpointAt(pid_t tid, uint64_t pc) = 0;
  // Whether the debugger asked thread `tid` to step when it next runs.
  virtual bool TakeStepFor(pid_t tid) = 0;
  // Every thread's CPU carries the breakpoints and watchpoints.
  virtual void AddCpu(uc_engine* uc) = 0;
  virtual void RemoveCpu(uc_engine* uc) = 0;
  // `catch syscall`: whether to stop at entry to and return from `nr`.
  virtual bool CatchesSyscall(uint64_t nr) const = 0;
  // Breakpoints or watchpoints are set: blocks must be able to end mid-way.
  virtual bool stepping_exits() const = 0;
};

}  // namespace ferry
