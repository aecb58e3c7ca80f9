/* time_misc.c: clock_gettime/nanosleep/gettimeofday, process ids, sysinfo, getrandom,
 * sched_getaffinity and uname. Prints only booleans and fixed words, since the
 * values differ between runs. Exits 1 if any check failed. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "check.h"



static long long ns(const struct timespec *t) { return t->tv_sec * 1000000000LL + t->tv_nsec; }

int main(void) {
  struct timespec prev, now;
  int mono_ok = clock_gettime(CLOCK_MONOTONIC, &prev) == 0;
  for (int i = 0; i < 1000 && mono_ok; i++) {
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0 || ns(&now) < ns(&prev)) mono_ok = 0;
    prev = now;
  }
  check(mono_ok, "CLOCK_MONOTONIC non-decreasing over 1000 calls");
  struct timespec res;
  check(clock_getres(CLOCK_MONOTONIC, &res) == 0 && ns(&res) > 0 && ns(&res) <= 1000000,
        "clock_getres(CLOCK_MONOTONIC) between 1 ns and 1 ms");

  struct timespec a, b, req = {0, 50 * 1000 * 1000};
  clock_gettime(CLOCK_MONOTONIC, &a);
  int r = nanosleep(&req, NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  check(r == 0 && ns(&b) - ns(&a) >= 50000000LL, "nanosleep 50 ms took >= 50 ms");
  check(ns(&b) - ns(&a) < 5000000000LL, "nanosleep 50 ms took < 5 s");

  struct timeval tv;
  struct timespec rt;
  r = gettimeofday(&tv, NULL);
  clock_gettime(CLOCK_REALTIME, &rt);
  check(r == 0 && tv.tv_sec > 1600000000 && tv.tv_usec >= 0 && tv.tv_usec < 1000000,
        "gettimeofday after 2020, usec in range");
  long long diff = rt.tv_sec - tv.tv_sec;
  check(diff >= 0 && diff <= 2, "CLOCK_REALTIME agrees with gettimeofday");
  time_t t = time(NULL);
  /* time() may read a coarse clock that lags gettimeofday by a tick. */
  check(t >= tv.tv_sec - 1 && t - tv.tv_sec <= 2, "time() agrees with gettimeofday");

  check(getpid() == getpid() && getpid() > 0, "getpid() stable and > 0");
  check(getppid() > 0, "getppid() > 0");
  check(getuid() == geteuid(), "getuid() == geteuid()");
  check(getgid() == getegid(), "getgid() == getegid()");
  check(gettid() == getpid(), "gettid() == getpid() in a single-threaded process");

  struct sysinfo si;
  r = sysinfo(&si);
  check(r == 0 && si.uptime > 0 && si.totalram > 0 && si.mem_unit > 0 && si.procs > 0,
        "sysinfo: uptime, totalram, mem_unit, procs > 0");

  unsigned char rnd[16];
  memset(rnd, 0, sizeof rnd);
  ssize_t n = getrandom(rnd, sizeof rnd, 0);
  int nonzero = 0;
  for (int i = 0; i < 16; i++) nonzero |= rnd[i];
  check(n == 16 && nonzero, "getrandom returned 16 bytes, not all zero");

  cpu_set_t set;
  CPU_ZERO(&set);
  r = sched_getaffinity(0, sizeof set, &set);
  check(r == 0 && CPU_COUNT(&set) >= 1, "sched_getaffinity: at least one cpu");
  check(sysconf(_SC_NPROCESSORS_ONLN) >= 1, "sysconf(_SC_NPROCESSORS_ONLN) >= 1");

  struct utsname u;
  r = uname(&u);
  check(r == 0, "uname succeeds");
  check(strcmp(u.sysname, "Linux") == 0, "uname sysname is Linux");
  check(u.release[0] != '\0', "uname release non-empty");

  printf("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
