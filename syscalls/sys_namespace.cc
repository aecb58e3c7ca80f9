// Mounts and namespaces, passed to the host where it permits them.
//
// A namespace change is the calling host thread's. Its syscall helper
// (host/syscall_helper.h) is a separate host task that shares its memory,
// file table and fs state (root, cwd), so after unshare or setns it would run
// the thread's blocking calls in the old namespaces, with the old fs state,
// files and credentials. The kernel also refuses setns into a mount or user
// namespace while the fs state is shared (fs->users != 1), and unshare
// (CLONE_VM) while the memory is. So both calls first drop the helper; the
// next blocking call clones a fresh one from the thread, in the new state
// (as a helper started after setuid starts with the new identity).
//
// ferry's own view must survive: /proc (the guest's /proc/self files and
// execve of guest programs go through it) cannot be unmounted or moved
// (EPERM, an unprivileged kernel's answer), and pivot_root leaves the
// sysroot behind as chroot does.
#include <sys/mount.h>
#include <sys/syscall.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string>

#include "host/host_syscall.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {

// Whether host path `path` names the /proc mount point itself.
bool IsProc(const std::string& path) {
  char real[PATH_MAX];
  return realpath(path.c_str(), real) && std::string(real) == "/proc";
}

}  // namespace

// The source is a path only for bind mounts and moves; otherwise it names a
// device or is a label ("proc", "none") and passes as it is.
int64_t SysMount(Task& task, const SyscallArgs& a) {
  uint64_t flags = a.raw[3];
  std::string source, target;
  if (!LookupPath(task, a.raw[1], true, &target)) return -EFAULT;
  uint64_t host_source = HostAddress(task, a.raw[0], 1);
  if (a.raw[0] && (flags & (MS_BIND | MS_MOVE))) {
    if (!LookupPath(task, a.raw[0], true, &source)) return -EFAULT;
    if ((flags & MS_MOVE) && IsProc(source)) return -EPERM;
    host_source = reinterpret_cast<uint64_t>(source.c_str());
  }
  return HostSyscall(SYS_mount, host_source, reinterpret_cast<uint64_t>(target.c_str()), HostAddress(task, a.raw[2], 1),
                     flags, HostAddress(task, a.raw[4], 1));
}

int64_t SysUmount2(Task& task, const SyscallArgs& a) {
  std::string target;
  if (!LookupPath(task, a.raw[0], !(a.raw[1] & UMOUNT_NOFOLLOW), &target)) return -EFAULT;
  if (IsProc(target)) return -EPERM;
  return HostSyscall(SYS_umount2, reinterpret_cast<uint64_t>(target.c_str()), a.raw[1]);
}

// Every process whose root was the old root now has the new one: the guest
// looks up in it directly, with no sysroot (as after chroot).
int64_t SysPivotRoot(Task& task, const SyscallArgs& a) {
  std::string new_root, put_old;
  if (!LookupPath(task, a.raw[0], true, &new_root) || !LookupPath(task, a.raw[1], true, &put_old)) return -EFAULT;
  int64_t r = HostSyscall(SYS_pivot_root, reinterpret_cast<uint64_t>(new_root.c_str()),
                          reinterpret_cast<uint64_t>(put_old.c_str()));
  if (r == 0) {
    task.process.sysroot = Sysroot();
    task.process.chrooted = true;
  }
  return r;
}

int64_t SysUnshare(Task& task, const SyscallArgs& a) {
  task.helper.reset();
  return HostSyscall(SYS_unshare, a.raw[0]);
}

int64_t SysSetns(Task& task, const SyscallArgs& a) {
  task.helper.reset();
  return HostSyscall(SYS_setns, a.raw[0], a.raw[1]);
}

// fsconfig's value is by command: a string, a blob of `aux` bytes, a path
// (looked up from dirfd `aux`), or nothing.
int64_t SysFsconfig(Task& task, const SyscallArgs& a) {
  std::string path;
  uint64_t value = HostAddress(task, a.raw[3], 1);
  switch (a.raw[1]) {
    case FSCONFIG_SET_BINARY:
      value = HostAddress(task, a.raw[3], static_cast<uint32_t>(a.raw[4]));
      break;
    case FSCONFIG_SET_PATH:
    case FSCONFIG_SET_PATH_EMPTY:
      if (a.raw[3]) value = LookupPath(task, a.raw[3], true, &path) ? reinterpret_cast<uint64_t>(path.c_str())
                                                                     : reinterpret_cast<uint64_t>(kBadPointer);
      break;
    default:
      break;
  }
  return HostSyscall(SYS_fsconfig, a.raw[0], a.raw[1], HostAddress(task, a.raw[2], 1), value, a.raw[4]);
}

}  // namespace ferry
