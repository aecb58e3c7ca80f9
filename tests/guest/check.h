/* check.h: the one-line-per-check reporting the guest test programs share.
   check() prints "ok   <what>" or "FAIL <what>" and counts failures; the
   programs print the count at the end and exit 1 when it is not zero. */
#ifndef FERRY_TESTS_GUEST_CHECK_H_
#define FERRY_TESTS_GUEST_CHECK_H_

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("%s ", ok ? "ok  " : "FAIL");
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  if (!ok) failures++;
}

#ifdef _GNU_SOURCE
/* Prints "what: r", or "what: -1 ENAME" with errno's name when r < 0: a
   call's answer as the kernel gave it. */
__attribute__((unused)) static void show_result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}
#endif

/* Installs `handler` for `sig` with `flags` and an empty mask; exits 2
   (the test cannot run) when sigaction refuses. */
__attribute__((unused)) static void handle_signal(int sig, void (*handler)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = flags;
  if (sigaction(sig, &sa, NULL) != 0) {
    perror("sigaction");
    _exit(2);
  }
}

/* The same for an SA_SIGINFO handler. */
__attribute__((unused)) static void handle_signal_info(int sig, void (*handler)(int, siginfo_t *, void *), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = flags | SA_SIGINFO;
  if (sigaction(sig, &sa, NULL) != 0) {
    perror("sigaction");
    _exit(2);
  }
}

#endif
