/* clock_set.c (as root): setting clocks without changing the machine's:
   invalid values and clocks, bad pointers, read-only adjtimex (modes 0),
   and, as nobody, the permission errors. adjtimex's time is the wall clock
   the program reads (under ferry --time too). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static long clock_settime_(long clock, const void* ts) { return syscall(SYS_clock_settime, clock, ts); }
static long settimeofday_(const void* tv, const void* tz) { return syscall(SYS_settimeofday, tv, tz); }

static void errors(void) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  errno = 0;
  check(clock_settime_(CLOCK_MONOTONIC, &now) == -1 && errno == EINVAL, "clock_settime(CLOCK_MONOTONIC): EINVAL");
  errno = 0;
  check(clock_settime_(CLOCK_REALTIME, (void*)8) == -1 && errno == EFAULT, "clock_settime from a bad pointer: EFAULT");
  struct timespec bad = {now.tv_sec, 2000000000};
  errno = 0;
  check(clock_settime_(CLOCK_REALTIME, &bad) == -1 && errno == EINVAL, "clock_settime of 2e9 ns: EINVAL");
  errno = 0;
  check(clock_settime_(-1, &now) == -1 && errno == EINVAL, "clock_settime(-1): EINVAL");
  struct timeval badtv = {now.tv_sec, 1000000};
  errno = 0;
  check(settimeofday_(&badtv, NULL) == -1 && errno == EINVAL, "settimeofday of 1e6 us: EINVAL");
  errno = 0;
  check(settimeofday_((void*)8, NULL) == -1 && errno == EFAULT, "settimeofday from a bad pointer: EFAULT");
  report("settimeofday(NULL, NULL)", settimeofday_(NULL, NULL));
  errno = 0;
  check(syscall(SYS_adjtimex, 8) == -1 && errno == EFAULT, "adjtimex from a bad pointer: EFAULT");
  struct timex tx = {0};
  tx.modes = ADJ_TICK; /* a tick of 0 is refused before anything changes */
  report("adjtimex(ADJ_TICK) of tick 0", syscall(SYS_adjtimex, &tx));
  struct timex q = {0};
  errno = 0;
  check(syscall(SYS_clock_adjtime, CLOCK_MONOTONIC, &q) == -1 && errno == EOPNOTSUPP,
        "clock_adjtime(CLOCK_MONOTONIC): EOPNOTSUPP");
}

/* Read-only adjtimex and clock_adjtime: the state, and the time they say. */
static void reads(void) {
  struct timex tx = {0};
  long state = syscall(SYS_adjtimex, &tx);
  struct timeval tv;
  gettimeofday(&tv, NULL);
  long usec = (tx.status & STA_NANO) ? tx.time.tv_usec / 1000 : tx.time.tv_usec;
  double apart = (tv.tv_sec - tx.time.tv_sec) + (tv.tv_usec - usec) / 1e6;
  check(state >= 0 && state <= TIME_ERROR, "adjtimex(modes 0) gives the clock state");
  check(apart >= 0 && apart < 5, "adjtimex's time is gettimeofday's");
  struct timex c = {0};
  long cstate = syscall(SYS_clock_adjtime, CLOCK_REALTIME, &c);
  check(cstate == state, "clock_adjtime(CLOCK_REALTIME) gives the same state");
  check(c.time.tv_sec - tx.time.tv_sec >= 0 && c.time.tv_sec - tx.time.tv_sec < 5, "and about the same time");
}

/* As nobody: no CAP_SYS_TIME. Setting the current time would be a no-op,
   but the permission is checked first. */
static void unprivileged(void) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    failures = 0;
    if (setgid(65534) != 0 || setuid(65534) != 0) {
      printf("cannot become nobody here\n");
      fflush(stdout);
      _exit(0);
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    errno = 0;
    check(clock_settime_(CLOCK_REALTIME, &now) == -1 && errno == EPERM, "nobody: clock_settime EPERM");
    struct timeval tv;
    gettimeofday(&tv, NULL);
    errno = 0;
    check(settimeofday_(&tv, NULL) == -1 && errno == EPERM, "nobody: settimeofday EPERM");
    struct timex tx = {0};
    tx.modes = ADJ_OFFSET;
    errno = 0;
    check(syscall(SYS_adjtimex, &tx) == -1 && errno == EPERM, "nobody: adjtimex(ADJ_OFFSET) EPERM");
    struct timex ro = {0};
    check(syscall(SYS_adjtimex, &ro) >= 0, "nobody: adjtimex(modes 0) allowed");
    errno = 0;
    check(syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx) == -1 && errno == EPERM, "nobody: clock_adjtime EPERM");
    errno = 0;
    check(syscall(SYS_sethostname, "x", 1) == -1 && errno == EPERM, "nobody: sethostname EPERM");
    fflush(stdout);
    _exit(failures != 0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the unprivileged child: status %#x", status);
}

int main(void) {
  errors();
  reads();
  unprivileged();
  printf("%d failures\n", failures);
  return failures != 0;
}
