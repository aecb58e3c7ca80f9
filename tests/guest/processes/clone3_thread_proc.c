/* clone3_thread_proc.c: a thread made with clone3's set_tid is one task of
   the process, as the kernel shows it: /proc/self/task lists it and the
   process's own threads and nothing else, and /proc/self/status's Threads:
   and /proc/self/stat's num_threads count it once (ferry makes its host
   thread through a relay host thread, which must not show). Needs the real
   root (set_tid wants CAP_CHECKPOINT_RESTORE in the initial pid namespace). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"

#include "clone3_waiting.h"

/* A pid nothing uses now (see clone3_set_tid.c). */
static pid_t free_pid(void) {
  for (pid_t p = 2000; p < 32768; ++p) {
    if (kill(p, 0) != 0 && errno == ESRCH) return p;
  }
  return -1;
}

/* /proc/self/task: how many entries, and whether `a` and `b` are among them. */
static int list_tasks(pid_t a, pid_t b, int *has_a, int *has_b) {
  DIR *d = opendir("/proc/self/task");
  int n = 0;
  struct dirent *e;
  *has_a = *has_b = 0;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    ++n;
    pid_t tid = atoi(e->d_name);
    *has_a |= tid == a;
    *has_b |= tid == b;
  }
  if (d) closedir(d);
  return n;
}

static long status_threads(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long n = -1;
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, "Threads:", 8) == 0) n = strtol(line + 8, 0, 10);
  }
  if (f) fclose(f);
  return n;
}

static long stat_threads(void) { /* field 20, after "(comm)" */
  FILE *f = fopen("/proc/self/stat", "r");
  char buf[1024] = "";
  if (f) {
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
  }
  char *p = strrchr(buf, ')');
  for (int field = 2; p && field < 20; ++field) p = strchr(p + 1, ' ');
  return p ? strtol(p + 1, 0, 10) : -1;
}

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static void *held(void *arg) {
  pthread_mutex_lock(&gate);
  pthread_mutex_unlock(&gate);
  return arg;
}

static void show(const char *when, pid_t raw, pid_t other) {
  int has_raw, has_other;
  int n = list_tasks(raw, other, &has_raw, &has_other);
  printf("%s: /proc/self/task has %d (set_tid thread %s, pthread %s), Threads: %ld, stat num_threads %ld\n", when,
         n, has_raw ? "listed" : "absent", has_other ? "listed" : "absent", status_threads(), stat_threads());
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  show("alone", -1, -1);

  static char stack[65536] __attribute__((aligned(16)));
  volatile int alive = 0;
  pid_t want = free_pid();
  struct clone_args ca;
  memset(&ca, 0, sizeof ca);
  ca.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_PARENT_SETTID |
             CLONE_CHILD_CLEARTID;
  ca.parent_tid = ca.child_tid = (uintptr_t)&alive;
  ca.stack = (uintptr_t)stack;
  ca.stack_size = sizeof stack;
  ca.set_tid = (uintptr_t)&want;
  ca.set_tid_size = 1;
  long raw;
  /* Another process may take the free pid first (the suite's other tests,
     or the host's pids wrapping at pid_max): then another one. */
  for (int tries = 0; (raw = clone3_waiting(&ca)) == -EEXIST && tries < 50; ++tries) want = free_pid();
  check(raw == want, "thread at set_tid: %s", raw == want ? "as asked" : raw < 0 ? strerror(-raw) : "other tid");
  show("with the set_tid thread", (pid_t)raw, -1);

  pthread_t t;
  pthread_mutex_lock(&gate);
  pid_t other = -1;
  check(pthread_create(&t, 0, held, 0) == 0, "pthread_create");
  for (int i = 0; i < 200; ++i) { /* the pthread's tid: the listed one that is neither */
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    while (d && (e = readdir(d))) {
      pid_t tid = atoi(e->d_name);
      if (tid > 0 && tid != getpid() && tid != raw) other = tid;
    }
    if (d) closedir(d);
    if (other > 0) break;
    usleep(1000);
  }
  show("and a pthread", (pid_t)raw, other);
  pthread_mutex_unlock(&gate);
  pthread_join(t, 0);

  release_raw = 1;
  syscall(SYS_futex, &release_raw, FUTEX_WAKE, 1, 0, 0, 0);
  while (alive != 0) syscall(SYS_futex, &alive, FUTEX_WAIT, alive, 0, 0, 0);
  /* The kernel clears `alive` (and pthread_join returns) before a thread is
     fully gone: wait until the process is down to its main thread. */
  int has_raw, has_other;
  for (int i = 0; i < 2000; ++i) {
    if (list_tasks(raw, other, &has_raw, &has_other) == 1 && status_threads() == 1 && stat_threads() == 1) break;
    usleep(1000);
  }
  show("after both ended", (pid_t)raw, other);
  printf("%d failures\n", failures);
  return failures != 0;
}
