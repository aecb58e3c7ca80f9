/* sigbus_eof.c: touching a file mapping past the file's end is SIGBUS with
   si_code BUS_ADRERR and the exact address; a handler can siglongjmp out;
   write() from such a page fails with EFAULT; once the file grows, the same
   page reads the new bytes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

static sigjmp_buf back;
static volatile void *fault_addr;
static volatile int fault_code, fault_sig;

static void on_bus(int sig, siginfo_t *info, void *uc) {
  (void)uc;
  fault_sig = sig;
  fault_code = info->si_code;
  fault_addr = info->si_addr;
  siglongjmp(back, 1);
}

int main(void) {
  handle_signal_info(SIGBUS, on_bus, 0);
  long page = sysconf(_SC_PAGESIZE);
  char name[] = "sigbus_eof.XXXXXX";
  int fd = mkstemp(name);
  unlink(name);
  check(fd >= 0 && write(fd, "0123456789", 10) == 10, "a 10-byte file");
  char *map = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  check(map != MAP_FAILED, "mmap of 3 pages over it");
  check(map[5] == '5', "the file's bytes read back");
  check(map[page - 1] == 0, "the rest of the last file page reads zero");
  volatile char *beyond = map + page + 123;
  if (sigsetjmp(back, 1) == 0) {
    (void)*beyond;
    check(0, "a read past the file's last page faults");
  } else {
    check(fault_sig == SIGBUS, "a read past the file's last page is SIGBUS");
    check(fault_code == BUS_ADRERR, "si_code is BUS_ADRERR");
    check(fault_addr == beyond, "si_addr is the address touched");
  }
  fault_sig = 0;
  if (sigsetjmp(back, 1) == 0) {
    map[2 * page + 7] = 'x';
    check(0, "a write past the file's end faults");
  } else {
    check(fault_sig == SIGBUS && fault_addr == map + 2 * page + 7, "a write there is SIGBUS at its address");
  }
  errno = 0;
  check(write(1, map + page, 10) == -1 && errno == EFAULT, "write() from that page fails with EFAULT");
  check(ftruncate(fd, 2 * page) == 0 && pwrite(fd, "grown", 5, page) == 5, "the file grows by a page");
  check(memcmp(map + page, "grown", 5) == 0, "the page now reads the new bytes");
  fault_sig = 0;
  if (sigsetjmp(back, 1) == 0) {
    (void)*(volatile char *)(map + 2 * page);
    check(0, "the page past the new end still faults");
  } else {
    check(fault_sig == SIGBUS, "the page past the new end still faults");
  }
  /* A mapping grown by mremap past the file's end. */
  char *grown = mremap(map, 3 * page, 5 * page, MREMAP_MAYMOVE);
  check(grown != MAP_FAILED, "mremap grows the mapping to 5 pages");
  fault_sig = 0;
  if (sigsetjmp(back, 1) == 0) {
    (void)*(volatile char *)(grown + 4 * page);
    check(0, "the grown part past the end faults");
  } else {
    check(fault_sig == SIGBUS && fault_addr == grown + 4 * page, "the grown part past the end is SIGBUS");
  }
  check(memcmp(grown + page, "grown", 5) == 0, "the grown mapping keeps the file's bytes");
  /* The file shrinks under a mapping already in use: its pages past the
     new end fault, for a read whose page was just used and for a write. */
  check(grown[page] == 'g', "the second page is in use");
  check(ftruncate(fd, page) == 0, "the file shrinks to one page");
  fault_sig = 0;
  if (sigsetjmp(back, 1) == 0) {
    (void)*(volatile char *)(grown + page + 1);
    check(0, "a read of a page past the shrunken end faults");
  } else {
    check(fault_sig == SIGBUS && fault_addr == grown + page + 1, "a read past the shrunken end is SIGBUS at its address");
  }
  fault_sig = 0;
  if (sigsetjmp(back, 1) == 0) {
    grown[2 * page + 9] = 1;
    check(0, "a write past the shrunken end faults");
  } else {
    check(fault_sig == SIGBUS && fault_addr == grown + 2 * page + 9, "a write past the shrunken end is SIGBUS at its address");
  }
  check(grown[5] == '5', "the page still in the file reads on");
  printf("%d failure(s)\n", failures);
  return failures != 0;
}
