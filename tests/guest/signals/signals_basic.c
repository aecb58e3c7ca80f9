/* signals_basic.c: guest signal handling without blocking calls: raise and
   kill to self, SA_SIGINFO payloads, real-time signals queued while blocked
   and delivered in order with their values (up to SIGRTMAX = 64), sigpending,
   sigwait, SA_RESETHAND, SA_NODEFER,
   sigaltstack, FP state kept across a handler, and finally death by SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile int order[16], norder;
static volatile int values[16];
static volatile int depth, max_depth, raises;
static char altstack[64 * 1024];
static volatile int on_alt;

static void record(int sig, siginfo_t* info, void* uc) {
  (void)uc;
  order[norder] = sig;
  values[norder] = info->si_code == SI_QUEUE ? info->si_value.sival_int : -1;
  norder++;
}

static void nested(int sig) {
  if (++depth > max_depth) max_depth = depth;
  if (++raises < 3) raise(sig);  /* runs inside this handler only with SA_NODEFER */
  depth--;
}

static void where(int sig) {
  (void)sig;
  char here;
  on_alt = &here >= altstack && &here < altstack + sizeof altstack;
}

static void fp_clobber(int sig) {
  (void)sig;
  volatile double x = 3.0;
  for (int i = 0; i < 10; i++) x = x * 1.5 + 0.25;
}

static void install(int sig, void (*fn)(int), void (*act)(int, siginfo_t*, void*), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  if (act) {
    sa.sa_sigaction = act;
    sa.sa_flags = flags | SA_SIGINFO;
  } else {
    sa.sa_handler = fn;
    sa.sa_flags = flags;
  }
  sigaction(sig, &sa, NULL);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  install(SIGUSR1, NULL, record, 0);
  raise(SIGUSR1);
  kill(getpid(), SIGUSR1);
  printf("raise+kill: %d deliveries, signal %d\n", norder, order[0]);

  /* Real-time signals queued while blocked come out lowest number first,
     same-number ones in order, each with its value. */
  norder = 0;
  int rt[] = {SIGRTMIN + 3, SIGRTMIN, SIGRTMIN + 3, SIGRTMAX};
  sigset_t block, old;
  sigemptyset(&block);
  for (int i = 0; i < 4; i++) {
    install(rt[i], NULL, record, 0);
    sigaddset(&block, rt[i]);
  }
  sigprocmask(SIG_BLOCK, &block, &old);
  for (int i = 0; i < 4; i++) {
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = rt[i];
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_int = 100 + i;
    syscall(SYS_rt_sigqueueinfo, getpid(), rt[i], &si);
  }
  sigset_t pending;
  sigpending(&pending);
  printf("pending while blocked: rtmin=%d rtmin+3=%d rtmax=%d\n", sigismember(&pending, SIGRTMIN),
         sigismember(&pending, SIGRTMIN + 3), sigismember(&pending, SIGRTMAX));
  sigprocmask(SIG_SETMASK, &old, NULL);
  for (int i = 0; i < norder; i++) printf("  delivered %d value %d\n", order[i], values[i]);

  /* sigwait takes a blocked signal without running its handler. */
  sigset_t usr2;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  sigprocmask(SIG_BLOCK, &usr2, NULL);
  kill(getpid(), SIGUSR2);
  int got = 0;
  sigwait(&usr2, &got);
  printf("sigwait: %d\n", got);

  /* SA_NODEFER lets a handler interrupt itself; without it the signal waits. */
  install(SIGHUP, nested, NULL, SA_NODEFER);
  raise(SIGHUP);
  printf("SA_NODEFER nesting depth %d\n", max_depth);
  max_depth = depth = raises = 0;
  install(SIGHUP, nested, NULL, 0);
  raise(SIGHUP);
  printf("deferred nesting depth %d\n", max_depth);

  /* sigaltstack and SA_ONSTACK. */
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  install(SIGURG, where, NULL, SA_ONSTACK);
  raise(SIGURG);
  printf("SA_ONSTACK handler on the alternate stack: %s\n", on_alt ? "yes" : "no");
  install(SIGURG, where, NULL, 0);
  raise(SIGURG);
  printf("plain handler on the alternate stack: %s\n", on_alt ? "yes" : "no");

  /* FP registers survive a handler that uses them. */
  install(SIGWINCH, fp_clobber, NULL, 0);
  volatile double a = 1.0 / 3.0;
  double b = a * 7.0;
  raise(SIGWINCH);
  printf("fp after handler: %.12f\n", b + a);

  /* SA_RESETHAND: the second SIGUSR1 meets the default action and ends us. */
  norder = 0;
  install(SIGTERM, NULL, record, SA_RESETHAND);
  raise(SIGTERM);
  printf("SA_RESETHAND: handled %d; raising SIGTERM again\n", norder);
  raise(SIGTERM);
  printf("not reached\n");
  return 0;
}
