// What the kernel's execve does for an ELF (fs/binfmt_elf.c load_elf_binary),
// for a guest: choose the sysroot, map the program and its dynamic loader,
// map the signal trampoline, and build the initial stack.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

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

}  // namespace translator
