// getifaddrs: glibc's getifaddrs (an AF_NETLINK NETLINK_ROUTE socket,
// RTM_GETLINK and RTM_GETADDR dumps read with recvmsg) and the same dumps
// done by hand: message types and lengths, sockaddr_nl from getsockname,
// NLMSG_DONE at the end, an NLMSG_ERROR for a bad request, and the
// kernel's errnos for bad netlink sockets.
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

static const char *family_name(int family) {
  switch (family) {
    case AF_INET: return "inet";
    case AF_INET6: return "inet6";
    case AF_PACKET: return "packet";
    default: return "other";
  }
}

static void print_addr(const char *label, const struct sockaddr *sa) {
  char text[INET6_ADDRSTRLEN] = "-";
  if (sa == NULL) {
  } else if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text, sizeof text);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text, sizeof text);
  } else if (sa->sa_family == AF_PACKET) {
    const struct sockaddr_ll *ll = (const struct sockaddr_ll *)sa;
    char *p = text;
    for (int i = 0; i < ll->sll_halen && i < 8; i++) p += sprintf(p, "%s%02x", i ? ":" : "", ll->sll_addr[i]);
    if (ll->sll_halen == 0) strcpy(text, "(none)");
  }
  printf(" %s %s", label, text);
}

static void with_getifaddrs(void) {
  struct ifaddrs *list;
  if (getifaddrs(&list) != 0) {
    printf("getifaddrs: %s\n", strerror(errno));
    return;
  }
  int count = 0;
  for (struct ifaddrs *a = list; a; a = a->ifa_next, count++) {
    printf("%s index %u flags %#x %s", a->ifa_name, if_nametoindex(a->ifa_name), a->ifa_flags,
           a->ifa_addr ? family_name(a->ifa_addr->sa_family) : "noaddr");
    print_addr("addr", a->ifa_addr);
    if (a->ifa_addr && a->ifa_addr->sa_family != AF_PACKET) print_addr("mask", a->ifa_netmask);
    printf(" stats %s\n", a->ifa_addr && a->ifa_addr->sa_family == AF_PACKET ? (a->ifa_data ? "yes" : "no") : "-");
  }
  printf("getifaddrs entries: %d\n", count);
  freeifaddrs(list);

  struct if_nameindex *names = if_nameindex();
  for (struct if_nameindex *n = names; n && n->if_index; n++) printf("if_nameindex %u %s\n", n->if_index, n->if_name);
  if_freenameindex(names);
}

// dump sends one RTM_GET* dump request and counts the replies until
// NLMSG_DONE, checking sequence numbers and our port id.
static void dump(int fd, int type, unsigned seq) {
  struct {
    struct nlmsghdr nh;
    struct rtgenmsg g;
  } req = {{NLMSG_LENGTH(sizeof(struct rtgenmsg)), type, NLM_F_REQUEST | NLM_F_DUMP, seq, 0}, {AF_UNSPEC}};
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) != (ssize_t)req.nh.nlmsg_len)
    printf("FAIL: sendto netlink: %s\n", strerror(errno));
  char buf[32768] __attribute__((aligned(4)));
  int messages = 0, done = 0, wrong_seq = 0, links = 0, addrs = 0, not_kernel = 0;
  while (!done) {
    struct sockaddr_nl from;
    struct iovec iov = {buf, sizeof buf};
    struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
    ssize_t n = recvmsg(fd, &msg, 0);
    if (n <= 0) {
      printf("recvmsg: %zd %s\n", n, strerror(errno));
      return;
    }
    if (msg.msg_namelen != sizeof from || from.nl_family != AF_NETLINK || from.nl_pid != 0) not_kernel++;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
      messages++;
      if (h->nlmsg_seq != seq) wrong_seq++;
      if (h->nlmsg_type == NLMSG_DONE) done = 1;
      if (h->nlmsg_type == RTM_NEWLINK) links++;
      if (h->nlmsg_type == RTM_NEWADDR) addrs++;
    }
  }
  printf("dump %d: links %d addrs %d (messages %d, wrong seq %d, not from the kernel %d)\n", type, links, addrs,
         messages, wrong_seq, not_kernel);
}

static void by_hand(void) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  check(fd >= 0, "netlink socket");
  struct sockaddr_nl local = {.nl_family = AF_NETLINK};
  check(bind(fd, (struct sockaddr *)&local, sizeof local) == 0, "bind netlink");
  socklen_t len = sizeof local;
  check(getsockname(fd, (struct sockaddr *)&local, &len) == 0, "getsockname");
  printf("getsockname: len %u family %d pid set %d groups %u\n", len, local.nl_family, local.nl_pid != 0,
         local.nl_groups);
  dump(fd, RTM_GETLINK, 100);
  dump(fd, RTM_GETADDR, 101);

  // A request the kernel rejects comes back as NLMSG_ERROR with -errno.
  struct {
    struct nlmsghdr nh;
    struct ifinfomsg i;
  } bad = {{NLMSG_LENGTH(sizeof(struct ifinfomsg)), RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 7, 0},
           {.ifi_family = AF_UNSPEC, .ifi_index = 0x7fffffff}};
  send(fd, &bad, bad.nh.nlmsg_len, 0);
  char buf[4096] __attribute__((aligned(4)));
  ssize_t n = recv(fd, buf, sizeof buf, 0);
  struct nlmsghdr *h = (struct nlmsghdr *)buf;
  if (n > 0 && h->nlmsg_type == NLMSG_ERROR) {
    struct nlmsgerr *e = NLMSG_DATA(h);
    printf("bad index: NLMSG_ERROR %d (%s) seq %u\n", e->error, strerror(-e->error), h->nlmsg_seq);
  } else {
    printf("bad index: %zd type %d\n", n, n > 0 ? h->nlmsg_type : -1);
  }
  // MSG_PEEK|MSG_TRUNC with no buffer reports the length of the pending
  // message (glibc sizes its buffer this way); the message stays queued.
  struct {
    struct nlmsghdr nh;
    struct rtgenmsg g;
  } req = {{NLMSG_LENGTH(sizeof(struct rtgenmsg)), RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 102, 0}, {AF_UNSPEC}};
  send(fd, &req, req.nh.nlmsg_len, 0);
  ssize_t peeked = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
  n = recv(fd, buf, sizeof buf, MSG_TRUNC);
  printf("peeked length equals the read: %d (%d)\n", peeked == n, peeked > 0);
  while (h = (struct nlmsghdr *)buf, n > 0 && h->nlmsg_type != NLMSG_DONE) n = recv(fd, buf, sizeof buf, 0);
  close(fd);

  int r = socket(AF_NETLINK, SOCK_RAW, 1234);
  printf("bad netlink protocol: %d %s\n", r, strerror(errno));
  r = socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE);
  printf("netlink SOCK_STREAM: %d %s\n", r, strerror(errno));
  fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE);
  struct sockaddr_nl short_addr = {.nl_family = AF_NETLINK};
  r = bind(fd, (struct sockaddr *)&short_addr, 4);
  printf("bind short address: %d %s\n", r, strerror(errno));
  r = sendto(fd, (void *)16, 32, 0, NULL, 0);
  printf("sendto bad pointer: %d %s\n", r, strerror(errno));
  close(fd);
}

int main(void) {
  with_getifaddrs();
  by_hand();
  return 0;
}
