/* nanosleep_signals.c MODE: nanosleep against signals sent from outside.
   "eintr": nanosleep(2 s), a handled SIGUSR1 at 0.5 s: EINTR, rem about 1.5 s.
   "stopped": nanosleep(1 s) while the test stops and continues the process;
   it returns once the original deadline has passed (or at SIGCONT, if
   later); the second argument is the expected total in seconds. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

static void on_usr1(int sig) { (void)sig; }

static double Now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "eintr";
  handle_signal(SIGUSR1, on_usr1, 0);
  struct timespec req = {strcmp(mode, "eintr") == 0 ? 2 : 1, 0}, rem = {0, 0};
  double start = Now();
  int r = nanosleep(&req, &rem);
  int err = errno;
  double elapsed = Now() - start;
  printf("nanosleep(%ld s) = %d%s\n", (long)req.tv_sec, r, r ? (err == EINTR ? " EINTR" : " ?") : "");
  /* Windows wide enough for a loaded machine, narrow enough to tell a
     restarted sleep (full length again) from a resumed one. */
  if (r) {
    double left = rem.tv_sec + rem.tv_nsec / 1e9;
    printf("rem about 1.5 s (1.2..1.8): %s\n", left >= 1.2 && left <= 1.8 ? "yes" : "no");
    printf("elapsed about 0.5 s (0.3..0.9): %s\n", elapsed >= 0.3 && elapsed <= 0.9 ? "yes" : "no");
  } else {
    double want = argc > 2 ? atof(argv[2]) : 1.0;
    printf("elapsed about %.1f s (-0.1..+0.4): %s\n", want,
           elapsed >= want - 0.1 && elapsed <= want + 0.4 ? "yes" : "no");
  }
  return 0;
}
