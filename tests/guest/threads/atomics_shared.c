/* atomics_shared.c: atomic instructions on memory that processes share.
   Unicorn translates the guest's atomics (LDXR/STXR, CAS, LDADD, LR/SC,
   AMOs) as plain loads and stores, so ferry lets one process of a fork tree
   that shares writable memory run guest code at a time. One case per
   argument, each with kProcs forked processes adding to shared counters:
   - anon: a MAP_SHARED|MAP_ANONYMOUS page mapped before the fork;
   - file, shm: a mkstemp file, or a POSIX shared memory object, that each
     child maps on its own after the fork (the parent only reads it after);
   - mprotect: a shared page mapped read-only before the fork, which each
     child makes writable;
   each counter is incremented kAdds times per process by __atomic_fetch_add,
   by a compare-and-swap loop, and (kLocked times) as a plain increment
   under a spinlock made of __atomic_exchange_n; the totals are printed.
   - killed: a child adding in a loop is killed with SIGKILL by a shell
     while it runs guest code; the parent, which shares the page, then runs
     on and adds its own while the child is still an unreaped zombie. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

enum { kProcs = 4, kAdds = 2000000, kLocked = 200000 };

struct counters {
  uint64_t added;    /* __atomic_fetch_add */
  uint64_t swapped;  /* compare-and-swap loop */
  uint64_t locked;   /* plain increment under `lock` */
  uint32_t lock;
  uint32_t started;  /* killed: the adding child has begun */
};

static void die(const char* what) {
  perror(what);
  exit(2);
}

static void spin_lock(uint32_t* lock) {
  for (int spins = 0; __atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE); ++spins) {
    if (spins % 64 == 63) sched_yield(); /* let the holder, maybe descheduled, go on */
  }
}

static void spin_unlock(uint32_t* lock) { __atomic_store_n(lock, 0, __ATOMIC_RELEASE); }

static void add_all(struct counters* c) {
  for (int i = 0; i < kAdds; ++i) __atomic_fetch_add(&c->added, 1, __ATOMIC_SEQ_CST);
  for (int i = 0; i < kAdds; ++i) {
    uint64_t seen = __atomic_load_n(&c->swapped, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(&c->swapped, &seen, seen + 1, 1, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
    }
  }
  for (int i = 0; i < kLocked; ++i) {
    spin_lock(&c->lock);
    ++*(volatile uint64_t*)&c->locked;
    spin_unlock(&c->lock);
  }
}


static struct counters* map_counters(int prot, int fd) {
  void* p = mmap(NULL, 4096, prot, MAP_SHARED | (fd < 0 ? MAP_ANONYMOUS : 0), fd, 0);
  if (p == MAP_FAILED) die("mmap");
  return p;
}

static void print_totals(const char* what, const struct counters* c) {
  printf("%s: fetch_add %llu, compare-and-swap %llu, under a spinlock %llu\n", what,
         (unsigned long long)c->added, (unsigned long long)c->swapped, (unsigned long long)c->locked);
  check(c->added == (uint64_t)kProcs * kAdds && c->swapped == (uint64_t)kProcs * kAdds &&
            c->locked == (uint64_t)kProcs * kLocked,
        "%s: no increment lost", what);
}

/* kProcs children run `child(c_or_null, fd)` and exit 0. */
static void run_children(void (*child)(struct counters*, int), struct counters* c, int fd) {
  pid_t pids[kProcs];
  for (int i = 0; i < kProcs; ++i) {
    pids[i] = fork_flushed(60);
    if (pids[i] == 0) {
      child(c, fd);
      _exit(0);
    }
  }
  int ok = 1;
  for (int i = 0; i < kProcs; ++i) ok &= exit_code(pids[i]) == 0;
  check(ok, "every child exited with 0");
}

static void add_inherited(struct counters* c, int fd) { add_all(c); }

static void add_own_mapping(struct counters* c, int fd) { add_all(map_counters(PROT_READ | PROT_WRITE, fd)); }

static void add_after_mprotect(struct counters* c, int fd) {
  if (mprotect(c, 4096, PROT_READ | PROT_WRITE) != 0) die("mprotect");
  add_all(c);
}

static void anon(void) {
  struct counters* c = map_counters(PROT_READ | PROT_WRITE, -1);
  run_children(add_inherited, c, -1);
  print_totals("MAP_SHARED|MAP_ANONYMOUS, mapped before fork", c);
}

static void file(int fd, const char* what) {
  if (ftruncate(fd, 4096) != 0) die("ftruncate");
  run_children(add_own_mapping, NULL, fd);
  print_totals(what, map_counters(PROT_READ, fd));
}

static void file_mode(void) {
  char path[] = "atomics_shared.XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) die("mkstemp");
  unlink(path);
  file(fd, "a file each child maps after fork");
}

static void shm_mode(void) {
  char name[64];
  snprintf(name, sizeof name, "/atomics_shared.%d", (int)getpid());
  int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
  if (fd < 0) die("shm_open");
  shm_unlink(name);
  file(fd, "a shm_open object each child maps after fork");
}

static void mprotect_mode(void) {
  struct counters* c = map_counters(PROT_READ, -1);
  run_children(add_after_mprotect, c, -1);
  print_totals("MAP_SHARED read-only, made writable in each child", c);
}

static void killed(void) {
  struct counters* c = map_counters(PROT_READ | PROT_WRITE, -1);
  pid_t pid = fork_flushed(60);
  if (pid == 0) {
    for (;;) {
      __atomic_fetch_add(&c->added, 1, __ATOMIC_SEQ_CST);
      __atomic_store_n(&c->started, 1, __ATOMIC_SEQ_CST);
    }
  }
  while (!__atomic_load_n(&c->started, __ATOMIC_SEQ_CST)) usleep(1000);
  /* Killed by a shell, not by this process, which would run guest code
     just before: then the child is surely the one running guest code. */
  char pid_text[16];
  snprintf(pid_text, sizeof pid_text, "%d", (int)pid);
  pid_t shell = fork_flushed(60);
  if (shell == 0) {
    execl("/bin/sh", "sh", "-c", "sleep 0.05; kill -KILL $0", pid_text, (char*)NULL);
    _exit(127);
  }
  check(exit_code(shell) == 0, "a shell killed the child");
  siginfo_t info;
  check(waitid(P_PID, pid, &info, WEXITED | WNOWAIT) == 0 && info.si_code == CLD_KILLED,
        "the child died of SIGKILL");
  /* While it is a zombie, not reaped yet. */
  uint64_t before = __atomic_load_n(&c->added, __ATOMIC_SEQ_CST);
  for (int i = 0; i < kAdds; ++i) __atomic_fetch_add(&c->added, 1, __ATOMIC_SEQ_CST);
  check(c->added == before + kAdds, "the parent went on and added %d", kAdds);
  check(exit_code(pid) == 128 + SIGKILL, "the child is reaped");
}

int main(int argc, char** argv) {
  static const struct test_mode modes[] = {
      {"anon", anon}, {"file", file_mode}, {"shm", shm_mode}, {"mprotect", mprotect_mode}, {"killed", killed}};
  return run_mode(argc, argv, 100, modes, sizeof modes / sizeof modes[0]);
}
