/* deadlock_sem.c: the Boehm GC pattern. A SIGUSR1 handler posts a semaphore
   the program waits on (a futex wait); the signal comes from outside after
   half a second. Must print and exit 0; a naive emulator hangs. */
#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

static sem_t sem;

static void on_usr1(int sig) {
  (void)sig;
  sem_post(&sem);
}

int main(void) {
  sem_init(&sem, 0, 0);
  handle_signal(SIGUSR1, on_usr1, SA_RESTART);
  printf("waiting on the semaphore\n");
  fflush(stdout);
  int r;
  while ((r = sem_wait(&sem)) != 0 && errno == EINTR) {
  }
  printf("sem_wait returned %d\n", r);
  return r == 0 ? 0 : 1;
}
