// execve: a guest ELF of a supported arch runs under a fresh ferry in the
// same process (pid and descriptors kept, as the kernel keeps them);
// so does a #! script whose interpreter (after up to five #! levels, as the
// kernel follows them) is a guest ELF; anything else (a host binary, a
// script for a host interpreter) goes to the host kernel as is.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <time.h>

#include <limits.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "arch/arch.h"
#include "arch/generic/abi.h"
#include "config/random_stream.h"
#include "runtime/async_stop.h"
#include "loader/elf_loader.h"
#include "host/host_syscall.h"
#include "syscalls/proc_view.h"
#include "loader/program_loader.h"
#include "runtime/signals.h"
#include "runtime/signalfd.h"
#include "syscalls/syscall_handlers.h"
#include "runtime/threads.h"
#include "runtime/vfork.h"

namespace ferry {
namespace {

constexpr size_t kMaxStrings = 1 << 16;
constexpr size_t kMaxString = 1 << 20;

// Reads a NULL-terminated guest array of guest strings.
bool ReadStrings(const Task& task, uint64_t g, std::vector<std::string>* out) {
  for (size_t i = 0; g && i < kMaxStrings; ++i) {
    guest::Word item;
    if (!guest::ReadWord(task.arch, task.memory, g + i * task.arch.word_size, &item)) return false;
    if (!item) return true;
    std::string s;
    if (!task.memory.ReadString(item, kMaxString, &s)) return false;
    out->push_back(std::move(s));
  }
  return g == 0;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// execve's work once the program's host path is known (execve, execveat):
// argv and envp are the guest's arrays at `argv_g` and `envp_g`; `nr` is the
// call traced.
int64_t Execute(Task& task, const SyscallArgs& a, std::string path, uint64_t argv_g, uint64_t envp_g, int nr) {
  std::vector<std::string> argv, envp;
  if (!ReadStrings(task, argv_g, &argv) || !ReadStrings(task, envp_g, &envp)) return -EFAULT;
  // /proc/self/exe is the guest program here, as readlinkat says.
  if (!task.process.exe_path.empty() && ClassifyProcPath(path, getpid()) == ProcFile::kExe) {
    path = task.process.exe_host_path;
  }
  // fexecve: /proc/self/fd/N names the file behind N, which may close on exec
  // before the next ferry opens it; pass the file's own path.
  std::string self_fd = "/proc/self/fd/", pid_fd = "/proc/" + std::to_string(getpid()) + "/fd/";
  if (path.compare(0, self_fd.size(), self_fd) == 0 || path.compare(0, pid_fd.size(), pid_fd) == 0) {
    char target[PATH_MAX];
    int64_t n = HostSyscall(SYS_readlinkat, AT_FDCWD, reinterpret_cast<uint64_t>(path.c_str()),
                            reinterpret_cast<uint64_t>(target), sizeof target - 1);
    if (n > 0 && target[0] == '/') path.assign(target, n);
  }
  if (HostSyscall(SYS_access, reinterpret_cast<uint64_t>(path.c_str()), X_OK) != 0) {
    return HostSyscall(SYS_access, reinterpret_cast<uint64_t>(path.c_str()), X_OK);
  }
  std::vector<std::string> run;
  std::string target = path;
  int inherited_fd = -1;
  int64_t seccomp_fd = -1;
  bool guest = GuestElfArch(path) != nullptr;
  if (!guest) {
    std::string interpreter = path;
    std::vector<std::string> script_argv = argv;
    int levels = 0;
    std::optional<ProgramError> e =
        FollowScripts(task.process.sysroot, path, &interpreter, &script_argv, &levels);
    if (e && e->error == ELOOP) return -ELOOP;
    // The next ferry follows the #! lines again, from the script's path.
    guest = !e && levels > 0 && GuestElfArch(interpreter);
  }
  if (guest) {
    // ferry again, with this run's settings, the guest's argv[0] and path.
    target = "/proc/self/exe";
    run = {"ferry", "--no-env-settings"};
    if (!task.process.children.empty()) {
      std::string pids;
      for (pid_t child : task.process.children) pids += (pids.empty() ? "" : ",") + std::to_string(child);
      run.insert(run.end(), {"--children", pids});
    }
    std::string signalfds = SignalfdsForExec();
    if (!signalfds.empty()) run.insert(run.end(), {"--signalfds", signalfds});
    // The filters go on (SECCOMP_MODE_FILTER survives execve); no_new_privs
    // is the host thread's and survives it by itself.
    seccomp_fd = SeccompFdForExec(task);
    if (seccomp_fd < -1) return seccomp_fd;
    if (seccomp_fd >= 0) run.insert(run.end(), {"--seccomp-fd", std::to_string(seccomp_fd)});
    if (task.options.verbose) run.push_back("-v");
    if (!task.options.gdb.empty()) { /* the debugger stays with the old image: it saw the exec */ }
    if (task.options.quiet) run.push_back("-q");
    if (task.options.report) run.push_back(task.options.report_dir.empty() ? "--report" : "--report=" + task.options.report_dir);
    if (!task.options.gdb_on_crash.empty()) {
      run.insert(run.end(), {"--gdb-on-crash", task.options.gdb_on_crash, "--gdb-on-crash-timeout",
                             std::to_string(task.options.gdb_on_crash_timeout)});
    }
    if (!task.options.sysroot.empty() && !task.process.chrooted) run.insert(run.end(), {"-L", task.options.sysroot});
    if (task.options.stack_size) run.insert(run.end(), {"-s", std::to_string(task.options.stack_size)});
    if (!task.options.uname_release.empty()) run.insert(run.end(), {"-r", task.options.uname_release});
    run.insert(run.end(), {"-R", std::to_string(task.options.address_space)});
    if (task.process.as_limit.set) {  // the guest's RLIMIT_AS binds the next image, as the kernel's does
      run.insert(run.end(), {"--address-space-limit", std::to_string(task.process.as_limit.cur) + "," +
                                                          std::to_string(task.process.as_limit.max)});
    }
    // The seeded stream and the shifted clock go on where they are.
    if (RandomStreamSeeded()) run.insert(run.end(), {"--random-state", RandomStreamState()});
    if (task.options.realtime_offset_ns) {
      run.insert(run.end(), {"--realtime-offset", std::to_string(*task.options.realtime_offset_ns)});
    }
    run.insert(run.end(), {"-0", argv.empty() ? path : argv[0]});
    if (task.process.tracer) {  // the trace goes on across execve, as strace's does
      TraceOptions trace = task.options.trace;
      trace.inherited_fd = task.process.tracer->InheritableTextFd();
      inherited_fd = trace.inherited_fd;
      std::vector<std::string> args = TraceArguments(trace);
      run.insert(run.end(), args.begin(), args.end());
    }
    run.insert(run.end(), {"--", path});
    for (size_t i = 1; i < argv.size(); ++i) run.push_back(argv[i]);
  } else {
    run = argv;
  }
  task.helper.reset();  // a traced helper would outlive the exec
  std::vector<char*> run_ptrs = Pointers(run), env_ptrs = Pointers(envp);
  if (task.process.tracer) {
    // The call's line, with its result, before the exec: afterwards this
    // process is another program (strace shows a successful execve as = 0).
    timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    task.process.tracer->Syscall(task, a.row, nr, a.raw, 0, now, now);
  }
  // A vfork parent sees what the child wrote, as it would natively, and
  // runs on. (If the host execve fails, the parent has already resumed.)
  ReleaseVforkParent(task);
  HoldCpuForExec(task);
  PrepareHostSignalsForExec(task);  // the next program inherits the guest's mask and ignores
  int64_t r = HostSyscall(SYS_execve, reinterpret_cast<uint64_t>(target.c_str()),
                          reinterpret_cast<uint64_t>(run_ptrs.data()), reinterpret_cast<uint64_t>(env_ptrs.data()));
  RestoreHostSignalsAfterFailedExec();  // still here: the exec failed
  EnableAsyncStop(task.uc);     // PrepareHostSignalsForExec took its re-kick timer
  ReopenKicksAfterFailedExec();
  for (ThreadSlot& slot : task.process.slots) {  // kicks sent meanwhile were dropped
    if (&slot != &task.slot && slot.tid.load()) KickThread(slot);
  }
  ReleaseCpuAfterFailedExec(task);  // after the kicks: they let the others take signals again
  if (inherited_fd >= 0) HostSyscall(SYS_close, inherited_fd);
  if (seccomp_fd >= 0) HostSyscall(SYS_close, seccomp_fd);
  return r;
}

}  // namespace

int64_t SysExecve(Task& task, const SyscallArgs& a) {
  std::string path;
  if (!LookupPath(task, a.raw[0], true, &path)) return -EFAULT;
  return Execute(task, a, path, a.raw[1], a.raw[2], sysno::execve);
}

// execveat(dirfd, path, argv, envp, flags): the program's host path from the
// directory descriptor (its own path, so a close-on-exec descriptor may
// close), or with AT_EMPTY_PATH and "" the file behind dirfd (fexecve).
// Mirrors the kernel's checks: the path (EFAULT), the flags (EINVAL), an
// empty path without AT_EMPTY_PATH (ENOENT), the descriptor (EBADF,
// ENOTDIR) and a final symlink with AT_SYMLINK_NOFOLLOW (ELOOP).
int64_t SysExecveat(Task& task, const SyscallArgs& a) {
  int dirfd = static_cast<int>(a.raw[0]);
  uint64_t flags = a.raw[4];
  std::string name;
  if (!task.memory.ReadString(a.raw[1], PATH_MAX, &name)) return -EFAULT;
  if (flags & ~uint64_t{AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH}) return -EINVAL;
  std::string path;
  if (name.empty()) {
    if (!(flags & AT_EMPTY_PATH)) return -ENOENT;
    if (HostSyscall(SYS_fcntl, dirfd, F_GETFD) < 0) return -EBADF;
    path = "/proc/self/fd/" + std::to_string(dirfd);  // Execute reads the file's own path from it
  } else if (name[0] == '/' || dirfd == AT_FDCWD) {
    if (!LookupPath(task, a.raw[1], !(flags & AT_SYMLINK_NOFOLLOW), &path)) return -EFAULT;
  } else {
    struct stat st;
    if (HostSyscall(SYS_fstat, dirfd, reinterpret_cast<uint64_t>(&st)) < 0) return -EBADF;
    if (!S_ISDIR(st.st_mode)) return -ENOTDIR;
    char dir[PATH_MAX];
    std::string link = "/proc/self/fd/" + std::to_string(dirfd);
    int64_t n = HostSyscall(SYS_readlinkat, AT_FDCWD, reinterpret_cast<uint64_t>(link.c_str()),
                            reinterpret_cast<uint64_t>(dir), sizeof dir - 1);
    if (n <= 0 || dir[0] != '/') return -ENOENT;
    path.assign(dir, n);
    path += "/" + name;
  }
  if (flags & AT_SYMLINK_NOFOLLOW) {
    struct stat st;
    if (HostSyscall(SYS_lstat, reinterpret_cast<uint64_t>(path.c_str()), reinterpret_cast<uint64_t>(&st)) == 0 &&
        S_ISLNK(st.st_mode)) {
      return -ELOOP;
    }
  }
  return Execute(task, a, path, a.raw[2], a.raw[3], sysno::execveat);
}

}  // namespace ferry
