// Rows served by the x86_64 call of the same name: the guest's pointers are
// bounds-checked and rebased; the host kernel does the rest (and returns
// EFAULT for unmapped guest pages, since they are unmapped on the host too).
#include <unistd.h>

#include "restart/restart.h"
#include "syscalls/proc_view.h"
#include "host/host_syscall.h"
#include "syscalls/syscall_handlers.h"

#include <fcntl.h>
#include <limits.h>

#include <cerrno>

namespace ferry {

void* GuestBuffer(const Task& task, uint64_t g, uint64_t len) {
  if (g == 0) return nullptr;
  void* host = task.memory.HostRange(g, len ? len : 1);
  return host ? host : kBadPointer;
}

bool LookupPath(const Task& task, uint64_t guest_path, bool follow_last, std::string* host_path) {
  if (!task.memory.ReadString(guest_path, PATH_MAX, host_path)) return false;
  // Following /proc/self/exe reaches the guest program, not ferry (stat, statx, access...).
  if (follow_last && !task.process.exe_host_path.empty() &&
      ClassifyProcPath(*host_path, getpid()) == ProcFile::kExe) {
    *host_path = task.process.exe_host_path;
    return true;
  }
  if (!task.process.sysroot.empty()) *host_path = task.process.sysroot.Resolve(*host_path, follow_last);
  return true;
}

bool FollowsLastLink(const SyscallArgs& args) {
  for (int i = 0; i < args.row->nargs; ++i) {
    if (args.row->args[i] == Arg::kAtFlags && (args.raw[i] & AT_SYMLINK_NOFOLLOW)) return false;
  }
  return true;
}

int64_t SysHostCall(Task& task, const SyscallArgs& args) { return HostCallAs(task, args, args.row->host_nr); }

int64_t HostCallAs(Task& task, const SyscallArgs& args, long host_nr) {
  const SyscallRow& row = *args.row;
  uint64_t v[6] = {args.raw[0], args.raw[1], args.raw[2], args.raw[3], args.raw[4], args.raw[5]};
  std::string paths[6];
  for (int i = 0; i < row.nargs; ++i) {
    Arg kind = row.args[i];
    if (!IsGuestPointer(kind)) continue;
    if (kind == Arg::kLookupPath) {
      bool readable = LookupPath(task, args.raw[i], FollowsLastLink(args), &paths[i]);
      v[i] = reinterpret_cast<uint64_t>(readable ? paths[i].c_str() : kBadPointer);
      continue;
    }
    uint64_t len = 1;  // structs are small: the guard page past the space covers them
    if (kind == Arg::kInBuf || kind == Arg::kOutBuf || kind == Arg::kRange || kind == Arg::kDirents ||
        kind == Arg::kOutString || kind == Arg::kSockaddrIn || kind == Arg::kSockOptIn) {
      len = args.raw[i + 1];
    }
    if (kind == Arg::kOutBufPrevLen || kind == Arg::kCpuSetIn || kind == Arg::kCpuSetOut) len = args.raw[i - 1];
    if (kind == Arg::kRange) {  // an address range: guest 0 is an address, not "absent"
      void* host = task.memory.HostRange(args.raw[i], len);
      v[i] = reinterpret_cast<uint64_t>(host ? host : kBadPointer);
      continue;
    }
    v[i] = reinterpret_cast<uint64_t>(GuestBuffer(task, args.raw[i], len));
  }
  if (UsesHelper(row.cls)) {
    return BlockingHostSyscall(task, host_nr, v[0], v[1], v[2], v[3], v[4], v[5]);
  }
  return InlineResult(HostSyscall(host_nr, v[0], v[1], v[2], v[3], v[4], v[5]));
}

int64_t InlineResult(int64_t r) {
  // A host call made inline returns EINTR when one of ferry's signal
  // handlers ran (a stop from job control, say); for the guest that is an
  // interruption the kernel's restart rules settle (restart/), not an error.
  return r == -EINTR ? restart::kInterrupted : r;
}

int64_t SysNotImplemented(Task&, const SyscallArgs&) { return -ENOSYS; }

}  // namespace ferry
