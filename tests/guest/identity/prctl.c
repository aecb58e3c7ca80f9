/* prctl.c: the prctl options libcs, runtimes and sandboxes use, with the
   kernel's errnos, and the arch options answered as a CPU without SVE, SME,
   PAC, MTE or the V extension (which the x86_64 host, the oracle, answers
   alike: EINVAL). Thread names agree with /proc; PR_SET_PDEATHSIG and
   PR_SET_CHILD_SUBREAPER act across processes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#ifndef PR_GET_AUXV
#define PR_GET_AUXV 0x41555856
#endif

static void read_file(const char *path, char *buf, size_t size) {
  buf[0] = 0;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return;
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  buf[n > 0 ? n : 0] = 0;
  char *nl = strchr(buf, '\n');
  if (nl) *nl = 0;
}

static char thread_name[16];
static pid_t thread_tid;
static pthread_barrier_t barrier;

static void *named_thread(void *arg) {
  (void)arg;
  thread_tid = gettid();
  prctl(PR_SET_NAME, "worker-thread-with-a-long-name");
  prctl(PR_GET_NAME, thread_name);
  pthread_barrier_wait(&barrier);
  pthread_barrier_wait(&barrier);
  return NULL;
}

static void names(const char *argv0) {
  char name[32] = {0}, expect[16] = {0}, proc[64], path[128];
  const char *base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
  strncpy(expect, base, 15);
  long got = prctl(PR_GET_NAME, name);
  check(got == 0 && strcmp(name, expect) == 0, "the first name is the program's (%s)",
        strcmp(name, expect) == 0 ? "same" : name);
  read_file("/proc/self/comm", proc, sizeof proc);
  check(strcmp(proc, expect) == 0, "/proc/self/comm agrees at start");
  check(prctl(PR_SET_NAME, "main-thread-name-is-long") == 0, "PR_SET_NAME");
  prctl(PR_GET_NAME, name);
  printf("name now: %s\n", name);
  read_file("/proc/self/comm", proc, sizeof proc);
  printf("/proc/self/comm: %s\n", proc);
  read_file("/proc/thread-self/comm", proc, sizeof proc);
  printf("/proc/thread-self/comm: %s\n", proc);
  read_file("/proc/self/stat", proc, sizeof proc);
  printf("/proc/self/stat names: %s\n", strstr(proc, "(main-thread-nam)") ? "yes" : proc);
  pthread_t t;
  pthread_barrier_init(&barrier, NULL, 2);
  pthread_create(&t, NULL, named_thread, NULL);
  pthread_barrier_wait(&barrier);
  printf("thread's own name: %s\n", thread_name);
  snprintf(path, sizeof path, "/proc/self/task/%d/comm", thread_tid);
  read_file(path, proc, sizeof proc);
  printf("thread's /proc comm: %s\n", proc);
  snprintf(path, sizeof path, "/proc/self/task/%d/comm", gettid());
  read_file(path, proc, sizeof proc);
  printf("main's /proc task comm: %s\n", proc);
  pthread_barrier_wait(&barrier);
  pthread_join(t, NULL);
  show_result("PR_GET_NAME(bad pointer)", prctl(PR_GET_NAME, (void *)8));
  show_result("PR_SET_NAME(bad pointer)", prctl(PR_SET_NAME, (void *)8));
}

static void flags(void) {
  int v = -1;
  show_result("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE));
  show_result("PR_SET_DUMPABLE(0)", prctl(PR_SET_DUMPABLE, 0));
  show_result("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE));
  show_result("PR_SET_DUMPABLE(2)", prctl(PR_SET_DUMPABLE, 2));
  show_result("PR_SET_DUMPABLE(1)", prctl(PR_SET_DUMPABLE, 1));
  show_result("PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS));
  show_result("PR_SET_KEEPCAPS(2)", prctl(PR_SET_KEEPCAPS, 2));
  show_result("PR_SET_KEEPCAPS(1)", prctl(PR_SET_KEEPCAPS, 1));
  show_result("PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS));
  show_result("PR_CAPBSET_READ(CAP_CHOWN)", prctl(PR_CAPBSET_READ, CAP_CHOWN));
  show_result("PR_CAPBSET_READ(999)", prctl(PR_CAPBSET_READ, 999));
  show_result("PR_CAP_AMBIENT(IS_SET, CAP_CHOWN)", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_CHOWN, 0, 0));
  show_result("PR_CAP_AMBIENT(99)", prctl(PR_CAP_AMBIENT, 99, 0, 0, 0));
  show_result("PR_GET_SECUREBITS", prctl(PR_GET_SECUREBITS));
  show_result("PR_GET_TIMERSLACK", prctl(PR_GET_TIMERSLACK));
  show_result("PR_SET_TIMERSLACK(100000)", prctl(PR_SET_TIMERSLACK, 100000));
  show_result("PR_GET_TIMERSLACK", prctl(PR_GET_TIMERSLACK));
  show_result("PR_SET_TIMERSLACK(0): the default", prctl(PR_SET_TIMERSLACK, 0));
  show_result("PR_GET_TIMERSLACK", prctl(PR_GET_TIMERSLACK));
  show_result("PR_GET_THP_DISABLE", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
  show_result("PR_SET_THP_DISABLE(1)", prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
  show_result("PR_GET_THP_DISABLE", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
  show_result("PR_SET_THP_DISABLE(1, 1)", prctl(PR_SET_THP_DISABLE, 1, 1, 0, 0));
  show_result("PR_GET_SECCOMP", prctl(PR_GET_SECCOMP));
  show_result("PR_GET_TIMING", prctl(PR_GET_TIMING));
  show_result("PR_SET_TIMING(1)", prctl(PR_SET_TIMING, 1));
  show_result("PR_MCE_KILL_GET", prctl(PR_MCE_KILL_GET, 0, 0, 0, 0));
  show_result("PR_GET_IO_FLUSHER", prctl(PR_GET_IO_FLUSHER, 0, 0, 0, 0));
  show_result("PR_SET_PDEATHSIG(65)", prctl(PR_SET_PDEATHSIG, 65));
  show_result("PR_SET_PDEATHSIG(SIGUSR2)", prctl(PR_SET_PDEATHSIG, SIGUSR2));
  show_result("PR_GET_PDEATHSIG", prctl(PR_GET_PDEATHSIG, &v));
  printf("pdeathsig %d\n", v);
  show_result("PR_GET_PDEATHSIG(bad pointer)", prctl(PR_GET_PDEATHSIG, (void *)8));
  prctl(PR_SET_PDEATHSIG, 0);
  int *tid_address = NULL;
  show_result("PR_GET_TID_ADDRESS", prctl(PR_GET_TID_ADDRESS, &tid_address));
  printf("tid address set: %s\n", tid_address && *tid_address == gettid() ? "yes, holding the tid" : "no");
  show_result("PR_GET_TID_ADDRESS(bad pointer)", prctl(PR_GET_TID_ADDRESS, (void *)8));
  uint64_t auxv[128];
  long n = prctl(PR_GET_AUXV, auxv, sizeof auxv, 0, 0);
  int fd = open("/proc/self/auxv", O_RDONLY);
  char buf[2048];
  long proc = read(fd, buf, sizeof buf);
  close(fd);
  /* The kernel answers the size of its whole saved_auxv array, which
     differs between kernels and arches; the vector itself is at its start. */
  check(proc > 0 && n >= proc && memcmp(auxv, buf, proc) == 0, "PR_GET_AUXV starts with /proc/self/auxv");
  check(prctl(PR_GET_AUXV, NULL, 0, 0, 0) == n, "PR_GET_AUXV(NULL, 0) answers the same size");
  show_result("PR_GET_AUXV(arg4)", prctl(PR_GET_AUXV, auxv, sizeof auxv, 1, 0));
  show_result("PR_GET_AUXV(bad pointer)", prctl(PR_GET_AUXV, (void *)8, 16, 0, 0));
}

static void arch_options(void) {
  show_result("PR_SVE_GET_VL", prctl(50, 0, 0, 0, 0));
  show_result("PR_SVE_SET_VL", prctl(51 - 1, 16, 0, 0, 0));
  show_result("PR_PAC_RESET_KEYS", prctl(54, 0, 0, 0, 0));
  show_result("PR_SET_TAGGED_ADDR_CTRL", prctl(55, 1, 0, 0, 0));
  show_result("PR_GET_TAGGED_ADDR_CTRL", prctl(56, 0, 0, 0, 0));
  show_result("PR_SME_GET_VL", prctl(64, 0, 0, 0, 0));
  show_result("PR_PAC_GET_ENABLED_KEYS", prctl(61, 0, 0, 0, 0));
  show_result("PR_RISCV_V_GET_CONTROL", prctl(70, 0, 0, 0, 0));
  show_result("PR_RISCV_V_SET_CONTROL", prctl(69, 0, 0, 0, 0));
  show_result("PR_GET_UNALIGN", prctl(PR_GET_UNALIGN, 0, 0, 0, 0));
  show_result("option 12345", prctl(12345, 0, 0, 0, 0));
  show_result("option -1", prctl(-1, 0, 0, 0, 0));
}

static void vma(void) {
  char *p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  show_result("PR_SET_VMA anon name", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, 2 * 4096, "ferry test"));
  show_result("PR_SET_VMA clear name", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, 4096, NULL));
  show_result("PR_SET_VMA unaligned", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p + 1, 4096, "x"));
  show_result("PR_SET_VMA bad char", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, 4096, "a$b"));
  show_result("PR_SET_VMA bad name pointer", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, 4096, (void *)8));
  show_result("PR_SET_VMA length 0", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, 0, "x"));
  show_result("PR_SET_VMA option 5", prctl(PR_SET_VMA, 5, p, 4096, "x"));
  munmap(p + 2 * 4096, 2 * 4096);
  show_result("PR_SET_VMA over a hole", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, 4 * 4096, "x"));
  show_result("PR_SET_VMA on a hole", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p + 2 * 4096, 4096, "x"));
  int fd = open("/proc/self/exe", O_RDONLY);
  char *f = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  show_result("PR_SET_VMA on a file mapping", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, f, 4096, "x"));
  close(fd);
}

static int pipefd[2];
static void on_usr1(int sig) {
  (void)sig;
  write(pipefd[1], "d", 1);
}

/* A child asks for SIGUSR1 when its parent (a middle process) dies. */
static void pdeathsig(void) {
  pipe(pipefd);
  int ready[2];
  pipe(ready);
  fflush(stdout);
  pid_t middle = fork();
  if (middle == 0) {
    pid_t child = fork();
    if (child == 0) {
      signal(SIGUSR1, on_usr1);
      prctl(PR_SET_PDEATHSIG, SIGUSR1);
      write(ready[1], "r", 1);
      pause();
      _exit(0);
    }
    char c;
    read(ready[0], &c, 1);
    _exit(0);  /* the child gets SIGUSR1 now */
  }
  waitpid(middle, NULL, 0);
  char c = 0;
  read(pipefd[0], &c, 1);
  check(c == 'd', "PR_SET_PDEATHSIG: the orphan got SIGUSR1");
}

/* A subreaper adopts its orphaned grandchild and reaps it. */
static void subreaper(void) {
  int v = -1;
  show_result("PR_SET_CHILD_SUBREAPER", prctl(PR_SET_CHILD_SUBREAPER, 1));
  prctl(PR_GET_CHILD_SUBREAPER, &v);
  printf("subreaper %d\n", v);
  int report[2];
  pipe(report);
  fflush(stdout);
  pid_t middle = fork();
  if (middle == 0) {
    if (fork() == 0) {
      usleep(100000);
      pid_t pp = getppid();
      write(report[1], &pp, sizeof pp);
      _exit(7);
    }
    _exit(0);
  }
  waitpid(middle, NULL, 0);
  pid_t pp = 0;
  read(report[0], &pp, sizeof pp);
  check(pp == getpid(), "the orphan's parent is the subreaper");
  int status = 0;
  pid_t reaped = wait(&status);
  check(reaped > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 7, "the subreaper reaps it (status %#x)",
        status);
  check(wait(NULL) == -1 && errno == ECHILD, "no more children");
}

static void no_new_privs(void) {
  show_result("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  show_result("PR_SET_NO_NEW_PRIVS(0)", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
  show_result("PR_SET_NO_NEW_PRIVS(1, 1)", prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0));
  show_result("PR_SET_NO_NEW_PRIVS(1)", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
  show_result("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  show_result("PR_SET_SECCOMP(strict)", prctl(PR_SET_SECCOMP, 99, 0, 0, 0));
}

int main(int argc, char **argv) {
  (void)argc;
  names(argv[0]);
  flags();
  arch_options();
  vma();
  pdeathsig();
  subreaper();
  no_new_privs();
  printf("%d failures\n", failures);
  return failures != 0;
}
