/* timer_storm.c: a timer signal every 200 us while the program computes
   with loads, stores and atomic adds and no syscalls. Every interruption
   must resume exactly where it stopped: the checksum must equal the same
   computation redone with the timer off, the atomic counter must equal the
   iteration count, and the handler must have run many times meanwhile. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "check.h"

#define N 60000000ull
static volatile uint64_t handled;
static uint64_t table[4096];
static uint64_t atomic_counter;

static void on_alarm(int sig) {
  (void)sig;
  handled++;
  table[handled % 4096] ^= 0;  /* a load and a store in the handler too */
}

static uint64_t compute(uint64_t n, uint64_t *counter) {
  uint64_t x = 88172645463325252ull, sum = 0;
  for (uint64_t i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    uint64_t *slot = &table[x % 4096];
    *slot += x;           /* store */
    sum += *slot >> 3;    /* load */
    if (counter) __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
  }
  return sum;
}

int main(void) {
  handle_signal(SIGALRM, on_alarm, SA_RESTART);
  struct itimerval every = {{0, 200}, {0, 200}}, off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &every, NULL);
  uint64_t sum = compute(N, &atomic_counter);
  setitimer(ITIMER_REAL, &off, NULL);
  uint64_t during = handled;
  memset(table, 0, sizeof table);
  uint64_t again = compute(N, NULL);
  printf("checksum equal to an uninterrupted run: %s\n", sum == again ? "yes" : "no");
  printf("atomic counter exact: %s\n", atomic_counter == N ? "yes" : "no");
  printf("handler ran while computing: %s\n", during >= 10 ? "yes" : "no");
  return !(sum == again && atomic_counter == N && during >= 10);
}
