/* rlimit_exec.c: an RLIMIT_AS the program sets binds it, and the program it
   execve's (under ferry: the next ferry process enforces the guest's limit). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

static const char *try_map(size_t bytes) {
  void *p = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return strerrorname_np(errno);
  munmap(p, bytes);
  return "mapped";
}

int main(int argc, char **argv) {
  setvbuf(stdout, 0, _IONBF, 0);
  struct rlimit lim;
  if (argc > 1) {
    getrlimit(RLIMIT_AS, &lim);
    printf("after execve: RLIMIT_AS %llu / %llu\n", (unsigned long long)lim.rlim_cur, (unsigned long long)lim.rlim_max);
    printf("after execve: 1 MiB %s, 512 MiB %s\n", try_map(1 << 20), try_map(512u << 20));
    return 0;
  }
  lim.rlim_cur = 256u << 20;
  lim.rlim_max = 384u << 20;
  printf("setrlimit: %d\n", setrlimit(RLIMIT_AS, &lim));
  printf("1 MiB %s, 512 MiB %s\n", try_map(1 << 20), try_map(512u << 20));
  execl("/proc/self/exe", argv[0], "again", (char *)0);
  printf("execve failed: %s\n", strerrorname_np(errno));
  return 1;
}
