/* memory_calls.c: mincore's residency and errno as the kernel reports them
   for guest pages; mlock, mlock2 (MLOCK_ONFAULT: nothing faulted in) and
   munlock; membarrier's commands, and an ordering it must really give two
   threads; mremap with MREMAP_DONTUNMAP; and PR_SET_VMA_ANON_NAME names as
   /proc/self/maps shows them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif

static void show(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

/* Which of `n` pages at `p` are resident, as a string of 0s and 1s. */
static const char *resident(void *p, int n) {
  static char out[64];
  unsigned char vec[64];
  memset(out, 0, sizeof out);
  if (mincore(p, (size_t)n * 4096, vec) != 0) {
    snprintf(out, sizeof out, "mincore %s", strerrorname_np(errno));
    return out;
  }
  for (int i = 0; i < n; ++i) out[i] = '0' + (vec[i] & 1);
  return out;
}

static char *map(int pages, int flags) {
  return mmap(0, (size_t)pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
}

/* mremap as the kernel takes it: glibc's wrapper reads no new address without MREMAP_FIXED. */
static void *remap(void *old, size_t old_len, size_t new_len, int flags, void *to) {
  return (void *)syscall(SYS_mremap, old, old_len, new_len, flags, to);
}

static long membarrier(int cmd, unsigned flags) { return syscall(SYS_membarrier, cmd, flags, 0); }

/* The maps line of `p`: its permissions and name only. */
static void show_maps(const char *what, void *p) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  uintptr_t want = (uintptr_t)p;
  while (f && fgets(line, sizeof line, f)) {
    uintptr_t lo, hi;
    char perms[8];
    int name_at = 0;
    if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &lo, &hi, perms, &name_at) < 3) continue;
    if (want < lo || want >= hi) continue;
    line[strcspn(line, "\n")] = 0;
    printf("%s: %s %lu pages '%s'\n", what, perms, (unsigned long)(hi - want) / 4096, name_at ? line + name_at : "");
  }
  if (f) fclose(f);
}

/* Dekker's test: each thread stores its flag, then reads the other's. With
   a compiler barrier on one side and membarrier on the other, both reading
   0 is forbidden. */
static atomic_int go, done_a;
static volatile int x, y, r1;
static int rounds = 300;
static void *side_a(void *arg) {
  (void)arg;
  for (int i = 1; i <= rounds; ++i) {
    while (atomic_load(&go) != i) {}
    x = 1;
    __asm__ volatile("" ::: "memory");
    r1 = y;
    atomic_store(&done_a, i);
  }
  return 0;
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);

  /* mincore */
  char *p = map(4, 0);
  p[0] = 1;
  p[2 * 4096] = 1;
  printf("touched pages 0 and 2: %s\n", resident(p, 4));
  char *populated = map(4, MAP_POPULATE);
  printf("MAP_POPULATE: %s\n", resident(populated, 4));
  unsigned char vec[8];
  show("mincore of a misaligned start", mincore(p + 1, 4096, vec));
  show("mincore of zero bytes", mincore(p, 0, vec));
  munmap(p + 3 * 4096, 4096);
  memset(vec, 7, sizeof vec);
  show("mincore over a hole", mincore(p, 4 * 4096, vec));
  printf("first entries: %d %d %d\n", vec[0], vec[1], vec[2]);
  show("mincore of the hole alone", mincore(p + 3 * 4096, 4096, vec));
  show("mincore with a bad vector", mincore(p, 4096, (unsigned char *)8));
  show("mincore with a kernel vector", mincore(p, 4096, (unsigned char *)0xffff800000000000ull));
  show("mincore past user space", mincore(p, 1ull << 62, vec));

  /* mlock, mlock2, munlock */
  char *lock = map(4, 0);
  show("mlock2 MLOCK_ONFAULT", mlock2(lock, 4 * 4096, MLOCK_ONFAULT));
  printf("after MLOCK_ONFAULT: %s\n", resident(lock, 4));
  lock[4096] = 1;
  printf("after touching page 1: %s\n", resident(lock, 4));
  show("munlock", munlock(lock, 4 * 4096));
  char *lock2 = map(4, 0);
  show("mlock2 without flags", mlock2(lock2 + 100, 3 * 4096, 0));
  printf("after mlock2: %s\n", resident(lock2, 4));
  show("mlock2 with flag 2", mlock2(lock2, 4096, 2));
  show("mlock over a hole", mlock(p, 4 * 4096));
  show("mlock2 over a hole", mlock2(p, 4 * 4096, MLOCK_ONFAULT));
  show("munlock over a hole", munlock(p, 4 * 4096));
  show("mlock of zero bytes at a hole", mlock(p + 3 * 4096, 0));
  show("mlock", mlock(lock2, 4096));
  show("munlock", munlock(lock2, 4 * 4096));

  /* membarrier */
  long query = membarrier(MEMBARRIER_CMD_QUERY, 0);
  printf("MEMBARRIER_CMD_QUERY: %#lx\n", query);
  pid_t pid = fork();
  if (pid == 0) _exit(membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0) == -1 ? errno : 0);
  int status;
  waitpid(pid, &status, 0);
  printf("PRIVATE_EXPEDITED before registering: %s\n", strerrorname_np(WEXITSTATUS(status)));
  show("REGISTER_PRIVATE_EXPEDITED", membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0));
  show("PRIVATE_EXPEDITED", membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0));
  if (query & MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE) {
    show("REGISTER_PRIVATE_EXPEDITED_SYNC_CORE", membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0));
    show("PRIVATE_EXPEDITED_SYNC_CORE", membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0));
  }
  show("REGISTER_GLOBAL_EXPEDITED", membarrier(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0));
  show("GLOBAL_EXPEDITED", membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0));
  show("GET_REGISTRATIONS", membarrier(512 /* MEMBARRIER_CMD_GET_REGISTRATIONS */, 0));
  show("command 3", membarrier(3, 0));
  show("flags 1", membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 1));
  pthread_t t;
  pthread_create(&t, 0, side_a, 0);
  int forbidden = 0;
  for (int i = 1; i <= rounds; ++i) {
    x = y = 0;
    r1 = -1;
    atomic_store(&go, i);
    y = 1;
    membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0);
    int r2 = x;
    while (atomic_load(&done_a) != i) {}
    forbidden += r1 == 0 && r2 == 0;
  }
  pthread_join(t, 0);
  printf("Dekker with membarrier, both read 0: %d times\n", forbidden);

  /* mremap with MREMAP_DONTUNMAP */
  char *old = map(2, 0);
  strcpy(old, "moved");
  strcpy(old + 4096, "second");
  char *moved = remap(old, 2 * 4096, 2 * 4096, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
  check(moved != MAP_FAILED && moved != old, "MREMAP_DONTUNMAP moves");
  printf("new: %s %s; old reads %d %d\n", moved, moved + 4096, old[0], old[4096]);
  old[0] = 'x';
  printf("the old range is still writable: %c\n", old[0]);
  char *fixed_to = map(2, 0);
  char *moved2 = remap(moved, 2 * 4096, 2 * 4096, MREMAP_MAYMOVE | MREMAP_DONTUNMAP | MREMAP_FIXED, fixed_to);
  printf("to a fixed address: %d, reads %s\n", moved2 == fixed_to, moved2);
  show("DONTUNMAP without MAYMOVE", (long)remap(old, 4096, 4096, MREMAP_DONTUNMAP, 0));
  show("DONTUNMAP growing", (long)remap(old, 4096, 8192, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0));
  void *rounded = remap(old, 4096, 4000, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
  printf("DONTUNMAP, lengths that round alike: %s\n", rounded == MAP_FAILED ? strerrorname_np(errno) : "moved");
  show("unknown mremap flag", (long)remap(old, 4096, 4096, MREMAP_MAYMOVE | 8, 0));
  char name[] = "/tmp/ferry-memory-calls-XXXXXX";
  int fd = mkstemp(name);
  unlink(name);
  write(fd, "from the file", 14);
  char *file = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  char *file_moved = remap(file, 4096, 4096, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
  printf("a shared file mapping: new %s, old %s\n", file_moved == MAP_FAILED ? "failed" : file_moved,
         file_moved == MAP_FAILED ? "" : file);

  /* PR_SET_VMA_ANON_NAME */
  char *named = map(3, 0);
  show("name two pages", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, named, 2 * 4096, "ferry test"));
  show_maps("named", named);
  show_maps("after them", named + 2 * 4096);
  show("name the third", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, named + 2 * 4096, 4096, "ferry test"));
  show_maps("all three", named);
  show("clear the first", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, named, 4096, 0));
  show_maps("cleared", named);
  show_maps("still named", named + 4096);
  show("a name with '['", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, named, 4096, "a[b"));
  char longname[100];
  memset(longname, 'n', sizeof longname);
  longname[80] = 0;
  show("an 80-character name", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, named, 4096, longname));
  longname[79] = 0;
  show("a 79-character name", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, named, 4096, longname));
  show("a file mapping", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, file, 4096, "file"));
  show("a hole", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p + 3 * 4096, 4096, "hole"));
  show("a misaligned start", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, named + 1, 4096, "x"));
  show("a bad name pointer", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, named, 4096, (char *)8));
  char *brk_now = sbrk(0);
  sbrk(4096);
  show("name the heap", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, brk_now, 4096, "heap"));
  show_maps("the heap", brk_now);
  printf("%d failures\n", failures);
  return failures != 0;
}
