/* kill_after_fork.c N: signals in the windows ferry opens around fork and
   exec are delivered or kept pending, as the kernel does.
   "fork": N times, fork a child that execs this program in "sleep" mode
     and SIGTERM it at once: every child dies of SIGTERM (none sleeps on).
   "pending": N times, a child blocks SIGTERM, is sent one, then execs
     this program in "unblock" mode, which finds it pending (the mask and
     the pending signal survive execve) and dies of it when it unblocks.
   Prints how many children ended as expected. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char* self;

static int died_of_sigterm(pid_t pid) {
  int status;
  pid_t r;
  do r = waitpid(pid, &status, 0);
  while (r < 0 && errno == EINTR);
  return r == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM;
}

int main(int argc, char** argv) {
  self = argv[0];
  if (argc > 1 && strcmp(argv[1], "sleep") == 0) {
    sleep(20);
    return 0;
  }
  if (argc > 1 && strcmp(argv[1], "unblock") == 0) {
    sigset_t pending;
    sigpending(&pending);
    if (!sigismember(&pending, SIGTERM)) return 3;  /* lost across the exec */
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &term, NULL);
    return 4;  /* not reached: SIGTERM's default action ends us */
  }
  int n = argc > 1 ? atoi(argv[1]) : 100;
  alarm(300);
  int ok = 0;
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      execl(self, self, "sleep", (char*)NULL);
      _exit(127);
    }
    kill(pid, SIGTERM);
    ok += died_of_sigterm(pid);
  }
  printf("fork: %d of %d killed right after fork died of SIGTERM\n", ok, n);
  ok = 0;
  int rounds = n / 5 > 0 ? n / 5 : 1;
  for (int i = 0; i < rounds; i++) {
    int go[2], ready[2];
    if (pipe(go) != 0 || pipe(ready) != 0) return 1;
    pid_t pid = fork();
    if (pid == 0) {
      alarm(20);  /* a lost signal ends the spin below rather than hanging the test */
      sigset_t term;
      sigemptyset(&term);
      sigaddset(&term, SIGTERM);
      sigprocmask(SIG_BLOCK, &term, NULL);
      close(go[1]);
      close(ready[0]);
      write(ready[1], "r", 1);  /* SIGTERM is blocked now */
      char byte;
      read(go[0], &byte, 1);  /* the parent has sent SIGTERM by now... */
      sigset_t pending;
      sigpending(&pending);
      while (!sigismember(&pending, SIGTERM)) sigpending(&pending);  /* ... and it is pending */
      execl(self, self, "unblock", (char*)NULL);
      _exit(127);
    }
    close(go[0]);
    close(ready[1]);
    char byte;
    read(ready[0], &byte, 1);
    close(ready[0]);
    kill(pid, SIGTERM);
    write(go[1], "x", 1);
    close(go[1]);
    ok += died_of_sigterm(pid);
  }
  printf("pending: %d of %d found SIGTERM pending after exec and died of it\n", ok, rounds);
  return 0;
}
