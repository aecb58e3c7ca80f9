// seccomp for the guest: the seccomp call and PR_SET_SECCOMP install the
// guest's classic-BPF filters in ferry's own per-thread state (runtime/
// seccomp.h), and dispatch runs them on every guest syscall before its
// handler (SeccompCheck), on a seccomp_data in the guest's terms: its audit
// arch, its syscall number, its PC and its six arguments. The host kernel
// never gets the guest's filters: they speak the guest's numbering.
//
// Mirrors kernel/seccomp.c, without user notification (as a kernel built
// before it, 4.x): SECCOMP_FILTER_FLAG_NEW_LISTENER is an unknown flag
// (EINVAL), SECCOMP_RET_USER_NOTIF is unavailable (GET_ACTION_AVAIL:
// EOPNOTSUPP; a filter that returns it fails the call with ENOSYS, as the
// kernel does when no listener exists). GET_NOTIF_SIZES answers the uapi
// sizes. RET_TRACE fails the call with ENOSYS: no ptrace tracer asks for
// seccomp events (gdb's stub is not one). A guest execve hands the chain to
// the next ferry (sys_exec.cc); an exec of a host program runs unfiltered.
#include <linux/capability.h>
#include <linux/prctl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <cerrno>
#include <mutex>

#include "host/host_syscall.h"
#include "runtime/classic_bpf.h"
#include "runtime/signals.h"
#include "syscalls/proc_view.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {

constexpr uint32_t kAcceptedFlags = SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG |
                                    SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
constexpr uint64_t kMaxInsnsPerPath = (1 << 18) / sizeof(guest::SockFilter);  // MAX_INSNS_PER_PATH
constexpr uint32_t kMaxErrno = 4095;
constexpr int kCapSysAdmin = 21;
constexpr int kSysSeccompCode = 1;  // SIGSYS si_code SYS_SECCOMP

// no_new_privs (the host thread's, which the guest's prctl set) or
// CAP_SYS_ADMIN in the thread's effective set.
bool MayInstallFilter() {
  if (HostSyscall(SYS_prctl, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1) return true;
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (HostSyscall(SYS_capget, reinterpret_cast<uint64_t>(&header), reinterpret_cast<uint64_t>(data)) != 0) {
    return false;
  }
  return data[kCapSysAdmin / 32].effective & (1u << (kCapSysAdmin % 32));
}

bool IsAncestor(const SeccompFilter* candidate, const SeccompFilter* chain) {
  if (!candidate) return true;
  for (; chain; chain = chain->prev.get()) {
    if (chain == candidate) return true;
  }
  return false;
}

// TSYNC: every other thread takes the caller's new chain, if each one's
// chain is an ancestor of the caller's (seccomp_can_sync_threads); else
// the tid of the first that is not (-ESRCH with TSYNC_ESRCH) and nothing
// changes. Precondition: process.threads_lock held.
int64_t SyncThreads(Task& task, const SeccompChain& old_chain, const SeccompChain& chain, uint32_t flags) {
  for (ThreadSlot& slot : task.process.slots) {
    Task* other = slot.tid.load() ? slot.task.load() : nullptr;
    if (!other || other == &task) continue;
    int mode = other->seccomp.mode();
    if (mode == kSeccompDisabled || (mode == kSeccompFilter && IsAncestor(other->seccomp.chain().get(), old_chain.get()))) {
      continue;
    }
    return (flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH) ? -ESRCH : other->tid;
  }
  for (ThreadSlot& slot : task.process.slots) {
    Task* other = slot.tid.load() ? slot.task.load() : nullptr;
    if (other && other != &task) other->seccomp.set(kSeccompFilter, chain);
  }
  return 0;
}

// seccomp_set_mode_filter, in the kernel's order of checks.
int64_t SetModeFilter(Task& task, uint32_t flags, uint64_t uargs) {
  if (flags & ~kAcceptedFlags) return -EINVAL;
  guest::SockFprog fprog;
  if (!task.memory.Read(uargs, &fprog, sizeof fprog)) return -EFAULT;
  if (fprog.len == 0 || fprog.len > bpf::kMaxInsns) return -EINVAL;
  if (!MayInstallFilter()) return -EACCES;
  if (!fprog.filter) return -EINVAL;
  auto filter = std::make_shared<SeccompFilter>();
  filter->program.resize(fprog.len);
  if (!task.memory.Read(fprog.filter, filter->program.data(), fprog.len * sizeof(guest::SockFilter))) return -EFAULT;
  if (!bpf::CheckSeccompProgram(filter->program)) return -EINVAL;
  filter->log = flags & SECCOMP_FILTER_FLAG_LOG;

  std::lock_guard<std::mutex> lock(task.process.threads_lock);  // TSYNC reads and writes other threads
  int mode = task.seccomp.mode();
  if (mode != kSeccompDisabled && mode != kSeccompFilter) return -EINVAL;
  SeccompChain old_chain = task.seccomp.chain();
  if (fprog.len + (old_chain ? old_chain->total_insns : 0) > kMaxInsnsPerPath) return -ENOMEM;
  filter->count = old_chain ? old_chain->count + 1 : 1;
  filter->total_insns = fprog.len + 4 + (old_chain ? old_chain->total_insns : 0);
  filter->prev = old_chain;
  SeccompChain chain = std::move(filter);
  if (flags & SECCOMP_FILTER_FLAG_TSYNC) {
    if (int64_t r = SyncThreads(task, old_chain, chain, flags)) return r;
  }
  task.seccomp.set(kSeccompFilter, chain);
  return 0;
}

int64_t SetModeStrict(Task& task) {
  int mode = task.seccomp.mode();
  if (mode != kSeccompDisabled && mode != kSeccompStrict) return -EINVAL;
  task.seccomp.set(kSeccompStrict, nullptr);
  return 0;
}

int64_t GetActionAvail(Task& task, uint64_t uargs) {
  uint32_t action;
  if (!task.memory.Read(uargs, &action, sizeof action)) return -EFAULT;
  switch (action) {
    case SECCOMP_RET_KILL_PROCESS:
    case SECCOMP_RET_KILL_THREAD:
    case SECCOMP_RET_TRAP:
    case SECCOMP_RET_ERRNO:
    case SECCOMP_RET_TRACE:
    case SECCOMP_RET_LOG:
    case SECCOMP_RET_ALLOW:
      return 0;
    default:  // SECCOMP_RET_USER_NOTIF too: see the header comment
      return -EOPNOTSUPP;
  }
}

// do_seccomp.
int64_t Seccomp(Task& task, uint32_t op, uint32_t flags, uint64_t uargs) {
  switch (op) {
    case SECCOMP_SET_MODE_STRICT:
      if (flags != 0 || uargs != 0) return -EINVAL;
      return SetModeStrict(task);
    case SECCOMP_SET_MODE_FILTER:
      return SetModeFilter(task, flags, uargs);
    case SECCOMP_GET_ACTION_AVAIL:
      if (flags != 0) return -EINVAL;
      return GetActionAvail(task, uargs);
    case SECCOMP_GET_NOTIF_SIZES:
      if (flags != 0) return -EINVAL;
      return task.memory.Write(uargs, &guest::kSeccompNotifSizes, sizeof guest::kSeccompNotifSizes) ? 0 : -EFAULT;
    default:
      return -EINVAL;
  }
}

// RET_KILL_*: the thread ends with `sig`; the process does when it is the
// last thread (or for RET_KILL_PROCESS), as the kernel's forced SIGSYS.
int64_t Kill(Task& task, int sig, bool whole_process) {
  bool thread_only = !whole_process && task.process.live_threads > 1;
  task.End({true, sig, thread_only});
  return kNoReturn;
}

// RET_TRAP: a forced SIGSYS (SYS_SECCOMP) describing the call, which does
// not run; the registers stay as they were (syscall_rollback).
int64_t Trap(Task& task, const guest::SeccompData& data, uint32_t ret) {
  siginfo_t info{};
  info.si_signo = SIGSYS;
  info.si_code = kSysSeccompCode;
  info.si_errno = static_cast<int>(ret & SECCOMP_RET_DATA);
  info.si_call_addr = reinterpret_cast<void*>(data.instruction_pointer);
  info.si_syscall = data.nr;
  info.si_arch = data.arch;
  if (DispositionOf(task, SIGSYS) != Disposition::kHandler) {  // blocked or ignored: forced to the default
    if (task.process.tracer) task.process.tracer->Signal(info);
    return Kill(task, SIGSYS, true);
  }
  QueueGuestSignal(task, SIGSYS, &info);
  return kNoReturn;
}

}  // namespace

bool SeccompCheck(Task& task, uint64_t nr, const SyscallRow* row, const uint64_t raw[6], int64_t* result) {
  int mode = task.seccomp.mode();
  if (mode == kSeccompDisabled) return true;
  if (mode == kSeccompStrict) {
    // mode1_syscalls: read, write, exit and rt_sigreturn; anything else ends the thread.
    int call = row ? row->nr : -1;
    if (call == sysno::read || call == sysno::write || call == sysno::exit || call == sysno::rt_sigreturn) return true;
    *result = Kill(task, SIGKILL, false);
    return false;
  }
  guest::SeccompData data{};
  data.nr = static_cast<int32_t>(nr);
  data.arch = task.arch.audit_arch;
  data.instruction_pointer = task.ReadReg(task.arch.reg_pc);
  for (int i = 0; i < 6; ++i) data.args[i] = raw[i];
  const SeccompFilter* matched;
  uint32_t ret = RunSeccompFilters(task.seccomp.chain(), data, &matched);
  uint32_t value = ret & SECCOMP_RET_DATA;
  switch (ret & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_ALLOW:
    case SECCOMP_RET_LOG:
      return true;
    case SECCOMP_RET_ERRNO:
      *result = -static_cast<int64_t>(std::min(value, kMaxErrno));
      return false;
    case SECCOMP_RET_TRAP:
      *result = Trap(task, data, ret);
      return false;
    case SECCOMP_RET_TRACE:      // no tracer asked for seccomp events
    case SECCOMP_RET_USER_NOTIF:  // no listener
      *result = -ENOSYS;
      return false;
    case SECCOMP_RET_KILL_THREAD:
      *result = Kill(task, SIGSYS, false);
      return false;
    default:  // RET_KILL_PROCESS and unknown actions
      *result = Kill(task, SIGSYS, true);
      return false;
  }
}

int64_t SeccompSetMode(Task& task, uint64_t mode, uint64_t filter) {
  switch (mode) {
    case SECCOMP_MODE_STRICT:
      return Seccomp(task, SECCOMP_SET_MODE_STRICT, 0, 0);
    case SECCOMP_MODE_FILTER:
      return Seccomp(task, SECCOMP_SET_MODE_FILTER, 0, filter);
    default:
      return -EINVAL;
  }
}

int64_t SeccompFdForExec(const Task& task) {
  if (task.seccomp.mode() != kSeccompFilter) return -1;
  int64_t fd = MemfdHolding(SerializeSeccompChain(task.seccomp.chain()), "ferry-seccomp", MFD_ALLOW_SEALING);
  if (fd >= 0) HostSyscall(SYS_fcntl, fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
  return fd;
}

bool AdoptSeccompFilters(Task& task, int fd) {
  std::string bytes;
  char buf[4096];
  int64_t n;
  while ((n = HostSyscall(SYS_pread64, fd, reinterpret_cast<uint64_t>(buf), sizeof buf, bytes.size())) > 0) {
    bytes.append(buf, n);
  }
  HostSyscall(SYS_close, fd);
  SeccompChain chain;
  if (n < 0 || bytes.empty() || !ParseSeccompChain(bytes, &chain)) return false;
  task.seccomp.set(kSeccompFilter, std::move(chain));
  return true;
}

int64_t SysSeccomp(Task& task, const SyscallArgs& a) {
  return Seccomp(task, static_cast<uint32_t>(a.raw[0]), static_cast<uint32_t>(a.raw[1]), a.raw[2]);
}

}  // namespace ferry
