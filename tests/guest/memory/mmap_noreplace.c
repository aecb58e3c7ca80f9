/* mmap_noreplace.c: MAP_FIXED_NOREPLACE fails with EEXIST over a mapping (whole or
 * partial overlap) and maps exactly the address once it is free. Compare with a native
 * run: qemu 7.2 ignores the flag and maps elsewhere. Exits 1 if any check failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"



#define NOREPLACE (MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE)

int main(void) {
  long pg = sysconf(_SC_PAGESIZE);
  /* Reserve 4 pages, keep the middle two, so pages 0 and 3 are known to be free. */
  char *base = mmap(NULL, 4 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return 1;
  munmap(base, pg);
  munmap(base + 3 * pg, pg);
  char *p = mmap(base + pg, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  check(p == base + pg, "set up a 2-page mapping");
  p[0] = 0x43;

  errno = 0;
  void *q = mmap(p, pg, PROT_READ | PROT_WRITE, NOREPLACE, -1, 0);
  int e = errno;
  check(q == MAP_FAILED && e == EEXIST, "MAP_FIXED_NOREPLACE over a mapping -> EEXIST (got %s)",
        q == MAP_FAILED ? (e == EEXIST ? "EEXIST" : "another errno")
                        : (q == p ? "the same address" : "another address"));
  if (q != MAP_FAILED && q != p) munmap(q, pg);

  errno = 0;
  q = mmap(base, 2 * pg, PROT_READ | PROT_WRITE, NOREPLACE, -1, 0);
  e = errno;
  check(q == MAP_FAILED && e == EEXIST, "MAP_FIXED_NOREPLACE overlapping one page -> EEXIST");
  if (q != MAP_FAILED && q != base) munmap(q, 2 * pg);
  check(p[0] == 0x43, "existing mapping untouched");

  q = mmap(base + 3 * pg, pg, PROT_READ | PROT_WRITE, NOREPLACE, -1, 0);
  check(q == base + 3 * pg, "MAP_FIXED_NOREPLACE on a free page gets exactly it");
  munmap(p, 2 * pg);
  q = mmap(p, pg, PROT_READ | PROT_WRITE, NOREPLACE, -1, 0);
  check(q == p && p[0] == 0, "after munmap, MAP_FIXED_NOREPLACE gets the address, zeroed");
  munmap(base, 4 * pg);

  printf("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
