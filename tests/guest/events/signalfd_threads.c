/* signalfd_threads.c: a signalfd's readiness and reads per thread, as the
   kernel's signalfd_poll and signalfd_read give them: a signal directed at
   thread B (tgkill) makes the signalfd readable for B only, and only B's
   read returns it, while one sent to the process is readable for both; a
   poll or select in A that waits is woken by a signal directed at A, not by
   one directed at B (it times out); an edge-triggered epoll sees one edge
   per signal queued for the process (none for one already pending); an
   epoll_wait or epoll_pwait2 in A, level-triggered, edge-triggered or
   one-shot, neither reports nor returns early for a signal directed at B
   (the kernel polls the signalfd in the waiter's context), is woken by one
   directed at A, and a one-shot item stays armed; the same after fork, in
   the child.
   Every answer is printed, so the native run is the reference. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

static int sfd, ep_shared;
static pid_t tid_a, tid_b;
static int to_b[2], to_a[2];  /* A tells B what to do; B answers */

static int poll_now(int timeout_ms) {
  struct pollfd p = {sfd, POLLIN, 0};
  int r = poll(&p, 1, timeout_ms);
  return r < 0 ? -errno : r * 100 + p.revents;
}

static int select_now(long timeout_ms) {
  fd_set set;
  FD_ZERO(&set);
  FD_SET(sfd, &set);
  struct timeval tv = {0, timeout_ms * 1000};
  int r = select(sfd + 1, &set, NULL, NULL, &tv);
  return r < 0 ? -errno : r * 10 + FD_ISSET(sfd, &set);
}

/* The signal a non-blocking read takes, or -errno. */
static int read_one(void) {
  struct signalfd_siginfo si;
  ssize_t n = read(sfd, &si, sizeof si);
  if (n < 0) return -errno;
  return si.ssi_code == SI_TKILL ? (int)si.ssi_signo * 1000 + 1 : (int)si.ssi_signo * 1000;
}

static void look(const char* who, const char* what) {
  int p = poll_now(0), s = select_now(0);
  printf("%s %s: poll %d select %d\n", who, what, p, s);
}

static void tgkill_to(pid_t tid, int sig) { syscall(SYS_tgkill, getpid(), tid, sig); }

static void* thread_b(void* unused) {
  (void)unused;
  tid_b = (pid_t)syscall(SYS_gettid);
  char c;
  write(to_a[1], "r", 1);
  while (read(to_b[0], &c, 1) == 1) {
    if (c == 'l') {
      look("B", "look");
    } else if (c == 'r') {
      printf("B read: %d\n", read_one());
    } else if (c == 'k') {  /* a signal to A while A waits */
      usleep(100 * 1000);
      tgkill_to(tid_a, SIGUSR1);
    } else if (c == 'p') {  /* a signal to the process while A waits */
      usleep(100 * 1000);
      kill(getpid(), SIGUSR1);
    } else if (c == 's') {  /* a signal to B itself while A waits */
      usleep(50 * 1000);
      tgkill_to(tid_b, SIGUSR2);
    } else if (c == 'e') {  /* B's own epoll_wait on the epoll A made */
      struct epoll_event got[2];
      int n = epoll_wait(ep_shared, got, 2, 0);
      printf("B epoll: %d %#llx\n", n, n > 0 ? (unsigned long long)got[0].data.u64 : 0);
    } else if (c == 'q') {
      break;
    }
    fflush(stdout);
    write(to_a[1], "d", 1);
  }
  return NULL;
}

static void ask_b(char what) {
  char c;
  fflush(stdout);
  write(to_b[1], &what, 1);
  read(to_a[0], &c, 1);
}

/* EPOLLET: an edge for each signal queued, none while nothing new comes. */
static void edges(void) {
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = 0x1234};
  epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
  struct epoll_event got[2];
  printf("ET nothing: %d\n", epoll_wait(ep, got, 2, 0));
  kill(getpid(), SIGUSR1);
  int n = epoll_wait(ep, got, 2, 0);
  printf("ET SIGUSR1: %d %#x %#llx\n", n, n > 0 ? got[0].events : 0, n > 0 ? (unsigned long long)got[0].data.u64 : 0);
  printf("ET again: %d\n", epoll_wait(ep, got, 2, 0));
  kill(getpid(), SIGUSR1);
  printf("ET SIGUSR1 already pending: %d\n", epoll_wait(ep, got, 2, 0));
  kill(getpid(), SIGUSR2);
  printf("ET SIGUSR2: %d\n", epoll_wait(ep, got, 2, 100));
  printf("ET again: %d\n", epoll_wait(ep, got, 2, 0));
  printf("read: %d\n", read_one());
  printf("ET after a read: %d\n", epoll_wait(ep, got, 2, 0));
  printf("read: %d\n", read_one());
  printf("read: %d\n", read_one());
  ev.events = EPOLLIN;
  epoll_ctl(ep, EPOLL_CTL_MOD, sfd, &ev);
  printf("LT nothing: %d\n", epoll_wait(ep, got, 2, 0));
  kill(getpid(), SIGUSR2);
  printf("LT SIGUSR2: %d\n", epoll_wait(ep, got, 2, 0));
  printf("LT again: %d\n", epoll_wait(ep, got, 2, 0));
  printf("read: %d\n", read_one());
  printf("LT after the read: %d\n", epoll_wait(ep, got, 2, 0));
  close(ep);
}

static int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* An epoll wait in A of `ms`: its count, first data, and whether it waited
   the whole timeout when it reported nothing. */
static void epoll_in_a(const char* what, int ms, int pwait2) {
  struct epoll_event got[2];
  int64_t start = now_ms();
  int n;
  if (pwait2) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    n = (int)syscall(SYS_epoll_pwait2, ep_shared, got, 2, &ts, NULL, 8);
  } else {
    n = epoll_wait(ep_shared, got, 2, ms);
  }
  int64_t waited = now_ms() - start;
  printf("A %s %s %d ms: %d %#llx%s\n", pwait2 ? "epoll_pwait2" : "epoll_wait", what, ms, n,
         n > 0 ? (unsigned long long)got[0].data.u64 : 0,
         n == 0 && ms > 0 ? (waited >= ms - 20 ? " (the whole timeout)" : " (EARLY)") : "");
}

/* epoll readiness of the signalfd per thread, as the kernel's ep_item_poll
   gives it: polled in the waiter's context. */
static void epoll_per_thread(void) {
  char c;
  ep_shared = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0xabc};
  epoll_ctl(ep_shared, EPOLL_CTL_ADD, sfd, &ev);
  tgkill_to(tid_b, SIGUSR2);
  ask_b('e');  /* B sees its own signal */
  epoll_in_a("LT, SIGUSR2 for B", 0, 0);
  epoll_in_a("LT, SIGUSR2 for B", 200, 0);
  epoll_in_a("LT, SIGUSR2 for B", 200, 1);
  write(to_b[1], "k", 1);
  epoll_in_a("LT, SIGUSR2 for B, SIGUSR1 to A meanwhile", 3000, 0);
  read(to_a[0], &c, 1);
  epoll_in_a("LT, SIGUSR1 for A", 0, 0);
  printf("A read: %d\n", read_one());
  epoll_in_a("LT, after the read", 100, 1);

  ev.events = EPOLLIN | EPOLLONESHOT;
  ev.data.u64 = 0xdef;
  epoll_ctl(ep_shared, EPOLL_CTL_MOD, sfd, &ev);
  epoll_in_a("oneshot, SIGUSR2 for B", 150, 0);
  kill(getpid(), SIGUSR1);
  epoll_in_a("oneshot, SIGUSR1 for the process", 0, 0);
  epoll_in_a("oneshot, disarmed", 0, 0);
  printf("A read: %d\n", read_one());
  epoll_ctl(ep_shared, EPOLL_CTL_MOD, sfd, &ev);  /* re-armed */
  write(to_b[1], "p", 1);
  epoll_in_a("oneshot, SIGUSR2 for B, SIGUSR1 to the process meanwhile", 3000, 0);
  read(to_a[0], &c, 1);
  epoll_in_a("oneshot, reported in that wait: disarmed", 0, 0);
  printf("A read: %d\n", read_one());

  ev.events = EPOLLIN | EPOLLET;
  ev.data.u64 = 0x123;
  epoll_ctl(ep_shared, EPOLL_CTL_MOD, sfd, &ev);
  epoll_in_a("ET, SIGUSR2 for B", 150, 1);
  write(to_b[1], "k", 1);
  epoll_in_a("ET, SIGUSR2 for B, SIGUSR1 to A meanwhile", 3000, 1);
  read(to_a[0], &c, 1);
  epoll_in_a("ET, again", 0, 0);
  printf("A read: %d\n", read_one());
  ask_b('r');
  epoll_in_a("ET, all read", 0, 0);
  close(ep_shared);
}

static void scenario(const char* where) {
  printf("-- %s\n", where);
  tid_a = (pid_t)syscall(SYS_gettid);
  pipe(to_b);
  pipe(to_a);
  pthread_t b;
  pthread_create(&b, NULL, thread_b, NULL);
  char c;
  read(to_a[0], &c, 1);

  look("A", "nothing pending");
  tgkill_to(tid_b, SIGUSR1);
  look("A", "SIGUSR1 for B");
  printf("A read: %d\n", read_one());
  ask_b('l');
  ask_b('r');
  ask_b('l');

  kill(getpid(), SIGUSR2);
  look("A", "SIGUSR2 for the process");
  ask_b('l');
  printf("A read: %d\n", read_one());
  ask_b('l');

  tgkill_to(tid_a, SIGUSR1);
  tgkill_to(tid_b, SIGUSR2);
  look("A", "SIGUSR1 for A, SIGUSR2 for B");
  ask_b('l');
  printf("A read: %d\n", read_one());
  printf("A read: %d\n", read_one());
  ask_b('r');
  ask_b('r');

  /* Waits: B signals A while A polls (woken), B signals itself while A polls
     (A times out), each for poll and for select. */
  write(to_b[1], "k", 1);
  printf("A poll, SIGUSR1 to A meanwhile: %d\n", poll_now(3000));
  read(to_a[0], &c, 1);
  printf("A read: %d\n", read_one());
  write(to_b[1], "s", 1);
  printf("A poll, SIGUSR2 to B meanwhile: %d\n", poll_now(300));
  read(to_a[0], &c, 1);
  write(to_b[1], "k", 1);
  printf("A select, SIGUSR1 to A meanwhile: %d\n", select_now(900));
  read(to_a[0], &c, 1);
  printf("A read: %d\n", read_one());
  printf("A select, B's SIGUSR2 still pending: %d\n", select_now(200));
  ask_b('r');
  look("A", "all read");
  epoll_per_thread();
  edges();

  write(to_b[1], "q", 1);
  pthread_join(b, NULL);
  close(to_b[0]);
  close(to_b[1]);
  close(to_a[0]);
  close(to_a[1]);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGUSR2);
  sigprocmask(SIG_BLOCK, &set, NULL);
  sfd = signalfd(-1, &set, SFD_NONBLOCK);
  scenario("parent");
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    scenario("child");
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  printf("child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return 0;
}
