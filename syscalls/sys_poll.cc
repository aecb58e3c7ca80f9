// ppoll and pselect6: their signal-mask argument is the guest's, so ferry
// applies it to its own record of the mask for the length of the call, as
// rt_sigsuspend does (a handler that interrupts the call returns to the
// original mask), and the host call runs with no mask of its own.
#include <sys/syscall.h>

#include <cerrno>

#include "restart/restart.h"
#include "runtime/signals.h"
#include "syscalls/syscall_handlers.h"

#include "arch/generic/abi.h"

namespace ferry {
namespace {

constexpr uint64_t kPollfdSize = sizeof(guest::PollFd);
constexpr uint64_t kFdSetBytes = guest::kFdSetSize;


}  // namespace

int64_t UseCallMask(Task& task, uint64_t g, uint64_t size) {
  if (!g) return 0;
  if (size != kGuestSigsetSize) return -EINVAL;
  uint64_t mask;
  if (!task.memory.Read(g, &mask, sizeof mask)) return -EFAULT;
  task.UseTemporaryMask(mask);
  // A signal the new mask unblocks interrupts the call before it waits, as
  // in the kernel.
  return NextActionableSignal(task) ? restart::kInterrupted : 0;
}

int64_t SysPpoll(Task& task, const SyscallArgs& a) {
  if (int64_t r = UseCallMask(task, a.raw[3], a.raw[4])) return r;
  return BlockingHostSyscall(task, SYS_ppoll, HostAddress(task, a.raw[0], a.raw[1] * kPollfdSize), a.raw[1],
                             HostAddress(task, a.raw[2], 16), 0, kGuestSigsetSize);
}

int64_t UseCallMaskPair(Task& task, uint64_t g) {
  if (!g) return 0;
  // { const sigset_t* set; size_t size; }: two guest words.
  guest::Word set, size;
  if (!guest::ReadWord(task.arch, task.memory, g, &set) ||
      !guest::ReadWord(task.arch, task.memory, g + task.arch.word_size, &size)) {
    return -EFAULT;
  }
  return UseCallMask(task, set, size);
}

int64_t SysPselect6(Task& task, const SyscallArgs& a) {
  if (int64_t r = UseCallMaskPair(task, a.raw[5])) return r;
  return BlockingHostSyscall(task, SYS_pselect6, a.raw[0], HostAddress(task, a.raw[1], kFdSetBytes),
                             HostAddress(task, a.raw[2], kFdSetBytes), HostAddress(task, a.raw[3], kFdSetBytes),
                             HostAddress(task, a.raw[4], 16), 0);
}

}  // namespace ferry
