/* openat2: struct open_how's size rules (copy_struct_from_user), the flag,
   mode and resolve checks, and each RESOLVE_* flag on a small tree:
     root/a/file   "content"
     root/rel  -> a/file      root/abs -> /a/file     root/up -> ../..
   RESOLVE_IN_ROOT makes root the walk's "/", RESOLVE_BENEATH refuses to
   leave it, RESOLVE_NO_SYMLINKS and RESOLVE_NO_MAGICLINKS refuse links,
   RESOLVE_NO_XDEV refuses to cross into /proc. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int root = -1;

static long open2(int dirfd, const char *path, unsigned long long flags, unsigned long long mode,
                  unsigned long long resolve) {
  struct open_how how = {flags, mode, resolve};
  long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
  return fd < 0 ? -errno : fd;
}

/* What opening `path` under `resolve` gives: the file's first bytes, or the errno. */
static void show(const char *what, int dirfd, const char *path, unsigned long long resolve) {
  long fd = open2(dirfd, path, O_RDONLY | O_CLOEXEC, 0, resolve);
  if (fd < 0) {
    printf("%-28s %s\n", what, strerror((int)-fd));
    return;
  }
  char buf[16] = {0};
  long n = read((int)fd, buf, 7);
  close((int)fd);
  printf("%-28s read %ld \"%s\"\n", what, n, n > 0 ? buf : "");
}

/* openat2 with a struct of `size` bytes at `how`: the fd is closed; 0 or -errno. */
static long sized(const char *path, void *how, unsigned long size) {
  long r = syscall(SYS_openat2, AT_FDCWD, path, how, size);
  if (r >= 0) close((int)r);
  return r < 0 ? -errno : 0;
}

static void struct_rules(void) {
  struct {
    struct open_how how;
    unsigned long long extra;
  } big = {{O_RDONLY, 0, 0}, 0};
  const char *path = "/dev/null";
  printf("size 0: %ld\n", sized(path, &big, 0));
  printf("size 23: %ld\n", sized(path, &big, 23));
  printf("size 4097: %ld\n", sized(path, &big, 4097));
  printf("size 32, zero tail: %ld\n", sized(path, &big, sizeof big));
  big.extra = 1;
  printf("size 32, nonzero tail: %ld\n", sized(path, &big, sizeof big));
  printf("bad how: %ld\n", sized(path, (void *)8, 24));
  printf("bad path: %ld\n", open2(AT_FDCWD, (const char *)8, O_RDONLY, 0, 0));
  printf("bad path, bad flags: %ld\n", open2(AT_FDCWD, (const char *)8, 1ull << 40, 0, 0));
  printf("high flag bits: %ld\n", open2(AT_FDCWD, path, 1ull << 40, 0, 0));
  printf("unknown resolve: %ld\n", open2(AT_FDCWD, path, O_RDONLY, 0, 0x40));
  printf("mode without O_CREAT: %ld\n", open2(AT_FDCWD, path, O_RDONLY, 0644, 0));
  printf("mode beyond 07777: %ld\n", open2(AT_FDCWD, "/tmp/x", O_RDONLY | O_CREAT, 010000, 0));
  printf("beneath and in_root: %ld\n", open2(root, "a/file", O_RDONLY, 0, RESOLVE_BENEATH | RESOLVE_IN_ROOT));
  printf("cached with O_CREAT: %ld\n", open2(root, "a/new", O_RDWR | O_CREAT, 0600, RESOLVE_CACHED));
}

int main(void) {
  char dir[] = "/tmp/ferry-openat2-XXXXXX";
  if (!mkdtemp(dir)) return 2;
  char path[256];
  snprintf(path, sizeof path, "%s/a", dir);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/a/file", dir);
  FILE *f = fopen(path, "w");
  fputs("content", f);
  fclose(f);
  root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  symlinkat("a/file", root, "rel");
  symlinkat("/a/file", root, "abs");
  symlinkat("../..", root, "up");

  struct_rules();
  snprintf(path, sizeof path, "%s/rel", dir);
  show("absolute, no resolve", AT_FDCWD, path, 0);
  show("absolute, no_symlinks", AT_FDCWD, path, RESOLVE_NO_SYMLINKS);
  show("a/file, no_symlinks", root, "a/file", RESOLVE_NO_SYMLINKS);
  show("rel, no_symlinks", root, "rel", RESOLVE_NO_SYMLINKS);
  show("rel, no_magiclinks", root, "rel", RESOLVE_NO_MAGICLINKS);
  show("a/file, beneath", root, "a/file", RESOLVE_BENEATH);
  show("rel, beneath", root, "rel", RESOLVE_BENEATH);
  show("abs, beneath", root, "abs", RESOLVE_BENEATH);
  show("../, beneath", root, "../x", RESOLVE_BENEATH);
  show("/etc/passwd, beneath", root, "/etc/passwd", RESOLVE_BENEATH);
  show("/a/file, in_root", root, "/a/file", RESOLVE_IN_ROOT);
  show("abs, in_root", root, "abs", RESOLVE_IN_ROOT);
  show("up/a/file, in_root", root, "up/a/file", RESOLVE_IN_ROOT);
  show("up/a/file, beneath", root, "up/a/file", RESOLVE_BENEATH);
  show("a/file, no_xdev", root, "a/file", RESOLVE_NO_XDEV);
  show("/proc/self/status, no_xdev", AT_FDCWD, "/proc/self/status", RESOLVE_NO_XDEV);
  show("/proc/self/fd/N, no_magic", AT_FDCWD, "/proc/self/fd/0", RESOLVE_NO_MAGICLINKS);
  show("/proc/self/exe, no_magic", AT_FDCWD, "/proc/self/exe", RESOLVE_NO_MAGICLINKS);
  /* /proc/self is an ordinary symlink: refused only by no_symlinks. */
  long fd = open2(AT_FDCWD, "/proc/self/cmdline", O_RDONLY, 0, RESOLVE_NO_MAGICLINKS);
  printf("/proc/self/cmdline, no_magic: %s\n", fd >= 0 ? "opened" : strerror((int)-fd));
  if (fd >= 0) close((int)fd);
  printf("/proc/self/cmdline, no_symlinks: %ld\n", open2(AT_FDCWD, "/proc/self/cmdline", O_RDONLY, 0, RESOLVE_NO_SYMLINKS));
  /* A cached lookup may succeed or ask to retry without RESOLVE_CACHED. */
  fd = open2(root, "a/file", O_RDONLY, 0, RESOLVE_CACHED);
  printf("cached: %s\n", fd >= 0 || fd == -EAGAIN ? "opened or EAGAIN" : strerror((int)-fd));
  if (fd >= 0) close((int)fd);
  /* Creating through openat2, and O_DIRECTORY (whose bit differs by arch). */
  fd = open2(root, "a/made", O_WRONLY | O_CREAT | O_EXCL, 0640, RESOLVE_BENEATH);
  struct stat st;
  printf("created: %d, mode %o\n", fd >= 0, fstatat(root, "a/made", &st, 0) == 0 ? st.st_mode & 0777 : 0);
  if (fd >= 0) close((int)fd);
  printf("O_DIRECTORY on a file: %ld\n", open2(root, "a/file", O_RDONLY | O_DIRECTORY, 0, 0));

  unlinkat(root, "a/made", 0);
  unlinkat(root, "a/file", 0);
  unlinkat(root, "a", AT_REMOVEDIR);
  unlinkat(root, "rel", 0);
  unlinkat(root, "abs", 0);
  unlinkat(root, "up", 0);
  rmdir(dir);
  return 0;
}
