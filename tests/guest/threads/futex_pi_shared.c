/* futex_pi_shared.c: priority-inheritance futexes shared across processes
   (issue 15): a PTHREAD_PROCESS_SHARED, PTHREAD_PRIO_INHERIT mutex and a
   shared condition variable in MAP_SHARED memory, used by forked processes
   (glibc's FUTEX_LOCK_PI / FUTEX_UNLOCK_PI on a shared word); the owner tid
   in the lock word is the holder's; raw FUTEX_TRYLOCK_PI from another
   process on a held word; FUTEX_WAIT_REQUEUE_PI in two children requeued
   by the parent's FUTEX_CMP_REQUEUE_PI onto a PI lock it holds. */
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

struct shared {
  pthread_mutex_t lock;
  pthread_cond_t turn_changed;
  int turn, counter, holder_ready, checked;
  uint32_t raw;  /* a raw PI word */
  uint32_t cond, pi_lock;  /* requeue-PI: the condition word and its lock */
  int announced, got_lock;
};

/* A child: waits on the condition word to be requeued onto the PI lock,
   then holds it for a moment. Exits 0 when it got the lock. */
static void requeue_pi_waiter(struct shared *s) {
  __atomic_add_fetch(&s->announced, 1, __ATOMIC_SEQ_CST);
  long r;
  do {
    r = syscall(SYS_futex, &s->cond, FUTEX_WAIT_REQUEUE_PI, 0, 0, &s->pi_lock, 0);
  } while (r == -1 && errno == EAGAIN && s->cond == 0);
  int owner = (s->pi_lock & FUTEX_TID_MASK) == (uint32_t)getpid();
  __atomic_add_fetch(&s->got_lock, 1, __ATOMIC_SEQ_CST);
  long u = syscall(SYS_futex, &s->pi_lock, FUTEX_UNLOCK_PI, 0, 0, 0, 0);
  _exit(r == 0 && owner && u == 0 ? 0 : 1);
}

static void take_turns(struct shared *s, int me, int rounds) {
  for (int i = 0; i < rounds; ++i) {
    pthread_mutex_lock(&s->lock);
    while (s->turn != me) pthread_cond_wait(&s->turn_changed, &s->lock);
    s->counter++;
    s->turn = (me + 1) % 3;
    pthread_cond_broadcast(&s->turn_changed);
    pthread_mutex_unlock(&s->lock);
  }
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  struct shared *s = mmap(0, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pthread_mutexattr_t ma;
  pthread_mutexattr_init(&ma);
  pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
  check(pthread_mutex_init(&s->lock, &ma) == 0, "PI mutex made");
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
  pthread_cond_init(&s->turn_changed, &ca);

  /* The holder's tid is in the lock word while it holds it. */
  pid_t holder = fork();
  if (holder == 0) {
    pthread_mutex_lock(&s->lock);
    __atomic_store_n(&s->holder_ready, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&s->checked, __ATOMIC_SEQ_CST)) usleep(1000);
    usleep(20000);  /* the parent now waits in FUTEX_LOCK_PI */
    pthread_mutex_unlock(&s->lock);
    _exit(0);
  }
  while (!__atomic_load_n(&s->holder_ready, __ATOMIC_SEQ_CST)) usleep(1000);
  int word = *(volatile int *)&s->lock;
  check((word & FUTEX_TID_MASK) == holder, "lock word holds the holder's tid");
  check(pthread_mutex_trylock(&s->lock) == EBUSY, "trylock of the held mutex: EBUSY");
  __atomic_store_n(&s->checked, 1, __ATOMIC_SEQ_CST);
  int r = pthread_mutex_lock(&s->lock);
  word = *(volatile int *)&s->lock;
  check(r == 0 && (word & FUTEX_TID_MASK) == getpid(), "lock after the holder's unlock: %d, owner is us %d", r,
        (word & FUTEX_TID_MASK) == getpid());
  pthread_mutex_unlock(&s->lock);
  int st;
  waitpid(holder, &st, 0);

  /* Three processes take turns through the condition variable. */
  pid_t kids[2];
  for (int k = 0; k < 2; ++k) {
    kids[k] = fork();
    if (kids[k] == 0) {
      take_turns(s, k + 1, 200);
      _exit(0);
    }
  }
  take_turns(s, 0, 200);
  for (int k = 0; k < 2; ++k) waitpid(kids[k], &st, 0);
  printf("counter after turns: %d\n", s->counter);

  /* Raw FUTEX_LOCK_PI / FUTEX_TRYLOCK_PI / FUTEX_UNLOCK_PI on a shared word. */
  pid_t child = fork();
  if (child == 0) {
    long lr = syscall(SYS_futex, &s->raw, FUTEX_LOCK_PI, 0, 0, 0, 0);
    __atomic_store_n(&s->holder_ready, 2, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&s->checked, __ATOMIC_SEQ_CST) != 2) usleep(1000);
    long ur = syscall(SYS_futex, &s->raw, FUTEX_UNLOCK_PI, 0, 0, 0, 0);
    _exit(lr == 0 && ur == 0 ? 0 : 1);
  }
  while (__atomic_load_n(&s->holder_ready, __ATOMIC_SEQ_CST) != 2) usleep(1000);
  check((s->raw & FUTEX_TID_MASK) == (uint32_t)child, "raw word holds the child's tid");
  long tr = syscall(SYS_futex, &s->raw, FUTEX_TRYLOCK_PI, 0, 0, 0, 0);
  show_result("FUTEX_TRYLOCK_PI of the child's word", tr);
  show_result("FUTEX_UNLOCK_PI of a word we do not own", syscall(SYS_futex, &s->raw, FUTEX_UNLOCK_PI, 0, 0, 0, 0));
  __atomic_store_n(&s->checked, 2, __ATOMIC_SEQ_CST);
  long lr = syscall(SYS_futex, &s->raw, FUTEX_LOCK_PI, 0, 0, 0, 0);
  check(lr == 0 && (s->raw & FUTEX_TID_MASK) == (uint32_t)getpid(), "FUTEX_LOCK_PI after the child's unlock");
  waitpid(child, &st, 0);
  printf("child status %d\n", WEXITSTATUS(st));
  syscall(SYS_futex, &s->raw, FUTEX_UNLOCK_PI, 0, 0, 0, 0);
  printf("raw word after unlock: %u\n", s->raw);

  /* Requeue-PI across processes: two waiters, the lock held by the parent. */
  syscall(SYS_futex, &s->pi_lock, FUTEX_LOCK_PI, 0, 0, 0, 0);
  pid_t waiters[2];
  for (int k = 0; k < 2; ++k) {
    waiters[k] = fork();
    if (waiters[k] == 0) requeue_pi_waiter(s);
  }
  while (__atomic_load_n(&s->announced, __ATOMIC_SEQ_CST) < 2) usleep(1000);
  usleep(50000);  /* both asleep on the condition word */
  long total = 0;
  for (int i = 0; i < 5000 && total < 2; ++i) {
    long n = syscall(SYS_futex, &s->cond, FUTEX_CMP_REQUEUE_PI, 1, (void *)1, &s->pi_lock, 0);
    if (n < 0) {
      show_result("FUTEX_CMP_REQUEUE_PI", n);
      break;
    }
    total += n;
    if (total < 2) usleep(1000);
  }
  printf("requeued across processes: %ld\n", total);
  usleep(20000);
  printf("waiters holding the lock before the parent's unlock: %d\n", __atomic_load_n(&s->got_lock, __ATOMIC_SEQ_CST));
  s->cond = 1;
  syscall(SYS_futex, &s->pi_lock, FUTEX_UNLOCK_PI, 0, 0, 0, 0);
  for (int k = 0; k < 2; ++k) {
    waitpid(waiters[k], &st, 0);
    printf("requeue-PI waiter %d: status %d\n", k, WEXITSTATUS(st));
  }
  printf("lock word at the end: %u\n", s->pi_lock);
  printf("%d failures\n", failures);
  return failures != 0;
}
