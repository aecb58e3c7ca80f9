#include "trace/tracer.h"

#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "host/host_syscall.h"
#include "trace/strace.h"
#include "runtime/task.h"

namespace ferry {
namespace {

// Where ferry keeps its trace descriptors: high, so the guest's own
// descriptors (which share the table) rarely meet them.
constexpr int kTraceFdFloor = 900;

bool HasArg(const SyscallRow& row, std::initializer_list<Arg> kinds) {
  for (int i = 0; i < row.nargs; ++i) {
    if (std::find(kinds.begin(), kinds.end(), row.args[i]) != kinds.end()) return true;
  }
  return false;
}

int HighDup(int fd) {
  int high = fcntl(fd, F_DUPFD_CLOEXEC, kTraceFdFloor);
  if (high < 0) return fd;
  close(fd);
  return high;
}

void WriteAll(int fd, const std::string& text) {
  // One write per event keeps lines whole when several processes share a file.
  for (size_t done = 0; done < text.size();) {
    int64_t n = HostSyscall(SYS_write, fd, reinterpret_cast<uint64_t>(text.data() + done),
                            text.size() - done);
    if (n == -EINTR) continue;
    if (n <= 0) return;  // a closed or full output must not change the guest's run
    done += n;
  }
}

double Seconds(const timespec& t) { return t.tv_sec + t.tv_nsec / 1e9; }

std::string Number(double v) {
  char buf[40];
  snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

}  // namespace

bool SyscallInClass(const SyscallRow& row, const std::string& c) {
  if (c == "%file") return HasArg(row, {Arg::kPath, Arg::kLookupPath});
  if (c == "%desc") {
    return row.result == Arg::kFd || HasArg(row, {Arg::kFd, Arg::kDirFd, Arg::kPollFds, Arg::kIntPairOut});
  }
  if (c == "%process") return row.InTraceClass(kTraceProcess);
  if (c == "%signal") return row.InTraceClass(kTraceSignal);
  if (c == "%network" || c == "%net") return row.InTraceClass(kTraceNetwork);
  if (c == "%memory") return row.InTraceClass(kTraceMemory);
  return false;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          char buf[8];
          snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::unique_ptr<Tracer> Tracer::Create(const TraceOptions& options, std::string* error) {
  if (!options.enabled && options.json.empty()) return nullptr;
  std::unique_ptr<Tracer> t(new Tracer(options));
  // Which calls: everything, or the named ones and classes (or all but them).
  if (!options.trace.empty()) {
    t->traced_.reset();
    t->trace_unknown_ = false;
    for (const SyscallRow& row : SyscallTable()) {
      for (const std::string& name : options.trace) {
        if (name == row.name || SyscallInClass(row, name)) t->traced_.set(row.nr);
      }
    }
  } else {
    t->traced_.set();
  }
  if (options.trace_negated) {
    t->traced_.flip();
    t->trace_unknown_ = !t->trace_unknown_;
  }
  if (!options.signals.empty()) {
    uint64_t named = 0;
    for (const std::string& name : options.signals) {
      std::string bare = name.compare(0, 3, "SIG") == 0 ? name.substr(3) : name;
      for (int s = 1; s < 32; ++s) {
        if (sigabbrev_np(s) && bare == sigabbrev_np(s)) named |= uint64_t{1} << (s - 1);
      }
    }
    t->signals_ = options.signals_negated ? ~named : named;
  }
  if (options.enabled && !t->OpenText(error)) return nullptr;
  if (!options.json.empty()) {
    // O_APPEND: processes of one trace (-f children, execve) share the file.
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_APPEND | (options.append ? 0 : O_TRUNC);
    int fd = open(options.json.c_str(), flags, 0644);
    if (fd < 0) {
      *error = "--trace-json " + options.json + ": " + strerror(errno);
      return nullptr;
    }
    t->json_fd_ = HighDup(fd);
  }
  return t;
}

bool Tracer::OpenText(std::string* error) {
  if (text_fd_ >= 0 && owns_text_fd_) close(text_fd_);
  if (options_.output.empty()) {
    // After execve, the stderr the trace began on (the guest may have
    // redirected its own fd 2 since); else ferry's stderr now.
    int from = options_.inherited_fd >= 0 ? options_.inherited_fd : STDERR_FILENO;
    text_fd_ = HighDup(fcntl(from, F_DUPFD_CLOEXEC, 0));
    if (options_.inherited_fd >= 0) close(options_.inherited_fd);
    owns_text_fd_ = true;
    return true;
  }
  std::string path = options_.output;
  if (options_.per_process_files) path += "." + std::to_string(getpid());
  // Append when an earlier ferry of this trace (before execve, or the parent
  // sharing one file) may have written already.
  bool append = options_.append || (options_.child && !options_.per_process_files);
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC | O_APPEND);
  int fd = open(path.c_str(), flags, 0644);
  if (fd < 0) {
    *error = "--strace -o " + path + ": " + strerror(errno);
    return false;
  }
  text_fd_ = HighDup(fd);
  owns_text_fd_ = true;
  return true;
}

Tracer::~Tracer() {
  if (text_fd_ >= 0 && owns_text_fd_) close(text_fd_);
  if (json_fd_ >= 0) close(json_fd_);
}

bool Tracer::Traces(const SyscallRow* row) const {
  return row ? traced_.test(row->nr) : trace_unknown_;
}

bool Tracer::TracesSignal(int sig) const {
  return sig >= 1 && sig <= 64 && (signals_ & (uint64_t{1} << (sig - 1)));
}

int Tracer::InheritableTextFd() const {
  if (text_fd_ < 0 || !options_.output.empty()) return -1;
  return fcntl(text_fd_, F_DUPFD, kTraceFdFloor);  // without FD_CLOEXEC: it crosses the execve
}

bool Tracer::IsOwnFd(int fd) const { return fd >= 0 && (fd == text_fd_ || fd == json_fd_); }

namespace {

// Async-signal-safe decimal.
char* PutDecimal(char* out, long v) {
  char digits[24];
  int n = 0;
  bool negative = v < 0;
  unsigned long u = negative ? -static_cast<unsigned long>(v) : static_cast<unsigned long>(v);
  do {
    digits[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  if (negative) *out++ = '-';
  while (n) *out++ = digits[--n];
  return out;
}

char* PutText(char* out, const char* s) {
  while (*s) *out++ = *s++;
  return out;
}

// A time as Number(Seconds(t)) prints it: seconds with six decimals.
char* PutSeconds(char* out, const timespec& t) {
  out = PutDecimal(out, t.tv_sec);
  *out++ = '.';
  long micros = t.tv_nsec / 1000;
  for (long unit = 100000; unit; unit /= 10) *out++ = static_cast<char>('0' + micros / unit % 10);
  return out;
}

}  // namespace

void Tracer::KilledFromHandler(const siginfo_t& info) const {
  // Only fixed-size buffers and write(2): this runs in a signal handler.
  const char* abbrev = info.si_signo < 32 ? sigabbrev_np(info.si_signo) : nullptr;
  char name[16] = "SIG";
  if (abbrev) memcpy(name + 3, abbrev, strnlen(abbrev, 12) + 1);
  char line[256], *p = line;
  if (text_fd_ >= 0) {
    p = PutText(p, "--- ");
    p = PutText(p, name);
    p = PutText(p, " {si_signo=");
    p = PutText(p, name);
    p = PutText(p, info.si_code == SI_USER ? ", si_code=SI_USER, si_pid=" : ", si_code=SI_KERNEL, si_pid=");
    p = PutDecimal(p, info.si_pid);
    p = PutText(p, ", si_uid=");
    p = PutDecimal(p, info.si_uid);
    p = PutText(p, "} ---\n+++ killed by ");
    p = PutText(p, name);
    p = PutText(p, " +++\n");
    if (write(text_fd_, line, p - line) < 0) {
    }
  }
  if (json_fd_ >= 0) {
    p = line;
    p = PutText(p, "{\"event\":\"killed\",\"pid\":");
    p = PutDecimal(p, getpid());
    p = PutText(p, ",\"tid\":");
    p = PutDecimal(p, gettid());
    timespec now;
    clock_gettime(CLOCK_REALTIME, &now);  // async-signal-safe
    p = PutText(p, ",\"time\":");
    p = PutSeconds(p, now);
    p = PutText(p, ",\"signo\":");
    p = PutDecimal(p, info.si_signo);
    p = PutText(p, ",\"name\":\"");
    p = PutText(p, name);
    p = PutText(p, "\"}\n");
    if (write(json_fd_, line, p - line) < 0) {
    }
  }
}

bool Tracer::AfterFork() {
  if (!options_.follow) return false;
  options_.child = true;
  if (options_.enabled && options_.per_process_files) {
    std::string ignored;
    OpenText(&ignored);
  }
  return true;
}

std::string Tracer::Prefix(const timespec& when) const {
  std::string out;
  char buf[32];
  // Threads show as strace -f shows them: by their own tid.
  int tid = static_cast<int>(gettid());
  if (!options_.output.empty() && options_.follow && !options_.per_process_files) {
    snprintf(buf, sizeof buf, "%-5d ", tid);  // strace -f -o FILE
    out += buf;
  } else if ((options_.child || (options_.follow && tid != getpid())) && !options_.per_process_files) {
    snprintf(buf, sizeof buf, "[pid %5d] ", tid);
    out += buf;
  }
  if (options_.timestamps) {
    struct tm tm;
    localtime_r(&when.tv_sec, &tm);
    char buf[32];
    snprintf(buf, sizeof buf, "%02d:%02d:%02d.%06ld ", tm.tm_hour, tm.tm_min, tm.tm_sec,
             when.tv_nsec / 1000);
    out += buf;
  }
  return out;
}

void Tracer::EmitText(const std::string& call, const std::string& result, const timespec& when) {
  if (text_fd_ < 0) return;
  std::string prefix = Prefix(when);
  WriteAll(text_fd_, prefix + AlignResult(call, result, prefix.size()) + "\n");
}

void Tracer::EmitLine(const std::string& line, const timespec& when) {
  if (text_fd_ >= 0) WriteAll(text_fd_, Prefix(when) + line + "\n");
}

void Tracer::EmitJson(const std::string& object) {
  if (json_fd_ >= 0) WriteAll(json_fd_, object + "\n");
}

namespace {

std::string JsonArgs(const Task& task, const SyscallRow* row, const uint64_t raw[6], int64_t result,
                     size_t limit) {
  std::string o = "\"args\":[";
  int nargs = row ? row->nargs : 6;
  for (int i = 0; i < nargs; ++i) {
    char buf[24];
    snprintf(buf, sizeof buf, "\"%#llx\"", static_cast<unsigned long long>(raw[i]));
    o += (i ? "," : "") + std::string(raw[i] ? buf : "\"0\"");
  }
  o += "],\"decoded\":[";
  if (row) {
    std::vector<std::string> args = FormatArgs(DecodeContextOf(task), *row, raw, result, limit);
    for (size_t i = 0; i < args.size(); ++i) o += (i ? "," : "") + JsonString(args[i]);
  }
  return o + "]";
}

}  // namespace

void Tracer::SyscallEnter(const Task& task, const SyscallRow* row, uint64_t nr, const uint64_t raw[6],
                          const timespec& start) {
  if (json_fd_ < 0 || !Traces(row)) return;
  EmitJson("{\"event\":\"syscall_enter\",\"pid\":" + std::to_string(getpid()) + ",\"tid\":" + std::to_string(gettid()) +
           ",\"time\":" + Number(Seconds(start)) + ",\"nr\":" + std::to_string(nr) +
           ",\"name\":" + (row ? JsonString(row->name) : "null") + "," +
           JsonArgs(task, row, raw, kNoReturn, options_.string_limit) + "}");
}

void Tracer::Syscall(const Task& task, const SyscallRow* row, uint64_t nr, const uint64_t raw[6],
                     int64_t result, const timespec& start, const timespec& end) {
  if (!Traces(row)) return;
  double took = Seconds(end) - Seconds(start);
  if (text_fd_ >= 0) {
    std::string result_text = FormatResult(DecodeContextOf(task), row, raw, result);
    if (options_.durations) result_text += " <" + Number(std::max(0.0, took)) + ">";
    EmitText(FormatCall(DecodeContextOf(task), row, nr, raw, result, options_.string_limit), result_text, start);
  }
  if (json_fd_ < 0) return;
  std::string o = "{\"event\":\"syscall\",\"pid\":" + std::to_string(getpid()) + ",\"tid\":" + std::to_string(gettid()) +
                  ",\"time\":" + Number(Seconds(start)) + ",\"nr\":" + std::to_string(nr) +
                  ",\"name\":" + (row ? JsonString(row->name) : "null") + "," +
                  JsonArgs(task, row, raw, result, options_.string_limit);
  o += ",\"result\":";
  o += result == kNoReturn ? "null" : std::to_string(result);
  std::string error = result == kNoReturn ? "" : ErrorName(result);
  o += ",\"error\":" + (error.empty() ? std::string("null") : JsonString(error));
  o += ",\"restart\":" + std::string(result <= -512 && result >= -516 ? "true" : "false");
  if (row && row->nargs == 1 && row->args[0] == Arg::kResumedCall) {
    o += ",\"resumes\":" + JsonString(task.resumed_call);
  }
  o += ",\"duration\":" + Number(std::max(0.0, took)) + "}";
  EmitJson(o);
}

void Tracer::Signal(const siginfo_t& info) {
  if (!TracesSignal(info.si_signo)) return;
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  EmitLine(FormatSignal(info), now);
  EmitJson("{\"event\":\"signal\",\"pid\":" + std::to_string(getpid()) + ",\"tid\":" + std::to_string(gettid()) + ",\"time\":" +
           Number(Seconds(now)) + ",\"signo\":" + std::to_string(info.si_signo) + ",\"name\":" +
           JsonString(SignalName(info.si_signo)) + ",\"code\":" + std::to_string(info.si_code) +
           ",\"text\":" + JsonString(FormatSignal(info)) + "}");
}

void Tracer::Exited(int status, bool other_threads_live) {
  // strace without -f follows no thread but the first: a thread's end
  // shows only when following.
  if (other_threads_live && !options_.follow) return;
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  EmitLine("+++ exited with " + std::to_string(status) + " +++", now);
  EmitJson("{\"event\":\"exit\",\"pid\":" + std::to_string(getpid()) + ",\"tid\":" + std::to_string(gettid()) + ",\"time\":" +
           Number(Seconds(now)) + ",\"status\":" + std::to_string(status) + "}");
}

void Tracer::Killed(int sig) {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  EmitLine("+++ killed by " + SignalName(sig) + " +++", now);
  EmitJson("{\"event\":\"killed\",\"pid\":" + std::to_string(getpid()) + ",\"tid\":" + std::to_string(gettid()) + ",\"time\":" +
           Number(Seconds(now)) + ",\"signo\":" + std::to_string(sig) + ",\"name\":" +
           JsonString(SignalName(sig)) + "}");
}

}  // namespace ferry
