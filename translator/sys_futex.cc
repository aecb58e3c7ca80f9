// futex(2). Waits run inline in the calling thread as safe syscalls (see
// safe_syscall.h): a guest signal, or a kick from another thread, ends them
// race-free, and a wait costs no helper round trip. A timed wait keeps its
// absolute deadline in the restart block, as the kernel's
// futex_wait_restart does. PI operations go to the host kernel as they are:
// it records owners by tid, and a guest thread's tid is its host thread's.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>

#include <cerrno>

#include "restart/restart.h"
#include "translator/host_syscall.h"
#include "translator/safe_syscall.h"
#include "translator/syscall_handlers.h"

namespace translator {
namespace {

constexpr int kCmdMask = ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
#ifndef FUTEX_LOCK_PI2
#define FUTEX_LOCK_PI2 13
#endif

int64_t WaitUntil(Task& task, const restart::RestartBlock& wait) {
  int op = FUTEX_WAIT_BITSET | wait.futex_private |
           (wait.clock == CLOCK_REALTIME ? FUTEX_CLOCK_REALTIME : 0);
  struct timespec deadline = wait.deadline;
  int64_t r = SafeHostSyscall(restart::kErestartRestartBlock, SYS_futex, HostAddress(task, wait.guest_futex, 4),
                              op, wait.futex_value, reinterpret_cast<uint64_t>(&deadline), 0, wait.futex_bitset);
  if (!restart::IsRestartCode(r)) {
    task.restart_block = {};
    return r;
  }
  task.restart_block = wait;
  return restart::kErestartRestartBlock;
}

}  // namespace

int64_t SysFutex(Task& task, const SyscallArgs& a) {
  int op = static_cast<int>(a.raw[1]);
  int cmd = op & kCmdMask;
  uint64_t uaddr = HostAddress(task, a.raw[0], 4);
  switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
      uint32_t bitset = cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : static_cast<uint32_t>(a.raw[5]);
      if (!a.raw[3]) {  // no timeout: the kernel's plain -ERESTARTSYS case
        return SafeHostSyscall(restart::kErestartSys, SYS_futex, uaddr, op, a.raw[2], 0, 0, a.raw[5]);
      }
      struct timespec ts;
      if (!task.memory.Read(a.raw[3], &ts, sizeof ts)) return -EFAULT;
      if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L) return -EINVAL;
      restart::RestartBlock wait;
      wait.kind = restart::RestartBlock::Kind::kFutexWait;
      wait.call = "futex";
      wait.clock = (op & FUTEX_CLOCK_REALTIME) ? CLOCK_REALTIME : CLOCK_MONOTONIC;
      wait.guest_futex = a.raw[0];
      wait.futex_value = static_cast<uint32_t>(a.raw[2]);
      wait.futex_bitset = bitset;
      wait.futex_private = op & FUTEX_PRIVATE_FLAG;
      if (cmd == FUTEX_WAIT) {  // relative: becomes absolute once, here
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        wait.clock = CLOCK_MONOTONIC;
        wait.deadline = restart::Deadline(now, ts);
      } else {
        wait.deadline = ts;
      }
      return WaitUntil(task, wait);
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
    case FUTEX_UNLOCK_PI:
    case FUTEX_TRYLOCK_PI:
      return HostSyscall(SYS_futex, uaddr, op, a.raw[2], 0, 0, a.raw[5]);
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_WAKE_OP:
    case FUTEX_CMP_REQUEUE_PI:
      return HostSyscall(SYS_futex, uaddr, op, a.raw[2], a.raw[3], HostAddress(task, a.raw[4], 4), a.raw[5]);
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
      // An absolute timeout: the kernel restarts the call after a handler (-ERESTARTNOINTR).
      return SafeHostSyscall(restart::kErestartNoIntr, SYS_futex, uaddr, op, a.raw[2],
                             HostAddress(task, a.raw[3], sizeof(struct timespec)), 0, 0);
    case FUTEX_WAIT_REQUEUE_PI:
      return SafeHostSyscall(restart::kErestartNoIntr, SYS_futex, uaddr, op, a.raw[2],
                             HostAddress(task, a.raw[3], sizeof(struct timespec)), HostAddress(task, a.raw[4], 4),
                             a.raw[5]);
    default:
      return -ENOSYS;
  }
}

int64_t ResumeFutexWait(Task& task) { return WaitUntil(task, task.restart_block); }

}  // namespace translator
