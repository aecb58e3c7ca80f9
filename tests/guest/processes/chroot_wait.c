/* chroot_wait.c: chroot's errors and effect, and wait4's edge cases.
   A child chroots into a fresh directory: missing and non-directory
   targets fail as the kernel says, then "/" is the new root for lookups,
   creations and getcwd after chdir("/"); the parent sees what the child
   made there. wait4(INT_MIN) is ESRCH, bad options EINVAL, and no
   children ECHILD. Run as root (the test machine's user), as chroot needs
   CAP_SYS_CHROOT. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static void show(const char* what, long r) { printf("%s: %s\n", what, result_name(r)); }

int main(void) {
  char dir[] = "chroot_wait.XXXXXX";
  if (!mkdtemp(dir)) return 1;
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/marker", dir);
  int fd = open(path, O_CREAT | O_WRONLY, 0644);
  write(fd, "inside\n", 7);
  close(fd);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    show("chroot(missing)", chroot("no-such-dir"));
    show("chroot(a file)", chroot(path));
    show("chroot(dir)", chroot(dir));
    struct stat st;
    show("stat /marker", stat("/marker", &st));
    printf("size %ld\n", (long)st.st_size);
    show("open /etc/passwd", open("/etc/passwd", O_RDONLY));
    show("chdir /", chdir("/"));
    char cwd[PATH_MAX];
    printf("getcwd %s\n", getcwd(cwd, sizeof cwd) ? cwd : strerror(errno));
    show("mkdir /made", mkdir("/made", 0755));
    show("chroot(..) stays inside", chroot(".."));
    show("stat /marker again", stat("/marker", &st));
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("child status %d\n", WEXITSTATUS(status));
  snprintf(path, sizeof path, "%s/made", dir);
  struct stat st;
  printf("parent sees made: %s\n", stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? "yes" : "no");
  rmdir(path);
  snprintf(path, sizeof path, "%s/marker", dir);
  unlink(path);
  rmdir(dir);
  errno = 0;
  show("wait4(INT_MIN)", syscall(SYS_wait4, INT_MIN, 0, 0, 0));
  show("wait4(-1, bad options)", syscall(SYS_wait4, -1, 0, 0x1000, 0));
  show("wait4(-1) with no children", syscall(SYS_wait4, -1, 0, 0, 0));
  return 0;
}
