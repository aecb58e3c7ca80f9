// Declarations of every Sys<Name> handler named in syscalls.def.
#pragma once

#include <time.h>

#include <string>

#include "syscalls/syscall_table.h"
#include "runtime/task.h"

namespace ferry {

#define SYSCALL(name, nr, handler, ...) int64_t handler(Task& task, const SyscallArgs& args);
#define HOSTCALL(...)
#define UNSUPPORTED(...)
#include "syscalls/syscalls.def"
#undef SYSCALL
#undef HOSTCALL
#undef UNSUPPORTED

// Serves a HOSTCALL row: the x86_64 call of the same name, guest pointers translated.
int64_t SysHostCall(Task& task, const SyscallArgs& args);
// The same for a SYSCALL row whose handler serves only some cases itself:
// the rest go to host call `host_nr` as a HOSTCALL row of this shape would.
int64_t HostCallAs(Task& task, const SyscallArgs& args, long host_nr);

// --time (sys_time.cc): whether `clock` follows the wall clock that --time
// shifts (CLOCK_REALTIME and its coarse, alarm and TAI variants), and an
// absolute guest time on such a clock as the host's (a time before the
// host's epoch becomes 0: already past).
bool ShiftedClock(const Task& task, int64_t clock);
struct timespec HostRealtime(const Task& task, struct timespec guest);

// --seed (sys_random.cc): whether host descriptor `fd` reads /dev/urandom or
// /dev/random (by the device, so dups, inherited descriptors and other names
// of the node count), and serving `len` bytes at guest `g` from the stream.
bool ReadsSeededRandom(int64_t fd);
int64_t ReadSeededRandom(Task& task, uint64_t g, uint64_t len);

// A host call that may block: served by the task's syscall helper, so a
// guest signal interrupts it. May return a -ERESTART* code for dispatch.
int64_t BlockingHostSyscall(Task& task, long nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
                            uint64_t a3 = 0, uint64_t a4 = 0, uint64_t a5 = 0);

// ioctl(fd, SIOCGIFCONF, ifconf): the buffer pointer inside is rebased (sys_socket.cc).
int64_t SocketIfconf(Task& task, uint64_t fd, uint64_t guest_ifconf);

// After a call changed the calling thread's own state (credentials, timer
// slack, scheduling): makes the same host call in the task's syscall helper,
// if it has one, so calls it runs for the thread see the same state.
// Returns `result` (the thread's own); drops a helper that answers otherwise.
int64_t AlsoInHelper(Task& task, int64_t result, long nr, uint64_t a0, uint64_t a1 = 0, uint64_t a2 = 0,
                     uint64_t a3 = 0, uint64_t a4 = 0);

// Whether the guest's RLIMIT_AS lets its mapped space grow by `grow` bytes
// (sys_limits.cc).
bool AddressSpaceAllows(const Task& task, uint64_t grow);

// What host descriptor `fd` names when it is a pidfd (sys_pidfd.cc), from
// its fdinfo: the pid (-1 once the process is reaped), whether it was
// opened for one thread (PIDFD_THREAD), and whether it is non-blocking.
struct PidfdTarget {
  bool is_pidfd = false;
  pid_t pid = 0;
  bool thread = false;
  bool nonblocking = false;
};
PidfdTarget TargetOfPidfd(int64_t fd);

// restart_syscall for an interrupted timed futex wait (sys_futex.cc).
int64_t ResumeFutexWait(Task& task);

// seccomp (sys_seccomp.cc). SeccompCheck runs the calling thread's filters
// (or strict mode) on a guest syscall about to be dispatched: true when it
// may run; false with `result` the guest's (kNoReturn when the thread ended
// or a SIGSYS was queued and the registers stay as they were).
bool SeccompCheck(Task& task, uint64_t nr, const SyscallRow* row, const uint64_t raw[6], int64_t* result);
// PR_SET_SECCOMP's mode and filter.
int64_t SeccompSetMode(Task& task, uint64_t mode, uint64_t filter);
// Across a guest execve: a sealed memfd (not close-on-exec) holding the
// thread's filters for the next ferry (-1: none to pass; -errno), and in
// that ferry, taking them from it (closed; false when it holds no chain).
int64_t SeccompFdForExec(const Task& task);
bool AdoptSeccompFilters(Task& task, int fd);

// Host pointer for guest pointer argument `g` of `len` bytes; nullptr for a
// guest null, and `kBadPointer` when it leaves the guest space.
void* GuestBuffer(const Task& task, uint64_t g, uint64_t len);
inline void* const kBadPointer = reinterpret_cast<void*>(~uintptr_t{0});
// GuestBuffer as a host syscall argument.
inline uint64_t HostAddress(const Task& task, uint64_t g, uint64_t len) {
  return reinterpret_cast<uint64_t>(GuestBuffer(task, g, len));
}

// The host path a kLookupPath argument names: the guest string looked up
// through the sysroot. False when the string is unreadable (EFAULT).
bool LookupPath(const Task& task, uint64_t guest_path, bool follow_last, std::string* host_path);
// An inline host call's result for the guest: EINTR (one of ferry's handlers
// ran) becomes restart::kInterrupted, so dispatch applies the row's rule.
int64_t InlineResult(int64_t host_result);
// A call's own signal mask (ppoll, pselect6, epoll_pwait): reads the guest
// sigset at `g` (none when 0) and makes it the task's mask until dispatch
// ends the call. Returns 0, -errno, or restart::kInterrupted when a signal
// the new mask lets in is already pending (the row's rule then decides).
int64_t UseCallMask(Task& task, uint64_t g, uint64_t size);
// The same for a mask given as a guest {sigset pointer, size} pair at `g`
// (pselect6's sixth argument, io_pgetevents's usig).
int64_t UseCallMaskPair(Task& task, uint64_t g);
// False when the call's kAtFlags argument asks for AT_SYMLINK_NOFOLLOW.
bool FollowsLastLink(const SyscallArgs& args);

}  // namespace ferry
