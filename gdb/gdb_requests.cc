#include "gdb/gdb_requests.h"

#include <algorithm>
#include <cstring>

#include "gdb/gdb_packets.h"
#include "runtime/task.h"
#include "runtime/threads.h"

namespace ferry {
namespace {

// One request as its handler sees it.
struct Request {
  const std::string& p;  // the packet's payload
  Task& stopped;         // the thread that reported the stop
  Task& task;            // Hg's choice: whose registers (memory is shared)
  GdbSession& session;
  GdbPoints& points;
};

int HostSignal(int gdb) {
  for (int s = 1; s < 32; ++s) {
    if (GdbSignal(s) == gdb) return s;
  }
  return gdb;
}

// A live thread by id; not one that is starting or ending (no CPU then).
Task* FindThread(Task& any, pid_t tid) {
  for (ThreadSlot& slot : any.process.slots) {
    if (slot.tid.load() != tid) continue;
    Task* task = slot.task.load();
    return task && task->uc ? task : nullptr;
  }
  return nullptr;
}

Task& ThreadTask(Task& stopped, pid_t tid) {
  if (tid <= 0 || tid == stopped.tid) return stopped;
  Task* other = FindThread(stopped, tid);
  return other ? *other : stopped;
}

std::string ReadRegisters(Task& task, size_t first, size_t count) {
  std::string out;
  for (size_t i = first; i < first + count && i < task.arch.gdb_register_count; ++i) {
    const arch::GdbRegister& r = task.arch.gdb_registers[i];
    uint8_t value[16] = {};
    uc_reg_read(task.uc, r.uc_reg, value);
    out += GdbHex(value, r.bits / 8);
  }
  return out;
}

std::string TargetXml(const Task& task) {
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

// ---- registers and memory ----

GdbReply StopReason(Request& r) { return r.session.last_stop; }

GdbReply ReadGeneralRegisters(Request& r) { return ReadRegisters(r.task, 0, r.task.arch.gdb_g_registers); }

GdbReply WriteGeneralRegisters(Request& r) {
  std::string bytes;
  if (!GdbFromHex(r.p.substr(1), &bytes)) return "E01";
  const arch::ArchInfo& arch = r.task.arch;
  size_t at = 0;
  for (size_t i = 0; i < arch.gdb_g_registers && at < bytes.size(); ++i) {
    const arch::GdbRegister& reg = arch.gdb_registers[i];
    uint8_t value[16] = {};
    memcpy(value, bytes.data() + at, std::min<size_t>(reg.bits / 8, bytes.size() - at));
    uc_reg_write(r.task.uc, reg.uc_reg, value);
    at += reg.bits / 8;
  }
  return "OK";
}

// p REGNUM / P REGNUM=VALUE, by gdb's register number.
GdbReply OneRegister(Request& r) {
  const arch::ArchInfo& arch = r.task.arch;
  size_t pos = 1;
  uint64_t regnum;
  if (!GdbParseHex(r.p, &pos, &regnum)) return "E01";
  const arch::GdbRegister* reg = nullptr;
  size_t index = 0;
  for (size_t i = 0; i < arch.gdb_register_count; ++i) {
    if (static_cast<uint64_t>(arch.gdb_registers[i].regnum) == regnum) {
      reg = &arch.gdb_registers[i];
      index = i;
    }
  }
  if (!reg) return "E01";
  if (r.p[0] == 'p') return ReadRegisters(r.task, index, 1);
  std::string bytes;
  if (pos >= r.p.size() || r.p[pos] != '=' || !GdbFromHex(r.p.substr(pos + 1), &bytes) ||
      bytes.size() != reg->bits / 8u) {
    return "E01";
  }
  uint8_t value[16] = {};
  memcpy(value, bytes.data(), bytes.size());
  uc_reg_write(r.task.uc, reg->uc_reg, value);
  return "OK";
}

// m ADDR,LEN: as much as is readable, byte by byte across pages.
GdbReply ReadMemory(Request& r) {
  size_t pos = 1;
  uint64_t addr, len;
  if (!GdbParseHexThen(r.p, &pos, &addr, ',') || !GdbParseHex(r.p, &pos, &len)) return "E01";
  len = std::min<uint64_t>(len, kGdbPacketSize / 2);
  std::string out;
  for (uint64_t i = 0; i < len; ++i) {
    if (!r.task.memory.HasAccess(addr + i, 1, kPageMapped | kPageRead)) break;
    out += GdbHex(r.task.memory.Host(addr + i), 1);
  }
  return out.empty() && len ? "E14" : out;
}

// M ADDR,LEN:HEX / X ADDR,LEN:BINARY
GdbReply WriteMemory(Request& r) {
  size_t pos = 1;
  uint64_t addr, len;
  if (!GdbParseHexThen(r.p, &pos, &addr, ',') || !GdbParseHexThen(r.p, &pos, &len, ':')) return "E01";
  std::string bytes;
  if (r.p[0] == 'M') {
    if (!GdbFromHex(r.p.substr(pos), &bytes)) return "E01";
  } else {
    bytes = r.p.substr(pos);
  }
  if (bytes.size() != len) return "E01";
  if (!r.task.memory.Write(addr, bytes.data(), bytes.size())) return "E14";
  r.points.CodeWritten(addr, len);
  return "OK";
}

// Z/z TYPE,ADDR,KIND
GdbReply BreakOrWatchPoint(Request& r) {
  size_t pos = 3;
  uint64_t addr, kind;
  if (r.p.size() < 4 || r.p[2] != ',' || !GdbParseHexThen(r.p, &pos, &addr, ',') ||
      !GdbParseHex(r.p, &pos, &kind)) {
    return "E01";
  }
  return r.p[0] == 'Z' ? r.points.InsertPoint(r.p[1], addr, kind) : r.points.RemovePoint(r.p[1], addr, kind);
}

// ---- resuming ----

// c / s / C SIG / S SIG: the step goes to Hc's thread, which may not be
// the stopped one; that one then steps when it next runs.
GdbReply ContinueOrStep(Request& r) {
  GdbSession& s = r.session;
  GdbAction action;
  bool step = r.p[0] == 's' || r.p[0] == 'S';
  action.how = step ? GdbResume::kStep : GdbResume::kContinue;
  s.step_tid = step ? (s.continue_tid > 0 ? s.continue_tid : r.stopped.tid) : 0;
  if (step && s.step_tid != r.stopped.tid) action.how = GdbResume::kContinue;
  RunOnlyThread(r.stopped.process, 0);
  if (r.p[0] == 'C' || r.p[0] == 'S') {
    size_t pos = 1;
    uint64_t sig;
    if (!GdbParseHex(r.p, &pos, &sig)) return "E01";
    action.signal = HostSignal(static_cast<int>(sig));
  }
  return GdbReply::Resumed(action);
}

GdbReply Detach(Request&) {
  GdbReply reply("OK");
  reply.resume = GdbAction{GdbResume::kDetach};
  return reply;
}

GdbReply Kill(Request&) {  // no reply: the stub ends with the guest
  GdbReply reply = GdbReply::Resumed(GdbAction{GdbResume::kKill});
  reply.then = GdbReply::Then::kDisconnect;
  return reply;
}

GdbReply VKill(Request&) {  // unlike 'k', answered before the connection closes
  GdbReply reply("OK");
  reply.resume = GdbAction{GdbResume::kKill};
  reply.then = GdbReply::Then::kDisconnect;
  return reply;
}

GdbReply VContActions(Request&) { return "vCont;c;C;s;S"; }

// vCont;ACTION[:THREAD];...: the first action naming the stopped thread, or
// naming none, is its own; a step for another thread makes that one step
// when it next runs. Threads no action names stay stopped: with no default
// action, only the one thread named may run.
GdbReply VCont(Request& r) {
  const std::string& p = r.p;
  std::string own;
  pid_t step_other = 0, named = 0;
  bool has_default = false;
  for (size_t at = 6; at <= p.size();) {
    size_t end = std::min(p.find(';', at), p.size());
    std::string item = p.substr(at, end - at);
    size_t colon = item.find(':');
    std::string action = item.substr(0, colon);
    pid_t target = 0;
    if (colon != std::string::npos) {
      size_t pos = colon + 1;
      uint64_t id;
      if (item.compare(pos, 2, "-1") != 0 && GdbParseHex(item, &pos, &id)) target = static_cast<pid_t>(id);
    }
    if (action.empty()) return "E01";
    if (target <= 0) has_default = true;
    if (target > 0 && !named) named = target;
    if ((action[0] == 's' || action[0] == 'S') && target > 0 && target != r.stopped.tid) {
      if (!step_other) step_other = target;
    } else if (own.empty() && (target <= 0 || target == r.stopped.tid)) {
      own = action;
    }
    at = end + 1;
  }
  if (own.empty()) own = "c";
  r.session.continue_tid = 0;
  GdbReply reply = ServeGdbRequest(own, r.stopped, r.session, r.points);
  RunOnlyThread(r.stopped.process, has_default ? 0 : named);
  if (step_other) r.session.step_tid = step_other;
  return reply;
}

// ---- threads ----

// Hg / Hc THREAD: -1 all, 0 any.
GdbReply SelectThread(Request& r) {
  const std::string& p = r.p;
  if (p.size() < 3 || (p[1] != 'g' && p[1] != 'c')) return "E01";
  int64_t chosen = p.compare(2, 2, "-1") == 0 ? -1 : 0;
  size_t pos = 2;
  uint64_t id = 0;
  if (chosen == 0 && GdbParseHex(p, &pos, &id)) chosen = static_cast<int64_t>(id);
  if (chosen > 0 && !FindThread(r.stopped, static_cast<pid_t>(chosen))) return "E01";
  (p[1] == 'g' ? r.session.general_tid : r.session.continue_tid) = static_cast<pid_t>(chosen);
  return "OK";
}

// T THREAD: is it alive?
GdbReply ThreadAlive(Request& r) {
  size_t pos = 1;
  uint64_t id;
  if (!GdbParseHex(r.p, &pos, &id)) return "E01";
  return FindThread(r.stopped, static_cast<pid_t>(id)) ? "OK" : "E01";
}

GdbReply CurrentThread(Request& r) { return "QC" + GdbNumber(static_cast<uint64_t>(r.stopped.tid)); }

// All threads in the first answer; qsThreadInfo then ends the list.
GdbReply ThreadList(Request& r) {
  std::string list;
  for (ThreadSlot& slot : r.stopped.process.slots) {
    pid_t id = slot.tid.load();
    if (id && FindThread(r.stopped, id)) list += (list.empty() ? "m" : ",") + GdbNumber(static_cast<uint64_t>(id));
  }
  return list.empty() ? "l" : list;
}

GdbReply EndOfList(Request&) { return "l"; }

GdbReply ThreadExtraInfo(Request& r) {
  size_t pos = strlen("qThreadExtraInfo,");
  uint64_t id;
  if (!GdbParseHex(r.p, &pos, &id) || !FindThread(r.stopped, static_cast<pid_t>(id))) return "E01";
  std::string what = std::string(r.stopped.arch.name) +
                     (static_cast<pid_t>(id) == r.stopped.process.leader_tid ? ", main thread" : "");
  return GdbHex(what.data(), what.size());
}

// ---- the connection and what the stub offers ----

GdbReply Supported(Request&) {
  return "PacketSize=" + GdbNumber(kGdbPacketSize) +
         ";qXfer:features:read+;qXfer:auxv:read+;qXfer:exec-file:read+;qXfer:siginfo:read+;"
         "QStartNoAckMode+;"
         "swbreak+;vContSupported+;QCatchSyscalls+";
}

GdbReply StartNoAck(Request&) {
  GdbReply reply("OK");
  reply.then = GdbReply::Then::kStopAcks;
  return reply;
}

// QCatchSyscalls:0 (off), QCatchSyscalls:1 (all), QCatchSyscalls:1;NR;NR...
GdbReply CatchSyscalls(Request& r) {
  GdbSession& s = r.session;
  size_t pos = strlen("QCatchSyscalls:");
  s.caught_syscalls.clear();
  s.catch_all_syscalls = false;
  if (r.p.compare(pos, 1, "0") == 0) return "OK";
  if (r.p.compare(pos, 1, "1") != 0) return "E01";
  ++pos;
  if (pos >= r.p.size()) s.catch_all_syscalls = true;
  while (pos < r.p.size()) {
    uint64_t nr;
    ++pos;  // ';'
    if (!GdbParseHex(r.p, &pos, &nr)) return "E01";
    s.caught_syscalls.insert(nr);
  }
  return "OK";
}

// "1": as to a process that was already running, so quitting gdb detaches.
GdbReply Attached(Request&) { return "1"; }

GdbReply NoSymbols(Request&) { return "OK"; }

GdbReply HostFile(Request& r) { return r.session.files.Serve(r.task, r.p); }

// The whole object a qXfer reads, into *data; otherwise the reply to give.
std::optional<GdbReply> XferObject(Request& r, const std::string& object, const std::string& annex,
                                   std::string* data) {
  Process& process = r.task.process;
  if (object == "features" && annex == "target.xml") {
    *data = TargetXml(r.task);
  } else if (object == "auxv") {
    data->resize(process.layout.auxv_size);
    if (!r.task.memory.Read(process.layout.auxv, data->data(), data->size())) return "E01";
  } else if (object == "exec-file") {
    *data = process.exe_path;  // the guest's name; vFile:open finds it through the sysroot
  } else if (object == "siginfo") {
    // The 64-bit siginfo layout is the same for the guests as for x86_64.
    const siginfo_t& info = r.session.last_siginfo;
    data->assign(reinterpret_cast<const char*>(&info), sizeof info);
  } else {
    return "";
  }
  return std::nullopt;
}

// qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH: a chunk, 'm' before more, 'l' for the last.
GdbReply Xfer(Request& r) {
  const std::string& p = r.p;
  size_t a = strlen("qXfer:"), b = p.find(':', a);
  if (b == std::string::npos || p.compare(b, 6, ":read:") != 0) return "";
  std::string object = p.substr(a, b - a);
  size_t c = p.find(':', b + 6);
  if (c == std::string::npos) return "E01";
  std::string annex = p.substr(b + 6, c - b - 6);
  size_t pos = c + 1;
  uint64_t offset, length;
  if (!GdbParseHexThen(p, &pos, &offset, ',') || !GdbParseHex(p, &pos, &length)) return "E01";
  std::string data;
  if (std::optional<GdbReply> instead = XferObject(r, object, annex, &data)) return *instead;
  if (offset >= data.size()) return "l";
  std::string chunk = data.substr(offset, std::min<uint64_t>(length, kGdbPacketSize / 2));
  return (offset + chunk.size() >= data.size() ? "l" : "m") + chunk;
}

// ---- the table ----

enum Match { kPrefix, kExact };
struct Route {
  const char* key;
  Match match;
  GdbReply (*serve)(Request&);
};

// Single-letter keys match any packet starting with that letter; no
// longer key starts with one of them, so the order does not matter.
constexpr Route kRoutes[] = {
    {"?", kPrefix, StopReason},
    {"g", kPrefix, ReadGeneralRegisters},
    {"G", kPrefix, WriteGeneralRegisters},
    {"p", kPrefix, OneRegister},
    {"P", kPrefix, OneRegister},
    {"m", kPrefix, ReadMemory},
    {"M", kPrefix, WriteMemory},
    {"X", kPrefix, WriteMemory},
    {"Z", kPrefix, BreakOrWatchPoint},
    {"z", kPrefix, BreakOrWatchPoint},
    {"c", kPrefix, ContinueOrStep},
    {"C", kPrefix, ContinueOrStep},
    {"s", kPrefix, ContinueOrStep},
    {"S", kPrefix, ContinueOrStep},
    {"D", kPrefix, Detach},
    {"k", kPrefix, Kill},
    {"H", kPrefix, SelectThread},
    {"T", kPrefix, ThreadAlive},
    {"vCont?", kExact, VContActions},
    {"vCont;", kPrefix, VCont},
    {"vKill", kPrefix, VKill},
    {"vFile:", kPrefix, HostFile},
    {"qSupported", kPrefix, Supported},
    {"QStartNoAckMode", kExact, StartNoAck},
    {"QCatchSyscalls:", kPrefix, CatchSyscalls},
    {"qAttached", kExact, Attached},
    {"qAttached:", kPrefix, Attached},
    {"qC", kExact, CurrentThread},
    {"qfThreadInfo", kExact, ThreadList},
    {"qsThreadInfo", kExact, EndOfList},
    {"qThreadExtraInfo,", kPrefix, ThreadExtraInfo},
    {"qSymbol::", kExact, NoSymbols},
    {"qXfer:", kPrefix, Xfer},
};

bool Matches(const Route& route, const std::string& packet) {
  return route.match == kExact ? packet == route.key : packet.compare(0, strlen(route.key), route.key) == 0;
}

}  // namespace

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

GdbReply ServeGdbRequest(const std::string& packet, Task& stopped, GdbSession& session, GdbPoints& points) {
  Request request{packet, stopped, ThreadTask(stopped, session.general_tid), session, points};
  for (const Route& route : kRoutes) {
    if (Matches(route, packet)) return route.serve(request);
  }
  return "";  // unsupported: the empty reply, as the protocol asks
}

}  // namespace ferry
