/* quiet_pipe_write.c: big writes to a pipe that fills while signals the
   process ignores (SIGWINCH, SIGURG by default) or blocks (SIGUSR1) keep
   arriving, and while another thread keeps installing and removing a
   handler for a signal nobody sends (SIGUSR2). None of that may cut a write
   short: natively the kernel never wakes the writer for it, so each call
   returns the whole length. (Under ferry a write that blocks on a pipe
   waits inline, where any host signal interrupts it, ferry's kick among
   them; a partly done pipe write then returns its count.) Each of write,
   writev and pwritev2 at the current position is tried. (vmsplice is not:
   it waits for room once and returns what fit, natively too.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { kLength = 1 << 20, kCalls = 3 };

static void pause_ms(long ms) {
  struct timespec t = {0, ms * 1000000L};
  nanosleep(&t, NULL);
}

static atomic_int done;

static void on_usr2(int sig) { (void)sig; }

/* A handler coming and going: each install makes SIGUSR2 loud while the
   writer may be holding it off as quiet. */
static void* toggle_usr2(void* unused) {
  (void)unused;
  struct sigaction handled = {.sa_handler = on_usr2}, ignored = {.sa_handler = SIG_IGN};
  while (!atomic_load(&done)) {
    sigaction(SIGUSR2, &handled, NULL);
    pause_ms(1);
    sigaction(SIGUSR2, &ignored, NULL);
    pause_ms(1);
  }
  return NULL;
}

int main(int argc, char** argv) {
  int first_call = argc > 1 ? atoi(argv[1]) % kCalls : 0;
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
  signal(SIGUSR2, SIG_IGN);
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
    _exit(total == (long)kCalls * kLength ? 0 : 1);
  }
  pid_t pinger = fork();
  if (pinger == 0) {  /* quiet signals at the writer until it is done */
    close(fds[0]);
    close(fds[1]);
    int sigs[] = {SIGWINCH, SIGURG, SIGUSR1};
    for (int i = 0; kill(writer, sigs[i % 3]) == 0; i++) pause_ms(1);
    _exit(0);
  }
  close(fds[0]);
  pthread_t toggler;
  pthread_create(&toggler, NULL, toggle_usr2, NULL);
  char* buf = malloc(kLength);
  memset(buf, 'x', kLength);
  struct iovec halves[2] = {{buf, kLength / 2}, {buf + kLength / 2, kLength / 2}};
  /* The reader's first pause fills the pipe: the first handler install
     comes while the first call waits, so each call in turn is first. */
  const char* names[kCalls] = {"write", "writev", "pwritev2"};
  ssize_t written[kCalls];
  for (int i = 0; i < kCalls; i++) {
    int call = (first_call + i) % kCalls;
    written[call] = call == 0   ? write(fds[1], buf, kLength)
                    : call == 1 ? writev(fds[1], halves, 2)
                                : pwritev2(fds[1], halves, 2, -1, 0);
  }
  close(fds[1]);
  atomic_store(&done, 1);
  pthread_join(toggler, NULL);
  kill(pinger, SIGKILL);
  int status;
  waitpid(pinger, &status, 0);
  waitpid(reader, &status, 0);
  int whole = 1;
  for (int i = 0; i < kCalls; i++) {
    printf("%s of %d bytes returned %zd\n", names[i], kLength, written[i]);
    whole &= written[i] == kLength;
  }
  int all_read = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  printf("reader %s\n", all_read ? "got them all" : "came up short");
  return whole && all_read ? 0 : 1;
}
