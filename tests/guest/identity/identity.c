/* identity.c: credentials are per thread, and a blocking call made for a
   thread is checked against that thread's identity. Run as root.
   A root-owned directory holds a 0600 file and a 0600 FIFO and their
   0666 twins. Opening a regular file is inline under ferry; opening a FIFO
   (O_RDWR: it does not wait, but ferry cannot know) goes through the
   thread's syscall helper. Modes:
     drop     a child drops to nobody (setgroups, setgid, setuid) after its
              helper started as root: both secret opens fail with EACCES,
              the public ones work; so in a thread started afterwards and in
              a forked child; root cannot be had back.
     threads  glibc's setuid in a process with threads applies to every
              thread; a raw setuid on one thread applies to that one only.
     caps     capset drops CAP_DAC_OVERRIDE from the effective set and puts
              it back; PR_SET_KEEPCAPS keeps the permitted set across a
              setuid, so the capability can be raised again as nobody.
     errors   the kernel's errnos for bad arguments. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define NOBODY 65534
static char dir[] = "/tmp/ferry-identity.XXXXXX";
static char secret[64], pub[64], fifo_secret[64], fifo_pub[64], theirs[64], fifo_theirs[64];

static void make_files(void) {
  if (!mkdtemp(dir) || chmod(dir, 0755) != 0) exit(2);
  snprintf(secret, sizeof secret, "%s/secret", dir);
  snprintf(pub, sizeof pub, "%s/public", dir);
  snprintf(fifo_secret, sizeof fifo_secret, "%s/fifo_secret", dir);
  snprintf(fifo_pub, sizeof fifo_pub, "%s/fifo_public", dir);
  snprintf(theirs, sizeof theirs, "%s/theirs", dir);
  snprintf(fifo_theirs, sizeof fifo_theirs, "%s/fifo_theirs", dir);
  close(open(secret, O_CREAT | O_WRONLY, 0600));
  close(open(pub, O_CREAT | O_WRONLY, 0644));
  close(open(theirs, O_CREAT | O_WRONLY, 0600));
  chmod(pub, 0644);
  if (mkfifo(fifo_secret, 0600) != 0 || mkfifo(fifo_pub, 0666) != 0 || mkfifo(fifo_theirs, 0600) != 0) exit(2);
  chmod(fifo_pub, 0666);
  chown(theirs, 1234, 1234);
  chown(fifo_theirs, 1234, 1234);
}

static void remove_files(void) {
  const char *all[] = {secret, pub, fifo_secret, fifo_pub, theirs, fifo_theirs};
  for (int i = 0; i < 6; i++) unlink(all[i]);
  rmdir(dir);
}

/* "ok" or the errno's name, for one open. */
static const char *try_open(const char *path, int flags) {
  int fd = open(path, flags);
  if (fd >= 0) {
    close(fd);
    return "ok";
  }
  return errno == EACCES ? "EACCES" : errno == EPERM ? "EPERM" : strerror(errno);
}

static void expect_open(const char *who, const char *path, int flags, const char *want) {
  const char *got = try_open(path, flags);
  check(strcmp(got, want) == 0, "%s: open %s: %s (want %s)", who, strrchr(path, '/') + 1, got, want);
}

/* The four opens as nobody: secrets refused, public ones fine. */
static void expect_nobody(const char *who) {
  expect_open(who, secret, O_RDONLY, "EACCES");
  expect_open(who, fifo_secret, O_RDWR, "EACCES");
  expect_open(who, pub, O_RDONLY, "ok");
  expect_open(who, fifo_pub, O_RDWR, "ok");
}

static void show_ids(const char *who) {
  uid_t r, e, s;
  gid_t gr, ge, gs;
  getresuid(&r, &e, &s);
  getresgid(&gr, &ge, &gs);
  gid_t groups[8];
  int n = getgroups(8, groups);
  printf("%s: uid %u %u %u gid %u %u %u groups %d [%u]\n", who, r, e, s, gr, ge, gs, n, n > 0 ? groups[0] : 0);
}

static void *nobody_thread(void *arg) {
  (void)arg;
  usleep(1000);  /* a blocking call: this thread's own helper starts now, as nobody */
  show_ids("new thread");
  expect_nobody("new thread");
  return NULL;
}

static int drop(void) {
  usleep(1000);  /* the helper starts as root */
  expect_open("root", secret, O_RDONLY, "ok");
  expect_open("root", fifo_secret, O_RDWR, "ok");
  gid_t g = NOBODY;
  check(setgroups(1, &g) == 0, "setgroups([nobody])");
  check(setgid(NOBODY) == 0, "setgid(nobody)");
  check(setuid(NOBODY) == 0, "setuid(nobody)");
  show_ids("dropped");
  expect_nobody("dropped");
  printf("dumpable after setuid: %d\n", prctl(PR_GET_DUMPABLE));
  check(setuid(0) == -1 && errno == EPERM, "setuid(0) as nobody: EPERM");
  check(setresuid(-1, 0, -1) == -1 && errno == EPERM, "setresuid(-1, 0, -1) as nobody: EPERM");
  check(setgroups(0, NULL) == -1 && errno == EPERM, "setgroups as nobody: EPERM");
  pthread_t t;
  pthread_create(&t, NULL, nobody_thread, NULL);
  pthread_join(t, NULL);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    failures = 0;
    usleep(1000);
    expect_nobody("forked child");
    fflush(stdout);
    _exit(failures);
  }
  int status;
  waitpid(pid, &status, 0);
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "forked child's checks");
  return failures;
}

static pthread_barrier_t barrier;
static sem_t a_done;  /* the threads report in turn: a, then b */

static void *waiting_thread(void *arg) {
  const char *name = arg;
  usleep(1000);                     /* its helper starts as root */
  pthread_barrier_wait(&barrier);   /* main: glibc setuid(nobody) for every thread */
  pthread_barrier_wait(&barrier);
  if (name[7] == 'b') sem_wait(&a_done);
  printf("%s: raw getuid %ld geteuid %ld\n", name, syscall(SYS_getuid), syscall(SYS_geteuid));
  expect_open(name, secret, O_RDONLY, "EACCES");
  expect_open(name, fifo_secret, O_RDWR, "EACCES");
  if (name[7] == 'a') sem_post(&a_done);
  return NULL;
}

static void *raw_setuid_thread(void *arg) {
  (void)arg;
  usleep(1000);
  check(syscall(SYS_setuid, NOBODY) == 0, "raw setuid on one thread");
  printf("raw thread: getuid %ld\n", syscall(SYS_getuid));
  expect_open("raw thread", secret, O_RDONLY, "EACCES");
  expect_open("raw thread", fifo_secret, O_RDWR, "EACCES");
  return NULL;
}

static int threads(void) {
  usleep(1000);
  /* A raw setuid changes the calling thread only. */
  pthread_t t;
  pthread_create(&t, NULL, raw_setuid_thread, NULL);
  pthread_join(t, NULL);
  printf("main after raw thread: getuid %ld\n", syscall(SYS_getuid));
  expect_open("main", secret, O_RDONLY, "ok");
  expect_open("main", fifo_secret, O_RDWR, "ok");
  /* glibc's setuid changes them all. */
  pthread_t a, b;
  pthread_barrier_init(&barrier, NULL, 3);
  sem_init(&a_done, 0, 0);
  pthread_create(&a, NULL, waiting_thread, "thread a");
  pthread_create(&b, NULL, waiting_thread, "thread b");
  pthread_barrier_wait(&barrier);
  check(setuid(NOBODY) == 0, "glibc setuid(nobody) with three threads");
  pthread_barrier_wait(&barrier);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  expect_open("main", secret, O_RDONLY, "EACCES");
  expect_open("main", fifo_secret, O_RDWR, "EACCES");
  return failures;
}

static int set_effective(uint32_t effective, uint32_t permitted) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2] = {{effective, permitted, 0}, {0, 0, 0}};
  return syscall(SYS_capset, &h, d);
}

static int caps(void) {
  usleep(1000);
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  check(syscall(SYS_capget, &h, d) == 0, "capget");
  uint32_t dac = 1u << CAP_DAC_OVERRIDE | 1u << CAP_DAC_READ_SEARCH;
  check((d[0].effective & dac) == dac, "root has CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH");
  uint32_t full = d[0].permitted;
  expect_open("root", theirs, O_RDONLY, "ok");
  expect_open("root", fifo_theirs, O_RDWR, "ok");
  check(set_effective(full & ~dac, full) == 0, "capset: drop the DAC capabilities from the effective set");
  expect_open("without DAC", theirs, O_RDONLY, "EACCES");
  expect_open("without DAC", fifo_theirs, O_RDWR, "EACCES");
  check(set_effective(full, full) == 0, "capset: raise them again");
  expect_open("with DAC again", theirs, O_RDONLY, "ok");
  expect_open("with DAC again", fifo_theirs, O_RDWR, "ok");
  /* Another process's capabilities cannot be set. */
  struct __user_cap_header_struct other = {_LINUX_CAPABILITY_VERSION_3, getppid()};
  d[0].effective = full;
  check(syscall(SYS_capset, &other, d) == -1 && errno == EPERM, "capset of another process: EPERM");
  /* KEEPCAPS: the permitted set survives setuid; the effective set does not. */
  check(prctl(PR_SET_KEEPCAPS, 1) == 0, "PR_SET_KEEPCAPS");
  check(prctl(PR_GET_KEEPCAPS) == 1, "PR_GET_KEEPCAPS is 1");
  check(setresuid(NOBODY, NOBODY, NOBODY) == 0, "setresuid(nobody)");
  check(syscall(SYS_capget, &h, d) == 0, "capget as nobody");
  printf("as nobody: effective %#x permitted has DAC %d\n", d[0].effective, (d[0].permitted & dac) == dac);
  expect_open("nobody", secret, O_RDONLY, "EACCES");
  expect_open("nobody", fifo_secret, O_RDWR, "EACCES");
  check(set_effective(dac, d[0].permitted) == 0, "capset: raise DAC as nobody");
  expect_open("nobody with DAC", secret, O_RDONLY, "ok");
  expect_open("nobody with DAC", fifo_secret, O_RDWR, "ok");
  return failures;
}

static int errors(void) {
  gid_t g[2] = {0, 0};
  check(syscall(SYS_setgroups, -1, NULL) == -1 && errno == EINVAL, "setgroups(-1, NULL): EINVAL");
  check(setgroups(-1, g) == -1 && errno == EINVAL, "setgroups(-1): EINVAL");
  check(syscall(SYS_setgroups, 65537, g) == -1 && errno == EINVAL, "setgroups(65537): EINVAL");
  check(syscall(SYS_setgroups, 1, (void *)16) == -1 && errno == EFAULT, "setgroups(bad list): EFAULT");
  check(setgroups(0, NULL) == 0, "setgroups(0, NULL)");
  printf("getgroups after clearing: %d\n", getgroups(0, NULL));
  struct __user_cap_header_struct h = {0, 0};
  struct __user_cap_data_struct d[2];
  check(syscall(SYS_capget, &h, d) == -1 && errno == EINVAL, "capget(version 0): EINVAL");
  printf("version written back: %#x\n", h.version);
  check(syscall(SYS_capget, NULL, d) == -1 && errno == EFAULT, "capget(NULL header): EFAULT");
  h.version = _LINUX_CAPABILITY_VERSION_3;
  check(syscall(SYS_capget, &h, NULL) == 0, "capget(header, NULL): probes the version");
  h.pid = -5;
  check(syscall(SYS_capget, &h, d) == -1 && errno == EINVAL, "capget(pid -5): EINVAL");
  h.pid = 0;
  check(syscall(SYS_capget, &h, (void *)16) == -1 && errno == EFAULT, "capget(bad data): EFAULT");
  check(syscall(SYS_setresuid, -1, -1, -1) == 0, "setresuid(-1, -1, -1)");
  check(syscall(SYS_setfsuid, -1) == 0, "setfsuid(-1) answers the fsuid, 0");
  check(syscall(SYS_setfsuid, 1234) == 0, "setfsuid(1234) answers the old fsuid");
  check(syscall(SYS_setfsuid, -1) == 1234, "setfsuid(-1) answers 1234");
  /* with fsuid 1234, root's file is out of reach (no DAC capability as fsuid != 0 drops it) */
  expect_open("fsuid 1234", secret, O_RDONLY, "EACCES");
  expect_open("fsuid 1234", fifo_secret, O_RDWR, "EACCES");
  check(syscall(SYS_setfsuid, 0) == 1234, "setfsuid(0)");
  expect_open("fsuid 0", fifo_secret, O_RDWR, "ok");
  check(syscall(SYS_setfsgid, -1) == 0, "setfsgid(-1)");
  check(syscall(SYS_setregid, -1, -1) == 0, "setregid(-1, -1)");
  check(syscall(SYS_setreuid, 1, 2) == 0, "setreuid(1, 2)");
  uid_t r, e, s;
  getresuid(&r, &e, &s);
  printf("after setreuid(1, 2): %u %u %u\n", r, e, s);
  check(syscall(SYS_setresgid, 3, 4, 5) == -1 && errno == EPERM, "setresgid without CAP_SETGID: EPERM");
  return failures;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  make_files();
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    int r = 2;
    if (!strcmp(argv[1], "drop")) r = drop();
    if (!strcmp(argv[1], "threads")) r = threads();
    if (!strcmp(argv[1], "caps")) r = caps();
    if (!strcmp(argv[1], "errors")) r = errors();
    fflush(stdout);
    _exit(r);
  }
  int status;
  waitpid(pid, &status, 0);
  remove_files();
  printf("%d failures\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
