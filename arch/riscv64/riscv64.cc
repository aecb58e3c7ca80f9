// RISC-V64: registers, the ecall syscall ABI and CPU start state. Its uapi
// uses the asm-generic layouts and open flags, which match x86_64's flags.
#include <elf.h>

#include "arch/riscv64/riscv64.h"
#include "arch/generic/stat.h"

namespace arch {
namespace {

// Unicorn's exception numbers (QEMU target/riscv RISCV_EXCP_*).
constexpr uint32_t kExcpIllegalInst = 2;
constexpr uint32_t kExcpBreakpoint = 3;
constexpr uint32_t kExcpUserEcall = 8;

// One bit per ISA letter: I, M, A, F, D, C.
constexpr uint64_t Letter(char c) { return uint64_t{1} << (c - 'A'); }
constexpr uint64_t kHwcap =
    Letter('I') | Letter('M') | Letter('A') | Letter('F') | Letter('D') | Letter('C');

// ebreak, or the compressed c.ebreak in the low half.
bool IsBreakpoint(uint32_t insn) { return insn == 0x00100073 || (insn & 0xffff) == 0x9002; }

constexpr uint64_t kMstatusFsDirty = uint64_t{3} << 13;

void PrepareCpu(uc_engine* uc) {
  // Floating point is off until mstatus.FS says otherwise; the kernel turns
  // it on for every user process.
  uint64_t mstatus = 0;
  uc_reg_read(uc, UC_RISCV_REG_MSTATUS, &mstatus);
  mstatus |= kMstatusFsDirty;
  uc_reg_write(uc, UC_RISCV_REG_MSTATUS, &mstatus);
  uint64_t user_mode = 0;
  uc_reg_write(uc, UC_RISCV_REG_PRIV, &user_mode);
}

}  // namespace

const ArchInfo kRiscv64 = {
    .name = "riscv64",
    .elf_machine = EM_RISCV,
    .unicorn_arch = UC_ARCH_RISCV,
    .unicorn_mode = UC_MODE_RISCV64,
    .unicorn_cpu_model = UC_CPU_RISCV64_ANY,
    .platform = "riscv64",
    .hwcap = kHwcap,
    .hwcap2 = 0,
    .cross_sysroot = "/usr/riscv64-linux-gnu",
    .cpuinfo_entry = "processor\t: %d\n"
                     "hart\t\t: %d\n"
                     "isa\t\t: rv64imafdc\n"
                     "mmu\t\t: sv48\n\n",
    .reg_pc = UC_RISCV_REG_PC,
    .reg_sp = UC_RISCV_REG_SP,
    .reg_syscall_nr = UC_RISCV_REG_A7,
    .reg_args = {UC_RISCV_REG_A0, UC_RISCV_REG_A1, UC_RISCV_REG_A2, UC_RISCV_REG_A3,
                 UC_RISCV_REG_A4, UC_RISCV_REG_A5},
    .reg_tls = UC_RISCV_REG_TP,
    .syscall_intno = kExcpUserEcall,
    .breakpoint_intno = kExcpBreakpoint,
    .undefined_intno = kExcpIllegalInst,
    .is_breakpoint = IsBreakpoint,
    .prepare_cpu = PrepareCpu,
    .syscall_insn_size = 4,
    .push_signal_frame = riscv64::PushSignalFrame,
    .pop_signal_frame = riscv64::PopSignalFrame,
    .sigreturn_code = {0x08b00893, 0x00000073}  /* li a7, 139; ecall */,
    .sigframe_mask_offset = 128 + 40,  // siginfo, then uc_flags, uc_link, uc_stack
    .stat_size = sizeof(guest::GenericStat),
    .encode_stat = guest::EncodeGenericStat,
    .stat_mode_offset = offsetof(guest::GenericStat, st_mode),
    .stat_size_offset = offsetof(guest::GenericStat, st_size),
    .sigaction_has_restorer = false,
    .open_flag_diffs = nullptr,
    .open_flag_diff_count = 0,
};

}  // namespace arch
