#include "translator/async_stop.h"

#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <atomic>
#include <cstddef>

#include "translator/signals.h"

namespace translator {
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
  return cpu && p[kInitDone] == 1 && p[kNoExitRequest] == 0 && p[kStopRequest] == 0 &&
         *reinterpret_cast<char**>(cpu + kCpuIcountDecrPtr) ==
             *reinterpret_cast<char**>(cpu + kCpuEnvPtr) - 0x10;
}

void SetNoExitRequest(uc_engine* uc, bool on) {
  *reinterpret_cast<volatile char*>(Bytes(uc) + kNoExitRequest) = on;
}
}  // namespace uc214

constexpr int kKickSignal = 64;           // any signal works: kicks are told apart by their value
constexpr long kRekickNanoseconds = 1000000;
int g_kick_tag;                           // its address marks a kick's siginfo

std::atomic<uc_engine*> g_uc{nullptr};
std::atomic<bool> g_in_emulation{false};
timer_t g_rekick;
bool g_have_rekick = false;

bool CreateRekickTimer() {
  struct sigevent sev {};
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = kKickSignal;
  sev.sigev_value.sival_ptr = &g_kick_tag;
  sev._sigev_un._tid = static_cast<pid_t>(syscall(SYS_gettid));
  return timer_create(CLOCK_MONOTONIC, &sev, &g_rekick) == 0;
}

}  // namespace

bool EnableAsyncStop(uc_engine* uc) {
  if (!uc214::LayoutMatches(uc)) return false;
  uc214::SetNoExitRequest(uc, true);
  uc_ctl_flush_tb(uc);  // blocks translated so far still check after each access
  g_have_rekick = CreateRekickTimer();
  g_uc.store(uc);
  return true;
}

void AsyncStopAfterFork() {
  if (AsyncStopEnabled()) g_have_rekick = CreateRekickTimer();
}

bool AsyncStopEnabled() { return g_uc.load() != nullptr; }

void AllowMidBlockExits(uc_engine* uc, bool allow) {
  if (AsyncStopEnabled()) uc214::SetNoExitRequest(uc, !allow);
}

void BeginEmulation() {
  g_in_emulation.store(true);
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

void EndEmulation() {
  g_in_emulation.store(false);
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

std::atomic<bool> g_kicks_enabled{true};

void SetKicksEnabled(bool enabled) { g_kicks_enabled.store(enabled); }

void Kick() {
  uc_engine* uc = g_uc.load();
  if (!uc || !g_in_emulation.load() || !g_kicks_enabled.load()) return;
  uc_emu_stop(uc);  // stop_request and cpu_exit: plain stores
  if (g_have_rekick) {
    struct itimerspec once {};
    once.it_value.tv_nsec = kRekickNanoseconds;
    timer_settime(g_rekick, 0, &once, nullptr);
  }
}

int KickSignal() { return kKickSignal; }

bool AbandonGuestAccess(uc_engine* uc, const arch::ArchInfo& arch, void* ucontext) {
  if (!AsyncStopEnabled() || uc != g_uc.load() || !g_in_emulation.load()) return false;
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
  if (uc_engine* uc = g_uc.load()) uc_emu_stop(uc);
  WakeSignalWaiters();
}

bool DebuggerStopPending() { return g_debugger_stop.load(); }
bool TakeDebuggerStop() { return g_debugger_stop.exchange(false); }

bool IsKick(const void* siginfo) {
  const siginfo_t* info = static_cast<const siginfo_t*>(siginfo);
  return info->si_signo == kKickSignal && info->si_code == SI_TIMER &&
         info->si_value.sival_ptr == &g_kick_tag;
}

}  // namespace translator
