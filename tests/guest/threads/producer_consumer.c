/* producer_consumer.c [MODE]: a producer thread writes 20000 numbered 8-byte
   records through a pipe to a consumer thread while a third thread sends
   SIGUSR1 to producer and consumer in turn (pthread_kill, every ~100 us)
   until the producer is done. The consumer checks the sequence and a
   checksum. MODE "restart" (default): the handler is SA_RESTART, so no read
   or write may fail with EINTR. MODE "eintr": no SA_RESTART, and both sides
   retry on EINTR. Either way no record may be lost, duplicated or torn: a
   thread interrupted in a blocking pipe call must resume exactly (or fail
   with nothing transferred), and each signal must reach the thread it was
   sent to. Producer and consumer each wait for their first signal before
   starting, so "got signals" is certain; the counts themselves vary and
   are not printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define RECORDS 20000

struct record {
  uint32_t seq;
  uint32_t check;
};
static uint32_t check_of(uint32_t seq) { return seq * 2654435761u ^ 0x5a5a5a5au; }

static int fds[2];
static pthread_t producer_thread, consumer_thread;
static volatile int producer_done;
static int producer_hits, consumer_hits, other_hits;
static int eintr_count, short_writes, write_errors, read_errors;

static void on_usr1(int sig) {
  (void)sig;
  pthread_t self = pthread_self();
  if (pthread_equal(self, producer_thread)) __atomic_add_fetch(&producer_hits, 1, __ATOMIC_SEQ_CST);
  else if (pthread_equal(self, consumer_thread)) __atomic_add_fetch(&consumer_hits, 1, __ATOMIC_SEQ_CST);
  else __atomic_add_fetch(&other_hits, 1, __ATOMIC_SEQ_CST);
}

static void pause_us(long us) {
  struct timespec t = {0, us * 1000};
  while (nanosleep(&t, &t) != 0 && errno == EINTR) {
  }
}
/* Waits (at most ~5 s) until this thread has taken a signal. */
static void await_first_signal(int* hits) {
  for (int i = 0; i < 5000 && __atomic_load_n(hits, __ATOMIC_SEQ_CST) == 0; i++) pause_us(1000);
}

static void* producer(void* arg) {
  (void)arg;
  await_first_signal(&producer_hits);
  for (uint32_t seq = 0; seq < RECORDS; seq++) {
    struct record r = {seq, check_of(seq)};
    ssize_t n;
    while ((n = write(fds[1], &r, sizeof r)) < 0 && errno == EINTR) __atomic_add_fetch(&eintr_count, 1, __ATOMIC_SEQ_CST);
    if (n < 0) {
      write_errors++;
      break;
    }
    if (n != sizeof r) short_writes++; /* a pipe write of <= PIPE_BUF bytes is atomic */
  }
  producer_done = 1;
  close(fds[1]);
  return NULL;
}

static long received, out_of_order;
static uint64_t checksum;
static void* consumer(void* arg) {
  (void)arg;
  await_first_signal(&consumer_hits);
  unsigned char buf[64 + sizeof(struct record)];
  size_t have = 0;
  for (;;) {
    ssize_t n = read(fds[0], buf + have, 64);
    if (n < 0 && errno == EINTR) {
      __atomic_add_fetch(&eintr_count, 1, __ATOMIC_SEQ_CST);
      continue;
    }
    if (n < 0) read_errors++;
    if (n <= 0) break;
    have += n;
    size_t used = 0;
    for (; have - used >= sizeof(struct record); used += sizeof(struct record)) {
      struct record r;
      memcpy(&r, buf + used, sizeof r);
      if (r.seq != received || r.check != check_of(r.seq)) out_of_order++;
      checksum += r.check;
      received++;
    }
    memmove(buf, buf + used, have - used);
    have -= used;
  }
  if (have != 0) out_of_order++; /* a torn record at the end */
  return NULL;
}

static void* signaller(void* arg) {
  (void)arg;
  for (long i = 0; !producer_done; i++) {
    pthread_kill(i % 2 ? consumer_thread : producer_thread, SIGUSR1);
    pause_us(100);
  }
  return NULL;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  alarm(30); /* a hang fails fast (SIGALRM) instead of at the harness timeout */
  int restart = !(argc > 1 && strcmp(argv[1], "eintr") == 0);
  handle_signal(SIGUSR1, on_usr1, restart ? SA_RESTART : 0);
  if (pipe(fds) != 0) return 2;
  fcntl(fds[1], F_SETPIPE_SZ, 4096); /* one page: both sides block often */

  /* pthread_create stores each id before the thread starts, and the
     signaller starts last: the handler and the signaller see both ids. */
  pthread_create(&producer_thread, NULL, producer, NULL);
  pthread_create(&consumer_thread, NULL, consumer, NULL);
  pthread_t sig_thread;
  pthread_create(&sig_thread, NULL, signaller, NULL);
  pthread_join(sig_thread, NULL);
  pthread_join(producer_thread, NULL);
  pthread_join(consumer_thread, NULL);
  uint64_t expected = 0;
  for (uint32_t seq = 0; seq < RECORDS; seq++) expected += check_of(seq);

  printf("mode %s\n", restart ? "restart (SA_RESTART)" : "eintr (no SA_RESTART, retried)");
  printf("records received: %ld\n", received);
  check(out_of_order == 0, "every record in sequence and intact");
  check(checksum == expected, "checksum matches");
  check(write_errors == 0 && read_errors == 0, "no read or write errors");
  check(short_writes == 0, "no short writes");
  check(producer_hits > 0, "producer took signals");
  check(consumer_hits > 0, "consumer took signals");
  check(other_hits == 0, "no signal ran in another thread");
  if (restart) check(eintr_count == 0, "no EINTR with SA_RESTART");
  printf("%d failure(s)\n", failures);
  return failures != 0;
}
