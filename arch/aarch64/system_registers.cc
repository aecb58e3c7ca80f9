// AArch64 system registers as Linux shows them to user space. Unicorn starts
// a CPU at EL1, where every system register reads its raw value (and
// SCTLR_EL1 and the like can be written). ferry runs the guest at EL0 with
// the access the kernel grants there: CTR_EL0, DC ZVA, cache maintenance
// (SCTLR_EL1.UCT, DZE, UCI), the virtual counter and its frequency
// (CNTKCTL_EL1.EL0VCTEN; Unicorn serves both, CNTFRQ_EL0 at QEMU's 62.5 MHz
// and CNTVCT_EL0 from the host's CLOCK_MONOTONIC). Every other system
// register traps, and the trap is answered as the kernel's MRS emulation
// does (Documentation/arch/arm64/cpu-feature-registers.rst, cpufeature.c's
// emulate_sys_reg): the ID space reads sanitised values whose visible fields
// match the hwcaps ferry advertises; the rest stays SIGILL.
#include <unicorn/unicorn.h>

#include "arch/aarch64/aarch64.h"

namespace arch::aarch64 {
namespace {

// SCTLR_EL1 bits Linux sets for EL0 (INIT_SCTLR_EL1_MMU_ON).
constexpr uint64_t kSctlrDze = uint64_t{1} << 14;   // DC ZVA (and DCZID_EL0.DZP clear)
constexpr uint64_t kSctlrUct = uint64_t{1} << 15;   // CTR_EL0
constexpr uint64_t kSctlrNtwi = uint64_t{1} << 16;  // WFI not trapped
constexpr uint64_t kSctlrNtwe = uint64_t{1} << 18;  // WFE not trapped
constexpr uint64_t kSctlrUci = uint64_t{1} << 26;   // DC CVAU, DC CIVAC, IC IVAU...
// CNTKCTL_EL1: the kernel opens the virtual counter only
// (arch_counter_set_user_access); CNTPCT_EL0 stays SIGILL.
constexpr uint64_t kCntkctlEl0Vcten = uint64_t{1} << 1;
constexpr uint32_t kPstateModeMask = 0x1f;  // M[4:0]; 0 is EL0t

// A system register by its MRS/MSR encoding.
struct SysReg {
  uint32_t op0, op1, crn, crm, op2;
};

uc_arm64_cp_reg CpReg(const SysReg& r, uint64_t value = 0) {
  uc_arm64_cp_reg reg{};
  reg.op0 = r.op0;
  reg.op1 = r.op1;
  reg.crn = r.crn;
  reg.crm = r.crm;
  reg.op2 = r.op2;
  reg.val = value;
  return reg;
}

constexpr SysReg kSctlrEl1 = {3, 0, 1, 0, 0};
constexpr SysReg kCntkctlEl1 = {3, 0, 14, 1, 0};
constexpr SysReg kCntvctEl0 = {3, 3, 14, 0, 2};
constexpr SysReg kCntvctssEl0 = {3, 3, 14, 0, 6};

// One 4-bit ID register field.
constexpr uint64_t Field(int shift, uint64_t value) { return value << shift; }
constexpr bool Has(uint64_t hwcaps, uint64_t bit) { return (hwcaps & bit) != 0; }

// The user-visible values (the kernel's arm64_ftr_reg_user_value): visible
// fields say what the hwcaps say, hidden ones hold the kernel's safe value.
// A hwcap bit added to aarch64.h needs its field here.
constexpr uint64_t kHwcapsWithFields = kHwcapFp | kHwcapAsimd | kHwcapAes | kHwcapPmull |
                                       kHwcapSha1 | kHwcapSha2 | kHwcapCrc32 | kHwcapAtomics |
                                       kHwcapCpuid;
static_assert((kHwcap & ~kHwcapsWithFields) == 0, "an advertised hwcap without its ID register field");
static_assert((kHwcap2 & ~kHwcap2Ecv) == 0, "an advertised hwcap2 without its ID register field");
static_assert(Has(kHwcap, kHwcapCpuid), "MRS emulation is what HWCAP_CPUID promises");

// EL0 and EL1 AArch64 only (hidden, safe value 1); FP and AdvSIMD: 0 is
// present without half precision, 0xf absent.
constexpr uint64_t kIdAa64Pfr0 = Field(0, 1) | Field(4, 1) |
                                 Field(16, Has(kHwcap, kHwcapFp) ? 0 : 0xf) |
                                 Field(20, Has(kHwcap, kHwcapAsimd) ? 0 : 0xf);
// AES 2 includes PMULL; SHA2 1 is SHA-256 (2 would add SHA-512); atomics 2 is LSE.
constexpr uint64_t kIdAa64Isar0 = Field(4, Has(kHwcap, kHwcapPmull) ? 2 : Has(kHwcap, kHwcapAes) ? 1 : 0) |
                                  Field(8, Has(kHwcap, kHwcapSha1) ? 1 : 0) |
                                  Field(12, Has(kHwcap, kHwcapSha2) ? 1 : 0) |
                                  Field(16, Has(kHwcap, kHwcapCrc32) ? 1 : 0) |
                                  Field(20, Has(kHwcap, kHwcapAtomics) ? 2 : 0);
static_assert(!Has(kHwcap, kHwcapPmull) || Has(kHwcap, kHwcapAes), "PMULL comes with AES in the field");
// DebugVer: the kernel's safe value 6 (ARMv8 debug); the rest hidden as 0.
constexpr uint64_t kIdAa64Dfr0 = Field(0, 6);
// TGran4 and TGran64 hidden as 0xf (not implemented); ECV visible.
constexpr uint64_t kIdAa64Mmfr0 = Field(24, 0xf) | Field(28, 0xf) | Field(60, Has(kHwcap2, kHwcap2Ecv) ? 1 : 0);

// Op0=3, Op1=0, CRn=0, CRm=2..7 (the AArch32 registers in CRm 2 and 3 read
// 0: there is no AArch32 EL0). Registers not listed read 0.
struct IdRegister {
  uint32_t crm, op2;
  uint64_t value;
};
constexpr IdRegister kIdRegisters[] = {
    {4, 0, kIdAa64Pfr0},   // ID_AA64PFR0_EL1; PFR1 (BTI, SSBS, MTE, SME), ZFR0 (SVE): 0
    {5, 0, kIdAa64Dfr0},   // ID_AA64DFR0_EL1
    {6, 0, kIdAa64Isar0},  // ID_AA64ISAR0_EL1; ISAR1 and ISAR2: 0
    {7, 0, kIdAa64Mmfr0},  // ID_AA64MMFR0_EL1; MMFR1 and MMFR2: 0
};

// What an EL0 MRS of `r` reads under Linux; false where it is SIGILL.
bool ReadAsLinux(uc_engine* uc, const SysReg& r, uint64_t* value) {
  if (r.op0 == 3 && r.op1 == 0 && r.crn == 0 && r.crm == 0) {
    switch (r.op2) {
      case 0: *value = kMidr; return true;                   // MIDR_EL1
      case 5: *value = uint64_t{1} << 31; return true;       // MPIDR_EL1: the kernel's safe value
      case 6: *value = 0; return true;                       // REVIDR_EL1: implementation defined
      default: return false;
    }
  }
  if (r.op0 == 3 && r.op1 == 0 && r.crn == 0 && r.crm >= 2 && r.crm <= 7) {
    *value = 0;
    for (const IdRegister& id : kIdRegisters) {
      if (id.crm == r.crm && id.op2 == r.op2) *value = id.value;
    }
    return true;
  }
  if (Has(kHwcap2, kHwcap2Ecv) && r.op0 == kCntvctssEl0.op0 && r.op1 == kCntvctssEl0.op1 &&
      r.crn == kCntvctssEl0.crn && r.crm == kCntvctssEl0.crm && r.op2 == kCntvctssEl0.op2) {
    // The self-synchronised view of the counter Unicorn serves (it has no
    // FEAT_ECV; its reads are synchronous anyway).
    uc_arm64_cp_reg counter = CpReg(kCntvctEl0);
    if (uc_reg_read(uc, UC_ARM64_REG_CP_REG, &counter) != UC_ERR_OK) return false;
    *value = counter.val;
    return true;
  }
  return false;
}

int XRegister(uint32_t n) {
  if (n == 29) return UC_ARM64_REG_X29;
  if (n == 30) return UC_ARM64_REG_X30;
  return UC_ARM64_REG_X0 + static_cast<int>(n);
}

}  // namespace

void EnterUserMode(uc_engine* uc) {
  uint32_t pstate = 0;
  uc_reg_read(uc, UC_ARM64_REG_PSTATE, &pstate);
  pstate &= ~kPstateModeMask;
  uc_reg_write(uc, UC_ARM64_REG_PSTATE, &pstate);
  uc_arm64_cp_reg sctlr = CpReg(kSctlrEl1);
  uc_reg_read(uc, UC_ARM64_REG_CP_REG, &sctlr);
  sctlr.val |= kSctlrDze | kSctlrUct | kSctlrNtwi | kSctlrNtwe | kSctlrUci;
  uc_reg_write(uc, UC_ARM64_REG_CP_REG, &sctlr);
  // A system-register write also makes Unicorn recompute its cached
  // exception level (arm_rebuild_hflags), which the PSTATE write does not.
  uc_arm64_cp_reg cntkctl = CpReg(kCntkctlEl1, kCntkctlEl0Vcten);
  uc_reg_write(uc, UC_ARM64_REG_CP_REG, &cntkctl);
}

bool EmulateUndefined(uc_engine* uc, const GuestAccess& memory) {
  uint64_t pc = 0;
  uc_reg_read(uc, UC_ARM64_REG_PC, &pc);  // Unicorn leaves it on the instruction
  uint32_t insn = 0;
  constexpr uint32_t kMrsMask = 0xfff00000, kMrs = 0xd5300000;  // op0 2 or 3
  if (!memory.Read(pc, &insn, sizeof insn) || (insn & kMrsMask) != kMrs) return false;
  SysReg r = {2 + ((insn >> 19) & 1), (insn >> 16) & 7, (insn >> 12) & 15, (insn >> 8) & 15, (insn >> 5) & 7};
  uint64_t value = 0;
  if (!ReadAsLinux(uc, r, &value)) return false;
  uint32_t rt = insn & 31;
  if (rt != 31) uc_reg_write(uc, XRegister(rt), &value);  // 31: xzr
  pc += 4;
  uc_reg_write(uc, UC_ARM64_REG_PC, &pc);
  return true;
}

}  // namespace arch::aarch64
