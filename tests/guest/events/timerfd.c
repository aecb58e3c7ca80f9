/* timerfd.c: timerfd_create/settime/gettime as the kernel serves them, on
   every clock. Relative and absolute (TFD_TIMER_ABSTIME) expiries, periodic
   timers counting expirations, disarming, the old value settime returns,
   TFD_TIMER_CANCEL_ON_SET accepted on an absolute CLOCK_REALTIME timer;
   poll and epoll readiness; blocking reads (restarted after a SA_RESTART
   handler, EINTR without); a timer inherited across fork; errors (bad
   clocks, flags, timespecs and pointers, descriptors that are no timerfd). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define MS 1000000L

static volatile sig_atomic_t handled;
static void on_alarm(int sig) { (void)sig; handled++; }

static void alarm_in_ms(int ms) {
  struct itimerval it = {{0, 0}, {0, ms * 1000}};
  setitimer(ITIMER_REAL, &it, NULL);
}

static int64_t now_ns(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static struct itimerspec spec(int64_t value_ns, int64_t interval_ns) {
  struct itimerspec s = {{interval_ns / 1000000000, interval_ns % 1000000000},
                         {value_ns / 1000000000, value_ns % 1000000000}};
  return s;
}

static int64_t ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }


/* One clock: a 10 ms relative timer read by a blocking read. */
static void one_clock(clockid_t clock, const char* name) {
  int fd = timerfd_create(clock, 0);
  if (fd < 0) {  /* the alarm clocks need CAP_WAKE_ALARM */
    printf("%s: create %s\n", name, result_name(fd));
    return;
  }
  struct itimerspec s = spec(10 * MS, 0);
  int64_t start = now_ns(CLOCK_MONOTONIC);
  check(timerfd_settime(fd, 0, &s, NULL) == 0, "%s: settime relative 10 ms", name);
  uint64_t n = 0;
  check(read(fd, &n, 8) == 8 && n == 1, "%s: blocking read: one expiry", name);
  check(now_ns(CLOCK_MONOTONIC) - start >= 9 * MS, "%s: not before its time", name);
  /* An absolute expiry already past fires at once. */
  s = spec(now_ns(clock) - 1000 * MS, 0);
  if (clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC || clock == CLOCK_BOOTTIME) {
    check(timerfd_settime(fd, TFD_TIMER_ABSTIME, &s, NULL) == 0, "%s: settime absolute in the past", name);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    check(poll(&p, 1, 1000) == 1 && p.revents == POLLIN, "%s: readable at once", name);
    check(read(fd, &n, 8) == 8 && n == 1, "%s: one expiry", name);
  }
  close(fd);
}

int main(void) {
  one_clock(CLOCK_REALTIME, "CLOCK_REALTIME");
  one_clock(CLOCK_MONOTONIC, "CLOCK_MONOTONIC");
  one_clock(CLOCK_BOOTTIME, "CLOCK_BOOTTIME");
  one_clock(CLOCK_REALTIME_ALARM, "CLOCK_REALTIME_ALARM");
  one_clock(CLOCK_BOOTTIME_ALARM, "CLOCK_BOOTTIME_ALARM");
  printf("CLOCK_PROCESS_CPUTIME_ID: %s\n", result_name(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0)));
  printf("CLOCK_THREAD_CPUTIME_ID: %s\n", result_name(timerfd_create(CLOCK_THREAD_CPUTIME_ID, 0)));
  printf("CLOCK_MONOTONIC_RAW: %s\n", result_name(timerfd_create(CLOCK_MONOTONIC_RAW, 0)));
  printf("clock 99: %s\n", result_name(timerfd_create(99, 0)));
  printf("clock -1: %s\n", result_name(timerfd_create(-1, 0)));
  printf("flags 1: %s\n", result_name(timerfd_create(CLOCK_MONOTONIC, 1)));

  int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  check(fd >= 0, "timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK|TFD_CLOEXEC)");
  check((fcntl(fd, F_GETFL) & O_NONBLOCK) && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "O_NONBLOCK and FD_CLOEXEC set");
  uint64_t n = 0;
  check(read(fd, &n, 8) == -1 && errno == EAGAIN, "disarmed, nonblocking: EAGAIN");
  struct itimerspec cur;
  memset(&cur, 0xff, sizeof cur);
  check(timerfd_gettime(fd, &cur) == 0 && ns(cur.it_value) == 0 && ns(cur.it_interval) == 0, "gettime: disarmed");

  /* Periodic: 20 ms, then every 20 ms. */
  struct itimerspec s = spec(20 * MS, 20 * MS), old;
  check(timerfd_settime(fd, 0, &s, &old) == 0 && ns(old.it_value) == 0, "settime periodic; old value disarmed");
  check(timerfd_gettime(fd, &cur) == 0 && ns(cur.it_interval) == 20 * MS && ns(cur.it_value) > 0 &&
            ns(cur.it_value) <= 20 * MS,
        "gettime: interval 20 ms, value within it");
  usleep(110 * 1000);
  ssize_t r = read(fd, &n, 8);
  check(r == 8 && n >= 5, "110 ms later: at least five expirations (at 20, 40, 60, 80, 100 ms)");
  s = spec(0, 0);
  check(timerfd_settime(fd, 0, &s, &old) == 0 && ns(old.it_interval) == 20 * MS, "disarm; old interval 20 ms");
  check(read(fd, &n, 8) == -1 && errno == EAGAIN, "disarmed again: EAGAIN");
  check(read(fd, &n, 4) == -1 && errno == EINVAL, "a 4-byte read: EINVAL");

  /* Absolute on CLOCK_MONOTONIC. */
  int64_t start = now_ns(CLOCK_MONOTONIC);
  s = spec(start + 30 * MS, 0);
  check(timerfd_settime(fd, TFD_TIMER_ABSTIME, &s, NULL) == 0, "settime absolute +30 ms");
  struct pollfd p = {.fd = fd, .events = POLLIN};
  check(poll(&p, 1, 0) == 0, "poll: not yet");
  check(poll(&p, 1, 5000) == 1 && p.revents == POLLIN, "poll: readable after the expiry");
  check(now_ns(CLOCK_MONOTONIC) - start >= 29 * MS, "not before the absolute time");
  check(read(fd, &n, 8) == 8 && n == 1, "one expiry");

  /* epoll. */
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 77};
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  s = spec(20 * MS, 0);
  timerfd_settime(fd, 0, &s, NULL);
  struct epoll_event out;
  check(epoll_wait(ep, &out, 1, 0) == 0, "epoll: not yet");
  check(epoll_wait(ep, &out, 1, 5000) == 1 && out.data.u64 == 77, "epoll: the expiry");
  read(fd, &n, 8);
  close(ep);

  /* Cancel-on-set is for absolute CLOCK_REALTIME timers. */
  int rt = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
  s = spec(now_ns(CLOCK_REALTIME) + 3600000 * MS, 0);
  check(timerfd_settime(rt, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &s, NULL) == 0,
        "TFD_TIMER_ABSTIME|TFD_TIMER_CANCEL_ON_SET on CLOCK_REALTIME");
  check(read(rt, &n, 8) == -1 && errno == EAGAIN, "an hour away: EAGAIN");
  printf("cancel-on-set alone: %s\n", result_name(timerfd_settime(rt, TFD_TIMER_CANCEL_ON_SET, &s, NULL)));
  printf("cancel-on-set on CLOCK_MONOTONIC: %s\n",
         result_name(timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &s, NULL)));
  close(rt);

  /* Errors. */
  s = spec(MS, 0);
  printf("settime flags 8: %s\n", result_name(timerfd_settime(fd, 8, &s, NULL)));
  s.it_value.tv_nsec = 1000000000;
  printf("settime tv_nsec 1e9: %s\n", result_name(timerfd_settime(fd, 0, &s, NULL)));
  s = spec(MS, 0);
  s.it_interval.tv_nsec = -1;
  printf("settime interval tv_nsec -1: %s\n", result_name(timerfd_settime(fd, 0, &s, NULL)));
  s = spec(MS, 0);
  s.it_value.tv_sec = -1;
  printf("settime tv_sec -1: %s\n", result_name(timerfd_settime(fd, 0, &s, NULL)));
  printf("settime NULL new: %s\n", result_name(timerfd_settime(fd, 0, NULL, NULL)));
  s = spec(MS, 0);
  printf("settime bad old: %s\n", result_name(syscall(SYS_timerfd_settime, fd, 0, &s, (void*)8)));
  printf("gettime NULL: %s\n", result_name(syscall(SYS_timerfd_gettime, fd, NULL)));
  printf("gettime bad fd: %s\n", result_name(timerfd_gettime(999, &cur)));
  int pipefd[2];
  pipe(pipefd);
  printf("gettime on a pipe: %s\n", result_name(timerfd_gettime(pipefd[0], &cur)));
  printf("settime on a pipe: %s\n", result_name(timerfd_settime(pipefd[0], 0, &s, NULL)));
  close(fd);

  /* Blocking reads interrupted by a handler. */
  handle_signal(SIGALRM, on_alarm, SA_RESTART);
  fd = timerfd_create(CLOCK_MONOTONIC, 0);
  s = spec(200 * MS, 0);
  timerfd_settime(fd, 0, &s, NULL);
  alarm_in_ms(50);
  n = 0;
  check(read(fd, &n, 8) == 8 && n == 1 && handled == 1, "SA_RESTART: the read restarts and gets the expiry");
  handle_signal(SIGALRM, on_alarm, 0);
  timerfd_settime(fd, 0, &s, NULL);
  alarm_in_ms(50);
  check(read(fd, &n, 8) == -1 && errno == EINTR && handled == 2, "no SA_RESTART: EINTR");
  check(read(fd, &n, 8) == 8 && n == 1, "the timer still runs: one expiry");

  /* Across fork: the child reads the timer it inherited. */
  timerfd_settime(fd, 0, &s, NULL);
  pid_t child = fork();
  if (child == 0) {
    uint64_t m = 0;
    _exit(read(fd, &m, 8) == 8 && m == 1 ? 0 : 1);
  }
  int status;
  waitpid(child, &status, 0);
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a forked child reads the inherited timer");
  check(timerfd_gettime(fd, &cur) == 0 && ns(cur.it_value) == 0, "the expiry was consumed for both");
  close(fd);

  printf("%d failures\n", failures);
  return failures != 0;
}
