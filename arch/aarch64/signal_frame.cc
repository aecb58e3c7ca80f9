// AArch64 rt_sigframe (arch/arm64/kernel/signal.c): siginfo, ucontext whose
// sigcontext holds x0-x30, sp, pc, pstate and, in __reserved, an FPSIMD
// record followed by the terminating null record; a frame record (fp, lr)
// sits above it.
#include <unicorn/unicorn.h>

#include <cstddef>
#include <cstring>

#include "arch/aarch64/aarch64.h"
#include "arch/generic/abi.h"
#include "arch/generic/ucontext.h"

namespace arch::aarch64 {
namespace {

constexpr uint32_t kFpsimdMagic = 0x46508001;

struct FpsimdContext {
  uint32_t magic;
  uint32_t size;
  uint32_t fpsr;
  uint32_t fpcr;
  uint8_t vregs[32][16];
};
static_assert(sizeof(FpsimdContext) == 528);

struct alignas(16) SigContext {
  uint64_t fault_address;
  uint64_t regs[31];
  uint64_t sp;
  uint64_t pc;
  uint64_t pstate;
  alignas(16) uint8_t reserved[4096];
};
static_assert(offsetof(SigContext, reserved) == 288);
static_assert(sizeof(SigContext) == 4384);

using UContext = guest::UContext<SigContext>;
static_assert(offsetof(UContext, uc_mcontext) == 176);

using RtSigframe = guest::RtSigframe<SigContext>;
static_assert(offsetof(RtSigframe, uc) == guest::kSiginfoSize);

struct FrameRecord {
  uint64_t fp;
  uint64_t lr;
};

int XReg(int i) { return i < 29 ? UC_ARM64_REG_X0 + i : i == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30; }

void SaveRegisters(uc_engine* uc, SigContext* sc) {
  for (int i = 0; i < 31; ++i) uc_reg_read(uc, XReg(i), &sc->regs[i]);
  uc_reg_read(uc, UC_ARM64_REG_SP, &sc->sp);
  uc_reg_read(uc, UC_ARM64_REG_PC, &sc->pc);
  uint64_t nzcv = 0;
  uc_reg_read(uc, UC_ARM64_REG_NZCV, &nzcv);
  sc->pstate = nzcv;  // EL0t with the condition flags
  FpsimdContext fp{};
  fp.magic = kFpsimdMagic;
  fp.size = sizeof fp;
  uint64_t fpsr = 0, fpcr = 0;
  uc_reg_read(uc, UC_ARM64_REG_FPSR, &fpsr);
  uc_reg_read(uc, UC_ARM64_REG_FPCR, &fpcr);
  fp.fpsr = static_cast<uint32_t>(fpsr);
  fp.fpcr = static_cast<uint32_t>(fpcr);
  for (int i = 0; i < 32; ++i) uc_reg_read(uc, UC_ARM64_REG_V0 + i, fp.vregs[i]);
  memcpy(sc->reserved, &fp, sizeof fp);  // the null record after it is already zero
}

void RestoreRegisters(uc_engine* uc, const SigContext& sc) {
  for (int i = 0; i < 31; ++i) uc_reg_write(uc, XReg(i), &sc.regs[i]);
  uc_reg_write(uc, UC_ARM64_REG_SP, &sc.sp);
  uint64_t nzcv = sc.pstate & 0xf0000000;
  uc_reg_write(uc, UC_ARM64_REG_NZCV, &nzcv);
  FpsimdContext fp;
  memcpy(&fp, sc.reserved, sizeof fp);
  if (fp.magic == kFpsimdMagic) {
    uint64_t fpsr = fp.fpsr, fpcr = fp.fpcr;
    uc_reg_write(uc, UC_ARM64_REG_FPSR, &fpsr);
    uc_reg_write(uc, UC_ARM64_REG_FPCR, &fpcr);
    for (int i = 0; i < 32; ++i) uc_reg_write(uc, UC_ARM64_REG_V0 + i, fp.vregs[i]);
  }
  uc_reg_write(uc, UC_ARM64_REG_PC, &sc.pc);
}

}  // namespace

bool PushSignalFrame(uc_engine* uc, GuestAccess& memory, const SignalFrameRequest& req) {
  thread_local RtSigframe frame;  // 4.7 KB: kept off ferry's stack; one per thread
  memset(&frame, 0, sizeof frame);
  memcpy(frame.info, req.siginfo, sizeof frame.info);
  guest::FillUContextHeader(&frame.uc.head, req);
  SaveRegisters(uc, &frame.uc.uc_mcontext);
  memcpy(&frame.uc.uc_mcontext.fault_address, static_cast<const uint8_t*>(req.siginfo) + 16, 8);

  uint64_t record_addr = (req.stack_top - sizeof(FrameRecord)) & ~uint64_t{15};
  uint64_t frame_addr = (record_addr - sizeof frame) & ~uint64_t{15};
  if (frame_addr < req.stack_limit || frame_addr > req.stack_top) return false;  // overflow
  FrameRecord record = {frame.uc.uc_mcontext.regs[29], frame.uc.uc_mcontext.regs[30]};
  if (!memory.Write(record_addr, &record, sizeof record)) return false;
  if (!memory.Write(frame_addr, &frame, sizeof frame)) return false;

  guest::EnterSignalHandler(uc, kAarch64, req, frame_addr, frame_addr + offsetof(RtSigframe, uc));
  uc_reg_write(uc, UC_ARM64_REG_X29, &record_addr);
  return true;
}

bool PopSignalFrame(uc_engine* uc, const GuestAccess& memory, SignalFrameResult* result) {
  uint64_t sp = 0;
  uc_reg_read(uc, UC_ARM64_REG_SP, &sp);
  thread_local RtSigframe frame;
  if (sp % 16 != 0 || !memory.Read(sp, &frame, sizeof frame)) return false;
  RestoreRegisters(uc, frame.uc.uc_mcontext);
  result->saved_mask = frame.uc.head.uc_sigmask;
  return true;
}

}  // namespace arch::aarch64
