/* last_thread_exit.c MAIN LAST: main ends its own thread with exit(MAIN)
   while another thread lives; that one then ends with exit(LAST). The
   process's status is what this host's kernel reports: the last thread's. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static int last_code;

static void* last(void* unused) {
  (void)unused;
  usleep(200000);
  syscall(SYS_exit, last_code);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  last_code = atoi(argv[2]);
  pthread_t t;
  pthread_create(&t, NULL, last, NULL);
  syscall(SYS_exit, atoi(argv[1]));
  return 2;
}
