/* uname_machine.c: prints uname().machine (aarch64 or riscv64 for guests; compare
 * with qemu only, since a native build says x86_64). */
#include <stdio.h>
#include <sys/utsname.h>

int main(void) {
  struct utsname u;
  if (uname(&u) != 0) {
    printf("uname failed\n");
    return 1;
  }
  printf("%s\n", u.machine);
  return 0;
}
