/* vma_anon_name.c: prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME) names the middle
   page of three; /proc/self/maps shows "[anon:NAME]" there only. Prints the
   maps line of each page (or "none"). This host's kernel refuses
   PR_SET_VMA (EINVAL: no CONFIG_ANON_VMA_NAME), so tests/cli checks ferry's
   output against the kernel's documented form instead of a native run. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

/* The maps line whose range holds `at`, without its newline, or "none". */
static void show_line(const char *label, const char *at) {
  char line[512];
  FILE *f = fopen("/proc/self/maps", "r");
  while (f && fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && (uintptr_t)at >= lo && (uintptr_t)at < hi) {
      line[strcspn(line, "\n")] = 0;
      printf("%s: %s\n", label, line);
      fclose(f);
      return;
    }
  }
  if (f) fclose(f);
  printf("%s: none\n", label);
}

int main(void) {
  char *p = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  int r = prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p + 4096, 4096, "ferry name");
  printf("prctl: %d\n", r);
  show_line("before", p);
  show_line("named", p + 4096);
  show_line("after", p + 2 * 4096);
  return r != 0;
}
