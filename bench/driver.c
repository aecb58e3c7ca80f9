// driver: the native, outside half of ferry's interactive benchmarks.
//
//   driver signal COUNT TIMEOUT_S CMD [ARGS...]
//   driver pingpong ROUNDS TIMEOUT_S CMD [ARGS...]
//
// Starts CMD (a guest program, directly or under qemu-user or ferry) with a
// pipe from the driver as fd 3, a pipe to the driver as fd 4 and its stdout
// captured, then:
//
// signal    (guest: signal_latency.c) waits for the guest's ready record,
//           then COUNT times: sleeps 2 ms and waits until /proc/PID/stat says
//           the process sleeps (it is blocked in read), takes
//           CLOCK_MONOTONIC, sends SIGUSR1 and reads back the handler's own
//           CLOCK_MONOTONIC timestamp. Latency = handler time - send time.
//           Finally sends 'q' and expects "signal_latency handled COUNT".
// pingpong  (guest: pipe_pingpong.c) waits for the ready byte, then ROUNDS
//           times writes one byte and reads the guest's answer (byte + 1),
//           timing the whole exchange. Finally closes the guest's input and
//           expects "pipe_pingpong rounds ROUNDS checksum ..." as computed here.
//           Free-running like this, the answer's wake-up often lets the driver
//           send the next byte before the guest is back in read(), so many
//           reads find data waiting and never block.
// pingpong-blocked  the same, but before each byte the driver waits until
//           /proc/PID/stat says the guest sleeps (blocked in read), and it
//           times only write -> answer: every round trip wakes a blocked read.
//
// Prints the guest's stdout, then one line starting "driver:" with the
// measurements. Exit status: 0 ok, 1 wrong answer or guest failure, 3 the
// guest did not answer within TIMEOUT_S seconds (a hang; the guest is killed),
// 2 usage or setup error.
//
// A mode with the suffix "-socket" (signal-socket, pingpong-blocked-socket)
// gives the guest Unix stream socket ends as fds 3 and 4 instead of pipes:
// ferry waits for a blocked socket read in its syscall helper, for a pipe
// read inline, so the two measure the two paths.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t child = -1;
static int timeout_ms;
static int stdout_fd = -1;  // the guest's stdout

static void fail(int status, const char* fmt, const char* detail) {
  fprintf(stderr, "driver: ");
  fprintf(stderr, fmt, detail);
  fprintf(stderr, "\n");
  if (child > 0) {
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
  }
  exit(status);
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// Reads exactly n bytes, waiting at most timeout_ms for each chunk.
// Returns n, 0 at EOF, -1 on timeout.
static ssize_t read_full(int fd, void* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) fail(2, "poll: %s", strerror(errno));
    if (r == 0) return -1;
    ssize_t k = read(fd, (char*)buf + got, n - got);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) fail(2, "read: %s", strerror(errno));
    if (k == 0) return 0;
    got += (size_t)k;
  }
  return (ssize_t)n;
}

static void need(int fd, void* buf, size_t n, const char* what) {
  ssize_t r = read_full(fd, buf, n);
  if (r < 0) fail(3, "hang: no %s within the timeout", what);
  if (r == 0) fail(1, "the guest closed its output before %s", what);
}

static void send_byte(int fd, unsigned char c) {
  while (write(fd, &c, 1) != 1) {
    if (errno != EINTR) fail(1, "write to the guest: %s", strerror(errno));
  }
}

static char proc_state(pid_t pid) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return '?';
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return '?';
  buf[n] = 0;
  char* p = strrchr(buf, ')');  // comm may contain spaces
  return p && p[1] == ' ' ? p[2] : '?';
}

// Collects the guest's stdout after its input is finished, then reaps it.
static void finish_guest(char* text, size_t cap) {
  int out_fd = stdout_fd;
  size_t len = 0;
  for (;;) {
    struct pollfd p = {.fd = out_fd, .events = POLLIN};
    int r = poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) fail(3, "hang: the guest did not exit within the timeout%s", "");
    ssize_t k = read(out_fd, text + len, cap - 1 - len);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    len += (size_t)k;
    if (len == cap - 1) break;
  }
  text[len] = 0;
  int status;
  int64_t deadline = now_ns() + (int64_t)timeout_ms * 1000000;
  for (;;) {
    pid_t r = waitpid(child, &status, WNOHANG);
    if (r == child) break;
    if (r < 0 && errno != EINTR) fail(2, "waitpid: %s", strerror(errno));
    if (now_ns() > deadline) fail(3, "hang: the guest did not exit within the timeout%s", "");
    usleep(1000);
  }
  child = -1;
  fputs(text, stdout);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    char why[64];
    if (WIFSIGNALED(status))
      snprintf(why, sizeof why, "killed by signal %d", WTERMSIG(status));
    else
      snprintf(why, sizeof why, "exit status %d", WEXITSTATUS(status));
    fail(1, "the guest failed: %s", why);
  }
}

static int cmp_i64(const void* a, const void* b) {
  int64_t x = *(const int64_t*)a, y = *(const int64_t*)b;
  return (x > y) - (x < y);
}

static double pct_us(const int64_t* sorted, long n, double q) {
  long i = (long)(q * (double)(n - 1) + 0.5);
  return (double)sorted[i] / 1000.0;
}

static void run_signal(long count, int in_fd, int out_fd) {
  int64_t rec[2];
  need(out_fd, rec, sizeof rec, "ready record");
  if (rec[0] != 0) fail(1, "bad ready record%s", "");
  int64_t* lat = malloc(sizeof(int64_t) * (size_t)count);
  long not_sleeping = 0;
  if (!lat) fail(2, "out of memory%s", "");
  for (long i = 1; i <= count; i++) {
    // Let the guest get back into read(), then make sure it sleeps there.
    struct timespec settle = {0, 2000000};
    nanosleep(&settle, NULL);
    int tries = 0;
    while (proc_state(child) != 'S' && tries < 10000) {
      usleep(100);
      tries++;
    }
    if (tries == 10000) not_sleeping++;
    int64_t sent = now_ns();
    if (kill(child, SIGUSR1) != 0) fail(1, "kill: %s", strerror(errno));
    char what[64];
    snprintf(what, sizeof what, "handler record for signal %ld", i);
    need(out_fd, rec, sizeof rec, what);
    if (rec[0] != i) {
      snprintf(what, sizeof what, "record %lld for signal %ld", (long long)rec[0], i);
      fail(1, "wrong sequence number: %s", what);
    }
    lat[i - 1] = rec[1] - sent;
    if (lat[i - 1] < 0) fail(1, "handler timestamp before the kill()%s", "");
  }
  send_byte(in_fd, 'q');
  close(in_fd);
  char text[4096], want[128];
  finish_guest(text, sizeof text);
  snprintf(want, sizeof want, "signal_latency handled %ld\n", count);
  if (strcmp(text, want) != 0) fail(1, "unexpected guest output (want \"signal_latency handled N\")%s", "");
  qsort(lat, (size_t)count, sizeof *lat, cmp_i64);
  printf("driver: signals %ld median_us %.1f p10_us %.1f p90_us %.1f min_us %.1f max_us %.1f"
         " not_sleeping %ld\n",
         count, pct_us(lat, count, 0.5), pct_us(lat, count, 0.1), pct_us(lat, count, 0.9),
         pct_us(lat, count, 0.0), pct_us(lat, count, 1.0), not_sleeping);
  free(lat);
}

// Waits until the guest process sleeps (blocked in a syscall); returns 0 if it
// did not within a second.
static int wait_sleeping(void) {
  int64_t deadline = now_ns() + 1000000000;
  while (proc_state(child) != 'S') {
    if (now_ns() > deadline) return 0;
    sched_yield();  // pinned to the guest's CPU, let it run
  }
  return 1;
}

// blocked: before each byte, wait until the guest sleeps in read(), and time
// only write -> answer, so every round trip wakes a blocked read.
static void run_pingpong(long rounds, int blocked, int in_fd, int out_fd) {
  unsigned char c;
  need(out_fd, &c, 1, "ready byte");
  if (c != 'R') fail(1, "bad ready byte%s", "");
  uint64_t sum = 0;
  int64_t* trip = blocked ? malloc(sizeof(int64_t) * (size_t)rounds) : NULL;
  int64_t in_trips = 0;
  long not_sleeping = 0;
  if (blocked && !trip) fail(2, "out of memory%s", "");
  int64_t start = now_ns();
  for (long i = 0; i < rounds; i++) {
    unsigned char b = (unsigned char)(i * 7 + 1);
    if (blocked && !wait_sleeping()) not_sleeping++;
    int64_t sent = blocked ? now_ns() : 0;
    send_byte(in_fd, b);
    need(out_fd, &c, 1, "answer");
    if (blocked) {
      trip[i] = now_ns() - sent;
      in_trips += trip[i];
    }
    if (c != (unsigned char)(b + 1)) fail(1, "wrong answer byte%s", "");
    sum = sum * 31 + b;
  }
  int64_t elapsed = now_ns() - start;
  close(in_fd);
  char text[4096], want[128];
  finish_guest(text, sizeof text);
  snprintf(want, sizeof want, "pipe_pingpong rounds %ld checksum %016llx\n", rounds,
           (unsigned long long)sum);
  if (strcmp(text, want) != 0) fail(1, "unexpected guest output (want %s)", "pipe_pingpong rounds N checksum ...");
  if (!blocked) {
    printf("driver: rounds %ld total_s %.4f per_round_us %.2f\n", rounds, (double)elapsed / 1e9,
           (double)elapsed / 1000.0 / (double)rounds);
    return;
  }
  qsort(trip, (size_t)rounds, sizeof *trip, cmp_i64);
  printf("driver: rounds %ld total_s %.4f trips_s %.4f mean_us %.2f median_us %.1f p10_us %.1f"
         " p90_us %.1f not_sleeping %ld\n",
         rounds, (double)elapsed / 1e9, (double)in_trips / 1e9,
         (double)in_trips / 1000.0 / (double)rounds, pct_us(trip, rounds, 0.5),
         pct_us(trip, rounds, 0.1), pct_us(trip, rounds, 0.9), not_sleeping);
  free(trip);
}

// A pipe, or a Unix stream socket pair used the same way: one end for the
// guest, the other for the driver.
static int make_channel(int ends[2], int socket) {
  if (!socket) return pipe2(ends, O_CLOEXEC);
  return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends);
}

int main(int argc, char** argv) {
  char mode[32];
  snprintf(mode, sizeof mode, "%s", argc > 1 ? argv[1] : "");
  size_t len = strlen(mode);
  int socket = len > 7 && strcmp(mode + len - 7, "-socket") == 0;
  if (socket) mode[len - 7] = '\0';
  if (argc < 5 || (strcmp(mode, "signal") != 0 && strcmp(mode, "pingpong") != 0 &&
                   strcmp(mode, "pingpong-blocked") != 0)) {
    fprintf(stderr, "usage: driver signal|pingpong|pingpong-blocked[-socket] COUNT TIMEOUT_S CMD [ARGS...]\n");
    return 2;
  }
  long count = atol(argv[2]);
  timeout_ms = (int)(atof(argv[3]) * 1000);
  if (count < 1 || timeout_ms < 1) {
    fprintf(stderr, "driver: COUNT and TIMEOUT_S must be positive\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  int to_guest[2], from_guest[2], guest_stdout[2];
  if (make_channel(to_guest, socket) || make_channel(from_guest, socket) || pipe2(guest_stdout, O_CLOEXEC))
    fail(2, "pipe: %s", strerror(errno));
  fflush(stdout);
  child = fork();
  if (child < 0) fail(2, "fork: %s", strerror(errno));
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGPIPE, SIG_DFL);
    // Move the ends out of the way first, so dup2 onto 1/3/4 cannot clobber them.
    int r = fcntl(to_guest[0], F_DUPFD, 10);
    int w = fcntl(from_guest[1], F_DUPFD, 10);
    int o = fcntl(guest_stdout[1], F_DUPFD, 10);
    if (r < 0 || w < 0 || o < 0 || dup2(r, 3) < 0 || dup2(w, 4) < 0 || dup2(o, 1) < 0) _exit(126);
    close(r);
    close(w);
    close(o);
    execvp(argv[4], argv + 4);
    fprintf(stderr, "driver: exec %s: %s\n", argv[4], strerror(errno));
    _exit(127);
  }
  close(to_guest[0]);
  close(from_guest[1]);
  close(guest_stdout[1]);
  stdout_fd = guest_stdout[0];
  if (strcmp(mode, "signal") == 0)
    run_signal(count, to_guest[1], from_guest[0]);
  else
    run_pingpong(count, strcmp(mode, "pingpong-blocked") == 0, to_guest[1], from_guest[0]);
  return 0;
}
