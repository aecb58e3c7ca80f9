/* ifreq_set.c: the SIOCSIF* set requests on struct ifreq, in a network
   namespace of the test's own (the machine's interfaces stay untouched):
   SIOCSIFMTU and SIOCSIFFLAGS on its lo, each read back with the get
   request; SIOCSIFMETRIC (EOPNOTSUPP); an unknown interface (ENODEV), a bad
   pointer (EFAULT), an ifreq that runs off the guest's memory (EFAULT), and
   a negative MTU (EINVAL). Printed, so the native run is the reference. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

static struct ifreq named(const char* name) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  return ifr;
}

static void show(const char* what, int r) {
  printf("%s: %d %s\n", what, r, r < 0 ? strerror(errno) : "");
}

int main(void) {
  if (unshare(CLONE_NEWNET) != 0) {
    printf("unshare(CLONE_NEWNET): %s\n", strerror(errno));
    return 0;
  }
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct ifreq ifr = named("lo");
  show("SIOCGIFMTU lo", ioctl(s, SIOCGIFMTU, &ifr));
  int mtu = ifr.ifr_mtu;
  printf("mtu %d\n", mtu);
  ifr = named("lo");
  ifr.ifr_mtu = mtu;
  show("SIOCSIFMTU lo (same)", ioctl(s, SIOCSIFMTU, &ifr));
  ifr = named("lo");
  ifr.ifr_mtu = 1280;
  show("SIOCSIFMTU lo 1280", ioctl(s, SIOCSIFMTU, &ifr));
  ifr = named("lo");
  ioctl(s, SIOCGIFMTU, &ifr);
  printf("mtu now %d\n", ifr.ifr_mtu);
  ifr = named("lo");
  ifr.ifr_mtu = mtu;
  ioctl(s, SIOCSIFMTU, &ifr);
  ifr = named("lo");
  ioctl(s, SIOCGIFMTU, &ifr);
  printf("mtu after %d\n", ifr.ifr_mtu);

  ifr = named("lo");
  show("SIOCGIFFLAGS lo", ioctl(s, SIOCGIFFLAGS, &ifr));
  short flags = ifr.ifr_flags;
  printf("flags %#x\n", (unsigned short)flags);
  ifr = named("lo");
  ifr.ifr_flags = flags | IFF_UP;
  show("SIOCSIFFLAGS lo up", ioctl(s, SIOCSIFFLAGS, &ifr));
  ifr = named("lo");
  ioctl(s, SIOCGIFFLAGS, &ifr);
  printf("flags after %#x\n", (unsigned short)ifr.ifr_flags);

  ifr = named("lo");
  ifr.ifr_metric = 0;
  show("SIOCSIFMETRIC lo", ioctl(s, SIOCSIFMETRIC, &ifr));
  ifr = named("lo");
  ifr.ifr_mtu = -1;
  show("SIOCSIFMTU lo -1", ioctl(s, SIOCSIFMTU, &ifr));
  ifr = named("ferry-none0");
  ifr.ifr_mtu = 1500;
  show("SIOCSIFMTU unknown", ioctl(s, SIOCSIFMTU, &ifr));
  ifr = named("ferry-none0");
  show("SIOCSIFFLAGS unknown", ioctl(s, SIOCSIFFLAGS, &ifr));
  ifr = named("ferry-none0");
  strcpy(ifr.ifr_newname, "ferry-none1");
  show("SIOCSIFNAME unknown", ioctl(s, SIOCSIFNAME, &ifr));
  show("SIOCSIFMTU NULL", ioctl(s, SIOCSIFMTU, NULL));
  show("SIOCSIFMTU bad", ioctl(s, SIOCSIFMTU, (void*)16));
  show("SIOCSIFHWADDR bad", ioctl(s, SIOCSIFHWADDR, (void*)16));
  show("SIOCSIFADDR bad", ioctl(s, SIOCSIFADDR, (void*)16));

  /* An ifreq whose last bytes lie on an unmapped page. */
  long page = sysconf(_SC_PAGESIZE);
  char* two = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(two + page, page);
  struct ifreq* edge = (struct ifreq*)(two + page - 20);
  memcpy(edge->ifr_name, "lo", 3);
  show("SIOCSIFMTU straddling", ioctl(s, SIOCSIFMTU, edge));
  show("SIOCGIFMTU straddling", ioctl(s, SIOCGIFMTU, edge));
  close(s);
  return 0;
}
