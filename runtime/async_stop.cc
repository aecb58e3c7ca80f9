#include "runtime/async_stop.h"

#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <atomic>
#include <cstddef>

#include "runtime/signals.h"

namespace ferry {
namespace {

// Unicorn 2.1.4 (Debian 2.1.4-4, x86_64): offsets into the private
// struct uc_struct and CPUState, read from the shipped library.
namespace uc214 {
constexpr unsigned kVersion = 0x020104ff;
constexpr size_t kCpu = 0x1b8, kStopRequest = 0x56d, kNoExitRequest = 0x7f2, kInitDone = 0x7f3;
constexpr size_t kCpuEnvPtr = 0x128, kCpuIcountDecrPtr = 0x130;

char* Bytes(uc_engine* uc) { return reinterpret_cast<char*>(uc); }

bool LayoutMatches(uc_engine* uc) {
  unsigned major, minor;
  if (uc_version(&major, &minor) != kVersion) return false;
  char* p = Bytes(uc);
  char* cpu = *reinterpret_cast<char**>(p + kCpu);
  // Fields whose values are known at this point, and CPUState's icount
  // pointer lying just before the CPU's env, as in this build.
  // no_exit_request and stop_request: 0 on a new instance, maybe 1 on one
  // a thread left behind.
  return cpu && p[kInitDone] == 1 && (p[kNoExitRequest] == 0 || p[kNoExitRequest] == 1) &&
         (p[kStopRequest] == 0 || p[kStopRequest] == 1) &&
         *reinterpret_cast<char**>(cpu + kCpuIcountDecrPtr) ==
             *reinterpret_cast<char**>(cpu + kCpuEnvPtr) - 0x10;
}

void SetNoExitRequest(uc_engine* uc, bool on) {
  *reinterpret_cast<volatile char*>(Bytes(uc) + kNoExitRequest) = on;
}
}  // namespace uc214

constexpr int kKickSignal = 64;           // any signal works: kicks are told apart by their value
constexpr long kRekickNanoseconds = 1000000;
int g_kick_tag;  // its address marks a kick's siginfo (ferry is not PIE: the same in every ferry)

// Each guest thread runs its own CPU on its own host thread; a signal
// handler stops the CPU of the thread it interrupts (thread_local state).
std::atomic<bool> g_enabled{false};  // this Unicorn's layout is the known one
thread_local uc_engine* t_uc = nullptr;
thread_local bool t_in_emulation = false;
thread_local bool t_in_syscall_hook = false;
thread_local timer_t t_rekick;
thread_local bool t_have_rekick = false;
std::atomic<pid_t> g_debugger_thread{0};  // where a debugger's Ctrl-C is sent

// A kick queued to a process after its execve took the queued ones would
// outlive the exec and kill the next program (a host binary's default action
// for the kick signal). Senders announce themselves and skip a process that
// is closing for exec; the exec waits out the senders already past the
// check. Keyed by pid, so kicks this process sends to others still go.
std::atomic<pid_t> g_closed_for_exec{0};
std::atomic<int> g_kicks_in_flight{0};

bool CreateRekickTimer(timer_t* timer) {
  struct sigevent sev {};
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = kKickSignal;
  sev.sigev_value.sival_ptr = &g_kick_tag;
  sev._sigev_un._tid = static_cast<pid_t>(syscall(SYS_gettid));
  return timer_create(CLOCK_MONOTONIC, &sev, timer) == 0;
}

}  // namespace

bool EnableAsyncStop(uc_engine* uc) {
  if (!uc214::LayoutMatches(uc)) return false;
  bool fresh = uc214::Bytes(uc)[uc214::kNoExitRequest] == 0;
  uc214::SetNoExitRequest(uc, true);
  if (fresh) uc_ctl_flush_tb(uc);  // blocks translated so far still check after each access
  t_have_rekick = CreateRekickTimer(&t_rekick);
  t_uc = uc;
  g_enabled.store(true);
  pid_t none = 0;
  g_debugger_thread.compare_exchange_strong(none, static_cast<pid_t>(syscall(SYS_gettid)));
  return true;
}

void DisableAsyncStop() {
  if (t_have_rekick) timer_delete(t_rekick);
  t_have_rekick = false;
  t_uc = nullptr;
}

void AsyncStopAfterFork() {
  // The fork copied the gate as it stood: another thread may have been
  // inside SendKick, and it does not exist here to count itself out.
  g_kicks_in_flight.store(0);
  g_closed_for_exec.store(0);
  if (t_uc) t_have_rekick = CreateRekickTimer(&t_rekick);
  g_debugger_thread.store(static_cast<pid_t>(syscall(SYS_gettid)));
}

bool AsyncStopEnabled() { return g_enabled.load(); }

void AllowMidBlockExits(uc_engine* uc, bool allow) {
  if (AsyncStopEnabled()) uc214::SetNoExitRequest(uc, !allow);
}

void BeginEmulation() {
  t_in_emulation = true;
  t_in_syscall_hook = false;  // a hook left by a jump (thread end, exec) did not say so
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

void BeginSyscallHook() {
  t_in_syscall_hook = true;
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

void EndSyscallHook() {
  t_in_syscall_hook = false;
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

void EndEmulation() {
  t_in_emulation = false;
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

std::atomic<bool> g_kicks_enabled{true};

void SetKicksEnabled(bool enabled) { g_kicks_enabled.store(enabled); }

void Kick() {
  uc_engine* uc = t_uc;
  if (!uc || !t_in_emulation || !g_kicks_enabled.load()) return;
  uc_emu_stop(uc);  // stop_request and cpu_exit: plain stores
  // Inside a syscall the stop cannot be lost: the hook returns into the
  // block, which stops at its end (the run loop's uc_emu_start is long past).
  if (t_have_rekick && !t_in_syscall_hook) {
    struct itimerspec once {};
    once.it_value.tv_nsec = kRekickNanoseconds;
    timer_settime(t_rekick, 0, &once, nullptr);
  }
}

void SendKick(pid_t tid, pid_t pid) {
  g_kicks_in_flight.fetch_add(1);
  pid_t closed = g_closed_for_exec.load();
  // A process closing for exec gets none: its other threads end with the
  // exec, and a failed exec kicks them all again.
  if (closed == 0 || closed != (pid ? pid : static_cast<pid_t>(syscall(SYS_getpid)))) {
    siginfo_t info{};
    info.si_signo = kKickSignal;
    // A process may queue any code to itself, and a negative one other than
    // SI_TKILL to another process.
    info.si_code = SI_TIMER;
    info.si_value.sival_ptr = &g_kick_tag;
    syscall(SYS_rt_tgsigqueueinfo, pid ? pid : getpid(), tid, kKickSignal, &info);
  }
  g_kicks_in_flight.fetch_sub(1);
}

void CloseKicksForExec() {
  g_closed_for_exec.store(static_cast<pid_t>(syscall(SYS_getpid)));
  while (g_kicks_in_flight.load() != 0) sched_yield();
}

void ReopenKicksAfterFailedExec() { g_closed_for_exec.store(0); }

int KickSignal() { return kKickSignal; }

bool AbandonGuestAccess(uc_engine* uc, const arch::ArchInfo& arch, void* ucontext) {
  if (!AsyncStopEnabled() || uc != t_uc || !t_in_emulation) return false;
  void* cpu = *reinterpret_cast<void**>(uc214::Bytes(uc) + uc214::kCpu);
  if (!cpu) return false;
  unw_cursor_t cursor;
  if (unw_init_local2(&cursor, static_cast<unw_context_t*>(ucontext), UNW_INIT_SIGNAL_FRAME) != 0) return false;
  for (int depth = 0; depth < 8; ++depth) {  // the block, or a few helper frames above it
    unw_word_t ip = 0;
    if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0) return false;
    if (arch.unicorn_restore_state(cpu, static_cast<uintptr_t>(ip), true)) {
      uc_emu_stop(uc);
      arch.unicorn_loop_exit(cpu);  // longjmps into cpu_exec; does not return
    }
    if (unw_step(&cursor) <= 0) return false;
  }
  return false;
}

std::atomic<bool> g_debugger_stop{false};

void RequestDebuggerStop() {
  g_debugger_stop.store(true);
  if (pid_t tid = g_debugger_thread.load()) SendKick(tid);
  WakeSignalWaiters();
}

bool DebuggerStopPending() { return g_debugger_stop.load(); }
bool TakeDebuggerStop() { return g_debugger_stop.exchange(false); }

bool IsKick(const void* siginfo) {
  const siginfo_t* info = static_cast<const siginfo_t*>(siginfo);
  return info->si_signo == kKickSignal && info->si_code == SI_TIMER &&
         info->si_value.sival_ptr == &g_kick_tag;
}

}  // namespace ferry
