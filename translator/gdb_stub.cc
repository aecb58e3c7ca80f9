#include "translator/gdb_stub.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "translator/async_stop.h"
#include "translator/signals.h"
#include "translator/sysroot.h"
#include "translator/task.h"
#include "translator/threads.h"

namespace translator {
namespace {

constexpr size_t kPacketSize = 0x4000;

std::string Hex(const void* data, size_t len) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  const uint8_t* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < len; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool FromHex(const std::string& text, std::string* bytes) {
  if (text.size() % 2) return false;
  bytes->clear();
  for (size_t i = 0; i < text.size(); i += 2) {
    int hi = HexDigit(text[i]), lo = HexDigit(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes->push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

// Parses a hex number at *pos, advancing it; false when there is none.
bool ParseHex(const std::string& s, size_t* pos, uint64_t* value) {
  size_t start = *pos;
  *value = 0;
  while (*pos < s.size() && HexDigit(s[*pos]) >= 0 && *pos - start < 16) {
    *value = *value << 4 | HexDigit(s[*pos]);
    ++*pos;
  }
  return *pos > start;
}

std::string Number(uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string StopCode(int signal) {
  char buf[8];
  snprintf(buf, sizeof buf, "%02x", signal & 0xff);
  return buf;
}

// gdb's signal numbers equal Linux's for 1-31 except these few.
int GdbSignal(int host) {
  switch (host) {
    case SIGBUS: return 10;
    case SIGUSR1: return 30;
    case SIGUSR2: return 31;
    case SIGSTKFLT: return 0;
    case SIGCHLD: return 20;
    case SIGCONT: return 19;
    case SIGSTOP: return 17;
    case SIGTSTP: return 18;
    case SIGURG: return 16;
    case SIGIO: return 23;
    case SIGPWR: return 32;
    case SIGSYS: return 12;
    default: return host;
  }
}

int HostSignal(int gdb) {
  for (int s = 1; s < 32; ++s) {
    if (GdbSignal(s) == gdb) return s;
  }
  return gdb;
}

}  // namespace

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

bool GdbStub::Accept(std::string* error) {
  for (;;) {
    fd_ = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd_ >= 0) break;
    if (errno != EINTR) {
      *error = std::string("--gdb: accept failed: ") + strerror(errno);
      return false;
    }
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // One client: later ones are refused at once rather than left hanging.
  close(listen_fd_);
  listen_fd_ = -1;
  return true;
}

void GdbStub::Disconnect() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  for (auto& [id, fd] : files_) close(fd);
  files_.clear();
}

bool GdbStub::ReadPacket(std::string* packet) {
  // Returns one packet's payload; a bare 0x03 is returned as "\x03".
  for (;;) {
    size_t start = pending_input_.find_first_of("$\x03");
    if (start != std::string::npos && pending_input_[start] == '\x03') {
      pending_input_.erase(0, start + 1);
      *packet = "\x03";
      return true;
    }
    if (start != std::string::npos) {
      size_t hash = pending_input_.find('#', start);
      if (hash != std::string::npos && hash + 2 < pending_input_.size() + 0 + 1 &&
          pending_input_.size() >= hash + 3) {
        std::string body = pending_input_.substr(start + 1, hash - start - 1);
        int hi = HexDigit(pending_input_[hash + 1]), lo = HexDigit(pending_input_[hash + 2]);
        pending_input_.erase(0, hash + 3);
        uint8_t sum = 0;
        for (char c : body) sum += static_cast<uint8_t>(c);
        if (hi < 0 || lo < 0 || (hi << 4 | lo) != sum) {
          if (!no_ack_ && write(fd_, "-", 1) < 0) return false;  // bad checksum: ask again
          continue;
        }
        if (!no_ack_ && write(fd_, "+", 1) < 0) return false;
        // Run-length encoding is only ever sent by stubs; escapes by both.
        std::string unescaped;
        for (size_t i = 0; i < body.size(); ++i) {
          if (body[i] == '}' && i + 1 < body.size()) unescaped += static_cast<char>(body[++i] ^ 0x20);
          else unescaped += body[i];
        }
        *packet = unescaped;
        return true;
      }
    }
    if (pending_input_.size() > 4 * kPacketSize) pending_input_.clear();  // garbage
    char buf[4096];
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    pending_input_.append(buf, n);
  }
}

void GdbStub::SendPacket(const std::string& data) {
  if (fd_ < 0) return;
  std::string framed = "$";
  uint8_t sum = 0;
  for (char c : data) {
    if (c == '$' || c == '#' || c == '}' || c == '*') {
      framed += '}';
      framed += static_cast<char>(c ^ 0x20);
      sum += '}' + static_cast<uint8_t>(c ^ 0x20);
    } else {
      framed += c;
      sum += static_cast<uint8_t>(c);
    }
  }
  framed += '#' + StopCode(sum);
  for (int attempt = 0; attempt < 3; ++attempt) {
    size_t done = 0;
    while (done < framed.size()) {
      ssize_t n = write(fd_, framed.data() + done, framed.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        Disconnect();
        return;
      }
      done += n;
    }
    if (no_ack_) return;
    // A client that never acknowledges is gone for our purposes: wait 5 s at most.
    pollfd pfd = {fd_, POLLIN, 0};
    int ready;
    do {
      ready = poll(&pfd, 1, 5000);
    } while (ready < 0 && errno == EINTR);
    if (ready <= 0) {
      Disconnect();
      return;
    }
    char ack;
    ssize_t n;
    do {
      n = read(fd_, &ack, 1);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
      Disconnect();
      return;
    }
    if (ack == '+') return;
    if (ack == '\x03') pending_input_ += '\x03';
    if (ack != '-') return;  // anything else: treat as acknowledged
  }
}

GdbStub::Hit GdbStub::TakeHit() {
  Hit hit = hit_;
  hit.interrupt = TakeDebuggerStop();
  hit_ = Hit{};
  return hit;
}

void GdbStub::WatchForInterrupt() {
  if (fd_ < 0 || watcher_.joinable()) return;
  if (wake_pipe_[0] < 0 && pipe2(wake_pipe_, O_CLOEXEC) != 0) return;
  watching_.store(true);
  int fd = fd_, wake = wake_pipe_[0];
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

std::string GdbStub::TargetXml(const Task& task) const {
  const arch::ArchInfo& arch = task.arch;
  std::string xml = "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\"><target>";
  xml += std::string("<architecture>") + arch.gdb_architecture + "</architecture><osabi>GNU/Linux</osabi>";
  std::string feature;
  for (size_t i = 0; i < arch.gdb_register_count; ++i) {
    const arch::GdbRegister& r = arch.gdb_registers[i];
    if (feature != r.feature) {
      if (!feature.empty()) xml += "</feature>";
      feature = r.feature;
      xml += "<feature name=\"" + feature + "\">";
      if (feature.find("fpu") != std::string::npos) xml += arch.gdb_fpu_types;
    }
    xml += "<reg name=\"" + std::string(r.name) + "\" bitsize=\"" + std::to_string(r.bits) +
           "\" regnum=\"" + std::to_string(r.regnum) + "\" type=\"" + r.type + "\"/>";
  }
  if (!feature.empty()) xml += "</feature>";
  return xml + "</target>";
}

std::string GdbStub::ReadRegisters(Task& task, size_t first, size_t count) {
  std::string out;
  for (size_t i = first; i < first + count && i < task.arch.gdb_register_count; ++i) {
    const arch::GdbRegister& r = task.arch.gdb_registers[i];
    uint8_t value[16] = {};
    uc_reg_read(task.uc, r.uc_reg, value);
    out += Hex(value, r.bits / 8);
  }
  return out;
}

std::string GdbStub::Xfer(Task& task, const std::string& object, const std::string& annex,
                          uint64_t offset, uint64_t length) {
  std::string data;
  if (object == "features" && annex == "target.xml") {
    data = TargetXml(task);
  } else if (object == "auxv") {
    data.resize(task.process.layout.auxv_size);
    if (!task.memory.Read(task.process.layout.auxv, data.data(), data.size())) return "E01";
  } else if (object == "exec-file") {
    data = task.process.exe_path;  // the guest's name; vFile:open finds it through the sysroot
  } else if (object == "siginfo") {
    // The 64-bit siginfo layout is the same for the guests as for x86_64.
    data.assign(reinterpret_cast<const char*>(&last_siginfo_), sizeof last_siginfo_);
  } else {
    return "";
  }
  if (offset >= data.size()) return "l";
  std::string chunk = data.substr(offset, std::min<uint64_t>(length, kPacketSize / 2));
  return (offset + chunk.size() >= data.size() ? "l" : "m") + chunk;
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

Task* GdbStub::FindThread(Task& any, pid_t tid) {
  for (ThreadSlot& slot : any.process.slots) {
    if (slot.tid.load() != tid) continue;
    Task* task = slot.task.load();
    return task && task->uc ? task : nullptr;  // not while it starts or ends
  }
  return nullptr;
}

Task& GdbStub::ThreadTask(Task& stopped, pid_t tid) {
  if (tid <= 0 || tid == stopped.tid) return stopped;
  Task* other = FindThread(stopped, tid);
  return other ? *other : stopped;
}

std::string GdbStub::Handle(Task& stopped, const std::string& p, Action* resume, bool* resumed) {
  const arch::ArchInfo& arch = stopped.arch;
  std::string tid = Number(static_cast<uint64_t>(stopped.tid));
  // Hg: registers (and memory, which all threads share) of the selected thread.
  Task& task = ThreadTask(stopped, general_tid_);
  auto starts = [&](const char* prefix) { return p.compare(0, strlen(prefix), prefix) == 0; };
  if (p.empty()) return "";
  switch (p[0]) {
    case '?':
      return last_stop_;
    case 'g':
      return ReadRegisters(task, 0, arch.gdb_g_registers);
    case 'G': {
      std::string bytes;
      if (!FromHex(p.substr(1), &bytes)) return "E01";
      size_t at = 0;
      for (size_t i = 0; i < arch.gdb_g_registers && at < bytes.size(); ++i) {
        const arch::GdbRegister& r = arch.gdb_registers[i];
        uint8_t value[16] = {};
        memcpy(value, bytes.data() + at, std::min<size_t>(r.bits / 8, bytes.size() - at));
        uc_reg_write(task.uc, r.uc_reg, value);
        at += r.bits / 8;
      }
      return "OK";
    }
    case 'p':
    case 'P': {
      size_t pos = 1;
      uint64_t regnum;
      if (!ParseHex(p, &pos, &regnum)) return "E01";
      const arch::GdbRegister* reg = nullptr;
      size_t index = 0;
      for (size_t i = 0; i < arch.gdb_register_count; ++i) {
        if (static_cast<uint64_t>(arch.gdb_registers[i].regnum) == regnum) {
          reg = &arch.gdb_registers[i];
          index = i;
        }
      }
      if (!reg) return "E01";
      if (p[0] == 'p') return ReadRegisters(task, index, 1);
      std::string bytes;
      if (pos >= p.size() || p[pos] != '=' || !FromHex(p.substr(pos + 1), &bytes) ||
          bytes.size() != reg->bits / 8u) {
        return "E01";
      }
      uint8_t value[16] = {};
      memcpy(value, bytes.data(), bytes.size());
      uc_reg_write(task.uc, reg->uc_reg, value);
      return "OK";
    }
    case 'm': {
      size_t pos = 1;
      uint64_t addr, len;
      if (!ParseHex(p, &pos, &addr) || pos >= p.size() || p[pos++] != ',' || !ParseHex(p, &pos, &len)) {
        return "E01";
      }
      len = std::min<uint64_t>(len, kPacketSize / 2);
      std::string out;
      for (uint64_t i = 0; i < len; ++i) {  // as much as is readable, byte by byte across pages
        uint8_t byte;
        if (!task.memory.HasAccess(addr + i, 1, kPageMapped | kPageRead)) break;
        memcpy(&byte, task.memory.Host(addr + i), 1);
        out += Hex(&byte, 1);
      }
      return out.empty() && len ? "E14" : out;
    }
    case 'M':
    case 'X': {
      size_t pos = 1;
      uint64_t addr, len;
      if (!ParseHex(p, &pos, &addr) || pos >= p.size() || p[pos++] != ',' || !ParseHex(p, &pos, &len) ||
          pos >= p.size() || p[pos++] != ':') {
        return "E01";
      }
      std::string bytes;
      if (p[0] == 'M') {
        if (!FromHex(p.substr(pos), &bytes)) return "E01";
      } else {
        bytes = p.substr(pos);
      }
      if (bytes.size() != len) return "E01";
      if (!task.memory.Write(addr, bytes.data(), bytes.size())) return "E14";
      for (auto& [uc, hooks] : cpus_) uc_ctl_remove_cache(uc, addr, addr + len);  // it may have been code
      return "OK";
    }
    case 'Z':
    case 'z': {
      size_t pos = 3;
      uint64_t addr, kind;
      if (p.size() < 4 || p[2] != ',' || !ParseHex(p, &pos, &addr) || pos >= p.size() || p[pos++] != ',' ||
          !ParseHex(p, &pos, &kind)) {
        return "E01";
      }
      return p[0] == 'Z' ? InsertPoint(p[1], addr, kind) : RemovePoint(p[1], addr, kind);
    }
    case 'c':
    case 's':
    case 'C':
    case 'S': {
      resume->how = (p[0] == 'c' || p[0] == 'C') ? Resume::kContinue : Resume::kStep;
      step_tid_ = resume->how == Resume::kStep ? (continue_tid_ > 0 ? continue_tid_ : stopped.tid) : 0;
      if (resume->how == Resume::kStep && step_tid_ != stopped.tid) resume->how = Resume::kContinue;
      RunOnlyThread(stopped.process, 0);
      resume->signal = 0;
      if (p[0] == 'C' || p[0] == 'S') {
        size_t pos = 1;
        uint64_t sig;
        if (!ParseHex(p, &pos, &sig)) return "E01";
        resume->signal = HostSignal(static_cast<int>(sig));
      }
      *resumed = true;
      return "";
    }
    case 'D':
      resume->how = Resume::kDetach;
      *resumed = true;
      return "OK";
    case 'k':  // no reply: the stub ends with the guest
      resume->how = Resume::kKill;
      *resumed = true;
      Disconnect();
      return "";
    case 'H': {  // Hg / Hc THREAD: -1 all, 0 any
      if (p.size() < 3 || (p[1] != 'g' && p[1] != 'c')) return "E01";
      int64_t chosen = p.compare(2, 2, "-1") == 0 ? -1 : 0;
      size_t pos = 2;
      uint64_t id = 0;
      if (chosen == 0 && ParseHex(p, &pos, &id)) chosen = static_cast<int64_t>(id);
      if (chosen > 0 && !FindThread(stopped, static_cast<pid_t>(chosen))) return "E01";
      (p[1] == 'g' ? general_tid_ : continue_tid_) = static_cast<pid_t>(chosen);
      return "OK";
    }
    case 'T': {
      size_t pos = 1;
      uint64_t id;
      if (!ParseHex(p, &pos, &id)) return "E01";
      return FindThread(stopped, static_cast<pid_t>(id)) ? "OK" : "E01";
    }
  }
  if (p == "vCont?") return "vCont;c;C;s;S";
  if (starts("vCont;")) {
    // vCont;ACTION[:THREAD];...: the first action naming the stopped thread,
    // or naming none, is its own; a step for another thread makes that one
    // step when it next runs. Threads no action names stay stopped: with
    // no default action, only the one thread named may run.
    std::string own, step_other;
    bool has_default = false;
    pid_t named = 0;
    size_t at = 6;
    while (at <= p.size()) {
      size_t end = p.find(';', at);
      if (end == std::string::npos) end = p.size();
      std::string item = p.substr(at, end - at);
      size_t colon = item.find(':');
      std::string action = item.substr(0, colon);
      pid_t target = 0;
      if (colon != std::string::npos) {
        size_t pos = colon + 1;
        uint64_t id;
        if (item.compare(pos, 2, "-1") != 0 && ParseHex(item, &pos, &id)) target = static_cast<pid_t>(id);
      }
      if (action.empty()) return "E01";
      if (target <= 0) has_default = true;
      if (target > 0 && !named) named = target;
      if ((action[0] == 's' || action[0] == 'S') && target > 0 && target != stopped.tid) {
        if (step_other.empty()) step_other = Number(static_cast<uint64_t>(target));
      } else if (own.empty() && (target <= 0 || target == stopped.tid)) {
        own = action;
      }
      at = end + 1;
    }
    if (own.empty()) own = "c";
    continue_tid_ = 0;
    std::string reply = Handle(stopped, own, resume, resumed);
    RunOnlyThread(stopped.process, has_default ? 0 : named);
    if (!step_other.empty()) {
      size_t pos = 0;
      uint64_t id;
      ParseHex(step_other, &pos, &id);
      step_tid_ = static_cast<pid_t>(id);
    }
    return reply;
  }
  if (starts("vKill")) {
    SendPacket("OK");
    resume->how = Resume::kKill;
    *resumed = true;
    Disconnect();
    return "\x01";
  }
  if (starts("vFile:")) return HostFile(task, p);
  if (starts("qSupported")) {
    return "PacketSize=" + Number(kPacketSize) +
           ";qXfer:features:read+;qXfer:auxv:read+;qXfer:exec-file:read+;qXfer:siginfo:read+;"
           "QStartNoAckMode+;"
           "swbreak+;vContSupported+;QCatchSyscalls+";
  }
  if (p == "QStartNoAckMode") {
    SendPacket("OK");
    no_ack_ = true;
    return "\x01";  // already answered
  }
  if (starts("QCatchSyscalls:")) {
    // QCatchSyscalls:0 (off), QCatchSyscalls:1 (all), QCatchSyscalls:1;NR;NR...
    caught_syscalls_.clear();
    catch_all_syscalls_ = false;
    if (p.compare(15, 1, "0") == 0) return "OK";
    if (p.compare(15, 1, "1") != 0) return "E01";
    size_t pos = 16;
    if (pos >= p.size()) catch_all_syscalls_ = true;
    while (pos < p.size()) {
      uint64_t nr;
      ++pos;  // ';'
      if (!ParseHex(p, &pos, &nr)) return "E01";
      caught_syscalls_[nr] = true;
    }
    return "OK";
  }
  if (p == "qAttached" || starts("qAttached:")) return "1";
  if (p == "qC") return "QC" + tid;
  if (p == "qfThreadInfo") {
    std::string list;
    for (ThreadSlot& slot : stopped.process.slots) {
      pid_t id = slot.tid.load();
      if (id && FindThread(stopped, id)) list += (list.empty() ? "m" : ",") + Number(static_cast<uint64_t>(id));
    }
    return list.empty() ? "l" : list;
  }
  if (p == "qsThreadInfo") return "l";
  if (starts("qThreadExtraInfo,")) {
    size_t pos = 17;
    uint64_t id;
    if (!ParseHex(p, &pos, &id) || !FindThread(stopped, static_cast<pid_t>(id))) return "E01";
    std::string what = std::string(arch.name) + (static_cast<pid_t>(id) == stopped.process.leader_tid ? ", main thread" : "");
    return Hex(what.data(), what.size());
  }
  if (p == "qSymbol::") return "OK";
  if (starts("qXfer:")) {
    // qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH
    size_t a = 6, b = p.find(':', a);
    if (b == std::string::npos || p.compare(b, 6, ":read:") != 0) return "";
    std::string object = p.substr(a, b - a);
    size_t c = p.find(':', b + 6);
    if (c == std::string::npos) return "E01";
    std::string annex = p.substr(b + 6, c - b - 6);
    size_t pos = c + 1;
    uint64_t offset, length;
    if (!ParseHex(p, &pos, &offset) || pos >= p.size() || p[pos++] != ',' || !ParseHex(p, &pos, &length)) {
      return "E01";
    }
    return Xfer(task, object, annex, offset, length);
  }
  return "";  // unsupported: the empty reply, as the protocol asks
}

namespace {

// gdb's File-I/O errno numbers.
int FileioErrno(int e) {
  switch (e) {
    case EPERM: case ENOENT: case EINTR: case EBADF: case EACCES: case EFAULT: case EBUSY:
    case EEXIST: case ENODEV: case ENOTDIR: case EISDIR: case EINVAL: case ENFILE: case EMFILE:
    case EFBIG: case ENOSPC: case ESPIPE: case EROFS:
      return e;
    case ENAMETOOLONG: return 91;
    default: return 9999;
  }
}

std::string FileError(int e) { return "F-1," + Number(FileioErrno(e)); }

void PutBig(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}

}  // namespace

// vFile: gdb reads the guest's files (the program, its libraries) through
// the stub, with the guest's paths: through the sysroot, read-only.
std::string GdbStub::HostFile(Task& task, const std::string& p) {
  std::string args = p.substr(p.find(':', 6) + 1);
  std::string op = p.substr(6, p.find(':', 6) - 6);
  auto hex_path = [&](const std::string& text, std::string* path) {
    return FromHex(text.substr(0, text.find(',')), path);
  };
  if (op == "setfs") return "F0";
  if (op == "open") {
    std::string path;
    if (!hex_path(args, &path)) return "F-1,16";
    size_t pos = args.find(',') + 1;
    uint64_t flags;
    if (!ParseHex(args, &pos, &flags)) return FileError(EINVAL);
    if (flags != 0) return FileError(EACCES);  // read-only
    std::string host = task.process.sysroot.Resolve(path);
    if (path == task.process.exe_path) host = task.process.exe_host_path;
    int fd = open(host.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return FileError(errno);
    int id = files_.empty() ? 1 : files_.rbegin()->first + 1;
    files_[id] = fd;
    return "F" + Number(id);
  }
  size_t pos = 0;
  uint64_t id;
  if (!ParseHex(args, &pos, &id)) return FileError(EINVAL);
  auto it = files_.find(static_cast<int>(id));
  if (op == "readlink") {
    std::string path;
    if (!FromHex(args, &path)) return FileError(EINVAL);
    char target[4096];
    ssize_t n = readlink(task.process.sysroot.Resolve(path, false).c_str(), target, sizeof target);
    if (n < 0) return FileError(errno);
    return "F" + Number(n) + ";" + task.process.sysroot.GuestView(std::string(target, n));
  }
  if (it == files_.end()) return FileError(EBADF);
  if (op == "close") {
    close(it->second);
    files_.erase(it);
    return "F0";
  }
  if (op == "pread") {
    uint64_t count, offset;
    if (pos >= args.size() || args[pos++] != ',' || !ParseHex(args, &pos, &count) || pos >= args.size() ||
        args[pos++] != ',' || !ParseHex(args, &pos, &offset)) {
      return FileError(EINVAL);
    }
    std::string data(std::min<uint64_t>(count, kPacketSize / 2), '\0');
    ssize_t n = pread(it->second, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) return FileError(errno);
    return "F" + Number(n) + ";" + data.substr(0, n);
  }
  if (op == "fstat") {
    struct stat st;
    if (fstat(it->second, &st) != 0) return FileError(errno);
    std::string out;  // gdb's struct stat: big-endian, fixed widths
    PutBig(&out, st.st_dev, 4);
    PutBig(&out, st.st_ino, 4);
    PutBig(&out, st.st_mode, 4);
    PutBig(&out, st.st_nlink, 4);
    PutBig(&out, st.st_uid, 4);
    PutBig(&out, st.st_gid, 4);
    PutBig(&out, st.st_rdev, 4);
    PutBig(&out, st.st_size, 8);
    PutBig(&out, st.st_blksize, 8);
    PutBig(&out, st.st_blocks, 8);
    PutBig(&out, st.st_atime, 4);
    PutBig(&out, st.st_mtime, 4);
    PutBig(&out, st.st_ctime, 4);
    return "F" + Number(out.size()) + ";" + out;
  }
  return "";
}

GdbStub::Action GdbStub::Stopped(Task& task, int signal, const std::string& reason,
                                 const siginfo_t* info) {
  if (info) {
    last_siginfo_ = *info;
  } else {
    memset(&last_siginfo_, 0, sizeof last_siginfo_);
    last_siginfo_.si_signo = signal;
    last_siginfo_.si_code = signal == SIGTRAP ? TRAP_BRKPT : SI_USER;
  }
  Action resume;
  if (reason == "swbreak:;") {
    // Another thread's stop was served while this one waited to report its
    // breakpoint; gdb may have removed that breakpoint meanwhile.
    uint64_t pc = 0;
    uc_reg_read(task.uc, task.arch.reg_pc, &pc);
    std::lock_guard<std::mutex> lock(cpus_lock_);
    if (!breakpoints_.count(pc)) return resume;
  }
  StopWatching();
  if (fd_ < 0) return resume;
  step_tid_ = 0;  // a step asked of another thread is asked again after this stop
  std::string tid = Number(static_cast<uint64_t>(task.tid));
  general_tid_ = continue_tid_ = 0;  // gdb selects again after each stop
  last_stop_ = "T" + StopCode(GdbSignal(signal)) + "thread:" + tid + ";" + reason;
  if (reported_initial_stop_) SendPacket(last_stop_);
  reported_initial_stop_ = true;
  for (;;) {
    std::string packet;
    if (!ReadPacket(&packet)) {  // gdb went away: the guest runs on, as after detach
      Disconnect();
      resume.how = Resume::kDetach;
      return resume;
    }
    if (packet == "\x03") continue;  // already stopped
    bool resumed = false;
    std::string reply = Handle(task, packet, &resume, &resumed);
    if (reply != "\x01" && !(resumed && reply.empty()) && fd_ >= 0) SendPacket(reply);
    if (!resumed) continue;
    if (resume.how == Resume::kDetach || resume.how == Resume::kKill) RunOnlyThread(task.process, 0);
    if (resume.how == Resume::kDetach) {
      // Breakpoints go with the debugger.
      std::lock_guard<std::mutex> lock(cpus_lock_);
      breakpoints_.clear();
      watchpoints_.clear();
      for (auto& [uc, hooks] : cpus_) {
        for (auto& [addr, hook] : hooks.breakpoints) uc_hook_del(uc, hook);
        for (auto& [addr, hook] : hooks.watchpoints) uc_hook_del(uc, hook);
        hooks = CpuHooks{};
        UpdateExitMode(uc);
      }
      Disconnect();
    }
    // While the guest runs, a Ctrl-C (0x03) from gdb stops whichever
    // thread runs, or the main thread's blocking call.
    if (resume.how == Resume::kContinue || resume.how == Resume::kStep) WatchForInterrupt();
    resume_seq_.fetch_add(1);
    return resume;
  }
}

GdbStub::Action GdbStub::StepDone(Task& task, uint64_t resume_seq) {
  if (resume_seq != resume_seq_.load()) return Action{};  // overtaken by another thread's stop
  return Stopped(task, SIGTRAP);
}

void GdbStub::Exited(int status) {
  StopWatching();
  SendPacket("W" + StopCode(status & 0xff));
  Disconnect();
}

void GdbStub::Killed(int sig) {
  StopWatching();
  SendPacket("X" + StopCode(GdbSignal(sig)));
  Disconnect();
}

}  // namespace translator
