// futex(2). Waits run inline in the calling thread as safe syscalls (see
// safe_syscall.h): a guest signal, or a kick from another thread, ends them
// race-free, and a wait costs no helper round trip. A timed wait keeps its
// absolute deadline in the restart block, as the kernel's
// futex_wait_restart does.
//
// A waiter that the host kernel took off its queue cannot be put back where
// it was: FUTEX_REQUEUE (from this process or another one sharing the
// page) may have moved it to a second word, and waiting again on the first
// would lose its wake-up. So a wait ends only where the guest's kernel
// would end it: host signals the guest blocks or ignores (a child's
// SIGCHLD, say) are held off on the host (runtime/quiet_signals.h: from the
// wait on, until the thread makes a call other than a futex call). When
// something of ferry's own ends it anyway (a kick with nothing for this
// thread), the wait starts again as before, unless a requeue was made
// since it began (in this process or one forked from the same ferry):
// then the guest gets a spurious wake-up (0), which futex(2) callers must
// accept, rather than a wait on a word it may have been moved off.
//
// PI futexes are served by ferry as plain futexes: the kernel's PI calls
// write the futex word (FUTEX_WAITERS, the owner's tid) while another
// guest thread may be in the middle of a compare-and-swap that Unicorn
// translated as a plain load and store, and the kernel's write would be
// lost. ferry changes the word only while it holds the CPU lock
// (threads.h), where no guest code runs. Priority inheritance itself (a
// boost for the owner) is not emulated. FUTEX_WAIT_REQUEUE_PI and
// FUTEX_CMP_REQUEUE_PI build on the same (see WaitRequeuePi; a shared
// futex's waiters across processes: requeue_pi_table.h).
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <new>
#include <vector>

#include "restart/restart.h"
#include "runtime/async_stop.h"
#include "runtime/quiet_signals.h"
#include "host/host_syscall.h"
#include "runtime/safe_syscall.h"
#include "runtime/signals.h"
#include "syscalls/requeue_pi_table.h"
#include "syscalls/syscall_handlers.h"
#include "runtime/threads.h"

#include "arch/generic/abi.h"

namespace ferry {
namespace {

constexpr int kCmdMask = ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
#ifndef FUTEX_LOCK_PI2
#define FUTEX_LOCK_PI2 13
#endif

// Counts FUTEX_REQUEUE and FUTEX_CMP_REQUEUE calls that may move waiters.
// It lives in a shared page made as ferry starts, so the processes a guest
// forks count together.
std::atomic<uint64_t>* MapRequeueCount() {
  void* page = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) return new std::atomic<uint64_t>(0);
  return new (page) std::atomic<uint64_t>(0);
}
std::atomic<uint64_t>* const g_requeues = MapRequeueCount();

// FUTEX_WAIT(_BITSET) on the host with the quiet signals held off. Returns
// the host's result, or `restart_code` when a signal ended the wait (or
// -ERESTARTNOINTR before it began), or 0 when ferry ended it for nothing
// this thread must act on and a requeue may have moved it meanwhile.
int64_t SleepOnWord(Task& task, int64_t restart_code, uint64_t word, int op, uint64_t value, uint64_t timeout,
                    uint64_t bitset) {
  uint64_t requeues = g_requeues->load();
  HoldQuietSignals(task);  // and kept after the wait (quiet_signals.h)
  int64_t r = SafeHostSyscall(restart_code, SYS_futex, word, op, value, timeout, 0, bitset);
  if (r == restart_code && g_requeues->load() != requeues && !NextActionableSignal(task)) return 0;
  return r;
}

int64_t WaitUntil(Task& task, const restart::RestartBlock& wait) {
  int op = FUTEX_WAIT_BITSET | wait.futex_private |
           (wait.clock == CLOCK_REALTIME ? FUTEX_CLOCK_REALTIME : 0);
  struct timespec deadline = wait.deadline;
  int64_t r = SleepOnWord(task, restart::kErestartRestartBlock, HostAddress(task, wait.guest_futex, 4), op,
                          wait.futex_value, reinterpret_cast<uint64_t>(&deadline), wait.futex_bitset);
  if (!restart::IsRestartCode(r)) {
    task.restart_block = {};
    return r;
  }
  task.restart_block = wait;
  return restart::kErestartRestartBlock;
}

// FUTEX_LOCK_PI(2) / FUTEX_TRYLOCK_PI: take a free word (keeping
// FUTEX_OWNER_DIED, which the robust-mutex caller reads); otherwise mark
// it contended and sleep until the owner's unlock wakes us.
int64_t LockPi(Task& task, uint64_t guest_word, int op, uint64_t guest_timeout, bool try_only) {
  auto* word = static_cast<uint32_t*>(task.memory.HostRange(guest_word, 4));
  if (!word || !task.memory.HasAccess(guest_word, 4, kPageRead | kPageWrite)) return -EFAULT;
  struct timespec deadline, *deadline_ptr = nullptr;
  if (guest_timeout) {
    if (!task.memory.Read(guest_timeout, &deadline, sizeof deadline)) return -EFAULT;
    if (deadline.tv_nsec < 0 || deadline.tv_nsec >= 1000000000L) return -EINVAL;
    deadline_ptr = &deadline;
  }
  // FUTEX_LOCK_PI's deadline is CLOCK_REALTIME; LOCK_PI2's is monotonic unless asked.
  bool realtime = (op & kCmdMask) == FUTEX_LOCK_PI || (op & FUTEX_CLOCK_REALTIME);
  if (realtime && deadline_ptr) deadline = HostRealtime(task, deadline);  // --time
  uint32_t tid = static_cast<uint32_t>(task.tid);
  for (bool waited = false;; waited = true) {
    uint32_t seen;
    {
      CpuExclusive exclusive(task);
      seen = *word;
      if ((seen & FUTEX_TID_MASK) == tid) return -EDEADLK;
      if ((seen & FUTEX_TID_MASK) == 0) {
        // After a wait others may still sleep: keep the word contended so
        // our unlock comes to ferry and wakes the next.
        *word = tid | (seen & FUTEX_OWNER_DIED) | (waited ? FUTEX_WAITERS : 0);
        return 0;
      }
      if (try_only) return -EAGAIN;
      seen |= FUTEX_WAITERS;
      *word = seen;
    }
    int64_t r = SafeHostSyscall(restart::kErestartNoIntr, SYS_futex, reinterpret_cast<uint64_t>(word),
                                FUTEX_WAIT_BITSET | (op & FUTEX_PRIVATE_FLAG) | (realtime ? FUTEX_CLOCK_REALTIME : 0),
                                seen, reinterpret_cast<uint64_t>(deadline_ptr), 0, FUTEX_BITSET_MATCH_ANY);
    if (r == -ETIMEDOUT || restart::IsRestartCode(r)) return r;
  }
}

int64_t UnlockPi(Task& task, uint64_t guest_word, int op) {
  auto* word = static_cast<uint32_t*>(task.memory.HostRange(guest_word, 4));
  if (!word || !task.memory.HasAccess(guest_word, 4, kPageRead | kPageWrite)) return -EFAULT;
  {
    CpuExclusive exclusive(task);
    if ((*word & FUTEX_TID_MASK) != static_cast<uint32_t>(task.tid)) return -EPERM;
    *word = 0;
  }
  HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(word), FUTEX_WAKE | (op & FUTEX_PRIVATE_FLAG), 1);
  return 0;
}

// FUTEX_WAIT_REQUEUE_PI / FUTEX_CMP_REQUEUE_PI on a private futex. The
// kernel moves a waiter from the condition word onto the PI lock's
// rt_mutex; ferry's PI locks are plain words (above), so the requeuer
// instead chooses the waiters, marks them in their thread slots and wakes
// them, and each chosen waiter then takes the lock as FUTEX_LOCK_PI2 would
// (waiting there if it is held). A waiter sleeps on the condition word with
// a bitset of its own (its slot, modulo 32), so the requeuer wakes the
// chosen ones only; one that shares the bit wakes too and, not chosen,
// returns EAGAIN, a spurious wake-up its caller must accept.
enum : int { kRequeuePiIdle = 0, kRequeuePiWaiting = 1, kRequeuePiChosen = 2 };

std::atomic<int> g_requeue_pi_waiters{0};  // this process's threads in FUTEX_WAIT_REQUEUE_PI

// Whether a thread waits in FUTEX_WAIT_REQUEUE_PI on `word`: the kernel
// refuses to wake or requeue such a waiter but through FUTEX_CMP_REQUEUE_PI
// (EINVAL). A shared futex's waiter may be in any process.
bool HasRequeuePiWaiter(const Task& task, uint64_t word, int op) {
  if (!(op & FUTEX_PRIVATE_FLAG) && HasSharedRequeuePiWaiter(task, word)) return true;
  if (g_requeue_pi_waiters.load() == 0) return false;
  for (const ThreadSlot& slot : task.process.slots) {
    if (slot.requeue_pi_from.load() == word && slot.requeue_pi_state.load() == kRequeuePiWaiting) return true;
  }
  return false;
}

uint32_t RequeuePiBit(const Task& task, const ThreadSlot& slot) {
  return 1u << ((&slot - task.process.slots) % 32);
}

// A requeued waiter takes the lock as FUTEX_LOCK_PI2 would, by the same
// deadline. A signal now ends the call with EAGAIN (the kernel's answer
// after a requeue).
int64_t TakeRequeuedLock(Task& task, uint64_t to, int op, uint64_t guest_timeout) {
  for (;;) {  // a kick with nothing for this thread (the requeuer's, say) goes on waiting
    int64_t locked = LockPi(task, to, FUTEX_LOCK_PI2 | (op & (FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)),
                            guest_timeout, false);
    if (!restart::IsRestartCode(locked)) return locked;
    if (NextActionableSignal(task)) return -EAGAIN;
  }
}

// The same for a shared futex, whose waiters any process may requeue: the
// waiter announces itself in the table every ferry process of this user
// sees (requeue_pi_table.h), under its futex's key, and sleeps on its
// entry's word, which only a requeuer that chose it changes; a plain wake
// of the condition word does not end its wait (the waker gets EINVAL).
int64_t WaitRequeuePiShared(Task& task, const SyscallArgs& a, int op, const struct timespec* deadline) {
  RequeuePiEntry* entry =
      AnnounceRequeuePiWaiter(task, SharedFutexKeyOf(task, a.raw[0]), SharedFutexKeyOf(task, a.raw[4]));
  if (!entry) return -ENOMEM;
  uint32_t waiting, now;
  uint64_t word = RequeuePiWaitWord(entry, &waiting);
  int64_t r;
  if (!task.memory.Read(a.raw[0], &now, sizeof now)) {
    r = -EFAULT;
  } else if (now != static_cast<uint32_t>(a.raw[2])) {
    r = -EAGAIN;
  } else {
    r = SleepOnWord(task, restart::kErestartNoIntr, word, FUTEX_WAIT_BITSET | (op & FUTEX_CLOCK_REALTIME), waiting,
                    reinterpret_cast<uint64_t>(deadline), FUTEX_BITSET_MATCH_ANY);
  }
  if (EndRequeuePiWait(entry)) return TakeRequeuedLock(task, a.raw[4], op, a.raw[3]);
  return r == 0 ? -EAGAIN : r;
}

int64_t WaitRequeuePi(Task& task, const SyscallArgs& a, int op) {
  uint64_t from = a.raw[0], to = a.raw[4];
  if (from == to) return -EINVAL;
  bool realtime = op & FUTEX_CLOCK_REALTIME;
  struct timespec deadline, *deadline_ptr = nullptr;
  if (a.raw[3]) {
    if (!task.memory.Read(a.raw[3], &deadline, sizeof deadline)) return -EFAULT;
    if (deadline.tv_sec < 0 || deadline.tv_nsec < 0 || deadline.tv_nsec >= 1000000000L) return -EINVAL;
    if (realtime) deadline = HostRealtime(task, deadline);  // --time
    deadline_ptr = &deadline;
  }
  if (!(op & FUTEX_PRIVATE_FLAG)) return WaitRequeuePiShared(task, a, op, deadline_ptr);
  ThreadSlot& slot = task.slot;
  g_requeue_pi_waiters.fetch_add(1);
  slot.requeue_pi_to.store(to);
  slot.requeue_pi_from.store(from);
  slot.requeue_pi_state.store(kRequeuePiWaiting);
  int64_t r = SleepOnWord(task, restart::kErestartNoIntr, HostAddress(task, from, 4),
                          FUTEX_WAIT_BITSET | (op & (FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)), a.raw[2],
                          reinterpret_cast<uint64_t>(deadline_ptr), RequeuePiBit(task, slot));
  slot.requeue_pi_from.store(0);
  if (slot.requeue_pi_state.exchange(kRequeuePiIdle) == kRequeuePiChosen) {
    g_requeue_pi_waiters.fetch_sub(1);
    return TakeRequeuedLock(task, to, op, a.raw[3]);
  }
  g_requeue_pi_waiters.fetch_sub(1);
  return r == 0 ? -EAGAIN : r;  // a plain wake of the condition word: EAGAIN, as the kernel's early wake-up
}

// FUTEX_CMP_REQUEUE_PI(from, 1, nr_requeue, to, cmpval): chooses up to
// 1 + nr_requeue of this process's waiters from `from` for `to` and returns
// how many, as the kernel's count of woken and requeued.
int64_t CmpRequeuePi(Task& task, const SyscallArgs& a) {
  uint64_t from = a.raw[0], to = a.raw[4];
  int32_t nr_requeue = static_cast<int32_t>(a.raw[3]);
  if (a.raw[2] != 1 || nr_requeue < 0 || from == to) return -EINVAL;
  auto* word = static_cast<uint32_t*>(task.memory.HostRange(from, 4));
  if (!word || !task.memory.HasAccess(from, 4, kPageRead) || !task.memory.HasAccess(to, 4, kPageRead | kPageWrite)) {
    return -EFAULT;
  }
  if (!(a.raw[1] & FUTEX_PRIVATE_FLAG)) {
    CpuExclusive exclusive(task);  // no guest code changes the word meanwhile
    if (*word != static_cast<uint32_t>(a.raw[5])) return -EAGAIN;
    return static_cast<int64_t>(ChooseRequeuePiWaiters(SharedFutexKeyOf(task, from), SharedFutexKeyOf(task, to),
                                                       static_cast<size_t>(nr_requeue) + 1));
  }
  std::vector<ThreadSlot*> chosen;
  uint32_t bits = 0;
  {
    CpuExclusive exclusive(task);  // no guest code changes the word meanwhile
    if (*word != static_cast<uint32_t>(a.raw[5])) return -EAGAIN;
    for (ThreadSlot& slot : task.process.slots) {
      if (chosen.size() > static_cast<uint64_t>(nr_requeue)) break;
      if (slot.requeue_pi_from.load() != from || slot.requeue_pi_to.load() != to) continue;
      int waiting = kRequeuePiWaiting;
      if (!slot.requeue_pi_state.compare_exchange_strong(waiting, kRequeuePiChosen)) continue;
      chosen.push_back(&slot);
      bits |= RequeuePiBit(task, slot);
    }
  }
  if (bits) HostSyscall(SYS_futex, HostAddress(task, from, 4), FUTEX_WAKE_BITSET | (a.raw[1] & FUTEX_PRIVATE_FLAG),
                        INT32_MAX, 0, 0, bits);
  // One chosen between its mark and its sleep would not see the wake: a kick ends that sleep too.
  for (ThreadSlot* slot : chosen) KickThread(*slot);
  return static_cast<int64_t>(chosen.size());
}

}  // namespace

int64_t SysFutex(Task& task, const SyscallArgs& a) {
  int op = static_cast<int>(a.raw[1]);
  int cmd = op & kCmdMask;
  uint64_t uaddr = HostAddress(task, a.raw[0], 4);
  // The kernel's do_futex: only these take a CLOCK_REALTIME deadline.
  if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT_REQUEUE_PI &&
      cmd != FUTEX_LOCK_PI2) {
    return -ENOSYS;
  }
  switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
      uint32_t bitset = cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : static_cast<uint32_t>(a.raw[5]);
      if (!a.raw[3]) {  // no timeout: the row's rule (-ERESTARTSYS), no restart block
        return SleepOnWord(task, restart::kInterrupted, uaddr, op, a.raw[2], 0, a.raw[5]);
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
        wait.deadline = wait.clock == CLOCK_REALTIME ? HostRealtime(task, ts) : ts;  // --time
      }
      return WaitUntil(task, wait);
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
      if (HasRequeuePiWaiter(task, a.raw[0], op)) return -EINVAL;
      return HostSyscall(SYS_futex, uaddr, op, a.raw[2], 0, 0, a.raw[5]);
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
      if (HasRequeuePiWaiter(task, a.raw[0], op)) return -EINVAL;
      // Counted before any waiter moves (see SleepOnWord); one that moves
      // none to another word (none to requeue, or onto itself) is not.
      if (a.raw[3] && a.raw[0] != a.raw[4]) g_requeues->fetch_add(1);
      return HostSyscall(SYS_futex, uaddr, op, a.raw[2], a.raw[3], HostAddress(task, a.raw[4], 4), a.raw[5]);
    case FUTEX_WAKE_OP: {
      CpuExclusive exclusive(task);  // the kernel's atomic op on the second word
      return HostSyscall(SYS_futex, uaddr, op, a.raw[2], a.raw[3], HostAddress(task, a.raw[4], 4), a.raw[5]);
    }
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
      // An absolute deadline: after a handler the call restarts (-ERESTARTNOINTR), as in the kernel.
      return LockPi(task, a.raw[0], op, a.raw[3], false);
    case FUTEX_TRYLOCK_PI:
      return LockPi(task, a.raw[0], op, 0, true);
    case FUTEX_UNLOCK_PI:
      return UnlockPi(task, a.raw[0], op);
    case FUTEX_WAIT_REQUEUE_PI:
      return WaitRequeuePi(task, a, op);
    case FUTEX_CMP_REQUEUE_PI:
      return CmpRequeuePi(task, a);
    default:
      return -ENOSYS;
  }
}

int64_t ResumeFutexWait(Task& task) { return WaitUntil(task, task.restart_block); }

// futex_waitv(waiters, nr_futexes, flags, timeout, clockid), checked in the
// order of the kernel's (kernel/futex/syscalls.c): flags, the count, the
// timeout (absolute, on CLOCK_MONOTONIC or CLOCK_REALTIME), then each
// waiter (FUTEX2 flags, reserved word, 32-bit size and value). The wait is
// the host's on the waiters' host addresses, inline as a safe syscall with
// the quiet signals held off, as futex waits are. An address outside the
// guest space becomes one that faults (EFAULT), keeping its alignment.
int64_t SysFutexWaitv(Task& task, const SyscallArgs& a) {
  constexpr uint32_t kSizeMask = 3, kSizeU32 = 2, kNuma = 4, kMpol = 8, kPrivate = 128;
  constexpr uint64_t kMaxWaiters = 128;  // FUTEX_WAITV_MAX
  uint64_t count = static_cast<uint32_t>(a.raw[1]);
  if (static_cast<uint32_t>(a.raw[2])) return -EINVAL;
  if (!count || count > kMaxWaiters || !a.raw[0]) return -EINVAL;
  struct timespec deadline, *deadline_ptr = nullptr;
  int clock = static_cast<int>(a.raw[4]);
  if (a.raw[3]) {
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) return -EINVAL;
    if (!task.memory.Read(a.raw[3], &deadline, sizeof deadline)) return -EFAULT;
    if (deadline.tv_sec < 0 || deadline.tv_nsec < 0 || deadline.tv_nsec >= 1000000000L) return -EINVAL;
    if (clock == CLOCK_REALTIME) deadline = HostRealtime(task, deadline);  // --time
    deadline_ptr = &deadline;
  }
  guest::FutexWaitv waiters[kMaxWaiters];
  for (uint64_t i = 0; i < count; ++i) {
    guest::FutexWaitv& w = waiters[i];
    if (!task.memory.Read(a.raw[0] + i * sizeof w, &w, sizeof w)) return -EFAULT;
    if ((w.flags & ~(kSizeMask | kNuma | kMpol | kPrivate)) || w.reserved) return -EINVAL;
    if ((w.flags & (kSizeMask | kNuma | kMpol)) != kSizeU32 || w.val > UINT32_MAX) return -EINVAL;
    uint64_t host = HostAddress(task, w.uaddr, 4);
    w.uaddr = host == reinterpret_cast<uint64_t>(kBadPointer) ? (~uint64_t{0} << 12) | (w.uaddr & 0xfff) : host;
  }
  HoldQuietSignals(task);
  return SafeHostSyscall(restart::kErestartSys, SYS_futex_waitv, reinterpret_cast<uint64_t>(waiters), count, 0,
                         reinterpret_cast<uint64_t>(deadline_ptr), clock);
}

}  // namespace ferry
