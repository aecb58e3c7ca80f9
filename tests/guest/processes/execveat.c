/* execveat.c: the program runs itself again through execveat: by a name
   relative to a directory descriptor, by a close-on-exec descriptor of
   itself with AT_EMPTY_PATH (fexecve), by an absolute name; and the
   kernel's errnos for bad flags, paths and descriptors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char **environ;

static long raw_execveat(int dirfd, const char *path, char *const argv[], int flags) {
  return syscall(SYS_execveat, dirfd, path, argv, environ, flags);
}

/* Runs `how` in a child that execs the program again with "child HOW". */
static void run(const char *self, const char *how) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    char *argv[] = {(char *)self, "child", (char *)how, NULL};
    char dir[4096];
    strcpy(dir, self);
    if (!strcmp(how, "relative")) {
      int d = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      strcpy(dir, self);
      raw_execveat(d, basename(dir), argv, 0);
    } else if (!strcmp(how, "empty_path")) {
      int fd = open(self, O_RDONLY | O_CLOEXEC);
      raw_execveat(fd, "", argv, AT_EMPTY_PATH);
    } else if (!strcmp(how, "absolute")) {
      raw_execveat(AT_FDCWD, self, argv, AT_SYMLINK_NOFOLLOW);
    }
    printf("exec %s failed: %s\n", how, errno_name(errno));
    fflush(stdout);
    _exit(1);
  }
  int status;
  waitpid(pid, &status, 0);
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "execveat %s: the program ran again", how);
}

static void expect(const char *what, long r, const char *want) {
  const char *got = r == 0 ? "ok" : errno_name(errno);
  check(strcmp(got, want) == 0, "%s: %s (want %s)", what, got, want);
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "child")) {
    printf("child: %s\n", argv[2]);
    return 0;
  }
  /* The program's own file, no symlink on the way (a test runner's
     runfiles are links, and "absolute" execs with AT_SYMLINK_NOFOLLOW). */
  char self[4096];
  if (!realpath(argv[0], self)) {
    perror("realpath");
    return 2;
  }
  run(self, "relative");
  run(self, "empty_path");
  run(self, "absolute");
  char *args[] = {self, NULL};
  expect("flags 4", raw_execveat(AT_FDCWD, self, args, 4), "EINVAL");
  expect("empty path without AT_EMPTY_PATH", raw_execveat(AT_FDCWD, "", args, 0), "ENOENT");
  expect("AT_EMPTY_PATH, bad descriptor", raw_execveat(99, "", args, AT_EMPTY_PATH), "EBADF");
  expect("relative, bad descriptor", raw_execveat(99, "x", args, 0), "EBADF");
  int file = open(self, O_RDONLY);
  expect("relative to a file", raw_execveat(file, "x", args, 0), "ENOTDIR");
  expect("bad path pointer", raw_execveat(AT_FDCWD, (char *)8, args, 0), "EFAULT");
  symlink(self, "link");
  expect("symlink with AT_SYMLINK_NOFOLLOW", raw_execveat(AT_FDCWD, "link", args, AT_SYMLINK_NOFOLLOW), "ELOOP");
  unlink("link");
  int fd = open("plain", O_CREAT | O_WRONLY, 0644);
  close(fd);
  expect("not executable", raw_execveat(AT_FDCWD, "plain", args, 0), "EACCES");
  unlink("plain");
  int dir = open(".", O_RDONLY | O_DIRECTORY);
  expect("missing name", raw_execveat(dir, "no-such-program", args, 0), "ENOENT");
  printf("%d failures\n", failures);
  return failures != 0;
}
