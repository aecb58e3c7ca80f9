#include "trace/strace_io.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "arch/generic/abi.h"
#include "trace/flag_names.h"
#include "trace/strace_text.h"

namespace ferry {
namespace {

using strace_text::Flags;
using strace_text::Hex;
using strace_text::kMaxArrayItems;
using strace_text::Pointer;
constexpr int kEpollCtlDel = 2;

std::string EpollEvent(const guest::EpollEvent& e) {
  return "{events=" + Flags(e.events, EpollEventNames(), "EPOLL???") + ", data={u32=" +
         std::to_string(static_cast<uint32_t>(e.data)) + ", u64=" + std::to_string(e.data) + "}}";
}

// `count` elements of `size` bytes at guest `g`, each shown by `show`, cut
// as strace's print_array cuts: the address when the first is unreadable,
// "..." after one that is not or past the limit.
template <typename T, typename Show>
std::string Array(const ArgView& a, uint64_t g, uint64_t count, Show show) {
  if (!g) return "NULL";
  std::string out = "[";
  for (uint64_t i = 0; i < count; ++i) {
    if (i == kMaxArrayItems) return out + ", ...]";
    T item;
    if (!a.ctx.memory.Read(g + i * sizeof item, &item, sizeof item)) {
      if (i == 0) return Hex(g);
      return out + ", ...]";
    }
    out += (i ? ", " : "") + show(item);
  }
  return out + "]";
}

std::string IoEvent(const guest::IoEvent& e) {
  return "{data=" + Hex(e.data) + ", obj=" + Hex(e.obj) + ", res=" + std::to_string(e.res) +
         ", res2=" + std::to_string(e.res2) + "}";
}

// print_iocb_header: the fields every command has.
std::string IocbHeader(const guest::Iocb& cb) {
  std::string out = "aio_data=" + Hex(cb.data);
  if (cb.key) out += ", aio_key=" + std::to_string(cb.key);
  if (cb.rw_flags) out += ", aio_rw_flags=" + Flags(static_cast<uint32_t>(cb.rw_flags), NameTableFor(Arg::kRwfFlags)->names, "RWF_???");
  std::string op = strace_text::Enum(cb.opcode, AioCmdNames(), "IOCB_CMD_???");
  if (op.find("/*") != std::string::npos) op = std::to_string(cb.opcode) + " /* IOCB_CMD_??? */";
  out += ", aio_lio_opcode=" + op;
  if (cb.reqprio && !(cb.flags & 2)) out += ", aio_reqprio=" + std::to_string(cb.reqprio);
  return out + ", aio_fildes=" + std::to_string(static_cast<int32_t>(cb.fildes));
}

std::string CommonFlags(const guest::Iocb& cb) {
  std::string out;
  if (cb.flags) out += ", aio_flags=" + Flags(cb.flags, AioIocbFlagNames(), "IOCB_FLAG_???");
  if (cb.flags & 1) {
    out += ", aio_resfd=" + std::to_string(static_cast<int32_t>(cb.resfd));
  } else if (cb.resfd) {
    out += ", aio_resfd=" + Hex(cb.resfd);
  }
  return out;
}

// print_iocb: the header, then what the command reads or writes.
std::string Iocb(const ArgView& a, const guest::Iocb& cb) {
  std::string out = "{" + IocbHeader(cb);
  bool valid = static_cast<int64_t>(cb.nbytes) >= 0;
  switch (cb.opcode) {
    case 0: case 1: {  // PREAD, PWRITE
      if (cb.opcode == 1 && valid) {
        uint64_t shown = std::min<uint64_t>(cb.nbytes, a.limit + 1);
        std::string bytes(shown, '\0');
        out += ", aio_buf=" + (a.ctx.memory.Read(cb.buf, bytes.data(), shown)
                                   ? QuoteBytes(bytes.data(), shown, a.limit)
                                   : Hex(cb.buf));
      } else {
        out += ", aio_buf=" + Hex(cb.buf);
      }
      out += ", aio_nbytes=" + std::to_string(cb.nbytes) + ", aio_offset=" + std::to_string(cb.offset);
      return out + CommonFlags(cb) + "}";
    }
    case 7: case 8:  // PREADV, PWRITEV
      if (valid) {
        out += ", aio_buf=" + (cb.opcode == 8 ? GuestIovecs(a.ctx, cb.buf, cb.nbytes, -1, a.limit)
                                              : GuestIovecAddresses(a.ctx, cb.buf, cb.nbytes));
      } else {
        out += ", aio_buf=" + Hex(cb.buf) + ", aio_nbytes=" + std::to_string(cb.nbytes);
      }
      out += ", aio_offset=" + std::to_string(cb.offset);
      return out + CommonFlags(cb) + "}";
    case 5:  // POLL
      return out + ", aio_buf=" + GuestPollEvents(cb.buf) + CommonFlags(cb) + "}";
  }
  return out + "}";
}

}  // namespace

std::string EpollEventInArg(const ArgView& a) {
  if (static_cast<int>(a.raw[1]) == kEpollCtlDel) return Pointer(a.v);
  guest::EpollEvent e;
  if (!a.v || !a.ctx.memory.Read(a.v, &e, sizeof e)) return Pointer(a.v);
  return EpollEvent(e);
}

// Filled once the wait has returned: as many events as it returned.
std::string EpollEventsOutArg(const ArgView& a) {
  if (!a.done) return Pointer(a.v);
  return Array<guest::EpollEvent>(a, a.v, static_cast<uint64_t>(a.result), EpollEvent);
}

// The call advances the offset by what it moved; strace shows it as the
// call found it.
std::string SpliceOffsetArg(const ArgView& a) {
  int64_t offset;
  if (!a.v || !a.ctx.memory.Read(a.v, &offset, sizeof offset)) return Pointer(a.v);
  if (a.done && a.result > 0) offset -= a.result;
  return "[" + std::to_string(offset) + "]";
}

std::string AioContextOutArg(const ArgView& a) {
  uint64_t context;
  if (!a.done || !a.v || !a.ctx.memory.Read(a.v, &context, sizeof context)) return Pointer(a.v);
  return "[" + Hex(context) + "]";
}

std::string IocbArrayArg(const ArgView& a) {
  int64_t count = static_cast<int64_t>(a.raw[a.i - 1]);
  if (count < 0) return Pointer(a.v);
  return Array<guest::Word>(a, a.v, static_cast<uint64_t>(count), [&](guest::Word p) {
    guest::Iocb cb;
    if (!p || !a.ctx.memory.Read(p, &cb, sizeof cb)) return Pointer(p);
    return Iocb(a, cb);
  });
}

std::string IocbInArg(const ArgView& a) {
  guest::Iocb cb;
  if (!a.v || !a.ctx.memory.Read(a.v, &cb, sizeof cb)) return Pointer(a.v);
  return "{" + IocbHeader(cb) + "}";
}

std::string IoEventOutArg(const ArgView& a) {
  guest::IoEvent e;
  if (!a.done || !a.v || !a.ctx.memory.Read(a.v, &e, sizeof e)) return Pointer(a.v);
  return IoEvent(e);
}

std::string IoEventsOutArg(const ArgView& a) {
  if (!a.done) return Pointer(a.v);
  return Array<guest::IoEvent>(a, a.v, static_cast<uint64_t>(a.result), IoEvent);
}

}  // namespace ferry
