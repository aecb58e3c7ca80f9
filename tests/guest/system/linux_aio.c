/* linux_aio.c: Linux AIO by raw syscalls, as libaio makes them: a context
   whose id is its ring (libaio reads the ring's magic there), writes and
   reads (PWRITE, PREAD, PREADV) completed with their aio_data and iocb
   pointers, io_pgetevents with a signal mask, and the kernel's errors. */
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static long io_setup(unsigned n, aio_context_t* ctx) { return syscall(SYS_io_setup, n, ctx); }
static long io_destroy(aio_context_t ctx) { return syscall(SYS_io_destroy, ctx); }
static long io_submit(aio_context_t ctx, long n, struct iocb** iocbs) { return syscall(SYS_io_submit, ctx, n, iocbs); }
static long io_getevents(aio_context_t ctx, long min, long n, struct io_event* ev, struct timespec* ts) {
  return syscall(SYS_io_getevents, ctx, min, n, ev, ts);
}

struct aio_ring_header {
  unsigned id, nr, head, tail, magic, compat_features, incompat_features, header_length;
};

static struct iocb* find(struct iocb** iocbs, int n, uint64_t obj) {
  for (int i = 0; i < n; ++i) {
    if ((uint64_t)(uintptr_t)iocbs[i] == obj) return iocbs[i];
  }
  return NULL;
}

int main(void) {
  char path[] = "/tmp/ferry-aio-XXXXXX";
  int fd = mkstemp(path);
  check(fd >= 0, "mkstemp");
  unlink(path);

  aio_context_t ctx = 0;
  check(io_setup(8, &ctx) == 0 && ctx != 0, "io_setup");
  struct aio_ring_header* ring = (struct aio_ring_header*)(uintptr_t)ctx;
  check(ring->magic == 0xa10a10a1, "the context id is the ring: magic %#x", ring->magic);
  check(ring->head == ring->tail, "an empty ring: head == tail");

  aio_context_t again = 1;
  errno = 0;
  check(io_setup(8, &again) == -1 && errno == EINVAL, "io_setup with a nonzero id: EINVAL");
  aio_context_t zero = 0;
  errno = 0;
  check(io_setup(0, &zero) == -1 && errno == EINVAL, "io_setup of 0 events: EINVAL");
  errno = 0;
  check(io_setup(8, (aio_context_t*)8) == -1 && errno == EFAULT, "io_setup with a bad pointer: EFAULT");

  static char out[8192];
  for (size_t i = 0; i < sizeof out; ++i) out[i] = (char)('a' + i % 26);
  struct iocb w = {0};
  w.aio_data = 0x1111;
  w.aio_lio_opcode = IOCB_CMD_PWRITE;
  w.aio_fildes = fd;
  w.aio_buf = (uintptr_t)out;
  w.aio_nbytes = sizeof out;
  struct iocb* one[1] = {&w};
  check(io_submit(ctx, 1, one) == 1, "io_submit a write");
  struct io_event ev[4];
  long n = io_getevents(ctx, 1, 4, ev, NULL);
  check(n == 1, "io_getevents: %ld event", n);
  check(ev[0].data == 0x1111 && ev[0].obj == (uintptr_t)&w && ev[0].res == (long)sizeof out,
        "the write's event: data %#llx, its iocb, res %lld", (unsigned long long)ev[0].data, (long long)ev[0].res);

  static char in1[100], in2[200], in3[300];
  struct iocb r = {0}, rv = {0};
  r.aio_data = 0x2222;
  r.aio_lio_opcode = IOCB_CMD_PREAD;
  r.aio_fildes = fd;
  r.aio_buf = (uintptr_t)in1;
  r.aio_nbytes = sizeof in1;
  r.aio_offset = 26;
  struct iovec iov[2] = {{in2, sizeof in2}, {in3, sizeof in3}};
  rv.aio_data = 0x3333;
  rv.aio_lio_opcode = IOCB_CMD_PREADV;
  rv.aio_fildes = fd;
  rv.aio_buf = (uintptr_t)iov;
  rv.aio_nbytes = 2;
  rv.aio_offset = 1000;
  struct iocb* two[2] = {&r, &rv};
  check(io_submit(ctx, 2, two) == 2, "io_submit a read and a vectored read");
  struct timespec ts = {5, 0};
  n = io_getevents(ctx, 2, 4, ev, &ts);
  check(n == 2, "io_getevents: %ld events", n);
  for (long i = 0; i < n; ++i) {
    struct iocb* which = find(two, 2, ev[i].obj);
    check(which != NULL && ev[i].data == which->aio_data, "event %ld names its iocb and data %#llx", i,
          (unsigned long long)ev[i].data);
    if (which == &r) check(ev[i].res == 100 && memcmp(in1, out + 26, 100) == 0, "the read's bytes");
    if (which == &rv)
      check(ev[i].res == 500 && memcmp(in2, out + 1000, 200) == 0 && memcmp(in3, out + 1200, 300) == 0,
            "the vectored read's bytes");
  }
  check(ring->head == ring->tail, "the ring is empty again");

  /* A bad iocb pointer first: nothing submitted. A bad one second: one. */
  struct iocb* bad[2] = {(struct iocb*)8, &r};
  errno = 0;
  check(io_submit(ctx, 2, bad) == -1 && errno == EFAULT, "io_submit of a bad iocb: EFAULT");
  struct iocb* half[2] = {&r, (struct iocb*)8};
  check(io_submit(ctx, 2, half) == 1, "io_submit stops at a bad iocb: 1 submitted");
  check(io_getevents(ctx, 1, 1, ev, NULL) == 1 && ev[0].obj == (uintptr_t)&r, "and its event comes");
  struct iocb badop = r;
  badop.aio_lio_opcode = 99;
  struct iocb* bo[1] = {&badop};
  errno = 0;
  check(io_submit(ctx, 1, bo) == -1 && errno == EINVAL, "an unknown opcode: EINVAL");
  struct iocb badbuf = r;
  badbuf.aio_buf = 8;
  struct iocb* bb[1] = {&badbuf};
  errno = 0;
  long s = io_submit(ctx, 1, bb);
  check(s == -1 ? errno == EFAULT : s == 1, "a bad buffer: EFAULT at submit or in the event (%ld)", s);
  if (s == 1) check(io_getevents(ctx, 1, 1, ev, NULL) == 1 && ev[0].res == -EFAULT, "the event's -EFAULT");
  errno = 0;
  check(io_submit(ctx, -1, one) == -1 && errno == EINVAL, "io_submit of -1: EINVAL");

  struct io_event result;
  errno = 0;
  check(syscall(SYS_io_cancel, ctx, &r, &result) == -1 && errno == EINVAL, "io_cancel of a finished request: EINVAL");

  /* io_pgetevents with a mask and no wait. */
  sigset_t mask;
  sigemptyset(&mask);
  struct {
    const sigset_t* sigmask;
    size_t size;
  } usig = {&mask, 8};
  struct timespec none = {0, 0};
  check(syscall(SYS_io_pgetevents, ctx, 0, 4, ev, &none, &usig) == 0, "io_pgetevents with nothing to reap: 0");
  usig.size = 4;
  errno = 0;
  check(syscall(SYS_io_pgetevents, ctx, 0, 4, ev, &none, &usig) == -1 && errno == EINVAL,
        "io_pgetevents with a bad sigset size: EINVAL");
  struct timespec small = {0, 20 * 1000 * 1000};
  check(io_getevents(ctx, 1, 4, ev, &small) == 0, "io_getevents times out: 0");

  check(io_destroy(ctx) == 0, "io_destroy");
  errno = 0;
  check(io_destroy(ctx) == -1 && errno == EINVAL, "io_destroy again: EINVAL");
  errno = 0;
  check(io_getevents(ctx, 1, 1, ev, &none) == -1 && errno == EINVAL, "io_getevents on it: EINVAL");
  errno = 0;
  check(io_submit(ctx, 1, one) == -1 && errno == EINVAL, "io_submit on it: EINVAL");
  printf("%d failures\n", failures);
  return failures != 0;
}
