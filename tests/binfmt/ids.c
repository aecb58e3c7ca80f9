/* ids.c: prints the credentials the program runs with, unchanged (a
   setuid-aware program such as busybox would drop them first). */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  printf("uid=%d euid=%d gid=%d egid=%d\n", (int)getuid(), (int)geteuid(), (int)getgid(), (int)getegid());
  return 0;
}
