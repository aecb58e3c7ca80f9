/* trace_sandbox.c: seccomp's operations, flags and programs, prctl's
   seccomp options, and openat2's struct open_how, whose --strace lines must
   read as the real strace's. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
  write(1, "BEGIN\n", 6);
  unsigned action = SECCOMP_RET_LOG;
  syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);
  action = 0x10000;
  syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);
  struct seccomp_notif_sizes sizes;
  syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes);
  syscall(SYS_seccomp, 77, 0, NULL);
  struct sock_filter allow[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
  struct sock_fprog prog = {1, allow};
  syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0x400, &prog);
  prctl(PR_SET_SECCOMP, 3, 0, 0, 0);
  prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW, &prog);
  prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
  prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
  struct open_how how = {O_RDONLY | O_CLOEXEC, 0, RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH};
  long fd = syscall(SYS_openat2, AT_FDCWD, "/dev/null", &how, sizeof how);
  if (fd >= 0) close((int)fd);
  how = (struct open_how){O_RDONLY | O_DIRECTORY, 0, 0};
  syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how);
  how = (struct open_how){O_WRONLY | O_CREAT | O_TRUNC, 0600, RESOLVE_IN_ROOT | 0x40};
  syscall(SYS_openat2, AT_FDCWD, "/tmp/ferry-trace-sandbox", &how, sizeof how);
  syscall(SYS_openat2, AT_FDCWD, "/dev/null", &how, 16);
  write(1, "END\n", 4);
  return 0;
}
