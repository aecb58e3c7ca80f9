/* exec_host_threads.c: a process whose other threads run guest code (and so
   take turns on ferry's CPU lock, kicking each other) execs a host program.
   Under ferry each exec once had a chance of about one in ten to kill the
   process with ferry's kick signal (the handlers were reset before the other
   threads were gone). Forty children each do it; every one must exit 0. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile unsigned long sink;

static void* spin(void* arg) {
  (void)arg;
  for (;;) sink++;
  return NULL;
}

int main(void) {
  enum { kChildren = 40 };
  int bad = 0;
  for (int i = 0; i < kChildren; i++) {
    pid_t pid = fork();
    if (pid < 0) return 2;
    if (pid == 0) {
      pthread_t t[2];
      for (int j = 0; j < 2; j++) pthread_create(&t[j], NULL, spin, NULL);
      for (volatile long k = 0; k < 200000; k++) sink++;
      char* args[] = {"/bin/true", NULL};
      execv(args[0], args);
      _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) return 2;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      printf("child %d: %s %d\n", i, WIFEXITED(status) ? "exit" : "signal",
             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
      bad++;
    }
  }
  printf("%d children exec'd /bin/true from a threaded process: %d failed\n", kChildren, bad);
  return bad != 0;
}
