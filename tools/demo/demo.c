// The README's demo guest: the classic emulator deadlock. An SA_RESTART
// handler for SIGUSR1 writes to a socket that main() is blocked reading; the
// signal comes from outside (tools/run sends it after half a second). A
// socket, because ferry waits for a blocked socket read in its ptrace-
// controlled helper (a blocked pipe read waits inline, ARCHITECTURE.md).
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static int fds[2];

static void on_usr1(int sig) {
  (void)sig;
  static const char msg[] = "  [handler] SIGUSR1 arrived; writing a byte into the socket\n";
  write(1, msg, sizeof msg - 1);
  write(fds[1], "!", 1);
}

int main(void) {
  struct utsname u;
  uname(&u);
  socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  printf("  [%s guest, pid %d] blocking in read() on an empty socket...\n", u.machine, getpid());
  fflush(stdout);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  char c = 0;
  ssize_t n = read(fds[0], &c, 1);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("  [main] read() returned %zd byte '%c' after %.2f s; exiting 0\n", n, c,
         (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
  return n == 1 && c == '!' ? 0 : 1;
}
