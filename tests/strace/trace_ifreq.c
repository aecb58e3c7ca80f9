/* trace_ifreq.c: the socket ioctls on struct ifreq and struct ifconf,
   traced by the real strace natively and by ferry --strace
   (tests/strace/compare.sh): interface names, indexes, flags, addresses,
   the hardware address, the MTU, the interface list, the set requests
   (SIOCSIFMTU and SIOCSIFFLAGS, on the lo of a network namespace of the
   program's own, so the machine's stay untouched) and failures (no such
   interface, a bad pointer). */
#define _GNU_SOURCE
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static struct ifreq named(const char* name) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  return ifr;
}

int main(void) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  write(1, "BEGIN\n", 6);
  struct ifreq ifr = named("lo");
  ioctl(s, SIOCGIFINDEX, &ifr);
  int index = ifr.ifr_ifindex;
  ifr = named("");
  ifr.ifr_ifindex = index;
  ioctl(s, SIOCGIFNAME, &ifr);
  ifr = named("lo");
  ioctl(s, SIOCGIFFLAGS, &ifr);
  short flags = ifr.ifr_flags;
  ifr = named("lo");
  ioctl(s, SIOCGIFADDR, &ifr);
  ifr = named("lo");
  ioctl(s, SIOCGIFNETMASK, &ifr);
  ifr = named("lo");
  ioctl(s, SIOCGIFHWADDR, &ifr);
  ifr = named("lo");
  ioctl(s, SIOCGIFMTU, &ifr);
  int mtu = ifr.ifr_mtu;
  ifr = named("lo");
  ioctl(s, SIOCGIFTXQLEN, &ifr);
  ifr = named("lo");
  ioctl(s, SIOCGIFMETRIC, &ifr);
  struct ifreq list[8];

  struct ifconf ifc = {.ifc_len = sizeof list, .ifc_req = list};
  ioctl(s, SIOCGIFCONF, &ifc);
  ifc.ifc_len = 0;
  ifc.ifc_req = NULL;
  ioctl(s, SIOCGIFCONF, &ifc);

  if (unshare(CLONE_NEWNET) != 0) return 1;
  close(s);
  s = socket(AF_INET, SOCK_DGRAM, 0);
  ifr = named("lo");
  ifr.ifr_mtu = mtu - 1;
  ioctl(s, SIOCSIFMTU, &ifr);
  ifr = named("lo");
  ifr.ifr_flags = flags;
  ioctl(s, SIOCSIFFLAGS, &ifr);

  ifr = named("ferry-none0");
  ioctl(s, SIOCGIFINDEX, &ifr);
  ifr = named("ferry-none0");
  ifr.ifr_mtu = 1500;
  ioctl(s, SIOCSIFMTU, &ifr);
  ioctl(s, SIOCGIFFLAGS, (void*)16);
  ioctl(s, SIOCSIFMTU, (void*)16);
  write(1, "END\n", 4);
  return 0;
}
