/* ppoll_mask.c: ppoll's signal mask is the guest's for the length of the
   call: a pending SIGUSR1, blocked before, interrupts a ppoll whose mask
   unblocks it (EINTR, handler run) and the old mask comes back afterwards.
   Also a POSIX timer (timer_create, SIGEV_SIGNAL) wakes sigsuspend. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile int got;
static void on_usr1(int sig) { got = sig; }

int main(void) {
  handle_signal(SIGUSR1, on_usr1, 0);
  sigset_t usr1, none, now;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigemptyset(&none);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
  kill(getpid(), SIGUSR1);
  printf("pending while blocked: handled=%d\n", got);

  int fds[2];
  if (pipe(fds) != 0) return 2;
  struct pollfd p = {fds[0], POLLIN, 0};
  struct timespec t = {2, 0};
  int r = ppoll(&p, 1, &t, &none);
  printf("ppoll with an empty mask: %d %s, handled=%d\n", r, r < 0 && errno == EINTR ? "EINTR" : "-", got);
  sigprocmask(SIG_BLOCK, NULL, &now);
  printf("SIGUSR1 blocked again after ppoll: %d\n", sigismember(&now, SIGUSR1));

  timer_t timer;
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGUSR1;
  timer_create(CLOCK_MONOTONIC, &ev, &timer);
  struct itimerspec its = {{0, 0}, {0, 100000000}};
  timer_settime(timer, 0, &its, NULL);
  got = 0;
  sigsuspend(&none);
  printf("timer signal woke sigsuspend: handled=%d\n", got);
  timer_delete(timer);
  return 0;
}
