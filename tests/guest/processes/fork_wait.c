/* fork_wait.c: fork, a pipe between parent and child, wait for exit codes
   and signal deaths with exact statuses, WNOHANG, SIGCHLD reaching a guest
   handler, and ECHILD once every child is reaped. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static volatile int sigchld;
static void on_chld(int sig) { (void)sig; sigchld++; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  handle_signal(SIGCHLD, on_chld, SA_RESTART);

  int p[2];
  check(pipe(p) == 0, "pipe");
  pid_t child = fork();
  if (child == 0) {
    close(p[0]);
    const char msg[] = "from the child";
    if (write(p[1], msg, sizeof msg) != sizeof msg) _exit(99);
    _exit(7);
  }
  close(p[1]);
  char buf[64] = {0};
  ssize_t n = read(p[0], buf, sizeof buf);
  check(n > 0 && strcmp(buf, "from the child") == 0, "child's message arrives through the pipe");
  int status = 0;
  check(waitpid(child, &status, 0) == child, "waitpid returns the child");
  check(WIFEXITED(status) && WEXITSTATUS(status) == 7, "child exit status 7");

  pid_t sleeper = fork();
  if (sleeper == 0) {
    for (;;) pause();
  }
  check(waitpid(sleeper, &status, WNOHANG) == 0, "WNOHANG on a live child returns 0");
  kill(sleeper, SIGKILL);
  check(wait(&status) == sleeper, "wait returns the killed child");
  check(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child died of SIGKILL");

  errno = 0;
  check(wait(&status) == -1 && errno == ECHILD, "no children left: ECHILD");
  check(sigchld >= 1, "SIGCHLD reached the handler");
  printf("%d failure(s)\n", failures);
  return failures != 0;
}
