// A guest thread: its CPU, signal mask, pending signals, syscall helper and
// restart block. What its process shares lives in Process (process.h).
#pragma once

#include <signal.h>
#include <unicorn/unicorn.h>

#include <cstdint>
#include <memory>
#include <map>
#include <vector>
#include <string>

#include "arch/arch.h"
#include "arch/generic/abi.h"
#include "restart/restart.h"
#include "memory/guest_memory.h"
#include "config/options.h"
#include "runtime/process.h"
#include "runtime/seccomp.h"
#include "vfs/sysroot.h"
#include "host/syscall_helper.h"

namespace ferry {

constexpr uint64_t kGuestSigsetSize = guest::kSigsetSize;

// How a guest thread ended: exit_group(code) or a fatal signal ends the
// process; exit(code) (`thread_only`) ends one thread.
struct GuestExit {
  bool signaled = false;
  int value = 0;  // exit code or signal number
  bool thread_only = false;
};

// The last memory access the TLB refused (for SIGSEGV and, later, si_addr/si_code).
// Replaying a faulting instruction to learn its exact data address: the
// faulting page is lent a scratch page's backing for one instruction.
struct FaultProbe {
  bool active = false;
  uint64_t page = 0;     // the faulting guest page
  uint64_t scratch = 0;  // Unicorn-physical address of a page past the guest space that stands in for it
  uint64_t address = 0;  // the first access seen on `page`
};

struct GuestFault {
  enum Code { kMapErr = 1, kAccErr = 2, kBusAdrErr = 2 };  // SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR
  bool pending = false;
  bool fetch = false;
  uint64_t addr = 0;  // Unicorn reports the page; RunGuest refines it
  Code code = kMapErr;
  int signo = SIGSEGV;
  bool exact = false;  // addr is already the byte touched (a host fault said so)
};

// SIGKILL and SIGSTOP: no mask may block them.
constexpr uint64_t kUnblockableSignals = (uint64_t{1} << (SIGKILL - 1)) | (uint64_t{1} << (SIGSTOP - 1));

// Where a syscall's host calls ran besides inline (Task::ran).
enum RanWhere : uint8_t {
  kRanInHelper = 1 << 0,   // the syscall helper (syscalls/blocking_call.cc)
  kRanAsSafeSyscall = 1 << 1,  // inline, interruptible (safe_syscall.h)
};

// One finished (or running) syscall, for crash reports: the last
// kSyscallRing of each thread are kept, always (dispatch.cc).
struct SyscallRecord {
  uint64_t nr;
  uint64_t args[6];
  int64_t result;  // kSyscallRunning while the call has not returned
};
constexpr int kSyscallRing = 64;
constexpr int64_t kSyscallRunning = INT64_MIN;

class Task {
 public:
  Task(Process& process, ThreadSlot& slot)
      : process(process), slot(slot), arch(process.arch), memory(process.memory), options(process.options),
        sigmask{slot.sigmask} {}

  uint64_t ReadReg(int reg) const {
    uint64_t v = 0;
    uc_reg_read(uc, reg, &v);
    return v;
  }
  void WriteReg(int reg, uint64_t value) { uc_reg_write(uc, reg, &value); }

  // A call's own signal mask (rt_sigsuspend, ppoll, pselect6) replaces the
  // guest's until the call ends; a handler it lets in returns to the old one.
  void UseTemporaryMask(uint64_t mask) {
    sigsuspend_saved_mask = sigmask;
    sigsuspend_active = true;
    sigmask = mask & ~kUnblockableSignals;
  }
  void EndTemporaryMask() {
    if (!sigsuspend_active) return;
    sigmask = sigsuspend_saved_mask;
    sigsuspend_active = false;
  }

  // Stops the CPU; the run loop returns `how`.
  void End(GuestExit how) {
    ended = true;
    exit = how;
    uc_emu_stop(uc);
  }

  Process& process;
  ThreadSlot& slot;  // what other threads and signal handlers may touch
  const arch::ArchInfo& arch;
  GuestMemory& memory;
  const Options& options;
  uc_engine* uc = nullptr;
  uc_hook hooks[2] = {};  // TLB fill and interrupt, bound to this Task
  pid_t tid = 0;

  std::atomic<uint64_t>& sigmask;  // blocked signals (bit sig-1), in the slot for signal handlers
  struct AltStack {
    uint64_t sp = 0;
    uint64_t size = 0;
    bool enabled = false;
  } altstack;
  bool sigreturn_pending = false;     // rt_sigreturn: restore the frame once dispatch is done
  bool sigsuspend_active = false;     // the next frame saves sigsuspend_saved_mask
  uint64_t sigsuspend_saved_mask = 0;
  restart::RestartBlock restart_block;
  const char* resumed_call = "";      // what the last restart_syscall resumed (for --strace)
  uint64_t sigreturn_mask = 0;        // the mask the last rt_sigreturn restored (for --strace)
  uint32_t msg_namelen_before = 0;    // recvmsg's msg_namelen on entry (for --strace: "100 => 16")
  uint32_t cap_version_in = 0;        // capget/capset's header version before the call (for --strace)
  int32_t ifc_len_before = 0;         // SIOCGIFCONF's ifc_len on entry (for --strace: "320 => 80")
  uint64_t clear_child_tid = 0;       // CLONE_CHILD_CLEARTID / set_tid_address: zeroed and woken at exit
  pid_t vfork_parent = 0;             // a vfork child: the parent waiting for its exec or exit
  struct VforkDone* vfork_done = nullptr;  // ... the word it waits on (vfork.h)
  // ... and the pages it stored to, as they were before (vfork.h: ReleaseVforkParent)
  std::map<uint64_t, std::vector<uint8_t>> vfork_written;
  uint64_t robust_list = 0;
  uint64_t robust_list_len = 0;
  SeccompState seccomp;  // the thread's mode and filters: a fork or a new thread inherits them

  std::unique_ptr<SyscallHelper> helper;  // started by the first blocking call
  const struct SyscallRow* current_row = nullptr;  // the call being dispatched
  uint64_t current_args[6] = {};
  bool helper_failed = false;
  uint8_t ran = 0;  // RanWhere bits: where the current call's host calls went (dispatch checks the row's class)

  GuestFault fault;
  FaultProbe probe;
  // The fault signal the guest dies of (for the crash report), set when
  // a fault ends it; si_signo 0 otherwise.
  siginfo_t fatal_info{};
  // The last syscalls, oldest overwritten: record n is at n % kSyscallRing.
  SyscallRecord syscall_ring[kSyscallRing];
  uint64_t syscall_count = 0;
  bool invalidating_code = false;  // see GuestMemory::on_change in cpu.cc
  uint64_t memory_generation = 0;  // Process::memory_generation this CPU's TLB matches
  uint64_t code_generation = 0;    // Process::code_generation this CPU's translations match
  uint64_t tlb_fills = 0;        // TLB misses so far (see OnTlbFill)
  uint64_t tlb_flush_at = 1024;
  bool ended = false;
  GuestExit exit;
};

}  // namespace ferry
