#include "host/syscall_helper.h"

#include <linux/futex.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "restart/restart.h"
#include "host/host_syscall.h"
#include "host/signal_sequence.h"

// The helper's whole life, in assembly: it runs on its own stack with no libc
// and no thread-local state. Shared layout (see SyscallHelper::Shared):
//   +0 state, +8 nr, +16..+56 args, +64 result, +72 &wake word, +80 SIG_IGN action,
//   +112 the signals it blocks.
extern "C" long ferry_helper_clone(unsigned long flags, void* stack_top, void* shared);
extern "C" char ferry_helper_loop[], ferry_helper_syscall[], ferry_helper_after_syscall[],
    ferry_helper_mark_done[];

asm(R"(
  .text
  .intel_syntax noprefix
  .globl ferry_helper_clone
  .type ferry_helper_clone, @function
ferry_helper_clone:
  push r12
  mov r12, rdx
  xor edx, edx
  xor r10d, r10d
  xor r8d, r8d
  mov eax, 56
  syscall
  test rax, rax
  jz ferry_helper_start
  pop r12
  ret
ferry_helper_start:
  mov ebx, 1
1:
  mov edi, ebx
  lea rsi, [r12 + 80]
  xor edx, edx
  mov r10d, 8
  mov eax, 13
  syscall
  inc ebx
  cmp ebx, 64
  jle 1b
  mov edi, 2            # SIG_SETMASK
  lea rsi, [r12 + 112]
  xor edx, edx
  mov r10d, 8
  mov eax, 14           # SYS_rt_sigprocmask
  syscall
  mov edi, 1
  mov esi, 9
  mov eax, 157
  syscall
  .globl ferry_helper_loop
ferry_helper_loop:
  mov eax, dword ptr [r12]
  cmp eax, 1
  je 2f
  mov rdi, r12
  mov esi, 128          # FUTEX_WAIT_PRIVATE
  mov edx, eax
  xor r10d, r10d
  mov eax, 202          # SYS_futex (x86_64)
  syscall
  jmp ferry_helper_loop
2:
  mov rax, [r12 + 8]
  mov rdi, [r12 + 16]
  mov rsi, [r12 + 24]
  mov rdx, [r12 + 32]
  mov r10, [r12 + 40]
  mov r8, [r12 + 48]
  mov r9, [r12 + 56]
  .globl ferry_helper_syscall
ferry_helper_syscall:
  syscall
  .globl ferry_helper_after_syscall
ferry_helper_after_syscall:
  mov [r12 + 64], rax
  .globl ferry_helper_mark_done
ferry_helper_mark_done:
  mov dword ptr [r12], 2
  mov rdi, [r12 + 72]
  lock add dword ptr [rdi], 1
  mov esi, 129
  mov edx, 0x7fffffff
  mov eax, 202
  syscall
  jmp ferry_helper_loop
  .att_syntax prefix
)");

namespace ferry {
namespace {

constexpr uint32_t kIdle = 0, kPosted = 1, kDone = 2;
constexpr size_t kHelperStack = 64 * 1024;
constexpr int kMaxHelpers = 64;
std::atomic<pid_t> g_helper_pids[kMaxHelpers];
std::atomic<pid_t> g_helper_owners[kMaxHelpers];  // the process that started each (a fork child inherits the table)

void Remember(pid_t pid, pid_t replace) {
  for (int i = 0; i < kMaxHelpers; ++i) {
    pid_t expected = replace;
    if (g_helper_pids[i].compare_exchange_strong(expected, pid)) {
      g_helper_owners[i].store(pid ? getpid() : 0);
      return;
    }
  }
}

// After a change of identity (setuid to another user, say) the kernel makes
// the process non-dumpable, and then a tracer without CAP_SYS_PTRACE may not
// attach, even to its own child: the process is marked dumpable for just the
// attach, then as it was. Attached, the helper stays traced whatever happens
// to either side's credentials.
bool Seize(pid_t pid) {
  if (ptrace(PTRACE_SEIZE, pid, nullptr, PTRACE_O_EXITKILL) == 0) return true;
  if (errno != EPERM || prctl(PR_GET_DUMPABLE) != 0) return false;
  prctl(PR_SET_DUMPABLE, 1);
  bool seized = ptrace(PTRACE_SEIZE, pid, nullptr, PTRACE_O_EXITKILL) == 0;
  int err = errno;
  prctl(PR_SET_DUMPABLE, 0);
  errno = err;
  return seized;
}

}  // namespace

struct SyscallHelper::Shared {
  std::atomic<uint32_t> state;
  uint32_t pad;
  int64_t nr;
  uint64_t args[6];
  int64_t result;
  std::atomic<uint32_t>* wake;
  struct {
    uint64_t handler, flags, restorer, mask;
  } ignore;
  // Signals 1-31. Being traced, the helper stops even for a signal it
  // ignores (a SIGPIPE from its write, a terminal's SIGWINCH); a blocked one
  // never reaches delivery, so it never stops it. They merge while pending.
  // Real-time signals would queue against RLIMIT_SIGPENDING, so they stay
  // unblocked: one sent to the process group stops the helper once.
  uint64_t blocked;
};
static_assert(offsetof(SyscallHelper::Shared, nr) == 8);
static_assert(offsetof(SyscallHelper::Shared, result) == 64);
static_assert(offsetof(SyscallHelper::Shared, wake) == 72);
static_assert(offsetof(SyscallHelper::Shared, ignore) == 80);
static_assert(offsetof(SyscallHelper::Shared, blocked) == 112);

void EndOwnHelpers() {
  pid_t self = getpid();
  bool killed[kMaxHelpers] = {};
  for (int i = 0; i < kMaxHelpers; ++i) {
    pid_t pid = g_helper_pids[i].load();
    killed[i] = pid && g_helper_owners[i].load() == self && kill(pid, SIGKILL) == 0;
  }
  for (int i = 0; i < kMaxHelpers; ++i) {
    if (!killed[i]) continue;
    while (waitpid(g_helper_pids[i].load(), nullptr, __WALL) < 0 && errno == EINTR) {
    }
  }
}

bool IsHelperPid(pid_t pid) {
  for (auto& slot : g_helper_pids) {
    if (slot.load() == pid) return true;
  }
  return false;
}

std::unique_ptr<SyscallHelper> SyscallHelper::Start(std::string* error) {
  void* block = mmap(nullptr, kHelperStack + sizeof(Shared), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (block == MAP_FAILED) {
    *error = std::string("cannot allocate the syscall helper: ") + strerror(errno);
    return nullptr;
  }
  auto* shared = new (static_cast<char*>(block) + kHelperStack) Shared{};
  shared->wake = &SignalSequence();
  shared->ignore.handler = reinterpret_cast<uint64_t>(SIG_IGN);
  shared->blocked = (1ull << 31) - 1;
  long pid = ferry_helper_clone(CLONE_VM | CLONE_FILES | CLONE_FS, static_cast<char*>(block) + kHelperStack,
                                shared);
  if (pid < 0) {
    munmap(block, kHelperStack + sizeof(Shared));
    *error = std::string("cannot start the syscall helper: ") + strerror(static_cast<int>(-pid));
    return nullptr;
  }
  Remember(static_cast<pid_t>(pid), 0);
  if (!Seize(static_cast<pid_t>(pid))) {
    int err = errno;
    kill(static_cast<pid_t>(pid), SIGKILL);
    waitpid(static_cast<pid_t>(pid), nullptr, __WALL);
    Remember(0, static_cast<pid_t>(pid));
    munmap(block, kHelperStack + sizeof(Shared));
    *error = std::string("cannot ptrace the syscall helper: ") + strerror(err);
    return nullptr;
  }
  return std::unique_ptr<SyscallHelper>(new SyscallHelper(static_cast<pid_t>(pid), shared, block));
}

SyscallHelper::~SyscallHelper() {
  kill(pid_, SIGKILL);
  while (waitpid(pid_, nullptr, __WALL) < 0 && errno == EINTR) {
  }
  Remember(0, pid_);
  munmap(stack_, kHelperStack + sizeof(Shared));
}

// Signals reach the helper only as ptrace stops (it ignores them all and
// blocks the standard ones): SIGSTOP, a real-time signal. They are
// suppressed here so the helper never sits stopped.
void SyscallHelper::ContinueAfterUnexpectedStops() {
  int status;
  while (waitpid(pid_, &status, __WALL | WNOHANG) == pid_) {
    if (WIFSTOPPED(status)) ptrace(PTRACE_CONT, pid_, nullptr, nullptr);
  }
}

SyscallHelper::Outcome SyscallHelper::Call(long nr, const uint64_t args[6],
                                           const std::function<bool()>& should_interrupt) {
  // Read before the helper can run: a stop of the helper (a signal it
  // ignores still stops it, being traced) then always moves the sequence
  // past `seen`, however early its SIGCHLD lands.
  uint32_t seen = SignalSequence().load();
  shared_->nr = nr;
  memcpy(shared_->args, args, sizeof shared_->args);
  shared_->state.store(kPosted);
  if (parked_) {
    // Left in its interrupt stop by the last Interrupt, at the top of its
    // loop: resuming it is the wake-up.
    parked_ = false;
    ptrace(PTRACE_CONT, pid_, nullptr, nullptr);
  } else {
    HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(&shared_->state), FUTEX_WAKE_PRIVATE, 1);
  }
  for (bool woken = false;; woken = true) {
    if (shared_->state.load() == kDone) {
      shared_->state.store(kIdle);
      return {Outcome::kCompleted, shared_->result};
    }
    if (should_interrupt()) return Interrupt();
    // Neither done nor wanted: the wake-up may have been a SIGCHLD for a
    // stop of the helper's. A stop after this waitpid sends its SIGCHLD
    // after `seen` was read.
    if (woken) ContinueAfterUnexpectedStops();
    WaitForSignal(seen);
    seen = SignalSequence().load();
  }
}

// Stops the helper wherever it is and reads what became of the call from
// its registers and the shared block. The helper is not resumed: it is
// pointed back at the top of its loop and stays in its stop until the next
// Call, so a signal costs no second wake-up of either task.
SyscallHelper::Outcome SyscallHelper::Interrupt() {
  ptrace(PTRACE_INTERRUPT, pid_, nullptr, nullptr);
  int status = 0;
  for (;;) {
    if (waitpid(pid_, &status, __WALL) != pid_) {
      if (errno == EINTR) continue;
      return {Outcome::kCompleted, -EIO};  // the helper is gone
    }
    if (!WIFSTOPPED(status)) return {Outcome::kCompleted, -EIO};
    if (status >> 16 == PTRACE_EVENT_STOP) break;
    ptrace(PTRACE_CONT, pid_, nullptr, nullptr);  // a suppressed signal stop; the interrupt follows
  }
  struct user_regs_struct regs;
  ptrace(PTRACE_GETREGS, pid_, nullptr, &regs);
  uint64_t after = reinterpret_cast<uint64_t>(ferry_helper_after_syscall);
  uint64_t mark_done = reinterpret_cast<uint64_t>(ferry_helper_mark_done);
  // Past mark_done the helper may still be finishing the previous call's
  // report (its waiter saw kDone and posted this call): only the state
  // word says whether this call ran.
  Outcome outcome;
  if (shared_->state.load() == kDone || regs.rip == mark_done) {
    outcome = {Outcome::kCompleted, shared_->result};  // at mark_done: stored, not yet marked
  } else if (regs.rip == after) {
    // This call ran and returned into rax. A -ERESTART* code there means
    // the interrupt cut it short; the kernel's own restart is cancelled
    // below (orig_rax), and the code goes to the guest's restart rules.
    int64_t rax = static_cast<int64_t>(regs.rax);
    outcome = {restart::IsRestartCode(rax) ? Outcome::kInterrupted : Outcome::kCompleted, rax};
  } else {
    // In its wait loop, loading arguments, or ending the last call's
    // report: this call never starts.
    outcome = {Outcome::kNotStarted, 0};
  }
  shared_->state.store(kIdle);
  regs.rip = reinterpret_cast<uint64_t>(ferry_helper_loop);
  regs.orig_rax = ~0ull;  // no syscall restart on resume (it would rewind rip)
  ptrace(PTRACE_SETREGS, pid_, nullptr, &regs);
  parked_ = true;
  return outcome;
}

}  // namespace ferry
