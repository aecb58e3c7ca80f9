/* exec_blocked_signal.c [guest]: a process whose every thread blocks
   SIGTERM, one of them waiting in a pipe read, execs /bin/true (with
   "guest": this program again, which checks that SIGTERM is pending) while
   another process keeps sending it SIGTERM. Natively SIGTERM just stays
   pending, across the exec too (the new program inherits the mask that
   blocks it), so every child exits 0. Ferry once set the host's default action for it
   while the other threads still ran, and a SIGTERM landing on one of them
   in that moment killed the process. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { kChildren = 60 };

static int gate[2];

static void* wait_on_pipe(void* unused) {
  char c;
  read(gate[0], &c, 1);  /* never returns: the write end stays open */
  return unused;
}

int main(int argc, char** argv) {
  sigset_t term;
  if (argc > 1 && strcmp(argv[1], "after") == 0) {  /* the exec'd program */
    sigset_t pending;
    sigpending(&pending);
    return sigismember(&pending, SIGTERM) ? 0 : 3;
  }
  int guest = argc > 1 && strcmp(argv[1], "guest") == 0;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigprocmask(SIG_BLOCK, &term, NULL);  /* the children inherit it */
  int bad = 0;
  for (int i = 0; i < kChildren; i++) {
    pid_t pid = fork();
    if (pid < 0) return 2;
    if (pid == 0) {
      if (pipe(gate) != 0) _exit(2);
      pthread_t t;
      pthread_create(&t, NULL, wait_on_pipe, NULL);
      struct timespec settle = {0, 1000000L * (1 + i % 4)};  /* SIGTERMs come meanwhile */
      nanosleep(&settle, NULL);
      char* args[] = {guest ? argv[0] : "/bin/true", guest ? "after" : NULL, NULL};
      execv(args[0], args);
      _exit(127);
    }
    int status;
    pid_t done;
    while ((done = waitpid(pid, &status, WNOHANG)) == 0) {
      kill(pid, SIGTERM);
      struct timespec gap = {0, 20000};
      nanosleep(&gap, NULL);
    }
    if (done != pid) return 2;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      printf("child %d: %s %d\n", i, WIFEXITED(status) ? "exit" : "signal",
             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
      bad++;
    }
  }
  printf("%d children exec'd %s under a flood of blocked SIGTERMs: %d failed\n", kChildren,
         guest ? "this program" : "/bin/true", bad);
  return bad != 0;
}
