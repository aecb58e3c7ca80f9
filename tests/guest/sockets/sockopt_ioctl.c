/* sockopt_ioctl.c: the socket options libc, OpenSSL, curl and Go set and
   read (SO_*, TCP_*, IP_*, IPV6_*), SO_RCVTIMEO/SO_SNDTIMEO timevals, struct
   options (SO_LINGER, SO_PEERCRED, TCP_INFO), their errors; and the socket
   ioctls getifaddrs-less programs use: SIOCGIFCONF (its buffer pointer
   rebased, only ifc_len written back), SIOCGIFNAME/INDEX/FLAGS/ADDR/NETMASK/
   MTU/HWADDR and SIOCATMARK, with ENODEV and EFAULT. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"

static int get_int(int s, int level, int name) {
  int v = -12345;
  socklen_t len = sizeof v;
  if (getsockopt(s, level, name, &v, &len) != 0 || len != sizeof v) return -99999;
  return v;
}

static void options(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  check(get_int(s, SOL_SOCKET, SO_TYPE) == SOCK_STREAM, "SO_TYPE");
  check(get_int(s, SOL_SOCKET, SO_DOMAIN) == AF_INET, "SO_DOMAIN");
  check(get_int(s, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP, "SO_PROTOCOL");
  check(get_int(s, SOL_SOCKET, SO_ACCEPTCONN) == 0, "SO_ACCEPTCONN before listen");
  check(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 && get_int(s, SOL_SOCKET, SO_REUSEADDR) == 1,
        "SO_REUSEADDR");
  check(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) == 0 && get_int(s, SOL_SOCKET, SO_KEEPALIVE) == 1,
        "SO_KEEPALIVE");
  int size = 65536;
  check(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) == 0 && get_int(s, SOL_SOCKET, SO_RCVBUF) == 2 * size,
        "SO_RCVBUF doubled by the kernel");
  struct linger l = {1, 7}, lo;
  socklen_t len = sizeof lo;
  check(setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof l) == 0 &&
            getsockopt(s, SOL_SOCKET, SO_LINGER, &lo, &len) == 0 && len == sizeof lo && lo.l_onoff == 1 &&
            lo.l_linger == 7,
        "SO_LINGER");
  struct timeval tv = {3, 500000}, got;
  len = sizeof got;
  check(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0 &&
            getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &got, &len) == 0 && len == sizeof got && got.tv_sec == 3 &&
            got.tv_usec == 500000,
        "SO_RCVTIMEO timeval");
  tv.tv_sec = 1;
  len = sizeof got;
  check(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0 &&
            getsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &got, &len) == 0 && got.tv_sec == 1,
        "SO_SNDTIMEO timeval");
  tv.tv_usec = 1000000;
  check(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1 && errno == EDOM, "tv_usec out of range: EDOM");
  check(get_int(s, SOL_SOCKET, SO_ERROR) == 0, "SO_ERROR");
  check(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0 && get_int(s, IPPROTO_TCP, TCP_NODELAY) == 1,
        "TCP_NODELAY");
  int idle = 30, intvl = 5, cnt = 4;
  check(setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) == 0 &&
            setsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl) == 0 &&
            setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt) == 0 &&
            get_int(s, IPPROTO_TCP, TCP_KEEPIDLE) == 30 && get_int(s, IPPROTO_TCP, TCP_KEEPINTVL) == 5 &&
            get_int(s, IPPROTO_TCP, TCP_KEEPCNT) == 4,
        "TCP_KEEPIDLE/KEEPINTVL/KEEPCNT");
  char cc[16] = {0};
  len = sizeof cc;
  check(getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, cc, &len) == 0 && cc[0] != 0, "TCP_CONGESTION names one");
  int ttl = 33;
  check(setsockopt(s, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) == 0 && get_int(s, IPPROTO_IP, IP_TTL) == 33, "IP_TTL");
  int tos = 0x10;
  check(setsockopt(s, IPPROTO_IP, IP_TOS, &tos, sizeof tos) == 0 && get_int(s, IPPROTO_IP, IP_TOS) == 0x10, "IP_TOS");

  /* A connected pair over loopback: TCP_INFO, SIOCATMARK, SO_ACCEPTCONN. */
  int srv = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(srv, (struct sockaddr*)&a, sizeof a);
  listen(srv, 1);
  check(get_int(srv, SOL_SOCKET, SO_ACCEPTCONN) == 1, "SO_ACCEPTCONN after listen");
  len = sizeof a;
  getsockname(srv, (struct sockaddr*)&a, &len);
  check(connect(s, (struct sockaddr*)&a, sizeof a) == 0, "connected over loopback");
  int peer = accept(srv, NULL, NULL);
  struct tcp_info info;
  memset(&info, 0, sizeof info);
  len = sizeof info;
  check(getsockopt(s, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 && info.tcpi_state == 1 /* TCP_ESTABLISHED */,
        "TCP_INFO: established");
  int mark = -1;
  check(ioctl(peer, SIOCATMARK, &mark) == 0 && mark == 0, "SIOCATMARK");
  close(peer);
  close(srv);

  /* IPv6. */
  int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
  if (s6 >= 0) {
    check(setsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) == 0 && get_int(s6, IPPROTO_IPV6, IPV6_V6ONLY) == 1,
          "IPV6_V6ONLY");
    int hops = 9;
    check(setsockopt(s6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof hops) == 0 &&
              get_int(s6, IPPROTO_IPV6, IPV6_UNICAST_HOPS) == 9,
          "IPV6_UNICAST_HOPS");
    close(s6);
  } else {
    check(1, "IPV6_V6ONLY");
    check(1, "IPV6_UNICAST_HOPS");
  }

  /* SO_PEERCRED on a Unix pair: the peer's pid is ours. */
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  struct ucred cred;
  len = sizeof cred;
  check(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && len == sizeof cred && cred.pid == getpid() &&
            cred.uid == getuid(),
        "SO_PEERCRED");

  /* Errors. */
  int v;
  len = sizeof v;
  errno = 0;
  check(getsockopt(s, SOL_SOCKET, 9999, &v, &len) == -1 && errno == ENOPROTOOPT, "unknown option: ENOPROTOOPT");
  check(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, 2) == -1 && errno == EINVAL, "short optlen: EINVAL");
  check(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (void*)8, 4) == -1 && errno == EFAULT, "bad optval: EFAULT");
  check(syscall(SYS_getsockopt, s, SOL_SOCKET, SO_TYPE, &v, (void*)8) == -1 && errno == EFAULT, "bad optlen: EFAULT");
  check(syscall(SYS_getsockopt, s, SOL_SOCKET, SO_TYPE, (void*)8, &len) == -1 && errno == EFAULT, "bad optval out: EFAULT");
  check(getsockopt(0, SOL_SOCKET, SO_TYPE, &v, &len) == -1 && errno == ENOTSOCK, "not a socket: ENOTSOCK");
  check(getsockopt(99, SOL_SOCKET, SO_TYPE, &v, &len) == -1 && errno == EBADF, "bad descriptor: EBADF");
  close(s);
  close(sv[0]);
  close(sv[1]);
}

static void interfaces(void) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct ifconf ifc = {.ifc_len = 0, .ifc_buf = NULL};
  check(ioctl(s, SIOCGIFCONF, &ifc) == 0 && ifc.ifc_len > 0 && ifc.ifc_len % sizeof(struct ifreq) == 0,
        "SIOCGIFCONF with no buffer: the length needed");
  int needed = ifc.ifc_len;
  struct ifreq* reqs = calloc(needed / sizeof(struct ifreq) + 1, sizeof(struct ifreq));
  ifc.ifc_len = needed + sizeof(struct ifreq);
  ifc.ifc_req = reqs;
  check(ioctl(s, SIOCGIFCONF, &ifc) == 0 && ifc.ifc_len == needed, "SIOCGIFCONF fills them all");
  check(ifc.ifc_req == reqs, "ifc_buf still the guest's own pointer");
  int found_lo = 0;
  for (size_t i = 0; i < ifc.ifc_len / sizeof(struct ifreq); ++i) {
    if (!strcmp(reqs[i].ifr_name, "lo")) {
      struct sockaddr_in* in = (struct sockaddr_in*)&reqs[i].ifr_addr;
      found_lo = in->sin_family == AF_INET && in->sin_addr.s_addr == htonl(INADDR_LOOPBACK);
    }
  }
  check(found_lo, "lo is 127.0.0.1");
  ifc.ifc_len = sizeof(struct ifreq);
  check(ioctl(s, SIOCGIFCONF, &ifc) == 0 && ifc.ifc_len == sizeof(struct ifreq), "room for one: one");
  ifc.ifc_len = needed;
  ifc.ifc_buf = (char*)8;
  check(ioctl(s, SIOCGIFCONF, &ifc) == -1 && errno == EFAULT, "SIOCGIFCONF into a bad buffer: EFAULT");

  struct ifreq r;
  memset(&r, 0, sizeof r);
  strcpy(r.ifr_name, "lo");
  check(ioctl(s, SIOCGIFINDEX, &r) == 0 && r.ifr_ifindex > 0, "SIOCGIFINDEX lo");
  int index = r.ifr_ifindex;
  memset(&r, 0, sizeof r);
  r.ifr_ifindex = index;
  check(ioctl(s, SIOCGIFNAME, &r) == 0 && !strcmp(r.ifr_name, "lo"), "SIOCGIFNAME back to lo");
  strcpy(r.ifr_name, "lo");
  check(ioctl(s, SIOCGIFFLAGS, &r) == 0 && (r.ifr_flags & IFF_LOOPBACK) && (r.ifr_flags & IFF_UP), "SIOCGIFFLAGS");
  check(ioctl(s, SIOCGIFADDR, &r) == 0 &&
            ((struct sockaddr_in*)&r.ifr_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK),
        "SIOCGIFADDR");
  check(ioctl(s, SIOCGIFNETMASK, &r) == 0 &&
            ((struct sockaddr_in*)&r.ifr_netmask)->sin_addr.s_addr == htonl(0xff000000),
        "SIOCGIFNETMASK");
  check(ioctl(s, SIOCGIFMTU, &r) == 0 && r.ifr_mtu > 0, "SIOCGIFMTU");
  check(ioctl(s, SIOCGIFHWADDR, &r) == 0 && r.ifr_hwaddr.sa_family == ARPHRD_LOOPBACK, "SIOCGIFHWADDR");
  strcpy(r.ifr_name, "nosuchif0");
  check(ioctl(s, SIOCGIFINDEX, &r) == -1 && errno == ENODEV, "unknown interface: ENODEV");
  check(ioctl(s, SIOCGIFFLAGS, (void*)8) == -1 && errno == EFAULT, "bad ifreq: EFAULT");
  close(s);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  options();
  interfaces();
  printf("%d failures\n", failures);
  return failures != 0;
}
