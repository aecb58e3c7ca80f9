/* restart_classes.c OP MODE: one blocking call interrupted by SIGALRM
   (setitimer, 150 ms apart), with MODE "restart" (SA_RESTART) or
   "norestart". The second signal makes the call's data ready, so a call
   that is restarted completes after two signals and one that fails with
   EINTR stops after one. OP: read (ERESTARTSYS), accept (ERESTARTSYS),
   sigsuspend (ERESTARTNOHAND), ppoll (ERESTARTNOHAND), futex (a timed wait,
   ERESTART_RESTARTBLOCK), nanosleep (ERESTART_RESTARTBLOCK). */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static int fds[2];
static volatile int signals;
static sem_t sem;
static int listener;

static void on_alarm(int sig) {
  (void)sig;
  if (++signals == 2) {
    if (write(fds[1], "x", 1) != 1) _exit(3);
    sem_post(&sem);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    getsockname(listener, (struct sockaddr*)&a, &len);
    connect(c, (struct sockaddr*)&a, len);  /* completes against the backlog */
  }
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: restart_classes OP restart|norestart\n");
    return 2;
  }
  const char* op = argv[1];
  if (pipe(fds) != 0) return 2;
  sem_init(&sem, 0, 0);
  listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(listener, (struct sockaddr*)&addr, sizeof addr);
  listen(listener, 4);

  handle_signal(SIGALRM, on_alarm, strcmp(argv[2], "restart") == 0 ? SA_RESTART : 0);
  struct itimerval every = {{0, 150000}, {0, 150000}};
  setitimer(ITIMER_REAL, &every, NULL);

  long r = -1;
  char c;
  if (strcmp(op, "read") == 0) {
    r = read(fds[0], &c, 1);
  } else if (strcmp(op, "accept") == 0) {
    r = accept(listener, NULL, NULL);
    if (r >= 0) r = 0;
  } else if (strcmp(op, "sigsuspend") == 0) {
    sigset_t none;
    sigemptyset(&none);
    r = sigsuspend(&none);
  } else if (strcmp(op, "ppoll") == 0) {
    struct pollfd p = {fds[0], POLLIN, 0};
    struct timespec t = {5, 0};
    r = ppoll(&p, 1, &t, NULL);
  } else if (strcmp(op, "futex") == 0) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += 5;
    r = sem_timedwait(&sem, &t);
  } else if (strcmp(op, "nanosleep") == 0) {
    struct timespec t = {0, 400000000}, rem = {0, 0};
    r = nanosleep(&t, &rem);
    if (r != 0) printf("rem under 0.4 s: %s\n", rem.tv_sec == 0 && rem.tv_nsec < 400000000 ? "yes" : "no");
  } else {
    fprintf(stderr, "unknown op %s\n", op);
    return 2;
  }
  int err = errno;
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  printf("%s %s: result %ld%s, after %d signal(s)\n", op, argv[2], r,
         r < 0 ? (err == EINTR ? " EINTR" : " other error") : "", signals >= 2 ? 2 : signals);
  return 0;
}
