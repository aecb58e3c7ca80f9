/* futex_shared.c: futexes on shared memory, waited on in one process and
   woken from another, as the kernel keys them (by the backing page for a
   shared mapping, by the address space for a private one or with
   FUTEX_PRIVATE_FLAG). One case per argument:
   - fork_anon: a MAP_SHARED|MAP_ANONYMOUS page across fork, both ways,
     with and without a timeout, and FUTEX_WAIT_BITSET; a private wake from
     the other process wakes nobody;
   - file: one file mapped in parent and child independently after fork
     (at different offsets), then mapped twice in one process, a thread
     waiting through one mapping and woken through the other; once for a
     mkstemp file and once for a POSIX shared memory object;
   - requeue_procs, requeue_threads: 20 child processes waiting on a shared
     page, or 100 threads on a private page with FUTEX_PRIVATE_FLAG,
     moved by FUTEX_REQUEUE and FUTEX_CMP_REQUEUE, whose counts (woken plus
     requeued) are printed, then all woken. Between the two requeues every
     waiter is sent a signal it ignores (SIGCHLD) and one it blocks
     (SIGUSR1): neither ends a futex wait, so the requeued waiters stay
     where they were moved;
   - pshared: a process-shared mutex + condition variable, then two
     process-shared semaphores, ping-ponged between parent and child; then
     parent and child both take the mutex, and a semaphore used as a lock,
     kContended times at once, incrementing a counter under each. The
     guest's atomic instructions are plain loads and stores under ferry
     (Unicorn translates them for one CPU), so this holds only because
     processes that share writable memory run guest code one at a time.
   Waiters are counted on the kernel's queue by requeueing a futex onto
   itself (the count of waiters, nothing moves), so no result depends on
   timing (one pause only gives a wrongly ended wait time to show). Waits
   without a timeout are bounded by alarm(), so a broken run fails rather
   than hangs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* Requeue waiters: threads are cheap; a process is a whole emulator under
   ferry, so fewer of those. */
enum { kWaiters = 100, kWaiterProcesses = 20 };

/* The raw call; -errno on failure. */
static long futex(uint32_t* word, int op, uint32_t val, const struct timespec* ts, uint32_t* word2,
                  uint32_t val3) {
  long r = syscall(SYS_futex, word, op, val, ts, word2, val3);
  return r < 0 ? -errno : r;
}

static long futex_wait(uint32_t* word, int op, uint32_t val, int seconds) {
  struct timespec ts = {seconds, 0};
  return futex(word, op, val, seconds ? &ts : NULL, NULL, 0);
}

/* FUTEX_REQUEUE of a futex onto itself moves nothing and returns how many
   wait on it. */
static long queued(uint32_t* word, int private_flag) {
  return futex(word, FUTEX_REQUEUE | private_flag, 0, (const struct timespec*)(uintptr_t)INT_MAX, word, 0);
}

/* Polls until `n` wait on `word` (up to 5 s); returns the last count. */
static long await_queued(uint32_t* word, int private_flag, long n) {
  long seen = -1;
  for (int i = 0; i < 5000; ++i) {
    seen = queued(word, private_flag);
    if (seen == n) break;
    usleep(1000);
  }
  return seen;
}

static void* map_shared_anon(size_t len) {
  void* p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    perror("mmap");
    exit(2);
  }
  memset(p, 0, len);
  return p;
}


/* ---- fork_anon ---- */

static void fork_anon(void) {
  uint32_t* word = map_shared_anon(4096);
  for (int timed = 0; timed <= 1; ++timed) {
    const char* how = timed ? "with a timeout" : "without a timeout";
    pid_t pid = fork_flushed(10);
    if (pid == 0) _exit(futex_wait(word, FUTEX_WAIT, 0, timed ? 5 : 0) == 0 ? 0 : 1);
    check(await_queued(word, 0, 1) == 1, "parent sees the child waiting (%s)", how);
    check(futex(word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0, "a private wake from the parent wakes nobody");
    check(futex(word, FUTEX_WAKE, 1, NULL, NULL, 0) == 1, "the parent's FUTEX_WAKE wakes the child");
    check(exit_code(pid) == 0, "the child's FUTEX_WAIT returned 0");

    pid = fork_flushed(10);
    if (pid == 0) {
      if (await_queued(word, 0, 1) != 1) _exit(3);
      _exit(futex(word, FUTEX_WAKE, 1, NULL, NULL, 0) == 1 ? 0 : 4);
    }
    check(futex_wait(word, FUTEX_WAIT, 0, timed ? 5 : 0) == 0, "the child's FUTEX_WAKE wakes the parent (%s)", how);
    check(exit_code(pid) == 0, "the child saw the parent waiting and woke one");
  }
  /* A FUTEX_WAIT_BITSET waiter woken by FUTEX_WAKE_BITSET from the other process. */
  pid_t pid = fork_flushed(10);
  if (pid == 0) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    now.tv_sec += 5;
    _exit(futex(word, FUTEX_WAIT_BITSET, 0, &now, NULL, 2) == 0 ? 0 : 1);
  }
  check(await_queued(word, 0, 1) == 1, "parent sees the child's FUTEX_WAIT_BITSET");
  check(futex(word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 1) == 0, "FUTEX_WAKE_BITSET with another bit wakes nobody");
  check(futex(word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 6) == 1, "FUTEX_WAKE_BITSET with its bit wakes it");
  check(exit_code(pid) == 0, "the child's FUTEX_WAIT_BITSET returned 0");
}

/* ---- file ---- */

static char* map_file(int fd, size_t len, off_t offset) {
  char* p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
  if (p == MAP_FAILED) {
    perror("mmap");
    exit(2);
  }
  return p;
}

/* Parent and child map the file on their own after the fork: the word is at
   offset 4096 + 64, page 1 of the parent's mapping and page 0 of the
   child's. */
static void file_across_fork(int fd, const char* what) {
  pid_t pid = fork_flushed(10);
  if (pid == 0) _exit(futex_wait((uint32_t*)(map_file(fd, 4096, 4096) + 64), FUTEX_WAIT, 0, 5) == 0 ? 0 : 1);
  char* d = map_file(fd, 2 * 4096, 0);
  uint32_t* word = (uint32_t*)(d + 4096 + 64);
  check(await_queued(word, 0, 1) == 1, "%s: the parent sees the child waiting in its own mapping", what);
  check(futex(word, FUTEX_WAKE, 1, NULL, NULL, 0) == 1, "%s: the parent's FUTEX_WAKE wakes the child", what);
  check(exit_code(pid) == 0, "%s: the child's FUTEX_WAIT returned 0", what);

  pid = fork_flushed(10);
  if (pid == 0) {
    uint32_t* mine = (uint32_t*)(map_file(fd, 4096, 4096) + 64);
    if (await_queued(mine, 0, 1) != 1) _exit(3);
    _exit(futex(mine, FUTEX_WAKE, 1, NULL, NULL, 0) == 1 ? 0 : 4);
  }
  check(futex_wait(word, FUTEX_WAIT, 0, 5) == 0, "%s: the child's FUTEX_WAKE wakes the parent", what);
  check(exit_code(pid) == 0, "%s: the child saw the parent waiting and woke one", what);
  munmap(d, 2 * 4096);
}

struct thread_wait {
  uint32_t* word;
  long result;
};

static void* wait_thread(void* arg) {
  struct thread_wait* w = arg;
  w->result = futex_wait(w->word, FUTEX_WAIT, 0, 5);
  return NULL;
}

/* Two mappings of the file in this process. */
static void file_twice(int fd, const char* what) {
  char* a = map_file(fd, 2 * 4096, 0);
  char* b = map_file(fd, 4096, 4096);
  uint32_t* word_a = (uint32_t*)(a + 4096 + 64);
  uint32_t* word_b = (uint32_t*)(b + 64);
  check(a + 4096 != b && *word_a == 0 && *word_b == 0, "%s: mapped twice at different addresses", what);
  struct thread_wait w = {word_a, -1};
  pthread_t t;
  pthread_create(&t, NULL, wait_thread, &w);
  check(await_queued(word_b, 0, 1) == 1, "%s: a thread waiting through one mapping is seen through the other", what);
  check(futex(word_b, FUTEX_WAKE, 1, NULL, NULL, 0) == 1, "%s: FUTEX_WAKE through the other mapping wakes it", what);
  pthread_join(t, NULL);
  check(w.result == 0, "%s: the thread's FUTEX_WAIT returned 0", what);
  munmap(a, 2 * 4096);
  munmap(b, 4096);
}

static void file(void) {
  char path[] = "futex_shared.XXXXXX";
  int tmp = mkstemp(path);
  if (tmp < 0) {
    perror("mkstemp");
    exit(2);
  }
  unlink(path);
  char name[64];
  snprintf(name, sizeof name, "/futex_shared.%d", (int)getpid());
  int shm = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
  if (shm < 0) {
    perror("shm_open");
    exit(2);
  }
  shm_unlink(name);
  if (ftruncate(tmp, 2 * 4096) != 0 || ftruncate(shm, 2 * 4096) != 0) {
    perror("ftruncate");
    exit(2);
  }
  /* The forks first: this process has no other thread yet. */
  file_across_fork(tmp, "mkstemp file");
  file_across_fork(shm, "shm_open object");
  file_twice(tmp, "mkstemp file");
  file_twice(shm, "shm_open object");
  close(tmp);
  close(shm);
}

/* ---- requeue ---- */

struct requeue_words {
  uint32_t from, to;
  uint32_t woke; /* threads: how many waits returned 0 */
  pid_t tids[kWaiters];
};

/* Sends each waiter SIGCHLD (ignored by default) and SIGUSR1 (which the
   waiters block). */
typedef void (*signal_waiters_fn)(struct requeue_words* w);

/* `n` waiters: a tenth woken and four tenths requeued, then a twentieth
   woken and the rest requeued. */
static void requeue_steps(struct requeue_words* w, int n, int private_flag, signal_waiters_fn signal_waiters) {
  long r;
  check(await_queued(&w->from, private_flag, n) == n, "%d waiters queued", n);
  r = futex(&w->from, FUTEX_REQUEUE | private_flag, n / 10, (const struct timespec*)(uintptr_t)(4 * n / 10), &w->to,
            0);
  printf("FUTEX_REQUEUE(wake %d, requeue %d) returned %ld\n", n / 10, 4 * n / 10, r);
  check(r == n / 2, "FUTEX_REQUEUE returns woken + requeued");
  signal_waiters(w);
  usleep(100000); /* time for a wrongly ended wait to begin again */
  printf("after ignored and blocked signals: %ld waiting on the first futex, %ld on the second\n",
         queued(&w->from, private_flag), queued(&w->to, private_flag));
  r = futex(&w->from, FUTEX_CMP_REQUEUE | private_flag, n / 20, (const struct timespec*)1000, &w->to, 1);
  printf("FUTEX_CMP_REQUEUE with a stale value returned %ld\n", r);
  check(r == -EAGAIN, "FUTEX_CMP_REQUEUE with a stale value: EAGAIN");
  r = futex(&w->from, FUTEX_CMP_REQUEUE | private_flag, n / 20, (const struct timespec*)1000, &w->to, 0);
  printf("FUTEX_CMP_REQUEUE(wake %d, requeue 1000) returned %ld\n", n / 20, r);
  check(r == n / 2, "FUTEX_CMP_REQUEUE returns woken + requeued");
  int left = n - n / 10 - n / 20;
  printf("left waiting on the first futex: %ld\n", queued(&w->from, private_flag));
  printf("waiting on the second futex: %ld\n", await_queued(&w->to, private_flag, left));
  r = futex(&w->to, FUTEX_WAKE | private_flag, INT_MAX, NULL, NULL, 0);
  printf("FUTEX_WAKE of the second futex returned %ld\n", r);
  check(r == left, "every requeued waiter is woken on the second futex");
}

static void block_sigusr1(void) {
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
}

static void signal_processes(struct requeue_words* w) {
  for (int i = 0; i < kWaiterProcesses; ++i) {
    kill(w->tids[i], SIGCHLD);
    kill(w->tids[i], SIGUSR1);
  }
}

static void requeue_procs(void) {
  struct requeue_words* w = map_shared_anon(sizeof *w);
  for (int i = 0; i < kWaiterProcesses; ++i) {
    pid_t pid = fork_flushed(10);
    if (pid == 0) {
      block_sigusr1();
      _exit(futex_wait(&w->from, FUTEX_WAIT, 0, 10) == 0 ? 0 : 1);
    }
    w->tids[i] = pid;
  }
  requeue_steps(w, kWaiterProcesses, 0, signal_processes);
  int woke = 0;
  for (int i = 0; i < kWaiterProcesses; ++i) woke += exit_code(w->tids[i]) == 0;
  printf("child processes whose FUTEX_WAIT returned 0: %d\n", woke);
}

struct waiter_arg {
  struct requeue_words* w;
  int index;
};

static void* requeue_waiter(void* arg) {
  struct waiter_arg* a = arg;
  struct requeue_words* w = a->w;
  __atomic_store_n(&w->tids[a->index], gettid(), __ATOMIC_SEQ_CST);
  /* Half without a timeout, half with one. */
  if (futex_wait(&w->from, FUTEX_WAIT_PRIVATE, 0, a->index % 2 ? 10 : 0) == 0) {
    __atomic_fetch_add(&w->woke, 1, __ATOMIC_SEQ_CST);
  }
  return NULL;
}

static void signal_threads(struct requeue_words* w) {
  for (int i = 0; i < kWaiters; ++i) {
    tgkill(getpid(), w->tids[i], SIGCHLD);
    tgkill(getpid(), w->tids[i], SIGUSR1);
  }
}

static void requeue_threads(void) {
  static struct requeue_words w;
  static struct waiter_arg args[kWaiters];
  pthread_t threads[kWaiters];
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  block_sigusr1(); /* the threads inherit the mask */
  for (int i = 0; i < kWaiters; ++i) {
    args[i] = (struct waiter_arg){&w, i};
    if (pthread_create(&threads[i], &attr, requeue_waiter, &args[i]) != 0) {
      printf("pthread_create failed\n");
      exit(2);
    }
  }
  requeue_steps(&w, kWaiters, FUTEX_PRIVATE_FLAG, signal_threads);
  for (int i = 0; i < kWaiters; ++i) pthread_join(threads[i], NULL);
  printf("threads whose FUTEX_WAIT returned 0: %u\n", w.woke);
}

/* ---- pshared ---- */

enum { kRounds = 200, kContended = 50000 };

struct pingpong {
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  unsigned turn;
  sem_t ping, pong;
  sem_t lock;                    /* a semaphore of 1 used as a lock */
  unsigned long under_mutex, under_sem;
};

static struct timespec in_seconds(int seconds) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += seconds;
  return ts;
}

/* Takes turns `side` (0 or 1) with the other process; false on a timeout. */
static int take_turns(struct pingpong* p, unsigned side) {
  for (int i = 0; i < kRounds; ++i) {
    if (pthread_mutex_lock(&p->mutex) != 0) return 0;
    struct timespec deadline = in_seconds(5);
    while (p->turn % 2 != side) {
      if (pthread_cond_timedwait(&p->cond, &p->mutex, &deadline) == ETIMEDOUT) {
        pthread_mutex_unlock(&p->mutex);
        return 0;
      }
    }
    p->turn++;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->mutex);
  }
  return 1;
}

static int bounce(sem_t* in, sem_t* out) {
  for (int i = 0; i < kRounds; ++i) {
    struct timespec deadline = in_seconds(5);
    if (sem_timedwait(in, &deadline) != 0) return 0;
    if (sem_post(out) != 0) return 0;
  }
  return 1;
}

/* Both processes at once; false on a timeout. */
static int contend(struct pingpong* p) {
  for (int i = 0; i < kContended; ++i) {
    struct timespec deadline = in_seconds(5);
    if (pthread_mutex_timedlock(&p->mutex, &deadline) != 0) return 0;
    p->under_mutex++;
    pthread_mutex_unlock(&p->mutex);
  }
  for (int i = 0; i < kContended; ++i) {
    struct timespec deadline = in_seconds(5);
    if (sem_timedwait(&p->lock, &deadline) != 0) return 0;
    p->under_sem++;
    sem_post(&p->lock);
  }
  return 1;
}

static void pshared(void) {
  struct pingpong* p = map_shared_anon(4096);
  pthread_mutexattr_t ma;
  pthread_mutexattr_init(&ma);
  pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(&p->mutex, &ma);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
  pthread_cond_init(&p->cond, &ca);
  sem_init(&p->ping, 1, 0);
  sem_init(&p->pong, 1, 0);
  sem_init(&p->lock, 1, 1);

  pid_t pid = fork_flushed(10);
  if (pid == 0) _exit(take_turns(p, 1) ? 0 : 1);
  check(take_turns(p, 0), "parent: %d turns with the mutex and condition variable", kRounds);
  check(exit_code(pid) == 0, "child: %d turns with the mutex and condition variable", kRounds);
  check(p->turn == 2 * kRounds, "turns taken: %u", p->turn);

  pid = fork_flushed(10);
  if (pid == 0) _exit(bounce(&p->ping, &p->pong) ? 0 : 1);
  int ok = 1;
  for (int i = 0; i < kRounds && ok; ++i) {
    struct timespec deadline = in_seconds(5);
    ok = sem_post(&p->ping) == 0 && sem_timedwait(&p->pong, &deadline) == 0;
  }
  check(ok, "parent: %d semaphore round trips", kRounds);
  check(exit_code(pid) == 0, "child: %d semaphore round trips", kRounds);

  pid = fork_flushed(10);
  if (pid == 0) _exit(contend(p) ? 0 : 1);
  check(contend(p), "parent: %d increments under the mutex, then under the semaphore", kContended);
  check(exit_code(pid) == 0, "child: %d increments under the mutex, then under the semaphore", kContended);
  printf("increments under the mutex: %lu, under the semaphore: %lu\n", p->under_mutex, p->under_sem);
}

int main(int argc, char** argv) {
  static const struct test_mode modes[] = {{"fork_anon", fork_anon},
                                           {"file", file},
                                           {"requeue_procs", requeue_procs},
                                           {"requeue_threads", requeue_threads},
                                           {"pshared", pshared}};
  return run_mode(argc, argv, 20, modes, sizeof modes / sizeof modes[0]);
}
