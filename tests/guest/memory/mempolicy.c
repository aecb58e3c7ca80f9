/* mempolicy.c: NUMA policy on node 0 (every machine has it): a thread's
   policy, a range's (mbind) read back by address, move_pages on guest
   pages, migrate_pages, and the kernel's errors for bad input. Then
   memfd_secret (where the host kernel has it enabled): its pages mapped,
   written, and read by a host call (write to a pipe). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

#define MPOL_DEFAULT 0
#define MPOL_BIND 2
#define MPOL_F_ADDR (1 << 1)

int main(void) {
  unsigned long node0 = 1, mask = 0;
  int mode = -1;
  check(syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, 0) == 0 && mode == MPOL_DEFAULT, "get_mempolicy: default");
  check(syscall(SYS_set_mempolicy, MPOL_BIND, &node0, 2) == 0, "set_mempolicy(MPOL_BIND, node 0)");
  usleep(1000); /* a blocking call, with the policy in place */
  check(syscall(SYS_get_mempolicy, &mode, &mask, 64, NULL, 0) == 0 && mode == MPOL_BIND && mask == 1,
        "get_mempolicy: bind to node 0");
  check(syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0) == 0, "set_mempolicy(MPOL_DEFAULT)");
  errno = 0;
  check(syscall(SYS_set_mempolicy, 99, NULL, 0) == -1 && errno == EINVAL, "set_mempolicy of mode 99: EINVAL");

  long page = sysconf(_SC_PAGESIZE);
  char* p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(p, 1, 4 * page);
  check(syscall(SYS_mbind, p, 2 * page, MPOL_BIND, &node0, 2, 0) == 0, "mbind two pages");
  mode = -1;
  check(syscall(SYS_get_mempolicy, &mode, &mask, 64, p + page, MPOL_F_ADDR) == 0 && mode == MPOL_BIND,
        "get_mempolicy(MPOL_F_ADDR) inside: bind");
  check(syscall(SYS_get_mempolicy, &mode, &mask, 64, p + 3 * page, MPOL_F_ADDR) == 0 && mode == MPOL_DEFAULT,
        "past it: default");
  munmap(p + 3 * page, page);
  errno = 0;
  check(syscall(SYS_get_mempolicy, &mode, &mask, 64, p + 3 * page, MPOL_F_ADDR) == -1 && errno == EFAULT,
        "at an unmapped address: EFAULT");
  errno = 0;
  check(syscall(SYS_mbind, p + 1, page, MPOL_BIND, &node0, 2, 0) == -1 && errno == EINVAL, "mbind unaligned: EINVAL");
  errno = 0;
  check(syscall(SYS_mbind, p + 3 * page, page, MPOL_BIND, &node0, 2, 0) == -1 && errno == EFAULT,
        "mbind of an unmapped page: EFAULT");
  check(syscall(SYS_set_mempolicy_home_node, p, 2 * page, 0, 0) == 0, "set_mempolicy_home_node on the bound pages");

  void* pages[3] = {p, p + page, p + 3 * page};
  int status[3] = {-1, -1, -1};
  check(syscall(SYS_move_pages, 0, 3, pages, NULL, status, 0) == 0, "move_pages (query)");
  printf("status %d %d %d\n", status[0], status[1], status[2]);
  int nodes[2] = {0, 0};
  check(syscall(SYS_move_pages, 0, 2, pages, nodes, status, 0) == 0 && status[0] == 0 && status[1] == 0,
        "move_pages to node 0");
  errno = 0;
  check(syscall(SYS_move_pages, 0, 1, (void*)8, NULL, status, 0) == -1 && errno == EFAULT, "move_pages of a bad list: EFAULT");
  errno = 0;
  check(syscall(SYS_move_pages, 0, 1, pages, NULL, status, 0x10) == -1 && errno == EINVAL, "a bad flag: EINVAL");
  errno = 0;
  check(syscall(SYS_move_pages, 999999, 1, pages, NULL, status, 0) == -1 && errno == ESRCH, "a missing pid: ESRCH");
  check(syscall(SYS_migrate_pages, 0, 2, &node0, &node0) >= 0, "migrate_pages from node 0 to node 0");
  errno = 0;
  check(syscall(SYS_migrate_pages, 999999, 2, &node0, &node0) == -1 && errno == ESRCH, "migrate_pages of a missing pid: ESRCH");

  int secret = syscall(SYS_memfd_secret, 0);
  report("memfd_secret", secret);
  if (secret >= 0) {
    check(ftruncate(secret, page) == 0, "ftruncate the secret memory");
    char* s = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, secret, 0);
    check(s != MAP_FAILED, "mmap it");
    if (s != MAP_FAILED) {
      strcpy(s, "secret");
      int pfd[2];
      char back[8] = {0};
      check(pipe(pfd) == 0 && write(pfd[1], s, 7) == 7 && read(pfd[0], back, 7) == 7 && strcmp(back, "secret") == 0,
            "a host call reads it");
    }
    errno = 0;
    check(syscall(SYS_memfd_secret, 0x1234) == -1 && errno == EINVAL, "memfd_secret with a bad flag: EINVAL");
  }
  printf("%d failures\n", failures);
  return failures != 0;
}
