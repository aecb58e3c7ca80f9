#include "runtime/safe_syscall.h"

#include <signal.h>
#include <ucontext.h>

#include <cerrno>
#include <cstddef>

#include "restart/restart.h"
#include "runtime/quiet_signals.h"
#include "runtime/signals.h"

// Request layout: +0 &sequence, +8 seen, +16 nr, +24..+64 args, +72 result.
extern "C" void ferry_safe_syscall(void* request);
extern "C" char ferry_safe_window_start[], ferry_safe_window_end[], ferry_safe_interrupted[];

asm(R"(
  .text
  .intel_syntax noprefix
  .globl ferry_safe_syscall
  .type ferry_safe_syscall, @function
ferry_safe_syscall:
  push r12
  mov r12, rdi
  mov rax, [r12 + 16]
  mov rsi, [r12 + 32]
  mov rdx, [r12 + 40]
  mov r10, [r12 + 48]
  mov r8, [r12 + 56]
  mov r9, [r12 + 64]
  mov rdi, [r12 + 24]
  .globl ferry_safe_window_start
ferry_safe_window_start:
  mov r11, [r12]
  mov r11d, dword ptr [r11]
  cmp r11d, dword ptr [r12 + 8]
  jne ferry_safe_interrupted
  .globl ferry_safe_window_end
ferry_safe_window_end:
  syscall
  mov [r12 + 72], rax
  pop r12
  ret
  .globl ferry_safe_interrupted
ferry_safe_interrupted:
  mov qword ptr [r12 + 72], -513
  pop r12
  ret
  .att_syntax prefix
)");

namespace ferry {
namespace {

struct Request {
  const std::atomic<uint32_t>* sequence;
  uint64_t seen;
  int64_t nr;
  uint64_t args[6];
  int64_t result;
};
static_assert(offsetof(Request, result) == 72);

}  // namespace

int64_t SafeHostSyscall(int64_t restart_code, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
                        uint64_t a3, uint64_t a4, uint64_t a5) {
  Request r{&SignalSequence(), SignalSequence().load(), nr, {a0, a1, a2, a3, a4, a5}, 0};
  // A signal that came before the snapshot (while the guest ran up to its
  // syscall) is caught here; one after it, by the stub's window. A held
  // signal that another thread's sigaction made loud is let in first
  // (quiet_signals.h): if it was pending, it is caught here too.
  if (Task* task = CurrentTask()) {
    task->ran |= kRanAsSafeSyscall;
    LetInStaleSignals(*task);
    if (NextActionableSignal(*task)) return restart::kErestartNoIntr;
  }
  ferry_safe_syscall(&r);
  if (r.result == restart::kErestartNoIntr) return r.result;  // never started
  // EINTR: one of ferry's handlers ran (a guest signal, or a kick from
  // another thread); the restart rules decide what the guest sees.
  if (r.result == -EINTR) return restart_code;
  return r.result;
}

void RedirectIfBeforeSafeSyscall(void* ucontext) {
  auto* uc = static_cast<ucontext_t*>(ucontext);
  greg_t& rip = uc->uc_mcontext.gregs[REG_RIP];
  auto start = reinterpret_cast<greg_t>(ferry_safe_window_start);
  auto end = reinterpret_cast<greg_t>(ferry_safe_window_end);
  // Up to and including the `syscall` instruction itself, the call has not
  // started: it must not, since this signal may be the one it would wait out.
  if (rip >= start && rip <= end) rip = reinterpret_cast<greg_t>(ferry_safe_interrupted);
}

}  // namespace ferry
