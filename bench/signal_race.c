/* signal_race.c [DIVISOR]: tests/guest/signals/signal_race.c at scale, for
   issue 16's race probe: 50,000 rounds with SA_RESTART and 50,000 without
   (divided by DIVISOR), a SIGALRM landing at a random instant around a
   blocking read each round. Prints, per mode, the signals handled and the
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
  char* restart[] = {argv[0], rounds, "restart", NULL};
  char* eintr[] = {argv[0], rounds, "eintr", NULL};
  int failed = signal_race_main(3, restart);
  handled = 0;
  written = 0;
  return signal_race_main(3, eintr) | failed;
}
