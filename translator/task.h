// A guest thread and the process state it sees. One Task per guest thread;
// for now a guest process has exactly one.
#pragma once

#include <unicorn/unicorn.h>

#include <cstdint>
#include <string>

#include "arch/arch.h"
#include "translator/guest_memory.h"
#include "translator/options.h"

namespace translator {

constexpr int kGuestSignals = 64;

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
struct GuestFault {
  enum Code { kMapErr = 1, kAccErr = 2 };  // SEGV_MAPERR, SEGV_ACCERR
  bool pending = false;
  uint64_t addr = 0;
  Code code = kMapErr;
};

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
  uint64_t clear_child_tid = 0;
  uint64_t robust_list = 0;
  uint64_t robust_list_len = 0;

  GuestFault fault;
  bool ended = false;
  GuestExit exit;
};

}  // namespace translator
