// What the kernel's execve does for an ELF (fs/binfmt_elf.c load_elf_binary),
// for a guest: choose the sysroot, map the program and its dynamic loader,
// map the signal trampoline, and build the initial stack.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "loader/elf_loader.h"
#include "vfs/sysroot.h"
#include "arch/arch.h"
#include "config/options.h"
#include "memory/guest_memory.h"

namespace ferry {

// Where the guest's first instruction runs.
struct ProgramStart {
  uint64_t pc = 0;
  uint64_t sp = 0;
};

// Where execve put things, for the guest's /proc/self files.
struct ProgramLayout {
  uint64_t start_code = 0, end_code = 0, start_stack = 0;
  uint64_t arg_start = 0, arg_end = 0, env_start = 0, env_end = 0;
  uint64_t auxv = 0, auxv_size = 0;
  uint64_t execfn = 0;  // AT_EXECFN: the program's name as execve was given it
  uint64_t loader_start = 0, loader_end = 0;  // the dynamic loader (none: 0, 0)
};

// What loading a program decided, for the process that runs it.
struct LoadedProgram {
  Sysroot sysroot;            // where guest absolute paths are looked up first
  std::string exe_host_path;  // the program on the host ...
  std::string exe_path;       // ... and as the guest sees it (/proc/self/exe)
  uint64_t brk_start = 0;     // the program break starts here
  ProgramLayout layout;
  uint64_t sigreturn_trampoline = 0;  // the rt_sigreturn stub (the kernel's vDSO one)
  uint64_t stop_address = 0;          // unused, mapped, in the trampoline's page
  ProgramStart start;
};

// Maps the program into `memory` for `arch`, as `options` say: the
// program (`image`, parsed from `bytes`, read from host path `program`),
// its dynamic loader, the signal trampoline and the initial stack
// (argv from options, the environment from `environ`).
std::optional<ProgramError> LoadProgram(GuestMemory& memory, const arch::ArchInfo& arch, const Options& options,
                                        const std::string& program, const ElfImage& image,
                                        std::span<const uint8_t> bytes, char** environ, LoadedProgram* out);

// How many #! interpreters deep a program may go before execve fails with
// ELOOP: the kernel's exec_binprm allows five rewrites.
constexpr int kMaxScriptDepth = 5;

// A #! line as fs/binfmt_script.c reads it from a file's first 256 bytes:
// the interpreter, then at most one argument (the rest of the line, inner
// blanks kept). kScript when `head` holds one; kNotScript when it does not
// start with "#!"; kBad (ENOEXEC) when the line names no interpreter or the
// interpreter's name does not fit in 256 bytes.
enum class ScriptLineKind { kNotScript, kScript, kBad };
struct ScriptLine {
  std::string interpreter;
  std::optional<std::string> arg;
};
ScriptLineKind ParseScriptLine(std::span<const uint8_t> head, ScriptLine* line);

// Follows #! lines from the file at host path `*host_path` (named `name` in
// the guest's argv) to the program that runs them, as execve does: each
// level's argv becomes {interpreter, [arg], script, argv[1..]}, and guest
// absolute interpreter paths resolve through `sysroot`. On success
// *host_path is the final program (no script; maybe no guest ELF either)
// and *levels how many #! lines were followed. Errors carry execve's errno
// in `error` (ENOENT, EACCES, ENOEXEC, ELOOP).
std::optional<ProgramError> FollowScripts(const Sysroot& sysroot, const std::string& name,
                                          std::string* host_path, std::vector<std::string>* argv,
                                          int* levels);

// The sysroot for a program whose dynamic loader is `interpreter` (empty when
// static): -L when given; else the arch's Debian cross sysroot when the loader
// is not on the host but is there; else none. `why` says why, for --verbose.
Sysroot ChooseSysroot(const Options& options, const arch::ArchInfo& arch,
                      const std::string& interpreter, std::string* why);

}  // namespace ferry
