/* dir_list.c: builds a temp dir with files, a subdir, a symlink and a FIFO, lists it
 * with opendir/readdir (names sorted) printing d_type, lists a 300-entry dir (several
 * getdents64 calls), then removes everything. Exits 1 if anything failed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

static void fail(const char *what) {
  printf("FAIL %s (errno %d)\n", what, errno);
  failures++;
}

static const char *type_name(unsigned char t) {
  switch (t) {
  case DT_REG: return "DT_REG";
  case DT_DIR: return "DT_DIR";
  case DT_LNK: return "DT_LNK";
  case DT_FIFO: return "DT_FIFO";
  case DT_UNKNOWN: return "DT_UNKNOWN";
  }
  return "other";
}

/* Reads every entry of `path`; returns the count. names[i] (malloc'd) is the
 * entry's d_type byte followed by its name, so sorting keeps them together. */
static int read_names(const char *path, char **names, int max) {
  DIR *d = opendir(path);
  if (!d) {
    fail("opendir");
    return 0;
  }
  int n = 0;
  struct dirent *e;
  errno = 0;
  while ((e = readdir(d)) != NULL) {
    if (n < max) {
      names[n] = malloc(strlen(e->d_name) + 2);
      names[n][0] = (char)e->d_type;
      strcpy(names[n] + 1, e->d_name);
    }
    n++;
  }
  if (errno != 0) fail("readdir");
  if (closedir(d) != 0) fail("closedir");
  return n;
}

/* Orders "type byte + name" strings by name. */
static int cmp_tagged(const void *a, const void *b) {
  return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

int main(void) {
  const char *tmp = getenv("TMPDIR");
  if (!tmp || !*tmp) tmp = "/tmp";
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s/ferry-dir_list-XXXXXX", tmp);
  if (!mkdtemp(dir) || chdir(dir) != 0) {
    fail("mkdtemp/chdir");
    return 1;
  }

  static const char *files[] = {"zeta.txt", "alpha", "Beta", "gamma.dat", ".hidden"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    int fd = open(files[i], O_CREAT | O_WRONLY, 0644);
    if (fd < 0 || write(fd, files[i], strlen(files[i])) < 0) fail(files[i]);
    close(fd);
  }
  if (mkdir("subdir", 0755) != 0) fail("mkdir subdir");
  if (symlink("alpha", "link-to-alpha") != 0) fail("symlink");
  if (mkfifo("fifo", 0644) != 0) fail("mkfifo");

  char *names[64];
  int n = read_names(".", names, 64);
  printf("entries: %d\n", n);
  qsort(names, n < 64 ? n : 64, sizeof *names, cmp_tagged);
  for (int i = 0; i < n && i < 64; i++) {
    printf("  %-14s %s\n", names[i] + 1, type_name((unsigned char)names[i][0]));
    free(names[i]);
  }

  /* A bigger directory: 300 entries with long names need several getdents64 calls. */
  if (mkdir("big", 0755) != 0) fail("mkdir big");
  char path[PATH_MAX];
  for (int i = 0; i < 300; i++) {
    snprintf(path, sizeof path, "big/file-with-a-rather-long-name-number-%03d", i);
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    if (fd < 0) fail("create big/file");
    close(fd);
  }
  static char *big[400];
  int nb = read_names("big", big, 400);
  printf("big entries: %d (300 files + . and ..)\n", nb);
  qsort(big, nb < 400 ? nb : 400, sizeof *big, cmp_tagged);
  int in_order = 1, all_reg = 1;
  for (int i = 2; i < nb && i < 400; i++) {
    snprintf(path, sizeof path, "file-with-a-rather-long-name-number-%03d", i - 2);
    if (strcmp(big[i] + 1, path) != 0) in_order = 0;
    if ((unsigned char)big[i][0] != DT_REG) all_reg = 0;
  }
  printf("big names all present: %s, all DT_REG: %s\n", in_order ? "yes" : "no",
         all_reg ? "yes" : "no");
  if (!in_order || !all_reg || nb != 302) failures++;

  /* rewinddir gives the same count again */
  DIR *d = opendir("big");
  int c1 = 0, c2 = 0;
  while (readdir(d)) c1++;
  rewinddir(d);
  while (readdir(d)) c2++;
  closedir(d);
  printf("rewinddir: %d then %d\n", c1, c2);
  if (c1 != c2) failures++;

  /* clean up */
  for (int i = 0; i < nb && i < 400; i++) {
    if (strcmp(big[i] + 1, ".") && strcmp(big[i] + 1, "..")) {
      snprintf(path, sizeof path, "big/%s", big[i] + 1);
      if (unlink(path) != 0) fail("unlink big/file");
    }
    free(big[i]);
  }
  if (rmdir("big") != 0) fail("rmdir big");
  for (size_t i = 0; i < sizeof files / sizeof *files; i++)
    if (unlink(files[i]) != 0) fail(files[i]);
  if (unlink("link-to-alpha") || unlink("fifo") || rmdir("subdir")) fail("remove");
  n = read_names(".", names, 64);
  printf("entries after cleanup: %d\n", n);
  for (int i = 0; i < n && i < 64; i++) free(names[i]);
  if (chdir("/") != 0 || rmdir(dir) != 0) fail("rmdir temp dir");
  printf("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
