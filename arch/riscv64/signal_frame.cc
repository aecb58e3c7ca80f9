// RISC-V64 rt_sigframe (arch/riscv/kernel/signal.c): siginfo, then ucontext
// whose sigcontext holds pc and x1-x31 (user_regs_struct) and the F/D state.
// The handler returns through ra, which the kernel points at its vDSO
// sigreturn; ferry points it at its own trampoline.
#include <unicorn/unicorn.h>

#include <cstddef>
#include <cstring>

#include "arch/riscv64/riscv64.h"
#include "arch/generic/abi.h"
#include "arch/generic/ucontext.h"

namespace arch::riscv64 {
namespace {

struct alignas(16) SigContext {
  uint64_t regs[32];  // pc, then x1..x31
  alignas(16) uint64_t fregs[64];  // the Q-extension-sized union; D uses f[0..31]
  uint32_t fcsr;
  uint32_t reserved[3];
};
static_assert(sizeof(SigContext) == 784);

using UContext = guest::UContext<SigContext>;
static_assert(offsetof(UContext, uc_mcontext) == 176);

using RtSigframe = guest::RtSigframe<SigContext>;
static_assert(offsetof(RtSigframe, uc) == guest::kSiginfoSize);

void SaveRegisters(uc_engine* uc, SigContext* sc) {
  uc_reg_read(uc, UC_RISCV_REG_PC, &sc->regs[0]);
  for (int i = 1; i < 32; ++i) uc_reg_read(uc, UC_RISCV_REG_X1 + i - 1, &sc->regs[i]);
  for (int i = 0; i < 32; ++i) uc_reg_read(uc, UC_RISCV_REG_F0 + i, &sc->fregs[i]);
  uint64_t fcsr = 0;
  uc_reg_read(uc, UC_RISCV_REG_FCSR, &fcsr);
  sc->fcsr = static_cast<uint32_t>(fcsr);
}

void RestoreRegisters(uc_engine* uc, const SigContext& sc) {
  for (int i = 1; i < 32; ++i) uc_reg_write(uc, UC_RISCV_REG_X1 + i - 1, &sc.regs[i]);
  for (int i = 0; i < 32; ++i) uc_reg_write(uc, UC_RISCV_REG_F0 + i, &sc.fregs[i]);
  uint64_t fcsr = sc.fcsr;
  uc_reg_write(uc, UC_RISCV_REG_FCSR, &fcsr);
  uc_reg_write(uc, UC_RISCV_REG_PC, &sc.regs[0]);
}

}  // namespace

bool PushSignalFrame(uc_engine* uc, GuestAccess& memory, const SignalFrameRequest& req) {
  RtSigframe frame;
  memset(&frame, 0, sizeof frame);
  memcpy(frame.info, req.siginfo, sizeof frame.info);
  guest::FillUContextHeader(&frame.uc.head, req);
  SaveRegisters(uc, &frame.uc.uc_mcontext);

  uint64_t frame_addr = (req.stack_top - sizeof frame) & ~uint64_t{15};
  if (frame_addr < req.stack_limit || frame_addr > req.stack_top) return false;  // overflow
  if (!memory.Write(frame_addr, &frame, sizeof frame)) return false;
  guest::EnterSignalHandler(uc, kRiscv64, req, frame_addr, frame_addr + offsetof(RtSigframe, uc));
  return true;
}

bool PopSignalFrame(uc_engine* uc, const GuestAccess& memory, SignalFrameResult* result) {
  uint64_t sp = 0;
  uc_reg_read(uc, UC_RISCV_REG_SP, &sp);
  RtSigframe frame;
  if (sp % 16 != 0 || !memory.Read(sp, &frame, sizeof frame)) return false;
  RestoreRegisters(uc, frame.uc.uc_mcontext);
  result->saved_mask = frame.uc.head.uc_sigmask;
  return true;
}

}  // namespace arch::riscv64
