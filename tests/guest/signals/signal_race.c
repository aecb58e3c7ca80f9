/* signal_race.c ITERATIONS MODE [socket]: a SIGALRM lands at a random
   instant around a blocking read (before it, during it, as it completes);
   its handler writes one byte. The bytes travel through a pipe, or with
   "socket" through a Unix stream socket pair (under ferry a blocked pipe
   read is an inline safe syscall, a socket read runs in the syscall helper:
   both paths must be race-free). A pipe keeps the unread bytes (up to one
   per iteration), so most of its reads find data; a socket would stop
   taking the 1-byte writes after a few hundred (each is a buffer of its
   own), so socket mode drains them after each iteration and its reads
   block whenever no byte was written first. Half the iterations also write a byte before reading, so
   some reads complete just as the signal comes. Every signal must be handled
   exactly once and every byte read exactly once, with (MODE "restart") and
   without SA_RESTART, and nothing may hang. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"

static int fds[2];
static volatile int handled;
static long written;

static void on_alarm(int sig) {
  (void)sig;
  if (write(fds[1], "s", 1) != 1) _exit(3);
  handled++;
}

int main(int argc, char** argv) {
  int iterations = argc > 1 ? atoi(argv[1]) : 1000;
  int restart = argc > 2 && strcmp(argv[2], "restart") == 0;
  int socket = argc > 3 && strcmp(argv[3], "socket") == 0;
  if ((socket ? socketpair(AF_UNIX, SOCK_STREAM, 0, fds) : pipe(fds)) != 0) return 2;
  handle_signal(SIGALRM, on_alarm, restart ? SA_RESTART : 0);
  srand(12345);
  long bytes_read = 0, eintr = 0;
  for (int i = 0; i < iterations; i++) {
    if (rand() % 2) {
      if (write(fds[1], "w", 1) != 1) return 2;
      written++;
    }
    struct itimerval once = {{0, 0}, {0, 1 + rand() % 300}};
    setitimer(ITIMER_REAL, &once, NULL);
    char c;
    ssize_t n;
    while ((n = read(fds[0], &c, 1)) < 0 && errno == EINTR) eintr++;
    if (n != 1) {
      printf("read failed at iteration %d\n", i);
      return 1;
    }
    bytes_read++;
    /* Wait for this iteration's signal: check with SIGALRM blocked, so it
       cannot land between the check and sigsuspend. */
    sigset_t alarm_only, before;
    sigemptyset(&alarm_only);
    sigaddset(&alarm_only, SIGALRM);
    sigprocmask(SIG_BLOCK, &alarm_only, &before);
    while (handled == i) sigsuspend(&before);
    sigprocmask(SIG_SETMASK, &before, NULL);
    if (handled != i + 1) {
      printf("iteration %d: %d signals handled\n", i, handled);
      return 1;
    }
    char spare[64];
    ssize_t k;
    while (socket && (k = recv(fds[0], spare, sizeof spare, MSG_DONTWAIT)) > 0) bytes_read += k;
  }
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  char c;
  while (read(fds[0], &c, 1) == 1) bytes_read++;
  long total = written + handled;
  printf("iterations %d, signals handled %d, bytes written %ld, bytes read %ld: %s\n", iterations,
         handled, total, bytes_read, bytes_read == total && handled == iterations ? "ok" : "MISMATCH");
  fprintf(stderr, "reads interrupted with EINTR: %ld\n", eintr);  /* varies run to run */
  return bytes_read == total && handled == iterations ? 0 : 1;
}
