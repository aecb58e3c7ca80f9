// The README's demo guest: shows a cross-built program running under ferry,
// touching the parts a real program uses (arguments, files, memory, uname).
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(int argc, char** argv) {
  struct utsname u;
  uname(&u);
  printf("Hello from a %s guest (pid %d) running under ferry.\n", u.machine, getpid());
  for (int i = 1; i < argc; ++i) printf("  argv[%d] = \"%s\"\n", i, argv[i]);

  char path[] = "/tmp/ferry-demo-XXXXXX";
  int fd = mkstemp(path);
  const char msg[] = "written and read back through host syscalls";
  write(fd, msg, sizeof msg);
  char back[sizeof msg] = {0};
  pread(fd, back, sizeof back, 0);
  close(fd);
  unlink(path);
  printf("  file: %s\n", back);

  size_t n = 64 << 20;
  unsigned char* big = malloc(n);
  unsigned long sum = 0;
  for (size_t i = 0; i < n; i += 4096) big[i] = (unsigned char)(i >> 12), sum += big[i];
  free(big);
  printf("  touched 64 MiB of guest memory, checksum %lu\n", sum);
  return strcmp(back, msg) == 0 ? 0 : 1;
}
