// What differs per guest architecture, as data. Generic code reads an
// ArchInfo and never asks which architecture it runs; each arch/<name>/
// folder fills one in.
#pragma once

#include <sys/stat.h>
#include <unicorn/unicorn.h>

#include <cstddef>
#include <cstdint>

namespace arch {

// One guest open(2)-flag bit and the host bit it stands for.
struct FlagPair {
  uint32_t guest;
  uint32_t host;
};

struct ArchInfo {
  const char* name;            // "aarch64": what uname -m and messages say
  uint16_t elf_machine;        // EM_AARCH64, EM_RISCV
  uc_arch unicorn_arch;
  uc_mode unicorn_mode;
  int unicorn_cpu_model;
  const char* platform;        // AT_PLATFORM string
  uint64_t hwcap;              // AT_HWCAP: features the guest libc may use
  uint64_t hwcap2;

  // Registers and the syscall ABI.
  int reg_pc;
  int reg_sp;
  int reg_syscall_nr;
  int reg_args[6];             // argument registers; the result goes in reg_args[0]
  int reg_tls;                 // thread pointer (a system register or a GPR)
  uint32_t syscall_intno;      // Unicorn interrupt number of the syscall trap
  uint32_t breakpoint_intno;   // ... of a breakpoint instruction
  uint32_t undefined_intno;    // ... of an undefined instruction

  // Puts a fresh CPU into the state a user-mode process starts in.
  void (*prepare_cpu)(uc_engine* uc);

  // Guest struct layouts that differ from the host's.
  size_t stat_size;
  void (*encode_stat)(const struct stat& host, void* guest);
  bool sigaction_has_restorer;  // does the guest's kernel sigaction carry sa_restorer

  // open(2) flag bits whose values differ from x86_64; identical bits pass.
  const FlagPair* open_flag_diffs;
  size_t open_flag_diff_count;
};

// The supported architectures, and lookup by ELF e_machine.
const ArchInfo* FindArchByElfMachine(uint16_t machine);
extern const ArchInfo kAarch64;
extern const ArchInfo kRiscv64;

// Open-flag translation both ways, driven by ArchInfo::open_flag_diffs.
uint32_t GuestToHostOpenFlags(const ArchInfo& arch, uint32_t guest_flags);
uint32_t HostToGuestOpenFlags(const ArchInfo& arch, uint32_t host_flags);

}  // namespace arch
