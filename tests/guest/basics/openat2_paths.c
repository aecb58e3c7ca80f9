/* openat2_paths PATH:RESOLVE...: opens each absolute PATH with openat2 and
   the RESOLVE_* bits given in hex, and prints on one line the first word of
   each file or its errno's name. tests/cli runs it under -L on a sysroot of
   symlinks, where RESOLVE_* must mean what they mean on a real root. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    char path[256];
    snprintf(path, sizeof path, "%s", argv[i]);
    char *colon = strrchr(path, ':');
    unsigned long long resolve = 0;
    if (colon) {
      *colon = '\0';
      resolve = strtoull(colon + 1, NULL, 16);
    }
    struct open_how how = {O_RDONLY | O_CLOEXEC, 0, resolve};
    long fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
    char word[32] = "";
    if (fd >= 0) {
      long n = read((int)fd, word, sizeof word - 1);
      word[n > 0 ? n : 0] = '\0';
      word[strcspn(word, " \n")] = '\0';
      close((int)fd);
    }
    printf("%s%s", i > 1 ? " " : "", fd >= 0 ? word : strerrorname_np(errno));
  }
  printf("\n");
  return 0;
}
