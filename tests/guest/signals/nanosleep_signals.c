/* nanosleep_signals.c MODE: nanosleep against signals sent from outside.
   "eintr": nanosleep(2 s), a handled SIGUSR1 at 0.5 s: EINTR, and rem is
   what was not slept.
   "stopped": nanosleep(1 s) while the test stops and continues the process;
   it returns once the original deadline has passed (or at SIGCONT, if
   later); the second argument is the expected total in seconds, the third
   how late it may be. */
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
  /* The test's signals are timed from this line (signals_after_output). */
  printf("sleeping %ld s\n", (long)req.tv_sec);
  fflush(stdout);
  double start = Now();
  int r = nanosleep(&req, &rem);
  int err = errno;
  double elapsed = Now() - start;
  printf("nanosleep(%ld s) = %d%s\n", (long)req.tv_sec, r, r ? (err == EINTR ? " EINTR" : " ?") : "");
  /* Windows wide enough for a loaded machine, narrow enough to tell a
     restarted sleep (full length again) from a resumed one. */
  if (r) {
    /* Whenever the signal came (a loaded machine delays it), what was
       slept and what is left add up to the request. */
    double left = rem.tv_sec + rem.tv_nsec / 1e9;
    printf("rem left (0.05..1.9 s): %s\n", left >= 0.05 && left <= 1.9 ? "yes" : "no");
    printf("elapsed + rem about 2 s (1.9..2.4): %s\n", elapsed + left >= 1.9 && elapsed + left <= 2.4 ? "yes" : "no");
  } else {
    /* Late by up to `slack` (default 0.4 s): the signals' own delay on a
       loaded machine; a sleep restarted at SIGCONT would be a second late. */
    double want = argc > 2 ? atof(argv[2]) : 1.0;
    double slack = argc > 3 ? atof(argv[3]) : 0.4;
    printf("elapsed about %.1f s (-0.1..+%.1f): %s\n", want, slack,
           elapsed >= want - 0.1 && elapsed <= want + slack ? "yes" : "no");
  }
  return 0;
}
