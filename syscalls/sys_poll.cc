// ppoll and pselect6: their signal-mask argument is the guest's, so ferry
// applies it to its own record of the mask for the length of the call, as
// rt_sigsuspend does (a handler that interrupts the call returns to the
// original mask), and the host call runs with no mask of its own.
//
// A guest signalfd in the set is readable for the calling thread when a
// signal of its mask is pending for the process or for that thread (the
// kernel's signalfd_poll); its pipe counts every thread's. So the host call
// waits on the thread's wake pipe in its place (runtime/signalfd.h), and its
// readiness is ferry's answer.
#include <poll.h>
#include <sys/select.h>
#include <sys/syscall.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include "host/host_syscall.h"
#include "restart/restart.h"
#include "runtime/signalfd.h"
#include "runtime/signals.h"
#include "syscalls/syscall_handlers.h"

#include "arch/generic/abi.h"

namespace ferry {
namespace {

constexpr uint64_t kPollfdSize = sizeof(guest::PollFd);
constexpr uint64_t kFdSetBytes = guest::kFdSetSize;
constexpr uint64_t kMaxSignalfdPollFds = 1 << 16;  // past this the host's own checks answer (EINVAL)

// The signals a signalfd of `mask` shows the calling thread.
bool ReadableFor(const Task& task, uint64_t mask) { return PendingGuestSignals(task) & mask; }

// ppoll over `fds` (read from the guest) whose entries `signalfd_masks`
// marks (mask, or 0 for another descriptor). Returns the count, revents set.
int64_t PollWithSignalfds(Task& task, std::vector<guest::PollFd>& fds, const std::vector<uint64_t>& signalfd_masks,
                          uint64_t guest_timeout, int wake) {
  size_t n = signalfd_masks.size();
  for (;;) {
    DrainSignalfdWake(wake);
    std::vector<guest::PollFd> host(fds.begin(), fds.begin() + n);
    bool ready = false;
    for (size_t i = 0; i < n; ++i) {
      if (!signalfd_masks[i]) continue;
      host[i].fd = -1;  // ferry answers for it
      ready |= (fds[i].events & POLLIN) && ReadableFor(task, signalfd_masks[i]);
    }
    int64_t r;
    if (ready) {  // only a look at the others
      struct timespec zero = {0, 0};
      r = HostSyscall(SYS_ppoll, reinterpret_cast<uint64_t>(host.data()), n, reinterpret_cast<uint64_t>(&zero), 0,
                      kGuestSigsetSize);
    } else {
      host.push_back({wake, POLLIN, 0});
      // The host writes the time left into the guest's timespec: a wake-up that
      // leaves nothing to report waits again for the rest.
      r = BlockingHostSyscall(task, SYS_ppoll, reinterpret_cast<uint64_t>(host.data()), n + 1,
                              HostAddress(task, guest_timeout, 16), 0, kGuestSigsetSize);
    }
    if (r < 0) return r;
    int16_t wake_events = host.size() > n ? host[n].revents : 0;
    bool woke = wake_events == POLLIN;  // (anything else: the pipe is gone; no waiting again)
    r -= wake_events != 0;
    for (size_t i = 0; i < n; ++i) {
      fds[i].revents = host[i].revents;
      if (!signalfd_masks[i]) continue;
      fds[i].revents = (fds[i].events & POLLIN) && ReadableFor(task, signalfd_masks[i]) ? POLLIN : 0;
      r += fds[i].revents != 0;
    }
    if (r > 0 || !woke) return r;
  }
}

bool FdIsSet(const std::vector<uint64_t>& set, int fd) { return set[fd / 64] >> (fd % 64) & 1; }
void SetFd(std::vector<uint64_t>& set, int fd, bool on) {
  if (on) {
    set[fd / 64] |= uint64_t{1} << (fd % 64);
  } else {
    set[fd / 64] &= ~(uint64_t{1} << (fd % 64));
  }
}

// pselect6 with a signalfd in the read set: as PollWithSignalfds, the
// thread's wake pipe added to the read set in the signalfds' place.
// Returns nullopt to have the plain host call answer instead (no signalfd
// in the read set, or the guest's sets are unreadable).
std::optional<int64_t> SelectWithSignalfds(Task& task, const SyscallArgs& a) {
  int nfds = static_cast<int>(a.raw[0]);
  if (!AnySignalfds() || !a.raw[1] || nfds <= 0 || nfds > 1024) return std::nullopt;
  uint64_t words = (nfds + 63) / 64;
  std::vector<uint64_t> readfds(words);
  if (!task.memory.Read(a.raw[1], readfds.data(), words * 8)) return std::nullopt;
  std::vector<uint64_t> masks(nfds);
  bool any = false;
  for (int fd = 0; fd < nfds; ++fd) {
    if (FdIsSet(readfds, fd) && SignalfdMask(fd, &masks[fd])) any = masks[fd] != 0 || any;
  }
  int wake = any ? ThreadSignalfdWakeFd(task) : -1;
  if (wake < 0) return std::nullopt;
  uint64_t host_words = (wake + 64) / 64;
  std::vector<uint64_t> others[2];  // writefds, exceptfds
  for (int k = 0; k < 2; ++k) {
    if (!a.raw[2 + k]) continue;
    others[k].resize(host_words);
    if (!task.memory.Read(a.raw[2 + k], others[k].data(), words * 8)) return std::nullopt;
  }
  for (;;) {
    DrainSignalfdWake(wake);
    std::vector<uint64_t> host_read(host_words), host_others[2] = {others[0], others[1]};
    std::copy(readfds.begin(), readfds.end(), host_read.begin());
    bool ready = false;
    for (int fd = 0; fd < nfds; ++fd) {
      if (!masks[fd]) continue;
      SetFd(host_read, fd, false);
      ready |= ReadableFor(task, masks[fd]);
    }
    auto set_arg = [](std::vector<uint64_t>& set) { return set.empty() ? 0 : reinterpret_cast<uint64_t>(set.data()); };
    int64_t r;
    if (ready) {
      struct timespec zero = {0, 0};
      r = HostSyscall(SYS_pselect6, nfds, set_arg(host_read), set_arg(host_others[0]), set_arg(host_others[1]),
                      reinterpret_cast<uint64_t>(&zero), 0);
    } else {
      SetFd(host_read, wake, true);
      r = BlockingHostSyscall(task, SYS_pselect6, wake + 1, set_arg(host_read), set_arg(host_others[0]),
                              set_arg(host_others[1]), HostAddress(task, a.raw[4], 16), 0);
    }
    if (r < 0) return r;
    bool woke = !ready && FdIsSet(host_read, wake);
    SetFd(host_read, wake, false);
    r -= woke;
    for (int fd = 0; fd < nfds; ++fd) {
      if (!masks[fd]) continue;
      bool readable = ReadableFor(task, masks[fd]);
      SetFd(host_read, fd, readable);
      r += readable;
    }
    if (r == 0 && woke) continue;
    // The host leaves only the ready descriptors set (all clear at a timeout).
    if (!task.memory.Write(a.raw[1], host_read.data(), words * 8)) return -EFAULT;
    for (int k = 0; k < 2; ++k) {
      if (a.raw[2 + k] && !task.memory.Write(a.raw[2 + k], host_others[k].data(), words * 8)) return -EFAULT;
    }
    return r;
  }
}

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
  uint64_t nfds = a.raw[1];
  if (AnySignalfds() && nfds && nfds <= kMaxSignalfdPollFds) {
    std::vector<guest::PollFd> fds(nfds);
    std::vector<uint64_t> masks(nfds);
    bool any = false;
    if (task.memory.Read(a.raw[0], fds.data(), nfds * kPollfdSize)) {
      for (uint64_t i = 0; i < nfds; ++i) {
        if (fds[i].fd >= 0 && SignalfdMask(fds[i].fd, &masks[i])) any = masks[i] != 0 || any;
      }
    }
    int wake = any ? ThreadSignalfdWakeFd(task) : -1;
    if (wake >= 0) {
      int64_t r = PollWithSignalfds(task, fds, masks, a.raw[2], wake);
      if (r >= 0 && !task.memory.Write(a.raw[0], fds.data(), nfds * kPollfdSize)) return -EFAULT;
      return r;
    }
  }
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
  if (std::optional<int64_t> r = SelectWithSignalfds(task, a)) return *r;
  return BlockingHostSyscall(task, SYS_pselect6, a.raw[0], HostAddress(task, a.raw[1], kFdSetBytes),
                             HostAddress(task, a.raw[2], kFdSetBytes), HostAddress(task, a.raw[3], kFdSetBytes),
                             HostAddress(task, a.raw[4], 16), 0);
}

}  // namespace ferry
