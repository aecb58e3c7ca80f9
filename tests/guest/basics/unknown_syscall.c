/* unknown_syscall.c [NR]: a syscall number no kernel knows (or NR) fails
   with ENOSYS, and the program carries on (under ferry: one warning per
   number on stderr, naming the call when ferry knows its name). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char** argv) {
  long nr = argc > 1 ? atol(argv[1]) : 1000;
  for (int i = 0; i < 3; ++i) {
    long r = syscall(nr);
    printf("syscall(%ld) = %ld, errno %s\n", nr, r, errno == ENOSYS ? "ENOSYS" : "other");
  }
  return 0;
}
