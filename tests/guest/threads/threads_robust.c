/* threads_robust.c: robust and priority-inheritance mutexes, which depend on
   the kernel's robust futex list (set_robust_list) and on the PI futex
   operations (FUTEX_LOCK_PI, FUTEX_UNLOCK_PI, FUTEX_TRYLOCK_PI):
   - a robust mutex held by a thread that exits without unlocking: the next
     lock returns EOWNERDEAD, pthread_mutex_consistent repairs it; a second one
     unlocked without repair becomes ENOTRECOVERABLE;
   - a process-shared robust mutex in MAP_SHARED memory held by a forked child
     that _exit()s, once after the child is gone and once with the parent
     already blocked in pthread_mutex_lock: both return EOWNERDEAD;
   - a PI mutex contended by 4 threads (exact count), and
     pthread_mutex_timedlock on a PI mutex held by another thread: ETIMEDOUT.
   The kernel (here: the emulator) must walk the guest's robust list when a
   guest thread or process dies. qemu-user 7.2 has no robust lists, so the
   host build is the only oracle. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static void init_mutex(pthread_mutex_t* m, int robust, int pshared, int protocol) {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  if (robust) pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  if (pshared) pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setprotocol(&a, protocol);
  int r = pthread_mutex_init(m, &a);
  if (r != 0) printf("pthread_mutex_init: %s\n", strerror(r));
  pthread_mutexattr_destroy(&a);
}

static void* lock_and_leave(void* arg) {
  return (void*)(intptr_t)pthread_mutex_lock((pthread_mutex_t*)arg);
}

static void abandoned_by_thread(void) {
  pthread_mutex_t m, m2;
  init_mutex(&m, 1, 0, PTHREAD_PRIO_NONE);
  init_mutex(&m2, 1, 0, PTHREAD_PRIO_NONE);
  pthread_t t;
  void* r = (void*)-1;
  pthread_create(&t, NULL, lock_and_leave, &m);
  pthread_join(t, &r);
  check(r == NULL, "thread locked the robust mutex and exited holding it");
  check(pthread_mutex_lock(&m) == EOWNERDEAD, "next pthread_mutex_lock: EOWNERDEAD");
  check(pthread_mutex_consistent(&m) == 0, "pthread_mutex_consistent");
  check(pthread_mutex_unlock(&m) == 0, "unlock after repair");
  check(pthread_mutex_lock(&m) == 0, "lock again: 0");
  check(pthread_mutex_unlock(&m) == 0, "unlock again: 0");

  pthread_create(&t, NULL, lock_and_leave, &m2);
  pthread_join(t, NULL);
  check(pthread_mutex_trylock(&m2) == EOWNERDEAD, "trylock on an abandoned robust mutex: EOWNERDEAD");
  check(pthread_mutex_unlock(&m2) == 0, "unlock without pthread_mutex_consistent");
  check(pthread_mutex_lock(&m2) == ENOTRECOVERABLE, "then pthread_mutex_lock: ENOTRECOVERABLE");
}

static void abandoned_by_process(void) {
  pthread_mutex_t* m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) {
    check(0, "mmap MAP_SHARED");
    return;
  }
  init_mutex(m, 1, 1, PTHREAD_PRIO_NONE);
  pid_t child = fork();
  if (child == 0) _exit(pthread_mutex_lock(m) == 0 ? 0 : 1);
  int status = -1;
  waitpid(child, &status, 0);
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "forked child locked the shared robust mutex and _exit()ed");
  check(pthread_mutex_lock(m) == EOWNERDEAD, "parent's pthread_mutex_lock: EOWNERDEAD");
  check(pthread_mutex_consistent(m) == 0 && pthread_mutex_unlock(m) == 0, "consistent + unlock");

  /* Now the parent is already waiting when the owner dies. */
  int p[2];
  if (pipe(p) != 0) return;
  child = fork();
  if (child == 0) {
    if (pthread_mutex_lock(m) != 0) _exit(1);
    if (write(p[1], "L", 1) != 1) _exit(2);
    struct timespec hold = {0, 100000000};
    nanosleep(&hold, NULL);
    _exit(0);
  }
  char c = 0;
  check(read(p[0], &c, 1) == 1 && c == 'L', "second child holds the mutex");
  check(pthread_mutex_lock(m) == EOWNERDEAD, "parent blocked in pthread_mutex_lock wakes with EOWNERDEAD");
  waitpid(child, &status, 0);
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "second child exited 0");
  check(pthread_mutex_consistent(m) == 0 && pthread_mutex_unlock(m) == 0, "consistent + unlock");
  check(pthread_mutex_trylock(m) == 0 && pthread_mutex_unlock(m) == 0, "trylock + unlock: 0");
  close(p[0]);
  close(p[1]);
  munmap(m, 4096);
}

static pthread_mutex_t pi;
static long pi_count;
static void* pi_worker(void* arg) {
  (void)arg;
  int bad = 0;
  for (int i = 0; i < 5000; i++) {
    if (pthread_mutex_lock(&pi) != 0) bad++;
    long v = pi_count;
    if ((i & 255) == 0) sched_yield();  /* let the others contend */
    pi_count = v + 1;
    if (pthread_mutex_unlock(&pi) != 0) bad++;
  }
  return (void*)(intptr_t)bad;
}

static sem_t held, release;
static void* hold_pi(void* arg) {
  (void)arg;
  pthread_mutex_lock(&pi);
  sem_post(&held);
  while (sem_wait(&release) != 0) {
  }
  pthread_mutex_unlock(&pi);
  return NULL;
}

static void priority_inheritance(void) {
  init_mutex(&pi, 0, 0, PTHREAD_PRIO_INHERIT);
  pthread_t t[4];
  long bad = 0;
  for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, pi_worker, NULL);
  for (int i = 0; i < 4; i++) {
    void* r;
    pthread_join(t[i], &r);
    bad += (intptr_t)r;
  }
  check(bad == 0 && pi_count == 20000, "PI mutex: 4 threads x 5000 increments = 20000");

  sem_init(&held, 0, 0);
  sem_init(&release, 0, 0);
  pthread_t holder;
  pthread_create(&holder, NULL, hold_pi, NULL);
  while (sem_wait(&held) != 0) {
  }
  check(pthread_mutex_trylock(&pi) == EBUSY, "trylock on the held PI mutex: EBUSY");
  struct timespec start, deadline, end;
  clock_gettime(CLOCK_REALTIME, &start);
  deadline = start;
  deadline.tv_nsec += 100000000;
  if (deadline.tv_nsec >= 1000000000) {
    deadline.tv_sec++;
    deadline.tv_nsec -= 1000000000;
  }
  check(pthread_mutex_timedlock(&pi, &deadline) == ETIMEDOUT, "pthread_mutex_timedlock on the held PI mutex: ETIMEDOUT");
  clock_gettime(CLOCK_REALTIME, &end);
  long waited = (end.tv_sec - start.tv_sec) * 1000000000L + end.tv_nsec - start.tv_nsec;
  check(waited >= 100000000, "... not before the deadline");
  sem_post(&release);
  pthread_join(holder, NULL);
  check(pthread_mutex_lock(&pi) == 0 && pthread_mutex_unlock(&pi) == 0, "PI mutex free again after the holder unlocks");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  alarm(20); /* a hang fails fast (SIGALRM) instead of at the harness timeout */
  abandoned_by_thread();
  abandoned_by_process();
  priority_inheritance();
  printf("%d failure(s)\n", failures);
  return failures != 0;
}
