// A guest with no frame pointers (tests/report): built with -O2
// -fomit-frame-pointer -g, so only call-frame information (.eh_frame, or
// .debug_frame where the compiler makes no unwind tables) finds the
// callers. outer calls middle calls inner, whose store through a null
// pointer faults. report_test.sh expects the store at line 16 and the
// calls at 21, 27 and 36.
#include <stdio.h>

volatile int *volatile target;  // null: the store faults
volatile int sink;

// noclone: no constant-propagated copies with other names; each keeps a
// value across its call, so middle and outer save registers and the
// return address on the stack.
__attribute__((noinline, noclone)) int inner(int n) {
  *target = n;  // SIGSEGV
  return n * 3;
}

__attribute__((noinline, noclone)) int middle(int n) {
  int r = inner(n + 1);
  sink = r;
  return r + n;
}

__attribute__((noinline, noclone)) int outer(int n) {
  int r = middle(n * 2);
  sink = r;
  return r - n;
}

int main(int argc, char** argv) {
  (void)argv;
  printf("nofp_crasher\n");
  fflush(stdout);
  return outer(argc) & 0x7f;
}
