// What every thread of a guest process shares: the address space, signal
// dispositions, the program break, children, the program's identity, the
// trace and the debugger. Each guest thread is a Task (task.h) on its own
// host thread with its own Unicorn instance; they meet here.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <unicorn/unicorn.h>

#include "arch/arch.h"
#include "arch/generic/abi.h"
#include "loader/program_loader.h"
#include "memory/guest_memory.h"
#include "config/options.h"
#include "runtime/pending_signals.h"
#include "vfs/sysroot.h"
#include "runtime/debugger.h"
#include "runtime/trace_hooks.h"

namespace ferry {

class Task;

constexpr int kGuestSignals = 64;

// The guest's view of a handler, in the kernel's own (not libc's) terms.
using GuestSigaction = guest::Sigaction;

// What other threads and ferry's signal handlers may read or change of a
// guest thread, kept in a fixed array that outlives the thread (a handler
// may look at a slot while its thread exits). tid 0: free.
struct ThreadSlot {
  std::atomic<pid_t> tid{0};
  std::atomic<Task*> task{nullptr};  // for the process's end: its robust futexes
  std::atomic<uint64_t> sigmask{0};   // the guest thread's blocked signals (bit sig-1)
  PendingSignals pending;             // signals directed at this thread (tgkill, faults)
  std::atomic<uint64_t> held_quiet{0};  // quiet signals its host thread blocks (quiet_signals.h)
  // A FUTEX_WAIT_REQUEUE_PI in progress (sys_futex.cc): the guest words it
  // waits on and for, and its state (kRequeuePi*).
  std::atomic<uint64_t> requeue_pi_from{0}, requeue_pi_to{0};
  std::atomic<int> requeue_pi_state{0};
};

// Who runs translated code: one guest thread at a time (see threads.h).
// A fair ticket lock; `holder` is kicked when another waits too long.
struct CpuLock {
  std::atomic<uint32_t> next_ticket{0};
  std::atomic<uint32_t> now_serving{0};
  std::atomic<pid_t> holder{0};
  // A debugger resumed one thread alone (vCont with no default action):
  // every other thread waits at the lock until the next resume.
  std::atomic<pid_t> only{0};
  // Waiters sleep on the word of their ticket (modulo), so a release wakes
  // only the thread served next and the one behind it, not all of them.
  static constexpr int kTurnWords = 256;
  std::atomic<uint32_t> turn[kTurnWords] = {};
  // Waiters asleep on a turn word: a release with none makes no futex call.
  std::atomic<uint32_t> sleepers{0};
};

// Who runs translated code across the processes of one fork tree that
// share writable memory (threads.cc): Unicorn's atomics are plain loads and
// stores there too. It lives in a MAP_SHARED page mapped at start-up, at the
// same address in every forked ferry; an execve starts a fresh one.
// `word` is a priority-inheritance futex (0, or the holder's tid with
// FUTEX_WAITERS), so the kernel keeps order and survives deaths:
// - an unlock with waiters hands it to the first waiter queued in the
//   kernel, so a holder that stops for a syscall or a kick cannot take it
//   straight back;
// - when the holder dies however it dies (SIGKILL, zapped by another
//   thread's execve), the kernel hands it to a queued waiter, or answers
//   the next FUTEX_LOCK_PI with ESRCH (an unreaped zombie too), and that
//   waiter takes it over.
struct SharedCpuLock {
  std::atomic<uint32_t> word{0};
  // pid << 32 | tid of the holder (0: none), which a waiter kicks after a
  // time slice ...
  std::atomic<uint64_t> holder{0};
  // ... after naming it here: its kick handler then stops the CPU.
  std::atomic<uint64_t> wanted{0};
  // Waiters between reading `holder` and sending its kick: an execve waits
  // for none to be left (HoldCpuForExec), so no kick read off a stale name
  // reaches the next program.
  std::atomic<uint32_t> kicks_in_flight{0};
};
// Null when the page cannot be had: processes then race as before.
SharedCpuLock* MapSharedCpuLock();

constexpr int kMaxThreads = 1024;

// A Unicorn instance an exited thread left for the next (cpu.h).
struct SpareCpu {
  uc_engine* uc;
  uint64_t code_generation;  // Process::code_generation its translations match
};

struct Process {
  Process(const arch::ArchInfo& arch, GuestMemory& memory, const Options& options)
      : arch(arch), memory(memory), options(options) {}

  const arch::ArchInfo& arch;
  GuestMemory& memory;
  const Options& options;

  // The guest's RLIMIT_AS (sys_limits.cc); until it sets one, the host's.
  struct {
    bool set = false;
    uint64_t cur = 0, max = 0;
  } as_limit;
  uint64_t brk_start = 0;
  uint64_t brk_current = 0;
  GuestSigaction sigactions[kGuestSignals + 1];
  PendingSignals pending;  // process-directed signals: any thread not blocking one takes it
  // --seed (or its stream continued after execve): ferry's own choices the
  // guest can see follow program state, not timing. Here: a process-directed
  // signal is taken only by the thread ChooseThread names (signals.cc).
  const bool deterministic = options.seed.has_value() || !options.random_state.empty();
  uint64_t sigreturn_trampoline = 0;  // guest address of the rt_sigreturn stub
  // uc_emu_start's `until`: an address in the trampoline's executable page that
  // holds no code. Unicorn fetches from it when stopped, so it must be mapped.
  uint64_t stop_address = 0;
  std::set<pid_t> children;   // the guest's own child processes (from fork)
  std::string exe_path;       // the guest program's absolute path as the guest sees it (/proc/self/exe)
  std::string exe_host_path;  // ... and where it is on the host (inside the sysroot, say)
  Sysroot sysroot;            // where guest absolute paths are looked up first
  bool chrooted = false;      // the guest chroot()ed: the host root is its root, no sysroot
  ProgramLayout layout;
  std::unique_ptr<TraceHooks> tracer;  // --strace / --trace-json, when on (trace/tracer.h)
  Debugger* gdb = nullptr;             // --gdb, while a debugger is attached (gdb/gdb_stub.h)

  // The guest's threads (threads.cc). Slots are claimed and released under
  // threads_lock; signal handlers read them without it.
  std::mutex threads_lock;
  ThreadSlot slots[kMaxThreads];
  int live_threads = 0;
  // The relay host threads of guest threads the host had to place
  // (threads.cc: RelayTids): no guest threads, so the guest's /proc view
  // leaves them out.
  std::vector<pid_t> relay_tids;
  std::vector<SpareCpu> spare_cpus;
  pid_t leader_tid = 0;           // the main thread

  CpuLock cpu_lock;
  // The guest has writable shared memory (a MAP_SHARED mapping with
  // PROT_WRITE, or mprotected so), here or inherited across fork: whoever
  // runs translated code then holds shared_cpu_lock too, after cpu_lock.
  // Set under cpu_lock and never cleared; processes without it pay nothing.
  bool shares_memory = false;
  std::atomic<bool> shared_cpu_held{false};  // cpu_lock's holder holds shared_cpu_lock too
  SharedCpuLock* const shared_cpu_lock = MapSharedCpuLock();
  // Memory changes (mmap, munmap, mprotect, mremap, brk) serialise on
  // memory_lock and hold cpu_lock, so no thread runs meanwhile; each bumps
  // memory_generation (and code_generation when translated code may be
  // stale) so other threads flush before they run again.
  std::recursive_mutex memory_lock;
  std::atomic<uint64_t> memory_generation{0};
  std::atomic<uint64_t> code_generation{0};
};

}  // namespace ferry
