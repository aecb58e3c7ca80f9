// ferry --gdb PORT | unix:PATH: a gdb remote-protocol stub for the guest,
// so gdb-multiarch debugs it as gdbserver debugs a native program. The stub
// listens before the guest's first instruction, takes one client, and talks
// while the guest is stopped: at the start, at a breakpoint or watchpoint,
// after a single step, on a fault, on Ctrl-C, and when the guest ends.
// This file owns the connection, the stops and the breakpoint hooks; the
// wire format is gdb_packets.h's, the requests gdb_requests.h's, and vFile:
// gdb_host_files.h's.
#pragma once

#include <signal.h>
#include <unicorn/unicorn.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "gdb/gdb_packets.h"
#include "gdb/gdb_requests.h"

namespace ferry {

class Task;

class GdbStub : public Debugger, private GdbPoints {
 public:
  // Listens on "PORT" (TCP on the loopback address) or "unix:PATH";
  // nullptr and a one-line *error on failure.
  static std::unique_ptr<GdbStub> Listen(const std::string& where, std::string* error);
  ~GdbStub();

  // Blocks until gdb connects (at most `timeout_ms` when not negative);
  // false with *error when accepting fails or times out.
  bool Accept(std::string* error, int timeout_ms = -1);

  using Resume = GdbResume;
  using Action = GdbAction;
  // The guest is stopped with `signal` (5 for a trap); `reason` adds to the
  // stop reply ("swbreak:;", "watch:ADDR;"). Serves gdb until it resumes.
  // The first stop (before the first instruction) is only reported when
  // gdb asks ('?'); later ones answer the resume that led to them.
  Action Stopped(Task& task, int signal, const std::string& reason, const siginfo_t* info) override;
  // A single step's end, for the step gdb asked for in resume `resume_seq`:
  // reported only if gdb has not resumed since (it then asks again).
  Action StepDone(Task& task, uint64_t resume_seq) override;
  uint64_t resume_seq() const override { return resume_seq_; }
  const std::string& last_stop() const { return session_.last_stop; }
  // The guest ended: W (exit status) or X (signal). The connection closes.
  void Exited(int status) override;
  void Killed(int sig) override;
  bool attached() const override { return channel_.open(); }
  bool IsOwnFd(int fd) const override { return fd >= 0 && (fd == channel_.fd() || fd == listen_fd_); }

  using Hit = DebugHit;
  Hit TakeHit() override;
  // Thread `tid` resuming at `pc` must not stop at a breakpoint there at once.
  void SkipBreakpointAt(pid_t tid, uint64_t pc) override {
    skip_tid_ = tid;
    skip_pc_ = pc;
    skip_armed_ = true;
  }
  // Whether gdb asked thread `tid` (not the one that reported the stop) to
  // step: it steps once when it next runs.
  bool TakeStepFor(pid_t tid) override {
    if (session_.step_tid != tid) return false;
    session_.step_tid = 0;
    return true;
  }
  // Every thread's CPU carries the breakpoints and watchpoints: added as a
  // thread gets its CPU, removed as it gives it back.
  void AddCpu(uc_engine* uc) override;
  void RemoveCpu(uc_engine* uc) override;
  // QCatchSyscalls: whether gdb wants to stop at entry to and return from `nr`.
  bool CatchesSyscall(uint64_t nr) const override {
    return session_.catch_all_syscalls || session_.caught_syscalls.count(nr) != 0;
  }
  bool stepping_exits() const override { return !breakpoints_.empty() || !watchpoints_.empty(); }

  // Runs while the guest runs (from a resume to the next stop): a 0x03
  // from gdb requests a debugger stop (async_stop.h).
  void WatchForInterrupt();
  void StopWatching();

 private:
  GdbStub() = default;
  // Sends, and disconnects when the client is gone.
  void Send(const std::string& packet);
  // What the requests see of the breakpoints (GdbPoints).
  std::string InsertPoint(char type, uint64_t addr, uint64_t len) override;
  std::string RemovePoint(char type, uint64_t addr, uint64_t len) override;
  void CodeWritten(uint64_t addr, uint64_t len) override;
  struct CpuHooks {
    std::map<uint64_t, uc_hook> breakpoints, watchpoints;
  };
  bool HookPoint(uc_engine* uc, CpuHooks* hooks, uint64_t addr);
  void UnhookPoint(uc_engine* uc, CpuHooks* hooks, uint64_t addr, bool watch);
  void UpdateExitMode(uc_engine* uc);
  // Serves packets until one resumes the guest; nullopt: the client went away.
  std::optional<Action> Serve(Task& task);
  void ForgetPoints();  // on detach: breakpoints go with the debugger
  void Disconnect();

  int listen_fd_ = -1;
  GdbPacketChannel channel_;
  GdbSession session_;
  bool reported_initial_stop_ = false;
  std::string unix_path_;
  std::mutex cpus_lock_;  // threads add and remove CPUs while another is stopped
  std::map<uc_engine*, CpuHooks> cpus_;
  std::map<uint64_t, bool> breakpoints_;
  std::map<uint64_t, std::pair<uint64_t, char>> watchpoints_;  // addr -> length, kind
  std::atomic<uint64_t> resume_seq_{0};  // bumped at every resume
  pid_t skip_tid_ = 0;
  uint64_t skip_pc_ = 0;
  bool skip_armed_ = false;
  Hit hit_;
  std::atomic<bool> watching_{false};
  std::thread watcher_;
  int wake_pipe_[2] = {-1, -1};

  friend void OnGdbBreakpoint(uc_engine*, uint64_t, uint32_t, void*);
  friend void OnGdbWatch(uc_engine*, uc_mem_type, uint64_t, int, int64_t, void*);
};

}  // namespace ferry
