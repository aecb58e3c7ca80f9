/* nanosleep_signals.c MODE: nanosleep against signals sent from outside.
   "eintr": nanosleep(2 s), a handled SIGUSR1 at 0.5 s: EINTR, rem about 1.5 s.
   "stopped": nanosleep(1 s) while the test stops and continues the process;
   it returns once the original deadline has passed (or at SIGCONT, if
   later). Prints elapsed time in tenths of a second. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void on_usr1(int sig) { (void)sig; }

static double Now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "eintr";
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  struct timespec req = {strcmp(mode, "eintr") == 0 ? 2 : 1, 0}, rem = {0, 0};
  double start = Now();
  int r = nanosleep(&req, &rem);
  int err = errno;
  double elapsed = Now() - start;
  printf("nanosleep(%ld s) = %d%s\n", (long)req.tv_sec, r, r ? (err == EINTR ? " EINTR" : " ?") : "");
  if (r) printf("rem %.1f s\n", rem.tv_sec + rem.tv_nsec / 1e9);
  printf("elapsed %.1f s\n", elapsed);
  return 0;
}
