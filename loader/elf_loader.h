// Reads and validates a guest ELF executable, then loads it into the guest
// address space. Parsing is pure (bytes in, description out) so malformed
// files are unit-tested without running anything.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "arch/arch.h"
#include "memory/guest_memory.h"

namespace ferry {

// Why a program cannot run: the one-line reason and the exit status a shell
// would give (127: not found, 126: found but not executable).
struct ProgramError {
  int exit_status;
  std::string reason;
  std::string detail = "";  // a second line, when ferry has more to say
  int error = 0;            // execve's errno, where a caller needs it (0: unset)
};

struct ElfSegment {
  uint64_t vaddr;
  uint64_t memsz;
  uint64_t offset;
  uint64_t filesz;
  int prot;  // PROT_*
};

struct ElfImage {
  const arch::ArchInfo* arch = nullptr;
  bool position_independent = false;  // ET_DYN (PIE, static-PIE or a dynamic loader)
  std::string interpreter;            // PT_INTERP: the dynamic loader's guest path
  uint64_t entry = 0;                 // unbiased
  uint64_t phdr_vaddr = 0;            // unbiased address of the program headers
  uint16_t phnum = 0;
  uint16_t phentsize = 0;
  uint64_t max_align = kPageSize;
  uint64_t lowest = 0;                // page-aligned span of all segments, unbiased
  uint64_t highest = 0;
  std::vector<ElfSegment> segments;
};

struct LoadedImage {
  uint64_t bias = 0;
  uint64_t entry = 0;
  uint64_t phdr = 0;
  uint64_t brk_start = 0;
};

// The guest arch of the 64-bit little-endian ELF at `path`, from its header
// alone; nullptr when it is none (missing, a host program, another machine).
const arch::ArchInfo* GuestElfArch(const std::string& path);

std::optional<ProgramError> ReadProgramFile(const std::string& path, std::vector<uint8_t>* bytes);
// The same from an open descriptor (binfmt_misc's AT_EXECFD), which stays open.
std::optional<ProgramError> ReadProgramFd(int fd, std::vector<uint8_t>* bytes);
std::optional<ProgramError> ParseElf(std::span<const uint8_t> bytes, ElfImage* image);
// Maps the segments; position-independent images go at `pie_base`.
std::optional<std::string> LoadElf(const ElfImage& image, std::span<const uint8_t> bytes,
                                   uint64_t pie_base, GuestMemory& memory, LoadedImage* out);

}  // namespace ferry
