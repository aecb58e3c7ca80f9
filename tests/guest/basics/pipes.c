/* pipes.c: pipe2(O_CLOEXEC), write/read, FIONREAD, fstat S_ISFIFO, EOF once the
 * write end is closed, EAGAIN on an empty O_NONBLOCK pipe, EPIPE with SIGPIPE
 * ignored. Exits 1 if any check failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"



int main(void) {
  int p[2];
  char buf[256];
  int r = pipe2(p, O_CLOEXEC);
  check(r == 0, "pipe2(O_CLOEXEC)");
  if (r != 0) return 1;
  check((fcntl(p[0], F_GETFD) & FD_CLOEXEC) && (fcntl(p[1], F_GETFD) & FD_CLOEXEC),
        "both ends have FD_CLOEXEC");
  check((fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY, "read end is O_RDONLY");
  check((fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY, "write end is O_WRONLY");
  struct stat st;
  r = fstat(p[0], &st);
  check(r == 0 && S_ISFIFO(st.st_mode), "fstat: S_ISFIFO");

  char msg[100];
  for (int i = 0; i < 100; i++) msg[i] = (char)('A' + i % 26);
  ssize_t n = write(p[1], msg, sizeof msg);
  check(n == 100, "write 100 bytes: %zd", n);
  int avail = -1;
  r = ioctl(p[0], FIONREAD, &avail);
  check(r == 0 && avail == 100, "FIONREAD: %d", avail);
  n = read(p[0], buf, 60);
  check(n == 60 && memcmp(buf, msg, 60) == 0, "read 60 bytes: %zd", n);
  r = ioctl(p[0], FIONREAD, &avail);
  check(r == 0 && avail == 40, "FIONREAD after read: %d", avail);

  check(close(p[1]) == 0, "close write end");
  n = read(p[0], buf, sizeof buf);
  check(n == 40 && memcmp(buf, msg + 60, 40) == 0, "read the remaining bytes: %zd", n);
  n = read(p[0], buf, sizeof buf);
  check(n == 0, "read with the write end closed returns 0 (EOF): %zd", n);
  check(close(p[0]) == 0, "close read end");

  /* Empty non-blocking pipe. */
  r = pipe2(p, O_NONBLOCK);
  check(r == 0 && (fcntl(p[0], F_GETFL) & O_NONBLOCK), "pipe2(O_NONBLOCK)");
  errno = 0;
  n = read(p[0], buf, sizeof buf);
  check(n == -1 && errno == EAGAIN, "read from an empty O_NONBLOCK pipe -> EAGAIN");

  /* Write with no reader: SIGPIPE ignored, so EPIPE. */
  signal(SIGPIPE, SIG_IGN);
  close(p[0]);
  errno = 0;
  n = write(p[1], "x", 1);
  check(n == -1 && errno == EPIPE, "write with the read end closed -> EPIPE");
  close(p[1]);

  printf("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
