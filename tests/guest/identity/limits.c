/* limits.c: resource limits. RLIMIT_AS is the guest's own under ferry
   (it reserves the guest space up front): set, read back through
   getrlimit and prlimit64, and enforced on mmap, mremap, brk and malloc,
   with the kernel's errnos; RLIMIT_NOFILE and RLIMIT_STACK bind as
   natively. Run as root (raising a hard limit needs CAP_SYS_RESOURCE). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define MiB (1024ull * 1024)

static void show(const char *what, long r) { printf("%s: %s\n", what, result_name(r)); }

static void print_limit(const char *what, int resource) {
  struct rlimit r;
  getrlimit(resource, &r);
  printf("%s: ", what);
  if (r.rlim_cur == RLIM_INFINITY) printf("unlimited"); else printf("%llu MiB", (unsigned long long)(r.rlim_cur / MiB));
  if (r.rlim_max == RLIM_INFINITY) printf(" / unlimited\n"); else printf(" / %llu MiB\n", (unsigned long long)(r.rlim_max / MiB));
}

static void address_space(void) {
  print_limit("RLIMIT_AS", RLIMIT_AS);
  struct rlimit r = {256 * MiB, 512 * MiB};
  show("setrlimit(RLIMIT_AS, 256 MiB / 512 MiB)", setrlimit(RLIMIT_AS, &r));
  print_limit("RLIMIT_AS", RLIMIT_AS);
  struct rlimit old;
  show("prlimit64(0, RLIMIT_AS, NULL, &old)", syscall(SYS_prlimit64, 0, RLIMIT_AS, NULL, &old));
  printf("old: %llu MiB\n", (unsigned long long)(old.rlim_cur / MiB));
  show("prlimit64(getpid())", syscall(SYS_prlimit64, getpid(), RLIMIT_AS, NULL, &old));
  void *big = mmap(NULL, 400 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  show("mmap 400 MiB", big == MAP_FAILED ? -1 : 0);
  void *small = mmap(NULL, 16 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  show("mmap 16 MiB", small == MAP_FAILED ? -1 : 0);
  void *grown = mremap(small, 16 * MiB, 400 * MiB, MREMAP_MAYMOVE);
  show("mremap to 400 MiB", grown == MAP_FAILED ? -1 : 0);
  munmap(small, 16 * MiB);
  char *p = malloc(400 * MiB);
  printf("malloc 400 MiB: %s\n", p ? "got it" : "NULL");
  free(p);
  void *brk0 = sbrk(0);
  show("sbrk 400 MiB", sbrk(400 * MiB) == (void *)-1 ? -1 : 0);
  printf("break unchanged: %s\n", sbrk(0) == brk0 ? "yes" : "no");
  p = malloc(1 * MiB);
  printf("malloc 1 MiB: %s\n", p ? "got it" : "NULL");
  free(p);
  r.rlim_cur = 600 * MiB;
  show("cur above max", setrlimit(RLIMIT_AS, &r));
  show("setrlimit(bad pointer)", syscall(SYS_setrlimit, RLIMIT_AS, (void *)8));
  show("getrlimit(bad pointer)", syscall(SYS_getrlimit, RLIMIT_AS, (void *)8));
  show("prlimit64(no such pid)", syscall(SYS_prlimit64, 999999, RLIMIT_AS, NULL, &old));
  show("resource 99", syscall(SYS_getrlimit, 99, &old));
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    /* Without CAP_SYS_RESOURCE the hard limit only comes down. */
    struct rlimit up = {RLIM_INFINITY, RLIM_INFINITY};
    setuid(65534);
    show("child as nobody raises the hard limit", setrlimit(RLIMIT_AS, &up));
    print_limit("child's RLIMIT_AS", RLIMIT_AS);
    void *m = mmap(NULL, 400 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    show("child's mmap 400 MiB", m == MAP_FAILED ? -1 : 0);
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  struct rlimit up = {RLIM_INFINITY, RLIM_INFINITY};
  show("root raises it again", setrlimit(RLIMIT_AS, &up));
  big = mmap(NULL, 400 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  show("mmap 400 MiB", big == MAP_FAILED ? -1 : 0);
  print_limit("RLIMIT_AS", RLIMIT_AS);
}

static void files(void) {
  struct rlimit r = {32, 32};
  show("setrlimit(RLIMIT_NOFILE, 32)", setrlimit(RLIMIT_NOFILE, &r));
  int last = -1, fd;
  while ((fd = open("/dev/null", O_RDONLY)) >= 0) last = fd;
  check(last == 31 && errno == EMFILE, "descriptors up to 31, then EMFILE (last %d)", last);
  print_limit("RLIMIT_STACK", RLIMIT_STACK);
}

int main(void) {
  address_space();
  files();
  printf("%d failures\n", failures);
  return failures != 0;
}
