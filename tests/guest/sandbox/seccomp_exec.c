/* Filters and no_new_privs survive execve: the program installs a filter,
   sets no_new_privs and runs itself again; the new image is still
   filtered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp_util.h"

int main(int argc, char **argv) {
  if (argc > 1) {
    printf("after exec: getppid %d, getsid %d, mode %d, filters %d, no_new_privs %d\n", RAW(__NR_getppid),
           RAW(__NR_getsid, 0), prctl(PR_GET_SECCOMP), status_field("Seccomp_filters"),
           prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    return 0;
  }
  printf("before: no_new_privs %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  install_rule(__NR_getppid, SECCOMP_RET_ERRNO | ENOTTY);
  install_rule(__NR_getsid, SECCOMP_RET_ERRNO | EXDEV);
  printf("before exec: getppid %d, filters %d\n", RAW(__NR_getppid), status_field("Seccomp_filters"));
  fflush(stdout);
  execl("/proc/self/exe", argv[0], "again", (char *)NULL);
  perror("execl");
  return 1;
}
