/* A signal a thread ignores cannot end its futex wait, so ferry holds such
   signals off on the host while the thread waits, and keeps holding them
   after the wait. Once another thread's sigaction gives the signal a
   handler, it must reach the thread again, as in the kernel:
   - "waiting": a futex wait begun while SIGUSR1 was ignored ends with EINTR
     when SIGUSR1, now handled, comes with tgkill;
   - "spinning": a thread that made no syscall since a futex wait begun
     while SIGUSR2 was ignored takes SIGUSR2, now handled, while it runs.
   A signal held off for good would hang the test (alarm: status 142). */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#include "check.h"

static volatile sig_atomic_t usr1_handled, usr2_handled;
static unsigned never_changed, go;
static volatile int at_go, spinning;
static volatile pid_t waiter_tid;
static long wait_result;
static int wait_errno;

static void on_usr1(int sig) { (void)sig; usr1_handled++; }
static void on_usr2(int sig) { (void)sig; usr2_handled++; }

static long futex_wait(unsigned *word, unsigned value) {
  return syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, value, NULL, NULL, 0);
}

static void pause_ms(long ms) {
  struct timespec ts = {0, ms * 1000000L};
  nanosleep(&ts, NULL);
}

static void *waiter(void *unused) {
  (void)unused;
  waiter_tid = (pid_t)syscall(SYS_gettid);
  /* waiting: nobody changes the word; only a signal ends this. */
  wait_result = futex_wait(&never_changed, 0);
  wait_errno = errno;
  /* spinning: a futex wait, then guest code only until the handler ran. */
  at_go = 1;
  while (__atomic_load_n(&go, __ATOMIC_ACQUIRE) == 0) futex_wait(&go, 0);
  spinning = 1;
  while (!usr2_handled) {
  }
  return NULL;
}

int main(void) {
  alarm(20);
  signal(SIGUSR1, SIG_IGN);
  signal(SIGUSR2, SIG_IGN);
  pthread_t thread;
  if (pthread_create(&thread, NULL, waiter, NULL) != 0) return 2;
  while (!waiter_tid) pause_ms(1);
  pause_ms(300);  /* the thread is in its wait by now */

  handle_signal(SIGUSR1, on_usr1, 0);
  pause_ms(50);
  syscall(SYS_tgkill, getpid(), waiter_tid, SIGUSR1);
  while (!at_go) pause_ms(1);
  pause_ms(50);  /* the thread waits for go by now */
  __atomic_store_n(&go, 1, __ATOMIC_RELEASE);
  syscall(SYS_futex, &go, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
  while (!spinning) pause_ms(1);

  handle_signal(SIGUSR2, on_usr2, 0);
  pause_ms(50);
  syscall(SYS_tgkill, getpid(), waiter_tid, SIGUSR2);
  pthread_join(thread, NULL);

  printf("waiting: futex = %ld (%s), SIGUSR1 handled %d time(s)\n", wait_result,
         wait_result == -1 ? strerror(wait_errno) : "no error", (int)usr1_handled);
  printf("spinning: SIGUSR2 handled %d time(s)\n", (int)usr2_handled);
  check(wait_result == -1 && wait_errno == EINTR && usr1_handled == 1, "the wait ended by the handled SIGUSR1");
  check(usr2_handled == 1, "the spinning thread took SIGUSR2");
  printf("%d failures\n", failures);
  return failures ? 1 : 0;
}
