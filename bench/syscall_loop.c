// syscall_loop: a syscall-heavy loop for ferry's benchmarks.
//
// Makes 2,000,000 raw getppid calls through syscall(2), so libc caching
// cannot skip the kernel (or the emulator's syscall path), and prints one line.
//
// usage: syscall_loop [DIVISOR]   (DIVISOR > 1 shrinks the work, for --quick)
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char** argv) {
  long divisor = argc > 1 ? atol(argv[1]) : 1;
  if (divisor < 1) divisor = 1;
  long calls = 2000000 / divisor;
  long first = syscall(SYS_getppid);
  long mismatches = 0;
  for (long i = 0; i < calls; i++) {
    if (syscall(SYS_getppid) != first) mismatches++;
  }
  // The parent's pid differs between runners, so print only what must match.
  printf("syscall_loop calls %ld mismatches %ld\n", calls, mismatches);
  return mismatches != 0;
}
