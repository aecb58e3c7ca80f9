// ferry [options] PROGRAM [ARGS...]: loads a guest ELF (and its dynamic
// loader), builds its stack and runs it; exits as the guest did.
#include <elf.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/options.h"
#include "config/random_stream.h"
#include "gdb/gdb_stub.h"
#include "host/host_syscall.h"
#include "loader/elf_loader.h"
#include "loader/program_loader.h"
#include "memory/guest_memory.h"
#include "report/crash_report.h"
#include "runtime/crash_hooks.h"
#include "runtime/cpu.h"
#include "runtime/signalfd.h"
#include "runtime/signals.h"
#include "runtime/task.h"
#include "runtime/threads.h"
#include "syscalls/dispatch.h"
#include "syscalls/syscall_handlers.h"
#include "syscalls/syscall_table.h"
#include "trace/tracer.h"

namespace {

using namespace ferry;

constexpr unsigned long kPreserveArgv0 = 1;  // AT_FLAGS_PRESERVE_ARGV0 (linux/binfmts.h)

int Fail(const std::string& what, const std::string& reason, int status) {
  fprintf(stderr, "ferry: %s: %s\n", what.c_str(), reason.c_str());
  return status;
}

// Whether this ferry runs without a dynamic loader (no PT_INTERP in its
// own program headers): the build links it statically so that binfmt_misc's
// F flag works in chroots and containers with no x86_64 files.
bool LinkedStatically() {
  auto* phdr = reinterpret_cast<const Elf64_Phdr*>(getauxval(AT_PHDR));
  size_t n = getauxval(AT_PHNUM);
  for (size_t i = 0; phdr && i < n; ++i) {
    if (phdr[i].p_type == PT_INTERP) return false;
  }
  return true;
}

// The command line as ferry reads it. Under binfmt_misc's P flag (AT_FLAGS'
// preserve-argv0 bit in ferry's own auxiliary vector) the kernel runs
// "ferry PATH ARGV0 ARGS...": PATH runs with the caller's whole argv, and
// none of it is ferry's options. Under O or C without P it is
// "ferry PATH ARGS...", and PATH is never an option either (a setuid guest's
// caller must not reach ferry's options through a file named "--strace").
int ExecFd();
std::vector<std::string> CommandLine(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  if (argc < 2) return args;
  if (getauxval(AT_FLAGS) & kPreserveArgv0) {
    std::vector<std::string> out = {args[0], "-0", argc >= 3 ? args[2] : args[1], "--", args[1]};
    if (argc > 3) out.insert(out.end(), args.begin() + 3, args.end());
    return out;
  }
  if (ExecFd() >= 0) args.insert(args.begin() + 1, "--");
  return args;
}

// The environment ferry takes its own settings from. A setuid or setgid
// guest (binfmt_misc's C flag: AT_SECURE) runs with privileges its caller
// lacks, so the caller's FERRY_* and QEMU_* variables are ignored, as the
// dynamic loader ignores LD_*; the guest still sees them.
std::vector<char*> SettingsEnvironment(char** environ) {
  std::vector<char*> out;
  bool secure = getauxval(AT_SECURE) != 0;
  for (char** e = environ; e && *e; ++e) {
    if (secure && (strncmp(*e, "FERRY_", 6) == 0 || strncmp(*e, "QEMU_", 5) == 0)) continue;
    out.push_back(*e);
  }
  out.push_back(nullptr);
  return out;
}

// binfmt_misc's O (and C) flag: the program comes open, in AT_EXECFD.
int ExecFd() {
  errno = 0;
  unsigned long fd = getauxval(AT_EXECFD);
  return errno == 0 ? static_cast<int>(fd) : -1;
}

// Reads the program at host path `*path` (or from `exec_fd`), following #!
// lines to the guest ELF that runs it: then *path is that interpreter and
// *args the argv the kernel would build.
std::optional<ProgramError> ReadProgram(const Options& options, int exec_fd, std::string* path,
                                        std::vector<std::string>* args, std::vector<uint8_t>* bytes,
                                        ElfImage* image) {
  std::optional<ProgramError> e = exec_fd >= 0 ? ReadProgramFd(exec_fd, bytes) : ReadProgramFile(*path, bytes);
  if (e) return e;
  ScriptLine line;
  if (exec_fd < 0 && ParseScriptLine(std::span<const uint8_t>(*bytes).first(std::min<size_t>(bytes->size(), 256)),
                                     &line) != ScriptLineKind::kNotScript) {
    int levels = 0;
    std::string host = *path;
    std::vector<std::string> script_args = *args;
    if (auto e = FollowScripts(Sysroot(options.sysroot), options.program, &host, &script_args, &levels)) return e;
    std::vector<uint8_t> interpreter_bytes;
    if (auto e = ReadProgramFile(host, &interpreter_bytes)) return e;
    if (auto e = ParseElf(interpreter_bytes, image)) {
      e->reason = "not an ELF executable (a #! script whose interpreter " + script_args[0] +
                  " is no guest program: " + e->reason + "; run the script itself)";
      return e;
    }
    *path = host;
    *args = std::move(script_args);
    *bytes = std::move(interpreter_bytes);
    return std::nullopt;
  }
  return ParseElf(*bytes, image);
}
// --gdb-on-crash: the guest is about to die of `info`; a debugger that
// comes in time is attached and sees the fault (cpu.cc), else the guest
// dies as it would have. Offered once per process.
void WaitForGdbOnCrash(Task& task, const siginfo_t& info) {
  static bool offered = false;
  if (offered || task.options.gdb_on_crash.empty()) return;
  offered = true;
  std::string error;
  std::unique_ptr<GdbStub> gdb = GdbStub::Listen(task.options.gdb_on_crash, &error);
  if (!gdb) {
    fprintf(stderr, "ferry: --gdb-on-crash: %s\n", error.c_str());
    return;
  }
  fprintf(stderr, "ferry: the guest is about to die of SIG%s at pc 0x%llx; waiting %llu s for gdb on %s\n",
          sigabbrev_np(info.si_signo) ? sigabbrev_np(info.si_signo) : "?",
          static_cast<unsigned long long>(task.ReadReg(task.arch.reg_pc)),
          static_cast<unsigned long long>(task.options.gdb_on_crash_timeout), task.options.gdb_on_crash.c_str());
  uint64_t ms = std::min<uint64_t>(task.options.gdb_on_crash_timeout * 1000, INT32_MAX);
  if (!gdb->Accept(&error, static_cast<int>(ms))) {
    fprintf(stderr, "ferry: --gdb-on-crash: %s\n", error.c_str());
    return;
  }
  // Every thread's CPU carries gdb's points from now on (the others are
  // held off the CPU while this one is stopped).
  for (ThreadSlot& slot : task.process.slots) {
    Task* thread = slot.tid.load() ? slot.task.load() : nullptr;
    if (thread && thread->uc) gdb->AddCpu(thread->uc);
  }
  task.process.gdb = gdb.release();  // lives to the end of the process, as --gdb's does
}

// --test-internal-fault (hidden): on the guest's third syscall ferry's own
// code faults, fails an internal check or lets an exception escape, so
// tests/report sees the internal-error report with some guest state and
// syscalls behind it.
__attribute__((noinline)) void ForcedInternalFault() {
  static volatile uintptr_t bad_address = 8;
  *reinterpret_cast<volatile int*>(bad_address) = 1;
}
__attribute__((noinline)) void ForcedUncaughtException() { throw std::runtime_error("forced by --test-internal-fault"); }
void DispatchThenFault(Task& task) {
  static int calls = 0;
  if (++calls == 3) {
    const std::string& how = task.options.test_internal_fault;
    if (how == "check") InternalError("forced by --test-internal-fault=check");
    if (how == "terminate") ForcedUncaughtException();  // no handler up the stack: std::terminate
    ForcedInternalFault();
  }
  DispatchSyscall(task);
}

}  // namespace

int main(int argc, char** argv, char** environ) {
  Options options;
  ParseResult parsed = ParseOptions(CommandLine(argc, argv), SettingsEnvironment(environ).data(), &options);
  if (!parsed.run) {
    FILE* out = parsed.exit_status == 0 ? stdout : stderr;
    std::string message = parsed.message;
    if (parsed.exit_status == 0 && message.compare(0, 6, "ferry ") == 0) {  // the version
      size_t eol = message.find('\n');
      if (eol != std::string::npos && eol > 0 && message[eol - 1] == ')') {
        message.insert(eol - 1, LinkedStatically() ? "; statically linked" : "; dynamically linked");
      }
    }
    fputs(message.c_str(), out);
    if (!message.empty() && message.back() != '\n') fputc('\n', out);
    return parsed.exit_status;
  }
  // The seeded stream: a fresh one, or the one an execve left (random_stream.h).
  if (!options.random_state.empty()) {
    if (!RestoreRandomStream(options.random_state)) {
      fprintf(stderr, "ferry: malformed --random-state '%s'\n", options.random_state.c_str());
      return 2;
    }
  } else if (options.seed) {
    SeedRandomStream(*options.seed);
  }

  // From here on an internal error leaves a report.
  InstallCrashReports(options, FerryVersion(), std::vector<std::string>(argv, argv + argc));
  if (!options.gdb_on_crash.empty()) {
    CrashHooks hooks = GetCrashHooks();
    hooks.before_guest_death = WaitForGdbOnCrash;
    SetCrashHooks(hooks);
  }

  std::vector<uint8_t> bytes;
  ElfImage image;
  std::string program = options.program;
  int exec_fd = ExecFd();
  std::vector<std::string> args = options.args;
  std::optional<ProgramError> e = ReadProgram(options, exec_fd, &program, &args, &bytes, &image);
  if (exec_fd >= 0) close(exec_fd);  // the guest does not see it, as under qemu
  // With -L, an absolute program path that is no guest program on the host
  // names the sysroot's, as the guest's own execve would.
  std::string in_sysroot = Sysroot(options.sysroot).Resolve(program);
  if (e && exec_fd < 0 && in_sysroot != program) {
    std::vector<uint8_t> sysroot_bytes;
    ElfImage sysroot_image;
    std::string sysroot_program = in_sysroot;
    std::vector<std::string> sysroot_args = options.args;
    if (!ReadProgram(options, -1, &sysroot_program, &sysroot_args, &sysroot_bytes, &sysroot_image)) {
      program = sysroot_program;
      args = std::move(sysroot_args);
      bytes = std::move(sysroot_bytes);
      image = std::move(sysroot_image);
      e.reset();
    }
  }
  if (e) return Fail(options.program, e->reason, e->exit_status);
  options.args = std::move(args);

  std::string error;
  auto memory = GuestMemory::Reserve(options.address_space, &error);
  // Under a virtual-memory limit (ulimit -v), the default 1 TiB cannot be
  // reserved: take the largest that fits, down to 256 MiB.
  for (uint64_t size = options.address_space / 2; !memory && !options.address_space_given && size >= (256 << 20);
       size /= 2) {
    memory = GuestMemory::Reserve(size, &error);
    if (memory) options.address_space = size;
  }
  if (!memory) {
    return Fail(options.program, error + " (a limit on virtual memory? pick a smaller space with -R, e.g. -R 1G)", 1);
  }
  memory->Publish();
  auto process_state = std::make_unique<Process>(*image.arch, *memory, options);  // large: not on the stack
  Process& process = *process_state;
  if (options.address_space_limit) {  // the guest's RLIMIT_AS, set before an execve
    process.as_limit = {true, options.address_space_limit->first, options.address_space_limit->second};
  }
  pid_t tid = gettid();
  process.leader_tid = tid;
  Task task(process, *ClaimThreadSlot(process, tid));
  task.tid = tid;
  task.slot.task.store(&task);
  if (auto e = AttachCpu(task)) return Fail(options.program, *e, 1);
  SetCurrentTask(&task);
  memory->on_change = [](uint64_t addr, uint64_t len, bool code_changed) {
    if (Task* current = CurrentTask()) MemoryChanged(*current, addr, len, code_changed);
  };

  LoadedProgram loaded;
  if (auto e = LoadProgram(*memory, task.arch, options, program, image, bytes, environ, &loaded)) {
    int status = Fail(options.program, e->reason, e->exit_status);
    if (!e->detail.empty()) Fail(options.program, e->detail, status);
    return status;
  }
  process.sysroot = loaded.sysroot;
  process.exe_host_path = loaded.exe_host_path;
  process.exe_path = loaded.exe_path;
  process.brk_start = process.brk_current = loaded.brk_start;
  process.layout = loaded.layout;
  process.sigreturn_trampoline = loaded.sigreturn_trampoline;
  process.stop_address = loaded.stop_address;
  const ProgramStart& start = loaded.start;

  std::unique_ptr<GdbStub> gdb;
  if (!options.gdb.empty()) {
    gdb = GdbStub::Listen(options.gdb, &error);
    if (!gdb) return Fail(options.program, error, 2);
    if (!options.quiet) fprintf(stderr, "ferry: waiting for gdb on %s\n", options.gdb.c_str());
    if (!gdb->Accept(&error)) return Fail(options.program, error, 1);
    task.process.gdb = gdb.get();
    gdb->AddCpu(task.uc);
  }
  std::string trace_error;
  task.process.tracer = Tracer::Create(options.trace, &trace_error);
  if (!task.process.tracer && !trace_error.empty()) return Fail(options.program, trace_error, 2);
  if (task.process.tracer && !options.trace.append) {
    // strace's first line: the execve that started the program (after an
    // execve by the guest, the ferry before this one wrote it).
    uint64_t word = task.arch.word_size;  // argc, argv[], NULL, then envp[]
    uint64_t raw[6] = {task.process.layout.execfn, task.process.layout.start_stack + word,
                       task.process.layout.start_stack + word * (options.args.size() + 2), 0, 0, 0};
    timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    task.process.tracer->Syscall(task, FindSyscall(sysno::execve), sysno::execve, raw, 0, now, now);
  }

  task.process.children.insert(options.children.begin(), options.children.end());
  InheritHostSignalState(task);
  SetSyscallDispatch(!options.test_internal_fault.empty() ? DispatchThenFault : DispatchSyscall);
  AdoptSignalfds(task.process, options.signalfds);
  if (options.seccomp_fd >= 0 && !AdoptSeccompFilters(task, options.seccomp_fd)) {
    return Fail(options.program, "the guest's seccomp filters could not be read across execve", 1);
  }
  InstallHostSignalHandlers();
  task.WriteReg(task.arch.reg_sp, start.sp);
  task.WriteReg(task.arch.reg_pc, start.pc);
  FinishThread(task, RunGuest(task, true));
  // The main thread ended alone; the process lives on in its other
  // threads. End this host thread without unwinding what they share.
  HostSyscall(SYS_exit, 0);
}
