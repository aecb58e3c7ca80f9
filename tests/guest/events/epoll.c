/* epoll.c: epoll_create1/ctl/pwait/pwait2 as the kernel serves them.
   The 64-bit data word comes back unchanged (the guest's 16-byte event
   crosses x86_64's packed 12-byte one); level- and edge-triggered,
   EPOLLONESHOT and re-arming with MOD; a nested epoll descriptor; errors
   (EINVAL for maxevents 0, EEXIST, ENOENT, EBADF, ELOOP); an unmapped
   events array (EFAULT only when there is an event to copy); timeouts; a wait
   interrupted by a SA_RESTART handler fails with EINTR (never restarted);
   the sigmask argument lets in a signal the thread blocks. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t handled;
static void on_alarm(int sig) { (void)sig; handled++; }

static void show(const char* what, int r) { printf("%s: %d %s\n", what, r, r < 0 ? strerror(errno) : ""); }

int main(void) {
  int p[2], q[2];
  pipe(p);
  pipe(q);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ULL};
  show("add p", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
  show("add p again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
  show("mod q (absent)", epoll_ctl(ep, EPOLL_CTL_MOD, q[0], &ev));
  show("add bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev));
  show("add self", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
  struct epoll_event out[4];
  memset(out, 0, sizeof out);
  show("wait maxevents 0", epoll_wait(ep, out, 0, 0));
  show("wait empty", epoll_wait(ep, out, 4, 10));
  write(p[1], "ab", 2);
  int n = epoll_wait(ep, out, 4, 1000);
  printf("level: %d events %#x data %#llx\n", n, out[0].events, (unsigned long long)out[0].data.u64);
  n = epoll_wait(ep, out, 4, 0);
  printf("level again (still readable): %d\n", n);

  ev.events = EPOLLIN | EPOLLET;
  ev.data.u64 = 0xfeedfacecafebeefULL;
  show("mod p to edge", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
  n = epoll_wait(ep, out, 4, 0);
  printf("edge after mod: %d data %#llx\n", n, (unsigned long long)out[0].data.u64);
  n = epoll_wait(ep, out, 4, 0);
  printf("edge again, no new data: %d\n", n);
  write(p[1], "c", 1);
  n = epoll_wait(ep, out, 4, 0);
  printf("edge after write: %d\n", n);

  ev.events = EPOLLIN | EPOLLONESHOT;
  ev.data.fd = q[0];
  show("add q oneshot", epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev));
  write(q[1], "x", 1);
  struct epoll_event ev2[4];
  n = epoll_wait(ep, ev2, 4, 0);
  printf("oneshot: %d (fd matches: %d)\n", n, n >= 1 && (ev2[0].data.fd == q[0] || ev2[1].data.fd == q[0]));
  n = epoll_wait(ep, ev2, 4, 0);
  printf("oneshot disarmed: %d\n", n);
  show("rearm q", epoll_ctl(ep, EPOLL_CTL_MOD, q[0], &ev));
  n = epoll_wait(ep, ev2, 4, 0);
  printf("rearmed: %d\n", n);
  show("del q", epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL));
  show("del p", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));

  int outer = epoll_create1(0);
  struct epoll_event nested = {.events = EPOLLIN, .data.u64 = 42};
  show("nest", epoll_ctl(outer, EPOLL_CTL_ADD, ep, &nested));
  show("loop", epoll_ctl(ep, EPOLL_CTL_ADD, outer, &nested));
  ev.events = EPOLLIN;
  ev.data.u64 = 7;
  epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev);
  n = epoll_wait(outer, out, 4, 1000);
  printf("nested: %d data %llu\n", n, (unsigned long long)out[0].data.u64);

  struct timespec short_wait = {0, 20 * 1000 * 1000};
  int empty = epoll_create1(0);
  show("pwait2 timeout", (int)syscall(SYS_epoll_pwait2, empty, out, 4, &short_wait, NULL, 8));
  struct timespec bad = {0, 2000000000L};
  show("pwait2 bad timespec", (int)syscall(SYS_epoll_pwait2, empty, out, 4, &bad, NULL, 8));
  struct epoll_event* unmapped = (struct epoll_event*)16;
  show("wait, unmapped array, nothing ready", epoll_wait(empty, unmapped, 4, 0));
  int r[2];
  pipe(r);
  write(r[1], "x", 1);
  struct epoll_event rev = {.events = EPOLLIN, .data.u64 = 9};
  epoll_ctl(empty, EPOLL_CTL_ADD, r[0], &rev);
  show("wait, unmapped array, one ready", epoll_wait(empty, unmapped, 4, 0));
  show("wait, the event kept", epoll_wait(empty, out, 4, 0));
  epoll_ctl(empty, EPOLL_CTL_DEL, r[0], NULL);

  handle_signal(SIGALRM, on_alarm, SA_RESTART);
  struct itimerval in_50ms = {{0, 0}, {0, 50000}};
  setitimer(ITIMER_REAL, &in_50ms, NULL);
  show("wait interrupted (SA_RESTART)", epoll_wait(empty, out, 4, 5000));
  printf("handled %d\n", handled);

  sigset_t alrm, none;
  sigemptyset(&alrm);
  sigaddset(&alrm, SIGALRM);
  sigemptyset(&none);
  sigprocmask(SIG_BLOCK, &alrm, NULL);
  setitimer(ITIMER_REAL, &in_50ms, NULL);
  show("blocked: times out", epoll_wait(empty, out, 4, 200));
  printf("handled %d\n", handled);
  show("pwait lets the pending one in", epoll_pwait(empty, out, 4, 5000, &none));
  printf("handled %d\n", handled);
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  printf("mask restored: %d\n", sigismember(&now, SIGALRM));
  return 0;
}
