/* threads_pthreads.c: the everyday pthread API, each part checked by a
   result that does not depend on scheduling: create/join return values, a
   mutex-protected counter (64 threads x 2000), condition variables (handoff,
   broadcast, a timed wait that times out), a rwlock (readers together,
   writers alone), a barrier over rounds, __thread variables (.tdata initial
   values, one copy per thread), pthread_once, gettid/getpid, detached threads
   posting a semaphore, and __atomic_fetch_add from 16 threads. An emulator
   must create real concurrent threads (clone) with their own TLS and make
   futex waits and wakes exact. Only the main thread prints. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

typedef void* (*thread_fn)(void*);

/* Starts n threads running fn(i) and joins them, returning the sum of their
   return values (-1 if any create or join failed). */
static long run_threads(int n, thread_fn fn) {
  pthread_t t[64];
  long sum = 0;
  for (int i = 0; i < n; i++)
    if (pthread_create(&t[i], NULL, fn, (void*)(intptr_t)i) != 0) return -1;
  for (int i = 0; i < n; i++) {
    void* r;
    if (pthread_join(t[i], &r) != 0) return -1;
    sum += (intptr_t)r;
  }
  return sum;
}

static void* square_plus_one(void* arg) { intptr_t i = (intptr_t)arg; return (void*)(i * i + 1); }

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static void* increment_2000(void* arg) {
  (void)arg;
  for (int i = 0; i < 2000; i++) {
    pthread_mutex_lock(&mu);
    long v = counter;
    counter = v + 1;
    pthread_mutex_unlock(&mu);
  }
  return NULL;
}

/* Condition variables: ping-pong turns, and a broadcast to waiters. */
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn, go, woken, log_len;
static char turn_log[1000];
static void* ping_pong(void* arg) {
  int me = (intptr_t)arg;
  for (int round = 0; round < 500; round++) {
    pthread_mutex_lock(&mu);
    while (turn != me) pthread_cond_wait(&cv, &mu);
    turn_log[log_len++] = me;
    turn = 1 - me;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
  }
  return NULL;
}
static void* wait_for_go(void* arg) {
  (void)arg;
  pthread_mutex_lock(&mu);
  woken++;  /* counts arrivals first, then wakeups (+100) */
  pthread_cond_broadcast(&cv);
  while (!go) pthread_cond_wait(&cv, &mu);
  woken += 100;
  pthread_mutex_unlock(&mu);
  return NULL;
}

/* rwlock: readers check that two fields written together agree, and that no
   writer is inside; writers check that they are alone. */
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long field_a, field_b;
static int readers_in, writers_in, max_readers;
static void* rw_reader_together(void* arg) {
  (void)arg;
  /* Four readers wait for each other inside the read lock (for at most 2 s). */
  pthread_rwlock_rdlock(&rw);
  int n = __atomic_add_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
  for (int spins = 0; n < 4 && spins < 20000; spins++) {
    struct timespec tick = {0, 100000};
    nanosleep(&tick, NULL);
    n = __atomic_load_n(&readers_in, __ATOMIC_SEQ_CST);
  }
  if (n >= 4) __atomic_store_n(&max_readers, 4, __ATOMIC_SEQ_CST);
  pthread_rwlock_unlock(&rw);
  return NULL;
}
static void* rw_worker(void* arg) {
  int id = (intptr_t)arg, bad = 0;
  for (int i = 0; i < 300; i++) {
    if ((id + i) % 4 == 0) {
      pthread_rwlock_wrlock(&rw);
      if (__atomic_add_fetch(&writers_in, 1, __ATOMIC_SEQ_CST) != 1) bad++;
      if (__atomic_load_n(&readers_in, __ATOMIC_SEQ_CST) != 0) bad++;
      field_a++;
      sched_yield();
      field_b++;
      __atomic_sub_fetch(&writers_in, 1, __ATOMIC_SEQ_CST);
      pthread_rwlock_unlock(&rw);
    } else {
      pthread_rwlock_rdlock(&rw);
      __atomic_add_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
      if (__atomic_load_n(&writers_in, __ATOMIC_SEQ_CST) != 0 || field_a != field_b) bad++;
      __atomic_sub_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
      pthread_rwlock_unlock(&rw);
    }
  }
  return (void*)(intptr_t)bad;
}

/* Barrier: in each round every thread fills its slot; after the barrier
   every slot of the round must be filled. */
static pthread_barrier_t barrier;
static int slots[10][8];
static void* barrier_worker(void* arg) {
  int id = (intptr_t)arg, bad = 0, serial = 0;
  for (int round = 0; round < 10; round++) {
    slots[round][id] = round + 1;
    int r = pthread_barrier_wait(&barrier);
    if (r == PTHREAD_BARRIER_SERIAL_THREAD) serial++;
    else if (r != 0) bad++;
    for (int j = 0; j < 8; j++)
      if (slots[round][j] != round + 1) bad++;
  }
  return (void*)(intptr_t)(bad * 1000 + serial);
}

/* Thread-local storage: .tdata initial values, .tbss zero, one copy each. */
static __thread int tls_init = 42;
static __thread long tls_zero;
static __thread char tls_name[16] = "tdata-string";
static void* tls_addr[8];
static void* tls_worker(void* arg) {
  int id = (intptr_t)arg, bad = 0;
  if (tls_init != 42 || tls_zero != 0 || strcmp(tls_name, "tdata-string") != 0) bad++;
  tls_init = id;
  tls_zero = id * 10L;
  tls_addr[id] = &tls_init;
  for (int i = 0; i < 50; i++) {
    sched_yield();
    if (tls_init != id || tls_zero != id * 10L) bad++;
  }
  return (void*)(intptr_t)bad;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static void once_init(void) { __atomic_add_fetch(&once_runs, 1, __ATOMIC_SEQ_CST); }
static void* once_worker(void* arg) { (void)arg; pthread_once(&once, once_init); return NULL; }

static pid_t tids[8], pids[8];
static void* id_worker(void* arg) {
  int id = (intptr_t)arg;
  tids[id] = gettid();
  pids[id] = getpid();
  return NULL;
}

static sem_t done_sem;
static int detached_work;
static void* detached_worker(void* arg) {
  (void)arg;
  __atomic_add_fetch(&detached_work, 1, __ATOMIC_SEQ_CST);
  sem_post(&done_sem);
  return NULL;
}

static long atomic_counter;
static void* atomic_worker(void* arg) {
  (void)arg;
  for (int i = 0; i < 10000; i++) __atomic_fetch_add(&atomic_counter, 1, __ATOMIC_RELAXED);
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  alarm(20); /* a hang fails fast (SIGALRM) instead of at the harness timeout */
  check(run_threads(8, square_plus_one) == 148, "8 threads joined with return values i*i+1 (sum 148)");

  check(run_threads(64, increment_2000) == 0 && counter == 128000, "64 threads x 2000 mutex increments: 128000");

  int alternating = run_threads(2, ping_pong) == 0 && log_len == 1000;
  for (int i = 0; i < log_len; i++)
    if (turn_log[i] != i % 2) alternating = 0;
  check(alternating, "condvar ping-pong: 2 x 500 turns in order");

  pthread_t w[4];
  for (int i = 0; i < 4; i++) pthread_create(&w[i], NULL, wait_for_go, NULL);
  pthread_mutex_lock(&mu);
  while (woken < 4) pthread_cond_wait(&cv, &mu);
  go = 1;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  for (int i = 0; i < 4; i++) pthread_join(w[i], NULL);
  check(woken == 404, "pthread_cond_broadcast wakes all 4 waiters");

  struct timespec deadline, after;
  clock_gettime(CLOCK_REALTIME, &deadline);
  long start_ns = deadline.tv_sec * 1000000000L + deadline.tv_nsec, end_ns = start_ns + 50000000;
  deadline.tv_sec = end_ns / 1000000000;
  deadline.tv_nsec = end_ns % 1000000000;
  pthread_mutex_lock(&mu);
  int tr = pthread_cond_timedwait(&cv, &mu, &deadline);
  pthread_mutex_unlock(&mu);
  clock_gettime(CLOCK_REALTIME, &after);
  long waited = after.tv_sec * 1000000000L + after.tv_nsec - start_ns;
  check(tr == ETIMEDOUT, "pthread_cond_timedwait with nobody signalling: ETIMEDOUT");
  check(waited >= 50000000, "... after the deadline, not before");

  run_threads(4, rw_reader_together);
  check(max_readers == 4, "rwlock: 4 readers inside at once");
  readers_in = 0;
  check(run_threads(8, rw_worker) == 0, "rwlock: writers alone, readers see consistent fields");
  check(field_a == 600 && field_b == 600, "rwlock: 600 writes");

  pthread_barrier_init(&barrier, NULL, 8);
  check(run_threads(8, barrier_worker) == 10, "barrier: 8 threads x 10 rounds, one serial thread per round");
  pthread_barrier_destroy(&barrier);

  check(run_threads(8, tls_worker) == 0, "__thread: .tdata/.tbss initial values, private per thread");
  int distinct = 1;
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < i; j++)
      if (tls_addr[i] == tls_addr[j] || tls_addr[i] == (void*)&tls_init) distinct = 0;
  check(distinct, "__thread variable at a distinct address in each thread");
  check(tls_init == 42 && tls_zero == 0, "main thread's copies untouched");

  check(run_threads(8, once_worker) == 0 && once_runs == 1, "pthread_once from 8 threads runs the init once");

  run_threads(8, id_worker);
  int tids_ok = 1, pids_ok = 1;
  for (int i = 0; i < 8; i++) {
    if (tids[i] <= 0 || tids[i] == gettid()) tids_ok = 0;
    for (int j = 0; j < i; j++)
      if (tids[i] == tids[j]) tids_ok = 0;
    if (pids[i] != getpid()) pids_ok = 0;
  }
  check(tids_ok, "gettid distinct in each of 8 threads and the main thread");
  check(pids_ok, "getpid the same in every thread");
  check(gettid() == getpid(), "main thread: gettid == getpid");

  /* Six detached with pthread_detach, two created detached. */
  sem_init(&done_sem, 0, 0);
  int created = 0;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  for (int i = 0; i < 8; i++) {
    pthread_t t;
    if (i < 6 ? pthread_create(&t, NULL, detached_worker, NULL) == 0 && pthread_detach(t) == 0
              : pthread_create(&t, &attr, detached_worker, NULL) == 0)
      created++;
  }
  pthread_attr_destroy(&attr);
  for (int i = 0; i < created; i++)
    while (sem_wait(&done_sem) != 0 && errno == EINTR) {
    }
  check(created == 8 && detached_work == 8, "8 detached threads posted the semaphore");
  check(sem_trywait(&done_sem) == -1 && errno == EAGAIN, "semaphore back at 0: sem_trywait EAGAIN");

  check(run_threads(16, atomic_worker) == 0 && atomic_counter == 160000, "__atomic_fetch_add from 16 threads: 160000");

  printf("%d failure(s)\n", failures);
  return failures != 0;
}
