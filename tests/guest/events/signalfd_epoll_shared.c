/* signalfd_epoll_shared.c: a signalfd item of one epoll that several
   threads wait on at once, through the epoll's descriptor and a dup of it,
   while a signal is pending only for a third thread: no waiter reports it
   or returns before its timeout, a MOD the guest makes meanwhile (through
   the dup) is what the item keeps afterwards, and the item's events
   (/proc/self/fdinfo) and level-triggered readiness are the guest's once
   the waits end. (ferry makes the item edge-triggered while a wait holds
   it: see syscalls/epoll_signalfd.h.) Every answer is printed, so the
   native run is the reference. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
static int sfd, ep, ep2;
static pid_t tid_c;
static volatile int go;
static void fdinfo(const char* when) {
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", ep);
  FILE* f = fopen(path, "r");
  int n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = 0;
  fclose(f);
  char* t = strstr(buf, "tfd:");
  unsigned events = 0;
  if (t) sscanf(t, "tfd: %*d events: %x", &events);
  printf("%s: events %#x\n", when, events);
}
/* Each waiter's count, and whether it waited its whole timeout. */
static void* waiter(void* arg) {  /* arg: 1 waits through the dup */
  struct epoll_event got[2];
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  int n = epoll_wait((long)arg ? ep2 : ep, got, 2, 300);
  clock_gettime(CLOCK_MONOTONIC, &end);
  long ms = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000;
  return (void*)(long)(n * 10 + (ms >= 280));
}

static void join_waiter(pthread_t t, const char* which) {
  void* r;
  pthread_join(t, &r);
  printf("waiter %s: %ld events, waited the timeout: %ld\n", which, (long)r / 10, (long)r % 10);
}
static void* c_thread(void* arg) {
  (void)arg;
  tid_c = syscall(SYS_gettid);
  while (!go) usleep(1000);
  return NULL;
}
int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  sfd = signalfd(-1, &set, SFD_NONBLOCK);
  ep = epoll_create1(0);
  ep2 = dup(ep);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 5};
  epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
  pthread_t c, w1, w2;
  pthread_create(&c, NULL, c_thread, NULL);
  while (!tid_c) usleep(1000);
  syscall(SYS_tgkill, getpid(), tid_c, SIGUSR1);
  pthread_create(&w1, NULL, waiter, (void*)0);
  pthread_create(&w2, NULL, waiter, (void*)1);
  usleep(100000);
  ev.events = EPOLLIN | EPOLLONESHOT;  /* the guest's MOD while both wait, through the dup */
  epoll_ctl(ep2, EPOLL_CTL_MOD, sfd, &ev);
  join_waiter(w1, "through the epoll");
  join_waiter(w2, "through the dup");
  fdinfo("after the waits");
  ev.events = EPOLLIN;
  epoll_ctl(ep, EPOLL_CTL_MOD, sfd, &ev);
  pthread_create(&w1, NULL, waiter, (void*)0);
  pthread_create(&w2, NULL, waiter, (void*)0);
  join_waiter(w1, "1");
  join_waiter(w2, "2");
  fdinfo("after LT waits");
  kill(getpid(), SIGUSR1);
  struct epoll_event got[2];
  printf("main: %d\n", epoll_wait(ep, got, 2, 0));
  go = 1;
  pthread_join(c, NULL);
  return 0;
}
