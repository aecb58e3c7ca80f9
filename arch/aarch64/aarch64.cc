// AArch64: registers, the svc syscall ABI, CPU start state and the layouts
// where arm64's uapi differs from x86_64.
#include <elf.h>

#include "arch/aarch64/aarch64.h"
#include "arch/generic/stat.h"

namespace arch {
namespace {

// Unicorn's exception numbers (QEMU target/arm EXCP_*).
constexpr uint32_t kExcpUdef = 1;
constexpr uint32_t kExcpSwi = 2;
constexpr uint32_t kExcpBkpt = 7;

// arm64 uapi asm/hwcap.h: FP, ASIMD, AES, PMULL, SHA1, SHA2, CRC32, ATOMICS.
constexpr uint64_t kHwcap = (1 << 0) | (1 << 1) | (1 << 3) | (1 << 4) | (1 << 5) |
                            (1 << 6) | (1 << 7) | (1 << 8);

// arm64 uapi asm/fcntl.h moves four bits relative to x86_64's.
constexpr FlagPair kOpenFlagDiffs[] = {
    {040000, 0200000},    // O_DIRECTORY
    {0100000, 0400000},   // O_NOFOLLOW
    {0200000, 040000},    // O_DIRECT
    {0400000, 0100000},   // O_LARGEFILE
};

// brk #imm16.
bool IsBreakpoint(uint32_t insn) { return (insn & 0xffe0001f) == 0xd4200000; }

void PrepareCpu(uc_engine* uc) {
  // Grant EL0/EL1 access to FP/SIMD (CPACR_EL1.FPEN = 0b11).
  uint64_t cpacr = 0;
  uc_reg_read(uc, UC_ARM64_REG_CPACR_EL1, &cpacr);
  cpacr |= 3u << 20;
  uc_reg_write(uc, UC_ARM64_REG_CPACR_EL1, &cpacr);
}

}  // namespace

const ArchInfo kAarch64 = {
    .name = "aarch64",
    .elf_machine = EM_AARCH64,
    .unicorn_arch = UC_ARCH_ARM64,
    .unicorn_mode = UC_MODE_ARM,
    .unicorn_cpu_model = UC_CPU_ARM64_MAX,
    .platform = "aarch64",
    .hwcap = kHwcap,
    .hwcap2 = 0,
    .cross_sysroot = "/usr/aarch64-linux-gnu",
    .cpuinfo_entry = "processor\t: %d\n"
                     "BogoMIPS\t: 100.00\n"
                     "Features\t: fp asimd aes pmull sha1 sha2 crc32 atomics\n"
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
    .syscall_intno = kExcpSwi,
    .breakpoint_intno = kExcpBkpt,
    .undefined_intno = kExcpUdef,
    .is_breakpoint = IsBreakpoint,
    .prepare_cpu = PrepareCpu,
    .syscall_insn_size = 4,
    .push_signal_frame = aarch64::PushSignalFrame,
    .pop_signal_frame = aarch64::PopSignalFrame,
    .sigreturn_code = {0xd2801168, 0xd4000001}  /* mov x8, #139; svc #0 */,
    .sigframe_mask_offset = 128 + 40,  // siginfo, then uc_flags, uc_link, uc_stack
    .stat_size = sizeof(guest::GenericStat),
    .encode_stat = guest::EncodeGenericStat,
    .stat_mode_offset = offsetof(guest::GenericStat, st_mode),
    .stat_size_offset = offsetof(guest::GenericStat, st_size),
    .sigaction_has_restorer = true,
    .open_flag_diffs = kOpenFlagDiffs,
    .open_flag_diff_count = sizeof kOpenFlagDiffs / sizeof kOpenFlagDiffs[0],
};

}  // namespace arch
