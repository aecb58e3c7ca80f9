// Host calls that may block go to the task's syscall helper, so a guest
// signal can always reach the guest thread (see syscall_helper.h); calls on
// pipes and terminals run inline as safe syscalls (PlaceFor).
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "restart/restart.h"
#include "runtime/async_stop.h"
#include "runtime/quiet_signals.h"
#include "host/host_syscall.h"
#include "runtime/safe_syscall.h"
#include "runtime/signals.h"
#include "syscalls/syscall_handlers.h"
#include "host/syscall_helper.h"

namespace ferry {
namespace {

constexpr uint64_t kAtomicPipeWrite = 4096;  // PIPE_BUF: such a write to a writable pipe never blocks

// Where a call of a descriptor row (kBlocksOnInput/kBlocksOnOutput) runs.
enum class Place { kInline, kSafeSyscall, kHelper };

// A poll and at most one fstat decide:
// - inline when the call cannot block (measured: a helper round trip costs
//   about 40 us, a poll 0.3 us): a ready descriptor, a regular file (always
//   ready), and for a write to a writable descriptor a small one (a pipe or
//   socket takes PIPE_BUF bytes at once) or any one to a file or device;
// - a safe syscall (inline, interruptible) when it can block on a terminal
//   (a background job touching it gets SIGTTIN/SIGTTOU from the kernel,
//   which must reach ferry: the helper ignores signals and would get EIO)
//   or on a pipe or FIFO (fs/pipe.c ends every interrupted wait with
//   -ERESTARTSYS, a partial transfer returning its count, which is the rule
//   of every row that gets here: the helper's exact restart code adds
//   nothing, and its round trip costs two context switches per blocked
//   call; BENCHMARKS.md, pipe_pingpong_blocked and signal_latency);
// - the helper otherwise (sockets, other devices, mq descriptors).
Place PlaceFor(const Task& task) {
  const SyscallRow* row = task.current_row;
  if (!row || (row->cls != SyscallClass::kBlocksOnInput && row->cls != SyscallClass::kBlocksOnOutput)) {
    return Place::kHelper;
  }
  // MSG_WAITALL waits for the whole request even on a readable socket.
  bool waitall = false;
  for (int i = 0; i < row->nargs; ++i) {
    waitall |= row->args[i] == Arg::kMsgFlags && (task.current_args[i] & MSG_WAITALL);
  }
  int fd = static_cast<int>(task.current_args[0]);
  bool input = row->cls == SyscallClass::kBlocksOnInput;
  struct pollfd p = {fd, static_cast<short>(input ? POLLIN : POLLOUT), 0};
  bool ready = !waitall && HostSyscall(SYS_poll, reinterpret_cast<uint64_t>(&p), 1, 0) == 1;
  if (ready && (input || (p.revents & (POLLERR | POLLHUP | POLLNVAL)))) return Place::kInline;
  if (ready && row->nargs >= 3 && row->args[1] == Arg::kInBuf && task.current_args[2] <= kAtomicPipeWrite) {
    return Place::kInline;
  }
  struct stat st;
  bool known = HostSyscall(SYS_fstat, fd, reinterpret_cast<uint64_t>(&st)) == 0;
  // A big write to a writable descriptor: the type tells (unknown: inline).
  if (ready && (!known || S_ISREG(st.st_mode) || S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode))) {
    return Place::kInline;
  }
  if (!known) return Place::kHelper;
  if (S_ISFIFO(st.st_mode)) return row->restart == restart::Rule::kSys ? Place::kSafeSyscall : Place::kHelper;
  return S_ISCHR(st.st_mode) && isatty(fd) ? Place::kSafeSyscall : Place::kHelper;
}

// A pipe or terminal write that waits inline must not come back short
// because of a signal the guest would not act on: natively an ignored or
// blocked signal never wakes the writer, but ferry's host handler does, and
// so does a kick meant for something else (a memory change, the CPU lock).
// Quiet signals are held off on the host, as for futex waits
// (quiet_signals.h); after any other cut the write goes on with the rest
// (an input call so cut just starts again, having taken nothing). A signal
// the guest acts on ends it with the bytes moved so far, as the kernel's.
// write goes on as writev; writev and pwritev2 (at the current position on
// a pipe) go on as themselves, their other arguments passed again.
int64_t WriteInline(Task& task, long nr, uint64_t fd, uint64_t data, uint64_t count, uint64_t a3, uint64_t a4,
                    uint64_t a5) {
  HoldQuietSignals(task);
  std::vector<iovec> rest;
  if (nr != SYS_write) {
    const iovec* iov = reinterpret_cast<const iovec*>(data);
    rest.assign(iov, iov + count);
  } else {
    rest.push_back({reinterpret_cast<void*>(data), count});
  }
  uint64_t total = 0, done = 0;
  for (const iovec& v : rest) total += v.iov_len;
  size_t first = 0;  // rest[first..] is still to write
  for (;;) {
    int64_t r = SafeHostSyscall(restart::kInterrupted, nr == SYS_write ? SYS_writev : nr, fd,
                                reinterpret_cast<uint64_t>(rest.data() + first), rest.size() - first, a3, a4, a5);
    if (r > 0) done += static_cast<uint64_t>(r);
    if (done == 0) return r;
    if (done == total || (r <= 0 && !restart::IsRestartCode(r)) || NextActionableSignal(task) ||
        DebuggerStopPending()) {
      return static_cast<int64_t>(done);
    }
    for (uint64_t skip = r > 0 ? static_cast<uint64_t>(r) : 0; skip > 0;) {  // past what went out
      uint64_t step = std::min<uint64_t>(skip, rest[first].iov_len);
      rest[first].iov_base = static_cast<char*>(rest[first].iov_base) + step;
      rest[first].iov_len -= step;
      skip -= step;
      if (rest[first].iov_len == 0) ++first;
    }
    while (first < rest.size() && rest[first].iov_len == 0) ++first;
  }
}

}  // namespace

int64_t BlockingHostSyscall(Task& task, long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                            uint64_t a4, uint64_t a5) {
  if (!task.helper && !task.helper_failed) {
    std::string error;
    task.helper = SyscallHelper::Start(&error);
    if (!task.helper) {
      task.helper_failed = true;
      if (task.options.verbose && !task.options.quiet) fprintf(stderr, "ferry: warning: %s; blocking calls run inline, so signals may wait for them\n",
              error.c_str());
    }
  }
  Place place = task.helper ? PlaceFor(task) : Place::kInline;
  if (place == Place::kInline) return InlineResult(HostSyscall(nr, a0, a1, a2, a3, a4, a5));
  if (place == Place::kSafeSyscall) {
    if (nr == SYS_write || nr == SYS_writev || nr == SYS_pwritev2) return WriteInline(task, nr, a0, a1, a2, a3, a4, a5);
    // vmsplice gets the hold, not the carrying on: it waits for room once
    // and returns what fit, so a cut in its wait has moved nothing.
    if (task.current_row->cls == SyscallClass::kBlocksOnOutput) HoldQuietSignals(task);
    return SafeHostSyscall(restart::kInterrupted, nr, a0, a1, a2, a3, a4, a5);
  }
  const uint64_t args[6] = {a0, a1, a2, a3, a4, a5};
  task.ran |= kRanInHelper;
  auto outcome = task.helper->Call(
      nr, args, [&task] { return NextActionableSignal(task) != 0 || DebuggerStopPending(); });
  switch (outcome.kind) {
    case SyscallHelper::Outcome::kNotStarted:
      return restart::kErestartNoIntr;  // as if the signal came just before the call
    case SyscallHelper::Outcome::kInterrupted:
    case SyscallHelper::Outcome::kCompleted:
      break;
  }
  return outcome.value;
}

}  // namespace ferry
