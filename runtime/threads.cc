#include "runtime/threads.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <new>
#include <vector>

#include "runtime/async_stop.h"
#include "runtime/cpu.h"
#include "runtime/crash_hooks.h"
#include "host/host_syscall.h"
#include "runtime/signals.h"
#include "runtime/vfork.h"

namespace ferry {
namespace {

// How long a thread waits for the CPU before it kicks the holder off: the
// time slice of guest threads that compute without syscalls.
constexpr long kTimeSliceNs = 1000000;

// How long an execve waits for kicks from other processes to be sent.
constexpr long kKickDrainLimitNs = 50000000;

// While a debugger lets only one thread run, the others wait here.
void WaitForOwnTurn(CpuLock& lock, pid_t tid) {
  for (;;) {
    pid_t only = lock.only.load();
    if (only == 0 || only == tid) return;
    struct timespec poll = {0, 10000000};
    HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(&lock.only), FUTEX_WAIT_PRIVATE, static_cast<uint32_t>(only),
                reinterpret_cast<uint64_t>(&poll));
  }
}

void ReleaseCpu(Process& process);

// A waiter spins this many rounds before it sleeps: a hand-off between
// threads that sleep in guest futexes usually finds the holder a syscall
// away from releasing, and a futex sleep and wake-up cost far more.
constexpr int kSpinRounds = 400;

void AcquireCpu(Process& process, pid_t tid) {
  CpuLock& lock = process.cpu_lock;
  WaitForOwnTurn(lock, tid);
  uint32_t ticket = lock.next_ticket.fetch_add(1);
  for (int spin = 0; spin < kSpinRounds && lock.now_serving.load() != ticket; ++spin) {
    __builtin_ia32_pause();
  }
  std::atomic<uint32_t>& word = lock.turn[ticket % CpuLock::kTurnWords];
  while (lock.now_serving.load() != ticket) {
    // Counted as a sleeper before the checks, so a release either sees it
    // or happened before them (all seq_cst).
    lock.sleepers.fetch_add(1);
    uint32_t seen = word.load();
    uint32_t serving = lock.now_serving.load();
    if (serving == ticket) {
      lock.sleepers.fetch_sub(1);
      break;
    }
    // Only the next in line keeps time: after a slice it kicks the holder.
    bool next = ticket == serving + 1;
    struct timespec slice = {0, kTimeSliceNs};
    int64_t r = HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(&word), FUTEX_WAIT_PRIVATE, seen,
                            next ? reinterpret_cast<uint64_t>(&slice) : 0);
    lock.sleepers.fetch_sub(1);
    if (next && r == -ETIMEDOUT && lock.now_serving.load() == serving) {
      if (pid_t holder = lock.holder.load()) SendKick(holder);
    }
  }
  lock.holder.store(tid);
  pid_t only = lock.only.load();
  if (only != 0 && only != tid) {  // the debugger's choice came while this one queued
    ReleaseCpu(process);
    AcquireCpu(process, tid);
  }
}

void ReleaseCpu(Process& process) {
  CpuLock& lock = process.cpu_lock;
  lock.holder.store(0);
  uint32_t serving = lock.now_serving.fetch_add(1) + 1;
  if (lock.sleepers.load() == 0) return;  // nobody waits, or all still spin
  // The one served now, and the one behind it, which now keeps time.
  uint32_t queued_end = lock.next_ticket.load();
  for (uint32_t ticket : {serving, serving + 1}) {
    if (ticket == queued_end) break;  // no such waiter
    std::atomic<uint32_t>& word = lock.turn[ticket % CpuLock::kTurnWords];
    word.fetch_add(1);
    HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(&word), FUTEX_WAKE_PRIVATE, INT32_MAX);
  }
}

// The shared CPU lock's name for this thread: pid and tid (leader_tid is the pid).
uint64_t SharedCpuId(const Task& task) {
  return uint64_t{static_cast<uint32_t>(task.process.leader_tid)} << 32 | static_cast<uint32_t>(task.tid);
}

// Precondition: the process's cpu_lock is held (one thread per process
// takes or waits for this lock).
void AcquireSharedCpu(Task& task) {
  SharedCpuLock& lock = *task.process.shared_cpu_lock;
  uint64_t word = reinterpret_cast<uint64_t>(&lock.word);
  uint32_t tid = static_cast<uint32_t>(task.tid);
  bool slices = true;
  for (;;) {
    uint32_t seen = 0;
    if (lock.word.compare_exchange_strong(seen, tid)) break;
    struct timespec slice;
    clock_gettime(CLOCK_MONOTONIC, &slice);
    slice.tv_nsec += kTimeSliceNs;
    if (slice.tv_nsec >= 1000000000) {
      slice.tv_sec += 1;
      slice.tv_nsec -= 1000000000;
    }
    // FUTEX_LOCK_PI2 takes a CLOCK_MONOTONIC deadline; before Linux 5.14
    // there is only FUTEX_LOCK_PI, waited on without slices.
    int64_t r = slices ? HostSyscall(SYS_futex, word, FUTEX_LOCK_PI2, 0, reinterpret_cast<uint64_t>(&slice))
                       : HostSyscall(SYS_futex, word, FUTEX_LOCK_PI, 0, 0);
    if (r == 0) break;  // the kernel made this thread the holder
    if (r == -ENOSYS) {
      slices = false;
    } else if (r == -ETIMEDOUT) {
      // A slice went by: the holder, in another process, stops at its next
      // block (a stale name costs a kick that the handler ignores).
      lock.kicks_in_flight.fetch_add(1);
      if (uint64_t holder = lock.holder.load()) {
        lock.wanted.store(holder);
        SendKick(static_cast<pid_t>(holder), static_cast<pid_t>(holder >> 32));
      }
      lock.kicks_in_flight.fetch_sub(1);
    } else if (r == -ESRCH) {
      // The holder (`seen`) died with nobody queued to inherit it: take it
      // over, unless another waiter did first. (The kernel may have added
      // FUTEX_WAITERS.)
      uint32_t now = lock.word.load();
      if ((now & FUTEX_TID_MASK) == (seen & FUTEX_TID_MASK) &&
          lock.word.compare_exchange_strong(now, tid | (now & FUTEX_WAITERS))) {
        break;
      }
    }
  }
  lock.holder.store(SharedCpuId(task));
}

// Precondition: the process's cpu_lock is held, by the thread that took the shared one.
void ReleaseSharedCpu(Task& task) {
  Process& process = task.process;
  if (!process.shared_cpu_held.load()) return;
  process.shared_cpu_held.store(false);
  SharedCpuLock& lock = *process.shared_cpu_lock;
  uint64_t me = SharedCpuId(task);
  lock.holder.store(0);
  if (lock.wanted.load() == me) lock.wanted.compare_exchange_strong(me, 0);
  uint32_t tid = static_cast<uint32_t>(task.tid);
  if (!lock.word.compare_exchange_strong(tid, 0)) {  // waiters: the kernel hands it to the first
    HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(&lock.word), FUTEX_UNLOCK_PI);
  }
}

// Who runs guest code holds the process's CPU lock and, when the process
// shares writable memory, the fork tree's shared one after it.
void AcquireGuestCpu(Task& task) {
  Process& process = task.process;
  AcquireCpu(process, task.tid);
  if (process.shares_memory && process.shared_cpu_lock) {
    AcquireSharedCpu(task);
    process.shared_cpu_held.store(true);
  }
}

void ReleaseGuestCpu(Task& task) {
  ReleaseSharedCpu(task);
  ReleaseCpu(task.process);
}

// The kernel's exit_robust_list: each robust futex the dying thread still
// holds gets FUTEX_OWNER_DIED, and one waiter is woken to claim it. The
// caller holds the CPU (CpuExclusive) or is the only thread left.
void ReleaseRobustFutex(Task& task, uint64_t guest_word) {
  uint32_t* word = static_cast<uint32_t*>(task.memory.HostRange(guest_word, 4));
  if (!word || !task.memory.HasAccess(guest_word, 4, kPageRead | kPageWrite)) return;
  uint32_t value = __atomic_load_n(word, __ATOMIC_SEQ_CST);
  for (;;) {
    if ((value & FUTEX_TID_MASK) != static_cast<uint32_t>(task.tid)) return;
    uint32_t died = (value & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
    if (__atomic_compare_exchange_n(word, &value, died, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) break;
  }
  // PI futexes too: ferry serves them as plain ones (sys_futex.cc).
  if (value & FUTEX_WAITERS) HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(word), FUTEX_WAKE, 1);
}

void ReleaseRobustList(Task& task) {
  struct Head {
    uint64_t next;
    int64_t futex_offset;
    uint64_t pending;
  } head;
  if (!task.robust_list || !task.memory.Read(task.robust_list, &head, sizeof head)) return;
  constexpr int kRobustListLimit = 2048;  // the kernel's ROBUST_LIST_LIMIT: a loop must end
  uint64_t entry = head.next;
  for (int i = 0; i < kRobustListLimit && (entry & ~uint64_t{1}) != task.robust_list; ++i) {
    uint64_t at = entry & ~uint64_t{1};
    uint64_t next;
    if (!task.memory.Read(at, &next, sizeof next)) return;
    if (at != (head.pending & ~uint64_t{1})) ReleaseRobustFutex(task, at + head.futex_offset);
    entry = next;
  }
  if (head.pending) ReleaseRobustFutex(task, (head.pending & ~uint64_t{1}) + head.futex_offset);
}

// exit_group and fatal signals end every thread: each releases its
// robust futexes, as each thread does in the kernel's exit path (another
// process may wait on a process-shared one).
[[noreturn]] void EndProcess(Task& task, const GuestExit& how) {
  Process& process = task.process;
  ReleaseVforkParent(task);
  AcquireGuestCpu(task);  // held to the end: the other threads stop here
  for (ThreadSlot& slot : process.slots) {
    Task* thread = slot.tid.load() ? slot.task.load() : nullptr;
    if (thread) ReleaseRobustList(*thread);
  }
  ReleaseSharedCpu(task);  // other processes go on; this one's threads stay stopped
  // A fault the guest dies of: the crash report, while every thread is stopped.
  if (how.signaled && task.fatal_info.si_signo == how.value && GetCrashHooks().guest_crash) {
    GetCrashHooks().guest_crash(task, task.fatal_info);
  }
  if (process.gdb) {
    if (how.signaled) process.gdb->Killed(how.value);
    else process.gdb->Exited(how.value);
  }
  if (how.signaled) {
    if (process.tracer) process.tracer->Killed(how.value);
    DieBySignal(how.value);
  }
  fflush(nullptr);
  EndOwnHelpers();
  HostSyscall(SYS_exit_group, static_cast<uint64_t>(how.value));
  __builtin_unreachable();
}

struct ThreadStart {
  Process* process;
  std::vector<std::pair<int, std::array<uint8_t, 64>>> registers;
  uint64_t flags, stack, parent_tid, tls, child_tid, sigmask;
  SeccompState seccomp;  // the parent's, inherited as clone does
  std::atomic<uint32_t> started{0};
  int64_t result = 0;  // the tid, or -errno
};

void Started(ThreadStart* start, int64_t result) {
  start->result = result;
  start->started.store(1);
  HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(&start->started), FUTEX_WAKE_PRIVATE, 1);
}

void* GuestThreadMain(void* argument) {
  auto* start = static_cast<ThreadStart*>(argument);  // the parent's, until Started
  Process& process = *start->process;
  pid_t tid = static_cast<pid_t>(HostSyscall(SYS_gettid));
  ThreadSlot* slot = ClaimThreadSlot(process, tid, start->sigmask);
  if (!slot) {
    Started(start, -EAGAIN);
    return nullptr;
  }
  auto task = std::make_unique<Task>(process, *slot);
  task->tid = tid;
  if (auto error = AttachCpu(*task)) {
      std::lock_guard<std::mutex> lock(process.threads_lock);
    slot->tid.store(0);
    --process.live_threads;
    Started(start, -ENOMEM);
    return nullptr;
  }
  for (auto& [reg, value] : start->registers) uc_reg_write(task->uc, reg, value.data());
  const arch::ArchInfo& arch = task->arch;
  if (start->stack) task->WriteReg(arch.reg_sp, start->stack);
  if (start->flags & CLONE_SETTLS) task->WriteReg(arch.reg_tls, start->tls);
  task->WriteReg(arch.reg_args[0], 0);  // clone returns 0 in the new thread
  task->seccomp = start->seccomp;
  uint32_t tid32 = static_cast<uint32_t>(tid);
  if (start->flags & CLONE_CHILD_SETTID) task->memory.Write(start->child_tid, &tid32, sizeof tid32);
  if (start->flags & CLONE_PARENT_SETTID) task->memory.Write(start->parent_tid, &tid32, sizeof tid32);
  if (start->flags & CLONE_CHILD_CLEARTID) task->clear_child_tid = start->child_tid;
  slot->task.store(task.get());  // ready for the debugger and the process's end
  SetCurrentTask(task.get());
  Started(start, tid);
  sigset_t none;
  sigemptyset(&none);
  pthread_sigmask(SIG_SETMASK, &none, nullptr);
  FinishThread(*task, RunGuest(*task));
  return nullptr;  // the host thread ends; its stack goes back to the pool
}

// A guest thread the host must place (set_tid, CLONE_INTO_CGROUP), which
// pthread_create cannot ask for. A relay thread made by pthread_create
// makes it with the host's clone3, lends it its own glibc identity (TLS,
// thread descriptor) and sleeps, touching nothing of it, until the guest
// thread has ended; then frees its stack and ends as any thread does.
// ferry reaches every thread by its host tid (tgkill, its own credential
// calls), never by the relay's pthread_t, so the lent descriptor's tid is
// never used to reach it; glibc's own uses of that tid (a recursive
// mutex's owner) stay consistent, as the relay runs nothing meanwhile. The
// relay is one more host thread while the guest thread lives (ending it at
// once would leave glibc's descriptor with a cleared tid, the kernel's
// CLONE_CHILD_CLEARTID, and its stack never freed); Process::relay_tids
// names it, so the guest's /proc/self/task and Threads: leave it out
// (syscalls/proc_view.cc) until the host has let it go, not just until
// the relay returns (RelayTids).
struct RelayStart {
  ThreadStart* start;
  const HostThreadPlacement* placement;
};

constexpr uint64_t kRelayedStackSize = 8 << 20;  // glibc's default thread stack
constexpr uint64_t kGuardSize = 4096;

void RunRelayedThread(void* start) { GuestThreadMain(start); }

void* RelayThreadMain(void* argument) {
  RelayStart relay = *static_cast<RelayStart*>(argument);  // the parent's, until Started
  ThreadStart* start = relay.start;
  {
    Process& process = *start->process;
    std::lock_guard<std::mutex> lock(process.threads_lock);
    process.relay_tids.push_back(static_cast<pid_t>(HostSyscall(SYS_gettid)));
  }
  void* stack = mmap(nullptr, kRelayedStackSize + kGuardSize, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
  if (stack == MAP_FAILED) {
    Started(start, -ENOMEM);
    return nullptr;
  }
  mprotect(stack, kGuardSize, PROT_NONE);
  volatile pid_t running = 1;  // the kernel's 0 (CLONE_CHILD_CLEARTID) when the thread has ended
  int64_t tid = StartRawHostThread(*relay.placement, static_cast<char*>(stack) + kGuardSize, kRelayedStackSize,
                                   &running, RunRelayedThread, start);
  if (tid < 0) {
    Started(start, tid);
  } else {
    while (running != 0) {
      HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(&running), FUTEX_WAIT, static_cast<uint64_t>(running), 0);
    }
  }
  munmap(stack, kRelayedStackSize + kGuardSize);
  return nullptr;
}

}  // namespace

ThreadSlot* ClaimThreadSlot(Process& process, pid_t tid, uint64_t sigmask) {
  std::lock_guard<std::mutex> lock(process.threads_lock);
  std::erase(process.relay_tids, tid);  // an ended relay's tid, used again
  for (ThreadSlot& slot : process.slots) {
    if (slot.tid.load() == 0) {
      slot.sigmask.store(sigmask);
      slot.held_quiet.store(0);  // a new host thread blocks nothing
      slot.tid.store(tid);
      ++process.live_threads;
      return &slot;
    }
  }
  return nullptr;
}

void KickThread(ThreadSlot& slot) {
  Task* self = CurrentTask();
  if (self && &self->slot == &slot) {
    Kick();
  } else if (pid_t tid = slot.tid.load()) {
    SendKick(tid);
  }
}

void RunOnlyThread(Process& process, pid_t tid) {
  process.cpu_lock.only.store(tid);
  HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(&process.cpu_lock.only), FUTEX_WAKE_PRIVATE, INT32_MAX);
}

bool CpuWanted(const Task& task) {
  const Process& process = task.process;
  const CpuLock& lock = process.cpu_lock;
  if (lock.holder.load() != task.tid) return false;
  if (lock.next_ticket.load() != lock.now_serving.load() + 1) return true;  // a thread of this process
  return process.shared_cpu_held.load() && process.shared_cpu_lock->wanted.load() == SharedCpuId(task);
}

SharedCpuLock* MapSharedCpuLock() {
  void* page = mmap(nullptr, sizeof(SharedCpuLock), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return page == MAP_FAILED ? nullptr : new (page) SharedCpuLock();
}

CpuExclusive::CpuExclusive(Task& task) : task_(task) { AcquireGuestCpu(task); }
CpuExclusive::~CpuExclusive() { ReleaseGuestCpu(task_); }

MemoryChange::MemoryChange(Task& task) : task_(task) {
  task.process.memory_lock.lock();
  AcquireCpu(task.process, task.tid);
}

MemoryChange::~MemoryChange() {
  ReleaseCpu(task_.process);
  task_.process.memory_lock.unlock();
}

void MemoryChanged(Task& task, uint64_t addr, uint64_t len, bool code_changed) {
  Process& process = task.process;
  uc_ctl_flush_tlb(task.uc);
  if (code_changed) {
    // Dropping translated code looks the pages up as instruction fetches
    // through the TLB fill hook. Pages that are no longer executable (or
    // mapped) must still resolve, or Unicorn raises a fault outside the run
    // loop; those temporary entries are flushed again at once.
    task.invalidating_code = true;
    uc_ctl_remove_cache(task.uc, addr, addr + len);
    task.invalidating_code = false;
    uc_ctl_flush_tlb(task.uc);
    uint64_t before = process.code_generation.fetch_add(1);
    if (task.code_generation == before) task.code_generation = before + 1;
  }
  task.memory_generation = process.memory_generation.fetch_add(1) + 1;
}

void EnterGuestCode(Task& task, bool in_hook) {
  Process& process = task.process;
  AcquireGuestCpu(task);
  uint64_t generation = process.memory_generation.load();
  if (task.memory_generation != generation) {
    uc_ctl_flush_tlb(task.uc);
    task.memory_generation = generation;
  }
  uint64_t code = process.code_generation.load();
  if (task.code_generation != code) {
    // Another thread changed code pages. Translated code cannot be dropped
    // under a running block: from a hook, stop first; the run loop drops it.
    if (in_hook) {
      uc_emu_stop(task.uc);
    } else {
      uc_ctl_flush_tb(task.uc);
      task.code_generation = code;
    }
  }
}

void LeaveGuestCode(Task& task) { ReleaseGuestCpu(task); }

// Holding the process's CPU lock, no thread of this process holds the
// shared one (it is taken second and given back first), so no waiter in
// another process can read a name of ours from `holder` from here on; the
// ones that read one already are waited out.
// A waiter killed between its count and its kick leaves the count up for
// good: the wait is bounded (a live one is done within microseconds).
void HoldCpuForExec(Task& task) {
  AcquireCpu(task.process, task.tid);
  SharedCpuLock* shared = task.process.shared_cpu_lock;
  if (!shared) return;
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  while (shared->kicks_in_flight.load() != 0) {
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((now.tv_sec - start.tv_sec) * 1000000000L + (now.tv_nsec - start.tv_nsec) > kKickDrainLimitNs) break;
    sched_yield();
  }
}

void ReleaseCpuAfterFailedExec(Task& task) { ReleaseCpu(task.process); }

int64_t StartGuestThread(Task& parent, uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t tls,
                         uint64_t child_tid, const HostThreadPlacement& placement) {
  ThreadStart start;
  start.process = &parent.process;
  const arch::ArchInfo& arch = parent.arch;
  std::vector<int> regs;
  for (size_t i = 0; i < arch.gdb_register_count; ++i) regs.push_back(arch.gdb_registers[i].uc_reg);
  regs.push_back(arch.reg_tls);
  for (int reg : regs) {
    std::array<uint8_t, 64> value{};
    uc_reg_read(parent.uc, reg, value.data());
    start.registers.emplace_back(reg, value);
  }
  start.flags = flags;
  start.stack = stack;
  start.parent_tid = parent_tid;
  start.tls = tls;
  start.child_tid = child_tid;
  start.sigmask = parent.sigmask.load();
  start.seccomp = parent.seccomp;

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);  // the new thread takes no signal before it is set up
  pthread_t thread;
  RelayStart relay{&start, &placement};
  int err = placement.Needed() ? pthread_create(&thread, &attr, RelayThreadMain, &relay)
                               : pthread_create(&thread, &attr, GuestThreadMain, &start);
  ReclaimLibcSignals();
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  pthread_attr_destroy(&attr);
  if (err) return -EAGAIN;
  while (start.started.load() == 0) {
    HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(&start.started), FUTEX_WAIT_PRIVATE, 0, 0);
  }
  return start.result;
}

void FinishThread(Task& task, const GuestExit& how) {
  Process& process = task.process;
  if (!how.thread_only) EndProcess(task, how);
  task.helper.reset();
  // The CPU goes back to the process before the CLONE_CHILD_CLEARTID wake:
  // a joiner that creates the next thread at once finds it there.
  DetachCpu(task);
  {
    CpuExclusive exclusive(task);
    ReleaseRobustList(task);
    uint32_t zero = 0;
    if (task.clear_child_tid && task.memory.Write(task.clear_child_tid, &zero, sizeof zero)) {
      HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(task.memory.Host(task.clear_child_tid)), FUTEX_WAKE, 1);
    }
  }
  bool last;
  {
    std::lock_guard<std::mutex> lock(process.threads_lock);
    last = --process.live_threads == 0;
    if (!last) {
      SetCurrentTask(nullptr);
      task.slot.task.store(nullptr);
      task.slot.pending.Clear();
      task.slot.tid.store(0);
    }
  }
  // Process-directed signals this thread was to take go to another, as the
  // kernel's exit_signals retargets them.
  if (!last) RetargetProcessSignals(task, ~uint64_t{0});
  // The last thread's code is the process's, as this host's kernel (6.x)
  // reports it when the main thread ended first.
  if (last) EndProcess(task, GuestExit{false, how.value});
}

std::vector<pid_t> RelayTids(Process& process) {
  std::lock_guard<std::mutex> lock(process.threads_lock);
  std::erase_if(process.relay_tids, [&](pid_t tid) {
    return HostSyscall(SYS_tgkill, getpid(), tid, 0) == -ESRCH;
  });
  return process.relay_tids;
}

void ForgetOtherThreadsAfterFork(Task& task) {
  Process& process = task.process;
  // Locks other threads may have held at the fork are made anew: they stayed behind.
  new (&process.threads_lock) std::mutex();
  new (&process.memory_lock) std::recursive_mutex();
  process.cpu_lock.now_serving.store(process.cpu_lock.next_ticket.load());  // nobody holds the CPU
  process.cpu_lock.holder.store(0);
  process.cpu_lock.sleepers.store(0);
  // A parent's thread may hold the shared CPU lock: it stays that thread's.
  process.shared_cpu_held.store(false);
  for (ThreadSlot& slot : process.slots) {
    if (&slot == &task.slot) continue;
    slot.tid.store(0);
    // An exiting thread may have held its pending set's spinlock at the fork.
    new (&slot.pending) PendingSignals();
  }
  task.tid = static_cast<pid_t>(HostSyscall(SYS_gettid));
  task.slot.tid.store(task.tid);
  process.live_threads = 1;
  process.relay_tids.clear();
  process.leader_tid = task.tid;
}

}  // namespace ferry
