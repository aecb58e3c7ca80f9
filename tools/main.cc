// ferry [options] PROGRAM [ARGS...]: loads a static guest ELF, builds its
// stack and runs it; exits as the guest did.
#include <elf.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "translator/cpu.h"
#include "translator/elf_loader.h"
#include "translator/guest_memory.h"
#include "translator/initial_stack.h"
#include "translator/options.h"
#include "translator/signals.h"
#include "translator/task.h"

namespace {

using namespace translator;

constexpr uint64_t kDefaultStack = 8 << 20;
constexpr uint64_t kMaxDefaultStack = 256 << 20;

uint64_t StackSize(const Options& options) {
  if (options.stack_size) return PageUp(options.stack_size);
  struct rlimit rl;
  if (getrlimit(RLIMIT_STACK, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return kDefaultStack;
  return PageUp(std::clamp<uint64_t>(rl.rlim_cur, 128 << 10, kMaxDefaultStack));
}

int Fail(const std::string& what, const std::string& reason, int status) {
  fprintf(stderr, "ferry: %s: %s\n", what.c_str(), reason.c_str());
  return status;
}

}  // namespace

int main(int argc, char** argv, char** environ) {
  Options options;
  ParseResult parsed = ParseOptions(std::vector<std::string>(argv, argv + argc), environ, &options);
  if (!parsed.run) {
    FILE* out = parsed.exit_status == 0 ? stdout : stderr;
    fputs(parsed.message.c_str(), out);
    if (!parsed.message.empty() && parsed.message.back() != '\n') fputc('\n', out);
    return parsed.exit_status;
  }

  std::vector<uint8_t> bytes;
  ElfImage image;
  if (auto e = ReadProgramFile(options.program, &bytes)) {
    return Fail(options.program, e->reason, e->exit_status);
  }
  if (auto e = ParseElf(bytes, &image)) return Fail(options.program, e->reason, e->exit_status);

  std::string error;
  auto memory = GuestMemory::Reserve(options.address_space, &error);
  if (!memory) return Fail(options.program, error, 1);
  Task task(*image.arch, *memory, options);
  if (auto e = AttachCpu(task)) return Fail(options.program, *e, 1);

  LoadedImage loaded;
  uint64_t pie_base = PageDown(options.address_space / 3 * 2);
  if (auto e = LoadElf(image, bytes, pie_base, *memory, &loaded)) {
    return Fail(options.program, *e, 126);
  }
  task.brk_start = task.brk_current = loaded.brk_start;
  if (char* real = realpath(options.program.c_str(), nullptr)) {
    task.exe_path = real;
    free(real);
  }

  uint64_t stack_size = StackSize(options);
  uint64_t stack_top = options.address_space;
  if (stack_size >= stack_top / 2) return Fail(options.program, "stack larger than half the address space", 1);
  uint64_t stack_bottom = stack_top - stack_size;
  if (memory->Map(stack_bottom, stack_size, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) < 0) {
    return Fail(options.program, "cannot map the guest stack", 1);
  }
  memory->set_mmap_top(stack_bottom - kPageSize);

  // The return path of handlers installed without SA_RESTORER (the kernel's vDSO sigreturn).
  int64_t trampoline = memory->Map(0, kPageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (trampoline < 0) return Fail(options.program, "cannot map the signal trampoline", 1);
  memory->Write(trampoline, image.arch->sigreturn_code, sizeof image.arch->sigreturn_code);
  memory->Protect(trampoline, kPageSize, PROT_READ | PROT_EXEC);
  task.sigreturn_trampoline = static_cast<uint64_t>(trampoline);
  task.stop_address = task.sigreturn_trampoline + kPageSize / 2;

  StackInputs in;
  in.argv = options.args;
  in.envp = GuestEnvironment(options, environ);
  in.execfn = options.program;
  in.platform = image.arch->platform;
  if (getrandom(in.random, sizeof in.random, 0) != sizeof in.random) {
    for (auto& b : in.random) b = static_cast<uint8_t>(rand());
  }
  in.auxv = {{AT_PHDR, loaded.phdr},   {AT_PHENT, image.phentsize},  {AT_PHNUM, image.phnum},
             {AT_PAGESZ, kPageSize},   {AT_BASE, 0},                 {AT_FLAGS, 0},
             {AT_ENTRY, loaded.entry}, {AT_UID, getuid()},           {AT_EUID, geteuid()},
             {AT_GID, getgid()},       {AT_EGID, getegid()},         {AT_SECURE, 0},
             {AT_HWCAP, image.arch->hwcap}, {AT_HWCAP2, image.arch->hwcap2},
             {AT_CLKTCK, static_cast<uint64_t>(sysconf(_SC_CLK_TCK))}};
  StackImage stack = BuildInitialStack(in, stack_top);
  if (stack.bytes.size() > stack_size / 2) {
    return Fail(options.program, "arguments and environment too large for the stack", 126);
  }
  memory->Write(stack.sp, stack.bytes.data(), stack.bytes.size());

  SetSignalTask(&task);
  InstallHostSignalHandlers();
  GuestExit how = RunGuest(task, loaded.entry, stack.sp);
  if (how.signaled) {
    if (options.strace) fprintf(stderr, "+++ killed by SIG%s +++\n", sigabbrev_np(how.value));
    DieBySignal(how.value);
  }
  return how.value;
}
