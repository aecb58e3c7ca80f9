/* shm_align: shmat's address rules with the kernel's SHMLBA for the arch
   (the page size on AArch64 and RISC-V64, as on x86_64): an address off it
   is EINVAL, SHM_RND rounds it down, SHM_REMAP needs an address, and the
   rounded attachment sees the segment's bytes. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include "check.h"

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  printf("SHMLBA is the page size: %d\n", SHMLBA == page);
  int id = shmget(IPC_PRIVATE, 3 * page, IPC_CREAT | 0600);
  check(id >= 0, "shmget");
  char *first = shmat(id, NULL, 0);
  check(first != (void *)-1, "shmat anywhere");
  strcpy(first, "segment bytes");

  /* A free, page-aligned place to attach at: reserved, then released. */
  char *spot = mmap(NULL, 8 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(spot, 8 * page);
  char *target = spot + 2 * page;

  errno = 0;
  void *r = shmat(id, target + 123, 0);
  printf("unaligned without SHM_RND: %s\n", r == (void *)-1 ? strerror(errno) : "attached");
  r = shmat(id, target + 123, SHM_RND);
  printf("unaligned with SHM_RND: rounded down %d, reads \"%s\"\n", r == target, r != (void *)-1 ? (char *)r : "");
  if (r != (void *)-1) shmdt(r);
  r = shmat(id, target + page - 1, SHM_RND | SHM_RDONLY);
  printf("last byte of a page with SHM_RND: %d\n", r == target);
  if (r != (void *)-1) shmdt(r);

  errno = 0;
  r = shmat(id, NULL, SHM_REMAP);
  printf("SHM_REMAP without an address: %s\n", r == (void *)-1 ? strerror(errno) : "attached");
  errno = 0;
  r = shmat(id, (void *)100, SHM_RND | SHM_REMAP);
  printf("SHM_RND|SHM_REMAP rounding to 0: %s\n", r == (void *)-1 ? strerror(errno) : "attached");
  /* Over an existing attachment: EINVAL without SHM_REMAP, replaced with it. */
  errno = 0;
  r = shmat(id, first, 0);
  printf("over an attachment: %s\n", r == (void *)-1 ? strerror(errno) : "attached");
  r = shmat(id, first, SHM_REMAP);
  printf("over it with SHM_REMAP: same address %d\n", r == first);

  shmdt(first);
  int dt = shmdt(first + 1);
  printf("shmdt of an unaligned address: %d %s\n", dt, strerror(errno));
  shmctl(id, IPC_RMID, NULL);
  return 0;
}
