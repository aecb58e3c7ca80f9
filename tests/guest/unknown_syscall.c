/* unknown_syscall.c: a syscall number no kernel knows fails with ENOSYS, and
   the program carries on (under ferry: one warning per number on stderr). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  for (int i = 0; i < 3; ++i) {
    long r = syscall(1000);
    printf("syscall(1000) = %ld, errno %s\n", r, errno == ENOSYS ? "ENOSYS" : "other");
  }
  return 0;
}
