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
//
// When a guest signalfd may be an item, a wait drops the signalfd events
// the waiter cannot read (epoll_signalfd.h) and, if none is left, waits
// again for the rest of its timeout.
#include <sys/epoll.h>
#include <sys/syscall.h>

#include <time.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "restart/restart.h"
#include "arch/generic/abi.h"
#include "host/host_syscall.h"
#include "runtime/safe_syscall.h"
#include "runtime/signalfd.h"
#include "runtime/signals.h"
#include "syscalls/epoll_signalfd.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {

using GuestEpollEvent = guest::EpollEvent;
static_assert(sizeof(epoll_event) == 12, "the host's packed layout (x86_64)");

// The kernel's EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event).
constexpr int64_t kMaxEvents = 0x7fffffff / sizeof(GuestEpollEvent);

// As the kernel's ep_send_events: a fault ends the copy, and the call
// returns the events copied before it, or -EFAULT if none.
int64_t CopyOut(Task& task, uint64_t guest_events, const std::vector<epoll_event>& host, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    GuestEpollEvent e = {host[i].events, 0, host[i].data.u64};
    if (!task.memory.Write(guest_events + i * sizeof e, &e, sizeof e)) return i ? i : -EFAULT;
  }
  return n;
}

struct timespec Now() {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t;
}

// `later` - `now`, at least zero.
struct timespec Left(const struct timespec& later, const struct timespec& now) {
  int64_t ns = (later.tv_sec - now.tv_sec) * 1000000000LL + (later.tv_nsec - now.tv_nsec);
  if (ns < 0) ns = 0;
  return {static_cast<time_t>(ns / 1000000000LL), static_cast<long>(ns % 1000000000LL)};
}

// One host wait (call `nr`: the guest's) into `host`; when a signal comes,
// the row's restart codes.
int64_t HostWait(long nr, uint64_t epfd, std::vector<epoll_event>& host, uint64_t timeout, bool may_block) {
  uint64_t events = reinterpret_cast<uint64_t>(host.data());
  return may_block ? SafeHostSyscall(restart::kInterrupted, nr, epfd, events, host.size(), timeout, 0, kGuestSigsetSize)
                   : InlineResult(HostSyscall(nr, epfd, events, host.size(), timeout, 0, kGuestSigsetSize));
}

// The wait when a signalfd may be an item: host waits with what is left of
// `timeout` (null for none) until an event the thread may see comes or the
// time is up.
int64_t WaitForThread(Task& task, long nr, uint64_t epfd, uint64_t guest_events, int64_t max,
                      const struct timespec* timeout) {
  struct timespec deadline = {0, 0};
  if (timeout) {
    struct timespec now = Now();
    int64_t ns = now.tv_nsec + timeout->tv_nsec;
    deadline = {now.tv_sec + timeout->tv_sec + ns / 1000000000LL, static_cast<long>(ns % 1000000000LL)};
  }
  std::vector<epoll_event> host(static_cast<size_t>(max));
  QuietedItems quieted{epfd, {}};
  int64_t n;
  for (;;) {
    struct timespec left = timeout ? Left(deadline, Now()) : timespec{0, 0};
    bool may_block = !timeout || left.tv_sec || left.tv_nsec;
    uint64_t timeout_arg = timeout ? reinterpret_cast<uint64_t>(&left) : 0;
    if (nr == SYS_epoll_pwait) {  // milliseconds, rounded up; -1: none
      int64_t ms = timeout ? left.tv_sec * 1000 + (left.tv_nsec + 999999) / 1000000 : -1;
      timeout_arg = static_cast<uint64_t>(ms);
    }
    n = HostWait(nr, epfd, host, timeout_arg, may_block);
    if (n <= 0 || restart::IsRestartCode(n)) break;
    n = DropUnreadableSignalfdEvents(task, host.data(), n, quieted);
    if (n > 0 || !may_block) break;  // (all dropped: wait again for the rest)
  }
  ReleaseQuieted(quieted);
  if (n <= 0 || restart::IsRestartCode(n)) return n;
  return CopyOut(task, guest_events, host, n);
}

// The wait itself: host events converted into the guest's array.
int64_t Wait(Task& task, uint64_t epfd, uint64_t guest_events, int64_t max, long nr, uint64_t timeout,
             bool may_block) {
  std::vector<epoll_event> host(static_cast<size_t>(max));
  int64_t n = HostWait(nr, epfd, host, timeout, may_block);
  if (restart::IsRestartCode(n)) return n;  // the row's rule: EINTR, or run again if it never started
  return CopyOut(task, guest_events, host, n);
}

int64_t CheckWaitArgs(Task& task, uint64_t guest_events, int64_t max) {
  if (max <= 0 || max > kMaxEvents) return -EINVAL;
  // The kernel's access_ok: the range must lie in the user space, mapped
  // or not (a wait with nothing to report never touches it).
  if (!task.memory.InSpace(guest_events, max * sizeof(GuestEpollEvent))) return -EFAULT;
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
  if (AnySignalfds()) {
    int tfd = static_cast<int>(a.raw[2]);
    if (op != EPOLL_CTL_DEL && IsSignalfd(tfd)) NoteSignalfdInEpoll();
    if (std::optional<int64_t> r = CtlQuietedItem(a.raw[0], op, tfd, event)) return *r;
  }
  return HostSyscall(SYS_epoll_ctl, a.raw[0], op, a.raw[2], reinterpret_cast<uint64_t>(event));
}

int64_t SysEpollPwait(Task& task, const SyscallArgs& a) {
  int64_t max = static_cast<int32_t>(a.raw[2]);
  if (int64_t r = CheckWaitArgs(task, a.raw[1], max)) return r;
  if (int64_t r = UseCallMask(task, a.raw[4], a.raw[5])) return r;
  int timeout = static_cast<int>(a.raw[3]);
  if (SignalfdsMayBeInEpolls()) {
    struct timespec ts = {timeout / 1000, (timeout % 1000) * 1000000L};
    return WaitForThread(task, SYS_epoll_pwait, a.raw[0], a.raw[1], max, timeout < 0 ? nullptr : &ts);
  }
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
  if (SignalfdsMayBeInEpolls()) return WaitForThread(task, SYS_epoll_pwait2, a.raw[0], a.raw[1], max, timeout_ptr);
  bool may_block = !timeout_ptr || timeout.tv_sec || timeout.tv_nsec;
  return Wait(task, a.raw[0], a.raw[1], max, SYS_epoll_pwait2, reinterpret_cast<uint64_t>(timeout_ptr), may_block);
}

}  // namespace ferry
