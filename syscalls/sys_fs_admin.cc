// Files by handle, fanotify marks, quotas and process accounting: host calls
// whose paths go through the sysroot as other looked-up paths do, and whose
// optional (NULL) paths stay NULL.
#include <fcntl.h>
#include <linux/quota.h>
#include <sys/fanotify.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "host/host_syscall.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {

constexpr uint64_t kMaxHandleSize = 128;  // the kernel's MAX_HANDLE_SZ
constexpr uint64_t kFileHandleHeader = 8; // struct file_handle: handle_bytes, handle_type

// A path argument the guest may leave NULL: its host path in `*path`, and
// the pointer to pass (NULL, the host path, or kBadPointer when unreadable).
uint64_t OptionalPath(const Task& task, uint64_t g, bool follow_last, std::string* path) {
  if (!g) return 0;
  if (!LookupPath(task, g, follow_last, path)) return reinterpret_cast<uint64_t>(kBadPointer);
  return reinterpret_cast<uint64_t>(path->c_str());
}

// quotactl's address: a path for Q_QUOTAON, else a struct the command reads
// or writes (if_dqblk, if_dqinfo, a format number: none holds a pointer).
uint64_t QuotaAddress(const Task& task, uint64_t cmd, uint64_t g, std::string* path) {
  if ((cmd >> SUBCMDSHIFT) == Q_QUOTAON) return OptionalPath(task, g, true, path);
  return HostAddress(task, g, 1);
}

}  // namespace

// struct file_handle is the same on every arch: its size is in its first word.
int64_t SysNameToHandleAt(Task& task, const SyscallArgs& a) {
  std::string path;
  if (!LookupPath(task, a.raw[1], a.raw[4] & AT_SYMLINK_FOLLOW, &path)) return -EFAULT;
  uint32_t handle_bytes = 0;
  uint64_t size = kFileHandleHeader;
  if (task.memory.Read(a.raw[2], &handle_bytes, sizeof handle_bytes) && handle_bytes <= kMaxHandleSize) {
    size += handle_bytes;
  }
  return HostSyscall(SYS_name_to_handle_at, a.raw[0], reinterpret_cast<uint64_t>(path.c_str()),
                     HostAddress(task, a.raw[2], size), HostAddress(task, a.raw[3], sizeof(uint64_t)), a.raw[4]);
}

// With no path the mark is on the directory descriptor itself.
int64_t SysFanotifyMark(Task& task, const SyscallArgs& a) {
  std::string path;
  uint64_t host_path = OptionalPath(task, a.raw[4], !(a.raw[1] & FAN_MARK_DONT_FOLLOW), &path);
  return HostSyscall(SYS_fanotify_mark, a.raw[0], a.raw[1], a.raw[2], a.raw[3], host_path);
}

int64_t SysQuotactl(Task& task, const SyscallArgs& a) {
  std::string special, quota_file;
  uint64_t host_special = OptionalPath(task, a.raw[1], true, &special);
  return HostSyscall(SYS_quotactl, a.raw[0], host_special, a.raw[2],
                     QuotaAddress(task, a.raw[0], a.raw[3], &quota_file));
}

int64_t SysQuotactlFd(Task& task, const SyscallArgs& a) {
  std::string quota_file;
  return HostSyscall(SYS_quotactl_fd, a.raw[0], a.raw[1], a.raw[2], QuotaAddress(task, a.raw[1], a.raw[3], &quota_file));
}

// acct(NULL) turns accounting off.
int64_t SysAcct(Task& task, const SyscallArgs& a) {
  std::string path;
  return HostSyscall(SYS_acct, OptionalPath(task, a.raw[0], true, &path));
}

}  // namespace ferry
