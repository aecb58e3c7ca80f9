// Sleeping calls keep an absolute deadline: an interrupted sleep leaves it
// in the task's restart block, and restart_syscall resumes against it, so
// time spent stopped or in a handler is not slept twice (mirrors the
// kernel's hrtimer_nanosleep and its restart_block).
//
// --time shifts the wall clock by Options::realtime_offset_ns: the guest
// reads host time plus the offset, and absolute deadlines it gives on that
// clock (clock_nanosleep, timer_settime, futex) lose the offset again before
// they reach the host. ferry maps no vDSO clock functions, so libc asks by
// syscall and every read of the wall clock passes here.
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>

#include <cerrno>

#include "arch/generic/abi.h"
#include "host/host_syscall.h"
#include "restart/restart.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {

bool ReadTimespec(const Task& task, uint64_t g, struct timespec* ts) {
  return task.memory.Read(g, ts, sizeof *ts);
}

bool Valid(const struct timespec& ts) { return ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000L; }

int64_t SleepUntil(Task& task, clockid_t clock, struct timespec deadline, uint64_t guest_remaining,
                   bool relative) {
  int64_t r = BlockingHostSyscall(task, SYS_clock_nanosleep, clock, TIMER_ABSTIME,
                                  reinterpret_cast<uint64_t>(&deadline), 0);
  if (!restart::IsRestartCode(r)) {
    task.restart_block = {};
    return r;
  }
  if (!relative) return restart::kInterrupted;  // an absolute sleep: the row's rule (-ERESTARTNOHAND)
  restart::RestartBlock block;
  block.kind = restart::RestartBlock::Kind::kNanosleep;
  block.call = (task.current_row ? task.current_row : FindSyscall(sysno::nanosleep))->name;
  block.clock = clock;
  block.deadline = deadline;
  block.guest_remaining = guest_remaining;
  if (task.current_row && task.current_row->nr == sysno::restart_syscall) {
    block.call = task.restart_block.call;  // still the original call
  }
  task.restart_block = block;
  if (guest_remaining) {
    struct timespec now;
    clock_gettime(clock, &now);
    struct timespec left = restart::Remaining(deadline, now);
    if (!task.memory.Write(guest_remaining, &left, sizeof left)) return -EFAULT;
  }
  return restart::kErestartRestartBlock;
}

int64_t RelativeSleep(Task& task, clockid_t clock, uint64_t guest_request, uint64_t guest_remaining) {
  struct timespec request, now;
  if (!ReadTimespec(task, guest_request, &request)) return -EFAULT;
  if (!Valid(request)) return -EINVAL;
  if (clock_gettime(clock, &now) != 0) return -EINVAL;
  return SleepUntil(task, clock, restart::Deadline(now, request), guest_remaining, true);
}

constexpr int64_t kNanos = 1000000000LL;

// `ts` moved by `ns` nanoseconds, normalized (tv_nsec in [0, 1e9)).
struct timespec Shifted(struct timespec ts, int64_t ns) {
  int64_t sec = ts.tv_sec + ns / kNanos, nsec = ts.tv_nsec + ns % kNanos;
  if (nsec < 0) {
    nsec += kNanos;
    --sec;
  } else if (nsec >= kNanos) {
    nsec -= kNanos;
    ++sec;
  }
  return {static_cast<time_t>(sec), static_cast<long>(nsec)};
}

}  // namespace

bool ShiftedClock(const Task& task, int64_t clock) {
  return task.options.realtime_offset_ns && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE ||
                                             clock == CLOCK_REALTIME_ALARM || clock == CLOCK_TAI);
}

struct timespec HostRealtime(const Task& task, struct timespec guest) {
  if (!task.options.realtime_offset_ns) return guest;
  struct timespec host = Shifted(guest, -*task.options.realtime_offset_ns);
  if (host.tv_sec < 0) return {0, 0};
  return host;
}

int64_t SysClockGettime(Task& task, const SyscallArgs& a) {
  int64_t r = HostCallAs(task, a, SYS_clock_gettime);
  if (r != 0 || !ShiftedClock(task, static_cast<int64_t>(a.raw[0]))) return r;
  struct timespec ts;
  if (!task.memory.Read(a.raw[1], &ts, sizeof ts)) return -EFAULT;
  ts = Shifted(ts, *task.options.realtime_offset_ns);
  return task.memory.Write(a.raw[1], &ts, sizeof ts) ? 0 : -EFAULT;
}

int64_t SysGettimeofday(Task& task, const SyscallArgs& a) {
  int64_t r = HostCallAs(task, a, SYS_gettimeofday);
  if (r != 0 || !task.options.realtime_offset_ns || !a.raw[0]) return r;
  struct timeval tv;
  if (!task.memory.Read(a.raw[0], &tv, sizeof tv)) return -EFAULT;
  struct timespec ts = Shifted({tv.tv_sec, tv.tv_usec * 1000}, *task.options.realtime_offset_ns);
  tv = {ts.tv_sec, ts.tv_nsec / 1000};
  return task.memory.Write(a.raw[0], &tv, sizeof tv) ? 0 : -EFAULT;
}

int64_t SysNanosleep(Task& task, const SyscallArgs& a) {
  return RelativeSleep(task, CLOCK_MONOTONIC, a.raw[0], a.raw[1]);
}

int64_t SysClockNanosleep(Task& task, const SyscallArgs& a) {
  clockid_t clock = static_cast<clockid_t>(a.raw[0]);
  if (!(a.raw[1] & TIMER_ABSTIME)) return RelativeSleep(task, clock, a.raw[2], a.raw[3]);
  struct timespec deadline;
  if (!ReadTimespec(task, a.raw[2], &deadline)) return -EFAULT;
  if (!Valid(deadline)) return -EINVAL;
  if (ShiftedClock(task, clock)) deadline = HostRealtime(task, deadline);
  return SleepUntil(task, clock, deadline, 0, false);
}

// Mirrors the kernel: with no stored call, restart_syscall fails with EINTR.
int64_t SysRestartSyscall(Task& task, const SyscallArgs&) {
  restart::RestartBlock block = task.restart_block;
  task.resumed_call = block.call;
  switch (block.kind) {
    case restart::RestartBlock::Kind::kNone: return -EINTR;
    case restart::RestartBlock::Kind::kFutexWait: return ResumeFutexWait(task);
    case restart::RestartBlock::Kind::kNanosleep: break;
  }
  return SleepUntil(task, block.clock, block.deadline, block.guest_remaining, true);
}

// Setting the wall clock: the host checks the value and the permission
// (CAP_SYS_TIME), in the kernel's order. Under --time the guest's wall clock
// is the host's plus the offset, and stays so: the host's is set to the
// time asked for less the offset (mirrors do_sys_settimeofday64).
int64_t SysClockSettime(Task& task, const SyscallArgs& a) {
  struct timespec ts;
  if (!ReadTimespec(task, a.raw[1], &ts)) return -EFAULT;
  if (ShiftedClock(task, static_cast<int64_t>(a.raw[0])) && Valid(ts)) ts = HostRealtime(task, ts);
  return HostSyscall(SYS_clock_settime, a.raw[0], reinterpret_cast<uint64_t>(&ts));
}

int64_t SysSettimeofday(Task& task, const SyscallArgs& a) {
  struct timeval tv;
  void* zone = GuestBuffer(task, a.raw[1], sizeof(struct timezone));
  if (!a.raw[0]) return HostSyscall(SYS_settimeofday, 0, reinterpret_cast<uint64_t>(zone));
  if (!task.memory.Read(a.raw[0], &tv, sizeof tv)) return -EFAULT;
  if (task.options.realtime_offset_ns && tv.tv_sec >= 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000) {
    struct timespec host = HostRealtime(task, {tv.tv_sec, tv.tv_usec * 1000});
    tv = {host.tv_sec, host.tv_nsec / 1000};
  }
  return HostSyscall(SYS_settimeofday, reinterpret_cast<uint64_t>(&tv), reinterpret_cast<uint64_t>(zone));
}

namespace {

static_assert(sizeof(struct timex) == sizeof(guest::Timex) && offsetof(struct timex, time) == offsetof(guest::Timex, time),
              "struct timex is the same LP64 layout on the guests and x86_64");

// adjtimex and clock_adjtime: the struct is read whole and written back
// whole, as the kernel copies it (adjtimex even on failure, clock_adjtime
// on success); the wall-clock time it reports is the guest's under --time.
int64_t AdjustClock(Task& task, long nr, int64_t clock, uint64_t g) {
  struct timex tx;
  if (!task.memory.Read(g, &tx, sizeof tx)) return -EFAULT;
  int64_t r = nr == SYS_adjtimex ? HostSyscall(nr, reinterpret_cast<uint64_t>(&tx))
                                 : HostSyscall(nr, clock, reinterpret_cast<uint64_t>(&tx));
  if (r < 0 && nr != SYS_adjtimex) return r;
  if (r >= 0 && ShiftedClock(task, clock)) {
    bool nano = tx.status & STA_NANO;
    struct timespec shifted =
        Shifted({tx.time.tv_sec, nano ? tx.time.tv_usec : tx.time.tv_usec * 1000}, *task.options.realtime_offset_ns);
    tx.time.tv_sec = shifted.tv_sec;
    tx.time.tv_usec = nano ? shifted.tv_nsec : shifted.tv_nsec / 1000;
  }
  return task.memory.Write(g, &tx, sizeof tx) ? r : -EFAULT;
}

}  // namespace

int64_t SysAdjtimex(Task& task, const SyscallArgs& a) {
  return AdjustClock(task, SYS_adjtimex, CLOCK_REALTIME, a.raw[0]);
}
int64_t SysClockAdjtime(Task& task, const SyscallArgs& a) {
  return AdjustClock(task, SYS_clock_adjtime, static_cast<int32_t>(a.raw[0]), a.raw[1]);
}

}  // namespace ferry
