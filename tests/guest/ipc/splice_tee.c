/* splice_tee.c: splice from a file at an offset (the offset written back,
   the file position untouched) and into a file, tee between pipes (the
   source keeps its bytes), vmsplice from two guest buffers, and errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  int f = open("splice.txt", O_RDWR | O_CREAT | O_TRUNC, 0600);
  write(f, "0123456789abcdef", 16);
  int p[2], q[2];
  pipe(p);
  pipe(q);
  loff_t off = 4;
  check(splice(f, &off, p[1], NULL, 6, 0) == 6 && off == 10, "splice from a file at an offset");
  check(lseek(f, 0, SEEK_CUR) == 16, "the file position is untouched");
  check(tee(p[0], q[1], 100, 0) == 6, "tee copies the pipe's 6 bytes");
  char buf[32] = {0};
  check(read(q[0], buf, sizeof buf) == 6 && !strcmp(buf, "456789"), "the tee'd bytes");
  memset(buf, 0, sizeof buf);
  check(read(p[0], buf, sizeof buf) == 6 && !strcmp(buf, "456789"), "the source keeps them");
  char a[] = "vm", b[] = "splice";
  struct iovec iov[2] = {{a, 2}, {b, 6}};
  check(vmsplice(p[1], iov, 2, 0) == 8, "vmsplice two buffers");
  loff_t out = 16;
  check(splice(p[0], NULL, f, &out, 8, 0) == 8 && out == 24, "splice into a file at an offset");
  memset(buf, 0, sizeof buf);
  check(pread(f, buf, 8, 16) == 8 && !strcmp(buf, "vmsplice"), "the file got them");
  check(syscall(SYS_splice, f, (void*)8, p[1], NULL, 4, 0) == -1 && errno == EFAULT, "bad offset pointer: EFAULT");
  check(tee(f, q[1], 4, 0) == -1 && errno == EINVAL, "tee from a file: EINVAL");
  check(splice(p[0], NULL, q[1], NULL, 4, SPLICE_F_NONBLOCK) == -1 && errno == EAGAIN, "empty pipe, non-blocking: EAGAIN");
  check(syscall(SYS_vmsplice, p[1], (void*)8, 1, 0) == -1 && errno == EFAULT, "bad iovec: EFAULT");
  struct iovec bad = {(void*)8, 4};
  check(vmsplice(p[1], &bad, 1, 0) == -1 && errno == EFAULT, "bad buffer: EFAULT");
  unlink("splice.txt");
  printf("%d failures\n", failures);
  return failures != 0;
}
