// signal_latency: the guest half of ferry's signal-latency benchmark.
//
// Run by bench/driver (see driver.c), which passes a pipe to read from as
// fd 3 and a pipe to write to as fd 4. The program installs a SIGUSR1 handler
// (no SA_RESTART) whose first action is clock_gettime(CLOCK_MONOTONIC); the
// handler then writes {sequence number, timestamp in ns} to fd 4. The main
// loop blocks in read(3) and re-enters it after every EINTR. The driver sends
// SIGUSR1 from outside while the guest is blocked and compares the handler's
// timestamp with its own, taken just before kill() (CLOCK_MONOTONIC is
// system-wide). A 'q' on fd 3 ends the loop; the program prints how many
// signals its handler saw, which the driver checks.
//
// The first record, {0, 0}, written before the first read, says "ready".
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_usr1(int sig) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);  // the handler's first action
  (void)sig;
  int64_t rec[2] = {++handled, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec};
  if (write(4, rec, sizeof rec) != sizeof rec) _exit(3);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGUSR1, &sa, NULL) != 0) {
    perror("signal_latency: sigaction");
    return 1;
  }
  int64_t ready[2] = {0, 0};
  if (write(4, ready, sizeof ready) != sizeof ready) {
    perror("signal_latency: write");
    return 1;
  }
  for (;;) {
    char c;
    ssize_t r = read(3, &c, 1);
    if (r == 1 && c == 'q') break;
    if (r < 0 && errno == EINTR) continue;
    fprintf(stderr, "signal_latency: unexpected read result %zd (errno %d)\n", r, r < 0 ? errno : 0);
    return 1;
  }
  printf("signal_latency handled %d\n", (int)handled);
  return 0;
}
