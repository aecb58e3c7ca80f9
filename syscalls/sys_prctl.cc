// prctl: each option the guest may use, served as the guest's kernel would.
// Most act on state the host kernel keeps for ferry's process or thread
// exactly as it would for the guest's (dumpable, no_new_privs, the child
// subreaper, THP, the thread's name), so they pass through, with pointer
// arguments rebased. Options that change the thread's credentials or timer
// slack are mirrored in its syscall helper (AlsoInHelper). The seccomp
// options act on ferry's own per-thread seccomp state (sys_seccomp.cc).
// Options that would reconfigure ferry itself (syscall user dispatch, memory-deny-write-
// execute, PR_SET_MM) and every arch option of a CPU without SVE,
// SME, PAC, MTE or the V extension get EINVAL, as does any unknown option.
#include <linux/prctl.h>
#include <sys/syscall.h>

#include <cerrno>
#include <string>
#include <vector>

#include "host/host_syscall.h"
#include "syscalls/syscall_handlers.h"
#include "runtime/threads.h"

namespace ferry {
namespace {

constexpr int kPrGetAuxv = 0x41555856;  // PR_GET_AUXV (Linux 6.4)
constexpr uint64_t kCommSize = 16;      // TASK_COMM_LEN

int64_t Host(const SyscallArgs& a, uint64_t a1, uint64_t a4) {
  return HostSyscall(SYS_prctl, static_cast<uint32_t>(a.raw[0]), a1, a.raw[2], a.raw[3], a4);
}

// PR_SET_VMA: naming a range of anonymous memory. Mirrors the kernel's
// madvise_set_anon_name checks; a range with unmapped guest pages is
// ENOMEM (on the host those pages are ferry's reservation, a mapping).
int64_t SetVma(Task& task, const SyscallArgs& a) {
  uint64_t addr = a.raw[2], size = a.raw[3];
  if (a.raw[1] != PR_SET_VMA_ANON_NAME) return -EINVAL;
  uint64_t name = reinterpret_cast<uint64_t>(GuestBuffer(task, a.raw[4], 1));
  uint64_t len = PageUp(size);
  bool mapped = addr % kPageSize == 0 && !(size && !len) && addr + len >= addr &&
                task.memory.InSpace(addr, len) && task.memory.IsMapped(addr, len);
  if (!mapped) {
    if (addr % kPageSize || (size && !len) || addr + len < addr) return -EINVAL;
    // The name is still checked first (EFAULT, EINVAL), as by the kernel.
    int64_t r = HostSyscall(SYS_prctl, PR_SET_VMA, PR_SET_VMA_ANON_NAME,
                            reinterpret_cast<uint64_t>(task.memory.Host(0)), 0, name);
    return r < 0 || len == 0 ? r : -ENOMEM;
  }
  int64_t r = HostSyscall(SYS_prctl, PR_SET_VMA, PR_SET_VMA_ANON_NAME,
                          reinterpret_cast<uint64_t>(task.memory.Host(addr)), size, name);
  if (r == 0) {  // the guest's /proc/self/maps shows the name
    std::string text;
    constexpr size_t kMaxName = 80;  // ANON_VMA_NAME_MAX_LEN, the NUL included
    if (a.raw[4] && !task.memory.ReadString(a.raw[4], kMaxName, &text)) return r;
    MemoryChange changing(task);  // one change of the origins at a time
    task.memory.NameAnonymous(addr, len, a.raw[4] ? &text : nullptr);
  }
  return r;
}

// PR_GET_AUXV: the guest's auxiliary vector as execve laid it out. The
// kernel answers the size of its saved_auxv array (AT_VECTOR_SIZE words,
// which differs between kernel versions and arches, the vector and zeros);
// ferry answers the vector's own size, AT_NULL included.
int64_t GetAuxv(Task& task, const SyscallArgs& a) {
  if (a.raw[3] || a.raw[4]) return -EINVAL;
  const ProgramLayout& l = task.process.layout;
  std::vector<uint8_t> auxv(l.auxv_size);
  if (!auxv.empty() && !task.memory.Read(l.auxv, auxv.data(), auxv.size())) return -EFAULT;
  uint64_t n = std::min<uint64_t>(a.raw[2], auxv.size());
  if (n && !task.memory.Write(a.raw[1], auxv.data(), n)) return -EFAULT;
  return static_cast<int64_t>(auxv.size());
}

}  // namespace

int64_t SysPrctl(Task& task, const SyscallArgs& a) {
  int option = static_cast<int>(a.raw[0]);
  uint64_t arg2 = a.raw[1];
  switch (option) {
    // Process and thread state the host keeps as the guest's kernel would.
    case PR_SET_PDEATHSIG:
    case PR_GET_DUMPABLE:
    case PR_SET_DUMPABLE:
    case PR_GET_KEEPCAPS:
    case PR_GET_TIMING:
    case PR_SET_TIMING:
    case PR_CAPBSET_READ:
    case PR_GET_SECUREBITS:
    case PR_GET_TIMERSLACK:
    case PR_TASK_PERF_EVENTS_DISABLE:
    case PR_TASK_PERF_EVENTS_ENABLE:
    case PR_MCE_KILL:
    case PR_MCE_KILL_GET:
    case PR_SET_CHILD_SUBREAPER:
    case PR_SET_NO_NEW_PRIVS:
    case PR_GET_NO_NEW_PRIVS:
    case PR_SET_THP_DISABLE:
    case PR_GET_THP_DISABLE:
    case PR_GET_IO_FLUSHER:
      return Host(a, arg2, a.raw[4]);
    // An int written at arg2.
    case PR_GET_PDEATHSIG:
    case PR_GET_CHILD_SUBREAPER:
      return Host(a, HostAddress(task, arg2, sizeof(int)), a.raw[4]);
    // The thread's name: the host thread's comm, which /proc shows too.
    case PR_SET_NAME:
    case PR_GET_NAME:
      return Host(a, HostAddress(task, arg2, kCommSize), a.raw[4]);
    // The thread's credentials and timer slack: its helper's too.
    case PR_SET_KEEPCAPS:
    case PR_SET_SECUREBITS:
    case PR_CAPBSET_DROP:
    case PR_SET_TIMERSLACK:
    case PR_SET_IO_FLUSHER:
    case PR_CAP_AMBIENT: {
      int64_t r = Host(a, arg2, a.raw[4]);
      if (r < 0 || (option == PR_CAP_AMBIENT && arg2 == PR_CAP_AMBIENT_IS_SET)) return r;
      return AlsoInHelper(task, r, SYS_prctl, option, arg2, a.raw[2], a.raw[3], a.raw[4]);
    }
    case PR_GET_TID_ADDRESS: {
      // The guest's CLONE_CHILD_CLEARTID word, which ferry keeps.
      uint64_t word = task.clear_child_tid;
      return task.memory.Write(arg2, &word, sizeof word) ? 0 : -EFAULT;
    }
    case PR_SCHED_CORE:  // pids are host pids; PR_SCHED_CORE_GET writes a cookie at arg5
      return Host(a, arg2, arg2 == PR_SCHED_CORE_GET ? HostAddress(task, a.raw[4], sizeof(uint64_t)) : a.raw[4]);
    case PR_SET_VMA:
      return SetVma(task, a);
    case PR_GET_SECCOMP:  // the guest's mode, which ferry keeps (sys_seccomp.cc)
      return task.seccomp.mode();
    case PR_SET_SECCOMP:
      return SeccompSetMode(task, arg2, a.raw[2]);
    case kPrGetAuxv:
      return GetAuxv(task, a);
    default:
      // Unknown options, and those listed in the header comment.
      return -EINVAL;
  }
}

}  // namespace ferry
