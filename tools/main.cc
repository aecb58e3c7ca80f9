// ferry [options] PROGRAM [ARGS...]: loads a guest ELF (and its dynamic
// loader), builds its stack and runs it; exits as the guest did.
#include <signal.h>
#include <sys/syscall.h>
#include <string.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "translator/cpu.h"
#include "translator/elf_loader.h"
#include "translator/gdb_stub.h"
#include "translator/guest_memory.h"
#include "translator/options.h"
#include "translator/program_loader.h"
#include "translator/signals.h"
#include "translator/syscall_table.h"
#include "translator/task.h"
#include "translator/threads.h"
#include "translator/host_syscall.h"

namespace {

using namespace translator;

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
  std::string program = options.program;
  std::optional<ProgramError> e = ReadProgramFile(program, &bytes);
  if (!e) e = ParseElf(bytes, &image);
  // With -L, an absolute program path that is no guest program on the host
  // names the sysroot's, as the guest's own execve would.
  std::string in_sysroot = Sysroot(options.sysroot).Resolve(program);
  if (e && in_sysroot != program) {
    std::vector<uint8_t> sysroot_bytes;
    ElfImage sysroot_image;
    if (!ReadProgramFile(in_sysroot, &sysroot_bytes) && !ParseElf(sysroot_bytes, &sysroot_image)) {
      program = in_sysroot;
      bytes = std::move(sysroot_bytes);
      image = std::move(sysroot_image);
      e.reset();
    }
  }
  if (e) return Fail(options.program, e->reason, e->exit_status);

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
  auto process_state = std::make_unique<Process>(*image.arch, *memory, options);  // large: not on the stack
  Process& process = *process_state;
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

  ProgramStart start;
  if (auto e = LoadProgram(task, program, image, bytes, environ, &start)) {
    int status = Fail(options.program, e->reason, e->exit_status);
    if (!e->detail.empty()) Fail(options.program, e->detail, status);
    return status;
  }

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
    uint64_t raw[6] = {task.process.layout.execfn, task.process.layout.start_stack + 8,
                       task.process.layout.start_stack + 8 * (options.args.size() + 2), 0, 0, 0};
    timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    task.process.tracer->Syscall(task, FindSyscall(221), 221, raw, 0, now, now);
  }

  task.process.children.insert(options.children.begin(), options.children.end());
  InheritHostSignalState(task);
  InstallHostSignalHandlers();
  task.WriteReg(task.arch.reg_sp, start.sp);
  task.WriteReg(task.arch.reg_pc, start.pc);
  FinishThread(task, RunGuest(task, true));
  // The main thread ended alone; the process lives on in its other
  // threads. End this host thread without unwinding what they share.
  HostSyscall(SYS_exit, 0);
}
