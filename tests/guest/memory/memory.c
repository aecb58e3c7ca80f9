/* memory.c: brk growth via sbrk (64 MiB), a 256 MiB malloc, anonymous mmap/munmap,
 * mremap, file mmap (MAP_PRIVATE/MAP_SHARED vs read()), msync, mprotect, remapping a
 * freed address. Prints checksums, never addresses. Exits 1 if any check failed.
 * (MAP_FIXED_NOREPLACE is in mmap_noreplace.c: qemu 7.2 gets it wrong.) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

#define MiB (1024 * 1024)
#define PG 4096 /* pattern stride; every real page size is a multiple of it */



static uint64_t fnv1a(const void *p, size_t n) {
  const unsigned char *b = p;
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}

static int all_zero(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i]) return 0;
  return 1;
}

/* Writes one byte per PG bytes plus the last byte; returns a sum to compare. */
static uint64_t touch(unsigned char *p, size_t n, unsigned seed) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i += PG) {
    p[i] = (unsigned char)(seed + i / PG * 7);
    sum += p[i];
  }
  p[n - 1] = 0xa5;
  return sum + 0xa5;
}

static uint64_t sum_touched(const unsigned char *p, size_t n) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i += PG) sum += p[i];
  return sum + p[n - 1];
}

static void test_brk(void) {
  /* No stdio between the sbrk calls: printf may itself grow the heap. */
  char *start = sbrk(0);
  int contiguous = 1, grew = 1;
  uint64_t wrote = 0;
  for (int i = 0; i < 64; i++) {
    char *p = sbrk(MiB);
    if (p == (char *)-1) {
      grew = 0;
      break;
    }
    if (p != start + (size_t)i * MiB) contiguous = 0;
    wrote += touch((unsigned char *)p, MiB, (unsigned)i);
  }
  char *end = sbrk(0);
  uint64_t read_back = 0; /* re-read what each step wrote */
  for (int i = 0; grew && i < 64; i++)
    read_back += sum_touched((unsigned char *)start + (size_t)i * MiB, MiB);
  int shrunk = sbrk(-(intptr_t)(64 * MiB)) != (void *)-1 && sbrk(0) == start;
  char *again = sbrk(PG);
  int zero_again = again == start && all_zero((unsigned char *)again, PG);
  sbrk(-PG);
  check(grew, "sbrk grew the heap 64 x 1 MiB");
  check(contiguous && end == start + 64 * MiB, "heap growth is contiguous");
  check(wrote == read_back, "heap contents read back (sum %llu)", (unsigned long long)read_back);
  check(shrunk, "sbrk(-64 MiB) returns the break to its start");
  check(zero_again, "regrown heap page reads zero");
}

static void test_big_malloc(void) {
  size_t n = 256 * (size_t)MiB;
  unsigned char *p = malloc(n);
  check(p != NULL, "malloc 256 MiB");
  if (!p) return;
  uint64_t w = touch(p, n, 3);
  uint64_t r = sum_touched(p, n);
  check(w == r, "256 MiB touched on every page, sum %llu", (unsigned long long)r);
  free(p);
}

static void test_anon(long pg) {
  size_t n = MiB;
  unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  check(p != MAP_FAILED, "mmap 1 MiB anonymous");
  if (p == MAP_FAILED) return;
  check(((uintptr_t)p % (uintptr_t)pg) == 0, "mmap result is page aligned");
  check(all_zero(p, n), "fresh anonymous memory is zero");
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(i * 131 + (i >> 12));
  check(1, "anonymous fill fnv %016llx", (unsigned long long)fnv1a(p, n));
  check(munmap(p, n) == 0, "munmap 1 MiB");
  errno = 0;
  void *z = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  check(z == MAP_FAILED && errno == EINVAL, "mmap length 0 -> EINVAL");
  errno = 0;
  int r = munmap((char *)p + 1, 4096);
  check(r == -1 && errno == EINVAL, "munmap unaligned -> EINVAL");
}

static void test_mremap(long pg) {
  size_t small = 4 * pg, big = 64 * pg;
  unsigned char *p = mmap(NULL, small, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    check(0, "mmap for mremap");
    return;
  }
  for (size_t i = 0; i < small; i++) p[i] = (unsigned char)(i * 7 + 1);
  uint64_t before = fnv1a(p, small);
  unsigned char *q = mremap(p, small, big, MREMAP_MAYMOVE);
  check(q != MAP_FAILED, "mremap grow 4 -> 64 pages with MREMAP_MAYMOVE");
  if (q == MAP_FAILED) return;
  check(fnv1a(q, small) == before, "mremap kept the contents (fnv %016llx)", (unsigned long long)before);
  check(all_zero(q + small, big - small), "mremap grown part is zero");
  memset(q + small, 0x5a, big - small);
  unsigned char *s = mremap(q, big, 2 * pg, 0);
  check(s == q, "mremap shrink in place");
  check(s[0] == 1 && s[2 * pg - 1] == (unsigned char)((2 * pg - 1) * 7 + 1),
        "shrunk mapping keeps its contents");
  /* Growing in place into a mapped neighbour fails without MREMAP_MAYMOVE. */
  unsigned char *two = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  errno = 0;
  void *t = mremap(two, pg, 2 * pg, 0);
  check(t == MAP_FAILED && errno == ENOMEM, "mremap grow into a mapped page, no MAYMOVE -> ENOMEM");
  munmap(two, 2 * pg);
  check(munmap(s, 2 * pg) == 0, "munmap remapped area");
}

static void test_file_map(const char *path, long pg) {
  int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
  check(fd >= 0, "create temp file");
  if (fd < 0) return;
  size_t n = 2 * PG;
  unsigned char data[2 * PG];
  for (size_t i = 0; i < n; i++) data[i] = (unsigned char)('a' + i % 26);
  check(write(fd, data, n) == (ssize_t)n, "write 8 KiB");

  unsigned char *pv = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  check(pv != MAP_FAILED, "mmap file MAP_PRIVATE");
  if (pv == MAP_FAILED) return;
  check(memcmp(pv, data, n) == 0, "MAP_PRIVATE mapping shows the file (fnv %016llx)",
        (unsigned long long)fnv1a(pv, n));
  pv[0] = 'X';
  unsigned char c = 0;
  ssize_t r = pread(fd, &c, 1, 0);
  check(r == 1 && c == 'a', "MAP_PRIVATE write not visible through read(): %c", c);
  munmap(pv, n);

  unsigned char *ps = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  check(ps != MAP_FAILED, "mmap file MAP_SHARED");
  if (ps == MAP_FAILED) return;
  memcpy(ps + 100, "shared!", 7);
  char got[8] = {0};
  r = pread(fd, got, 7, 100);
  check(r == 7 && memcmp(got, "shared!", 7) == 0, "MAP_SHARED write visible through read(): %s", got);
  check(msync(ps, n, MS_SYNC) == 0, "msync MS_SYNC");
  r = pwrite(fd, "WRITE", 5, PG + 10);
  check(r == 5 && memcmp(ps + PG + 10, "WRITE", 5) == 0, "write() visible in MAP_SHARED mapping");
  munmap(ps, n);

  if (pg == PG) { /* offset mapping needs the offset to be a page multiple */
    unsigned char *po = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, PG);
    check(po != MAP_FAILED && memcmp(po + 10, "WRITE", 5) == 0 && po[0] == data[PG],
          "mmap at file offset 4096");
    if (po != MAP_FAILED) munmap(po, PG);
  } else {
    check(1, "mmap at file offset 4096");
  }
  close(fd);
  check(unlink(path) == 0, "unlink temp file");
}

static void test_mprotect(long pg) {
  unsigned char *p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    check(0, "mmap for mprotect");
    return;
  }
  memset(p, 0x42, pg);
  check(mprotect(p, pg, PROT_READ) == 0, "mprotect PROT_READ");
  check(p[pg - 1] == 0x42, "read-only page still readable");
  check(mprotect(p, pg, PROT_NONE) == 0, "mprotect PROT_NONE");
  check(mprotect(p, pg, PROT_READ | PROT_WRITE) == 0, "mprotect back to read/write");
  p[0] = 0x43;
  check(p[0] == 0x43 && p[1] == 0x42, "writable again, contents kept");
  errno = 0;
  int r = mprotect(p + 1, pg, PROT_READ);
  check(r == -1 && errno == EINVAL, "mprotect unaligned -> EINVAL");

  /* munmap, then map the same place again: with MAP_FIXED, then with a plain hint. */
  check(munmap(p, pg) == 0, "munmap");
  unsigned char *q = mmap(p, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  check(q == p, "MAP_FIXED at the freed address gets exactly it");
  check(q != MAP_FAILED && all_zero(q, pg), "new page there is zero");
  memset(q, 1, pg);
  q = mmap(p, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  check(q == p && all_zero(q, pg), "MAP_FIXED over a live page replaces it with a zero page");
  check(munmap(p, pg) == 0, "munmap again");
  q = mmap(p, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  check(q == p, "mmap hint at a free address is honoured (as Linux does)");
  if (q != MAP_FAILED) munmap(q, pg);
}

int main(void) {
  test_brk();
  long pg = sysconf(_SC_PAGESIZE);
  check(pg >= 4096 && (pg & (pg - 1)) == 0, "page size is a power of two >= 4096");
  test_big_malloc();
  test_anon(pg);
  test_mremap(pg);

  const char *tmp = getenv("TMPDIR");
  if (!tmp || !*tmp) tmp = "/tmp";
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/ferry-memory-XXXXXX", tmp);
  int fd = mkstemp(path);
  if (fd >= 0) close(fd);
  test_file_map(path, pg);
  test_mprotect(pg);

  printf("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
