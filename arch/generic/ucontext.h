// The part of `struct ucontext` that the asm-generic layout gives every
// 64-bit arch (AArch64 and RISC-V64 alike): flags, link, the alternate
// stack, the blocked mask padded to 1024 bits. The arch's sigcontext follows
// at offset 176 (16-byte aligned).
#pragma once

#include <cstddef>
#include <cstdint>

#include "arch/arch.h"

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

inline void FillUContextHeader(UContextHeader* h, const arch::SignalFrameRequest& req) {
  *h = UContextHeader{};
  h->ss_sp = req.altstack_sp;
  h->ss_flags = req.altstack_flags;
  h->ss_size = req.altstack_size;
  h->uc_sigmask = req.saved_mask;
}

}  // namespace guest
