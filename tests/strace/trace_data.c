/* trace_data.c: epoll, splice, tee, vmsplice and Linux AIO calls with
   deterministic arguments, traced by the real strace natively and by ferry
   --strace (tests/strace/compare.sh): epoll flags, control operations and
   events (in and out, an unknown operation, a bad fd, a wait with an
   unmapped array and nothing to report), splice offsets (shown as the call
   found them) and flags, and iocbs, io_events and contexts. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

int main(void) {
  write(1, "BEGIN\n", 6);
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = 0x1122334455667788ULL};
  epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev);
  ev.events = EPOLLOUT | EPOLLONESHOT;
  ev.data.fd = sv[1];
  epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev);
  epoll_ctl(ep, EPOLL_CTL_DEL, sv[1], NULL);
  epoll_ctl(ep, EPOLL_CTL_MOD, 99, &ev);
  epoll_ctl(ep, 7, sv[0], &ev);
  struct epoll_event got[4];
  write(sv[1], "ping", 4);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR1);
  epoll_pwait(ep, got, 4, 0, &mask);
  epoll_pwait(ep, got, 4, 10, NULL);
  struct timespec ts = {0, 1000000};
  syscall(SYS_epoll_pwait2, ep, got, 4, &ts, NULL, 8);
  syscall(SYS_epoll_pwait2, ep, got, 0, NULL, NULL, 8);
  syscall(SYS_epoll_pwait, ep, (void*)16, 4, 0, NULL, 8);

  int p[2], q[2];
  pipe(p);
  pipe(q);
  splice(sv[0], NULL, p[1], NULL, 4, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  tee(p[0], q[1], 4, 0);
  loff_t off = 0;
  int f = open("data.tmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
  splice(p[0], NULL, f, &off, 4, 0);
  char text[] = "gift";
  struct iovec iov = {text, 4};
  vmsplice(q[1], &iov, 1, SPLICE_F_GIFT);
  splice(-1, NULL, f, NULL, 4, 0x10);

  aio_context_t ctx = 0;
  syscall(SYS_io_setup, 4, &ctx);
  struct iocb cb;
  memset(&cb, 0, sizeof cb);
  cb.aio_data = 42;
  cb.aio_lio_opcode = IOCB_CMD_PWRITE;
  cb.aio_fildes = f;
  cb.aio_buf = (uint64_t)(uintptr_t)"hello";
  cb.aio_nbytes = 5;
  cb.aio_offset = 8;
  struct iocb* cbs[1] = {&cb};
  syscall(SYS_io_submit, ctx, 1, cbs);
  struct io_event events[2];
  struct timespec wait = {1, 0};
  syscall(SYS_io_getevents, ctx, 1, 2, events, &wait);
  char back[8];
  cb.aio_lio_opcode = IOCB_CMD_PREAD;
  cb.aio_buf = (uint64_t)(uintptr_t)back;
  syscall(SYS_io_submit, ctx, 1, cbs);
  syscall(SYS_io_cancel, ctx, &cb, &events[0]);
  syscall(SYS_io_getevents, ctx, 1, 2, events, NULL);
  syscall(SYS_io_destroy, ctx);
  syscall(SYS_io_submit, ctx, 1, cbs);
  unlink("data.tmp");
  write(1, "END\n", 4);
  return 0;
}
