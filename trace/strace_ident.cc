#include "trace/strace_ident.h"

#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "trace/strace.h"

namespace ferry {
namespace {

std::string Hex(uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "%#llx", static_cast<unsigned long long>(v));
  return v == 0 ? "0" : buf;
}

std::string Pointer(uint64_t g) { return g ? Hex(g) : "NULL"; }

const char* const kCapNames[] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
    "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
    "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
    "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};

std::string CapName(uint64_t cap) {
  return cap < std::size(kCapNames) ? kCapNames[cap] : Hex(cap) + " /* CAP_??? */";
}

// "1<<CAP_CHOWN|1<<CAP_KILL", as strace writes a capability set.
std::string CapSet(uint64_t set) {
  if (set == 0) return "0";
  std::string out;
  for (uint64_t cap = 0; cap < 64; ++cap) {
    if (!(set >> cap & 1)) continue;
    if (!out.empty()) out += '|';
    out += cap < std::size(kCapNames) ? std::string("1<<") + kCapNames[cap] : Hex(uint64_t{1} << cap);
  }
  return out;
}

// The header as the call found it: the kernel writes its own version over
// one it does not know, so the version is the one the handler saw first.
std::string CapHeader(const DecodeContext& ctx, uint64_t g) {
  __user_cap_header_struct h;
  if (!g || !ctx.memory.Read(g, &h, sizeof h)) return Pointer(g);
  h.version = ctx.cap_version_in;
  std::string version = h.version == _LINUX_CAPABILITY_VERSION_1   ? "_LINUX_CAPABILITY_VERSION_1"
                        : h.version == _LINUX_CAPABILITY_VERSION_2 ? "_LINUX_CAPABILITY_VERSION_2"
                        : h.version == _LINUX_CAPABILITY_VERSION_3 ? "_LINUX_CAPABILITY_VERSION_3"
                                                                   : Hex(h.version) + " /* _LINUX_CAPABILITY_VERSION_??? */";
  return "{version=" + version + ", pid=" + std::to_string(h.pid) + "}";
}

std::string CapData(const DecodeContext& ctx, uint64_t header, uint64_t g) {
  __user_cap_header_struct h;
  if (!g || !ctx.memory.Read(header, &h, sizeof h)) return Pointer(g);
  int words = h.version == _LINUX_CAPABILITY_VERSION_1 ? 1 : 2;
  h.version = ctx.cap_version_in;
  __user_cap_data_struct d[2] = {};
  if (!ctx.memory.Read(g, d, words * sizeof d[0])) return Pointer(g);
  auto join = [&](uint32_t __user_cap_data_struct::*field) {
    return (words == 2 ? uint64_t{d[1].*field} << 32 : 0) | d[0].*field;
  };
  return "{effective=" + CapSet(join(&__user_cap_data_struct::effective)) +
         ", permitted=" + CapSet(join(&__user_cap_data_struct::permitted)) +
         ", inheritable=" + CapSet(join(&__user_cap_data_struct::inheritable)) + "}";
}

std::string GidList(const DecodeContext& ctx, int64_t count, uint64_t g) {
  if (!g) return "NULL";
  constexpr int64_t kNgroupsMax = 65536;
  if (count < 0 || count > kNgroupsMax) return Hex(g);
  std::string out = "[";
  for (int64_t i = 0; i < count; ++i) {
    if (i == 32) {
      out += ", ...";
      break;
    }
    uint32_t gid;
    if (!ctx.memory.Read(g + 4 * i, &gid, sizeof gid)) return Hex(g);
    out += (i ? ", " : "") + std::to_string(gid);
  }
  return out + "]";
}

std::string Rlimit(const DecodeContext& ctx, uint64_t g) {
  uint64_t r[2];
  if (!g || !ctx.memory.Read(g, r, sizeof r)) return Pointer(g);
  auto one = [](uint64_t v) {
    if (v == RLIM_INFINITY) return std::string("RLIM64_INFINITY");
    return v > 1024 && v % 1024 == 0 ? std::to_string(v / 1024) + "*1024" : std::to_string(v);
  };
  return "{rlim_cur=" + one(r[0]) + ", rlim_max=" + one(r[1]) + "}";
}

std::string CpuSet(const DecodeContext& ctx, uint64_t g, uint64_t bytes) {
  // The size is the guest's: checked before anything is allocated for it
  // (a guest's sched_setaffinity(0, 2^61, p) under --strace; fuzz/strace_decode).
  if (!g || bytes > 65536) return Pointer(g);
  std::vector<uint8_t> mask(bytes);
  if (!ctx.memory.Read(g, mask.data(), bytes)) return Pointer(g);
  std::string out = "[";
  bool first = true;
  for (uint64_t bit = 0; bit < bytes * 8; ++bit) {
    if (!(mask[bit / 8] >> (bit % 8) & 1)) continue;
    out += (first ? "" : " ") + std::to_string(bit);
    first = false;
  }
  return out + "]";
}

std::string SchedParam(const DecodeContext& ctx, uint64_t g) {
  int32_t prio;
  if (!g || !ctx.memory.Read(g, &prio, sizeof prio)) return Pointer(g);
  return "[" + std::to_string(prio) + "]";
}

std::string Name(uint64_t v, std::initializer_list<std::pair<uint64_t, const char*>> names) {
  for (auto& [value, name] : names) {
    if (value == v) return name;
  }
  return std::to_string(static_cast<int64_t>(v));
}

std::string Ioprio(uint64_t v) {
  static const char* const kClass[] = {"IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
                                       "IOPRIO_CLASS_IDLE"};
  uint64_t cls = (v >> 13) & 7;
  return std::string("IOPRIO_PRIO_VALUE(") + (cls < 4 ? kClass[cls] : std::to_string(cls).c_str()) + ", " +
         std::to_string(v & 0x1fff) + ")";
}

std::string Persona(uint64_t v) {
  std::string out = Name(v & 0xff, {{0, "PER_LINUX"}, {8, "PER_LINUX32"}});
  static const std::pair<uint64_t, const char*> kFlags[] = {
      {0x0020000, "UNAME26"},           {0x0040000, "ADDR_NO_RANDOMIZE"}, {0x0080000, "FDPIC_FUNCPTRS"},
      {0x0100000, "MMAP_PAGE_ZERO"},    {0x0200000, "ADDR_COMPAT_LAYOUT"}, {0x0400000, "READ_IMPLIES_EXEC"},
      {0x0800000, "ADDR_LIMIT_32BIT"},  {0x1000000, "SHORT_INODE"},        {0x2000000, "WHOLE_SECONDS"},
      {0x4000000, "STICKY_TIMEOUTS"},   {0x8000000, "ADDR_LIMIT_3GB"}};
  for (auto& [bit, name] : kFlags) {
    if (v & bit) out += std::string("|") + name;
  }
  return out;
}

const char* const kDumpable[] = {"SUID_DUMP_DISABLE", "SUID_DUMP_USER", "SUID_DUMP_ROOT"};

}  // namespace

std::string FormatIdentArg(const DecodeContext& ctx, Arg kind, int i, const uint64_t raw[6], int64_t result, bool done,
                           size_t limit) {
  (void)limit;
  uint64_t v = raw[i];
  switch (kind) {
    case Arg::kGidListIn: return GidList(ctx, static_cast<int32_t>(raw[i - 1]), v);
    case Arg::kCapHeader: return CapHeader(ctx, v);
    case Arg::kCapDataIn: return CapData(ctx, raw[i - 1], v);
    case Arg::kCapDataOut: return done ? CapData(ctx, raw[i - 1], v) : Pointer(v);
    case Arg::kRlimitIn: return Rlimit(ctx, v);
    case Arg::kRlimitOut: return done ? Rlimit(ctx, v) : Pointer(v);
    case Arg::kCpuSetIn: return CpuSet(ctx, v, raw[i - 1]);
    case Arg::kCpuSetOut: return done ? CpuSet(ctx, v, static_cast<uint64_t>(result)) : Pointer(v);
    case Arg::kSchedParamIn: return SchedParam(ctx, v);
    case Arg::kSchedParamOut: return done ? SchedParam(ctx, v) : Pointer(v);
    case Arg::kPrioWhich:
      return Name(static_cast<uint32_t>(v), {{PRIO_PROCESS, "PRIO_PROCESS"}, {PRIO_PGRP, "PRIO_PGRP"},
                                             {PRIO_USER, "PRIO_USER"}});
    case Arg::kIoprioWho:
      return Name(static_cast<uint32_t>(v), {{1, "IOPRIO_WHO_PROCESS"}, {2, "IOPRIO_WHO_PGRP"},
                                             {3, "IOPRIO_WHO_USER"}});
    case Arg::kIoprioValue: return Ioprio(v);
    case Arg::kPersona: return static_cast<uint32_t>(v) == 0xffffffff ? "0xffffffff" : Persona(v);
    default: return "";
  }
}

std::string FormatPrctlArgs(const DecodeContext& ctx, const uint64_t raw[6], int64_t result, size_t limit) {
  int option = static_cast<int>(raw[0]);
  bool done = !(result < 0 && result > -4096) && result != kNoReturn;
  auto hex_rest = [&](int from) {
    std::string out;
    for (int i = from; i < 5; ++i) out += ", " + Hex(raw[i]);
    return out;
  };
  std::string name = PrctlOption(raw[0]);
  switch (option) {
    case PR_GET_DUMPABLE: case PR_GET_KEEPCAPS: case PR_GET_TIMERSLACK: case PR_GET_SECCOMP:
    case PR_GET_SECUREBITS: case PR_GET_TIMING: case PR_TASK_PERF_EVENTS_DISABLE:
    case PR_TASK_PERF_EVENTS_ENABLE:
      return name;
    case PR_SET_NAME: return name + ", " + GuestStringArg(ctx, raw[1], limit);
    case PR_GET_NAME: return name + ", " + (done ? GuestStringArg(ctx, raw[1], limit) : Pointer(raw[1]));
    case PR_SET_DUMPABLE:
      return name + ", " + (raw[1] < 3 ? kDumpable[raw[1]] : Hex(raw[1]));
    case PR_SET_PDEATHSIG: return name + ", " + SignalName(static_cast<int>(raw[1]));
    case PR_GET_PDEATHSIG: case PR_GET_CHILD_SUBREAPER: {
      int32_t value;
      if (!done || !ctx.memory.Read(raw[1], &value, sizeof value)) return name + ", " + Pointer(raw[1]);
      return name + ", [" + (option == PR_GET_PDEATHSIG && value ? SignalName(value) : std::to_string(value)) + "]";
    }
    case PR_SET_KEEPCAPS: case PR_SET_CHILD_SUBREAPER: case PR_SET_TIMERSLACK: case PR_SET_TIMING:
      return name + ", " + std::to_string(raw[1]);
    case PR_CAPBSET_READ: case PR_CAPBSET_DROP: return name + ", " + CapName(raw[1]);
    case PR_SET_NO_NEW_PRIVS: case PR_GET_NO_NEW_PRIVS: case PR_SET_THP_DISABLE: case PR_GET_THP_DISABLE:
      return name + ", " + std::to_string(raw[1]) + hex_rest(2);
    case PR_SET_SECCOMP:  // strace's: the mode, and a filter mode's program
      if (raw[1] == SECCOMP_MODE_STRICT) return name + ", SECCOMP_MODE_STRICT";
      if (raw[1] == SECCOMP_MODE_FILTER) return name + ", SECCOMP_MODE_FILTER, " + SeccompFprog(ctx, raw[2]);
      return name + ", " + Hex(raw[1]) + " /* SECCOMP_MODE_??? */" + hex_rest(2);
    default:
      return name + hex_rest(1);
  }
}

std::string IdentResultNote(const SyscallRow& row, const uint64_t raw[6], int64_t result) {
  if (result < 0 || result == kNoReturn) return "";
  if (row.nargs && row.args[0] == Arg::kPrctlOption && static_cast<int>(raw[0]) == PR_GET_DUMPABLE &&
      result < 3) {
    return std::string(" (") + kDumpable[result] + ")";
  }
  if (row.result == Arg::kIoprioValue) return " (" + Ioprio(static_cast<uint64_t>(result)) + ")";
  if (row.result == Arg::kPersona) return " (" + Persona(static_cast<uint64_t>(result)) + ")";
  return "";
}

}  // namespace ferry
