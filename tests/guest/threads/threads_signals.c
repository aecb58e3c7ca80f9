/* threads_signals.c [MODE]: signals and thread exits in a threaded process.
   Default mode:
   - pthread_kill(SIGUSR1) to each of 3 threads runs the handler in that
     thread (its gettid and pthread_self, compared in the main thread);
   - per-thread masks: kill(getpid(), SIGUSR2) is taken by the one thread
     that does not block it; while every thread blocks it, it stays pending
     for the process and runs in the thread that unblocks it;
   - pthread_cancel of a thread blocked in read() on a pipe, of one calling
     pthread_testcancel in a loop, and of an asynchronously cancellable thread
     spinning without syscalls; cleanup handlers run, and the pipe's data is
     left for others;
   - pthread_exit from a nested call in a non-main thread while others wait
     to run; its value reaches pthread_join and its key destructor runs.
   "exit_group": a thread calls exit(9) while the main thread is blocked in
   read() and another in sem_wait: the whole process exits with 9 at once.
   "main_exit": the main thread calls pthread_exit; the process lives on
   until its last thread returns, with status 0.
   The emulator must deliver thread-directed signals (tgkill) to the right
   guest thread, keep per-thread masks, and end all threads on exit_group. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static sem_t ready, go;
static void sem_wait_all(sem_t* s) { while (sem_wait(s) != 0) { } }
static void pause_ms(int ms) { struct timespec t = {0, ms * 1000000L}; nanosleep(&t, NULL); }
/* Waits (up to 5 s) for *v to become nonzero. */
static int wait_nonzero(volatile pid_t* v) {
  for (int i = 0; i < 5000 && !__atomic_load_n(v, __ATOMIC_ACQUIRE); i++) pause_ms(1);
  return __atomic_load_n(v, __ATOMIC_ACQUIRE) != 0;
}

static volatile pid_t usr1_tid, usr2_tid;
static volatile pthread_t usr1_self;
/* pthread_self first, then the tid the waiter polls for (release): it must
   not see the tid with a stale pthread_self. */
static void on_usr1(int sig) {
  (void)sig;
  usr1_self = pthread_self();
  __atomic_store_n(&usr1_tid, gettid(), __ATOMIC_RELEASE);
}
static void on_usr2(int sig) { (void)sig; usr2_tid = gettid(); }

static pid_t tids[3];
static void* record_and_wait(void* arg) {
  tids[(intptr_t)arg] = gettid();
  sem_post(&ready);
  sem_wait_all(&go);
  return NULL;
}

static sigset_t usr2_set;
static void* usr2_unblocker(void* arg) {
  (void)arg;
  pthread_sigmask(SIG_UNBLOCK, &usr2_set, NULL);
  return record_and_wait((void*)1);
}
static void* late_unblocker(void* arg) {
  (void)arg;
  sem_wait_all(&go);
  pthread_sigmask(SIG_UNBLOCK, &usr2_set, NULL); /* the pending signal runs here */
  return (void*)(intptr_t)(usr2_tid == gettid());
}

static void add_one(void* counter) { ++*(int*)counter; }
static int cleanups;
static void* blocked_reader(void* arg) {
  char c;
  ssize_t n = -1;
  pthread_cleanup_push(add_one, &cleanups);
  sem_post(&ready);
  n = read((intptr_t)arg, &c, 1);
  pthread_cleanup_pop(0);
  return (void*)(intptr_t)(100 + n);
}
static void* testcancel_loop(void* arg) {
  (void)arg;
  pthread_cleanup_push(add_one, &cleanups);
  sem_post(&ready);
  for (;;) pthread_testcancel();
  pthread_cleanup_pop(0);
  return NULL;
}
static volatile unsigned long spin;
static void* async_spinner(void* arg) {
  (void)arg;
  pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
  pthread_cleanup_push(add_one, &cleanups);
  sem_post(&ready);
  for (;;) spin++;
  pthread_cleanup_pop(0);
  return NULL;
}

static pthread_key_t key;
static int destructed;
static void destructor(void* v) { destructed = (intptr_t)v; }
static __attribute__((noinline)) void exit_inner(void) { pthread_exit((void*)77); }
static __attribute__((noinline)) void exit_outer(void) { exit_inner(); }
static void* exiter(void* arg) {
  (void)arg;
  pthread_setspecific(key, (void*)5);
  exit_outer();
  return NULL;
}
static volatile int exiter_joined;
static void* later_worker(void* arg) {
  (void)arg;
  while (!exiter_joined) pause_ms(1);
  long sum = 0;
  for (int i = 1; i <= 1000; i++) sum += i;
  return (void*)sum;
}

static int pipe_fds[2];
static void* exit_nine(void* arg) {
  (void)arg;
  pause_ms(50);
  exit(9);
}
static void at_exit(void) { printf("atexit handler runs\n"); }

static pid_t main_pid;
static void* outlive_main(void* arg) {
  (void)arg;
  pause_ms(100);
  check(getpid() == main_pid, "worker runs on after the main thread's pthread_exit");
  printf("%d failure(s)\n", failures);
  return NULL; /* the last thread: the process exits with 0 */
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  alarm(20); /* a hang fails fast (SIGALRM) instead of at the harness timeout */
  const char* mode = argc > 1 ? argv[1] : "all";
  sem_init(&ready, 0, 0);
  sem_init(&go, 0, 0);
  if (pipe(pipe_fds) != 0) return 2;
  if (strcmp(mode, "exit_group") == 0) {
    atexit(at_exit);
    printf("main blocks in read; a thread calls exit(9)\n");
    pthread_t t;
    pthread_create(&t, NULL, record_and_wait, (void*)0);
    pthread_create(&t, NULL, exit_nine, NULL);
    char c;
    ssize_t n = read(pipe_fds[0], &c, 1);
    printf("FAIL read returned %zd\n", n);
    return 1;
  }
  if (strcmp(mode, "main_exit") == 0) {
    main_pid = getpid();
    pthread_t t;
    pthread_create(&t, NULL, outlive_main, NULL);
    printf("main thread calls pthread_exit\n");
    pthread_exit(NULL);
  }

  handle_signal(SIGUSR1, on_usr1, SA_RESTART);
  handle_signal(SIGUSR2, on_usr2, SA_RESTART);

  pthread_t t[3];
  for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, record_and_wait, (void*)(intptr_t)i);
  for (int i = 0; i < 3; i++) sem_wait_all(&ready);
  for (int i = 2; i >= 0; i--) {
    usr1_tid = 0;
    check(pthread_kill(t[i], SIGUSR1) == 0, "pthread_kill(thread %d, SIGUSR1)", i);
    check(wait_nonzero(&usr1_tid) && usr1_tid == tids[i] && pthread_equal(usr1_self, t[i]),
          "handler ran in thread %d (gettid and pthread_self)", i);
  }
  for (int i = 0; i < 3; i++) sem_post(&go);
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);

  sigemptyset(&usr2_set);
  sigaddset(&usr2_set, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &usr2_set, NULL); /* inherited by new threads */
  pthread_create(&t[0], NULL, record_and_wait, (void*)0);
  pthread_create(&t[1], NULL, usr2_unblocker, NULL);
  sem_wait_all(&ready);
  sem_wait_all(&ready);
  usr2_tid = 0;
  kill(getpid(), SIGUSR2);
  check(wait_nonzero(&usr2_tid) && usr2_tid == tids[1], "kill(getpid(), SIGUSR2) handled by the one thread not blocking it");
  sem_post(&go);
  sem_post(&go);
  pthread_join(t[0], NULL);
  pthread_join(t[1], NULL);

  usr2_tid = 0;
  pthread_create(&t[0], NULL, late_unblocker, NULL);
  kill(getpid(), SIGUSR2);
  sigset_t pending;
  sigpending(&pending);
  check(sigismember(&pending, SIGUSR2) && usr2_tid == 0, "blocked everywhere: SIGUSR2 pending for the process");
  sem_post(&go);
  void* r = NULL;
  pthread_join(t[0], &r);
  check(r == (void*)1, "pending SIGUSR2 handled by the thread that unblocked it");
  sigpending(&pending);
  check(!sigismember(&pending, SIGUSR2), "no longer pending");

  pthread_create(&t[0], NULL, blocked_reader, (void*)(intptr_t)pipe_fds[0]);
  sem_wait_all(&ready);
  pause_ms(50);
  check(pthread_cancel(t[0]) == 0, "pthread_cancel of a thread blocked in read()");
  check(pthread_join(t[0], &r) == 0 && r == PTHREAD_CANCELED, "joined: PTHREAD_CANCELED");
  check(cleanups == 1, "its cleanup handler ran");
  char c = 0;
  check(write(pipe_fds[1], "z", 1) == 1 && read(pipe_fds[0], &c, 1) == 1 && c == 'z', "the pipe still works, byte not taken by the cancelled read");

  pthread_create(&t[0], NULL, testcancel_loop, NULL);
  sem_wait_all(&ready);
  pthread_cancel(t[0]);
  check(pthread_join(t[0], &r) == 0 && r == PTHREAD_CANCELED && cleanups == 2, "pthread_testcancel loop cancelled, cleanup ran");

  pthread_create(&t[0], NULL, async_spinner, NULL);
  sem_wait_all(&ready);
  pause_ms(20);
  pthread_cancel(t[0]);
  check(pthread_join(t[0], &r) == 0 && r == PTHREAD_CANCELED && cleanups == 3, "asynchronous cancel of a spinning thread, cleanup ran");

  pthread_key_create(&key, destructor);
  pthread_t workers[4];
  for (int i = 0; i < 4; i++) pthread_create(&workers[i], NULL, later_worker, NULL);
  pthread_create(&t[0], NULL, exiter, NULL);
  check(pthread_join(t[0], &r) == 0 && r == (void*)77, "pthread_exit(77) from a nested call reaches pthread_join");
  check(destructed == 5, "the exiting thread's key destructor ran");
  exiter_joined = 1;
  long total = 0;
  for (int i = 0; i < 4; i++) {
    pthread_join(workers[i], &r);
    total += (long)r;
  }
  check(total == 4 * 500500, "the other threads ran on and finished their work");

  printf("%d failure(s)\n", failures);
  return failures != 0;
}
