/* vfork_storm.c N: N children spawned vfork-style, each running this
   program again ("exit K", which exits K), while another thread allocates
   and writes and a 1 ms interval timer keeps signalling the parent.
   The children rotate through every vfork-style path: glibc's vfork(),
   posix_spawn, clone(CLONE_VM|CLONE_VFORK) on a stack of its own and the
   raw syscall on the caller's stack. Each child first closes every
   descriptor above 2, as Python's subprocess does, and stores a value the
   parent must see (its memory is the parent's until it execs).
   Checks per child: the parent resumes only after the child's exec (the
   store arrived) and gets the child's exit status. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;
static char* self;
static volatile sig_atomic_t ticks;
static volatile int stop;
static volatile int child_store;
static char child_stack[64 * 1024] __attribute__((aligned(16)));

static void on_alarm(int sig) { (void)sig; ticks++; }

static void* allocator(void* unused) {
  (void)unused;
  unsigned long sum = 0;
  while (!stop) {
    for (int i = 0; i < 64; i++) {
      char* p = malloc(64 + i * 97);
      memset(p, i, 64 + i * 97);
      sum += p[i];
      free(p);
    }
    sched_yield();
  }
  return (void*)sum;
}

/* What a child does between the vfork and the exec (async-signal-safe). */
static void child_body(int code) {
  for (int fd = 3; fd < 256; fd++) close(fd);
  child_store = code;
  char arg[8];
  arg[0] = '0' + code / 10;
  arg[1] = '0' + code % 10;
  arg[2] = 0;
  char* argv[] = {self, "exit", arg, NULL};
  execve(self, argv, environ);
  _exit(127);
}

static int clone_child(void* code) {
  child_body((int)(long)code);
  return 127;
}

static pid_t spawn(int method, int code) {
  pid_t pid;
  switch (method) {
    case 0:
      pid = vfork();
      if (pid == 0) child_body(code);
      return pid;
    case 1: {
      char arg[8];
      snprintf(arg, sizeof arg, "%02d", code);
      char* argv[] = {self, "exit", arg, NULL};
      child_store = code; /* posix_spawn's child stores nothing of ours */
      return posix_spawn(&pid, self, NULL, NULL, argv, environ) == 0 ? pid : -1;
    }
    case 2:
      return clone(clone_child, child_stack + sizeof child_stack, CLONE_VM | CLONE_VFORK | SIGCHLD,
                   (void*)(long)code);
    default:
      pid = syscall(SYS_clone, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
      if (pid == 0) child_body(code);
      return pid;
  }
}

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "exit") == 0) return atoi(argv[2]);
  self = argv[0];
  int n = argc > 1 ? atoi(argv[1]) : 100;
  alarm(600);
  handle_signal(SIGALRM, on_alarm, SA_RESTART);
  pthread_t thread;
  pthread_create(&thread, NULL, allocator, NULL);
  struct itimerval every_ms = {{0, 1000}, {0, 1000}};
  setitimer(ITIMER_REAL, &every_ms, NULL);
  int failures = 0;
  for (int i = 0; i < n; i++) {
    int method = i % 4, code = i % 90;
    child_store = -1;
    pid_t pid = spawn(method, code);
    int seen = child_store, status = 0;
    pid_t waited;
    do waited = waitpid(pid, &status, 0);
    while (waited < 0 && errno == EINTR);
    if (pid < 0 || waited != pid || !WIFEXITED(status) || WEXITSTATUS(status) != code || seen != code) {
      if (failures++ < 5) {
        printf("child %d (method %d): pid %d waited %d status %#x store %d\n", i, method, pid, waited, status, seen);
      }
    }
  }
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  stop = 1;
  pthread_join(thread, NULL);
  printf("%d children spawned vfork-style, %d failed\n", n, failures);
  printf("timer signals arrived: %s\n", ticks > 0 ? "yes" : "no");
  return failures != 0;
}
