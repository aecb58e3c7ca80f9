/* mprotect_fault.c: writes to a page made read-only with mprotect. There is no
 * handler, so the process must die of SIGSEGV (shell status 139) after one line. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void) {
  long pg = sysconf(_SC_PAGESIZE);
  volatile char *p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 1;
  p[0] = 'w';
  if (mprotect((void *)p, pg, PROT_READ) != 0) return 2;
  printf("page is read-only, holds '%c'; writing to it must raise SIGSEGV\n", p[0]);
  fflush(stdout);
  p[0] = 'x';
  printf("FAIL: the write to a read-only page succeeded\n");
  return 3;
}
