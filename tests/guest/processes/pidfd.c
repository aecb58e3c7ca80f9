/* pidfd.c: pidfd_open (and PIDFD_NONBLOCK), pidfd_send_signal with and
   without a siginfo (to a child and to the caller's own process),
   pidfd_getfd, poll and epoll on a pidfd, waitid(P_PIDFD), and each call's
   errno for bad input, as the kernel answers. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define PIDFD_NONBLOCK O_NONBLOCK

static long pidfd_open(pid_t pid, unsigned flags) { return syscall(SYS_pidfd_open, pid, flags); }
static long send_signal(int fd, int sig, siginfo_t *info, unsigned flags) {
  return syscall(SYS_pidfd_send_signal, fd, sig, info, flags);
}
static long wait_pidfd(int fd, siginfo_t *info, int options) { return syscall(SYS_waitid, P_PIDFD, fd, info, options, 0); }

/* "r" or "-1 ENAME": what the call answered. */
static void show(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

/* A child that waits until killed, or for a SIGUSR1 whose si_value it exits with. */
static pid_t start_child(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, 0);
  pid_t pid = fork();
  if (pid == 0) {
    siginfo_t info;
    if (sigwaitinfo(&set, &info) != SIGUSR1) _exit(99);
    _exit(info.si_code == SI_QUEUE ? info.si_value.sival_int : 98);
  }
  sigprocmask(SIG_UNBLOCK, &set, 0);
  return pid;
}

static volatile sig_atomic_t got_code, got_value, got_signals;
static void on_usr2(int sig, siginfo_t *info, void *ctx) {
  (void)sig; (void)ctx;
  got_code = info->si_code;
  got_value = info->si_value.sival_int;
  got_signals++;
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);

  /* Open, close-on-exec, poll before and after the end, waitid. */
  pid_t child = start_child();
  int fd = (int)pidfd_open(child, 0);
  check(fd >= 0, "pidfd_open of a child");
  check(fcntl(fd, F_GETFD) == FD_CLOEXEC, "a pidfd is close-on-exec");
  struct pollfd p = {fd, POLLIN, 0};
  show("poll of a running child", poll(&p, 1, 0));
  siginfo_t info;
  memset(&info, 0x55, sizeof info);
  show("waitid WNOHANG of a running child", wait_pidfd(fd, &info, WEXITED | WNOHANG));
  printf("si_pid zeroed: %d\n", info.si_pid == 0);
  show("send SIGTERM", send_signal(fd, SIGTERM, 0, 0));
  show("poll after the signal", poll(&p, 1, 5000));
  printf("revents: %#x\n", p.revents);
  memset(&info, 0, sizeof info);
  show("waitid P_PIDFD", wait_pidfd(fd, &info, WEXITED));
  printf("pid matches %d, code %d, status %d\n", info.si_pid == child, info.si_code, info.si_status);
  show("waitid again", wait_pidfd(fd, &info, WEXITED));
  show("send to the ended child", send_signal(fd, SIGTERM, 0, 0));
  close(fd);

  /* PIDFD_NONBLOCK, a queued siginfo to a child, epoll. */
  child = start_child();
  fd = (int)pidfd_open(child, PIDFD_NONBLOCK);
  printf("nonblocking: %d\n", (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
  show("waitid on a nonblocking pidfd", wait_pidfd(fd, &info, WEXITED));
  show("the same with WNOHANG", wait_pidfd(fd, &info, WEXITED | WNOHANG));
  memset(&info, 0, sizeof info);
  info.si_signo = SIGUSR1;
  info.si_code = SI_USER;
  info.si_pid = getpid();
  show("a kernel si_code to another process", send_signal(fd, SIGUSR1, &info, 0));
  info.si_code = SI_TKILL;
  show("SI_TKILL to another process", send_signal(fd, SIGUSR1, &info, 0));
  info.si_code = SI_QUEUE;
  show("si_signo not the signal", send_signal(fd, SIGUSR2, &info, 0));
  show("unknown flags", send_signal(fd, SIGUSR1, &info, 8));
  show("two scopes", send_signal(fd, SIGUSR1, &info, 3));
  show("bad siginfo pointer", send_signal(fd, SIGUSR1, (siginfo_t *)8, 0));
  info.si_value.sival_int = 42;
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 7};
  show("epoll_ctl add", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
  show("send SIGUSR1 with si_value 42", send_signal(fd, SIGUSR1, &info, 0));
  memset(&ev, 0, sizeof ev);
  show("epoll_wait", epoll_wait(ep, &ev, 1, 5000));
  printf("event %#x data %llu\n", ev.events, (unsigned long long)ev.data.u64);
  memset(&info, 0, sizeof info);
  show("waitid WNOHANG after the end", wait_pidfd(fd, &info, WEXITED | WNOHANG));
  printf("code %d, status %d\n", info.si_code, info.si_status);
  close(ep);
  close(fd);

  /* The caller's own process: a siginfo of any si_code from the main thread. */
  handle_signal_info(SIGUSR2, on_usr2, 0);
  int self = (int)pidfd_open(getpid(), 0);
  memset(&info, 0, sizeof info);
  info.si_signo = SIGUSR2;
  info.si_code = SI_QUEUE;
  info.si_value.sival_int = 7;
  show("send to self with SI_QUEUE", send_signal(self, SIGUSR2, &info, 0));
  printf("handler: code %d value %d count %d\n", got_code, got_value, got_signals);
  info.si_code = 3;
  info.si_value.sival_int = 8;
  show("send to self with a kernel si_code", send_signal(self, SIGUSR2, &info, 0));
  printf("handler: code %d value %d count %d\n", got_code, got_value, got_signals);
  show("send to self without siginfo", send_signal(self, SIGUSR2, 0, 0));
  printf("handler: code %d count %d\n", got_code, got_signals);
  show("signal 0 to self", send_signal(self, 0, 0, 0));
  show("waitid on the caller's own pidfd", wait_pidfd(self, &info, WEXITED | WNOHANG));
  show("poll of the caller's own pidfd", poll(&(struct pollfd){self, POLLIN, 0}, 1, 0));

  /* pidfd_getfd: a descriptor the child opened after the fork. */
  int ready[2];
  pipe(ready);
  child = fork();
  if (child == 0) {
    int mine[2];
    pipe(mine);
    dup2(mine[0], 60);
    write(mine[1], "from the child", 14);
    write(ready[1], "x", 1);
    pause();
    _exit(0);
  }
  char c;
  read(ready[0], &c, 1);
  fd = (int)pidfd_open(child, 0);
  int got = (int)syscall(SYS_pidfd_getfd, fd, 60, 0);
  check(got >= 0, "pidfd_getfd of the child's descriptor 60");
  char text[32] = "";
  read(got, text, sizeof text - 1);
  printf("read through it: %s\n", text);
  printf("close-on-exec: %d\n", fcntl(got, F_GETFD) == FD_CLOEXEC);
  show("pidfd_getfd of a closed descriptor", syscall(SYS_pidfd_getfd, fd, 900, 0));
  show("pidfd_getfd with flags", syscall(SYS_pidfd_getfd, fd, 60, 1));
  show("pidfd_getfd through a pipe", syscall(SYS_pidfd_getfd, ready[0], 60, 0));
  send_signal(fd, SIGKILL, 0, 0);
  show("waitid of the killed child", wait_pidfd(fd, &info, WEXITED));
  printf("code %d status %d\n", info.si_code, info.si_status);

  /* Bad input. */
  show("pidfd_open(-1)", pidfd_open(-1, 0));
  show("pidfd_open(0)", pidfd_open(0, 0));
  show("pidfd_open with unknown flags", pidfd_open(getpid(), 1));
  show("pidfd_open of no process", pidfd_open(4194304 + 5, 0));
  show("send through a closed descriptor", send_signal(900, SIGUSR2, 0, 0));
  show("send through a pipe", send_signal(ready[0], SIGUSR2, 0, 0));
  show("send a bad signal", send_signal(self, 99, 0, 0));
  show("waitid through a closed descriptor", wait_pidfd(900, &info, WEXITED));
  show("waitid through a pipe", wait_pidfd(ready[0], &info, WEXITED));
  show("waitid P_PIDFD -1", wait_pidfd(-1, &info, WEXITED));
  show("waitid without WEXITED", wait_pidfd(self, &info, WNOHANG));
  show("waitid with unknown options", wait_pidfd(self, &info, WEXITED | 0x100));
  printf("%d failures\n", failures);
  return failures != 0;
}
