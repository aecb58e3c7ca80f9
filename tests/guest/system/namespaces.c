/* namespaces.c (as root): unshare and setns for UTS, mount and user
   namespaces, mounts by mount(2) and by the new mount API, each in a child
   so the machine's own namespaces are untouched. After each change a
   blocking call (one ferry runs in its syscall helper) must see the new
   state: a FIFO's open inside a new mount, a pipe's read in a user
   namespace. setns into a mount namespace needs an unshared fs state. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x1
#endif

struct mount_attr_ {
  unsigned long long attr_set, attr_clr, propagation, userns_fd;
};

/* Runs `body` in a child and reports its failures as ours. */
static void in_child(const char* what, int (*body)(void)) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    failures = 0;
    int f = body();
    fflush(stdout);
    _exit(f ? 1 : 0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: child status %#x", what, status);
}

static int uts(void) {
  int original = open("/proc/self/ns/uts", O_RDONLY);
  struct utsname before, u;
  uname(&before);
  usleep(1000); /* a blocking call: the helper exists */
  check(unshare(CLONE_NEWUTS) == 0, "unshare(CLONE_NEWUTS)");
  check(sethostname("ferry-ns-test", 13) == 0, "sethostname");
  check(setdomainname("ferry.example", 13) == 0, "setdomainname");
  uname(&u);
  printf("nodename %s domainname %s\n", u.nodename, u.domainname);
  char name[64];
  check(gethostname(name, sizeof name) == 0 && strcmp(name, "ferry-ns-test") == 0, "gethostname");
  errno = 0;
  check(syscall(SYS_sethostname, name, 65) == -1 && errno == EINVAL, "sethostname of 65 bytes: EINVAL");
  errno = 0;
  check(syscall(SYS_sethostname, 8, 4) == -1 && errno == EFAULT, "sethostname from a bad pointer: EFAULT");
  usleep(1000);
  /* Root in a sandbox's user namespace may not enter the parent's. */
  long back = setns(original, CLONE_NEWUTS);
  report("setns back to the first UTS namespace", back);
  uname(&u);
  if (back == 0) check(strcmp(u.nodename, before.nodename) == 0, "its nodename again");
  errno = 0;
  check(setns(original, CLONE_NEWNET) == -1 && errno == EINVAL, "setns with the wrong type: EINVAL");
  errno = 0;
  check(setns(-1, 0) == -1 && errno == EBADF, "setns(-1): EBADF");
  return failures;
}

static int open_fifo_late(const char* fifo) {
  pid_t writer = fork();
  if (writer == 0) {
    usleep(100 * 1000);
    int w = open(fifo, O_WRONLY);
    if (write(w, "x", 1) != 1) _exit(1);
    _exit(0);
  }
  int r = open(fifo, O_RDONLY); /* waits for the writer: in ferry's helper */
  char c = 0;
  int ok = r >= 0 && read(r, &c, 1) == 1 && c == 'x';
  close(r);
  waitpid(writer, NULL, 0);
  return ok;
}

static int mounts(void) {
  int original = open("/proc/self/ns/mnt", O_RDONLY);
  usleep(1000);
  check(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS)");
  check(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "make every mount private");
  char dir[] = "/tmp/ferry-mnt-XXXXXX";
  check(mkdtemp(dir) != NULL, "mkdtemp");
  struct stat outside, inside;
  stat(dir, &outside);
  check(mount("tmpfs", dir, "tmpfs", 0, "size=1m") == 0, "mount a tmpfs");
  stat(dir, &inside);
  check(inside.st_dev != outside.st_dev, "a new filesystem there");
  char fifo[64];
  snprintf(fifo, sizeof fifo, "%s/fifo", dir);
  check(mkfifo(fifo, 0600) == 0, "mkfifo in it");
  check(open_fifo_late(fifo), "a FIFO's blocking open in the new mount");
  char bind[] = "/tmp/ferry-bind-XXXXXX";
  check(mkdtemp(bind) != NULL, "mkdtemp");
  check(mount(dir, bind, NULL, MS_BIND, NULL) == 0, "bind mount");
  char seen[64];
  snprintf(seen, sizeof seen, "%s/fifo", bind);
  check(access(seen, F_OK) == 0, "the FIFO through the bind mount");
  check(umount2(bind, 0) == 0, "umount2 the bind mount");
  errno = 0;
  check(umount2(bind, 0) == -1 && errno == EINVAL, "umount2 of no mount: EINVAL");
  check(umount2(dir, MNT_DETACH) == 0, "umount2 the tmpfs");
  errno = 0;
  check(umount2("/nonexistent-ferry", 0) == -1 && errno == ENOENT, "umount2 of a missing path: ENOENT");
  errno = 0;
  check(mount("tmpfs", (char*)8, "tmpfs", 0, NULL) == -1 && errno == EFAULT, "mount on a bad pointer: EFAULT");
  errno = 0;
  check(mount("none", dir, "no-such-fs", 0, NULL) == -1 && errno == ENODEV, "mount of an unknown type: ENODEV");

  /* The new mount API: a tmpfs made, configured, mounted and moved there. */
  int fs = syscall(SYS_fsopen, "tmpfs", 1 /* FSOPEN_CLOEXEC */);
  check(fs >= 0, "fsopen");
  check(syscall(SYS_fsconfig, fs, 1 /* SET_STRING */, "size", "1m", 0) == 0, "fsconfig size");
  errno = 0;
  check(syscall(SYS_fsconfig, fs, 1, "no-such-option", "1", 0) == -1 && errno == EINVAL, "fsconfig of an unknown key: EINVAL");
  check(syscall(SYS_fsconfig, fs, 6 /* CMD_CREATE */, NULL, NULL, 0) == 0, "fsconfig create");
  int mnt = syscall(SYS_fsmount, fs, 1 /* FSMOUNT_CLOEXEC */, 0);
  check(mnt >= 0, "fsmount");
  check(syscall(SYS_move_mount, mnt, "", AT_FDCWD, dir, 4 /* MOVE_MOUNT_F_EMPTY_PATH */) == 0, "move_mount");
  stat(dir, &inside);
  check(inside.st_dev != outside.st_dev, "the new tmpfs there");
  int pick = syscall(SYS_fspick, AT_FDCWD, dir, 0);
  check(pick >= 0, "fspick");
  int tree = syscall(SYS_open_tree, AT_FDCWD, dir, 1 /* OPEN_TREE_CLONE */);
  check(tree >= 0, "open_tree");
  struct mount_attr_ attr = {MOUNT_ATTR_RDONLY, 0, 0, 0};
  check(syscall(SYS_mount_setattr, AT_FDCWD, dir, 0, &attr, sizeof attr) == 0, "mount_setattr read-only");
  char file[64];
  snprintf(file, sizeof file, "%s/file", dir);
  errno = 0;
  check(open(file, O_CREAT | O_WRONLY, 0600) == -1 && errno == EROFS, "then a file cannot be made: EROFS");
  close(tree);
  close(pick);
  close(mnt);
  close(fs);
  check(umount2(dir, 0) == 0, "umount2 it");
  errno = 0;
  check(syscall(SYS_fsopen, "no-such-fs", 0) == -1 && errno == ENODEV, "fsopen of an unknown type: ENODEV");
  errno = 0;
  check(syscall(SYS_pivot_root, "/nonexistent-ferry", "/nonexistent-ferry") == -1 && errno == ENOENT,
        "pivot_root to a missing path: ENOENT");

  usleep(1000);
  check(setns(original, CLONE_NEWNS) == 0, "setns back to the first mount namespace");
  rmdir(dir);
  rmdir(bind);
  return failures;
}

static int user(void) {
  int p[2];
  if (pipe(p) != 0) return 1;
  usleep(1000);
  check(unshare(CLONE_NEWUSER) == 0, "unshare(CLONE_NEWUSER)");
  printf("uid %d gid %d in the new user namespace\n", (int)getuid(), (int)getgid());
  pid_t writer = fork();
  if (writer == 0) {
    usleep(100 * 1000);
    if (write(p[1], "y", 1) != 1) _exit(1);
    _exit(0);
  }
  char c = 0;
  check(read(p[0], &c, 1) == 1 && c == 'y', "a blocking read in the new user namespace");
  waitpid(writer, NULL, 0);
  return failures;
}

int main(void) {
  in_child("UTS namespace", uts);
  in_child("mount namespace", mounts);
  in_child("user namespace", user);
  errno = 0;
  check(unshare(-1) == -1 && errno == EINVAL, "unshare(-1): EINVAL");
  printf("%d failures\n", failures);
  return failures != 0;
}
