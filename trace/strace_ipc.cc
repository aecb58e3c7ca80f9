#include "trace/strace_ipc.h"

#include <fcntl.h>
#include <signal.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "trace/flag_names.h"
#include "trace/strace_text.h"

namespace ferry {
namespace {

using strace_text::Bits;
using strace_text::Hex;
using strace_text::Pointer;

constexpr size_t kMaxArrayItems = 32;  // strace's default cut for arrays

// strace's "IPC_CREAT|0600": the flags, then the permission bits as "%#03o".
std::string GetFlags(uint64_t v, std::span<const Name> names) {
  uint32_t flags = static_cast<uint32_t>(v);
  char mode[16];
  snprintf(mode, sizeof mode, "%#03o", flags & 0777);
  if (!(flags & ~0777u)) return mode;
  return Bits(flags & ~0777u, names) + "|" + mode;
}

constexpr Name kMqFlagsList[] = {{O_NONBLOCK, "O_NONBLOCK"}};  // mq_attr's one flag (the host's value, the guests' too)
constexpr std::span<const Name> kMqFlags(kMqFlagsList);

// `len` bytes at guest `g`, quoted as strace quotes a buffer; the address if unreadable.
std::string Bytes(const DecodeContext& ctx, uint64_t g, uint64_t len, size_t limit) {
  size_t shown = std::min<uint64_t>(len, limit + 1);
  std::string bytes(shown, '\0');
  if (!ctx.memory.Read(g, bytes.data(), shown)) return Hex(g);
  return QuoteBytes(bytes.data(), shown, limit);
}

// The guest's struct mq_attr (four longs, then four reserved), the host's layout.
struct MqAttr {
  int64_t mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs;
};

std::string MqAttr(const DecodeContext& ctx, uint64_t g) {
  struct MqAttr attr;
  if (!g || !ctx.memory.Read(g, &attr, sizeof attr)) return Pointer(g);
  std::string flags = Bits(static_cast<uint64_t>(attr.mq_flags), kMqFlags);
  return "{mq_flags=" + flags + ", mq_maxmsg=" + std::to_string(attr.mq_maxmsg) +
         ", mq_msgsize=" + std::to_string(attr.mq_msgsize) + ", mq_curmsgs=" + std::to_string(attr.mq_curmsgs) + "}";
}

// struct msgbuf: a long type, then the text (`len` bytes shown, as strace does).
std::string Msgbuf(const ArgView& a) {
  int64_t type;
  if (!a.v || !a.ctx.memory.Read(a.v, &type, sizeof type)) return Pointer(a.v);
  return "{mtype=" + std::to_string(type) + ", mtext=" + Bytes(a.ctx, a.v + sizeof type, a.next(), a.limit) +
         "}";
}

}  // namespace

std::string IpcKeyArg(const ArgView& a) {
  uint32_t key = static_cast<uint32_t>(a.v);
  return key == 0 ? "IPC_PRIVATE" : Hex(key);  // IPC_PRIVATE is key 0
}

std::string IpcGetFlagsArg(const ArgView& a) { return GetFlags(a.v, IpcGetFlagNames()); }
std::string ShmGetFlagsArg(const ArgView& a) { return GetFlags(a.v, ShmGetFlagNames()); }
std::string MsgbufInArg(const ArgView& a) { return Msgbuf(a); }
// Filled only by a call that succeeded; strace shows the whole requested size.
std::string MsgbufOutArg(const ArgView& a) { return a.done ? Msgbuf(a) : Pointer(a.v); }

std::string SembufsArg(const ArgView& a) {
  struct Sembuf {
    uint16_t sem_num;
    int16_t sem_op;
    int16_t sem_flg;
  };
  static_assert(sizeof(Sembuf) == 6);
  uint64_t count = a.next();
  if (!a.v || count == 0) return Pointer(a.v);
  std::string out = "[";
  for (uint64_t k = 0; k < count; ++k) {
    if (k == kMaxArrayItems) {
      out += ", ...";
      break;
    }
    Sembuf op;
    if (!a.ctx.memory.Read(a.v + k * sizeof op, &op, sizeof op)) {
      if (k == 0) return Pointer(a.v);
      out += ", ...";
      break;
    }
    out += (k ? ", " : "") + std::string("{sem_num=") + std::to_string(op.sem_num) +
           ", sem_op=" + std::to_string(op.sem_op) +
           ", sem_flg=" + Bits(static_cast<uint16_t>(op.sem_flg), SemFlagNames()) + "}";
  }
  return out + "]";
}

std::string MqAttrInArg(const ArgView& a) { return MqAttr(a.ctx, a.v); }
std::string MqAttrOutArg(const ArgView& a) { return a.done ? MqAttr(a.ctx, a.v) : Pointer(a.v); }

std::string MqPrioOutArg(const ArgView& a) {
  uint32_t prio;
  if (!a.done || !a.v || !a.ctx.memory.Read(a.v, &prio, sizeof prio)) return Pointer(a.v);
  return "[" + std::to_string(prio) + "]";
}

// struct sigevent (LP64, the host's layout): the value only for methods
// that deliver it, the thread or function only for the methods that use them.
std::string SigeventInArg(const ArgView& a) {
  struct Sigevent {
    uint64_t value;
    int32_t signo;
    int32_t notify;
    uint64_t function;  // or the thread id (an int), SIGEV_THREAD_ID
    uint64_t attributes;
  } ev;
  if (!a.v || !a.ctx.memory.Read(a.v, &ev, sizeof ev)) return Pointer(a.v);
  std::string out = "{";
  if (ev.notify == SIGEV_SIGNAL || ev.notify == SIGEV_THREAD || ev.notify == SIGEV_THREAD_ID) {
    out += "sigev_value={sival_int=" + std::to_string(static_cast<int32_t>(ev.value)) +
           ", sival_ptr=" + Hex(ev.value) + "}, ";
  }
  out += "sigev_signo=" + (ev.signo ? SignalName(ev.signo) : std::string("0"));
  out += ", sigev_notify=" + strace_text::Enum(static_cast<uint32_t>(ev.notify), SigevNotifyNames(), "SIGEV_???");
  if (ev.notify == SIGEV_THREAD_ID) out += ", sigev_notify_thread_id=" + std::to_string(static_cast<int32_t>(ev.function));
  if (ev.notify == SIGEV_THREAD) {
    out += ", sigev_notify_function=" + Pointer(ev.function) + ", sigev_notify_attributes=" + Pointer(ev.attributes);
  }
  return out + "}";
}

}  // namespace ferry
