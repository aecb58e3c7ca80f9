// RISC-V64: registers, the ecall syscall ABI and CPU start state. Its uapi
// uses the asm-generic layouts and open flags, which match x86_64's flags.
#include <capstone/capstone.h>
#include <linux/audit.h>
#include <elf.h>

#include <iterator>

#include "arch/riscv64/riscv64.h"
#include "arch/generic/abi.h"
#include "arch/generic/stat.h"

extern "C" bool cpu_restore_state_riscv64(void* cpu, uintptr_t host_pc, bool will_exit);
extern "C" [[noreturn]] void cpu_loop_exit_riscv64(void* cpu);

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

// The RISC-V ELF psABI's DWARF numbers: x0-x31 are 0-31 (Unicorn's ids
// are consecutive).
constexpr int kDwarfRegisters[] = {
#define X(n) UC_RISCV_REG_X0 + n
    X(0),  X(1),  X(2),  X(3),  X(4),  X(5),  X(6),  X(7),  X(8),  X(9),  X(10), X(11), X(12), X(13), X(14), X(15),
    X(16), X(17), X(18), X(19), X(20), X(21), X(22), X(23), X(24), X(25), X(26), X(27), X(28), X(29), X(30), X(31),
#undef X
};
static_assert(UC_RISCV_REG_X31 - UC_RISCV_REG_X0 == 31);

// gdb's RISC-V numbering: x0-x31 by ABI name, pc (the cpu feature), then
// f0-f31 at 33-64 and fflags, frm, fcsr at 66-68 (the FP feature).
constexpr GdbRegister kGdbRegisters[] = {
    {"zero", 0, UC_RISCV_REG_X0, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"ra", 1, UC_RISCV_REG_X1, 64, "code_ptr", "org.gnu.gdb.riscv.cpu"},
    {"sp", 2, UC_RISCV_REG_X2, 64, "data_ptr", "org.gnu.gdb.riscv.cpu"},
    {"gp", 3, UC_RISCV_REG_X3, 64, "data_ptr", "org.gnu.gdb.riscv.cpu"},
    {"tp", 4, UC_RISCV_REG_X4, 64, "data_ptr", "org.gnu.gdb.riscv.cpu"},
    {"t0", 5, UC_RISCV_REG_X5, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"t1", 6, UC_RISCV_REG_X6, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"t2", 7, UC_RISCV_REG_X7, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"fp", 8, UC_RISCV_REG_X8, 64, "data_ptr", "org.gnu.gdb.riscv.cpu"},
    {"s1", 9, UC_RISCV_REG_X9, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"a0", 10, UC_RISCV_REG_X10, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"a1", 11, UC_RISCV_REG_X11, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"a2", 12, UC_RISCV_REG_X12, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"a3", 13, UC_RISCV_REG_X13, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"a4", 14, UC_RISCV_REG_X14, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"a5", 15, UC_RISCV_REG_X15, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"a6", 16, UC_RISCV_REG_X16, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"a7", 17, UC_RISCV_REG_X17, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"s2", 18, UC_RISCV_REG_X18, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"s3", 19, UC_RISCV_REG_X19, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"s4", 20, UC_RISCV_REG_X20, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"s5", 21, UC_RISCV_REG_X21, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"s6", 22, UC_RISCV_REG_X22, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"s7", 23, UC_RISCV_REG_X23, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"s8", 24, UC_RISCV_REG_X24, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"s9", 25, UC_RISCV_REG_X25, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"s10", 26, UC_RISCV_REG_X26, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"s11", 27, UC_RISCV_REG_X27, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"t3", 28, UC_RISCV_REG_X28, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"t4", 29, UC_RISCV_REG_X29, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"t5", 30, UC_RISCV_REG_X30, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"t6", 31, UC_RISCV_REG_X31, 64, "int", "org.gnu.gdb.riscv.cpu"},
    {"pc", 32, UC_RISCV_REG_PC, 64, "code_ptr", "org.gnu.gdb.riscv.cpu"},
    {"ft0", 33, UC_RISCV_REG_F0, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"ft1", 34, UC_RISCV_REG_F1, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"ft2", 35, UC_RISCV_REG_F2, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"ft3", 36, UC_RISCV_REG_F3, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"ft4", 37, UC_RISCV_REG_F4, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"ft5", 38, UC_RISCV_REG_F5, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"ft6", 39, UC_RISCV_REG_F6, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"ft7", 40, UC_RISCV_REG_F7, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fs0", 41, UC_RISCV_REG_F8, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fs1", 42, UC_RISCV_REG_F9, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fa0", 43, UC_RISCV_REG_F10, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fa1", 44, UC_RISCV_REG_F11, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fa2", 45, UC_RISCV_REG_F12, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fa3", 46, UC_RISCV_REG_F13, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fa4", 47, UC_RISCV_REG_F14, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fa5", 48, UC_RISCV_REG_F15, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fa6", 49, UC_RISCV_REG_F16, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fa7", 50, UC_RISCV_REG_F17, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fs2", 51, UC_RISCV_REG_F18, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fs3", 52, UC_RISCV_REG_F19, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fs4", 53, UC_RISCV_REG_F20, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fs5", 54, UC_RISCV_REG_F21, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fs6", 55, UC_RISCV_REG_F22, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fs7", 56, UC_RISCV_REG_F23, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fs8", 57, UC_RISCV_REG_F24, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fs9", 58, UC_RISCV_REG_F25, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fs10", 59, UC_RISCV_REG_F26, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fs11", 60, UC_RISCV_REG_F27, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"ft8", 61, UC_RISCV_REG_F28, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"ft9", 62, UC_RISCV_REG_F29, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"ft10", 63, UC_RISCV_REG_F30, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"ft11", 64, UC_RISCV_REG_F31, 64, "ieee_double", "org.gnu.gdb.riscv.fpu"},
    {"fflags", 66, UC_RISCV_REG_FFLAGS, 32, "int", "org.gnu.gdb.riscv.fpu"},
    {"frm", 67, UC_RISCV_REG_FRM, 32, "int", "org.gnu.gdb.riscv.fpu"},
    {"fcsr", 68, UC_RISCV_REG_FCSR, 32, "int", "org.gnu.gdb.riscv.fpu"},
};

// Compressed instructions are the ones whose low two bits are not 11.
uint32_t InsnLength(uint16_t low) { return (low & 3) == 3 ? 4 : 2; }

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
    .audit_arch = AUDIT_ARCH_RISCV64,
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
    .reg_fp = UC_RISCV_REG_X8,  // s0
    .reg_link = UC_RISCV_REG_X1,  // ra
    .frame_prev_fp_at = -16,  // s0 points past the saved ra (s0-8) and s0 (s0-16)
    .frame_return_at = -8,
    .dwarf_registers = kDwarfRegisters,
    .dwarf_register_count = std::size(kDwarfRegisters),
    .dwarf_sp = 2,
    .dwarf_fp = 8,  // s0
    .dwarf_link = 1,  // ra
    .capstone_arch = CS_ARCH_RISCV,
    .capstone_mode = CS_MODE_RISCV64 | CS_MODE_RISCVC,
    .insn_alignment = 2,  // the C extension's 16-bit instructions
    .scan_prologue = riscv64::ScanPrologue,
    .syscall_intno = kExcpUserEcall,
    .breakpoint_intno = kExcpBreakpoint,
    .undefined_intno = kExcpIllegalInst,
    .is_breakpoint = IsBreakpoint,
    .emulate_undefined = riscv64::EmulateUndefined,
    .prepare_cpu = PrepareCpu,
    .hook_icache_maintenance = nullptr,  // riscv_flush_icache, a syscall
    .syscall_insn_size = 4,
    .insn_length = InsnLength,
    .push_signal_frame = riscv64::PushSignalFrame,
    .pop_signal_frame = riscv64::PopSignalFrame,
    .sigreturn_code = {0x08b00893, 0x00000073}  /* li a7, 139; ecall */,
    .sigframe_mask_offset = guest::kSiginfoSize + 40,  // siginfo, then uc_flags, uc_link, uc_stack
    .stat_size = sizeof(guest::GenericStat),
    .encode_stat = guest::EncodeGenericStat,
    .stat_mode_offset = offsetof(guest::GenericStat, st_mode),
    .stat_size_offset = offsetof(guest::GenericStat, st_size),
    .sigaction_has_restorer = false,
    .shmlba = 4096,  // asm-generic's PAGE_SIZE
    .word_size = 8,
    .arch_bit = kRiscv64Bit,
    .syscall_numbers = nullptr,  // asm-generic
    .syscall_number_count = 0,
    .unicorn_restore_state = cpu_restore_state_riscv64,
    .unicorn_loop_exit = cpu_loop_exit_riscv64,
    .gdb_registers = kGdbRegisters,
    .gdb_register_count = std::size(kGdbRegisters),
    .gdb_g_registers = 33,
    .gdb_architecture = "riscv:rv64",
    .gdb_fpu_types = "",
    .open_flag_diffs = nullptr,
    .open_flag_diff_count = 0,
};

}  // namespace arch
