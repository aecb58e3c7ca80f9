/* memfd_seals.c: memfd seals as the kernel enforces them on write, mmap,
   mprotect and ftruncate, F_SEAL_FUTURE_WRITE's mappings made before and
   after it, and the same seals seen by a forked child. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

static void show(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}
static long map_result(void *p) { return p == MAP_FAILED ? -1 : 0; }

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  int plain = memfd_create("plain", MFD_CLOEXEC);
  show("seals of a memfd without MFD_ALLOW_SEALING", fcntl(plain, F_GET_SEALS));
  show("add a seal to it", fcntl(plain, F_ADD_SEALS, F_SEAL_WRITE));

  int fd = memfd_create("sealed", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  show("write", write(fd, "0123456789", 10));
  show("seals at first", fcntl(fd, F_GET_SEALS));
  char *before = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  show("F_SEAL_WRITE with a writable shared mapping", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
  show("F_SEAL_FUTURE_WRITE", fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE));
  show("seals now", fcntl(fd, F_GET_SEALS));
  before[0] = 'A';
  char c = 0;
  pread(fd, &c, 1, 0);
  printf("a store through the earlier mapping reaches the file: %c\n", c);
  show("write after F_SEAL_FUTURE_WRITE", write(fd, "x", 1));
  show("pwrite", pwrite(fd, "x", 1, 3));
  show("a new writable shared mapping", map_result(mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)));
  char *ro = mmap(0, 4096, PROT_READ, MAP_SHARED, fd, 0);
  show("a read-only shared mapping", map_result(ro));
  show("mprotect it writable", mprotect(ro, 4096, PROT_READ | PROT_WRITE));
  printf("it reads %c%c\n", ro[0], ro[1]);
  char *priv = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  show("a private writable mapping", map_result(priv));
  priv[1] = 'P';
  pread(fd, &c, 1, 1);
  printf("its store stays private: file %c, mapping %c\n", c, priv[1]);
  show("grow with ftruncate", ftruncate(fd, 8192));

  pid_t pid = fork();
  if (pid == 0) {
    int w = write(fd, "c", 1) == -1 ? errno : 0;
    void *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int mm = m == MAP_FAILED ? errno : 0;
    before[2] = 'C';  /* the inherited mapping is still shared and writable */
    printf("child: write %s, writable shared mapping %s, seals %d\n", strerrorname_np(w) ? strerrorname_np(w) : "0",
           strerrorname_np(mm) ? strerrorname_np(mm) : "0", fcntl(fd, F_GET_SEALS));
    _exit(0);
  }
  waitpid(pid, 0, 0);
  pread(fd, &c, 1, 2);
  printf("the child's store through the inherited mapping: %c\n", c);

  show("F_SEAL_SHRINK", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
  show("shrink", ftruncate(fd, 10));
  show("F_SEAL_GROW", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
  show("grow", ftruncate(fd, 1 << 20));
  show("F_SEAL_SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
  show("another seal after F_SEAL_SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
  show("seals at last", fcntl(fd, F_GET_SEALS));
  show("an unknown seal", fcntl(memfd_create("x", MFD_ALLOW_SEALING), F_ADD_SEALS, 0x1000));
  show("memfd_create with unknown flags", memfd_create("x", 0x1000));
  printf("%d failures\n", failures);
  return failures != 0;
}
