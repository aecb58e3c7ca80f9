// thread_create: thread creation and join rate for ferry's benchmarks.
//
// Creates and joins 2,000 threads one after another; each adds its index to
// a shared sum, which is printed.
//
// usage: thread_create [DIVISOR]   (DIVISOR > 1 shrinks the work, for --quick)
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static long sum;

static void* add(void* arg) {
  __atomic_fetch_add(&sum, (long)arg, __ATOMIC_SEQ_CST);
  return NULL;
}

int main(int argc, char** argv) {
  long divisor = argc > 1 ? atol(argv[1]) : 1;
  if (divisor < 1) divisor = 1;
  long threads = 2000 / divisor;
  for (long i = 0; i < threads; i++) {
    pthread_t t;
    if (pthread_create(&t, NULL, add, (void*)i) != 0 || pthread_join(t, NULL) != 0) {
      printf("thread %ld failed\n", i);
      return 1;
    }
  }
  printf("thread_create threads %ld sum %ld\n", threads, sum);
  return 0;
}
