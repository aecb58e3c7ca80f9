/* hwprobe.c (RISC-V64): riscv_hwprobe answers as the CPU ferry shows:
   the extensions of AT_HWCAP and /proc/cpuinfo's isa line, the `time` CSR's
   rate, -1 for an unknown key, the WHICH_CPUS form, and the errors. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

struct pair {
  int64_t key;
  uint64_t value;
};

static long hwprobe(struct pair* p, size_t n, size_t setsize, void* cpus, unsigned flags) {
  return syscall(258, p, n, setsize, cpus, flags);
}

int main(void) {
  struct pair p[12];
  for (int i = 0; i <= 10; ++i) p[i] = (struct pair){i, 123};
  p[11] = (struct pair){99, 123};
  check(hwprobe(p, 12, 0, NULL, 0) == 0, "riscv_hwprobe");
  unsigned long hwcap = getauxval(AT_HWCAP);
  uint64_t ext = 0;
  if ((hwcap & (1 << ('F' - 'A'))) && (hwcap & (1 << ('D' - 'A')))) ext |= 1;
  if (hwcap & (1 << ('C' - 'A'))) ext |= 2;
  char isa[64] = "";
  FILE* f = fopen("/proc/cpuinfo", "r");
  char line[256];
  while (f && fgets(line, sizeof line, f)) {
    if (sscanf(line, "isa : %63s", isa) == 1) break;
  }
  printf("isa %s, AT_HWCAP %#lx, IMA_EXT_0 %#llx\n", isa, hwcap, (unsigned long long)p[4].value);
  check(p[0].value == 0 && p[1].value == 0 && p[2].value == 0, "vendor, arch and implementation ids 0");
  check(p[3].value == 1, "BASE_BEHAVIOR: IMA");
  check(p[4].value == ext && ext == 3, "IMA_EXT_0: FD and C, as AT_HWCAP");
  check(strcmp(isa, "rv64imafdc") == 0, "and as /proc/cpuinfo");
  check(p[5].value == 3 && p[9].value == 3, "misaligned scalar accesses fast");
  check(p[6].value == 0, "no Zicboz block");
  check(p[7].value > 0xffffffffull, "a highest user address: %#llx", (unsigned long long)p[7].value);
  check(p[8].value == 10000000, "the time CSR at 10 MHz");
  check(p[10].value == 4, "no vector: misaligned vector accesses unsupported");
  check(p[11].key == -1 && p[11].value == 0, "an unknown key: -1, 0");

  unsigned long cpus = ~0ul;
  struct pair want = {4, 1};
  check(hwprobe(&want, 1, sizeof cpus, &cpus, 1) == 0 && cpus == ~0ul, "WHICH_CPUS with FD: every CPU");
  want = (struct pair){4, 4};
  check(hwprobe(&want, 1, sizeof cpus, &cpus, 1) == 0 && cpus == 0, "WHICH_CPUS with V: none");
  errno = 0;
  check(hwprobe(p, 1, 0, NULL, 2) == -1 && errno == EINVAL, "an unknown flag: EINVAL");
  errno = 0;
  check(hwprobe((struct pair*)8, 1, 0, NULL, 0) == -1 && errno == EFAULT, "a bad pair array: EFAULT");
  errno = 0;
  check(hwprobe(p, 1, 0, NULL, 1) == -1 && errno == EINVAL, "WHICH_CPUS with no CPU set: EINVAL");
  printf("%d failures\n", failures);
  return failures != 0;
}
