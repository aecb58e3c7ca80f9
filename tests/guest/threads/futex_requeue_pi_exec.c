/* futex_requeue_pi_exec.c: FUTEX_WAIT_REQUEUE_PI and FUTEX_CMP_REQUEUE_PI
   between processes related only through execve (under ferry: separate
   ferry processes, each its own guest space), sharing a file mapped
   MAP_SHARED by each. While one waits on the condition word, the other's
   plain FUTEX_WAKE, FUTEX_WAKE_BITSET, FUTEX_REQUEUE and FUTEX_CMP_REQUEUE
   on it get the kernel's EINVAL (a private FUTEX_WAKE names another futex:
   0); FUTEX_CMP_REQUEUE_PI moves the waiter onto the PI lock it holds, and
   the waiter owns the lock after the unlock. Both ways round: the exec'd
   process waits, then the exec'd process requeues. A waiter killed in its
   wait is no longer there for either. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

struct shared {
  uint32_t cond, lock, other;
  int ready;  /* the waiter is about to wait */
};

static long futex(uint32_t *word, int op, long val, long val2, uint32_t *word2, long val3) {
  return syscall(SYS_futex, word, op, val, val2, word2, val3);
}

static struct shared *map_file(const char *path) {
  int fd = open(path, O_RDWR);
  if (fd < 0) {
    perror("open");
    _exit(2);
  }
  void *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED) {
    perror("mmap");
    _exit(2);
  }
  return p;
}

/* Waits on the condition word to be requeued onto the lock; 0 when it then
   owned the lock (and let it go). */
static int wait_requeued(struct shared *s) {
  __atomic_store_n(&s->ready, 1, __ATOMIC_SEQ_CST);
  long r;
  do {
    r = futex(&s->cond, FUTEX_WAIT_REQUEUE_PI, 0, 0, &s->lock, 0);
  } while (r == -1 && errno == EAGAIN && s->cond == 0);
  int owner = (s->lock & FUTEX_TID_MASK) == (uint32_t)gettid();
  long u = futex(&s->lock, FUTEX_UNLOCK_PI, 0, 0, 0, 0);
  return r == 0 && owner && u == 0 ? 0 : 1;
}

static void shown(const char *who, const char *what, long r) {
  printf("%s: ", who);
  show_result(what, r);
}

/* The other side: holds the lock, sees the waiter refused to plain wakes
   and requeues, requeues it onto the lock, and lets the lock go. */
static void requeue(struct shared *s, const char *who) {
  check(futex(&s->lock, FUTEX_LOCK_PI, 0, 0, 0, 0) == 0, "%s: FUTEX_LOCK_PI", who);
  while (!__atomic_load_n(&s->ready, __ATOMIC_SEQ_CST)) usleep(1000);
  long r = 0;
  for (int i = 0; i < 5000; ++i) { /* EINVAL once the waiter waits */
    r = futex(&s->cond, FUTEX_WAKE, 1, 0, 0, 0);
    if (r == -1) break;
    usleep(1000);
  }
  shown(who, "FUTEX_WAKE on the waiter's word", r);
  shown(who, "FUTEX_WAKE_BITSET", futex(&s->cond, FUTEX_WAKE_BITSET, 1, 0, 0, FUTEX_BITSET_MATCH_ANY));
  shown(who, "FUTEX_REQUEUE", futex(&s->cond, FUTEX_REQUEUE, 0, 1, &s->other, 0));
  shown(who, "FUTEX_CMP_REQUEUE", futex(&s->cond, FUTEX_CMP_REQUEUE, 0, 1, &s->other, 0));
  shown(who, "FUTEX_WAKE_PRIVATE (another futex)", futex(&s->cond, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0));
  shown(who, "FUTEX_CMP_REQUEUE_PI with the wrong value", futex(&s->cond, FUTEX_CMP_REQUEUE_PI, 1, 0, &s->lock, 5));
  shown(who, "FUTEX_CMP_REQUEUE_PI", futex(&s->cond, FUTEX_CMP_REQUEUE_PI, 1, 0, &s->lock, 0));
  shown(who, "FUTEX_WAKE after the requeue", futex(&s->cond, FUTEX_WAKE, 1, 0, 0, 0));
  s->cond = 1;
  check(futex(&s->lock, FUTEX_UNLOCK_PI, 0, 0, 0, 0) == 0, "%s: FUTEX_UNLOCK_PI", who);
}

int main(int argc, char **argv) {
  setvbuf(stdout, 0, _IONBF, 0);
  if (argc == 3) { /* the exec'd side */
    struct shared *s = map_file(argv[2]);
    if (strcmp(argv[1], "waiter") == 0) return wait_requeued(s);
    requeue(s, "exec'd requeuer");
    return failures != 0;
  }
  char path[] = "/tmp/futex_requeue_pi_exec.XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0 || ftruncate(fd, 4096) != 0) {
    perror("mkstemp");
    return 2;
  }
  close(fd);
  struct shared *s = map_file(path);
  const char *roles[2] = {"waiter", "requeuer"};
  for (int round = 0; round < 2; ++round) {
    memset(s, 0, sizeof *s);
    pid_t child = fork();
    if (child == 0) {
      execl("/proc/self/exe", argv[0], roles[round], path, (char *)0);
      _exit(3);
    }
    int st = -1;
    if (round == 0) {
      requeue(s, "requeuer");
      waitpid(child, &st, 0);
      printf("exec'd waiter: status %d\n", WEXITSTATUS(st));
    } else {
      int r = wait_requeued(s);
      waitpid(child, &st, 0); /* its lines first */
      printf("exec'd requeuer: status %d\n", WEXITSTATUS(st));
      printf("waiter: %s\n", r == 0 ? "owned the lock after the requeue" : "did not get the lock");
    }
    printf("lock word at the end: %u\n", s->lock);
  }
  /* A waiter killed in its wait is gone from the word: plain wakes work. */
  memset(s, 0, sizeof *s);
  pid_t child = fork();
  if (child == 0) {
    execl("/proc/self/exe", argv[0], "waiter", path, (char *)0);
    _exit(3);
  }
  while (!__atomic_load_n(&s->ready, __ATOMIC_SEQ_CST)) usleep(1000);
  long r = 0;
  for (int i = 0; i < 5000 && r != -1; ++i) {
    r = futex(&s->cond, FUTEX_WAKE, 1, 0, 0, 0);
    if (r != -1) usleep(1000);
  }
  shown("before the kill", "FUTEX_WAKE", r);
  kill(child, SIGKILL);
  int st;
  waitpid(child, &st, 0);
  printf("waiter killed: %s\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? "by SIGKILL" : "otherwise");
  shown("after the kill", "FUTEX_WAKE", futex(&s->cond, FUTEX_WAKE, 1, 0, 0, 0));
  shown("after the kill", "FUTEX_CMP_REQUEUE_PI", futex(&s->cond, FUTEX_CMP_REQUEUE_PI, 1, 0, &s->lock, 0));
  unlink(path);
  printf("%d failures\n", failures);
  return failures != 0;
}
