#include "arch/arch.h"

#include <initializer_list>

namespace arch {

const ArchInfo* FindArchByElfMachine(uint16_t machine) {
  for (const ArchInfo* a : {&kAarch64, &kRiscv64}) {
    if (a->elf_machine == machine) return a;
  }
  return nullptr;
}

uint32_t GuestToHostOpenFlags(const ArchInfo& arch, uint32_t guest_flags) {
  uint32_t host = guest_flags;
  for (size_t i = 0; i < arch.open_flag_diff_count; ++i) host &= ~arch.open_flag_diffs[i].guest;
  for (size_t i = 0; i < arch.open_flag_diff_count; ++i) {
    if (guest_flags & arch.open_flag_diffs[i].guest) host |= arch.open_flag_diffs[i].host;
  }
  return host;
}

uint32_t HostToGuestOpenFlags(const ArchInfo& arch, uint32_t host_flags) {
  uint32_t guest = host_flags;
  for (size_t i = 0; i < arch.open_flag_diff_count; ++i) guest &= ~arch.open_flag_diffs[i].host;
  for (size_t i = 0; i < arch.open_flag_diff_count; ++i) {
    if (host_flags & arch.open_flag_diffs[i].host) guest |= arch.open_flag_diffs[i].guest;
  }
  return guest;
}

}  // namespace arch
