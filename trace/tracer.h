// Where --strace lines and --trace-json objects go, and which calls and
// signals they show (-e trace=, -e signal=). One Tracer per ferry process;
// a forked child keeps its parent's only when following (-f).
#pragma once

#include <signal.h>
#include <time.h>

#include <bitset>
#include <cstdint>
#include <memory>
#include <string>

#include "config/options.h"
#include "runtime/trace_hooks.h"
#include "syscalls/syscall_table.h"

namespace ferry {

class Task;

class Tracer : public TraceHooks {
 public:
  // nullptr when neither --strace nor --trace-json is on; on failure nullptr
  // and a one-line *error.
  static std::unique_ptr<Tracer> Create(const TraceOptions& options, std::string* error);
  ~Tracer() override;

  bool Traces(const SyscallRow* row) const;
  bool TracesSignal(int sig) const;
  // A call about to run (--trace-json only: the "syscall_enter" event).
  void SyscallEnter(const Task& task, const SyscallRow* row, uint64_t nr, const uint64_t raw[6],
                    const timespec& start) override;
  // A finished call that started at `start` and ended at `end` (CLOCK_REALTIME).
  void Syscall(const Task& task, const SyscallRow* row, uint64_t nr, const uint64_t raw[6],
               int64_t result, const timespec& start, const timespec& end) override;
  void Signal(const siginfo_t& info) override;
  // A thread or the process exited with `status` (other threads may live on).
  void Exited(int status, bool other_threads_live = false) override;
  void Killed(int sig) override;
  // In a forked child: false when the child is not followed (-f) and must
  // drop its tracer; else the child's lines carry [pid N] (and, with -ff,
  // go to their own file).
  bool AfterFork() override;
  // For execve: a descriptor of the text trace that survives it (when the
  // trace goes to stderr), or -1.
  int InheritableTextFd() const override;
  // Whether the guest's `fd` is one of the trace's own (the guest may not close it).
  bool IsOwnFd(int fd) const override;
  // From a signal handler, when a fatal signal ends ferry at once: the
  // signal and the end, written without allocating (async-signal-safe).
  void KilledFromHandler(const siginfo_t& info) const override;

 private:
  explicit Tracer(const TraceOptions& options) : options_(options) {}
  // Writes `line` with strace's prefixes ([pid N], -tt time); `align` pads
  // a call to the result column first.
  void EmitText(const std::string& call, const std::string& result, const timespec& when);
  void EmitLine(const std::string& line, const timespec& when);
  void EmitJson(const std::string& object);
  std::string Prefix(const timespec& when) const;
  bool OpenText(std::string* error);

  TraceOptions options_;
  int text_fd_ = -1;
  int json_fd_ = -1;
  bool owns_text_fd_ = false;
  std::bitset<512> traced_;         // by syscall number
  bool trace_unknown_ = true;       // numbers with no row
  uint64_t signals_ = ~uint64_t{0};  // bit sig-1: shown
};

// The classes -e trace= takes (%file, %desc, ...), for tests and the docs.
bool SyscallInClass(const SyscallRow& row, const std::string& trace_class);

// A JSON string literal.
std::string JsonString(const std::string& s);

}  // namespace ferry
