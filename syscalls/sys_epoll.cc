// epoll. The guest's struct epoll_event is 16 bytes (natural alignment on
// AArch64 and RISC-V64); x86_64's is packed to 12, so every event crosses
// converted, with `data` carried unchanged. A wait that may block runs
// inline as a safe syscall (an event loop's hot path: the syscall helper's
// round trip cost 2.4x qemu-user in bench/run's epoll_pingpong): a guest
// signal interrupts it with -ERESTARTNOHAND, which becomes -EINTR when a
// handler runs, SA_RESTART or not, as epoll_pwait is never restarted after
// one; an interruption the guest does not see (a kick for another thread's
// signal) restarts the wait, with its full timeout again. A sigmask
// argument is applied as ppoll applies its own.
#include <sys/epoll.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "restart/restart.h"
#include "arch/generic/abi.h"
#include "host/host_syscall.h"
#include "runtime/safe_syscall.h"
#include "runtime/signals.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {

using GuestEpollEvent = guest::EpollEvent;
static_assert(sizeof(epoll_event) == 12, "the host's packed layout (x86_64)");

// The kernel's EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event).
constexpr int64_t kMaxEvents = 0x7fffffff / sizeof(GuestEpollEvent);

// The wait itself: host events converted into the guest's array.
int64_t Wait(Task& task, uint64_t epfd, uint64_t guest_events, int64_t max, long nr, uint64_t timeout,
             bool may_block) {
  std::vector<epoll_event> host(static_cast<size_t>(max));
  uint64_t events = reinterpret_cast<uint64_t>(host.data());
  int64_t n = may_block ? SafeHostSyscall(restart::kInterrupted, nr, epfd, events, max, timeout, 0, kGuestSigsetSize)
                        : InlineResult(HostSyscall(nr, epfd, events, max, timeout, 0, kGuestSigsetSize));
  if (restart::IsRestartCode(n)) return n;  // the row's rule: EINTR, or run again if it never started
  for (int64_t i = 0; i < n; ++i) {
    GuestEpollEvent e = {host[i].events, 0, host[i].data.u64};
    if (!task.memory.Write(guest_events + i * sizeof e, &e, sizeof e)) return -EFAULT;
  }
  return n;
}

int64_t CheckWaitArgs(Task& task, uint64_t guest_events, int64_t max) {
  if (max <= 0 || max > kMaxEvents) return -EINVAL;
  if (!task.memory.HasAccess(guest_events, max * sizeof(GuestEpollEvent), kPageWrite)) return -EFAULT;
  return 0;
}

}  // namespace

int64_t SysEpollCtl(Task& task, const SyscallArgs& a) {
  int op = static_cast<int>(a.raw[1]);
  epoll_event host{};
  epoll_event* event = nullptr;
  if (op != EPOLL_CTL_DEL || a.raw[3]) {  // DEL ignores the event (kernels before 2.6.9 wanted one)
    GuestEpollEvent e;
    if (op != EPOLL_CTL_DEL) {
      if (!task.memory.Read(a.raw[3], &e, sizeof e)) return -EFAULT;
      host.events = e.events;
      host.data.u64 = e.data;
    }
    event = &host;
  }
  return HostSyscall(SYS_epoll_ctl, a.raw[0], op, a.raw[2], reinterpret_cast<uint64_t>(event));
}

int64_t SysEpollPwait(Task& task, const SyscallArgs& a) {
  int64_t max = static_cast<int32_t>(a.raw[2]);
  if (int64_t r = CheckWaitArgs(task, a.raw[1], max)) return r;
  if (int64_t r = UseCallMask(task, a.raw[4], a.raw[5])) return r;
  int timeout = static_cast<int>(a.raw[3]);
  return Wait(task, a.raw[0], a.raw[1], max, SYS_epoll_pwait, static_cast<uint64_t>(static_cast<int64_t>(timeout)),
              timeout != 0);
}

int64_t SysEpollPwait2(Task& task, const SyscallArgs& a) {
  int64_t max = static_cast<int32_t>(a.raw[2]);
  if (int64_t r = CheckWaitArgs(task, a.raw[1], max)) return r;
  struct timespec timeout, *timeout_ptr = nullptr;
  if (a.raw[3]) {
    if (!task.memory.Read(a.raw[3], &timeout, sizeof timeout)) return -EFAULT;
    if (timeout.tv_sec < 0 || timeout.tv_nsec < 0 || timeout.tv_nsec >= 1000000000L) return -EINVAL;
    timeout_ptr = &timeout;
  }
  if (int64_t r = UseCallMask(task, a.raw[4], a.raw[5])) return r;
  bool may_block = !timeout_ptr || timeout.tv_sec || timeout.tv_nsec;
  return Wait(task, a.raw[0], a.raw[1], max, SYS_epoll_pwait2, reinterpret_cast<uint64_t>(timeout_ptr), may_block);
}

}  // namespace ferry
