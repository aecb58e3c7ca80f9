#define _GNU_SOURCE
/* proc_self.c: the /proc files a program reads about itself describe the
   program, not an emulator: maps (text and stack), auxv, cmdline, stat,
   /proc/<pid>/ the same as /proc/self/, and cpuinfo. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "re");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (n + 1 == cap) buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}

/* The maps line that contains addr: its range, perms and path. */
static int find_mapping(const char *maps, unsigned long addr, char perms[5], char *path) {
  for (const char *line = maps; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    unsigned long lo, hi;
    char p[5] = "", name[4096] = "";
    if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %4095[^\n]", &lo, &hi, p, name) < 3) continue;
    if (addr < lo || addr >= hi) continue;
    memcpy(perms, p, 5);
    char *start = name;
    while (*start == ' ') start++;
    strcpy(path, start);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  char exe[4096] = "";
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = '\0';
  char *maps = slurp("/proc/self/maps", NULL);
  check(maps != NULL, "/proc/self/maps opens");
  char perms[5] = "", path[4096] = "";
  int found = find_mapping(maps, (unsigned long)&main, perms, path);
  check(found && perms[2] == 'x', "the mapping holding main() is executable");
  check(found && strcmp(path, exe) == 0, "... and names the program (/proc/self/exe)");
  int local;
  found = find_mapping(maps, (unsigned long)&local, perms, path);
  check(found && strcmp(path, "[stack]") == 0 && perms[0] == 'r' && perms[1] == 'w',
        "a local variable lies in the rw [stack] mapping");
  unsigned long base = getauxval(AT_BASE);
  found = base ? find_mapping(maps, base, perms, path) : 0;
  check(base == 0 || (found && strstr(path, "/ld-linux") != NULL),
        "AT_BASE is 0 (static) or the dynamic loader's mapping");

  char self_path[64];
  snprintf(self_path, sizeof self_path, "/proc/%d/maps", (int)getpid());
  char *maps_pid = slurp(self_path, NULL);
  check(maps_pid && strncmp(maps, maps_pid, strcspn(maps, "\n")) == 0,
        "/proc/<pid>/maps starts as /proc/self/maps does");

  size_t auxv_len = 0;
  char *auxv_bytes = slurp("/proc/self/auxv", &auxv_len);
  unsigned long *auxv = (unsigned long *)auxv_bytes;
  int matched = 0, ended = 0;
  for (size_t i = 0; auxv && (i + 1) * 2 * sizeof(long) <= auxv_len; i++) {
    unsigned long type = auxv[2 * i], value = auxv[2 * i + 1];
    if (type == AT_NULL) { ended = 1; break; }
    if (type == AT_PAGESZ || type == AT_PHDR || type == AT_ENTRY || type == AT_BASE ||
        type == AT_PHENT || type == AT_RANDOM || type == AT_EXECFN)
      matched += getauxval(type) == value;
  }
  check(ended && matched == 7, "/proc/self/auxv holds the auxv getauxval reads (%d of 7)", matched);
  check(getauxval(AT_PAGESZ) == (unsigned long)sysconf(_SC_PAGESIZE), "AT_PAGESZ is the page size");

  size_t cmd_len = 0;
  char *cmdline = slurp("/proc/self/cmdline", &cmd_len);
  size_t want = 0;
  for (int i = 0; i < argc; i++) want += strlen(argv[i]) + 1;
  int same = cmdline && cmd_len == want;
  for (int i = 0, at = 0; same && i < argc; at += strlen(argv[i]) + 1, i++)
    same = strcmp(cmdline + at, argv[i]) == 0;
  check(same, "/proc/self/cmdline is argv (%d arguments)", argc);

  char *stat_line = slurp("/proc/self/stat", NULL);
  const char *base_name = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
  char comm[32] = "";
  snprintf(comm, sizeof comm, "(%.15s)", base_name);
  check(stat_line && strstr(stat_line, comm) != NULL, "/proc/self/stat names the program (its first 15 characters)");
  unsigned long startstack = 0;
  const char *after = stat_line ? strrchr(stat_line, ')') : NULL;
  if (after) {
    /* Field 28 is the 26th after the comm. */
    const char *p = after + 2;
    for (int field = 3; field < 28 && p; field++) p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
    if (p) startstack = strtoul(p, NULL, 10);
  }
  found = find_mapping(maps, startstack, perms, path);
  check(found && strcmp(path, "[stack]") == 0, "stat's startstack lies in [stack]");

  struct stat via_proc, direct;
  struct statx via_statx;
  check(stat("/proc/self/exe", &via_proc) == 0 && stat(exe, &direct) == 0 && via_proc.st_size == direct.st_size &&
            via_proc.st_ino == direct.st_ino,
        "stat of /proc/self/exe is the program's");
  check(statx(AT_FDCWD, "/proc/self/exe", 0, STATX_SIZE, &via_statx) == 0 &&
            (off_t)via_statx.stx_size == direct.st_size,
        "statx of /proc/self/exe is the program's");
  char *odd = slurp("//proc/./self//maps", NULL);
  check(odd && strncmp(odd, maps, strcspn(maps, "\n")) == 0, "//proc/./self//maps is the same file");

  int self_dir = open("/proc/self", O_RDONLY | O_DIRECTORY);
  int rel = openat(self_dir, "cmdline", O_RDONLY);
  char rel_buf[4096] = "";
  ssize_t rel_len = rel >= 0 ? read(rel, rel_buf, sizeof rel_buf) : -1;
  check(rel_len == (ssize_t)cmd_len && memcmp(rel_buf, cmdline, cmd_len) == 0,
        "cmdline relative to a /proc/self descriptor is argv too");

  char *cpuinfo = slurp("/proc/cpuinfo", NULL);
  int processors = 0;
  for (const char *p = cpuinfo; p && (p = strstr(p, "processor")); p++)
    if (p == cpuinfo || p[-1] == '\n') processors++;
  check(processors == sysconf(_SC_NPROCESSORS_ONLN), "/proc/cpuinfo lists every processor");

  printf("%d failure(s)\n", failures);
  return failures != 0;
}
