/* repro.c: what a guest sees of ferry's --seed and --time, one line each,
   so two runs can be compared byte for byte (repro.sh).
     repro EPOCH [exec]  random bytes from every source, the wall clock
                         relative to EPOCH (seconds), mmap placement; with
                         "exec", it then re-executes itself ("after-exec")
                         and prints its random bytes again, also from a
                         /dev/urandom descriptor it inherits. */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/guest/check.h"

#if defined(__aarch64__) || defined(__riscv)
extern uintptr_t __stack_chk_guard;  /* glibc's canary on these arches */
static uintptr_t canary(void) { return __stack_chk_guard; }
#else
static uintptr_t canary(void) {
  uintptr_t v;
  __asm__("mov %%fs:0x28, %0" : "=r"(v));
  return v;
}
#endif

static void hex(const char *what, const void *p, size_t n) {
  const unsigned char *b = p;
  printf("%s ", what);
  for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
  printf("\n");
}

static void read_fd(const char *what, int fd) {
  unsigned char buf[16];
  check(read(fd, buf, sizeof buf) == sizeof buf, "%s: read 16 bytes", what);
  hex(what, buf, sizeof buf);
}

static void random_sources(const char *when) {
  char what[64];
  const unsigned char *at_random = (const unsigned char *)getauxval(AT_RANDOM);
  snprintf(what, sizeof what, "%s AT_RANDOM", when);
  hex(what, at_random, 16);
  unsigned char buf[32];
  check(getrandom(buf, sizeof buf, 0) == sizeof buf, "%s getrandom 32 bytes", when);
  snprintf(what, sizeof what, "%s getrandom", when);
  hex(what, buf, sizeof buf);
  int fd = open("/dev/urandom", O_RDONLY);
  check(fd >= 0, "%s open /dev/urandom", when);
  snprintf(what, sizeof what, "%s /dev/urandom", when);
  read_fd(what, fd);
  close(fd);
}

/* CLOCK_REALTIME `ms` milliseconds from now. */
static struct timespec later(long ms) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += ms * 1000000L;
  ts.tv_sec += ts.tv_nsec / 1000000000L;
  ts.tv_nsec %= 1000000000L;
  return ts;
}

/* A wait for a deadline 200 ms ahead took about that long. */
static void check_waited(const char *what, const struct timespec *before) {
  struct timespec after;
  clock_gettime(CLOCK_MONOTONIC, &after);
  double waited = (after.tv_sec - before->tv_sec) + (after.tv_nsec - before->tv_nsec) / 1e9;
  check(waited > 0.15 && waited < 8, "%s waited until its deadline", what);
}

static void wall_clock(long long epoch) {
  time_t t = time(NULL);
  struct timeval tv;
  gettimeofday(&tv, NULL);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  long long seconds[3] = {t, tv.tv_sec, ts.tv_sec};
  const char *names[3] = {"time", "gettimeofday", "clock_gettime(CLOCK_REALTIME)"};
  for (int i = 0; i < 3; i++) {
    time_t s = (time_t)seconds[i];
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%d", gmtime(&s));
    printf("%s: %s\n", names[i], date);
    check(seconds[i] - epoch >= 0 && seconds[i] - epoch < 60, "%s is within a minute after the epoch", names[i]);
  }
  /* Absolute deadlines on the shifted clock end when the guest's clock says:
     not at once (an unshifted deadline before the host's time), nor never
     (one after it). */
  struct timespec before;
  clock_gettime(CLOCK_MONOTONIC, &before);
  struct timespec until = later(200);
  check(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &until, NULL) == 0, "absolute clock_nanosleep returns");
  check_waited("absolute clock_nanosleep on CLOCK_REALTIME", &before);

  sem_t sem;
  sem_init(&sem, 0, 0);
  clock_gettime(CLOCK_MONOTONIC, &before);
  until = later(200);
  check(sem_timedwait(&sem, &until) == -1 && errno == ETIMEDOUT, "sem_timedwait times out");
  check_waited("sem_timedwait (futex on CLOCK_REALTIME)", &before);

  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
  struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
  timer_t timer;
  check(timer_create(CLOCK_REALTIME, &ev, &timer) == 0, "timer_create(CLOCK_REALTIME)");
  clock_gettime(CLOCK_MONOTONIC, &before);
  struct itimerspec when = {.it_value = later(200)};
  check(timer_settime(timer, TIMER_ABSTIME, &when, NULL) == 0, "timer_settime(TIMER_ABSTIME)");
  struct timespec limit = {10, 0};
  check(sigtimedwait(&usr1, NULL, &limit) == SIGUSR1, "the absolute timer fires");
  check_waited("timer_settime on CLOCK_REALTIME", &before);
  timer_delete(timer);
}

static void mmap_placement(void) {
  void *a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  void *b = mmap(NULL, 1 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  void *c = malloc(1 << 20);
  printf("mmap 4096: %p\nmmap 1M: %p\nmalloc 1M: %p\n", a, b, c);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: repro EPOCH [exec|maps]\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (strcmp(argv[1], "maps") == 0) {
    mmap_placement();
    return 0;
  }
  if (argc > 2 && strcmp(argv[2], "after-exec") == 0) {
    random_sources("after exec:");
    if (argc > 3) read_fd("after exec: inherited /dev/urandom", atoi(argv[3]));
    printf("%d failures\n", failures);
    return failures != 0;
  }
  long long epoch = atoll(argv[1]);
  random_sources("start:");
  /* glibc's stack protector takes AT_RANDOM's first word, low byte zeroed. */
  uintptr_t expected;
  memcpy(&expected, (const void *)getauxval(AT_RANDOM), sizeof expected);
  expected &= ~(uintptr_t)0xff;
  hex("canary", &(uintptr_t){canary()}, sizeof(uintptr_t));
  check(canary() == expected, "the stack canary is AT_RANDOM's first word");

  int fd = open("/dev/urandom", O_RDONLY);
  read_fd("urandom fd", fd);
  int copy = dup(fd);
  read_fd("urandom dup", copy);
  unsigned char v1[8], v2[8];
  struct iovec iov[2] = {{v1, sizeof v1}, {v2, sizeof v2}};
  check(readv(copy, iov, 2) == 16, "readv 16 bytes");
  hex("urandom readv", v1, 8);
  hex("urandom readv", v2, 8);
  unsigned char p[16];
  check(pread(fd, p, sizeof p, 100) == sizeof p, "pread 16 bytes");
  hex("urandom pread", p, sizeof p);
  int rnd = open("/dev/random", O_RDONLY);
  read_fd("/dev/random", rnd);
  check(pread(fd, p, sizeof p, -1) == -1 && errno == EINVAL, "pread at a negative offset: EINVAL");
  int wronly = open("/dev/urandom", O_WRONLY);
  check(wronly >= 0 && read(wronly, p, sizeof p) == -1 && errno == EBADF, "read of a write-only descriptor: EBADF");
  close(wronly);
  check(getrandom(p, sizeof p, 0x80) == -1 && errno == EINVAL, "getrandom with unknown flags: EINVAL");
  check(getrandom((void *)8, 16, 0) == -1 && errno == EFAULT, "getrandom into an unmapped page: EFAULT");

  for (int i = 0; i < 2; i++) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      char what[32];
      snprintf(what, sizeof what, "child %d urandom", i);
      read_fd(what, fd);
      unsigned char g[16];
      getrandom(g, sizeof g, 0);
      snprintf(what, sizeof what, "child %d getrandom", i);
      hex(what, g, sizeof g);
      fflush(stdout);
      _exit(failures != 0);
    }
    int status;
    check(waitpid(pid, &status, 0) == pid && status == 0, "child %d ran", i);
  }
  read_fd("parent after forks", fd);

  wall_clock(epoch);
  mmap_placement();
  if (argc > 2 && strcmp(argv[2], "exec") == 0) {
    printf("%d failures before exec\n", failures);
    fflush(stdout);
    char inherited[16];
    snprintf(inherited, sizeof inherited, "%d", fd);  /* stays open across the exec */
    execl("/proc/self/exe", argv[0], argv[1], "after-exec", inherited, (char *)NULL);
    perror("execl");
    return 1;
  }
  printf("%d failures\n", failures);
  return failures != 0;
}
