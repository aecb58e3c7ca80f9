#include "loader/program_loader.h"
#include "config/random_stream.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "loader/initial_stack.h"

namespace ferry {
namespace {

constexpr uint64_t kDefaultStack = 8 << 20;
constexpr uint64_t kMaxDefaultStack = 256 << 20;

uint64_t StackSize(const Options& options) {
  if (options.stack_size) return PageUp(options.stack_size);
  struct rlimit rl;
  if (getrlimit(RLIMIT_STACK, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return kDefaultStack;
  return PageUp(std::clamp<uint64_t>(rl.rlim_cur, 128 << 10, kMaxDefaultStack));
}

// The segments' file (at `host_path`, shown as `name`) as their origin, for
// the guest's /proc/self/maps.
void NoteFileOrigin(GuestMemory& memory, const ElfImage& image, uint64_t bias,
                    const std::string& host_path, const std::string& name) {
  struct stat st;
  if (stat(host_path.c_str(), &st) != 0) return;
  for (const ElfSegment& s : image.segments) {
    uint64_t lo = PageDown(s.vaddr + bias), hi = PageUp(s.vaddr + bias + s.memsz);
    memory.SetOrigin(lo, hi - lo, MappingOrigin{PageDown(s.offset), st.st_dev, st.st_ino, name});
  }
}

std::string AbsolutePath(const std::string& path) {
  char* real = realpath(path.c_str(), nullptr);
  if (!real) return path;
  std::string out = real;
  free(real);
  return out;
}

ProgramError Failure(int status, const std::string& reason) { return ProgramError{status, reason}; }

bool IsBlank(uint8_t c) { return c == ' ' || c == '\t'; }

// The first bytes of the file at `path`, as many as the kernel's BINPRM_BUF_SIZE.
std::optional<ProgramError> ReadHead(const std::string& path, std::vector<uint8_t>* head) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    int err = errno;
    return ProgramError{err == ENOENT || err == ENOTDIR ? 127 : 126, strerror(err), "", err};
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return ProgramError{126, "Permission denied (not a regular file)", "", EACCES};
  }
  head->resize(256);
  ssize_t n = pread(fd, head->data(), head->size(), 0);
  close(fd);
  head->resize(n > 0 ? n : 0);
  return std::nullopt;
}

}  // namespace

ScriptLineKind ParseScriptLine(std::span<const uint8_t> head, ScriptLine* line) {
  if (head.size() < 2 || head[0] != '#' || head[1] != '!') return ScriptLineKind::kNotScript;
  // Mirrors the kernel's load_script(): the line ends at a newline (or the
  // buffer's end, when the interpreter's name still ends inside it).
  size_t end = 2;
  while (end < head.size() && head[end] != '\n') ++end;
  bool truncated = end == head.size();
  size_t i = 2;
  while (i < end && IsBlank(head[i])) ++i;
  size_t name_end = i;
  while (name_end < end && !IsBlank(head[name_end]) && head[name_end] != '\0') ++name_end;
  if (name_end == i) return ScriptLineKind::kBad;
  if (truncated && name_end == end) return ScriptLineKind::kBad;  // the name may go on
  while (end > name_end && (IsBlank(head[end - 1]) || head[end - 1] == '\0')) --end;
  line->interpreter.assign(head.begin() + i, head.begin() + name_end);
  size_t arg = name_end;
  while (arg < end && IsBlank(head[arg])) ++arg;
  line->arg.reset();
  if (arg < end) {
    std::string a(head.begin() + arg, head.begin() + end);
    a.resize(strnlen(a.c_str(), a.size()));  // the kernel's string ends at a NUL
    line->arg = a;
  }
  return ScriptLineKind::kScript;
}

std::optional<ProgramError> FollowScripts(const Sysroot& sysroot, const std::string& name,
                                          std::string* host_path, std::vector<std::string>* argv,
                                          int* levels) {
  std::string script_name = name;
  *levels = 0;
  for (;;) {
    std::vector<uint8_t> head;
    if (auto e = ReadHead(*host_path, &head)) return e;
    ScriptLine line;
    ScriptLineKind kind = ParseScriptLine(head, &line);
    if (kind == ScriptLineKind::kNotScript) return std::nullopt;
    if (kind == ScriptLineKind::kBad) {
      return ProgramError{126, "Exec format error (a #! line with no interpreter, or one longer than 255 bytes)",
                          "", ENOEXEC};
    }
    if (*levels == kMaxScriptDepth) {
      return ProgramError{126, "Too many levels of #! interpreters (ELOOP)", "", ELOOP};
    }
    ++*levels;
    std::vector<std::string> next = {line.interpreter};
    if (line.arg) next.push_back(*line.arg);
    next.push_back(script_name);
    if (argv->size() > 1) next.insert(next.end(), argv->begin() + 1, argv->end());
    *argv = std::move(next);
    std::string interpreter_host = sysroot.Resolve(line.interpreter);
    if (access(interpreter_host.c_str(), X_OK) != 0) {
      int err = errno;
      return ProgramError{err == ENOENT || err == ENOTDIR ? 127 : 126,
                          "its #! interpreter " + line.interpreter + ": " + strerror(err), "", err};
    }
    *host_path = interpreter_host;
    script_name = line.interpreter;
  }
}

Sysroot ChooseSysroot(const Options& options, const arch::ArchInfo& arch,
                      const std::string& interpreter, std::string* why) {
  if (!options.sysroot.empty()) {
    *why = "given with -L or FERRY_LD_PREFIX";
    return Sysroot(options.sysroot);
  }
  if (interpreter.empty() || GuestElfArch(interpreter) == &arch) return Sysroot();
  Sysroot cross(arch.cross_sysroot);
  if (GuestElfArch(cross.Resolve(interpreter)) != &arch) return Sysroot();
  *why = "the dynamic loader " + interpreter + " is not on the host";
  return cross;
}

std::optional<ProgramError> LoadProgram(GuestMemory& memory, const arch::ArchInfo& arch, const Options& options,
                                        const std::string& program, const ElfImage& image,
                                        std::span<const uint8_t> bytes, char** environ, LoadedProgram* out) {
  std::string why;
  out->sysroot = ChooseSysroot(options, arch, image.interpreter, &why);
  if (options.verbose && !options.quiet) {
    if (out->sysroot.empty()) {
      fprintf(stderr, "ferry: no sysroot: guest paths are the host's\n");
    } else {
      fprintf(stderr, "ferry: sysroot %s (%s)\n", out->sysroot.prefix().c_str(), why.c_str());
    }
  }

  // The dynamic loader is read before anything is mapped: a missing one is
  // execve's ENOENT, and nothing has changed yet.
  std::vector<uint8_t> loader_bytes;
  ElfImage loader;
  std::string loader_path;
  if (!image.interpreter.empty()) {
    loader_path = out->sysroot.Resolve(image.interpreter);
    if (auto e = ReadProgramFile(loader_path, &loader_bytes)) {
      e->detail = "its dynamic loader " + image.interpreter + " is " +
                  (out->sysroot.empty() ? "not on the host, nor in " + std::string(arch.cross_sysroot) +
                                              " (name a sysroot with -L)"
                                        : "in neither the sysroot " + out->sysroot.prefix() +
                                              " nor the host");
      return e;
    }
    if (auto e = ParseElf(loader_bytes, &loader)) {
      return Failure(126, "dynamic loader " + loader_path + ": " + e->reason);
    }
    if (loader.arch != image.arch || !loader.interpreter.empty()) {
      return Failure(126, "dynamic loader " + loader_path + " is not a " + arch.name + " loader");
    }
  }

  // The stack sits at the top of the guest space; mmap hands out addresses below it.
  uint64_t stack_size = StackSize(options);
  uint64_t stack_top = memory.size();
  if (stack_size >= stack_top / 2) return Failure(1, "stack larger than half the address space");
  uint64_t stack_bottom = stack_top - stack_size;
  if (memory.Map(stack_bottom, stack_size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) < 0) {
    return Failure(1, "cannot map the guest stack");
  }
  memory.Label(stack_bottom, stack_size, "[stack]");
  memory.set_mmap_top(stack_bottom - kPageSize);

  LoadedImage loaded;
  uint64_t pie_base = PageDown(memory.size() / 3 * 2);  // the kernel's ELF_ET_DYN_BASE
  if (auto e = LoadElf(image, bytes, pie_base, memory, &loaded)) return Failure(126, *e);
  out->exe_host_path = AbsolutePath(program);
  out->exe_path = out->sysroot.GuestView(out->exe_host_path);
  // The thread's name, as execve gives it: prctl(PR_GET_NAME) and /proc's
  // comm and stat read the host thread's.
  std::string comm = out->exe_path.substr(out->exe_path.rfind('/') + 1).substr(0, 15);
  prctl(PR_SET_NAME, comm.c_str());
  NoteFileOrigin(memory, image, loaded.bias, out->exe_host_path, out->exe_path);
  out->brk_start = loaded.brk_start;

  LoadedImage loader_loaded;
  if (!loader_path.empty()) {
    // Top-down from the mmap base, as the kernel places an ET_DYN loader.
    uint64_t align = std::max<uint64_t>(loader.max_align, kPageSize);
    uint64_t at = memory.FindFree(loader.highest - loader.lowest + align);
    if (at == 0) return Failure(126, "no room for the dynamic loader (raise -R)");
    if (auto e = LoadElf(loader, loader_bytes, (at + align - 1) & ~(align - 1), memory, &loader_loaded)) {
      return Failure(126, "dynamic loader " + loader_path + ": " + *e);
    }
    std::string loader_host = AbsolutePath(loader_path);
    NoteFileOrigin(memory, loader, loader_loaded.bias, loader_host, out->sysroot.GuestView(loader_host));
    out->layout.loader_start = loader.lowest + loader_loaded.bias;
    out->layout.loader_end = loader.highest + loader_loaded.bias;
  }

  // The return path of handlers installed without SA_RESTORER (the kernel's vDSO sigreturn).
  int64_t trampoline = memory.Map(0, kPageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (trampoline < 0) return Failure(1, "cannot map the signal trampoline");
  memory.Write(trampoline, arch.sigreturn_code, sizeof arch.sigreturn_code);
  memory.Protect(trampoline, kPageSize, PROT_READ | PROT_EXEC);
  memory.Label(trampoline, kPageSize, "[vdso]");
  out->sigreturn_trampoline = static_cast<uint64_t>(trampoline);
  out->stop_address = out->sigreturn_trampoline + kPageSize / 2;

  StackInputs in;
  in.argv = options.args;
  in.envp = GuestEnvironment(options, environ);
  in.execfn = options.program;
  in.platform = arch.platform;
  in.word_size = arch.word_size;
  if (RandomStreamSeeded()) {
    NextRandomBytes(in.random, sizeof in.random);  // --seed: the stream's next 16 bytes
  } else if (getrandom(in.random, sizeof in.random, 0) != sizeof in.random) {
    for (auto& b : in.random) b = static_cast<uint8_t>(rand());
  }
  in.auxv = {{AT_PHDR, loaded.phdr},   {AT_PHENT, image.phentsize},  {AT_PHNUM, image.phnum},
             {AT_PAGESZ, kPageSize},   {AT_BASE, loader_loaded.bias}, {AT_FLAGS, 0},
             {AT_ENTRY, loaded.entry}, {AT_UID, getuid()},           {AT_EUID, geteuid()},
             {AT_GID, getgid()},       {AT_EGID, getegid()},         {AT_SECURE, getauxval(AT_SECURE)},
             {AT_HWCAP, arch.hwcap},   {AT_HWCAP2, arch.hwcap2},
             {AT_CLKTCK, static_cast<uint64_t>(sysconf(_SC_CLK_TCK))}};
  StackImage stack = BuildInitialStack(in, stack_top);
  if (stack.bytes.size() > stack_size / 2) {
    return Failure(126, "arguments and environment too large for the stack");
  }
  memory.Write(stack.sp, stack.bytes.data(), stack.bytes.size());

  ProgramLayout& layout = out->layout;
  uint64_t code_lo = UINT64_MAX, code_hi = 0;
  for (const ElfSegment& s : image.segments) {
    if (!(s.prot & PROT_EXEC)) continue;
    code_lo = std::min(code_lo, s.vaddr + loaded.bias);
    code_hi = std::max(code_hi, s.vaddr + s.memsz + loaded.bias);
  }
  layout.start_code = code_lo == UINT64_MAX ? 0 : code_lo;
  layout.end_code = code_hi;
  layout.start_stack = stack.sp;
  layout.arg_start = stack.arg_start;
  layout.arg_end = stack.arg_end;
  layout.env_start = stack.env_start;
  layout.env_end = stack.env_end;
  layout.auxv = stack.auxv;
  layout.auxv_size = stack.auxv_size;
  layout.execfn = stack.execfn;

  out->start.pc = loader_path.empty() ? loaded.entry : loader_loaded.entry;
  out->start.sp = stack.sp;
  return std::nullopt;
}

}  // namespace ferry
