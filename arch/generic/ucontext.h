// The part of `struct ucontext` that the asm-generic layout gives every
// 64-bit arch (AArch64 and RISC-V64 alike): flags, link, the alternate
// stack, the blocked mask padded to 1024 bits. The arch's sigcontext follows
// at offset 176 (16-byte aligned).
#pragma once

#include <cstddef>
#include <cstdint>

#include "arch/arch.h"
#include "arch/generic/abi.h"

namespace guest {

struct UContextHeader {
  uint64_t uc_flags;
  uint64_t uc_link;
  uint64_t ss_sp;
  int32_t ss_flags;
  int32_t ss_pad;
  uint64_t ss_size;
  uint64_t uc_sigmask;
  uint8_t unused[120];  // sigset_t padding to 1024 bits
};
static_assert(sizeof(UContextHeader) == 168);
static_assert(offsetof(UContextHeader, uc_sigmask) == 40);

// The kernel's rt_sigframe on the asm-generic arches: the siginfo, then the
// ucontext, whose machine context is the arch's own sigcontext.
template <typename SigContext>
struct UContext {
  UContextHeader head;
  SigContext uc_mcontext;
};
template <typename SigContext>
struct RtSigframe {
  uint8_t info[kSiginfoSize];
  UContext<SigContext> uc;
};

// Points the CPU of arch `a` at the signal handler, as the kernel's
// setup_return: handler(sig, &frame's siginfo, &frame's ucontext), the frame
// as the stack, returning to the restorer.
inline void EnterSignalHandler(uc_engine* uc, const arch::ArchInfo& a, const arch::SignalFrameRequest& req,
                               uint64_t frame_addr, uint64_t ucontext_addr) {
  uint64_t sig = static_cast<uint64_t>(req.sig);
  uc_reg_write(uc, a.reg_args[0], &sig);
  uc_reg_write(uc, a.reg_args[1], &frame_addr);
  uc_reg_write(uc, a.reg_args[2], &ucontext_addr);
  uc_reg_write(uc, a.reg_sp, &frame_addr);
  uc_reg_write(uc, a.reg_link, &req.restorer);
  uc_reg_write(uc, a.reg_pc, &req.handler);
}

inline void FillUContextHeader(UContextHeader* h, const arch::SignalFrameRequest& req) {
  *h = UContextHeader{};
  h->ss_sp = req.altstack_sp;
  h->ss_flags = req.altstack_flags;
  h->ss_size = req.altstack_size;
  h->uc_sigmask = req.saved_mask;
}

}  // namespace guest
