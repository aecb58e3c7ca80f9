// A guest that dies on purpose, for crash reports (tests/report): built
// with -g and frame pointers. argv[1] picks the death:
//   segv   a store through a null pointer in crash_here, called by caller_of_crash
//   abort  abort() from the same place
//   thread a second thread does the store while the first waits in pthread_join
//   ok     no death: exits 0 (a default run must stay silent)
// report_test.sh expects the store at line 19, the calls at 25, 32 and 43.
#include <pthread.h>
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

void* crash_thread(void* arg) {
  (void)arg;
  if (write(1, "thread\n", 7) != 7) return NULL;
  caller_of_crash(1);
  return NULL;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "segv";
  // A syscall or two for the report's ring.
  if (write(1, "crasher\n", 8) != 8) return 3;
  if (strcmp(mode, "ok") == 0) return 0;
  pthread_t thread;
  if (strcmp(mode, "thread") == 0 && pthread_create(&thread, NULL, crash_thread, NULL) == 0) pthread_join(thread, NULL);
  caller_of_crash(strcmp(mode, "abort") == 0 ? 2 : 1);
  return 0;
}
