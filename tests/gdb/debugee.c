/* debugee.c: what the gdb tests debug: three frames (main, twice, square),
   a global written twice, a local; with "spin" it loops until gdb interrupts
   and sets `stop`; with "segv" it writes through a null pointer; with
   "read" it blocks reading stdin and prints what it read; with "threads"
   three workers meet at a barrier in worker_body, then call
   past_barrier, and are joined. Built -g -O0. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int counter = 0;
volatile int stop = 0;

static int square(int x) {
  int y = x * x;
  return y;
}

static int twice(int x) {
  int a = square(x);
  return a + square(x);
}

static pthread_barrier_t all_started;

static int past_barrier(int id) { return id * 10; }

static int worker_body(int id) {
  pthread_barrier_wait(&all_started);  /* every thread is alive from here */
  return past_barrier(id);
}

static void *worker(void *arg) {
  return (void *)(long)worker_body((int)(long)arg);
}

static int run_threads(void) {
  pthread_t t[3];
  long sum = 0;
  pthread_barrier_init(&all_started, NULL, 4);
  for (long i = 0; i < 3; i++) pthread_create(&t[i], NULL, worker, (void *)(i + 1));
  pthread_barrier_wait(&all_started);
  for (int i = 0; i < 3; i++) {
    void *r;
    pthread_join(t[i], &r);
    sum += (long)r;
  }
  printf("threads sum %ld\n", sum);
  return sum == 60 ? 0 : 1;
}

int main(int argc, char **argv) {
  int local = 7;
  if (argc > 1 && strcmp(argv[1], "threads") == 0) return run_threads();
  if (argc > 1 && strcmp(argv[1], "spin") == 0) {
    while (!stop) counter++;
    write(1, "stopped spinning\n", 17);
    return 0;
  }
  if (argc > 1 && strcmp(argv[1], "segv") == 0) {
    *(volatile int *)0 = 1;
    return 1;
  }
  if (argc > 1 && strcmp(argv[1], "read") == 0) {
    char buf[64];
    ssize_t n = read(0, buf, sizeof buf);
    printf("read %zd: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    return 0;
  }
  counter = twice(local);
  counter += 1;
  write(1, "done\n", 5);
  return counter == 99 ? 0 : 3;
}
