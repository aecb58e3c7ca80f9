/* mqueue.c: POSIX message queues: mq_open with attributes, priorities in
   order, mq_getattr/mq_setattr, O_NONBLOCK's EAGAIN, a timed receive that
   times out, EMSGSIZE, a receive that waits for a child, mq_notify with
   SIGEV_SIGNAL reaching the handler with its si_code and si_value, EBUSY
   for a second registration, mq_unlink and ENOENT. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t notified, notified_code, notified_value;
static void on_usr1(int sig, siginfo_t* info, void* uc) {
  (void)sig;
  (void)uc;
  notified++;
  notified_code = info->si_code;
  notified_value = info->si_value.sival_int;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  char name[64];
  snprintf(name, sizeof name, "/ferry_mq_test_%d", (int)getpid());
  struct mq_attr attr = {.mq_maxmsg = 3, .mq_msgsize = 64};
  mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
  check(q >= 0, "mq_open");
  check(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr) == -1 && errno == EEXIST, "again with O_EXCL: EEXIST");
  struct mq_attr got;
  check(mq_getattr(q, &got) == 0 && got.mq_maxmsg == 3 && got.mq_msgsize == 64 && got.mq_curmsgs == 0, "mq_getattr");
  check(mq_send(q, "low", 4, 1) == 0 && mq_send(q, "high", 5, 5) == 0 && mq_send(q, "mid", 4, 3) == 0, "three sent");
  check(mq_getattr(q, &got) == 0 && got.mq_curmsgs == 3, "three queued");
  char buf[64];
  unsigned prio = 0;
  check(mq_receive(q, buf, 10, &prio) == -1 && errno == EMSGSIZE, "buffer below mq_msgsize: EMSGSIZE");
  check(mq_receive(q, buf, sizeof buf, &prio) == 5 && prio == 5 && !strcmp(buf, "high"), "highest priority first");
  check(mq_receive(q, buf, sizeof buf, &prio) == 4 && prio == 3 && !strcmp(buf, "mid"), "then the next");
  struct mq_attr nb = {.mq_flags = O_NONBLOCK}, old;
  check(mq_setattr(q, &nb, &old) == 0 && old.mq_flags == 0, "mq_setattr O_NONBLOCK");
  mq_send(q, "a", 2, 0);
  mq_send(q, "b", 2, 0);
  check(mq_send(q, "c", 2, 0) == -1 && errno == EAGAIN, "full, O_NONBLOCK: EAGAIN");
  nb.mq_flags = 0;
  mq_setattr(q, &nb, NULL);
  while (mq_getattr(q, &got) == 0 && got.mq_curmsgs > 0) mq_receive(q, buf, sizeof buf, NULL);
  struct timespec soon;
  clock_gettime(CLOCK_REALTIME, &soon);
  soon.tv_nsec += 50 * 1000 * 1000;
  if (soon.tv_nsec >= 1000000000) {
    soon.tv_sec++;
    soon.tv_nsec -= 1000000000;
  }
  check(mq_timedreceive(q, buf, sizeof buf, NULL, &soon) == -1 && errno == ETIMEDOUT, "timed receive: ETIMEDOUT");

  pid_t child = fork();
  if (child == 0) {
    struct timespec t = {0, 100 * 1000 * 1000};
    nanosleep(&t, NULL);
    _exit(mq_send(q, "from child", 11, 2) == 0 ? 0 : 1);
  }
  check(mq_receive(q, buf, sizeof buf, &prio) == 11 && prio == 2 && !strcmp(buf, "from child"), "a receive waits for a child");
  waitpid(child, NULL, 0);

  handle_signal_info(SIGUSR1, on_usr1, 0);
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGUSR1;
  ev.sigev_value.sival_int = 1234;
  check(mq_notify(q, &ev) == 0, "mq_notify SIGEV_SIGNAL");
  check(mq_notify(q, &ev) == -1 && errno == EBUSY, "a second registration: EBUSY");
  mq_send(q, "ping", 5, 0);
  for (int i = 0; i < 100 && !notified; ++i) {
    struct timespec t = {0, 1000 * 1000};
    nanosleep(&t, NULL);
  }
  check(notified == 1 && notified_code == SI_MESGQ && notified_value == 1234, "the handler got SI_MESGQ and si_value");
  check(mq_notify(q, NULL) == 0, "unregistered (already spent)");
  check(syscall(SYS_mq_notify, q, (void*)8) == -1 && errno == EFAULT, "bad sigevent: EFAULT");
  check(mq_close(q) == 0 && mq_unlink(name) == 0, "mq_close and mq_unlink");
  check(mq_open(name, O_RDONLY) == -1 && errno == ENOENT, "gone: ENOENT");
  check(mq_send(q, "x", 2, 0) == -1 && errno == EBADF, "closed: EBADF");
  printf("%d failures\n", failures);
  return failures != 0;
}
