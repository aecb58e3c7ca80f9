/* The actions that end the caller: RET_KILL_PROCESS and RET_KILL_THREAD (in
   a single-threaded process: the process, by SIGSYS), an unknown action
   (treated as KILL_PROCESS), strict mode (only read, write, exit and
   rt_sigreturn; anything else: SIGKILL), and a KILL in an older filter
   winning over a newer ERRNO. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check.h"
#include "seccomp_util.h"

static void report_status(const char *what, int status) {
  if (WIFSIGNALED(status)) printf("%s: killed by signal %d\n", what, WTERMSIG(status));
  else printf("%s: exited %d\n", what, WEXITSTATUS(status));
}

static void run(const char *what, void (*body)(void)) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    body();
    _exit(7);
  }
  int status;
  waitpid(pid, &status, 0);
  report_status(what, status);
}

static void kill_process(void) {
  install_rule(__NR_getppid, SECCOMP_RET_KILL_PROCESS);
  syscall(__NR_getppid);
}

static void kill_thread(void) {
  install_rule(__NR_getppid, SECCOMP_RET_KILL_THREAD);
  syscall(__NR_getppid);
}

static void unknown_action(void) {
  install_rule(__NR_getppid, 0x00010000);
  syscall(__NR_getppid);
}

static void kill_over_errno(void) {
  install_rule(__NR_getppid, SECCOMP_RET_KILL_PROCESS);
  install_rule(__NR_getppid, SECCOMP_RET_ERRNO | EPERM);
  syscall(__NR_getppid);
}

static void strict_allowed(void) {
  syscall(__NR_seccomp, SECCOMP_SET_MODE_STRICT, 0, NULL);
  const char msg[] = "strict: write runs\n";
  syscall(__NR_write, 1, msg, sizeof msg - 1);
  syscall(__NR_exit, 3);
}

static void strict_other(void) {
  prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT);
  syscall(__NR_getpid);
  syscall(__NR_exit, 4);
}

static void errno_then_exit(void) {
  install_rule(__NR_getppid, SECCOMP_RET_ERRNO | EPERM);
  printf("getppid: %d\n", RAW(__NR_getppid));
  fflush(stdout);
  _exit(5);
}

int main(void) {
  run("kill_process", kill_process);
  run("kill_thread", kill_thread);
  run("unknown action", unknown_action);
  run("kill over errno", kill_over_errno);
  run("strict, write and exit", strict_allowed);
  run("strict, getpid", strict_other);
  run("errno", errno_then_exit);
  printf("failures: %d\n", failures);
  return failures != 0;
}
