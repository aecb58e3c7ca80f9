/* thread_start_mask.c: a new thread starts with its creator's signal mask,
   at once (clone copies it). While another process floods this one with
   SIGUSR1, which every thread blocks and whose default action would kill
   the process, threads come and go: none of them may ever be picked to
   take it. Ferry once showed a starting thread's mask as empty until the
   thread set itself up, and a SIGUSR1 sent meanwhile killed the process. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

enum { kThreads = 300 };

static void* nothing(void* unused) { return unused; }

int main(void) {
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
  pid_t target = getpid();
  pid_t sender = fork();
  if (sender == 0) {
    while (kill(target, SIGUSR1) == 0) usleep(50);
    _exit(0);
  }
  int started = 0;
  for (int i = 0; i < kThreads; i++) {
    pthread_t t;
    if (pthread_create(&t, NULL, nothing, NULL) == 0) {
      pthread_join(t, NULL);
      started++;
    }
  }
  kill(sender, SIGKILL);
  waitpid(sender, NULL, 0);
  sigset_t pending;
  sigpending(&pending);
  printf("%d threads started and joined; SIGUSR1 %s\n", started,
         sigismember(&pending, SIGUSR1) ? "pending" : "not pending");
  return started == kThreads ? 0 : 1;
}
