/* sched.c: scheduling policies and parameters, affinity, priorities (per
   thread, by tid), I/O priorities and personality, with the kernel's
   errnos. Guest thread ids are host thread ids under ferry. Run as root:
   SCHED_FIFO and negative nice values need it. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

/* The kernel's struct sched_attr (linux/sched/types.h clashes with glibc's). */
struct sched_attr {
  uint32_t size, sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime, sched_deadline, sched_period;
  uint32_t sched_util_min, sched_util_max;
};

#define IOPRIO_CLASS_BE 2
#define IOPRIO_VALUE(c, d) ((c) << 13 | (d))

static void policies(void) {
  show_result("sched_getscheduler(0)", sched_getscheduler(0));
  show_result("sched_getscheduler(-1)", sched_getscheduler(-1));
  show_result("sched_getscheduler(no such pid)", sched_getscheduler(999999));
  show_result("max(SCHED_FIFO)", sched_get_priority_max(SCHED_FIFO));
  show_result("min(SCHED_FIFO)", sched_get_priority_min(SCHED_FIFO));
  show_result("max(SCHED_OTHER)", sched_get_priority_max(SCHED_OTHER));
  show_result("min(SCHED_RR)", sched_get_priority_min(SCHED_RR));
  show_result("max(99)", sched_get_priority_max(99));
  struct sched_param p = {0};
  show_result("sched_getparam(0)", sched_getparam(0, &p));
  printf("priority %d\n", p.sched_priority);
  show_result("sched_getparam(bad pointer)", syscall(SYS_sched_getparam, 0, (void *)8));
  show_result("sched_getparam(-1)", sched_getparam(-1, &p));
  p.sched_priority = 5;
  show_result("SCHED_OTHER with priority 5", sched_setscheduler(0, SCHED_OTHER, &p));
  show_result("policy 99", sched_setscheduler(0, 99, &p));
  show_result("sched_setscheduler(bad pointer)", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, (void *)8));
  p.sched_priority = 10;
  show_result("SCHED_FIFO 10", sched_setscheduler(0, SCHED_FIFO, &p));
  show_result("now", sched_getscheduler(0));
  p.sched_priority = 20;
  show_result("sched_setparam 20", sched_setparam(0, &p));
  sched_getparam(0, &p);
  printf("priority %d\n", p.sched_priority);
  p.sched_priority = 0;
  show_result("SCHED_OTHER|SCHED_RESET_ON_FORK", sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &p));
  show_result("now", sched_getscheduler(0));
  show_result("SCHED_BATCH", sched_setscheduler(0, SCHED_BATCH, &p));
  show_result("now", sched_getscheduler(0));
  show_result("SCHED_OTHER", sched_setscheduler(0, SCHED_OTHER, &p));
  struct timespec ts = {-1, -1};
  show_result("sched_rr_get_interval", sched_rr_get_interval(0, &ts));
  printf("interval read: %s\n", ts.tv_sec >= 0 && ts.tv_nsec >= 0 ? "yes" : "no");
  show_result("sched_rr_get_interval(bad pointer)", syscall(SYS_sched_rr_get_interval, 0, (void *)8));
}

static void attrs(void) {
  struct sched_attr a;
  memset(&a, 0, sizeof a);
  show_result("sched_getattr", syscall(SYS_sched_getattr, 0, &a, sizeof a, 0));
  printf("size %u policy %u nice %d\n", a.size, a.sched_policy, a.sched_nice);
  show_result("sched_getattr(size 8)", syscall(SYS_sched_getattr, 0, &a, 8, 0));
  show_result("sched_getattr(flags 1)", syscall(SYS_sched_getattr, 0, &a, sizeof a, 1));
  show_result("sched_getattr(bad pointer)", syscall(SYS_sched_getattr, 0, (void *)8, sizeof a, 0));
  memset(&a, 0, sizeof a);
  a.size = sizeof a;
  a.sched_policy = SCHED_OTHER;
  a.sched_nice = 3;
  show_result("sched_setattr(nice 3)", syscall(SYS_sched_setattr, 0, &a, 0));
  show_result("getpriority", getpriority(PRIO_PROCESS, 0));
  a.size = 4;
  show_result("sched_setattr(size 4)", syscall(SYS_sched_setattr, 0, &a, 0));
  printf("size written back: %u\n", a.size);
  a.size = sizeof a;
  show_result("sched_setattr(flags 1)", syscall(SYS_sched_setattr, 0, &a, 1));
  show_result("sched_setattr(bad pointer)", syscall(SYS_sched_setattr, 0, (void *)8, 0));
  a.sched_nice = 0;
  syscall(SYS_sched_setattr, 0, &a, 0);
}

static void affinity(void) {
  cpu_set_t all, one, got;
  show_result("sched_getaffinity", sched_getaffinity(0, sizeof all, &all));
  int first = -1;
  for (int i = 0; i < CPU_SETSIZE && first < 0; i++)
    if (CPU_ISSET(i, &all)) first = i;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  show_result("sched_setaffinity(first CPU)", sched_setaffinity(0, sizeof one, &one));
  sched_getaffinity(0, sizeof got, &got);
  printf("CPUs now: %d, the first: %s\n", CPU_COUNT(&got), CPU_ISSET(first, &got) ? "yes" : "no");
  check(sched_getcpu() == first, "running on it");
  cpu_set_t none;
  CPU_ZERO(&none);
  show_result("sched_setaffinity(empty)", sched_setaffinity(0, sizeof none, &none));
  show_result("sched_setaffinity(bad pointer)", syscall(SYS_sched_setaffinity, 0, sizeof one, (void *)8));
  show_result("sched_setaffinity(no such pid)", sched_setaffinity(999999, sizeof one, &one));
  show_result("sched_setaffinity(all)", sched_setaffinity(0, sizeof all, &all));
  sched_getaffinity(0, sizeof got, &got);
  check(CPU_EQUAL(&got, &all), "all CPUs back");
}

static pid_t thread_tid;
static pthread_barrier_t barrier;
static void *idle_thread(void *arg) {
  (void)arg;
  thread_tid = gettid();
  pthread_barrier_wait(&barrier);
  pthread_barrier_wait(&barrier);
  return NULL;
}

static void priorities(void) {
  show_result("getpriority", getpriority(PRIO_PROCESS, 0));
  show_result("setpriority(5)", setpriority(PRIO_PROCESS, 0, 5));
  show_result("getpriority", getpriority(PRIO_PROCESS, 0));
  show_result("raw getpriority", syscall(SYS_getpriority, PRIO_PROCESS, 0));
  errno = 0;
  int n = nice(-7);
  printf("nice(-7): %d%s\n", n, errno ? " (failed)" : "");
  show_result("setpriority(which 99)", setpriority(99, 0, 1));
  show_result("setpriority(no such pid)", setpriority(PRIO_PROCESS, 999999, 1));
  show_result("setpriority(40): clamped", setpriority(PRIO_PROCESS, 0, 40));
  show_result("getpriority", getpriority(PRIO_PROCESS, 0));
  pthread_t t;
  pthread_barrier_init(&barrier, NULL, 2);
  pthread_create(&t, NULL, idle_thread, NULL);
  pthread_barrier_wait(&barrier);
  show_result("setpriority(thread's tid, 11)", setpriority(PRIO_PROCESS, thread_tid, 11));
  show_result("thread's", getpriority(PRIO_PROCESS, thread_tid));
  show_result("main's", getpriority(PRIO_PROCESS, 0));
  struct sched_param p = {0};
  show_result("sched_getscheduler(thread's tid)", sched_getscheduler(thread_tid));
  show_result("sched_setscheduler(thread's tid, SCHED_IDLE)", sched_setscheduler(thread_tid, SCHED_IDLE, &p));
  show_result("thread's policy", sched_getscheduler(thread_tid));
  show_result("main's policy", sched_getscheduler(0));
  pthread_barrier_wait(&barrier);
  pthread_join(t, NULL);
  setpriority(PRIO_PROCESS, 0, 0);
}

static void ioprio(void) {
  show_result("ioprio_get", syscall(SYS_ioprio_get, 1, 0));
  show_result("ioprio_set(BE 3)", syscall(SYS_ioprio_set, 1, 0, IOPRIO_VALUE(IOPRIO_CLASS_BE, 3)));
  show_result("ioprio_get", syscall(SYS_ioprio_get, 1, 0));
  show_result("ioprio_set(class 9)", syscall(SYS_ioprio_set, 1, 0, IOPRIO_VALUE(9, 0)));
  show_result("ioprio_set(who 9)", syscall(SYS_ioprio_set, 9, 0, IOPRIO_VALUE(IOPRIO_CLASS_BE, 3)));
  show_result("ioprio_get(no such pid)", syscall(SYS_ioprio_get, 1, 999999));
}

static void persona(void) {
  show_result("personality(query)", personality(0xffffffff));
  show_result("personality(ADDR_NO_RANDOMIZE)", personality(ADDR_NO_RANDOMIZE));
  show_result("personality(query)", personality(0xffffffff));
  show_result("personality(PER_LINUX)", personality(PER_LINUX));
  show_result("personality(query)", personality(0xffffffff));
}

static void limits(void) {
  struct rlimit r;
  getrlimit(RLIMIT_STACK, &r);
  printf("RLIMIT_STACK %llu %llu\n", (unsigned long long)r.rlim_cur, (unsigned long long)r.rlim_max);
  getrlimit(RLIMIT_AS, &r);
  printf("RLIMIT_AS %s\n", r.rlim_cur == RLIM_INFINITY ? "unlimited" : "limited");
}

int main(void) {
  policies();
  attrs();
  affinity();
  priorities();
  ioprio();
  persona();
  limits();
  printf("%d failures\n", failures);
  return failures != 0;
}
