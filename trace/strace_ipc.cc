#include "trace/strace_ipc.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "arch/generic/abi.h"
#include "trace/flag_names.h"
#include "trace/strace_text.h"

namespace ferry {
namespace {

using strace_text::Bits;
using strace_text::Hex;
using strace_text::kMaxArrayItems;
using strace_text::Pointer;

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

// struct sigevent (LP64, the host's layout), as strace's print_sigevent:
// the value when it is not zero, the signal by name for the methods that
// send one, the thread or function only for the methods that use them.
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
  if (ev.value) {
    out += "sigev_value={sival_int=" + std::to_string(static_cast<int32_t>(ev.value)) +
           ", sival_ptr=" + Hex(ev.value) + "}, ";
  }
  bool sends = ev.notify == SIGEV_SIGNAL || ev.notify == SIGEV_THREAD || ev.notify == SIGEV_THREAD_ID;
  out += "sigev_signo=" + (sends && ev.signo ? SignalName(ev.signo) : std::to_string(static_cast<uint32_t>(ev.signo)));
  out += ", sigev_notify=" + strace_text::Enum(static_cast<uint32_t>(ev.notify), SigevNotifyNames(), "SIGEV_???");
  if (ev.notify == SIGEV_THREAD_ID) out += ", sigev_notify_thread_id=" + std::to_string(static_cast<int32_t>(ev.function));
  if (ev.notify == SIGEV_THREAD) {
    out += ", sigev_notify_function=" + Pointer(ev.function) + ", sigev_notify_attributes=" + Pointer(ev.attributes);
  }
  return out + "}";
}

namespace {

// The ctl commands whose buffer strace shows after the call (the call fills it).
constexpr int kMsgStatAny = 13, kSemStatAny = 20, kShmStatAny = 15;  // older headers lack them

std::string U(uint64_t v) { return std::to_string(v); }
std::string D(int64_t v) { return std::to_string(v); }
// strace's PRINT_FIELD_ID: -1 as -1, other ids unsigned.
std::string Id(uint32_t v) { return v == 0xffffffffu ? "-1" : U(v); }

// "{uid=0, gid=0, mode=0600, key=0, cuid=0, cgid=0}"; IPC_SET shows only what it sets.
std::string Perm(const guest::Ipc64Perm& p, int cmd) {
  char mode[16];
  snprintf(mode, sizeof mode, "%#03o", p.mode);
  std::string out = "{uid=" + Id(p.uid) + ", gid=" + Id(p.gid) + ", mode=" + mode;
  if (cmd != IPC_SET) {
    out += ", key=" + U(static_cast<uint32_t>(p.key)) + ", cuid=" + Id(p.cuid) + ", cgid=" + Id(p.cgid);
  }
  return out + "}";
}

template <typename T>
bool ReadStruct(const ArgView& a, T* out) {
  return a.v && a.ctx.memory.Read(a.v, out, sizeof *out);
}

std::string Msqid(const ArgView& a, int cmd) {
  guest::MsqidDs ds;
  if (!ReadStruct(a, &ds)) return Pointer(a.v);
  std::string out = "{msg_perm=" + Perm(ds.msg_perm, cmd);
  if (cmd != IPC_SET) {
    out += ", msg_stime=" + U(ds.msg_stime) + ", msg_rtime=" + U(ds.msg_rtime) + ", msg_ctime=" + U(ds.msg_ctime) +
           ", msg_qnum=" + U(ds.msg_qnum);
  }
  out += ", msg_qbytes=" + U(ds.msg_qbytes);
  if (cmd != IPC_SET) out += ", msg_lspid=" + D(ds.msg_lspid) + ", msg_lrpid=" + D(ds.msg_lrpid);
  return out + "}";
}

std::string Msginfo(const ArgView& a) {
  guest::Msginfo i;
  if (!ReadStruct(a, &i)) return Pointer(a.v);
  return "{msgpool=" + D(i.msgpool) + ", msgmap=" + D(i.msgmap) + ", msgmax=" + D(i.msgmax) + ", msgmnb=" +
         D(i.msgmnb) + ", msgmni=" + D(i.msgmni) + ", msgssz=" + D(i.msgssz) + ", msgtql=" + D(i.msgtql) +
         ", msgseg=" + U(i.msgseg) + "}";
}

std::string Semid(const ArgView& a, int cmd) {
  guest::SemidDs ds;
  if (!ReadStruct(a, &ds)) return Pointer(a.v);
  std::string out = "{sem_perm=" + Perm(ds.sem_perm, cmd);
  if (cmd != IPC_SET) {
    out += ", sem_otime=" + U(ds.sem_otime) + ", sem_ctime=" + U(ds.sem_ctime) + ", sem_nsems=" + U(ds.sem_nsems);
  }
  return out + "}";
}

std::string Seminfo(const ArgView& a) {
  guest::Seminfo i;
  if (!ReadStruct(a, &i)) return Pointer(a.v);
  return "{semmap=" + D(i.semmap) + ", semmni=" + D(i.semmni) + ", semmns=" + D(i.semmns) + ", semmnu=" +
         D(i.semmnu) + ", semmsl=" + D(i.semmsl) + ", semopm=" + D(i.semopm) + ", semume=" + D(i.semume) +
         ", semusz=" + D(i.semusz) + ", semvmx=" + D(i.semvmx) + ", semaem=" + D(i.semaem) + "}";
}

std::string Shmid(const ArgView& a, int cmd) {
  guest::ShmidDs ds;
  if (!ReadStruct(a, &ds)) return Pointer(a.v);
  std::string out = "{shm_perm=" + Perm(ds.shm_perm, cmd);
  if (cmd != IPC_SET) {
    out += ", shm_segsz=" + U(ds.shm_segsz) + ", shm_cpid=" + D(ds.shm_cpid) + ", shm_lpid=" + D(ds.shm_lpid) +
           ", shm_nattch=" + U(ds.shm_nattch) + ", shm_atime=" + U(ds.shm_atime) + ", shm_dtime=" +
           U(ds.shm_dtime) + ", shm_ctime=" + U(ds.shm_ctime);
  }
  return out + "}";
}

std::string Shminfo(const ArgView& a) {
  guest::Shminfo64 i;
  if (!ReadStruct(a, &i)) return Pointer(a.v);
  return "{shmmax=" + U(i.shmmax) + ", shmmin=" + U(i.shmmin) + ", shmmni=" + U(i.shmmni) + ", shmseg=" +
         U(i.shmseg) + ", shmall=" + U(i.shmall) + "}";
}

std::string ShmInfo(const ArgView& a) {
  guest::ShmInfo i;
  if (!ReadStruct(a, &i)) return Pointer(a.v);
  return "{used_ids=" + D(i.used_ids) + ", shm_tot=" + U(i.shm_tot) + ", shm_rss=" + U(i.shm_rss) + ", shm_swp=" +
         U(i.shm_swp) + ", swap_attempts=" + U(i.swap_attempts) + ", swap_successes=" + U(i.swap_successes) + "}";
}

// The command in the argument before the buffer.
int Cmd(const ArgView& a) { return static_cast<int>(a.raw[a.i - 1]); }

}  // namespace

// strace's msgctl, semctl and shmctl: IPC_SET's buffer as the call reads
// it; the *_STAT and *_INFO buffers as the call filled them (the address
// when it failed); any other command's argument as an address.
std::string MsgCtlBufArg(const ArgView& a) {
  int cmd = Cmd(a);
  if (cmd == IPC_SET) return Msqid(a, cmd);
  if (cmd == IPC_STAT || cmd == MSG_STAT || cmd == kMsgStatAny) return a.done ? Msqid(a, cmd) : Pointer(a.v);
  if (cmd == IPC_INFO || cmd == MSG_INFO) return a.done ? Msginfo(a) : Pointer(a.v);
  return Pointer(a.v);
}

// (strace reads a semid_ds after a failed call too; a seminfo not.)
std::string SemCtlArg(const ArgView& a) {
  int cmd = Cmd(a);
  if (cmd == IPC_SET) return Semid(a, cmd);
  if (cmd == IPC_STAT || cmd == SEM_STAT || cmd == kSemStatAny) return a.done || a.failed ? Semid(a, cmd) : Pointer(a.v);
  if (cmd == IPC_INFO || cmd == SEM_INFO) return a.done ? Seminfo(a) : Pointer(a.v);
  return Pointer(a.v);
}

std::string ShmCtlBufArg(const ArgView& a) {
  int cmd = Cmd(a);
  if (cmd == IPC_SET) return Shmid(a, cmd);
  if (cmd == IPC_STAT || cmd == SHM_STAT || cmd == kShmStatAny) return a.done ? Shmid(a, cmd) : Pointer(a.v);
  if (cmd == IPC_INFO) return a.done ? Shminfo(a) : Pointer(a.v);
  if (cmd == SHM_INFO) return a.done ? ShmInfo(a) : Pointer(a.v);
  return Pointer(a.v);
}

}  // namespace ferry
