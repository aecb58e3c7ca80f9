/* proc_exe.c: /proc/self/exe names the program itself (under an emulator:
   the guest program, not the emulator). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  char path[4096];
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  path[n > 0 ? n : 0] = '\0';
  const char* base = strrchr(path, '/');
  base = base ? base + 1 : path;
  printf("/proc/self/exe is absolute: %s\n", path[0] == '/' ? "yes" : "no");
  printf("/proc/self/exe is this program: %s\n", strncmp(base, "proc_exe.", 9) == 0 ? "yes" : "no");
  char small[4];
  printf("readlink into 4 bytes returns %zd\n", readlink("/proc/self/exe", small, sizeof small));
  return 0;
}
