#include "arch/arch.h"


namespace arch {

std::span<const ArchInfo* const> SupportedArches() {
  static const ArchInfo* const kArches[] = {&kAarch64, &kRiscv64};
  return kArches;
}

const ArchInfo* FindArchByElfMachine(uint16_t machine) {
  for (const ArchInfo* a : SupportedArches()) {
    if (a->elf_machine == machine) return a;
  }
  return nullptr;
}

namespace {

// Moves each differing bit from one side's value to the other's; the rest pass.
uint32_t TranslateFlags(const ArchInfo& arch, uint32_t flags, uint32_t FlagPair::*from,
                        uint32_t FlagPair::*to) {
  uint32_t out = flags;
  for (size_t i = 0; i < arch.open_flag_diff_count; ++i) out &= ~(arch.open_flag_diffs[i].*from);
  for (size_t i = 0; i < arch.open_flag_diff_count; ++i) {
    if (flags & (arch.open_flag_diffs[i].*from)) out |= arch.open_flag_diffs[i].*to;
  }
  return out;
}

}  // namespace

uint32_t GuestToHostOpenFlags(const ArchInfo& arch, uint32_t guest_flags) {
  return TranslateFlags(arch, guest_flags, &FlagPair::guest, &FlagPair::host);
}

uint32_t HostToGuestOpenFlags(const ArchInfo& arch, uint32_t host_flags) {
  return TranslateFlags(arch, host_flags, &FlagPair::host, &FlagPair::guest);
}

}  // namespace arch
