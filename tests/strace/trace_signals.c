/* trace_signals.c: interrupted and restarted calls as strace shows them: a
   blocking read interrupted by a timer whose SA_RESTART handler feeds the
   pipe (ERESTARTSYS, the signal, the handler's write, rt_sigreturn, the
   restarted read), the same without SA_RESTART (EINTR), and a signal sent
   to itself while blocked in rt_sigsuspend. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static int pipe_fds[2];

static void feed(int sig) { (void)sig; write(pipe_fds[1], "x", 1); }
static void nothing(int sig) { (void)sig; }

static void arm_timer(void) {
  struct itimerval once = {{0, 0}, {0, 100000}};
  setitimer(ITIMER_REAL, &once, NULL);
}

int main(void) {
  write(1, "BEGIN\n", 6);
  pipe2(pipe_fds, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = feed;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  char c;
  arm_timer();
  read(pipe_fds[0], &c, 1);  /* interrupted, restarted, finds the handler's byte */

  sa.sa_handler = nothing;
  sa.sa_flags = 0;
  sigaction(SIGALRM, &sa, NULL);
  arm_timer();
  read(pipe_fds[0], &c, 1);  /* interrupted: EINTR */

  sigset_t block, wait_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, NULL);
  sa.sa_handler = nothing;
  sigaction(SIGUSR1, &sa, NULL);
  kill(getpid(), SIGUSR1);  /* pending while blocked */
  sigemptyset(&wait_mask);
  sigsuspend(&wait_mask);   /* lets it in */
  write(1, "END\n", 4);
  return 0;
}
