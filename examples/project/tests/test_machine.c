/* test_machine ARCH: prints "machine=<uname machine>" and succeeds only if it
 * is ARCH: proof that the test ran emulated (the host says x86_64). */
#include <string.h>
#include <sys/utsname.h>

#include "check.h"

int main(int argc, char **argv) {
  struct utsname u;
  CHECK(argc == 2);
  CHECK(uname(&u) == 0);
  if (check_failures) return 1;
  printf("machine=%s\n", u.machine);
  CHECK(strcmp(u.machine, argv[1]) == 0);
  return check_failures != 0;
}
