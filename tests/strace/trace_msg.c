/* trace_msg.c: sendmsg, recvmsg, sendmmsg, recvmmsg, setsockopt and
   getsockopt with deterministic arguments, traced by the real strace natively
   and by ferry --strace (tests/strace/compare.sh): msghdr with addresses,
   iovecs and control messages (SCM_RIGHTS, MSG_CTRUNC), MSG_* flags, option
   levels, names and values, and failures. */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

static int bound(const char* path) {
  int s = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  strcpy(a.sun_path, path);
  unlink(path);
  bind(s, (struct sockaddr*)&a, sizeof a);
  return s;
}

int main(void) {
  write(1, "BEGIN\n", 6);
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  struct iovec out[2] = {{"hello ", 6}, {"world", 5}};
  struct msghdr m = {.msg_iov = out, .msg_iovlen = 2};
  sendmsg(sv[0], &m, MSG_NOSIGNAL);
  char a[4], b[16];
  struct iovec in[2] = {{a, sizeof a}, {b, sizeof b}};
  struct msghdr r = {.msg_iov = in, .msg_iovlen = 2};
  recvmsg(sv[1], &r, MSG_PEEK);
  in[1].iov_len = 7;
  recvmsg(sv[1], &r, MSG_WAITALL | MSG_CMSG_CLOEXEC);
  recvmsg(sv[1], &r, MSG_DONTWAIT);
  syscall(SYS_recvmsg, sv[1], NULL, 0);

  int one = 1, type = 0;
  socklen_t len = sizeof type;
  setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
  getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &len);
  setsockopt(sv[0], IPPROTO_TCP, 9999, &one, sizeof one);

  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(2 * sizeof(int))];
  } c;
  memset(&c, 0, sizeof c);
  int ds[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, ds);
  struct iovec iov = {"x", 1};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = c.buf;
  m.msg_controllen = sizeof c.buf;
  struct cmsghdr* h = CMSG_FIRSTHDR(&m);
  h->cmsg_level = SOL_SOCKET;
  h->cmsg_type = SCM_RIGHTS;
  h->cmsg_len = CMSG_LEN(2 * sizeof(int));
  int fds[2] = {0, 1};
  memcpy(CMSG_DATA(h), fds, sizeof fds);
  sendmsg(ds[0], &m, 0);
  union {
    struct cmsghdr h;
    char buf[CMSG_LEN(sizeof(int))];
  } small;
  char byte;
  struct iovec riov = {&byte, 1};
  struct msghdr rm = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = small.buf, .msg_controllen = sizeof small.buf};
  recvmsg(ds[1], &rm, MSG_CMSG_CLOEXEC);

  int s1 = bound("msg_a"), s2 = bound("msg_b");
  struct sockaddr_un to = {.sun_family = AF_UNIX, .sun_path = "msg_a"};
  struct mmsghdr mm[2];
  struct iovec miov[2] = {{"one", 3}, {"two!", 4}};
  memset(mm, 0, sizeof mm);
  for (int i = 0; i < 2; ++i) {
    mm[i].msg_hdr.msg_name = &to;
    mm[i].msg_hdr.msg_namelen = sizeof to;
    mm[i].msg_hdr.msg_iov = &miov[i];
    mm[i].msg_hdr.msg_iovlen = 1;
  }
  sendmmsg(s2, mm, 2, 0);
  struct sockaddr_un from;
  char buf[16];
  struct iovec fiov = {buf, sizeof buf};
  struct msghdr fm = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &fiov, .msg_iovlen = 1};
  recvmsg(s1, &fm, 0);
  struct mmsghdr rmm[2];
  memset(rmm, 0, sizeof rmm);
  rmm[0].msg_hdr.msg_iov = &fiov;
  rmm[0].msg_hdr.msg_iovlen = 1;
  recvmmsg(s1, rmm, 2, MSG_DONTWAIT, NULL);
  recvmmsg(s1, rmm, 2, MSG_DONTWAIT, NULL);
  syscall(SYS_sendmmsg, s2, (void*)8, 2, 0);
  unlink("msg_a");
  unlink("msg_b");
  return 0;
}
