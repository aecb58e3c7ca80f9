/* trace_process.c: waitid's id types, options and the siginfo it fills,
   and the pidfd clone and clone3 write back with CLONE_PIDFD, whose
   --strace lines must read as the real strace's (issue 15). */
#define _GNU_SOURCE
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static long waitid_raw(int idtype, long id, siginfo_t *info, int options) {
  return syscall(SYS_waitid, idtype, id, info, options, NULL);
}

int main(void) {
  write(1, "BEGIN\n", 6);
  siginfo_t info;
  memset(&info, 0, sizeof info);
  waitid_raw(P_ALL, 0, &info, WEXITED | WNOHANG);  /* no child: ECHILD */

  int pidfd = -1, gate[2];
  pipe(gate);
  long pid = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &pidfd, 0, 0);
  if (pid == 0) {
    char c;
    close(gate[1]);
    read(gate[0], &c, 1);  /* until the parent closes its end */
    _exit(3);
  }
  close(gate[0]);
  memset(&info, 0, sizeof info);
  waitid_raw(P_PID, pid, &info, WEXITED | WNOHANG);  /* still running: {} */
  close(gate[1]);
  waitid_raw(P_PIDFD, pidfd, &info, WEXITED | WNOWAIT);
  waitid_raw(P_PID, pid, &info, WEXITED | WSTOPPED | WCONTINUED | WNOWAIT);
  waitid_raw(P_PGID, 0, &info, WEXITED | __WALL);
  close(pidfd);

  struct clone_args ca;
  memset(&ca, 0, sizeof ca);
  ca.flags = CLONE_PIDFD;
  ca.pidfd = (uintptr_t)&pidfd;
  ca.exit_signal = SIGCHLD;
  /* The child waits for the gate too: one that exits at once may be traced
     exiting before its parent's clone3 line, under strace -f as under
     ferry, and the order of the two lines would then be chance. */
  pipe(gate);
  pid = syscall(SYS_clone3, &ca, sizeof ca);
  if (pid == 0) {
    char c;
    close(gate[1]);
    read(gate[0], &c, 1);
    _exit(5);
  }
  close(gate[0]);
  close(gate[1]);
  waitid_raw(P_PIDFD, pidfd, &info, WEXITED);
  waitid_raw(7, 0, &info, WEXITED);  /* a bad id type */
  waitid_raw(P_ALL, 0, &info, 0x40);  /* a bad option */
  close(pidfd);
  return 0;
}
