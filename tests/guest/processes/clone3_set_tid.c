/* clone3_set_tid.c: clone3's set_tid for a process and for a thread (the
   thread's gettid() is the tid asked for), its errnos (a tid in use, a bad
   tid, a bad size, an unprivileged caller), and CLONE_INTO_CGROUP for a
   thread where the host has cgroup v2. Needs the real root (set_tid wants
   CAP_CHECKPOINT_RESTORE in the initial pid namespace). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#define CGROUP2_MAGIC 0x63677270

/* clone3 whose child (a thread: no libc of its own) stores its gettid() at
   *out and exits: raw system calls only, so it needs no stack or TLS. */
static long clone3_reporting_tid(struct clone_args *args, volatile int *out) {
  long ret;
#if defined(__x86_64__)
  __asm__ volatile(
      "mov %[out], %%r12\n"
      "syscall\n"
      "test %%rax, %%rax\n"
      "jnz 1f\n"
      "mov $186, %%eax\n" /* gettid */
      "syscall\n"
      "mov %%eax, (%%r12)\n"
      "mov $60, %%eax\n" /* exit */
      "xor %%edi, %%edi\n"
      "syscall\n"
      "1:\n"
      : "=a"(ret)
      : "0"(435L), "D"(args), "S"(sizeof *args), [out] "r"(out)
      : "rcx", "r11", "r12", "memory");
#elif defined(__aarch64__)
  register long x0 __asm__("x0") = (long)args;
  register long x1 __asm__("x1") = sizeof *args;
  register long x8 __asm__("x8") = 435;
  __asm__ volatile(
      "mov x19, %[out]\n"
      "svc 0\n"
      "cbnz x0, 1f\n"
      "mov x8, #178\n" /* gettid */
      "svc 0\n"
      "str w0, [x19]\n"
      "mov x8, #93\n" /* exit */
      "mov x0, #0\n"
      "svc 0\n"
      "1:\n"
      : "+r"(x0), "+r"(x8)
      : "r"(x1), [out] "r"(out)
      : "x19", "memory");
  ret = x0;
#elif defined(__riscv)
  register long a0 __asm__("a0") = (long)args;
  register long a1 __asm__("a1") = sizeof *args;
  register long a7 __asm__("a7") = 435;
  __asm__ volatile(
      "mv s1, %[out]\n"
      "ecall\n"
      "bnez a0, 1f\n"
      "li a7, 178\n" /* gettid */
      "ecall\n"
      "sw a0, 0(s1)\n"
      "li a7, 93\n" /* exit */
      "li a0, 0\n"
      "ecall\n"
      "1:\n"
      : "+r"(a0), "+r"(a7)
      : "r"(a1), [out] "r"(out)
      : "s1", "memory");
  ret = a0;
#else
#error "unknown arch"
#endif
  if (ret < 0) {
    errno = (int)-ret;
    return -1;
  }
  return ret;
}

/* A thread made with `extra` flags and `set_tid` (size `n`): its tid, or -1
   with errno. *seen gets the tid the thread itself read. */
static long thread_with(uint64_t extra, pid_t *set_tid, size_t n, uint64_t cgroup, int *seen) {
  static char stack[65536] __attribute__((aligned(16)));
  volatile int alive = 0, tid_seen = 0;
  struct clone_args ca;
  memset(&ca, 0, sizeof ca);
  ca.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
             CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | extra;
  ca.parent_tid = ca.child_tid = (uintptr_t)&alive;
  ca.stack = (uintptr_t)stack;
  ca.stack_size = sizeof stack;
  ca.set_tid = (uintptr_t)set_tid;
  ca.set_tid_size = n;
  ca.cgroup = cgroup;
  long tid = clone3_reporting_tid(&ca, &tid_seen);
  if (tid < 0) return -1;
  while (alive != 0) syscall(SYS_futex, &alive, FUTEX_WAIT, alive, 0, 0, 0);
  *seen = tid_seen;
  return tid;
}

/* A pid nothing uses now, below pid_max (the kernel hands out pids upward
   from the last one, so a low one stays free unless they wrapped). */
static pid_t free_pid(void) {
  for (pid_t p = 2000; p < 32768; ++p) {
    if (kill(p, 0) != 0 && errno == ESRCH) return p;
  }
  return -1;
}

static void *joined(void *arg) { return arg; }

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  int seen = 0;

  /* A process at a free pid. */
  pid_t want = free_pid();
  struct clone_args ca;
  memset(&ca, 0, sizeof ca);
  ca.exit_signal = SIGCHLD;
  ca.set_tid = (uintptr_t)&want;
  ca.set_tid_size = 1;
  long pid;
  /* Another process may take the free pid first (the suite's other tests,
     or the host's pids wrapping at pid_max): then another one. */
  for (int tries = 0; (pid = syscall(SYS_clone3, &ca, sizeof ca)) < 0 && errno == EEXIST && tries < 50; ++tries) {
    want = free_pid();
  }
  if (pid == 0) _exit(getpid() == want ? 4 : 5);
  int st = -1;
  if (pid > 0) waitpid(pid, &st, 0);
  check(pid == want && WIFEXITED(st) && WEXITSTATUS(st) == 4, "process at set_tid: pid %s, status %d",
        pid == want ? "as asked" : "other", WEXITSTATUS(st));

  /* Threads at free tids, twice (the first one's host resources come back). */
  for (int round = 0; round < 2; ++round) {
    long tid;
    for (int tries = 0; tries < 50; ++tries) {
      want = free_pid();
      if ((tid = thread_with(0, &want, 1, 0, &seen)) >= 0 || errno != EEXIST) break;
    }
    check(tid == want && seen == want, "thread %d at set_tid: returned %s, gettid %s", round,
          tid == want ? "as asked" : strerror(errno), seen == want ? "as asked" : "other");
  }
  pthread_t t;
  void *back = 0;
  check(pthread_create(&t, 0, joined, (void *)7) == 0 && pthread_join(t, &back) == 0 && back == (void *)7,
        "pthread_create and join after them");

  /* The kernel's errnos, for a thread and for a process. */
  pid_t mine = getpid();
  show_result("thread at a tid in use", thread_with(0, &mine, 1, 0, &seen));
  ca.set_tid = (uintptr_t)&mine;
  show_result("process at a pid in use", syscall(SYS_clone3, &ca, sizeof ca) == 0 ? (_exit(9), 0) : -1);
  pid_t negative = -3;
  show_result("thread at tid -3", thread_with(0, &negative, 1, 0, &seen));
  pid_t huge = 1 << 30;
  show_result("thread at tid 2^30", thread_with(0, &huge, 1, 0, &seen));
  pid_t two[2] = {free_pid(), free_pid()};
  show_result("thread with two tids (one pid namespace)", thread_with(0, two, 2, 0, &seen));
  show_result("thread with set_tid_size 40", thread_with(0, two, 40, 0, &seen));

  /* Without CAP_CHECKPOINT_RESTORE: EPERM. */
  pid = fork();
  if (pid == 0) {
    if (setresuid(65534, 65534, 65534) != 0) _exit(3);
    want = free_pid();
    ca.set_tid = (uintptr_t)&want;
    show_result("unprivileged thread at set_tid", thread_with(0, &want, 1, 0, &seen));
    show_result("unprivileged process at set_tid", syscall(SYS_clone3, &ca, sizeof ca) == 0 ? (_exit(9), 0) : -1);
    _exit(0);
  }
  waitpid(pid, &st, 0);
  printf("unprivileged child: status %d\n", WEXITSTATUS(st));

  /* CLONE_INTO_CGROUP for a thread: a descriptor that is no cgroup, then the
     process's own cgroup where cgroup v2 is mounted. */
  int dir = open("/", O_RDONLY | O_DIRECTORY);
  show_result("thread into a cgroup that is /", thread_with(CLONE_INTO_CGROUP, 0, 0, dir, &seen));
  show_result("thread into a cgroup that is fd 99", thread_with(CLONE_INTO_CGROUP, 0, 0, 99, &seen));
  close(dir);
  struct statfs fs;
  if (statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_MAGIC) {
    char line[512] = "", path[600];
    FILE *f = fopen("/proc/self/cgroup", "r");
    while (f && fgets(line, sizeof line, f) && strncmp(line, "0::", 3) != 0) {
    }
    if (f) fclose(f);
    line[strcspn(line, "\n")] = 0;
    snprintf(path, sizeof path, "/sys/fs/cgroup%s", line + 3);
    int cg = open(path, O_RDONLY | O_DIRECTORY);
    long tid = thread_with(CLONE_INTO_CGROUP, 0, 0, cg, &seen);
    check(tid > 0 && seen == tid, "thread into its own cgroup: %s", tid > 0 ? "made" : strerror(errno));
    close(cg);
  } else {
    printf("no cgroup v2 at /sys/fs/cgroup: thread CLONE_INTO_CGROUP into a cgroup skipped\n");
  }
  printf("%d failures\n", failures);
  return failures != 0;
}
