/* futex_ops.c: futex_waitv (a wake on any word, value mismatch, timeouts on
   both clocks, shared words across fork, every bad input), and the futex
   operations futex_shared.c leaves out: FUTEX_WAKE_OP's operations and
   comparisons, timeouts of FUTEX_WAIT and FUTEX_WAIT_BITSET on both clocks,
   and the PI operations (lock, trylock, unlock, timeouts, EDEADLK, EPERM). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32 0x02
#endif
#ifndef FUTEX2_PRIVATE
#define FUTEX2_PRIVATE FUTEX_PRIVATE_FLAG
#endif
/* struct waiter, which older headers lack */
struct waiter {
  uint64_t val;
  uint64_t uaddr;
  uint32_t flags;
  uint32_t __reserved;
};
#define FUTEX2_SIZE_U64 0x03
#ifndef FUTEX_LOCK_PI2
#define FUTEX_LOCK_PI2 13
#endif

static void show(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static long futex(uint32_t *w, int op, uint32_t val, const void *timeout, uint32_t *w2, uint32_t val3) {
  return syscall(SYS_futex, w, op, val, timeout, w2, val3);
}
static long waitv(struct waiter *v, unsigned n, unsigned flags, struct timespec *timeout, int clock) {
  return syscall(SYS_futex_waitv, v, n, flags, timeout, clock);
}

/* An absolute time `ms` from now on `clock`. */
static struct timespec after(int clock, long ms) {
  struct timespec t;
  clock_gettime(clock, &t);
  t.tv_nsec += ms * 1000000;
  t.tv_sec += t.tv_nsec / 1000000000;
  t.tv_nsec %= 1000000000;
  return t;
}

/* Whether a thread sleeps on futex word `w`: a requeue onto itself moves
   nobody and counts the sleepers. */
static int await_waiter(uint32_t *w) {
  for (int i = 0; i < 5000; ++i) {
    if (futex(w, FUTEX_REQUEUE_PRIVATE, 0, (void *)0x7fffffff, w, 0) > 0) return 1;
    usleep(1000);
  }
  return 0;
}

static uint32_t words[4];
static long thread_result;
static void *waitv_thread(void *arg) {
  (void)arg;
  struct waiter v[3] = {
      {0, (uintptr_t)&words[0], FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0},
      {0, (uintptr_t)&words[1], FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0},
      {0, (uintptr_t)&words[2], FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0},
  };
  struct timespec t = after(CLOCK_MONOTONIC, 10000);
  thread_result = waitv(v, 3, 0, &t, CLOCK_MONOTONIC);
  return 0;
}

static uint32_t pi_word;
static long pi_result;
static void *pi_thread(void *arg) {
  long what = (long)arg;
  if (what == 0) pi_result = futex(&pi_word, FUTEX_LOCK_PI_PRIVATE, 0, 0, 0, 0);
  if (what == 1) pi_result = futex(&pi_word, FUTEX_TRYLOCK_PI_PRIVATE, 0, 0, 0, 0) < 0 ? -errno : 0;
  if (what == 2) pi_result = futex(&pi_word, FUTEX_UNLOCK_PI_PRIVATE, 0, 0, 0, 0) < 0 ? -errno : 0;
  if (what == 3) {
    struct timespec t = after(CLOCK_REALTIME, 30);
    pi_result = futex(&pi_word, FUTEX_LOCK_PI_PRIVATE, 0, &t, 0, 0) < 0 ? -errno : 0;
  }
  if (what == 4) {
    struct timespec t = after(CLOCK_MONOTONIC, 30);
    pi_result = futex(&pi_word, FUTEX_LOCK_PI2_PRIVATE, 0, &t, 0, 0) < 0 ? -errno : 0;
  }
  if (what == 0 && pi_result == 0) {
    pi_result = (pi_word & FUTEX_TID_MASK) == (uint32_t)gettid();
    futex(&pi_word, FUTEX_UNLOCK_PI_PRIVATE, 0, 0, 0, 0);
  }
  return 0;
}

static uint32_t op_word1, op_word2;

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);

  /* futex_waitv: woken on its second word by a private wake. */
  pthread_t t;
  pthread_create(&t, 0, waitv_thread, 0);
  check(await_waiter(&words[1]), "the thread sleeps in futex_waitv");
  show("wake the second word", futex(&words[1], FUTEX_WAKE_PRIVATE, 1, 0, 0, 0));
  pthread_join(t, 0);
  printf("futex_waitv returned %ld\n", thread_result);

  struct waiter v[2] = {
      {0, (uintptr_t)&words[0], FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0},
      {7, (uintptr_t)&words[1], FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0},
  };
  show("futex_waitv with a value that differs", waitv(v, 2, 0, 0, 0));
  v[1].val = 0;
  struct timespec mono = after(CLOCK_MONOTONIC, 30), real = after(CLOCK_REALTIME, 30);
  show("futex_waitv until a CLOCK_MONOTONIC time", waitv(v, 2, 0, &mono, CLOCK_MONOTONIC));
  show("futex_waitv until a CLOCK_REALTIME time", waitv(v, 2, 0, &real, CLOCK_REALTIME));
  struct timespec past = {0, 0};
  show("futex_waitv until a past time", waitv(v, 2, 0, &past, CLOCK_MONOTONIC));
  show("flags 1", waitv(v, 2, 1, 0, 0));
  show("no waiters", waitv(v, 0, 0, 0, 0));
  show("129 waiters", waitv(v, 129, 0, 0, 0));
  show("a null vector", waitv(0, 1, 0, 0, 0));
  show("a vector at a bad address", waitv((struct waiter *)8, 1, 0, 0, 0));
  show("CLOCK_BOOTTIME", waitv(v, 2, 0, &mono, CLOCK_BOOTTIME));
  show("a timeout at a bad address", waitv(v, 2, 0, (struct timespec *)8, CLOCK_MONOTONIC));
  struct timespec bad = {0, 2000000000};
  show("tv_nsec 2e9", waitv(v, 2, 0, &bad, CLOCK_MONOTONIC));
  v[1].flags = FUTEX2_PRIVATE;
  show("a waiter without a size", waitv(v, 2, 0, &past, CLOCK_MONOTONIC));
  v[1].flags = FUTEX2_SIZE_U64;
  show("a 64-bit waiter", waitv(v, 2, 0, &past, CLOCK_MONOTONIC));
  v[1].flags = FUTEX2_SIZE_U32 | 0x1000;
  show("an unknown waiter flag", waitv(v, 2, 0, &past, CLOCK_MONOTONIC));
  v[1].flags = FUTEX2_SIZE_U32;
  v[1].__reserved = 1;
  show("a reserved word set", waitv(v, 2, 0, &past, CLOCK_MONOTONIC));
  v[1].__reserved = 0;
  v[1].val = 1ull << 32;
  show("a value past 32 bits", waitv(v, 2, 0, &past, CLOCK_MONOTONIC));
  v[1].val = 0;
  v[1].uaddr = (uintptr_t)&words[1] + 1;
  show("a misaligned word", waitv(v, 2, 0, &past, CLOCK_MONOTONIC));
  v[1].uaddr = 0;
  show("a null word", waitv(v, 2, 0, &past, CLOCK_MONOTONIC));
  v[1].uaddr = 1ull << 45;
  show("a word far past any mapping", waitv(v, 2, 0, &past, CLOCK_MONOTONIC));

  /* A shared word: a forked child waits, the parent wakes. */
  uint32_t *shared = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pid_t pid = fork();
  if (pid == 0) {
    struct waiter sv[2] = {{1, (uintptr_t)&shared[1], FUTEX2_SIZE_U32, 0}, {0, (uintptr_t)&shared[0], FUTEX2_SIZE_U32, 0}};
    struct timespec t = after(CLOCK_MONOTONIC, 10000);
    long r = waitv(sv, 2, 0, &t, CLOCK_MONOTONIC);
    _exit(r == 1 ? 0 : r < 0 ? 100 + errno : 50);
  }
  for (int i = 0; i < 5000 && futex(shared, FUTEX_WAKE, 1, 0, 0, 0) == 0; ++i) usleep(1000);
  int status;
  waitpid(pid, &status, 0);
  printf("the child's futex_waitv on a shared word: status %d\n", WEXITSTATUS(status));

  /* FUTEX_WAKE_OP: each operation and comparison on the second word. */
  struct { int op, oparg, cmp, cmparg; const char *name; } ops[] = {
      {FUTEX_OP_SET, 9, FUTEX_OP_CMP_EQ, 5, "SET 9, old == 5"},
      {FUTEX_OP_ADD, 3, FUTEX_OP_CMP_NE, 9, "ADD 3, old != 9"},
      {FUTEX_OP_OR, 0x10, FUTEX_OP_CMP_LT, 20, "OR 0x10, old < 20"},
      {FUTEX_OP_ANDN, 0x2, FUTEX_OP_CMP_LE, 28, "ANDN 2, old <= 28"},
      {FUTEX_OP_XOR, 0xff, FUTEX_OP_CMP_GT, 100, "XOR 0xff, old > 100"},
      {FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT, 4, FUTEX_OP_CMP_GE, 0, "SET 1<<4, old >= 0"},
  };
  op_word2 = 5;
  for (unsigned i = 0; i < sizeof ops / sizeof *ops; ++i) {
    long r = futex(&op_word1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &op_word2,
                   FUTEX_OP(ops[i].op, ops[i].oparg, ops[i].cmp, ops[i].cmparg));
    printf("FUTEX_WAKE_OP %s: %ld, word now %u\n", ops[i].name, r, op_word2);
  }
  show("FUTEX_WAKE_OP with op 7", futex(&op_word1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &op_word2, FUTEX_OP(7, 0, 0, 0)));
  show("FUTEX_WAKE_OP with cmp 7", futex(&op_word1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &op_word2, FUTEX_OP(0, 0, 7, 0)));
  show("FUTEX_WAKE_OP on a bad second word", futex(&op_word1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, (uint32_t *)8, 0));
  printf("word after the failed ops: %u\n", op_word2);

  /* Timeouts on both clocks. */
  uint32_t zero = 0;
  struct timespec rel = {0, 20000000};
  show("FUTEX_WAIT, relative", futex(&zero, FUTEX_WAIT_PRIVATE, 0, &rel, 0, 0));
  show("FUTEX_WAIT|FUTEX_CLOCK_REALTIME, relative", futex(&zero, FUTEX_WAIT_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &rel, 0, 0));
  mono = after(CLOCK_MONOTONIC, 20);
  show("FUTEX_WAIT_BITSET until a monotonic time", futex(&zero, FUTEX_WAIT_BITSET_PRIVATE, 0, &mono, 0, ~0u));
  real = after(CLOCK_REALTIME, 20);
  show("FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME until a realtime time",
       futex(&zero, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &real, 0, ~0u));
  show("FUTEX_WAIT_BITSET with bitset 0", futex(&zero, FUTEX_WAIT_BITSET_PRIVATE, 0, &mono, 0, 0));
  show("FUTEX_WAIT with a value that differs", futex(&zero, FUTEX_WAIT_PRIVATE, 1, &rel, 0, 0));
  show("FUTEX_WAIT with tv_nsec 2e9", futex(&zero, FUTEX_WAIT_PRIVATE, 0, &bad, 0, 0));

  /* PI. */
  show("FUTEX_LOCK_PI of a free word", futex(&pi_word, FUTEX_LOCK_PI_PRIVATE, 0, 0, 0, 0));
  printf("the word holds our tid: %d\n", pi_word == (uint32_t)gettid());
  show("FUTEX_LOCK_PI again", futex(&pi_word, FUTEX_LOCK_PI_PRIVATE, 0, 0, 0, 0));
  show("FUTEX_TRYLOCK_PI of our own lock", futex(&pi_word, FUTEX_TRYLOCK_PI_PRIVATE, 0, 0, 0, 0));
  for (long what = 1; what <= 4; ++what) {
    pthread_create(&t, 0, pi_thread, (void *)what);
    pthread_join(t, 0);
    static const char *names[] = {"", "another thread's TRYLOCK_PI", "another thread's UNLOCK_PI",
                                  "another thread's LOCK_PI until a realtime time",
                                  "another thread's LOCK_PI2 until a monotonic time"};
    printf("%s: %s\n", names[what], pi_result ? strerrorname_np((int)-pi_result) : "0");
  }
  pthread_create(&t, 0, pi_thread, (void *)0);
  for (int i = 0; i < 5000 && !(pi_word & FUTEX_WAITERS); ++i) usleep(1000);
  printf("contended: %d\n", (pi_word & FUTEX_WAITERS) != 0);
  show("FUTEX_UNLOCK_PI with a waiter", futex(&pi_word, FUTEX_UNLOCK_PI_PRIVATE, 0, 0, 0, 0));
  pthread_join(t, 0);
  printf("the waiter got the lock: %ld; word after its unlock: %u\n", pi_result, pi_word);
  show("FUTEX_UNLOCK_PI of a free word", futex(&pi_word, FUTEX_UNLOCK_PI_PRIVATE, 0, 0, 0, 0));
  show("FUTEX_LOCK_PI of a bad address", futex((uint32_t *)8, FUTEX_LOCK_PI_PRIVATE, 0, 0, 0, 0));
  printf("%d failures\n", failures);
  return failures != 0;
}
