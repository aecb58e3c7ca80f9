// Guest threads. Each runs on its own host thread with its own Unicorn
// instance over the one shared guest address space (guest address g is host
// address base + g for every CPU). What the threads share is Process; what
// one thread may do to another goes through its ThreadSlot: stop its CPU
// (a kick signal) or queue a signal.
//
// Translated code runs one thread at a time, under Process::cpu_lock:
// Unicorn builds its blocks for a single CPU and translates the guest's
// atomic instructions (LDXR/STXR, CAS, LDADD, LR/SC, AMOs) into plain loads
// and stores, which would race across host threads. Syscalls, and so every
// blocking call, run outside the lock, in parallel. A thread that waits
// more than a time slice for the lock kicks the holder off the CPU.
// A process that shares writable memory with others of its fork tree
// (Process::shares_memory) also takes their shared lock (SharedCpuLock),
// after its own, in the same places and with the same kicks.
#pragma once

#include <cstdint>
#include <vector>

#include "host/raw_thread.h"
#include "runtime/task.h"

namespace ferry {

// Claims a free slot for thread `tid`, whose guest signal mask starts as
// `sigmask` (set before the slot is seen: a process-directed signal must not
// pick a new thread as unblocked that its creator blocked); null when
// kMaxThreads are live.
ThreadSlot* ClaimThreadSlot(Process& process, pid_t tid, uint64_t sigmask = 0);

// Makes the thread in `slot` look at its pending work (signals, memory
// changes) soon: its CPU stops at the next block, its blocking call ends.
// Async-signal-safe.
void KickThread(ThreadSlot& slot);

// Memory changes: a syscall that changes mappings or protections holds a
// MemoryChange for its duration (no other thread runs translated code
// meanwhile). GuestMemory::on_change calls MemoryChanged on that thread:
// its own CPU drops stale TLB entries and translated code at once; the
// others catch up in EnterGuestCode before they run again.
class MemoryChange {
 public:
  explicit MemoryChange(Task& task);
  ~MemoryChange();

 private:
  Task& task_;
};
void MemoryChanged(Task& task, uint64_t addr, uint64_t len, bool code_changed);

// Holds the CPU lock from a syscall handler: no guest code runs meanwhile,
// so ferry's own read-modify-writes of guest words (PI futexes, robust
// lists) are atomic with respect to the guest's non-atomic "atomics".
class CpuExclusive {
 public:
  explicit CpuExclusive(Task& task);
  ~CpuExclusive();

 private:
  Task& task_;
};

// Around translated code: the run loop calls EnterGuestCode just before
// uc_emu_start (outside Unicorn: it may drop translated code) and
// LeaveGuestCode after; the syscall hook calls LeaveGuestCode on entry and
// EnterGuestCode(in_hook = true) on exit. Enter takes the CPU lock.
void EnterGuestCode(Task& task, bool in_hook);
void LeaveGuestCode(Task& task);
// A debugger's scheduler locking: only thread `tid` may run guest code
// until the next call (0: every thread may).
void RunOnlyThread(Process& process, pid_t tid);
// Around a host execve (called outside guest code): no other thread runs
// guest code meanwhile, and no kick from another process that shares the
// CPU lock is on its way to one of this process's threads.
void HoldCpuForExec(Task& task);
void ReleaseCpuAfterFailedExec(Task& task);
// Whether another thread waits for this one's CPU (async-signal-safe).
bool CpuWanted(const Task& task);

// clone with CLONE_THREAD: starts the thread and returns its tid (or -errno).
// A placement (clone3's set_tid, CLONE_INTO_CGROUP) is the host kernel's to
// honour and check: the host thread is made by its clone3.
int64_t StartGuestThread(Task& parent, uint64_t flags, uint64_t stack, uint64_t parent_tid,
                         uint64_t tls, uint64_t child_tid, const HostThreadPlacement& placement = {});

// The host threads of this process that relay a placed guest thread (and
// are no guest threads); ended relays are dropped from the list here, as
// the host lets them go.
std::vector<pid_t> RelayTids(Process& process);

// After RunGuest returns. A process exit (exit_group, a fatal signal) ends
// every thread at once and does not return. A thread's own exit releases
// its robust futexes, clears and wakes its CLONE_CHILD_CLEARTID word and
// closes its CPU; the last thread's exit ends the process. Otherwise it
// returns, and the caller ends its host thread.
void FinishThread(Task& task, const GuestExit& how);

// In a forked child: the other threads stayed behind.
void ForgetOtherThreadsAfterFork(Task& task);

}  // namespace ferry
