#include "runtime/cpu.h"

#include <signal.h>
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <set>
#include <vector>

#include "runtime/crash_hooks.h"
#include "runtime/quiet_signals.h"
#include "runtime/signals.h"
#include <sys/uio.h>

#include "runtime/async_stop.h"
#include "runtime/threads.h"

namespace ferry {
namespace {

SyscallDispatch g_dispatch = nullptr;  // set once at start-up (SetSyscallDispatch)

// Guest page protections become TLB permissions; unmapped pages fault.
// paddr must be the full address (Unicorn 2.1.4 mishandles a page-aligned one).
// A refused or insufficient fill is remembered: Unicorn then stops with a
// bare UC_ERR_EXCEPTION, and this record is what makes it a SIGSEGV.
bool OnTlbFill(uc_engine* uc, uint64_t vaddr, uc_mem_type type, uc_tlb_entry* entry, void* user) {
  Task& task = *static_cast<Task*>(user);
  // Unicorn's softmmu TLB starts at 256 entries and only resizes when
  // flushed; ferry rarely flushes, so a big working set would miss forever
  // (10x qemu-user on a store-heavy loop). Flushing at exponentially spaced
  // fill counts lets it grow to fit, at a handful of flushes per run.
  if (++task.tlb_fills >= task.tlb_flush_at) {
    uc_ctl_flush_tlb(uc);
    task.tlb_flush_at = task.tlb_fills * 2;
  }
  if (task.invalidating_code) {
    entry->paddr = vaddr;
    entry->perms = UC_PROT_ALL;
    return true;
  }
  uint8_t state = task.memory.PageState(vaddr);
  uint8_t need = type == UC_MEM_WRITE ? kPageWrite : type == UC_MEM_FETCH ? kPageExec : kPageRead;
  bool fetch = type == UC_MEM_FETCH;
  if (task.probe.active && PageDown(vaddr) == task.probe.page) {
    entry->paddr = task.probe.scratch + (vaddr - task.probe.page);
    entry->perms = static_cast<uc_prot>(UC_PROT_READ | UC_PROT_WRITE);
    return true;
  }
  if (!(state & kPageMapped)) {
    task.fault = {true, fetch, vaddr, GuestFault::kMapErr};
    return false;
  }
  if (state & kPageBeyondEof) {
    // Past the file's end when mapped: SIGBUS, as the kernel gives, unless
    // the file has grown since. Reading the host page would raise SIGBUS in
    // ferry itself, so ask the kernel through process_vm_readv instead.
    char byte;
    struct iovec local = {&byte, 1}, remote = {task.memory.Host(PageDown(vaddr)), 1};
    if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != 1) {
      task.fault = {true, fetch, vaddr, GuestFault::kBusAdrErr, SIGBUS};
      return false;
    }
    task.memory.ClearBeyondEof(vaddr);
  }
  if (!(state & need)) task.fault = {true, fetch, vaddr, GuestFault::kAccErr};
  entry->paddr = vaddr;
  entry->perms = static_cast<uc_prot>(state & 7);
  if (task.vfork_parent) {
    // A vfork child shares its parent's memory in the kernel; ferry's is a
    // copy, so pages the child writes are noted, with what they held, to
    // copy back the bytes it changed. Only a store's fill gets write
    // permission, so the first store to each page comes through here.
    if (type == UC_MEM_WRITE && (state & kPageWrite)) {
      uint64_t page = PageDown(vaddr);
      if (!task.vfork_written.count(page)) {  // as it was before the child's first store
        const uint8_t* bytes = static_cast<const uint8_t*>(task.memory.Host(page));
        task.vfork_written.emplace(page, std::vector<uint8_t>(bytes, bytes + kPageSize));
      }
    } else {
      entry->perms = static_cast<uc_prot>(entry->perms & ~UC_PROT_WRITE);
    }
  }
  return true;
}

// Whether the guest instruction at `pc` is a breakpoint (4 bytes, or 2 for a
// compressed one at the end of a page).
bool IsBreakpointAt(const Task& task, uint64_t pc) {
  uint32_t insn = 0;
  if (!task.memory.Read(pc, &insn, 4) && !task.memory.Read(pc, &insn, 2)) return false;
  return task.arch.is_breakpoint(insn);
}

// A fault: a guest handler gets it with its siginfo; otherwise the guest dies.
void RaiseSynchronousSignal(Task& task, const siginfo_t& info) {
  if (DispositionOf(task, info.si_signo) != Disposition::kHandler) {
    task.fatal_info = info;  // for the crash report (crash_hooks.h)
    if (task.process.tracer) task.process.tracer->Signal(info);
    task.End({true, info.si_signo});  // blocked or default: the kernel kills
    return;
  }
  QueueGuestSignal(task, info.si_signo, &info);
  DeliverSignals(task);
}

void OnInterruptInner(Task& task, uint32_t intno) {
  if (intno == task.arch.syscall_intno) {
    g_dispatch(task);
    return;
  }
  // An instruction the kernel would emulate (counter and ID registers).
  if (intno == task.arch.undefined_intno && task.arch.emulate_undefined(task.uc, task.memory)) return;
  uint64_t pc = task.ReadReg(task.arch.reg_pc);
  bool breakpoint = intno == task.arch.breakpoint_intno || IsBreakpointAt(task, pc);
  siginfo_t info{};
  info.si_signo = breakpoint ? SIGTRAP : SIGILL;
  info.si_code = info.si_signo == SIGTRAP ? TRAP_BRKPT : ILL_ILLOPC;
  info.si_addr = reinterpret_cast<void*>(pc);
  RaiseSynchronousSignal(task, info);
}

// A hook that moves the PC (a signal frame, sigreturn, a restart) ends this
// uc_emu_start: Unicorn 2.1.4's uc_reg_write of the PC inside a hook leaves
// a flag behind that would make a later asynchronous stop resume at a stale
// PC; the run loop's next uc_emu_start clears it.
// A syscall may block or change memory: meanwhile the thread is out of
// translated code, so other threads' memory changes do not wait for it.
void OnInterrupt(uc_engine* uc, uint32_t intno, void* user) {
  Task& task = *static_cast<Task*>(user);
  uint64_t pc_before = task.ReadReg(task.arch.reg_pc);
  LeaveGuestCode(task);
  BeginSyscallHook();
  OnInterruptInner(task, intno);
  EnterGuestCode(task, true);
  EndSyscallHook();
  if (task.ReadReg(task.arch.reg_pc) != pc_before) uc_emu_stop(uc);
}

// The guest invalidated its instruction cache (an instruction, from a hook
// inside translated code, so this thread holds the CPU): a code change like
// any other (the code may have come from a host syscall or another thread,
// which Unicorn does not see).
void OnIcacheInvalidate(void*, uint64_t addr, uint64_t len) {
  Task* task = CurrentTask();
  if (!task) return;
  uint64_t size = task->memory.size();
  uint64_t start = std::min(addr, size);
  MemoryChanged(*task, start, std::min(len, size - start), true);
}

void RecordProbeAccess(uc_engine*, uc_mem_type, uint64_t address, int, int64_t, void* user) {
  FaultProbe& probe = static_cast<Task*>(user)->probe;
  // Memory hooks see the TLB's physical address, here the scratch page's.
  if (probe.address == 0 && PageDown(address) == probe.scratch) {
    probe.address = probe.page + (address - probe.scratch);
  }
}

// Unicorn's TLB names only the faulting page. For si_addr, replay the
// instruction once with that page backed by a scratch page and a memory
// hook on (the slow path, for one instruction), then put every register back.
uint64_t PreciseFaultAddress(Task& task) {
  uint64_t pc = task.ReadReg(task.arch.reg_pc);
  if (task.fault.fetch) return pc;
  if (!task.probe.scratch) return task.fault.addr;
  CpuExclusive exclusive(task);  // a replay is translated code too: no other thread runs meanwhile
  uc_context* saved = nullptr;
  if (uc_context_alloc(task.uc, &saved) != UC_ERR_OK) return task.fault.addr;
  uc_context_save(task.uc, saved);
  task.probe.active = true;
  task.probe.page = PageDown(task.fault.addr);
  task.probe.address = 0;
  uc_hook hook;
  uc_ctl_flush_tlb(task.uc);
  uc_ctl_remove_cache(task.uc, pc, pc + 4);
  if (uc_hook_add(task.uc, &hook, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
                  reinterpret_cast<void*>(RecordProbeAccess), &task, 1, 0) == UC_ERR_OK) {
    AllowMidBlockExits(task.uc, true);  // count=1 must stop after one instruction
    uc_emu_start(task.uc, pc, task.process.stop_address, 0, 1);
    AllowMidBlockExits(task.uc, false);
    uc_hook_del(task.uc, hook);
  }
  task.probe.active = false;
  uc_ctl_flush_tlb(task.uc);
  uc_ctl_remove_cache(task.uc, pc, pc + 4);
  uc_context_restore(task.uc, saved);
  uc_context_free(saved);
  task.WriteReg(task.arch.reg_pc, pc);
  return task.probe.address ? task.probe.address : task.fault.addr;
}

int SignalForError(const Task& task, uc_err err) {
  bool memory_error = err == UC_ERR_EXCEPTION || err == UC_ERR_READ_UNMAPPED ||
                      err == UC_ERR_WRITE_UNMAPPED || err == UC_ERR_FETCH_UNMAPPED ||
                      err == UC_ERR_READ_PROT || err == UC_ERR_WRITE_PROT || err == UC_ERR_FETCH_PROT;
  if (task.fault.pending && memory_error) return task.fault.signo;
  bool bare_stop = err == UC_ERR_EXCEPTION || err == UC_ERR_INSN_INVALID;
  if (bare_stop && IsBreakpointAt(task, task.ReadReg(task.arch.reg_pc))) {
    return SIGTRAP;  // Unicorn stops on some breakpoints instead of raising them
  }
  switch (err) {
    case UC_ERR_READ_UNMAPPED: case UC_ERR_WRITE_UNMAPPED: case UC_ERR_FETCH_UNMAPPED:
    case UC_ERR_READ_PROT: case UC_ERR_WRITE_PROT: case UC_ERR_FETCH_PROT:
      return SIGSEGV;
    case UC_ERR_READ_UNALIGNED: case UC_ERR_WRITE_UNALIGNED: case UC_ERR_FETCH_UNALIGNED:
      return SIGBUS;
    default:
      return SIGILL;
  }
}

}  // namespace

void SetSyscallDispatch(SyscallDispatch dispatch) { g_dispatch = dispatch; }

// The stub stays alive to the end of the process once made; after a detach
// it is no longer attached and the guest runs on without it.
Debugger* AttachedDebugger(const Task& task) {
  Debugger* gdb = task.process.gdb;
  return gdb && gdb->attached() ? gdb : nullptr;
}

// The debugger's view of a stop: serve gdb and take its next action.
DebugAction DebugStop(Task& task, int signal, const std::string& reason, const siginfo_t* info,
                      uint64_t step_of_resume) {
  // All-stop: while this thread holds the CPU, no other runs guest code.
  CpuExclusive exclusive(task);
  Debugger* gdb = AttachedDebugger(task);
  if (!gdb) return DebugAction{};  // detached by another thread meanwhile
  if (step_of_resume) return gdb->StepDone(task, step_of_resume);
  return gdb->Stopped(task, signal, reason, info);
}


std::optional<std::string> AttachCpu(Task& task) {
  const arch::ArchInfo& arch = task.arch;
  uc_engine* uc = nullptr;
  {
    // A CPU an exited thread left: opening one and translating the code
    // every thread runs again would cost milliseconds per thread.
    std::lock_guard<std::mutex> lock(task.process.threads_lock);
    if (!task.process.spare_cpus.empty()) {
      SpareCpu spare = task.process.spare_cpus.back();
      task.process.spare_cpus.pop_back();
      uc = spare.uc;
      task.code_generation = spare.code_generation;
    }
  }
  if (uc) {
    uc_ctl_flush_tlb(uc);
  } else {
    uc_err err = uc_open(arch.unicorn_arch, arch.unicorn_mode, &uc);
    if (err != UC_ERR_OK) return std::string("cannot start Unicorn: ") + uc_strerror(err);
    uc_ctl_set_cpu_model(uc, arch.unicorn_cpu_model);
    uc_ctl_tlb_mode(uc, UC_TLB_VIRTUAL);
    err = uc_mem_map_ptr(uc, 0, task.memory.size(), UC_PROT_ALL, task.memory.base());
    if (err != UC_ERR_OK) return std::string("cannot map guest memory: ") + uc_strerror(err);
    // The fault probe's scratch page lives past the guest space in Unicorn's
    // physical memory, where no guest address can reach it.
    void* scratch = mmap(nullptr, kPageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (scratch == MAP_FAILED ||
        uc_mem_map_ptr(uc, task.memory.size(), kPageSize, UC_PROT_ALL, scratch) != UC_ERR_OK) {
      return std::string("cannot map the fault probe's page");
    }
    arch.prepare_cpu(uc);
    // Installed once for the CPU's life, bound to whichever thread runs it:
    // translated blocks keep a pointer to this hook, so it must never go.
    uc_hook icache_hook;
    if (arch.hook_icache_maintenance) arch.hook_icache_maintenance(uc, OnIcacheInvalidate, nullptr, &icache_hook);
    task.code_generation = task.process.code_generation.load();
  }
  task.uc = uc;
  task.memory_generation = task.process.memory_generation.load();  // its TLB was just emptied
  task.probe.scratch = task.memory.size();
  // No UC_HOOK_MEM_* hooks: any of them sends every guest access down
  // Unicorn's slow path (stores ran 15x slower); faults come from OnTlbFill.
  uc_hook_add(uc, &task.hooks[0], UC_HOOK_TLB_FILL, reinterpret_cast<void*>(OnTlbFill), &task, 1, 0);
  uc_hook_add(uc, &task.hooks[1], UC_HOOK_INTR, reinterpret_cast<void*>(OnInterrupt), &task, 1, 0);
  EnableAsyncStop(uc);  // or, on an unknown Unicorn, signals wait for the next syscall
  // Its breakpoints and watchpoints (after EnableAsyncStop: with points
  // set, exits inside blocks are allowed again).
  if (task.process.gdb) task.process.gdb->AddCpu(uc);
  return std::nullopt;
}

void DetachCpu(Task& task) {
  DisableAsyncStop();
  if (task.process.gdb) task.process.gdb->RemoveCpu(task.uc);
  uc_hook_del(task.uc, task.hooks[0]);
  uc_hook_del(task.uc, task.hooks[1]);
  std::lock_guard<std::mutex> lock(task.process.threads_lock);
  task.process.spare_cpus.push_back(SpareCpu{task.uc, task.code_generation});
  task.uc = nullptr;
}

GuestExit RunGuest(Task& task, bool debugger_stop_first) {
  DebugAction action;
  if (AttachedDebugger(task) && debugger_stop_first) action = DebugStop(task, SIGTRAP);  // before the first instruction
  while (!task.ended) {
    if (action.how == DebugResume::kKill) {
      task.End({true, SIGKILL});
      break;
    }
    if (action.signal) QueueGuestSignal(task, action.signal);  // C/S with a signal after a stop
    Debugger* gdb = AttachedDebugger(task);  // this pass's view: another thread may detach meanwhile
    bool step = gdb && (action.how == DebugResume::kStep || gdb->TakeStepFor(task.tid));
    uint64_t step_of_resume = step ? gdb->resume_seq() : 0;
    action = DebugAction{};
    if (task.sigreturn_pending) FinishSigreturn(task);
    // Another thread's sigaction made a signal this thread holds off loud
    // (its kick stopped the CPU): let it in before running on.
    LetInStaleSignals(task);
    DeliverSignals(task);  // what arrived while the CPU was stopped
    if (task.ended) break;
    task.fault.pending = false;
    uint64_t pc = task.ReadReg(task.arch.reg_pc);
    EnterGuestCode(task, false);  // catch up with other threads' memory changes
    // gdb continues from a breakpoint: not again at once (set under the CPU
    // lock, so another thread's resume cannot take it over).
    if (gdb) gdb->SkipBreakpointAt(task.tid, pc);
    BeginEmulation();  // from here a host signal stops the CPU (async_stop.h)
    if (NextActionableSignal(task)) {
      EndEmulation();
      LeaveGuestCode(task);
      continue;
    }
    uc_err err;
    if (step) {
      // Exactly one instruction: Unicorn's count limit stops mid-block only
      // when exits are allowed there; blocks translated meanwhile go after.
      AllowMidBlockExits(task.uc, true);
      err = uc_emu_start(task.uc, pc, task.process.stop_address, 0, 1);
      AllowMidBlockExits(task.uc, gdb->stepping_exits());
      uc_ctl_flush_tb(task.uc);
    } else {
      err = uc_emu_start(task.uc, pc, task.process.stop_address, 0, 0);
    }
    EndEmulation();
    // What stopped it, taken while no other thread can have hit a hook since.
    DebugHit hit = gdb ? gdb->TakeHit() : DebugHit{};
    LeaveGuestCode(task);
    if (err == UC_ERR_OK && task.ReadReg(task.arch.reg_pc) == task.process.stop_address) {
      err = UC_ERR_INSN_INVALID;  // the guest jumped into the trampoline page's padding
    }
    if (task.ended) continue;
    if (gdb && err == UC_ERR_OK) {
      if (hit.watchpoint) {
        // Unicorn stops with the PC on the access, which has taken effect:
        // report the stop after it, as a hardware watchpoint does.
        uint64_t at = task.ReadReg(task.arch.reg_pc);
        uint16_t low = 0;
        task.memory.Read(at, &low, sizeof low);
        task.WriteReg(task.arch.reg_pc, at + task.arch.insn_length(low));
        char reason[64];
        snprintf(reason, sizeof reason, "%s:%llx;",
                 hit.watch_kind == 'w' ? "watch" : hit.watch_kind == 'r' ? "rwatch" : "awatch",
                 static_cast<unsigned long long>(hit.watch_addr));
        action = DebugStop(task, SIGTRAP, reason);
      } else if (hit.breakpoint) {
        action = DebugStop(task, SIGTRAP, "swbreak:;");
      } else if (hit.interrupt) {
        action = DebugStop(task, SIGINT);
      } else if (step) {
        action = DebugStop(task, SIGTRAP, "", nullptr, step_of_resume);
      }
      continue;
    }
    if (err == UC_ERR_OK && task.fault.pending && task.fault.exact) {
      uc_ctl_flush_tlb(task.uc);  // the page's old entry: it now faults in the fill hook
      err = UC_ERR_EXCEPTION;
    }
    if (err == UC_ERR_OK) continue;
    siginfo_t info{};
    info.si_signo = SignalForError(task, err);
    bool from_tlb = task.fault.pending && info.si_signo == task.fault.signo;  // SIGSEGV, or SIGBUS past a file's end
    info.si_code = from_tlb ? task.fault.code
                 : info.si_signo == SIGSEGV ? SEGV_MAPERR
                 : info.si_signo == SIGBUS ? BUS_ADRALN : ILL_ILLOPC;
    info.si_addr = reinterpret_cast<void*>(from_tlb && task.fault.exact ? task.fault.addr
                                           : from_tlb || info.si_signo == SIGSEGV ? PreciseFaultAddress(task)
                                                                                  : task.ReadReg(task.arch.reg_pc));
    // --gdb-on-crash: a fault the guest would die of waits for a debugger,
    // which the hook attaches; then it sees the fault like any other.
    if (!AttachedDebugger(task) && GetCrashHooks().before_guest_death &&
        DispositionOf(task, info.si_signo) != Disposition::kHandler) {
      GetCrashHooks().before_guest_death(task, info);
    }
    if (AttachedDebugger(task)) {
      // gdb sees the fault first; C with the signal passes it on, c drops it.
      action = DebugStop(task, info.si_signo, "", &info);
      if (action.signal != info.si_signo) continue;
      action.signal = 0;
    }
    RaiseSynchronousSignal(task, info);
  }
  return task.exit;
}

}  // namespace ferry
