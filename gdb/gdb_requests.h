// What gdb's requests do while the guest is stopped: one small handler per
// kind of packet, chosen by its prefix through a table (gdb_requests.cc).
// The wire format is gdb_packets.h's; stops, breakpoints and the connection
// are gdb_stub.h's.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "gdb/gdb_host_files.h"
#include "runtime/debugger.h"

namespace ferry {

class Task;

// How the guest goes on once gdb resumes it.
using GdbResume = DebugResume;
using GdbAction = DebugAction;

// What the requests remember from one packet, or one stop, to the next.
struct GdbSession {
  std::string last_stop;    // the stop reply, sent again for '?'
  siginfo_t last_siginfo{};  // qXfer:siginfo
  pid_t general_tid = 0;    // Hg: whose registers (0: the stopped thread)
  pid_t continue_tid = 0;   // Hc: which thread s/c act on
  pid_t step_tid = 0;       // a thread other than the stopped one asked to step
  bool catch_all_syscalls = false;  // QCatchSyscalls:1
  std::set<uint64_t> caught_syscalls;  // QCatchSyscalls:1;NR;...
  GdbHostFiles files;       // vFile:
};

// The breakpoint machinery the requests drive; the stub owns it because the
// CPU hooks report to it.
class GdbPoints {
 public:
  // Z/z TYPE,ADDR,KIND: "OK", "E01", or "" for a type we lack.
  virtual std::string InsertPoint(char type, uint64_t addr, uint64_t len) = 0;
  virtual std::string RemovePoint(char type, uint64_t addr, uint64_t len) = 0;
  // gdb wrote guest memory that may have been translated as code.
  virtual void CodeWritten(uint64_t addr, uint64_t len) = 0;

 protected:
  ~GdbPoints() = default;
};

// A request's outcome: what to send back, whether the guest resumes, and
// what the connection does once the reply has gone.
struct GdbReply {
  GdbReply(std::string body) : packet(std::move(body)) {}  // NOLINT: most handlers just answer
  GdbReply(const char* body) : packet(body) {}              // NOLINT
  static GdbReply Resumed(GdbAction action) {
    GdbReply reply(std::nullopt);
    reply.resume = action;
    return reply;
  }

  // nullopt: no reply now (a resume is answered by the next stop, 'k' never).
  std::optional<std::string> packet;
  std::optional<GdbAction> resume;  // set: gdb let the guest go on
  // After the reply: QStartNoAckMode's "OK" is still acknowledged, and
  // vKill's "OK" goes out before the connection closes.
  enum class Then { kNothing, kStopAcks, kDisconnect } then = Then::kNothing;

 private:
  explicit GdbReply(std::nullopt_t) {}
};

// Serves one packet. `stopped` is the thread that reported the stop.
GdbReply ServeGdbRequest(const std::string& packet, Task& stopped, GdbSession& session,
                         GdbPoints& points);

// gdb's signal numbers, which differ from Linux's for a few.
int GdbSignal(int host);

}  // namespace ferry
