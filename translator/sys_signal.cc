// Signal dispositions and the blocked mask, kept in ferry's own records:
// the host's dispositions belong to ferry. Delivery arrives with the helper.
#include <signal.h>

#include <cerrno>
#include <ctime>

#include "translator/signals.h"
#include "translator/syscall_handlers.h"

namespace translator {
namespace {

constexpr uint64_t kGuestSigsetSize = 8;
constexpr uint64_t kUnblockable = (uint64_t{1} << (SIGKILL - 1)) | (uint64_t{1} << (SIGSTOP - 1));

}  // namespace

int64_t SysRtSigaction(Task& task, const SyscallArgs& a) {
  int sig = static_cast<int>(a.raw[0]);
  if (a.raw[3] != kGuestSigsetSize) return -EINVAL;
  if (sig < 1 || sig > kGuestSignals) return -EINVAL;
  if (a.raw[1] && (sig == SIGKILL || sig == SIGSTOP)) return -EINVAL;
  // Guest layout: handler, flags, [restorer], mask.
  bool restorer = task.arch.sigaction_has_restorer;
  size_t size = restorer ? 32 : 24;
  uint64_t words[4];
  if (a.raw[1] && !task.memory.Read(a.raw[1], words, size)) return -EFAULT;
  if (a.raw[2]) {
    const GuestSigaction& old = task.sigactions[sig];
    uint64_t out[4] = {old.handler, old.flags, restorer ? old.restorer : old.mask, old.mask};
    if (!task.memory.Write(a.raw[2], out, size)) return -EFAULT;
  }
  if (a.raw[1]) {
    GuestSigaction& act = task.sigactions[sig];
    act.handler = words[0];
    act.flags = words[1];
    act.restorer = restorer ? words[2] : 0;
    act.mask = (restorer ? words[3] : words[2]) & ~kUnblockable;
  }
  return 0;
}

int64_t SysRtSigprocmask(Task& task, const SyscallArgs& a) {
  if (a.raw[3] != kGuestSigsetSize) return -EINVAL;
  uint64_t set = 0;
  if (a.raw[1] && !task.memory.Read(a.raw[1], &set, sizeof set)) return -EFAULT;
  if (a.raw[2] && !task.memory.Write(a.raw[2], &task.sigmask, sizeof task.sigmask)) return -EFAULT;
  if (!a.raw[1]) return 0;
  switch (a.raw[0]) {
    case SIG_BLOCK: task.sigmask |= set; break;
    case SIG_UNBLOCK: task.sigmask &= ~set; break;
    case SIG_SETMASK: task.sigmask = set; break;
    default: return -EINVAL;
  }
  task.sigmask &= ~kUnblockable;
  return 0;
}

}  // namespace translator

namespace translator {
namespace {

constexpr int kSyscallSignals[] = {SIGPIPE, SIGXFSZ};
constexpr uint64_t kSigDfl = 0;

}  // namespace

void BlockSyscallSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : kSyscallSignals) sigaddset(&set, sig);
  sigprocmask(SIG_BLOCK, &set, nullptr);
}

void TakeSyscallSignals(Task& task) {
  sigset_t pending;
  if (sigpending(&pending) != 0) return;
  for (int sig : kSyscallSignals) {
    if (!sigismember(&pending, sig)) continue;
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    struct timespec zero = {0, 0};
    sigtimedwait(&one, nullptr, &zero);
    if (task.sigactions[sig].handler == kSigDfl) {
      task.End({true, sig});
      return;
    }
  }
}

}  // namespace translator
