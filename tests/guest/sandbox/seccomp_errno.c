/* seccomp filters that answer with an errno: the call does not run, the
   data is capped at MAX_ERRNO, filters stack (the most restrictive action
   wins, the newest filter on a tie), and the mode and count show in prctl
   and /proc/self/status. Also RET_TRACE (ENOSYS without a tracer),
   RET_LOG, filters on arguments, and fork inheritance. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check.h"
#include "seccomp_util.h"

int main(void) {
  printf("mode before: %d, status %d/%d\n", prctl(PR_GET_SECCOMP), status_field("Seccomp"),
         status_field("Seccomp_filters"));
  check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "no_new_privs");

  /* getppid -> EPERM; the pid is not returned. */
  printf("install: %ld\n", install_rule(__NR_getppid, SECCOMP_RET_ERRNO | EPERM));
  errno = 0;
  long r = syscall(__NR_getppid);
  printf("getppid: %ld errno %d\n", r, errno);
  printf("mode %d, status %d/%d\n", prctl(PR_GET_SECCOMP), status_field("Seccomp"), status_field("Seccomp_filters"));

  /* Data beyond MAX_ERRNO is capped; 0 makes the call return 0 unrun. */
  install_rule(__NR_getpgid, SECCOMP_RET_ERRNO | 0xffff);
  errno = 0;
  r = syscall(__NR_getpgid, 0);
  printf("getpgid capped: %ld errno %d\n", r, errno);
  install_rule(__NR_dup, SECCOMP_RET_ERRNO | 0);
  r = syscall(__NR_dup, 1);
  printf("dup with errno 0: %ld\n", r);

  /* Stacking: an older ERRNO(EACCES) and a newer ERRNO(ENOENT) on the same
     call: a tie, the newer's data. A newer ALLOW does not undo an older ERRNO. */
  install_rule(__NR_getsid, SECCOMP_RET_ERRNO | EACCES);
  install_rule(__NR_getsid, SECCOMP_RET_ERRNO | ENOENT);
  install_rule(__NR_getppid, SECCOMP_RET_ALLOW);
  printf("getsid stacked: %ld\n", (long)RAW(__NR_getsid, 0));
  printf("getppid after a newer allow: %ld\n", (long)RAW(__NR_getppid));
  /* An older ERRNO and a newer TRACE: ERRNO is more restrictive. */
  install_rule(__NR_getpgid, SECCOMP_RET_TRACE);
  printf("getpgid errno over trace: %ld\n", (long)RAW(__NR_getpgid, 0));
  /* TRACE alone: no tracer, ENOSYS. LOG: runs. */
  install_rule(__NR_getegid, SECCOMP_RET_TRACE);
  printf("getegid trace: %ld\n", (long)RAW(__NR_getegid));
  install_rule(__NR_getgid, SECCOMP_RET_LOG);
  check(syscall(__NR_getgid) == getgid(), "getgid under RET_LOG runs");

  /* A filter on the first argument: close(1000) -> EBADF's cousin E2BIG,
     any other close runs. */
  struct sock_filter on_arg[] = {
      LOAD_NR,
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_close, 0, 3),
      LOAD_ARG0,
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1000, 0, 1),
      RET(SECCOMP_RET_ERRNO | E2BIG),
      RET(SECCOMP_RET_ALLOW),
  };
  printf("install on arg: %ld\n", install(on_arg, 6, 0));
  printf("close(1000): %ld, close(1001): %ld\n", (long)RAW(__NR_close, 1000), (long)RAW(__NR_close, 1001));
  int count = status_field("Seccomp_filters");
  printf("filters: %d\n", count);

  /* A forked child has the same filters. */
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    printf("child: getsid %ld, filters %d, mode %d\n", (long)RAW(__NR_getsid, 0), status_field("Seccomp_filters"),
           prctl(PR_GET_SECCOMP));
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("child status %d\n", status);
  printf("failures: %d\n", failures);
  return failures != 0;
}
