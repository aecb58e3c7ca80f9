/* signal_target.c: which thread takes a process-directed signal, when
   several could. The main thread blocks SIGUSR1; four workers do not, each
   busy differently (blocked in read, in sem_wait, in nanosleep, computing).
   The main thread sends SIGUSR1 to the process four times, each after the
   last was handled; the handler records its worker and blocks SIGUSR1 in
   that worker as it returns (uc_sigmask), so each signal has one worker
   fewer to choose from. The kernel tries the main thread and then the
   others in creation order, and so does ferry under --seed: "order: 1 2 3
   4". Unseeded, ferry lets whichever worker looks first take it. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "tests/guest/check.h"

enum { kWorkers = 4 };

static __thread int me;  /* this thread's worker number; 0: main */
static int taken_by[kWorkers];
static atomic_int taken;
static atomic_int ready;
static atomic_int done;
static int handled_pipe[2];  /* the handler tells main it ran */
static int read_pipe[2];     /* worker 1 blocks reading it */
static sem_t worker2_sem;    /* worker 2 blocks on it */
static volatile unsigned long worker4_work;
static int worker_result[kWorkers + 1];  /* checked by main: workers print nothing */

static void on_usr1(int sig, siginfo_t *info, void *context) {
  (void)sig;
  (void)info;
  int n = atomic_fetch_add(&taken, 1);
  if (n < kWorkers) taken_by[n] = me;
  sigaddset(&((ucontext_t *)context)->uc_sigmask, SIGUSR1);  /* this worker is done */
  char byte = 'h';
  while (write(handled_pipe[1], &byte, 1) < 0 && errno == EINTR) {
  }
}

static void *worker(void *arg) {
  me = (int)(long)arg;
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
  atomic_fetch_add(&ready, 1);
  switch (me) {
    case 1: {
      char byte;
      ssize_t r;
      while ((r = read(read_pipe[0], &byte, 1)) < 0 && errno == EINTR) {
      }
      worker_result[1] = r == 1;
      break;
    }
    case 2:
      while (sem_wait(&worker2_sem) != 0 && errno == EINTR) {
      }
      worker_result[2] = 1;
      break;
    case 3:
      while (!atomic_load(&done)) {
        struct timespec tick = {0, 2000000};
        nanosleep(&tick, NULL);
      }
      worker_result[3] = 1;
      break;
    case 4:
      while (!atomic_load(&done)) worker4_work++;
      worker_result[4] = 1;
      break;
  }
  return NULL;
}

int main(void) {
  check(pipe(handled_pipe) == 0 && pipe(read_pipe) == 0, "pipes");
  check(sem_init(&worker2_sem, 0, 0) == 0, "sem_init");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  check(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction");
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  check(pthread_sigmask(SIG_BLOCK, &usr1, NULL) == 0, "block SIGUSR1 in main");

  pthread_t threads[kWorkers];
  for (long i = 0; i < kWorkers; i++) {
    check(pthread_create(&threads[i], NULL, worker, (void *)(i + 1)) == 0, "pthread_create %ld", i + 1);
  }
  while (atomic_load(&ready) < kWorkers) {
    struct timespec tick = {0, 1000000};
    nanosleep(&tick, NULL);
  }
  for (int round = 0; round < kWorkers; round++) {
    check(kill(getpid(), SIGUSR1) == 0, "kill");
    char byte;
    check(read(handled_pipe[0], &byte, 1) == 1, "round %d handled", round + 1);
  }
  printf("order:");
  for (int i = 0; i < atomic_load(&taken) && i < kWorkers; i++) printf(" %d", taken_by[i]);
  printf("\n");

  atomic_store(&done, 1);
  check(write(read_pipe[1], "x", 1) == 1, "wake worker 1");
  check(sem_post(&worker2_sem) == 0, "wake worker 2");
  for (int i = 0; i < kWorkers; i++) {
    check(pthread_join(threads[i], NULL) == 0 && worker_result[i + 1], "worker %d finished", i + 1);
  }
  printf("signals handled: %d\n", atomic_load(&taken));
  printf("%d failures\n", failures);
  return failures ? 1 : 0;
}
