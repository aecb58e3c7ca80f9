// A guest that dies on purpose, for crash reports (tests/report): built
// with -g and frame pointers. argv[1] picks the death:
//   segv   a store through a null pointer in crash_here, called by caller_of_crash
//   abort  abort() from the same place
//   ok     no death: exits 0 (a default run must stay silent)
// report_test.sh expects the store at line 17, the calls at 23 and 32.
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

volatile int *volatile target;  // null: the store faults
volatile int sink;

__attribute__((noinline)) void crash_here(int how) {
  sink = how;
  if (how == 2) abort();
  *target = how;  // SIGSEGV, si_addr 0
  sink = 0;
}

__attribute__((noinline)) void caller_of_crash(int how) {
  sink = how + 1;
  crash_here(how);
  sink = how + 2;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "segv";
  // A syscall or two for the report's ring.
  if (write(1, "crasher\n", 8) != 8) return 3;
  if (strcmp(mode, "ok") == 0) return 0;
  caller_of_crash(strcmp(mode, "abort") == 0 ? 2 : 1);
  return 0;
}
