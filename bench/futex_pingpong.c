// futex_pingpong: two threads hand a token back and forth through a futex
// word, each waiting (FUTEX_WAIT) for its turn and waking the other
// (FUTEX_WAKE): 20,000 round trips, each two wake-ups of a blocked thread.
//
// usage: futex_pingpong [DIVISOR]   (DIVISOR > 1 shrinks the work, for --quick)
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static unsigned turn;  // 0: ping's turn, 1: pong's
static long rounds;

static void wait_for(unsigned mine) {
  unsigned now;
  while ((now = __atomic_load_n(&turn, __ATOMIC_ACQUIRE)) != mine) {
    syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, now, NULL, NULL, 0);
  }
}

static void pass_to(unsigned other) {
  __atomic_store_n(&turn, other, __ATOMIC_RELEASE);
  syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void* pong(void* unused) {
  (void)unused;
  for (long i = 0; i < rounds; i++) {
    wait_for(1);
    pass_to(0);
  }
  return NULL;
}

int main(int argc, char** argv) {
  long divisor = argc > 1 ? atol(argv[1]) : 1;
  if (divisor < 1) divisor = 1;
  rounds = 20000 / divisor;
  pthread_t t;
  if (pthread_create(&t, NULL, pong, NULL) != 0) return 1;
  for (long i = 0; i < rounds; i++) {
    wait_for(0);
    pass_to(1);
  }
  pthread_join(t, NULL);
  printf("futex_pingpong round trips %ld\n", rounds);
  return 0;
}
