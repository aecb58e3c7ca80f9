/* deadlock_pipe.c: the classic emulator deadlock. An SA_RESTART handler for
   SIGUSR1 writes to a pipe the program is blocked reading; the signal comes
   from outside (the test sends it after half a second). Must print the byte
   and exit 0; a naive emulator never runs the handler and hangs. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static int fds[2];

static void on_usr1(int sig) {
  (void)sig;
  char c = 'x';
  if (write(fds[1], &c, 1) != 1) _exit(3);
}

int main(void) {
  if (pipe(fds) != 0) return 2;
  handle_signal(SIGUSR1, on_usr1, SA_RESTART);
  printf("blocked in read(), waiting for SIGUSR1\n");
  fflush(stdout);
  char c = 0;
  ssize_t n = read(fds[0], &c, 1);
  printf("read returned %zd, byte '%c'\n", n, c);
  return n == 1 && c == 'x' ? 0 : 1;
}
