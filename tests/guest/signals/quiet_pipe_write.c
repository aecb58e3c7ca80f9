/* quiet_pipe_write.c: a big write() to a pipe that fills while signals the
   process ignores (SIGWINCH, SIGURG by default) or blocks (SIGUSR1) keep
   arriving. None of them may cut the write short: natively the kernel never
   wakes the writer for them, so write() returns the whole length. (Under
   ferry a write that blocks on a pipe waits inline, where any host signal
   interrupts it; a partly done pipe write then returns its count.) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { kLength = 1 << 20 };

static void pause_ms(long ms) {
  struct timespec t = {0, ms * 1000000L};
  nanosleep(&t, NULL);
}

int main(void) {
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
  int fds[2];
  if (pipe(fds) != 0) return 2;
  pid_t writer = getpid();
  pid_t reader = fork();
  if (reader == 0) {  /* drains slowly, so the writer blocks many times */
    close(fds[1]);
    static char chunk[4096];
    long total = 0;
    ssize_t n;
    pause_ms(50);
    while ((n = read(fds[0], chunk, sizeof chunk)) > 0) {
      total += n;
      if (total % (64 * 1024) < 4096) pause_ms(2);
    }
    _exit(total == kLength ? 0 : 1);
  }
  pid_t pinger = fork();
  if (pinger == 0) {  /* quiet signals at the writer until it is done */
    close(fds[0]);
    close(fds[1]);
    int sigs[] = {SIGWINCH, SIGURG, SIGUSR1};
    for (int i = 0; i < 400 && kill(writer, sigs[i % 3]) == 0; i++) pause_ms(1);
    _exit(0);
  }
  close(fds[0]);
  char* buf = malloc(kLength);
  memset(buf, 'x', kLength);
  ssize_t written = write(fds[1], buf, kLength);
  close(fds[1]);
  kill(pinger, SIGKILL);
  int status;
  waitpid(pinger, &status, 0);
  waitpid(reader, &status, 0);
  printf("write of %d bytes returned %zd; reader %s\n", kLength, written,
         WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "got them all" : "came up short");
  return written == kLength && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
