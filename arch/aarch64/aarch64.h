// AArch64 pieces shared between the files of arch/aarch64/.
#pragma once

#include "arch/arch.h"

namespace arch::aarch64 {

// arm64 uapi asm/hwcap.h: the AT_HWCAP and AT_HWCAP2 bits ferry advertises.
// The ID registers system_registers.cc serves are derived from them.
constexpr uint64_t kHwcapFp = 1 << 0;
constexpr uint64_t kHwcapAsimd = 1 << 1;
constexpr uint64_t kHwcapAes = 1 << 3;
constexpr uint64_t kHwcapPmull = 1 << 4;
constexpr uint64_t kHwcapSha1 = 1 << 5;
constexpr uint64_t kHwcapSha2 = 1 << 6;
constexpr uint64_t kHwcapCrc32 = 1 << 7;
constexpr uint64_t kHwcapAtomics = 1 << 8;
constexpr uint64_t kHwcapCpuid = 1 << 11;  // MRS of the ID registers is emulated
constexpr uint64_t kHwcap2Ecv = 1 << 19;   // CNTVCTSS_EL0
constexpr uint64_t kHwcap = kHwcapFp | kHwcapAsimd | kHwcapAes | kHwcapPmull | kHwcapSha1 |
                            kHwcapSha2 | kHwcapCrc32 | kHwcapAtomics | kHwcapCpuid;
constexpr uint64_t kHwcap2 = kHwcap2Ecv;

// MIDR_EL1 as /proc/cpuinfo shows it (cpuinfo_entry): implementer 0x41 (Arm),
// variant 0, architecture 0xf (features in the ID registers), part 0xd07,
// revision 0.
constexpr uint64_t kMidr = 0x410fd070;

// Puts a fresh CPU at EL0 with the user-space access Linux grants (Unicorn
// starts it at EL1).
void EnterUserMode(uc_engine* uc);
bool EmulateUndefined(uc_engine* uc, const GuestAccess& memory);

bool PushSignalFrame(uc_engine* uc, GuestAccess& memory, const SignalFrameRequest& request);
bool PopSignalFrame(uc_engine* uc, const GuestAccess& memory, SignalFrameResult* result);

}  // namespace arch::aarch64
