// What the kernel's execve does for an ELF (fs/binfmt_elf.c load_elf_binary),
// for a guest: choose the sysroot, map the program and its dynamic loader,
// map the signal trampoline, and build the initial stack.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "translator/elf_loader.h"
#include "translator/sysroot.h"
#include "translator/task.h"

namespace translator {

// Where the guest's first instruction runs.
struct ProgramStart {
  uint64_t pc = 0;
  uint64_t sp = 0;
};

// `image` is the parsed program (`bytes`, read from host path `program`);
// `environ` the host environment.
std::optional<ProgramError> LoadProgram(Task& task, const std::string& program, const ElfImage& image,
                                        std::span<const uint8_t> bytes, char** environ,
                                        ProgramStart* start);

// The sysroot for a program whose dynamic loader is `interpreter` (empty when
// static): -L when given; else the arch's Debian cross sysroot when the loader
// is not on the host but is there; else none. `why` says why, for --verbose.
Sysroot ChooseSysroot(const Options& options, const arch::ArchInfo& arch,
                      const std::string& interpreter, std::string* why);

}  // namespace translator
