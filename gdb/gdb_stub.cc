#include "gdb/gdb_stub.h"

#include <algorithm>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <time.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/async_stop.h"
#include "runtime/signals.h"
#include "runtime/task.h"
#include "runtime/threads.h"

namespace ferry {

void OnGdbBreakpoint(uc_engine* uc, uint64_t address, uint32_t, void* user) {
  GdbStub& stub = *static_cast<GdbStub*>(user);
  Task* current = CurrentTask();
  if (stub.skip_armed_ && address == stub.skip_pc_ && current && current->tid == stub.skip_tid_) {
    stub.skip_armed_ = false;  // resuming from here: this hit is the one gdb continued from
    return;
  }
  stub.skip_armed_ = false;
  stub.hit_.breakpoint = true;
  uc_emu_stop(uc);
}

void OnGdbWatch(uc_engine* uc, uc_mem_type type, uint64_t address, int, int64_t, void* user) {
  GdbStub& stub = *static_cast<GdbStub*>(user);
  stub.hit_.watchpoint = true;
  stub.hit_.watch_addr = address;
  stub.hit_.watch_kind = type == UC_MEM_WRITE ? 'w' : 'r';
  uc_emu_stop(uc);
}

std::unique_ptr<GdbStub> GdbStub::Listen(const std::string& where, std::string* error) {
  std::unique_ptr<GdbStub> stub(new GdbStub());
  if (where.compare(0, 5, "unix:") == 0) {
    stub->unix_path_ = where.substr(5);
    // Bound under a temporary name and renamed once listening: a client
    // that sees the path can connect.
    std::string temporary = stub->unix_path_ + ".ferry-" + std::to_string(getpid());
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (stub->unix_path_.empty() || temporary.size() >= sizeof addr.sun_path) {
      *error = "--gdb unix:PATH: socket path missing or too long";
      return nullptr;
    }
    memcpy(addr.sun_path, temporary.c_str(), temporary.size() + 1);
    stub->listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unlink(temporary.c_str());
    if (bind(stub->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(stub->listen_fd_, 1) != 0 || rename(temporary.c_str(), stub->unix_path_.c_str()) != 0) {
      *error = "--gdb " + where + ": " + strerror(errno);
      unlink(temporary.c_str());
      stub->unix_path_.clear();
      return nullptr;
    }
    return stub;
  }
  char* end = nullptr;
  unsigned long port = strtoul(where.c_str(), &end, 10);
  if (where.empty() || *end || port == 0 || port > 65535) {
    *error = "--gdb wants a TCP port (1-65535) or unix:PATH, got '" + where + "'";
    return nullptr;
  }
  stub->listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(stub->listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(stub->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(stub->listen_fd_, 1) != 0) {
    *error = "--gdb " + where + ": " + strerror(errno);
    return nullptr;
  }
  return stub;
}

GdbStub::~GdbStub() {
  StopWatching();
  Disconnect();
  if (listen_fd_ >= 0) close(listen_fd_);
  if (!unix_path_.empty()) unlink(unix_path_.c_str());
}

bool GdbStub::Accept(std::string* error, int timeout_ms) {
  int fd;
  if (timeout_ms >= 0) {
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    int64_t end_ms = deadline.tv_sec * int64_t{1000} + deadline.tv_nsec / 1000000 + timeout_ms;
    for (;;) {
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      int64_t left = end_ms - (now.tv_sec * int64_t{1000} + now.tv_nsec / 1000000);
      if (left <= 0) {
        *error = "no debugger came in time";
        return false;
      }
      struct pollfd p = {listen_fd_, POLLIN, 0};
      int r = poll(&p, 1, static_cast<int>(std::min<int64_t>(left, INT32_MAX)));
      if (r > 0) break;
      if (r < 0 && errno != EINTR) {
        *error = std::string("poll failed: ") + strerror(errno);
        return false;
      }
    }
  }
  for (;;) {
    fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) break;
    if (errno != EINTR) {
      *error = std::string("--gdb: accept failed: ") + strerror(errno);
      return false;
    }
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  channel_.Open(fd);
  // One client: later ones are refused at once rather than left hanging.
  close(listen_fd_);
  listen_fd_ = -1;
  return true;
}

void GdbStub::Disconnect() {
  channel_.Close();
  session_.files.CloseAll();
}

void GdbStub::Send(const std::string& packet) {
  if (!channel_.Send(packet)) Disconnect();
}

GdbStub::Hit GdbStub::TakeHit() {
  Hit hit = hit_;
  hit.interrupt = TakeDebuggerStop();
  hit_ = Hit{};
  return hit;
}

void GdbStub::WatchForInterrupt() {
  if (!channel_.open() || watcher_.joinable()) return;
  if (wake_pipe_[0] < 0 && pipe2(wake_pipe_, O_CLOEXEC) != 0) return;
  watching_.store(true);
  int fd = channel_.fd(), wake = wake_pipe_[0];
  watcher_ = std::thread([this, fd, wake] {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);  // signals are the guest thread's business
    while (watching_.load()) {
      pollfd fds[2] = {{fd, POLLIN, 0}, {wake, POLLIN, 0}};
      if (poll(fds, 2, -1) <= 0) continue;
      if (fds[1].revents) break;
      char c;
      // Non-blocking: the stub's own reader may have taken the data first,
      // and a watcher stuck in recv would hold up StopWatching.
      ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n != 1) break;
      if (c == '\x03') {
        recv(fd, &c, 1, MSG_DONTWAIT);
        RequestDebuggerStop();
      } else {
        break;  // a packet while running: leave it for the next stop
      }
    }
  });
  ReclaimLibcSignals();  // a first thread: glibc took 32 and 33 (signals.h)
}

void GdbStub::StopWatching() {
  if (!watcher_.joinable()) return;
  watching_.store(false);
  char c = 0;
  if (write(wake_pipe_[1], &c, 1) < 0) { /* the thread also ends on its own */ }
  watcher_.join();
  char drain[16];
  while (read(wake_pipe_[0], drain, sizeof drain) > 0 && false) {
  }
  close(wake_pipe_[0]);
  close(wake_pipe_[1]);
  wake_pipe_[0] = wake_pipe_[1] = -1;
}

void GdbStub::UpdateExitMode(uc_engine* uc) {
  // A breakpoint or watchpoint stops before its instruction only when
  // Unicorn checks for exits inside blocks; with none set, ferry keeps the
  // faster, block-start-only mode (async_stop.h) and its signal kicks.
  AllowMidBlockExits(uc, stepping_exits());
  SetKicksEnabled(!stepping_exits());
  uc_ctl_flush_tb(uc);
}

bool GdbStub::HookPoint(uc_engine* uc, CpuHooks* hooks, uint64_t addr) {
  uc_hook hook;
  if (auto bp = breakpoints_.find(addr); bp != breakpoints_.end() && !hooks->breakpoints.count(addr)) {
    if (uc_hook_add(uc, &hook, UC_HOOK_CODE, reinterpret_cast<void*>(OnGdbBreakpoint), this, addr, addr) !=
        UC_ERR_OK) {
      return false;
    }
    hooks->breakpoints[addr] = hook;
  }
  if (auto wp = watchpoints_.find(addr); wp != watchpoints_.end()) {
    if (auto old = hooks->watchpoints.find(addr); old != hooks->watchpoints.end()) uc_hook_del(uc, old->second);
    hooks->watchpoints.erase(addr);
    char kind = wp->second.second;
    int kinds = kind == 'w' ? UC_HOOK_MEM_WRITE : kind == 'r' ? UC_HOOK_MEM_READ : UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE;
    if (uc_hook_add(uc, &hook, kinds, reinterpret_cast<void*>(OnGdbWatch), this, addr,
                    addr + wp->second.first - 1) != UC_ERR_OK) {
      return false;
    }
    hooks->watchpoints[addr] = hook;
  }
  return true;
}

void GdbStub::UnhookPoint(uc_engine* uc, CpuHooks* hooks, uint64_t addr, bool watch) {
  auto& map = watch ? hooks->watchpoints : hooks->breakpoints;
  auto it = map.find(addr);
  if (it == map.end()) return;
  uc_hook_del(uc, it->second);
  map.erase(it);
}

void GdbStub::AddCpu(uc_engine* uc) {
  std::lock_guard<std::mutex> lock(cpus_lock_);
  CpuHooks& hooks = cpus_[uc];
  for (auto& [addr, unused] : breakpoints_) HookPoint(uc, &hooks, addr);
  for (auto& [addr, unused] : watchpoints_) HookPoint(uc, &hooks, addr);
  if (stepping_exits()) UpdateExitMode(uc);
}

void GdbStub::RemoveCpu(uc_engine* uc) {
  std::lock_guard<std::mutex> lock(cpus_lock_);
  auto it = cpus_.find(uc);
  if (it == cpus_.end()) return;
  for (auto& [addr, hook] : it->second.breakpoints) uc_hook_del(uc, hook);
  for (auto& [addr, hook] : it->second.watchpoints) uc_hook_del(uc, hook);
  bool had_points = stepping_exits();
  cpus_.erase(it);
  if (had_points) {
    AllowMidBlockExits(uc, false);  // back to the fast mode for a CPU that may be reused without us
    uc_ctl_flush_tb(uc);
  }
}

std::string GdbStub::InsertPoint(char type, uint64_t addr, uint64_t len) {
  std::lock_guard<std::mutex> lock(cpus_lock_);
  if (type == '0' || type == '1') {
    breakpoints_[addr] = true;
  } else if (type == '2' || type == '3' || type == '4') {
    if (len == 0) return "E01";
    watchpoints_[addr] = {len, type == '2' ? 'w' : type == '3' ? 'r' : 'a'};
  } else {
    return "";
  }
  for (auto& [uc, hooks] : cpus_) {
    if (!HookPoint(uc, &hooks, addr)) return "E01";
    UpdateExitMode(uc);
  }
  return "OK";
}

std::string GdbStub::RemovePoint(char type, uint64_t addr, uint64_t) {
  std::lock_guard<std::mutex> lock(cpus_lock_);
  bool watch = type == '2' || type == '3' || type == '4';
  if (type != '0' && type != '1' && !watch) return "";
  (watch ? watchpoints_.erase(addr) : breakpoints_.erase(addr));
  for (auto& [uc, hooks] : cpus_) {
    UnhookPoint(uc, &hooks, addr, watch);
    UpdateExitMode(uc);
  }
  return "OK";
}

void GdbStub::CodeWritten(uint64_t addr, uint64_t len) {
  for (auto& [uc, hooks] : cpus_) uc_ctl_remove_cache(uc, addr, addr + len);
}

void GdbStub::ForgetPoints() {
  std::lock_guard<std::mutex> lock(cpus_lock_);
  breakpoints_.clear();
  watchpoints_.clear();
  for (auto& [uc, hooks] : cpus_) {
    for (auto& [addr, hook] : hooks.breakpoints) uc_hook_del(uc, hook);
    for (auto& [addr, hook] : hooks.watchpoints) uc_hook_del(uc, hook);
    hooks = CpuHooks{};
    UpdateExitMode(uc);
  }
}

GdbStub::Action GdbStub::Stopped(Task& task, int signal, const std::string& reason,
                                 const siginfo_t* info) {
  siginfo_t& siginfo = session_.last_siginfo;
  if (info) {
    siginfo = *info;
  } else {
    memset(&siginfo, 0, sizeof siginfo);
    siginfo.si_signo = signal;
    siginfo.si_code = signal == SIGTRAP ? TRAP_BRKPT : SI_USER;
  }
  if (reason == "swbreak:;") {
    // Another thread's stop was served while this one waited to report its
    // breakpoint; gdb may have removed that breakpoint meanwhile.
    uint64_t pc = 0;
    uc_reg_read(task.uc, task.arch.reg_pc, &pc);
    std::lock_guard<std::mutex> lock(cpus_lock_);
    if (!breakpoints_.count(pc)) return Action{};
  }
  StopWatching();
  if (!channel_.open()) return Action{};
  session_.step_tid = 0;  // a step asked of another thread is asked again after this stop
  session_.general_tid = session_.continue_tid = 0;  // gdb selects again after each stop
  session_.last_stop = "T" + GdbByte(GdbSignal(signal)) + "thread:" + GdbNumber(task.tid) + ";" + reason;
  if (reported_initial_stop_) Send(session_.last_stop);
  reported_initial_stop_ = true;
  std::optional<Action> served = Serve(task);
  if (!served) return Action{Resume::kDetach};  // gdb went away: the guest runs on, as after detach
  Action resume = *served;
  if (resume.how == Resume::kDetach || resume.how == Resume::kKill) RunOnlyThread(task.process, 0);
  if (resume.how == Resume::kDetach) {
    ForgetPoints();
    Disconnect();
  }
  // While the guest runs, a Ctrl-C (0x03) from gdb stops whichever
  // thread runs, or the main thread's blocking call.
  if (resume.how == Resume::kContinue || resume.how == Resume::kStep) WatchForInterrupt();
  resume_seq_.fetch_add(1);
  return resume;
}

std::optional<GdbStub::Action> GdbStub::Serve(Task& task) {
  for (;;) {
    std::string packet;
    if (!channel_.Read(&packet)) {
      Disconnect();
      return std::nullopt;
    }
    if (packet == "\x03") continue;  // already stopped
    GdbReply reply = ServeGdbRequest(packet, task, session_, *this);
    if (reply.packet && channel_.open()) Send(*reply.packet);
    if (reply.then == GdbReply::Then::kStopAcks) channel_.StopAcks();
    if (reply.then == GdbReply::Then::kDisconnect) Disconnect();
    if (reply.resume) return *reply.resume;
  }
}

GdbStub::Action GdbStub::StepDone(Task& task, uint64_t resume_seq) {
  if (resume_seq != resume_seq_.load()) return Action{};  // overtaken by another thread's stop
  return Stopped(task, SIGTRAP, "", nullptr);
}

void GdbStub::Exited(int status) {
  StopWatching();
  Send("W" + GdbByte(status & 0xff));
  Disconnect();
}

void GdbStub::Killed(int sig) {
  StopWatching();
  Send("X" + GdbByte(GdbSignal(sig)));
  Disconnect();
}

}  // namespace ferry
