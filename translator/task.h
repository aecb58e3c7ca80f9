// A guest thread and the process state it sees. One Task per guest thread;
// for now a guest process has exactly one.
#pragma once

#include <signal.h>
#include <unicorn/unicorn.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "arch/arch.h"
#include "restart/restart.h"
#include "translator/guest_memory.h"
#include "translator/options.h"
#include "translator/sysroot.h"
#include "translator/tracer.h"
#include "translator/syscall_helper.h"

namespace translator {

class GdbStub;

constexpr int kGuestSignals = 64;
constexpr uint64_t kGuestSigsetSize = 8;  // the kernel's sigset_t: 64 bits

// The guest's view of a handler, in the kernel's own (not libc's) terms.
struct GuestSigaction {
  uint64_t handler = 0;
  uint64_t flags = 0;
  uint64_t restorer = 0;
  uint64_t mask = 0;
};

// How the guest ended: exit_group(code) or a fatal signal.
struct GuestExit {
  bool signaled = false;
  int value = 0;  // exit code or signal number
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

class Task {
 public:
  Task(const arch::ArchInfo& arch, GuestMemory& memory, const Options& options)
      : arch(arch), memory(memory), options(options) {}

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

  const arch::ArchInfo& arch;
  GuestMemory& memory;
  const Options& options;
  uc_engine* uc = nullptr;

  // Process state ferry keeps for the guest.
  uint64_t brk_start = 0;
  uint64_t brk_current = 0;
  GuestSigaction sigactions[kGuestSignals + 1];
  uint64_t sigmask = 0;
  struct AltStack {
    uint64_t sp = 0;
    uint64_t size = 0;
    bool enabled = false;
  } altstack;
  uint64_t sigreturn_trampoline = 0;  // guest address of the rt_sigreturn stub
  // uc_emu_start's `until`: an address in the trampoline's executable page that
  // holds no code. Unicorn fetches from it when stopped, so it must be mapped.
  uint64_t stop_address = 0;
  bool sigreturn_pending = false;     // rt_sigreturn: restore the frame once dispatch is done
  bool sigsuspend_active = false;     // the next frame saves sigsuspend_saved_mask
  uint64_t sigsuspend_saved_mask = 0;
  restart::RestartBlock restart_block;
  const char* resumed_call = "";      // what the last restart_syscall resumed (for --strace)
  uint64_t sigreturn_mask = 0;        // the mask the last rt_sigreturn restored (for --strace)
  std::set<pid_t> children;  // the guest's own child processes (from fork)
  std::string exe_path;       // the guest program's absolute path as the guest sees it (/proc/self/exe)
  std::string exe_host_path;  // ... and where it is on the host (inside the sysroot, say)
  Sysroot sysroot;       // where guest absolute paths are looked up first
  // Where execve put things, for the guest's /proc/self files.
  struct Layout {
    uint64_t start_code = 0, end_code = 0, start_stack = 0;
    uint64_t arg_start = 0, arg_end = 0, env_start = 0, env_end = 0;
    uint64_t auxv = 0, auxv_size = 0;
    uint64_t execfn = 0;  // AT_EXECFN: the program's name as execve was given it
    uint64_t loader_start = 0, loader_end = 0;  // the dynamic loader (none: 0, 0)
  } layout;
  uint64_t clear_child_tid = 0;
  uint64_t robust_list = 0;
  uint64_t robust_list_len = 0;

  std::unique_ptr<Tracer> tracer;         // --strace / --trace-json, when on
  GdbStub* gdb = nullptr;                 // --gdb, while a debugger is attached
  std::unique_ptr<SyscallHelper> helper;  // started by the first blocking call
  const struct SyscallRow* current_row = nullptr;  // the call being dispatched
  uint64_t current_args[6] = {};
  bool helper_failed = false;

  GuestFault fault;
  FaultProbe probe;
  bool invalidating_code = false;  // see GuestMemory::on_change in cpu.cc
  uint64_t tlb_fills = 0;        // TLB misses so far (see OnTlbFill)
  uint64_t tlb_flush_at = 1024;
  bool ended = false;
  GuestExit exit;
};

}  // namespace translator
