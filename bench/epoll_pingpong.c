// epoll_pingpong: two threads pass a byte back and forth over a
// socketpair, each blocked in epoll_pwait on its own end until the other
// writes: 20,000 round trips, each two wake-ups of a thread waiting in
// epoll_pwait (the event loop's path: wait, read, write).
//
// usage: epoll_pingpong [DIVISOR]   (DIVISOR > 1 shrinks the work, for --quick)
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static long rounds;
static int ends[2];

// bounce waits for a byte on `fd` and answers it, `count` times; the
// first side sends before it waits.
static long bounce(int fd, long count, int first) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1234567890abcdefULL};
  if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) return -1;
  char byte = 'x';
  long seen = 0;
  if (first && write(fd, &byte, 1) != 1) return -1;
  for (long i = 0; i < count; i++) {
    struct epoll_event got;
    int n = epoll_pwait(ep, &got, 1, -1, NULL);
    if (n != 1 || got.data.u64 != 0x1234567890abcdefULL || read(fd, &byte, 1) != 1) return -1;
    seen++;
    if ((first ? i + 1 < count : 1) && write(fd, &byte, 1) != 1) return -1;
  }
  close(ep);
  return seen;
}

static void* pong(void* unused) {
  (void)unused;
  return (void*)bounce(ends[1], rounds, 0);
}

int main(int argc, char** argv) {
  long divisor = argc > 1 ? atol(argv[1]) : 1;
  if (divisor < 1) divisor = 1;
  rounds = 20000 / divisor;
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, ends) != 0) return 1;
  pthread_t t;
  if (pthread_create(&t, NULL, pong, NULL) != 0) return 1;
  long mine = bounce(ends[0], rounds, 1);
  void* theirs;
  pthread_join(t, &theirs);
  printf("epoll_pingpong round trips %ld %ld\n", mine, (long)theirs);
  return 0;
}
