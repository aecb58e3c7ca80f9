/* trace_events.c: the event descriptors' calls as strace shows them:
   eventfd2, timerfd_* (with struct itimerspec in and out), inotify_* and
   signalfd4,
   with their flags, some unknown, and failures. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/signalfd.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

int main(void) {
  write(1, "BEGIN\n", 6);
  int e = eventfd(3, EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK);
  syscall(SYS_eventfd2, 0, 0);
  syscall(SYS_eventfd2, 0, 0x40);
  uint64_t v;
  read(e, &v, sizeof v);
  v = 7;
  write(e, &v, sizeof v);

  int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  timerfd_create(CLOCK_BOOTTIME, 0);
  timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0);
  struct itimerspec a = {{0, 5}, {100, 2}}, o;
  timerfd_settime(t, 0, &a, &o);
  a.it_value.tv_sec = 0;
  a.it_value.tv_nsec = 0;
  timerfd_settime(t, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &a, NULL);
  timerfd_settime(t, 8, &a, NULL);
  timerfd_gettime(t, &o);
  syscall(SYS_timerfd_gettime, t, NULL);

  int i = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  inotify_init1(0);
  int w = inotify_add_watch(i, ".", IN_MODIFY | IN_CREATE | IN_DONT_FOLLOW | IN_ONLYDIR);
  inotify_add_watch(i, ".", IN_ALL_EVENTS);
  inotify_add_watch(i, ".", IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE);
  inotify_add_watch(i, "/nonexistent", IN_ONESHOT | IN_ATTRIB);
  inotify_rm_watch(i, w);
  inotify_rm_watch(i, w);

  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  sigaddset(&s, SIGRTMIN + 2);
  sigprocmask(SIG_BLOCK, &s, NULL);
  int sfd = signalfd(-1, &s, SFD_CLOEXEC | SFD_NONBLOCK);
  signalfd(sfd, &s, 0);
  syscall(SYS_signalfd4, -1, &s, 4, 0);
  syscall(SYS_signalfd4, -1, &s, 8, 0x10);
  read(sfd, &v, sizeof v);
  return 0;
}
