/* signalfd.c: signalfd4 as the kernel serves it. Records (128 bytes) for
   blocked signals in the mask, dequeued as they are read: SI_USER, SI_QUEUE
   values, real-time signals queued in order, SI_TKILL from pthread_kill,
   SIGCHLD with the child's status; a mask updated on an existing fd;
   SFD_NONBLOCK, SFD_CLOEXEC; poll, select and epoll readiness exactly while
   such a signal is pending; blocking reads woken by another process's kill
   and by a signal another thread sends, interrupted by a handler (EINTR,
   or restarted with SA_RESTART); across fork (the child's pending signals
   are its own); errors (sizes, flags, pointers, descriptors). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"


static int ready(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
  return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

static int is_pending(int sig) {
  sigset_t s;
  sigpending(&s);
  return sigismember(&s, sig);
}

static volatile sig_atomic_t handled;
static void on_alarm(int sig) { (void)sig; handled++; }

static void alarm_in_ms(int ms) {
  struct itimerval it = {{0, 0}, {0, ms * 1000}};
  setitimer(ITIMER_REAL, &it, NULL);
}

static pid_t kill_later(pid_t pid, int sig, int ms) {
  pid_t child = fork();
  if (child == 0) {
    usleep(ms * 1000);
    kill(pid, sig);
    _exit(0);
  }
  return child;
}

static struct signalfd_siginfo si;

static ssize_t read_one(int fd) { return read(fd, &si, sizeof si); }

static int thread_fd;
static struct signalfd_siginfo thread_si;
static ssize_t thread_result;
static pthread_barrier_t barrier;
static void* own_reader(void* arg) {
  (void)arg;
  pthread_barrier_wait(&barrier);  /* the main thread sends SIGUSR1 to this thread */
  pthread_barrier_wait(&barrier);  /* ... and found it is not its own */
  thread_result = read(thread_fd, &thread_si, sizeof thread_si);
  return NULL;
}

static void* reader(void* arg) {
  (void)arg;
  thread_result = read(thread_fd, &thread_si, sizeof thread_si);
  return NULL;
}

/* After the execve at the end of main: the signalfd and its pending signal
   came through (a dup of it too); the CLOEXEC one is gone. */
static int after_exec(int fd, int dup_fd, int cloexec_fd) {
  check(ready(fd) == POLLIN, "after execve: the signalfd is readable (SIGUSR1 stayed pending)");
  check(read_one(dup_fd) == 128 && si.ssi_signo == SIGUSR1, "after execve: its dup reads SIGUSR1");
  check(read_one(fd) == -1 && errno == EAGAIN, "after execve: then EAGAIN (it kept O_NONBLOCK)");
  check(fcntl(cloexec_fd, F_GETFD) == -1 && errno == EBADF, "after execve: the SFD_CLOEXEC one is closed");
  kill(getpid(), SIGUSR2);
  check(read_one(fd) == 128 && si.ssi_signo == SIGUSR2, "after execve: a new signal of the mask is read");
  printf("%d failures\n", failures);
  return failures != 0;
}

int main(int argc, char** argv) {
  if (argc == 5 && strcmp(argv[1], "after-exec") == 0) return after_exec(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigaddset(&block, SIGUSR2);
  sigaddset(&block, SIGRTMIN);
  sigaddset(&block, SIGRTMIN + 1);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, NULL);

  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  int fd = signalfd(-1, &usr1, SFD_NONBLOCK | SFD_CLOEXEC);
  check(fd >= 0, "signalfd(-1, [USR1], SFD_NONBLOCK|SFD_CLOEXEC)");
  check((fcntl(fd, F_GETFL) & O_NONBLOCK) && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "O_NONBLOCK and FD_CLOEXEC set");
  check(read_one(fd) == -1 && errno == EAGAIN, "nothing pending: EAGAIN");
  check(ready(fd) == 0, "poll: not readable");

  kill(getpid(), SIGUSR1);
  check(ready(fd) == POLLIN, "poll after kill(USR1): POLLIN only");
  ssize_t r = read_one(fd);
  check(r == 128 && si.ssi_signo == SIGUSR1 && si.ssi_code == SI_USER, "read: SIGUSR1, SI_USER");
  check(si.ssi_pid == (uint32_t)getpid() && si.ssi_uid == getuid(), "ssi_pid and ssi_uid are the sender's");
  check(!is_pending(SIGUSR1), "the read dequeued it");
  check(ready(fd) == 0, "poll: drained");

  kill(getpid(), SIGUSR2);
  check(ready(fd) == 0, "SIGUSR2 is not in the mask: not readable");
  check(read_one(fd) == -1 && errno == EAGAIN, "and not read");
  check(is_pending(SIGUSR2), "SIGUSR2 still pending");
  sigset_t both = usr1;
  sigaddset(&both, SIGUSR2);
  sigaddset(&both, SIGKILL);
  sigaddset(&both, SIGSTOP);
  check(signalfd(fd, &both, 0) == fd, "a new mask on the same fd (SIGKILL and SIGSTOP dropped silently)");
  check(ready(fd) == POLLIN, "now readable");
  r = read_one(fd);
  check(r == 128 && si.ssi_signo == SIGUSR2, "read: SIGUSR2");
  check(fcntl(fd, F_GETFL) & O_NONBLOCK, "the new mask kept O_NONBLOCK");

  /* Real-time signals queue with their values; a big buffer takes them all. */
  sigset_t rt;
  sigemptyset(&rt);
  sigaddset(&rt, SIGRTMIN);
  sigaddset(&rt, SIGRTMIN + 1);
  int rfd = signalfd(-1, &rt, SFD_NONBLOCK);
  union sigval v;
  v.sival_int = 42;
  sigqueue(getpid(), SIGRTMIN + 1, v);
  v.sival_int = 43;
  sigqueue(getpid(), SIGRTMIN, v);
  v.sival_int = 44;
  sigqueue(getpid(), SIGRTMIN, v);
  struct signalfd_siginfo many[4];
  memset(many, 0, sizeof many);
  check(read(rfd, many, 100) == -1 && errno == EINVAL, "a read smaller than a record: EINVAL");
  r = read(rfd, many, sizeof many);
  check(r == 3 * 128, "three records in one read (%zd bytes)", r == 3 * 128 ? r : (ssize_t)-1);
  check(many[0].ssi_signo == (uint32_t)SIGRTMIN && many[0].ssi_int == 43 && many[0].ssi_code == SI_QUEUE,
        "first: SIGRTMIN, 43, SI_QUEUE");
  check(many[1].ssi_signo == (uint32_t)SIGRTMIN && many[1].ssi_int == 44, "second: SIGRTMIN, 44");
  check(many[2].ssi_signo == (uint32_t)SIGRTMIN + 1 && many[2].ssi_int == 42, "third: SIGRTMIN+1, 42");
  check(many[0].ssi_pid == (uint32_t)getpid(), "ssi_pid of sigqueue");
  v.sival_int = 45;
  sigqueue(getpid(), SIGRTMIN, v);
  check(read(rfd, many, 200) == 128 && many[0].ssi_int == 45, "a 200-byte read takes one record");
  /* readv: records straddle the iovecs. */
  v.sival_int = 46;
  sigqueue(getpid(), SIGRTMIN, v);
  v.sival_int = 47;
  sigqueue(getpid(), SIGRTMIN + 1, v);
  memset(many, 0, sizeof many);
  struct iovec iov[3] = {{(char*)many, 100}, {(char*)many + 100, 0}, {(char*)many + 100, 200}};
  r = readv(rfd, iov, 3);
  check(r == 256 && many[0].ssi_int == 46 && many[1].ssi_signo == (uint32_t)SIGRTMIN + 1 && many[1].ssi_int == 47,
        "readv: two records across three iovecs");
  check(readv(rfd, iov, 3) == -1 && errno == EAGAIN, "readv: then EAGAIN");
  struct iovec small = {(char*)many, 127};
  check(readv(rfd, &small, 1) == -1 && errno == EINVAL, "readv shorter than a record: EINVAL");
  check(writev(rfd, &small, 1) == -1 && errno == EINVAL, "writev to a signalfd: EINVAL");
  close(rfd);

  /* Errors. */
  printf("sizemask 4: %s\n", result_name(syscall(SYS_signalfd4, -1, &usr1, 4, 0)));
  printf("sizemask 16: %s\n", result_name(syscall(SYS_signalfd4, -1, &usr1, 16, 0)));
  printf("bad mask pointer: %s\n", result_name(syscall(SYS_signalfd4, -1, (void*)8, 8, 0)));
  printf("NULL mask: %s\n", result_name(syscall(SYS_signalfd4, -1, NULL, 8, 0)));
  printf("flags 1: %s\n", result_name(syscall(SYS_signalfd4, -1, &usr1, 8, 1)));
  printf("fd 999: %s\n", result_name(syscall(SYS_signalfd4, 999, &usr1, 8, 0)));
  printf("fd -2: %s\n", result_name(syscall(SYS_signalfd4, -2, &usr1, 8, 0)));
  int p[2];
  pipe(p);
  printf("a pipe: %s\n", result_name(syscall(SYS_signalfd4, p[0], &usr1, 8, 0)));
  printf("write to a signalfd: %s\n", result_name(write(fd, "x", 1)));
  close(p[0]);
  close(p[1]);
  kill(getpid(), SIGUSR1);
  void* volatile bad = (void*)8;
  check(read(fd, bad, 128) == -1 && errno == EFAULT, "read into a bad pointer: EFAULT");
  check(!is_pending(SIGUSR1), "... after dequeuing the signal, as the kernel does");

  /* select and epoll. */
  fd_set set;
  FD_ZERO(&set);
  FD_SET(fd, &set);
  struct timeval zero = {0, 0};
  check(select(fd + 1, &set, NULL, NULL, &zero) == 0, "select: not readable");
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 99}, out;
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  check(epoll_wait(ep, &out, 1, 0) == 0, "epoll: nothing");
  pid_t child = kill_later(getpid(), SIGUSR2, 50);
  check(epoll_wait(ep, &out, 1, 5000) == 1 && out.data.u64 == 99 && out.events == EPOLLIN,
        "epoll: woken by another process's kill");
  FD_SET(fd, &set);
  check(select(fd + 1, &set, NULL, NULL, &zero) == 1 && FD_ISSET(fd, &set), "select: readable");
  r = read_one(fd);
  check(r == 128 && si.ssi_signo == SIGUSR2 && si.ssi_pid == (uint32_t)child, "the kill's record names the child");
  waitpid(child, NULL, 0);
  close(ep);

  /* Edge-triggered epoll: every newly queued signal is an edge while one of
     the mask is pending (the kernel wakes a signalfd on each), a standard
     signal already pending is none. */
  sigaddset(&block, SIGURG);
  sigprocmask(SIG_BLOCK, &block, NULL);
  ep = epoll_create1(0);
  ev.events = EPOLLIN | EPOLLET;
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  check(epoll_wait(ep, &out, 1, 0) == 0, "EPOLLET: nothing");
  kill(getpid(), SIGUSR1);
  check(epoll_wait(ep, &out, 1, 0) == 1, "EPOLLET: SIGUSR1 is an edge");
  check(epoll_wait(ep, &out, 1, 0) == 0, "EPOLLET: no new edge");
  kill(getpid(), SIGUSR2);
  check(epoll_wait(ep, &out, 1, 0) == 1, "EPOLLET: SIGUSR2 is another");
  kill(getpid(), SIGUSR1);
  check(epoll_wait(ep, &out, 1, 0) == 0, "EPOLLET: SIGUSR1 again, still pending, is none");
  kill(getpid(), SIGURG);
  printf("EPOLLET: a signal outside the mask while one inside is pending: %d\n", epoll_wait(ep, &out, 1, 0));
  while (read_one(fd) == 128) {
  }
  kill(getpid(), SIGURG);
  check(epoll_wait(ep, &out, 1, 0) == 0, "EPOLLET: drained, a signal outside the mask is none");
  close(ep);
  sigset_t urg;
  sigemptyset(&urg);
  sigaddset(&urg, SIGURG);
  int ufd = signalfd(-1, &urg, SFD_NONBLOCK);
  check(read_one(ufd) == 128 && si.ssi_signo == SIGURG, "SIGURG taken through its own signalfd");
  close(ufd);

  /* Blocking reads. */
  int bfd = signalfd(-1, &both, 0);
  child = kill_later(getpid(), SIGUSR1, 100);
  r = read_one(bfd);
  check(r == 128 && si.ssi_signo == SIGUSR1, "a blocking read woken by a kill");
  waitpid(child, NULL, 0);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  alarm_in_ms(50);
  r = read_one(bfd);
  check(r == -1 && errno == EINTR && handled == 1, "a handler interrupts the wait: EINTR");
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  child = kill_later(getpid(), SIGUSR2, 300);
  alarm_in_ms(50);
  r = read_one(bfd);
  check(r == 128 && si.ssi_signo == SIGUSR2 && handled == 2, "SA_RESTART: restarted, then the signal");
  waitpid(child, NULL, 0);

  /* Threads: pthread_kill to oneself; a reader thread woken by the process's signal. */
  pthread_kill(pthread_self(), SIGUSR1);
  r = read_one(fd);
  check(r == 128 && si.ssi_signo == SIGUSR1 && si.ssi_code == SI_TKILL, "pthread_kill: SI_TKILL");
  thread_fd = bfd;
  pthread_t t;
  pthread_create(&t, NULL, reader, NULL);
  usleep(100000);
  kill(getpid(), SIGUSR2);
  pthread_join(t, NULL);
  check(thread_result == 128 && thread_si.ssi_signo == SIGUSR2, "a thread blocked in read takes the process's signal");
  thread_fd = fd;
  pthread_barrier_init(&barrier, NULL, 2);
  pthread_create(&t, NULL, own_reader, NULL);
  pthread_barrier_wait(&barrier);
  pthread_kill(t, SIGUSR1);
  check(read_one(fd) == -1 && errno == EAGAIN, "another thread's signal is not this thread's to read");
  pthread_barrier_wait(&barrier);
  pthread_join(t, NULL);
  check(thread_result == 128 && thread_si.ssi_signo == SIGUSR1 && thread_si.ssi_code == SI_TKILL,
        "the thread it was sent to reads it");

  /* fork: the child's pending signals are its own. */
  kill(getpid(), SIGUSR1);
  child = fork();
  if (child == 0) {
    int bad = 0;
    if (ready(fd) != 0) bad |= 1;              /* the parent's SIGUSR1 is not the child's */
    if (read_one(fd) != -1 || errno != EAGAIN) bad |= 2;
    kill(getpid(), SIGUSR2);
    if (ready(fd) != POLLIN) bad |= 4;
    if (read_one(fd) != 128 || si.ssi_signo != SIGUSR2) bad |= 8;
    _exit(bad);
  }
  int status;
  waitpid(child, &status, 0);
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fork: the child sees only its own signals (%d)",
        WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  check(ready(fd) == POLLIN, "the parent's SIGUSR1 is still there");
  r = read_one(fd);
  check(r == 128 && si.ssi_signo == SIGUSR1, "and is read");

  /* SIGCHLD with the child's status. SIGCHLDs of the children above are pending too. */
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  int cfd = signalfd(-1, &chld, SFD_NONBLOCK);
  while (read_one(cfd) == 128) {
  }
  child = fork();
  if (child == 0) _exit(3);
  struct pollfd pc = {.fd = cfd, .events = POLLIN};
  check(poll(&pc, 1, 5000) == 1, "SIGCHLD makes it readable");
  r = read_one(cfd);
  check(r == 128 && si.ssi_signo == SIGCHLD && si.ssi_code == CLD_EXITED && si.ssi_status == 3 &&
            si.ssi_pid == (uint32_t)child,
        "SIGCHLD: CLD_EXITED, status 3, the child's pid");
  waitpid(child, NULL, 0);

  close(fd);
  close(bfd);
  close(cfd);

  /* Closed signalfds are freed: many made and closed one after another. */
  int made = 0;
  for (int i = 0; i < 300; ++i) {
    int s = signalfd(-1, &usr1, 0);
    if (s < 0) break;
    made++;
    close(s);
  }
  check(made == 300, "300 signalfds made and closed one after another (%d)", made == 300 ? 300 : -1);
  int dup_fd;
  {
    int s = signalfd(-1, &usr1, SFD_NONBLOCK);
    dup_fd = dup(s);
    close(s);
  }
  for (int i = 0; i < 100; ++i) close(signalfd(-1, &usr1, 0));
  kill(getpid(), SIGUSR1);
  r = read_one(dup_fd);
  check(r == 128 && si.ssi_signo == SIGUSR1, "a signalfd open only through a dup survives and reads");
  close(dup_fd);

  /* close_range from 3 up closes the guest's signalfds, not ferry's means of making new ones. */
  syscall(SYS_close_range, 3, ~0U, 0);
  int after_close = signalfd(-1, &usr1, SFD_NONBLOCK);
  kill(getpid(), SIGUSR1);
  check(ready(after_close) == POLLIN && read_one(after_close) == 128 && si.ssi_signo == SIGUSR1,
        "after close_range(3, ~0): a new signalfd works");
  close(after_close);

  /* Across execve: a signalfd without SFD_CLOEXEC stays, with its mask. */
  int keep = signalfd(-1, &both, SFD_NONBLOCK);
  int keep_dup = dup(keep);
  int gone = signalfd(-1, &both, SFD_CLOEXEC);
  kill(getpid(), SIGUSR1);
  printf("%d failures before execve\n", failures);
  fflush(stdout);
  char a[16], b[16], c[16];
  snprintf(a, sizeof a, "%d", keep);
  snprintf(b, sizeof b, "%d", keep_dup);
  snprintf(c, sizeof c, "%d", gone);
  char* args[] = {argv[0], "after-exec", a, b, c, NULL};
  execv("/proc/self/exe", args);
  printf("execve failed: %s\n", strerror(errno));
  return failures != 0;
}
