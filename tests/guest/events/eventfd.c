/* eventfd.c: eventfd2 as the kernel serves it. Counter reads and writes,
   EFD_SEMAPHORE decrements by one, EFD_NONBLOCK gives EAGAIN on an empty
   counter and on overflow, EFD_CLOEXEC; poll and epoll readiness; a
   blocking read woken by another process's write, restarted after a
   SA_RESTART handler and failing with EINTR after a handler without it;
   errors (bad flags, short buffers, the all-ones value, bad pointers). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t handled;
static void on_alarm(int sig) { (void)sig; handled++; }

static void alarm_in_ms(int ms) {
  struct itimerval it = {{0, 0}, {0, ms * 1000}};
  setitimer(ITIMER_REAL, &it, NULL);
}

/* A child process that writes `value` to `fd` after `ms` milliseconds. */
static pid_t write_later(int fd, uint64_t value, int ms) {
  pid_t pid = fork();
  if (pid == 0) {
    usleep(ms * 1000);
    write(fd, &value, sizeof value);
    _exit(0);
  }
  return pid;
}

static int readable(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
  int n = poll(&p, 1, 0);
  return n == 1 ? p.revents : -1;
}

int main(void) {
  uint64_t v = 0;
  int fd = eventfd(5, 0);
  check(fd >= 0, "eventfd(5, 0)");
  ssize_t r = read(fd, &v, sizeof v);
  check(r == 8 && v == 5, "read the initial count: %llu", (unsigned long long)v);
  check(readable(fd) == POLLOUT, "empty counter: writable, not readable (%#x)", readable(fd));
  v = 3;
  check(write(fd, &v, sizeof v) == 8, "write 3");
  v = 4;
  check(write(fd, &v, sizeof v) == 8, "write 4");
  check(readable(fd) == (POLLIN | POLLOUT), "counter 7: readable and writable");
  uint64_t two[2] = {0, 0};
  r = read(fd, two, 16);
  check(r == 8 && two[0] == 7, "a 16-byte read returns 8 bytes, the sum: %llu",
        (unsigned long long)two[0]);
  check(read(fd, &v, 4) == -1 && errno == EINVAL, "a 4-byte read: EINVAL");
  check(write(fd, &v, 4) == -1 && errno == EINVAL, "a 4-byte write: EINVAL");
  v = UINT64_MAX;
  check(write(fd, &v, 8) == -1 && errno == EINVAL, "writing all ones: EINVAL");
  int flags = fcntl(fd, F_GETFL), fdflags = fcntl(fd, F_GETFD);
  check(!(flags & O_NONBLOCK) && !(fdflags & FD_CLOEXEC), "no flags: blocking, kept across exec");
  close(fd);

  fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
  check(fd >= 0, "eventfd(3, EFD_SEMAPHORE|EFD_NONBLOCK|EFD_CLOEXEC)");
  check((fcntl(fd, F_GETFL) & O_NONBLOCK) && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "O_NONBLOCK and FD_CLOEXEC set");
  for (int i = 0; i < 3; ++i) {
    v = 0;
    check(read(fd, &v, 8) == 8 && v == 1, "semaphore read %d gives 1", i);
  }
  check(read(fd, &v, 8) == -1 && errno == EAGAIN, "semaphore at 0, nonblocking: EAGAIN");
  v = UINT64_MAX - 1;
  check(write(fd, &v, 8) == 8, "write the largest count");
  v = 1;
  check(write(fd, &v, 8) == -1 && errno == EAGAIN, "an overflowing nonblocking write: EAGAIN");
  check(readable(fd) == POLLIN, "full counter: readable, not writable (%#x)", readable(fd));
  close(fd);

  check(syscall(SYS_eventfd2, 0, 0x40) == -1 && errno == EINVAL, "unknown flag: EINVAL");
  check(syscall(SYS_eventfd2, 0, O_RDWR) == -1 && errno == EINVAL, "O_RDWR is no eventfd flag: EINVAL");
  check(read(999, &v, 8) == -1 && errno == EBADF, "read a closed fd: EBADF");

  fd = eventfd(0, EFD_NONBLOCK);
  v = 9;
  write(fd, &v, 8);
  void* volatile bad = (void*)8;
  check(read(fd, bad, 8) == -1 && errno == EFAULT, "read into a bad pointer: EFAULT");
  check(write(fd, bad, 8) == -1 && errno == EFAULT, "write from a bad pointer: EFAULT");
  close(fd);

  /* epoll sees the counter. */
  fd = eventfd(0, EFD_NONBLOCK);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0xabcdef};
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  struct epoll_event out;
  check(epoll_wait(ep, &out, 1, 0) == 0, "epoll: empty counter not ready");
  pid_t child = write_later(fd, 2, 50);
  int n = epoll_wait(ep, &out, 1, 5000);
  check(n == 1 && out.data.u64 == 0xabcdef && out.events == EPOLLIN, "epoll: woken by a child's write");
  waitpid(child, NULL, 0);
  close(ep);
  close(fd);

  /* Blocking reads. */
  fd = eventfd(0, 0);
  child = write_later(fd, 11, 100);
  v = 0;
  r = read(fd, &v, 8);
  check(r == 8 && v == 11, "a blocking read woken by a child's write: %llu", (unsigned long long)v);
  waitpid(child, NULL, 0);

  handle_signal(SIGALRM, on_alarm, SA_RESTART);
  child = write_later(fd, 12, 300);
  alarm_in_ms(50);
  v = 0;
  r = read(fd, &v, 8);
  check(r == 8 && v == 12 && handled == 1, "SA_RESTART: the read restarts after the handler and gets %llu",
        (unsigned long long)v);
  waitpid(child, NULL, 0);

  handle_signal(SIGALRM, on_alarm, 0);
  child = write_later(fd, 13, 300);
  alarm_in_ms(50);
  r = read(fd, &v, 8);
  check(r == -1 && errno == EINTR && handled == 2, "no SA_RESTART: EINTR");
  waitpid(child, NULL, 0);
  v = 0;
  r = read(fd, &v, 8);
  check(r == 8 && v == 13, "the value written meanwhile is still there: %llu", (unsigned long long)v);

  /* A thread of another process blocked in write on a full counter. */
  v = UINT64_MAX - 1;
  write(fd, &v, 8);
  child = fork();
  if (child == 0) {
    uint64_t one = 1;
    _exit(write(fd, &one, 8) == 8 ? 0 : 1);  /* blocks until the parent reads */
  }
  usleep(100000);
  read(fd, &v, 8);
  int status;
  waitpid(child, &status, 0);
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a blocked write completes once the counter is read");
  check(read(fd, &v, 8) == 8 && v == 1, "and its value is there");
  close(fd);

  printf("%d failures\n", failures);
  return failures != 0;
}
