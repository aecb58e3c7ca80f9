/* thread_directed.c MODE: signals for one thread that are not tgkill.
   "sigev_thread": glibc's SIGEV_THREAD timer (its helper thread waits for
   the timer's signal, SIGRTMIN, which it blocks); the callback must run 5
   times and nothing die. "timer_tid": a SIGEV_THREAD_ID timer aimed at a
   thread that waits in sigsuspend(). "sigqueue": pthread_sigqueue to that
   thread. The handler must run in the target thread, not in main. The
   target blocks SIGUSR1 outside sigsuspend: with pause(), a signal landing
   between its check and its wait left it asleep for good (natively too,
   but an emulator under load widens that window enough to hit). */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static int fired;
static void callback(union sigval v) {
  (void)v;
  __atomic_add_fetch(&fired, 1, __ATOMIC_SEQ_CST);
}

static int sigev_thread(void) {
  timer_t t;
  struct sigevent sev;
  memset(&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_THREAD;
  sev.sigev_notify_function = callback;
  if (timer_create(CLOCK_MONOTONIC, &sev, &t) != 0) return 1;
  struct itimerspec every_10ms = {{0, 10000000}, {0, 10000000}};
  timer_settime(t, 0, &every_10ms, NULL);
  while (__atomic_load_n(&fired, __ATOMIC_SEQ_CST) < 5) usleep(1000);
  timer_delete(t);
  printf("SIGEV_THREAD callback ran 5 times\n");
  return 0;
}

static volatile pid_t handler_tid;
static pid_t target_tid;
static volatile int handled;
static void on_usr1(int sig, siginfo_t* info, void* context) {
  (void)sig, (void)info, (void)context;
  handler_tid = gettid();
  handled++;
}
static void* target(void* unused) {
  (void)unused;
  sigset_t usr1, waiting;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &usr1, &waiting);
  sigdelset(&waiting, SIGUSR1);
  __atomic_store_n(&target_tid, gettid(), __ATOMIC_RELEASE);
  while (handled < 3) sigsuspend(&waiting);
  return NULL;
}

static int to_one_thread(int by_timer) {
  handle_signal_info(SIGUSR1, on_usr1, 0);
  pthread_t th;
  pthread_create(&th, NULL, target, NULL);
  while (!__atomic_load_n(&target_tid, __ATOMIC_ACQUIRE)) usleep(1000);
  timer_t t;
  if (by_timer) {
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = SIGUSR1;
    sev._sigev_un._tid = target_tid;
    if (timer_create(CLOCK_MONOTONIC, &sev, &t) != 0) return 1;
    struct itimerspec every_10ms = {{0, 10000000}, {0, 10000000}};
    timer_settime(t, 0, &every_10ms, NULL);
  } else {
    for (int i = 0; i < 3; i++) {
      union sigval v = {.sival_int = i};
      pthread_sigqueue(th, SIGUSR1, v);
      while (handled <= i) usleep(1000);  /* a second SIGUSR1 before the first is taken would merge */
    }
  }
  pthread_join(th, NULL);
  if (by_timer) timer_delete(t);
  printf("%s: handler ran in the target thread: %s, in main: %s\n", by_timer ? "timer_tid" : "sigqueue",
         handler_tid == target_tid ? "yes" : "no", handler_tid == gettid() ? "yes" : "no");
  return handler_tid != target_tid;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  alarm(20);
  const char* mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "sigev_thread") == 0) return sigev_thread();
  if (strcmp(mode, "timer_tid") == 0) return to_one_thread(1);
  if (strcmp(mode, "sigqueue") == 0) return to_one_thread(0);
  printf("usage: thread_directed sigev_thread|timer_tid|sigqueue\n");
  return 2;
}
