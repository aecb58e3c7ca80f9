/* signal_race.c [DIVISOR]: tests/guest/signals/signal_race.c at scale, for
   issue 16's race probe: 100,000 rounds over a pipe (under ferry an inline
   safe syscall) and 100,000 over a Unix socket pair (the syscall helper),
   half of each with SA_RESTART and half without (divided by DIVISOR), a
   SIGALRM landing at a random instant around a blocking read each round. Prints, per mode, the signals handled and the
   bytes written and read; any lost or doubled signal or byte prints
   MISMATCH and exits 1. */
#include <stdlib.h>

#define main signal_race_main
#include "signals/signal_race.c"
#undef main

int main(int argc, char** argv) {
  long divisor = argc > 1 ? atol(argv[1]) : 1;
  char rounds[32];
  snprintf(rounds, sizeof rounds, "%ld", 50000 / (divisor > 0 ? divisor : 1));
  int failed = 0;
  char* modes[] = {"restart", "eintr"};
  char* transports[] = {"pipe", "socket"};
  for (int t = 0; t < 2; t++) {
    for (int m = 0; m < 2; m++) {
      char* args[] = {argv[0], rounds, modes[m], transports[t], NULL};
      handled = 0;
      written = 0;
      failed |= signal_race_main(4, args);
    }
  }
  return failed;
}
