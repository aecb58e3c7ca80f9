// RISC-V64 counter CSRs as Linux lets user space read them. Unicorn 2.1.4
// serves cycle and instret itself, from the host's cycle counter as
// qemu-user does; `time` it cannot (QEMU's read_time wants a board's
// rdtime_fn) and raises an illegal instruction, which ferry serves here:
// CLOCK_MONOTONIC counted at kTimebaseHz. timeh, cycleh and instreth exist
// on RV32 only and writes to the counters are illegal, so those stay SIGILL.
#include <time.h>
#include <unicorn/unicorn.h>

#include "arch/riscv64/riscv64.h"

namespace arch::riscv64 {
namespace {

constexpr uint32_t kOpcodeSystem = 0x73;
constexpr uint32_t kCsrTime = 0xc01;
// funct3 of the CSR instructions that write nothing when rs1 (CSRRS, CSRRC)
// or the immediate (CSRRSI, CSRRCI) is zero; CSRRW/CSRRWI always write.
constexpr uint32_t kCsrrs = 2, kCsrrc = 3, kCsrrsi = 6, kCsrrci = 7;

// The CSR a read-only CSR instruction reads, or -1 for anything else.
int ReadOnlyCsr(uint32_t insn) {
  if ((insn & 0x7f) != kOpcodeSystem) return -1;
  uint32_t funct3 = (insn >> 12) & 7;
  uint32_t rs1 = (insn >> 15) & 31;  // a register, or the zero-extended immediate
  bool reads_only = funct3 == kCsrrs || funct3 == kCsrrc || funct3 == kCsrrsi || funct3 == kCsrrci;
  if (!reads_only || rs1 != 0) return -1;
  return static_cast<int>(insn >> 20);
}

uint64_t TimeCsr() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  constexpr uint64_t kNsPerTick = 1000000000 / kTimebaseHz;
  return (static_cast<uint64_t>(now.tv_sec) * 1000000000 + static_cast<uint64_t>(now.tv_nsec)) / kNsPerTick;
}

}  // namespace

bool EmulateUndefined(uc_engine* uc, const GuestAccess& memory) {
  // Unicorn moves the PC 4 bytes on at every RISC-V exception (its
  // cpu_handle_exception, for ecall), so the instruction is 4 bytes back;
  // CSR instructions have no compressed form.
  uint64_t pc = 0;
  uc_reg_read(uc, UC_RISCV_REG_PC, &pc);
  uint64_t at = pc - 4;
  uint32_t insn = 0;
  if (memory.Read(at, &insn, sizeof insn) && ReadOnlyCsr(insn) == static_cast<int>(kCsrTime)) {
    uint32_t rd = (insn >> 7) & 31;
    uint64_t value = TimeCsr();
    if (rd != 0) uc_reg_write(uc, UC_RISCV_REG_X0 + static_cast<int>(rd), &value);
    return true;  // the PC already points past it
  }
  uc_reg_write(uc, UC_RISCV_REG_PC, &at);
  return false;
}

}  // namespace arch::riscv64
