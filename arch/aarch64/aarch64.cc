// AArch64: registers, the svc syscall ABI, CPU start state and the layouts
// where arm64's uapi differs from x86_64.
#include <capstone/capstone.h>
#include <linux/audit.h>
#include <elf.h>

#include <iterator>

#include "arch/aarch64/aarch64.h"
#include "arch/generic/abi.h"
#include "arch/generic/stat.h"

extern "C" bool cpu_restore_state_aarch64(void* cpu, uintptr_t host_pc, bool will_exit);
extern "C" [[noreturn]] void cpu_loop_exit_aarch64(void* cpu);

namespace arch {
namespace {

// Unicorn's exception numbers (QEMU target/arm EXCP_*).
constexpr uint32_t kExcpUdef = 1;
constexpr uint32_t kExcpSwi = 2;
constexpr uint32_t kExcpBkpt = 7;

// arm64 uapi asm/fcntl.h moves four bits relative to x86_64's.
constexpr FlagPair kOpenFlagDiffs[] = {
    {040000, 0200000},    // O_DIRECTORY
    {0100000, 0400000},   // O_NOFOLLOW
    {0200000, 040000},    // O_DIRECT
    {0400000, 0100000},   // O_LARGEFILE
};

// DWARF for the Arm 64-bit Architecture: x0-x30 are 0-30, sp is 31.
constexpr int kDwarfRegisters[] = {
    UC_ARM64_REG_X0,  UC_ARM64_REG_X1,  UC_ARM64_REG_X2,  UC_ARM64_REG_X3,  UC_ARM64_REG_X4,  UC_ARM64_REG_X5,
    UC_ARM64_REG_X6,  UC_ARM64_REG_X7,  UC_ARM64_REG_X8,  UC_ARM64_REG_X9,  UC_ARM64_REG_X10, UC_ARM64_REG_X11,
    UC_ARM64_REG_X12, UC_ARM64_REG_X13, UC_ARM64_REG_X14, UC_ARM64_REG_X15, UC_ARM64_REG_X16, UC_ARM64_REG_X17,
    UC_ARM64_REG_X18, UC_ARM64_REG_X19, UC_ARM64_REG_X20, UC_ARM64_REG_X21, UC_ARM64_REG_X22, UC_ARM64_REG_X23,
    UC_ARM64_REG_X24, UC_ARM64_REG_X25, UC_ARM64_REG_X26, UC_ARM64_REG_X27, UC_ARM64_REG_X28, UC_ARM64_REG_X29,
    UC_ARM64_REG_X30, UC_ARM64_REG_SP,
};

// gdb's AArch64 numbering: x0-x30, sp, pc, cpsr (the core feature), then
// v0-v31, fpsr, fpcr (the FP/SIMD feature).
constexpr GdbRegister kGdbRegisters[] = {
    {"x0", 0, UC_ARM64_REG_X0, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x1", 1, UC_ARM64_REG_X1, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x2", 2, UC_ARM64_REG_X2, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x3", 3, UC_ARM64_REG_X3, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x4", 4, UC_ARM64_REG_X4, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x5", 5, UC_ARM64_REG_X5, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x6", 6, UC_ARM64_REG_X6, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x7", 7, UC_ARM64_REG_X7, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x8", 8, UC_ARM64_REG_X8, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x9", 9, UC_ARM64_REG_X9, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x10", 10, UC_ARM64_REG_X10, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x11", 11, UC_ARM64_REG_X11, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x12", 12, UC_ARM64_REG_X12, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x13", 13, UC_ARM64_REG_X13, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x14", 14, UC_ARM64_REG_X14, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x15", 15, UC_ARM64_REG_X15, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x16", 16, UC_ARM64_REG_X16, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x17", 17, UC_ARM64_REG_X17, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x18", 18, UC_ARM64_REG_X18, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x19", 19, UC_ARM64_REG_X19, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x20", 20, UC_ARM64_REG_X20, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x21", 21, UC_ARM64_REG_X21, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x22", 22, UC_ARM64_REG_X22, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x23", 23, UC_ARM64_REG_X23, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x24", 24, UC_ARM64_REG_X24, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x25", 25, UC_ARM64_REG_X25, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x26", 26, UC_ARM64_REG_X26, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x27", 27, UC_ARM64_REG_X27, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x28", 28, UC_ARM64_REG_X28, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x29", 29, UC_ARM64_REG_X29, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"x30", 30, UC_ARM64_REG_X30, 64, "int", "org.gnu.gdb.aarch64.core"},
    {"sp", 31, UC_ARM64_REG_SP, 64, "data_ptr", "org.gnu.gdb.aarch64.core"},
    {"pc", 32, UC_ARM64_REG_PC, 64, "code_ptr", "org.gnu.gdb.aarch64.core"},
    {"cpsr", 33, UC_ARM64_REG_NZCV, 32, "int", "org.gnu.gdb.aarch64.core"},
    {"v0", 34, UC_ARM64_REG_V0, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v1", 35, UC_ARM64_REG_V1, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v2", 36, UC_ARM64_REG_V2, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v3", 37, UC_ARM64_REG_V3, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v4", 38, UC_ARM64_REG_V4, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v5", 39, UC_ARM64_REG_V5, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v6", 40, UC_ARM64_REG_V6, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v7", 41, UC_ARM64_REG_V7, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v8", 42, UC_ARM64_REG_V8, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v9", 43, UC_ARM64_REG_V9, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v10", 44, UC_ARM64_REG_V10, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v11", 45, UC_ARM64_REG_V11, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v12", 46, UC_ARM64_REG_V12, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v13", 47, UC_ARM64_REG_V13, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v14", 48, UC_ARM64_REG_V14, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v15", 49, UC_ARM64_REG_V15, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v16", 50, UC_ARM64_REG_V16, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v17", 51, UC_ARM64_REG_V17, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v18", 52, UC_ARM64_REG_V18, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v19", 53, UC_ARM64_REG_V19, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v20", 54, UC_ARM64_REG_V20, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v21", 55, UC_ARM64_REG_V21, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v22", 56, UC_ARM64_REG_V22, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v23", 57, UC_ARM64_REG_V23, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v24", 58, UC_ARM64_REG_V24, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v25", 59, UC_ARM64_REG_V25, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v26", 60, UC_ARM64_REG_V26, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v27", 61, UC_ARM64_REG_V27, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v28", 62, UC_ARM64_REG_V28, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v29", 63, UC_ARM64_REG_V29, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v30", 64, UC_ARM64_REG_V30, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"v31", 65, UC_ARM64_REG_V31, 128, "aarch64v", "org.gnu.gdb.aarch64.fpu"},
    {"fpsr", 66, UC_ARM64_REG_FPSR, 32, "int", "org.gnu.gdb.aarch64.fpu"},
    {"fpcr", 67, UC_ARM64_REG_FPCR, 32, "int", "org.gnu.gdb.aarch64.fpu"},
};

constexpr const char kGdbFpuTypes[] =
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
    "<vector id=\"v2u\" type=\"uint64\" count=\"2\"/>"
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
    "<vector id=\"v4u\" type=\"uint32\" count=\"4\"/>"
    "<vector id=\"v8u\" type=\"uint16\" count=\"8\"/>"
    "<vector id=\"v16u\" type=\"uint8\" count=\"16\"/>"
    "<union id=\"aarch64v\"><field name=\"d\" type=\"v2d\"/><field name=\"s\" type=\"v4f\"/>"
    "<field name=\"q\" type=\"uint128\"/><field name=\"u2\" type=\"v2u\"/>"
    "<field name=\"u4\" type=\"v4u\"/><field name=\"h\" type=\"v8u\"/>"
    "<field name=\"b\" type=\"v16u\"/></union>";

uint32_t InsnLength(uint16_t) { return 4; }

// brk #imm16.
bool IsBreakpoint(uint32_t insn) { return (insn & 0xffe0001f) == 0xd4200000; }

void PrepareCpu(uc_engine* uc) {
  // Grant EL0/EL1 access to FP/SIMD (CPACR_EL1.FPEN = 0b11).
  uint64_t cpacr = 0;
  uc_reg_read(uc, UC_ARM64_REG_CPACR_EL1, &cpacr);
  cpacr |= 3u << 20;
  uc_reg_write(uc, UC_ARM64_REG_CPACR_EL1, &cpacr);
  aarch64::EnterUserMode(uc);
}

// IC IVAU, Xt (SYS #3, C7, C5, #1) invalidates the line holding Xt; IC IALLU
// and IC IALLUIS (SYS #0, C7, C5/C1, #0) everything. Unicorn treats them as
// no-ops; ferry needs them to drop translations of code written by a host
// syscall or by another thread's CPU.
constexpr uint64_t kIcacheLine = 64;
ArchInfo::IcacheInvalidate g_icache_invalidate = nullptr;

uint32_t OnSysInstruction(uc_engine*, uc_arm64_reg, const uc_arm64_cp_reg* reg, void* user) {
  if (reg->op0 != 1 || reg->crn != 7) return 0;
  if (reg->op1 == 3 && reg->crm == 5 && reg->op2 == 1) {
    g_icache_invalidate(user, reg->val & ~(kIcacheLine - 1), kIcacheLine);
    return 1;
  }
  if (reg->op1 == 0 && (reg->crm == 5 || reg->crm == 1) && reg->op2 == 0) {
    g_icache_invalidate(user, 0, ~uint64_t{0});
    return 1;
  }
  return 0;  // anything else: Unicorn's own handling
}

bool HookIcacheMaintenance(uc_engine* uc, ArchInfo::IcacheInvalidate invalidate, void* user, uc_hook* hook) {
  g_icache_invalidate = invalidate;  // one function for every CPU of the process
  return uc_hook_add(uc, hook, UC_HOOK_INSN, reinterpret_cast<void*>(OnSysInstruction), user, 1, 0,
                     UC_ARM64_INS_SYS) == UC_ERR_OK;
}

}  // namespace

const ArchInfo kAarch64 = {
    .name = "aarch64",
    .elf_machine = EM_AARCH64,
    .audit_arch = AUDIT_ARCH_AARCH64,
    .unicorn_arch = UC_ARCH_ARM64,
    .unicorn_mode = UC_MODE_ARM,
    .unicorn_cpu_model = UC_CPU_ARM64_MAX,
    .platform = "aarch64",
    .hwcap = aarch64::kHwcap,
    .hwcap2 = aarch64::kHwcap2,
    .cross_sysroot = "/usr/aarch64-linux-gnu",
    // Features: kHwcap and kHwcap2 by their kernel names; the CPU lines: kMidr.
    .cpuinfo_entry = "processor\t: %d\n"
                     "BogoMIPS\t: 100.00\n"
                     "Features\t: fp asimd aes pmull sha1 sha2 crc32 atomics cpuid ecv\n"
                     "CPU implementer\t: 0x41\n"
                     "CPU architecture: 8\n"
                     "CPU variant\t: 0x0\n"
                     "CPU part\t: 0xd07\n"
                     "CPU revision\t: 0\n\n",
    .reg_pc = UC_ARM64_REG_PC,
    .reg_sp = UC_ARM64_REG_SP,
    .reg_syscall_nr = UC_ARM64_REG_X8,
    .reg_args = {UC_ARM64_REG_X0, UC_ARM64_REG_X1, UC_ARM64_REG_X2, UC_ARM64_REG_X3,
                 UC_ARM64_REG_X4, UC_ARM64_REG_X5},
    .reg_tls = UC_ARM64_REG_TPIDR_EL0,
    .reg_fp = UC_ARM64_REG_X29,
    .reg_link = UC_ARM64_REG_X30,
    .frame_prev_fp_at = 0,  // stp x29, x30, [sp, #-N]!; mov x29, sp
    .frame_return_at = 8,
    .dwarf_registers = kDwarfRegisters,
    .dwarf_register_count = std::size(kDwarfRegisters),
    .dwarf_sp = 31,
    .dwarf_fp = 29,
    .dwarf_link = 30,
    .capstone_arch = CS_ARCH_ARM64,
    .capstone_mode = CS_MODE_LITTLE_ENDIAN,
    .insn_alignment = 4,
    .syscall_intno = kExcpSwi,
    .breakpoint_intno = kExcpBkpt,
    .undefined_intno = kExcpUdef,
    .is_breakpoint = IsBreakpoint,
    .emulate_undefined = aarch64::EmulateUndefined,
    .prepare_cpu = PrepareCpu,
    .hook_icache_maintenance = HookIcacheMaintenance,
    .syscall_insn_size = 4,
    .insn_length = InsnLength,
    .push_signal_frame = aarch64::PushSignalFrame,
    .pop_signal_frame = aarch64::PopSignalFrame,
    .sigreturn_code = {0xd2801168, 0xd4000001}  /* mov x8, #139; svc #0 */,
    .sigframe_mask_offset = guest::kSiginfoSize + 40,  // siginfo, then uc_flags, uc_link, uc_stack
    .stat_size = sizeof(guest::GenericStat),
    .encode_stat = guest::EncodeGenericStat,
    .stat_mode_offset = offsetof(guest::GenericStat, st_mode),
    .stat_size_offset = offsetof(guest::GenericStat, st_size),
    .sigaction_has_restorer = true,
    // asm-generic's PAGE_SIZE: arch/arm64's shmparam.h keeps its 16 KiB
    // (COMPAT_SHMLBA) for 32-bit tasks only.
    .shmlba = 4096,
    .word_size = 8,
    .arch_bit = kAarch64Bit,
    .syscall_numbers = nullptr,  // asm-generic
    .syscall_number_count = 0,
    .unicorn_restore_state = cpu_restore_state_aarch64,
    .unicorn_loop_exit = cpu_loop_exit_aarch64,
    .gdb_registers = kGdbRegisters,
    .gdb_register_count = std::size(kGdbRegisters),
    .gdb_g_registers = 34,
    .gdb_architecture = "aarch64",
    .gdb_fpu_types = kGdbFpuTypes,
    .open_flag_diffs = kOpenFlagDiffs,
    .open_flag_diff_count = sizeof kOpenFlagDiffs / sizeof kOpenFlagDiffs[0],
};

}  // namespace arch
