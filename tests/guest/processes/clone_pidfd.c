/* clone_pidfd.c: CLONE_PIDFD from clone and clone3, clone3's set_tid and
   CLONE_INTO_CGROUP, and the errno of each for bad input, as the kernel
   answers (set_tid needs CAP_CHECKPOINT_RESTORE: the oracle runs as the same
   user, so both answer alike). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static void show(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static long clone3(struct clone_args *args) { return syscall(SYS_clone3, args, sizeof *args); }

/* The exit status of the child behind pidfd `fd`, through waitid(P_PIDFD). */
static int status_through(int fd, int options) {
  siginfo_t info;
  memset(&info, 0, sizeof info);
  if (syscall(SYS_waitid, P_PIDFD, fd, &info, WEXITED | options, 0) != 0) return -errno;
  return info.si_code == CLD_EXITED ? info.si_status : 1000 + info.si_status;
}

/* A pid nothing uses now (the test's own pid namespace is small). */
static pid_t free_pid(void) {
  for (pid_t p = getpid() + 5000; p < getpid() + 6000; ++p) {
    if (kill(p, 0) != 0 && errno == ESRCH) return p;
  }
  return -1;
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);

  int pidfd = -1;
  long pid = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &pidfd, 0, 0);
  if (pid == 0) _exit(5);
  check(pid > 0 && pidfd >= 0, "clone with CLONE_PIDFD");
  printf("close-on-exec: %d\n", fcntl(pidfd, F_GETFD) == FD_CLOEXEC);
  printf("status through the pidfd: %d\n", status_through(pidfd, 0));
  close(pidfd);
  show("clone CLONE_PIDFD|CLONE_PARENT_SETTID", syscall(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &pidfd, 0, 0));
  show("clone CLONE_PIDFD|CLONE_DETACHED", syscall(SYS_clone, CLONE_PIDFD | CLONE_DETACHED | SIGCHLD, 0, &pidfd, 0, 0));
  show("clone CLONE_PIDFD to a bad address", syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, (void *)8, 0, 0));

  struct clone_args ca;
  memset(&ca, 0, sizeof ca);
  ca.flags = CLONE_PIDFD;
  ca.pidfd = (uintptr_t)&pidfd;
  ca.exit_signal = SIGCHLD;
  pidfd = -1;
  pid = clone3(&ca);
  if (pid == 0) _exit(6);
  check(pid > 0 && pidfd >= 0, "clone3 with CLONE_PIDFD");
  printf("status through the pidfd: %d\n", status_through(pidfd, 0));
  close(pidfd);

  /* Another exit signal: a "clone" child, which only __WALL or __WCLONE waits for. */
  ca.exit_signal = SIGUSR1;
  signal(SIGUSR1, SIG_IGN);
  pid = clone3(&ca);
  if (pid == 0) _exit(8);
  int without = status_through(pidfd, WNOHANG);
  printf("SIGUSR1 as exit signal: without __WALL %d, with it %d\n", without, status_through(pidfd, __WALL));
  close(pidfd);
  ca.exit_signal = SIGCHLD;

  int tid = 0;
  ca.flags = CLONE_PIDFD | CLONE_PARENT_SETTID;
  ca.parent_tid = (uintptr_t)&pidfd;
  show("clone3 pidfd and parent_tid at one address", clone3(&ca));
  ca.parent_tid = (uintptr_t)&tid;
  pid = clone3(&ca);
  if (pid == 0) _exit(7);
  printf("parent_tid is the pid: %d, status %d\n", tid == pid, status_through(pidfd, 0));
  close(pidfd);
  ca.flags = CLONE_PIDFD;
  ca.pidfd = 8;
  show("clone3 pidfd to a bad address", clone3(&ca));
  ca.pidfd = (uintptr_t)&pidfd;

  /* set_tid: a free pid, then the errors the kernel gives. */
  pid_t want = free_pid(), tids[2] = {want, 1};
  ca.flags = 0;
  ca.set_tid = (uintptr_t)tids;
  ca.set_tid_size = 1;
  pid = clone3(&ca);
  if (pid == 0) _exit(getpid() == want ? 0 : 1);
  if (pid > 0) {
    int st;
    waitpid(pid, &st, 0);
    printf("set_tid child: pid matches %d, status %d\n", pid == want, WEXITSTATUS(st));
  } else {
    show("set_tid", pid);
  }
  tids[0] = getpid();
  show("set_tid of a pid in use", clone3(&ca));
  tids[0] = -3;
  show("set_tid of a negative pid", clone3(&ca));
  tids[0] = want;
  ca.set_tid_size = 40;
  show("set_tid_size 40", clone3(&ca));
  ca.set_tid_size = 0;
  show("set_tid without a size", clone3(&ca));
  ca.set_tid = 8;
  ca.set_tid_size = 1;
  show("set_tid at a bad address", clone3(&ca));
  ca.set_tid = 0;
  ca.set_tid_size = 0;

  /* CLONE_INTO_CGROUP: the caller's own cgroup (cgroup v2), then a descriptor that is not one. */
  char line[512] = "", dir[600] = "";
  FILE *f = fopen("/proc/self/cgroup", "r");
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, "0::", 3) == 0) {
      line[strcspn(line, "\n")] = 0;
      /* cgroup v2 alone, or beside v1 in a hybrid layout */
      const char *root = access("/sys/fs/cgroup/unified/cgroup.procs", F_OK) == 0 ? "/sys/fs/cgroup/unified"
                                                                               : "/sys/fs/cgroup";
      snprintf(dir, sizeof dir, "%s%s", root, line + 3);
    }
  }
  if (f) fclose(f);
  int cg = dir[0] ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  ca.flags = CLONE_INTO_CGROUP;
  ca.cgroup = cg;
  if (cg >= 0) {
    pid = clone3(&ca);
    if (pid == 0) _exit(9);
    if (pid > 0) {
      int st;
      waitpid(pid, &st, 0);
      printf("into its own cgroup: status %d\n", WEXITSTATUS(st));
    } else {
      show("into its own cgroup", pid);
    }
  }
  ca.cgroup = 0;
  show("into a cgroup that is stdin", clone3(&ca));
  ca.cgroup = 0x80000000ull;
  show("into cgroup 2^31", clone3(&ca));
  ca.cgroup = 0;
  show("CLONE_INTO_CGROUP with a 64-byte struct", syscall(SYS_clone3, &ca, 64));
  printf("%d failures\n", failures);
  return failures != 0;
}
