/* spin_handler.c: a signal with a handler arrives while the program computes
   without making any syscall; the handler must run then (a naive emulator
   runs it only at the next syscall, and this loop never makes one). The
   handler sets a flag the loop polls; the loop also checksums its work, and
   the result must match the same number of iterations computed again
   afterwards, so an interrupted-and-resumed computation stays exact. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

static volatile sig_atomic_t got;
static volatile uint64_t sink;

static void on_usr1(int sig) { got = sig; }

static uint64_t step(uint64_t x) { return x * 6364136223846793005ull + 1442695040888963407ull; }

int main(void) {
  handle_signal(SIGUSR1, on_usr1, 0);
  printf("spinning until SIGUSR1\n");
  fflush(stdout);
  uint64_t x = 1, i = 0;
  const uint64_t limit = 40000000000ull;  /* hours under emulation: never the way out */
  for (; !got && i < limit; i++) {
    x = step(x);
    sink = x;  /* a store on every iteration */
  }
  uint64_t again = 1;
  for (uint64_t j = 0; j < i; j++) again = step(again);
  printf("handler ran during the computation: %s\n", got == SIGUSR1 ? "yes" : "no");
  printf("interrupted computation exact: %s\n", again == x ? "yes" : "no");
  return got == SIGUSR1 && again == x ? 0 : 1;
}
