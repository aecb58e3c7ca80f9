/* msg_socket.c: sendmsg, recvmsg, sendmmsg and recvmmsg as the kernel serves
   them. Scatter/gather over several iovecs; the sender's address and
   msg_namelen written back; control messages: SCM_RIGHTS to a forked child
   (and MSG_CMSG_CLOEXEC), MSG_CTRUNC with msg_controllen written back,
   SCM_CREDENTIALS, SO_TIMESTAMP, SO_TIMESTAMPNS and IP_PKTINFO; MSG_TRUNC,
   MSG_PEEK, MSG_DONTWAIT; batches with per-message msg_len; a blocking
   recvmsg interrupted by a signal (SA_RESTART restarts it, without it EINTR,
   with SO_RCVTIMEO EINTR even under SA_RESTART); bad input gets the
   kernel's errno. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t handled;
static void on_alarm(int sig) { (void)sig; handled++; }

static struct cmsghdr* first_cmsg(struct msghdr* m) { return CMSG_FIRSTHDR(m); }

static void scatter_gather(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  struct iovec out[3] = {{"hello ", 6}, {"", 0}, {"world", 5}};
  struct msghdr m = {.msg_iov = out, .msg_iovlen = 3};
  check(sendmsg(sv[0], &m, 0) == 11, "sendmsg gathers three iovecs");
  char a[4] = {0}, b[16] = {0};
  struct iovec in[2] = {{a, 4}, {b, sizeof b}};
  struct msghdr r = {.msg_iov = in, .msg_iovlen = 2, .msg_flags = -1};
  ssize_t n = recvmsg(sv[1], &r, 0);
  check(n == 11 && !memcmp(a, "hell", 4) && !strcmp(b, "o world"), "recvmsg scatters (%zd: %.4s|%s)", n, a, b);
  check(r.msg_flags == 0, "msg_flags cleared (%#x)", r.msg_flags);
  check(r.msg_controllen == 0, "msg_controllen 0 with no control data");
  send(sv[0], "peek", 4, 0);
  char p[8] = {0};
  struct iovec piov = {p, sizeof p};
  struct msghdr pm = {.msg_iov = &piov, .msg_iovlen = 1};
  n = recvmsg(sv[1], &pm, MSG_PEEK);
  check(n == 4, "MSG_PEEK sees 4 bytes");
  memset(p, 0, sizeof p);
  n = recvmsg(sv[1], &pm, 0);
  check(n == 4 && !strcmp(p, "peek"), "... which are still there");
  n = recvmsg(sv[1], &pm, MSG_DONTWAIT);
  check(n == -1 && errno == EAGAIN, "MSG_DONTWAIT on an empty socket: EAGAIN");
  close(sv[0]);
  n = sendmsg(sv[1], &m, MSG_NOSIGNAL);
  check(n == -1 && errno == EPIPE, "sendmsg to a closed peer, MSG_NOSIGNAL: EPIPE");
  n = recvmsg(sv[1], &pm, 0);
  check(n == 0, "recvmsg at end of stream: 0");
  close(sv[1]);
}

static void rights(void) {
  int sv[2], pipefd[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  pipe(pipefd);
  pid_t child = fork();
  if (child == 0) {
    close(sv[0]);
    char byte;
    struct iovec iov = {&byte, 1};
    union {
      struct cmsghdr h;
      char buf[CMSG_SPACE(sizeof(int))];
    } c;
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf, .msg_controllen = sizeof c.buf};
    if (recvmsg(sv[1], &m, MSG_CMSG_CLOEXEC) != 1) _exit(10);
    struct cmsghdr* h = first_cmsg(&m);
    if (!h || h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) _exit(11);
    int fd;
    memcpy(&fd, CMSG_DATA(h), sizeof fd);
    if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC)) _exit(12);
    if (write(fd, "from child", 10) != 10) _exit(13);
    _exit(0);
  }
  close(sv[1]);
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(sizeof(int))];
  } c;
  memset(&c, 0, sizeof c);
  struct iovec iov = {"x", 1};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf, .msg_controllen = sizeof c.buf};
  struct cmsghdr* h = first_cmsg(&m);
  h->cmsg_level = SOL_SOCKET;
  h->cmsg_type = SCM_RIGHTS;
  h->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(h), &pipefd[1], sizeof(int));
  check(sendmsg(sv[0], &m, 0) == 1, "SCM_RIGHTS sent to a forked child");
  close(pipefd[1]);
  int status;
  waitpid(child, &status, 0);
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child got the descriptor with FD_CLOEXEC (status %d)",
        WEXITSTATUS(status));
  char buf[32] = {0};
  ssize_t n = read(pipefd[0], buf, sizeof buf);
  check(n == 10 && !strcmp(buf, "from child"), "the child wrote through it (%zd)", n);
  close(pipefd[0]);
  close(sv[0]);

  /* Two descriptors, room for one: MSG_CTRUNC, and msg_controllen says what fit. */
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(2 * sizeof(int))];
  } two;
  memset(&two, 0, sizeof two);
  m.msg_control = two.buf;
  m.msg_controllen = sizeof two.buf;
  h = first_cmsg(&m);
  h->cmsg_level = SOL_SOCKET;
  h->cmsg_type = SCM_RIGHTS;
  h->cmsg_len = CMSG_LEN(2 * sizeof(int));
  int fds[2] = {0, 1};
  memcpy(CMSG_DATA(h), fds, sizeof fds);
  check(sendmsg(sv[0], &m, 0) == 1, "two descriptors sent");
  char byte;
  struct iovec riov = {&byte, 1};
  union {
    struct cmsghdr h;
    char buf[CMSG_LEN(sizeof(int))];
  } small;
  struct msghdr r = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = small.buf, .msg_controllen = sizeof small.buf};
  check(recvmsg(sv[1], &r, 0) == 1, "received with room for one");
  check(r.msg_flags & MSG_CTRUNC, "MSG_CTRUNC set (%#x)", r.msg_flags);
  check(r.msg_controllen == CMSG_LEN(sizeof(int)), "msg_controllen %zu (one descriptor)", (size_t)r.msg_controllen);
  h = first_cmsg(&r);
  int got;
  memcpy(&got, CMSG_DATA(h), sizeof got);
  check(got > 2 && fcntl(got, F_GETFD) == 0, "the one that fit is open, no FD_CLOEXEC");
  close(got);
  close(sv[0]);
  close(sv[1]);
}

static void credentials(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  int one = 1;
  check(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one) == 0, "SO_PASSCRED on");
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(sizeof(struct ucred))];
  } c;
  memset(&c, 0, sizeof c);
  struct iovec iov = {"c", 1};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf, .msg_controllen = sizeof c.buf};
  struct cmsghdr* h = first_cmsg(&m);
  h->cmsg_level = SOL_SOCKET;
  h->cmsg_type = SCM_CREDENTIALS;
  h->cmsg_len = CMSG_LEN(sizeof(struct ucred));
  struct ucred me = {getpid(), getuid(), getgid()};
  memcpy(CMSG_DATA(h), &me, sizeof me);
  check(sendmsg(sv[0], &m, 0) == 1, "SCM_CREDENTIALS sent");
  h->cmsg_len = sizeof c.buf + 1;
  errno = 0;
  check(sendmsg(sv[0], &m, 0) == -1 && errno == EINVAL, "cmsg_len past msg_controllen: EINVAL");
  char byte;
  struct iovec riov = {&byte, 1};
  char buf[CMSG_SPACE(sizeof(struct ucred))];
  struct msghdr r = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof buf};
  check(recvmsg(sv[1], &r, 0) == 1, "received");
  h = first_cmsg(&r);
  struct ucred got = {0};
  if (h) memcpy(&got, CMSG_DATA(h), sizeof got);
  check(h && h->cmsg_type == SCM_CREDENTIALS && got.pid == getpid() && got.uid == getuid() && got.gid == getgid(),
        "the credentials are the sender's");
  close(sv[0]);
  close(sv[1]);
}

static int udp_socket(struct sockaddr_in* addr) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(s, (struct sockaddr*)&a, sizeof a);
  socklen_t len = sizeof *addr;
  getsockname(s, (struct sockaddr*)addr, &len);
  return s;
}

static void udp(void) {
  struct sockaddr_in ra, sa;
  int r = udp_socket(&ra), s = udp_socket(&sa);
  int one = 1;
  check(setsockopt(r, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof one) == 0, "SO_TIMESTAMP on");
  check(setsockopt(r, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) == 0, "IP_PKTINFO on");
  struct iovec iov = {"datagram!", 9};
  struct msghdr m = {.msg_name = &ra, .msg_namelen = sizeof ra, .msg_iov = &iov, .msg_iovlen = 1};
  check(sendmsg(s, &m, 0) == 9, "sendmsg to an address");
  struct timeval before;
  gettimeofday(&before, NULL);
  char data[4];
  struct sockaddr_in from;
  memset(&from, 0, sizeof from);
  struct iovec riov = {data, sizeof data};
  char cbuf[256];
  struct msghdr rm = {.msg_name = &from, .msg_namelen = 100, .msg_iov = &riov, .msg_iovlen = 1,
                      .msg_control = cbuf, .msg_controllen = sizeof cbuf};
  ssize_t n = recvmsg(r, &rm, MSG_TRUNC);
  check(n == 9, "MSG_TRUNC gives the datagram's length (%zd)", n);
  check(rm.msg_flags & MSG_TRUNC, "msg_flags has MSG_TRUNC");
  check(rm.msg_namelen == sizeof(struct sockaddr_in), "msg_namelen written back (%u)", rm.msg_namelen);
  check(from.sin_family == AF_INET && from.sin_port == sa.sin_port, "the sender's address");
  int saw_time = 0, saw_info = 0;
  for (struct cmsghdr* h = CMSG_FIRSTHDR(&rm); h; h = CMSG_NXTHDR(&rm, h)) {
    if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_TIMESTAMP) {
      struct timeval tv;
      memcpy(&tv, CMSG_DATA(h), sizeof tv);
      saw_time = h->cmsg_len == CMSG_LEN(sizeof tv) && tv.tv_sec > 0 && labs(tv.tv_sec - before.tv_sec) < 10;
    }
    if (h->cmsg_level == IPPROTO_IP && h->cmsg_type == IP_PKTINFO) {
      struct in_pktinfo pi;
      memcpy(&pi, CMSG_DATA(h), sizeof pi);
      saw_info = pi.ipi_ifindex > 0 && pi.ipi_addr.s_addr == htonl(INADDR_LOOPBACK);
    }
  }
  check(saw_time, "SCM_TIMESTAMP with a timeval of now");
  check(saw_info, "IP_PKTINFO names the loopback address");
  check(rm.msg_controllen == CMSG_SPACE(sizeof(struct timeval)) + CMSG_SPACE(sizeof(struct in_pktinfo)),
        "msg_controllen covers both (%zu)", (size_t)rm.msg_controllen);

  int zero = 0;
  setsockopt(r, IPPROTO_IP, IP_PKTINFO, &zero, sizeof zero);
  setsockopt(r, SOL_SOCKET, SO_TIMESTAMP, &zero, sizeof zero);
  check(setsockopt(r, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) == 0, "SO_TIMESTAMPNS on");
  sendmsg(s, &m, 0);
  rm.msg_controllen = sizeof cbuf;
  rm.msg_namelen = sizeof from;
  recvmsg(r, &rm, 0);
  struct cmsghdr* h = CMSG_FIRSTHDR(&rm);
  struct timespec ts = {0};
  if (h) memcpy(&ts, CMSG_DATA(h), sizeof ts);
  check(h && h->cmsg_type == SCM_TIMESTAMPNS && labs(ts.tv_sec - before.tv_sec) < 10 && ts.tv_nsec < 1000000000,
        "SCM_TIMESTAMPNS with a timespec of now");

  /* A control buffer too small for the timestamp: MSG_CTRUNC, nothing written. */
  sendmsg(s, &m, 0);
  char tiny[8];
  rm.msg_control = tiny;
  rm.msg_controllen = sizeof tiny;
  recvmsg(r, &rm, 0);
  check((rm.msg_flags & MSG_CTRUNC) && rm.msg_controllen == 0, "too small for a timestamp: MSG_CTRUNC, length 0");
  setsockopt(r, SOL_SOCKET, SO_TIMESTAMPNS, &zero, sizeof zero);

  /* Batches. */
  struct mmsghdr out[3];
  struct iovec oiov[3] = {{"one", 3}, {"two!", 4}, {"three", 5}};
  memset(out, 0, sizeof out);
  for (int i = 0; i < 3; ++i) {
    out[i].msg_hdr.msg_name = &ra;
    out[i].msg_hdr.msg_namelen = sizeof ra;
    out[i].msg_hdr.msg_iov = &oiov[i];
    out[i].msg_hdr.msg_iovlen = 1;
  }
  int sent = sendmmsg(s, out, 3, 0);
  check(sent == 3 && out[0].msg_len == 3 && out[1].msg_len == 4 && out[2].msg_len == 5,
        "sendmmsg sent 3 with their msg_len (%d)", sent);
  struct mmsghdr in[4];
  char bufs[4][16];
  struct iovec iiov[4];
  struct sockaddr_in froms[4];
  memset(in, 0, sizeof in);
  memset(bufs, 0, sizeof bufs);
  for (int i = 0; i < 4; ++i) {
    iiov[i].iov_base = bufs[i];
    iiov[i].iov_len = sizeof bufs[i];
    in[i].msg_hdr.msg_iov = &iiov[i];
    in[i].msg_hdr.msg_iovlen = 1;
    in[i].msg_hdr.msg_name = &froms[i];
    in[i].msg_hdr.msg_namelen = sizeof froms[i];
    in[i].msg_len = 77;
  }
  struct timespec wait = {0, 100 * 1000 * 1000};
  int got = recvmmsg(r, in, 4, MSG_WAITFORONE, &wait);
  check(got == 3, "recvmmsg with MSG_WAITFORONE got 3 (%d)", got);
  check(in[0].msg_len == 3 && in[1].msg_len == 4 && in[2].msg_len == 5 && in[3].msg_len == 77,
        "msg_len per message, the unused one untouched");
  check(!strcmp(bufs[0], "one") && !strcmp(bufs[1], "two!") && !strcmp(bufs[2], "three"), "their bytes");
  check(in[1].msg_hdr.msg_namelen == sizeof(struct sockaddr_in) && froms[2].sin_port == sa.sin_port,
        "each message's sender");
  got = recvmmsg(r, in, 4, MSG_DONTWAIT, NULL);
  check(got == -1 && errno == EAGAIN, "recvmmsg on an empty socket, MSG_DONTWAIT: EAGAIN");
  close(r);
  close(s);
}

/* A recvmsg that waits: a signal at 50 ms, data from a child at 250 ms. */
static ssize_t interrupted_recv(int flags, int rcvtimeo) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  if (rcvtimeo) {
    struct timeval tv = {5, 0};
    setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sa.sa_flags = flags;
  sigaction(SIGALRM, &sa, NULL);
  pid_t child = fork();
  if (child == 0) {
    struct timespec t = {0, 250 * 1000 * 1000};
    nanosleep(&t, NULL);
    write(sv[0], "late", 4);
    _exit(0);
  }
  handled = 0;
  struct itimerval in_50ms = {{0, 0}, {0, 50000}};
  setitimer(ITIMER_REAL, &in_50ms, NULL);
  char buf[8];
  struct iovec iov = {buf, sizeof buf};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
  ssize_t n = recvmsg(sv[1], &m, 0);
  int saved = errno;
  waitpid(child, NULL, 0);
  close(sv[0]);
  close(sv[1]);
  errno = saved;
  return n;
}

static void interruption(void) {
  ssize_t n = interrupted_recv(SA_RESTART, 0);
  check(n == 4 && handled == 1, "SA_RESTART: recvmsg restarted and got the data (%zd, handled %d)", n, handled);
  n = interrupted_recv(0, 0);
  check(n == -1 && errno == EINTR && handled == 1, "no SA_RESTART: EINTR (%zd)", n);
  n = interrupted_recv(SA_RESTART, 1);
  check(n == -1 && errno == EINTR && handled == 1, "SA_RESTART with SO_RCVTIMEO: EINTR (%zd)", n);
}

static void errors(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  send(sv[0], "z", 1, 0);
  char byte;
  struct iovec iov = {&byte, 1};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
  errno = 0;
  check(syscall(SYS_recvmsg, sv[1], NULL, 0) == -1 && errno == EFAULT, "recvmsg(NULL msghdr): EFAULT");
  check(syscall(SYS_sendmsg, sv[0], (void*)16, 0) == -1 && errno == EFAULT, "sendmsg(bad msghdr): EFAULT");
  check(syscall(SYS_recvmsg, sv[1], (void*)-4096L, 0) == -1 && errno == EFAULT, "recvmsg(msghdr past the space): EFAULT");
  m.msg_iovlen = 1025;
  check(recvmsg(sv[1], &m, 0) == -1 && errno == EMSGSIZE, "msg_iovlen 1025: EMSGSIZE");
  m.msg_iovlen = 1;
  m.msg_iov = (struct iovec*)8;
  check(recvmsg(sv[1], &m, 0) == -1 && errno == EFAULT, "bad msg_iov: EFAULT");
  struct iovec bad = {(void*)8, 1};
  m.msg_iov = &bad;
  check(sendmsg(sv[0], &m, 0) == -1 && errno == EFAULT, "bad iov_base: EFAULT");
  m.msg_iov = &iov;
  m.msg_control = (void*)8;
  m.msg_controllen = 64;
  check(sendmsg(sv[0], &m, 0) == -1 && errno == EFAULT, "bad msg_control: EFAULT");
  m.msg_control = NULL;
  m.msg_controllen = 0;
  check(recvmsg(99, &m, 0) == -1 && errno == EBADF, "bad descriptor: EBADF");
  check(recvmsg(0 + 2 * 0 + sv[1] * 0 + STDIN_FILENO, &m, 0) == -1 && errno == ENOTSOCK, "not a socket: ENOTSOCK");
  check(syscall(SYS_sendmmsg, sv[0], (void*)8, 2, 0) == -1 && errno == EFAULT, "sendmmsg(bad vector): EFAULT");
  check(syscall(SYS_recvmmsg, sv[1], (void*)8, 2, 0, NULL) == -1 && errno == EFAULT, "recvmmsg(bad vector): EFAULT");
  struct mmsghdr mm = {.msg_hdr = m};
  check(syscall(SYS_recvmmsg, sv[1], &mm, 1, 0, (void*)8) == -1 && errno == EFAULT, "recvmmsg(bad timeout): EFAULT");
  check(sendmmsg(sv[0], &mm, 0, 0) == 0, "sendmmsg of none: 0");
  check(recvmsg(sv[1], &m, 0) == 1 && byte == 'z', "the datagram is still there");
  close(sv[0]);
  close(sv[1]);
}

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  setvbuf(stdout, NULL, _IOLBF, 0);  /* a hang still shows how far it got */
  scatter_gather();
  rights();
  credentials();
  udp();
  interruption();
  errors();
  printf("%d failures\n", failures);
  return failures != 0;
}
