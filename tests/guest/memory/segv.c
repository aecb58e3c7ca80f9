/* segv.c: writes through a NULL pointer after printing one line. There is no
 * handler, so the process must die of SIGSEGV (shell status 139). */
#include <stdio.h>

int main(void) {
  /* volatile pointer: the compiler can't see it is NULL; volatile int: the store stays */
  volatile int *volatile p = NULL;
  printf("writing through a NULL pointer must raise SIGSEGV\n");
  fflush(stdout);
  *p = 42;
  printf("FAIL: the write through NULL succeeded\n");
  return 3;
}
