/* check.h: the one-line-per-check reporting the guest test programs share.
   check() prints "ok   <what>" or "FAIL <what>" and counts failures; the
   programs print the count at the end and exit 1 when it is not zero. */
#ifndef FERRY_TESTS_GUEST_CHECK_H_
#define FERRY_TESTS_GUEST_CHECK_H_

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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

/* Prints what a call gave, "what: ok" or "what: -1 <error>", where the
   answer depends on the caller's privileges (root in a sandbox's user
   namespace lacks the initial namespace's capabilities): compared with the
   host's run rather than checked. */
__attribute__((unused)) static void report(const char *what, long r) {
  if (r == -1) {
    printf("%s: -1 %s\n", what, strerror(errno));
  } else {
    printf("%s: ok\n", what);
  }
}

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

/* A child's exit status, or 128+N when signal N killed it; -1 when it
   cannot be waited for. */
__attribute__((unused)) static int exit_code(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* fork() with stdout flushed first, so the child does not print the
   parent's buffered lines again; the child dies after `child_alarm`
   seconds (a hang fails the test). Exits 2 when fork fails. */
__attribute__((unused)) static pid_t fork_flushed(unsigned child_alarm) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    exit(2);
  }
  if (pid == 0) alarm(child_alarm);
  return pid;
}

/* A program of several modes: runs the one argv[1] names (stdout line
   buffered, the whole run under `alarm_seconds`), prints the failure count
   and returns main's status; an unknown mode prints the usage, status 2. */
struct test_mode {
  const char *name;
  void (*run)(void);
};
__attribute__((unused)) static int run_mode(int argc, char **argv, unsigned alarm_seconds,
                                            const struct test_mode *modes, size_t count) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  alarm(alarm_seconds);
  const char *mode = argc > 1 ? argv[1] : "";
  for (size_t i = 0; i < count; i++) {
    if (strcmp(mode, modes[i].name) != 0) continue;
    modes[i].run();
    printf("%d failures\n", failures);
    return failures != 0;
  }
  fprintf(stderr, "usage: %s", argv[0]);
  for (size_t i = 0; i < count; i++) fprintf(stderr, "%s%s", i ? "|" : " ", modes[i].name);
  fprintf(stderr, "\n");
  return 2;
}

/* errno's name, as strace writes it ("EINVAL"); "errno N" for one not listed. */
__attribute__((unused)) static const char *errno_name(int e) {
  static const struct {
    int value;
    const char *name;
  } names[] = {
      {EPERM, "EPERM"},   {ENOENT, "ENOENT"},   {ESRCH, "ESRCH"},     {EINTR, "EINTR"},
      {EIO, "EIO"},       {ENXIO, "ENXIO"},     {E2BIG, "E2BIG"},     {ENOEXEC, "ENOEXEC"},
      {EBADF, "EBADF"},   {ECHILD, "ECHILD"},   {EAGAIN, "EAGAIN"},   {ENOMEM, "ENOMEM"},
      {EACCES, "EACCES"}, {EFAULT, "EFAULT"},   {EBUSY, "EBUSY"},     {EEXIST, "EEXIST"},
      {EXDEV, "EXDEV"},   {ENODEV, "ENODEV"},   {ENOTDIR, "ENOTDIR"}, {EISDIR, "EISDIR"},
      {EINVAL, "EINVAL"}, {EMFILE, "EMFILE"},   {ENOTTY, "ENOTTY"},   {ETXTBSY, "ETXTBSY"},
      {ENOSPC, "ENOSPC"}, {ESPIPE, "ESPIPE"},   {EROFS, "EROFS"},     {EPIPE, "EPIPE"},
      {ERANGE, "ERANGE"}, {ENAMETOOLONG, "ENAMETOOLONG"},           {ENOSYS, "ENOSYS"},
      {ENOTEMPTY, "ENOTEMPTY"}, {ELOOP, "ELOOP"}, {ENOMSG, "ENOMSG"}, {EIDRM, "EIDRM"},
      {EOVERFLOW, "EOVERFLOW"}, {ENOTSOCK, "ENOTSOCK"}, {EMSGSIZE, "EMSGSIZE"},
      {EOPNOTSUPP, "EOPNOTSUPP"}, {EADDRINUSE, "EADDRINUSE"}, {ETIMEDOUT, "ETIMEDOUT"},
      {ECONNREFUSED, "ECONNREFUSED"},
  };
  static char other[32];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (names[i].value == e) return names[i].name;
  }
  snprintf(other, sizeof other, "errno %d", e);
  return other;
}

/* A call's outcome: "ok" when `r` >= 0, else errno's name. */
__attribute__((unused)) static const char *result_name(long r) { return r < 0 ? errno_name(errno) : "ok"; }

/* "what: 3", or "what: EINVAL" when the call failed. */
__attribute__((unused)) static void show_result(const char *what, long r) {
  if (r < 0)
    printf("%s: %s\n", what, errno_name(errno));
  else
    printf("%s: %ld\n", what, r);
}

#endif
