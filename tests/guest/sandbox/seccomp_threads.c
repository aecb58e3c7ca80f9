/* seccomp and threads: a filter belongs to the thread that installed it
   (and the threads it creates afterwards); SECCOMP_FILTER_FLAG_TSYNC gives
   it to every thread, unless one has a filter of its own that is not an
   ancestor (then the call fails with that thread's id). RET_KILL_THREAD in
   a multi-threaded process ends only that thread. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp_util.h"

static sem_t go, done;
static int (*job)(void);
static int answer;

/* A worker thread that runs `job` each time it is told to. */
static void *worker(void *arg) {
  (void)arg;
  for (;;) {
    sem_wait(&go);
    if (!job) return NULL;
    answer = job();
    sem_post(&done);
  }
}

static int run_in_worker(int (*what)(void)) {
  job = what;
  sem_post(&go);
  sem_wait(&done);
  return answer;
}

static int getppid_result(void) { return RAW(__NR_getppid); }
static int getsid_result(void) { return RAW(__NR_getsid, 0); }
static int own_filter(void) { return (int)install_rule(__NR_getpgid, SECCOMP_RET_ERRNO | ENOENT); }

static void *killed_thread(void *arg) {
  (void)arg;
  install_rule(__NR_getppid, SECCOMP_RET_KILL_THREAD);
  syscall(__NR_getppid);
  return (void *)1;  /* not reached */
}

int main(void) {
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  sem_init(&go, 0, 0);
  sem_init(&done, 0, 0);
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);

  install_rule(__NR_getppid, SECCOMP_RET_ERRNO | EPERM);
  int in_main = RAW(__NR_getppid);
  printf("main: getppid %d; worker: getppid %d\n", in_main, run_in_worker(getppid_result));

  /* TSYNC: the worker has no filter of its own, so it takes main's chain. */
  struct sock_filter f[] = {
      LOAD_NR, BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getsid, 0, 1), RET(SECCOMP_RET_ERRNO | ESRCH),
      RET(SECCOMP_RET_ALLOW)};
  printf("tsync: %ld\n", install(f, 4, SECCOMP_FILTER_FLAG_TSYNC));
  int ppid = run_in_worker(getppid_result);
  printf("worker: getppid %d, getsid %d\n", ppid, run_in_worker(getsid_result));

  /* The worker stacks its own filter: main's TSYNC now fails with its tid
     (or ESRCH with TSYNC_ESRCH), and installs nothing. */
  printf("worker's own filter: %d\n", run_in_worker(own_filter));
  int filters = status_field("Seccomp_filters");
  long r = install(f, 4, SECCOMP_FILTER_FLAG_TSYNC);
  printf("tsync against it: %s; filters unchanged: %d\n", r > 0 ? "a tid" : strerror((int)-r),
         status_field("Seccomp_filters") == filters);
  printf("tsync_esrch: %ld\n", install(f, 4, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH));
  r = install(f, 4, 0);
  printf("without tsync: %ld, filters %d\n", r, status_field("Seccomp_filters") - filters);

  /* RET_KILL_THREAD: that thread ends, the process goes on. */
  pthread_t k;
  void *result = NULL;
  pthread_create(&k, NULL, killed_thread, NULL);
  pthread_join(k, &result);
  printf("killed thread joined, result %p\n", result);

  job = NULL;
  sem_post(&go);
  pthread_join(t, NULL);
  return 0;
}
