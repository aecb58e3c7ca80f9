/* file_io.c: file syscalls in a fresh temp dir ($TMPDIR or /tmp): open/read/write/
 * lseek/pread/pwrite/readv/writev/ftruncate/stat/rename/link/symlink/dup/fcntl/
 * access/utimensat/chmod and their errno cases. Prints one line per check; exits 1
 * if any check failed, 0 otherwise. Removes everything it created. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"


static const char *errname(int e) {
  switch (e) {
  case 0: return "0";
  case EPERM: return "EPERM";
  case ENOENT: return "ENOENT";
  case EBADF: return "EBADF";
  case EACCES: return "EACCES";
  case EEXIST: return "EEXIST";
  case ENOTDIR: return "ENOTDIR";
  case EISDIR: return "EISDIR";
  case EINVAL: return "EINVAL";
  case ELOOP: return "ELOOP";
  case ENOTEMPTY: return "ENOTEMPTY";
  case ENOSYS: return "ENOSYS";
  case EFAULT: return "EFAULT";
  }
  static char buf[32];
  snprintf(buf, sizeof buf, "errno %d", e);
  return buf;
}


/* A call that must succeed (return >= 0). */
#define MUST(call)                                                   \
  do {                                                               \
    errno = 0;                                                       \
    long r_ = (long)(call);                                          \
    int e_ = errno;                                                  \
    check(r_ >= 0, "%s%s%s", #call, r_ < 0 ? " -> " : "", r_ < 0 ? errname(e_) : ""); \
  } while (0)
/* A call that must fail with the given errno. */
#define FAILS(call, want)                                                    \
  do {                                                                       \
    errno = 0;                                                               \
    long r_ = (long)(call);                                                  \
    int e_ = errno;                                                          \
    check(r_ == -1 && e_ == (want), "%s -> %ld, %s (want -1, %s)", #call, r_, \
          errname(e_), errname(want));                                       \
  } while (0)

static int fd_cloexec(int fd) { return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

/* The lowest fd not open now: what open() and dup() must return next. */
static int lowest_free_fd(void) {
  int fd = 0;
  while (fcntl(fd, F_GETFD) != -1) fd++;
  return fd;
}

int main(void) {
  char buf[256];
  struct stat st, st2;
  int ok; /* calls run before check() so printed values are fresh */
  umask(022);

  const char *tmp = getenv("TMPDIR");
  if (!tmp || !*tmp) tmp = "/tmp";
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s/ferry-file_io-XXXXXX", tmp);
  if (!mkdtemp(dir)) {
    printf("FAIL mkdtemp: %s\n", errname(errno));
    return 1;
  }
  ok = stat(dir, &st) == 0;
  check(ok && S_ISDIR(st.st_mode), "mkdtemp made a directory");
  check((st.st_mode & 0777) == 0700, "mkdtemp mode %o", st.st_mode & 0777);
  MUST(chdir(dir));
  char cwd[PATH_MAX];
  const char *base = strrchr(dir, '/') + 1;
  check(getcwd(cwd, sizeof cwd) && strcmp(strrchr(cwd, '/') + 1, base) == 0,
        "getcwd ends with the temp dir's name");

  /* create, write, read back */
  int want_fd = lowest_free_fd();
  int fd = open("a.txt", O_CREAT | O_EXCL | O_RDWR | O_TRUNC, 0666);
  check(fd >= 0 && fd == want_fd, "open O_CREAT|O_EXCL a.txt gives the lowest free fd");
  check(write(fd, "hello world\n", 12) == 12, "write 12 bytes");
  FAILS(open("a.txt", O_CREAT | O_EXCL | O_RDWR, 0666), EEXIST);
  check(lseek(fd, 0, SEEK_CUR) == 12, "lseek SEEK_CUR after write = 12");
  check(lseek(fd, 0, SEEK_SET) == 0, "lseek SEEK_SET 0");
  memset(buf, 0, sizeof buf);
  ssize_t n = read(fd, buf, sizeof buf);
  check(n == 12 && memcmp(buf, "hello world\n", 12) == 0, "read back %zd bytes: %.11s", n, buf);
  check(read(fd, buf, sizeof buf) == 0, "read at EOF returns 0");
  check(lseek(fd, -6, SEEK_END) == 6, "lseek -6 SEEK_END = 6");
  n = read(fd, buf, 5);
  check(n == 5 && memcmp(buf, "world", 5) == 0, "read after SEEK_END: %.5s", buf);

  /* pread / pwrite leave the file offset alone */
  check(pwrite(fd, "WORLD", 5, 6) == 5, "pwrite 5 bytes at 6");
  memset(buf, 0, sizeof buf);
  n = pread(fd, buf, sizeof buf, 0);
  check(n == 12 && memcmp(buf, "hello WORLD\n", 12) == 0, "pread whole file: %.11s", buf);
  off_t off = lseek(fd, 0, SEEK_CUR);
  check(off == 11, "offset unchanged by pread/pwrite: %ld", (long)off);

  /* writev / readv */
  MUST(ftruncate(fd, 0));
  MUST(lseek(fd, 0, SEEK_SET));
  struct iovec wv[3] = {{"abc", 3}, {"defgh", 5}, {"ij", 2}};
  check(writev(fd, wv, 3) == 10, "writev 3 buffers = 10 bytes");
  MUST(lseek(fd, 0, SEEK_SET));
  char r1[4], r2[6];
  struct iovec rv[2] = {{r1, 4}, {r2, 6}};
  n = readv(fd, rv, 2);
  check(n == 10 && memcmp(r1, "abcd", 4) == 0 && memcmp(r2, "efghij", 6) == 0,
        "readv into 4+6 bytes: %.4s|%.6s", r1, r2);

  /* ftruncate / fstat */
  MUST(ftruncate(fd, 5));
  ok = fstat(fd, &st) == 0;
  check(ok && st.st_size == 5, "ftruncate 5 -> size %lld", (long long)st.st_size);
  MUST(ftruncate(fd, 4096));
  ok = fstat(fd, &st) == 0;
  check(ok && st.st_size == 4096, "ftruncate 4096 -> size %lld",
        (long long)st.st_size);
  check(pread(fd, buf, 4, 100) == 4 && memcmp(buf, "\0\0\0\0", 4) == 0, "extended part reads zeros");
  check(S_ISREG(st.st_mode), "fstat S_ISREG");
  check((st.st_mode & 0777) == 0644, "fstat mode %o (0666 & ~umask 022)", st.st_mode & 0777);
  check(st.st_nlink == 1, "fstat nlink %lu", (unsigned long)st.st_nlink);
  check(st.st_blksize > 0, "fstat blksize > 0");
  ok = stat("a.txt", &st2) == 0;
  check(ok && st2.st_ino == st.st_ino && st2.st_size == 4096,
        "stat matches fstat (ino, size)");
  MUST(fsync(fd));
  MUST(fdatasync(fd));

  /* dup, dup2, dup3, F_DUPFD_CLOEXEC */
  want_fd = lowest_free_fd();
  int d = dup(fd);
  check(d >= 0 && d == want_fd, "dup gives the lowest free fd");
  MUST(lseek(fd, 7, SEEK_SET));
  check(lseek(d, 0, SEEK_CUR) == 7, "dup shares the file offset");
  check(!fd_cloexec(d), "dup clears FD_CLOEXEC");
  check(dup3(fd, 20, O_CLOEXEC) == 20, "dup3 to fd 20");
  check(fd_cloexec(20), "dup3 O_CLOEXEC sets FD_CLOEXEC");
  FAILS(dup3(fd, fd, 0), EINVAL);
  check(dup2(20, 21) == 21 && !fd_cloexec(21), "dup2 to fd 21, no FD_CLOEXEC");
  int dc = fcntl(fd, F_DUPFD_CLOEXEC, 30);
  check(dc == 30 && fd_cloexec(dc), "F_DUPFD_CLOEXEC >= 30 gives %d with FD_CLOEXEC", dc);
  MUST(close(d));
  MUST(close(20));
  MUST(close(21));
  MUST(close(dc));
  FAILS(close(dc), EBADF);
  FAILS(write(dc, "x", 1), EBADF);

  /* fcntl file status flags */
  int fa = open("a.txt", O_WRONLY | O_APPEND | O_CLOEXEC);
  check(fa >= 0, "open O_WRONLY|O_APPEND|O_CLOEXEC");
  int fl = fcntl(fa, F_GETFL);
  check((fl & O_APPEND) && (fl & O_ACCMODE) == O_WRONLY, "F_GETFL shows O_APPEND, O_WRONLY");
  check(!(fl & O_NONBLOCK), "F_GETFL no O_NONBLOCK yet");
  check(fd_cloexec(fa), "F_GETFD shows FD_CLOEXEC");
  MUST(fcntl(fa, F_SETFL, fl | O_NONBLOCK));
  check(fcntl(fa, F_GETFL) & O_NONBLOCK, "F_SETFL O_NONBLOCK sticks");
  MUST(fcntl(fa, F_SETFD, 0));
  check(!fd_cloexec(fa), "F_SETFD 0 clears FD_CLOEXEC");
  check(write(fa, "tail", 4) == 4, "write on O_APPEND fd");
  ok = fstat(fd, &st) == 0;
  check(ok && st.st_size == 4100, "O_APPEND wrote at the end: size %lld",
        (long long)st.st_size);
  check(pread(fd, buf, 4, 4096) == 4 && memcmp(buf, "tail", 4) == 0, "appended bytes read back");
  MUST(close(fa));

  /* open errors */
  FAILS(open("missing", O_RDONLY), ENOENT);
  FAILS(open("a.txt", O_RDONLY | O_DIRECTORY), ENOTDIR);
  FAILS(open("a.txt/x", O_RDONLY), ENOTDIR);
  FAILS(open(".", O_WRONLY), EISDIR);

  /* rename, link, symlink, readlink */
  MUST(rename("a.txt", "b.txt"));
  FAILS(stat("a.txt", &st2), ENOENT);
  ok = stat("b.txt", &st2) == 0;
  check(ok && st2.st_ino == st.st_ino, "renamed file keeps its inode");
  MUST(link("b.txt", "c.txt"));
  ok = stat("c.txt", &st2) == 0;
  check(ok && st2.st_ino == st.st_ino && st2.st_nlink == 2,
        "hard link: same inode, nlink %lu", (unsigned long)st2.st_nlink);
  FAILS(link("b.txt", "c.txt"), EEXIST);
  MUST(symlink("b.txt", "s.lnk"));
  memset(buf, 0, sizeof buf);
  n = readlink("s.lnk", buf, sizeof buf);
  check(n == 5 && memcmp(buf, "b.txt", 5) == 0, "readlink -> %zd \"%.*s\"", n, (int)(n > 0 ? n : 0), buf);
  FAILS(readlink("b.txt", buf, sizeof buf), EINVAL);
  ok = lstat("s.lnk", &st2) == 0;
  check(ok && S_ISLNK(st2.st_mode) && st2.st_size == 5, "lstat S_ISLNK, size 5");
  ok = stat("s.lnk", &st2) == 0;
  check(ok && S_ISREG(st2.st_mode) && st2.st_ino == st.st_ino,
        "stat follows the symlink");
  FAILS(open("s.lnk", O_RDONLY | O_NOFOLLOW), ELOOP);
  int fs = open("s.lnk", O_RDONLY);
  n = read(fs, buf, 5);
  check(fs >= 0 && n == 5 && memcmp(buf, "abcde", 5) == 0, "open through symlink, read: %.5s", buf);
  close(fs);

  /* mkdir, openat/unlinkat in it, rmdir */
  MUST(mkdir("d", 0777));
  ok = stat("d", &st2) == 0;
  check(ok && S_ISDIR(st2.st_mode) && (st2.st_mode & 0777) == 0755,
        "mkdir: S_ISDIR, mode %o", st2.st_mode & 0777);
  FAILS(mkdir("d", 0777), EEXIST);
  int dfd = open("d", O_RDONLY | O_DIRECTORY);
  check(dfd >= 0, "open dir O_DIRECTORY");
  int fi = openat(dfd, "inner", O_CREAT | O_WRONLY, 0600);
  check(fi >= 0 && write(fi, "x", 1) == 1, "openat in dir, write");
  close(fi);
  ok = fstatat(dfd, "inner", &st2, 0) == 0;
  check(ok && st2.st_size == 1 && (st2.st_mode & 0777) == 0600,
        "fstatat: size 1, mode %o", st2.st_mode & 0777);
  FAILS(rmdir("d"), ENOTEMPTY);
  MUST(unlinkat(dfd, "inner", 0));
  close(dfd);
  MUST(rmdir("d"));
  FAILS(rmdir("d"), ENOENT);

  /* access / faccessat */
  MUST(access("b.txt", F_OK));
  MUST(access("b.txt", R_OK | W_OK));
  FAILS(access("missing", F_OK), ENOENT);
  int here = open(".", O_RDONLY | O_DIRECTORY);
  MUST(faccessat(AT_FDCWD, "b.txt", R_OK, 0));
  MUST(faccessat(here, "c.txt", F_OK, 0));
  FAILS(faccessat(here, "missing", F_OK, 0), ENOENT);

  /* utimensat / futimens then stat times */
  struct timespec ts[2] = {{1000000000, 123456789}, {1234567890, 500000000}};
  MUST(utimensat(AT_FDCWD, "b.txt", ts, 0));
  check(stat("b.txt", &st2) == 0, "stat after utimensat");
  printf("     atime %lld.%09ld mtime %lld.%09ld\n", (long long)st2.st_atim.tv_sec,
         st2.st_atim.tv_nsec, (long long)st2.st_mtim.tv_sec, st2.st_mtim.tv_nsec);
  check(st2.st_atim.tv_sec == ts[0].tv_sec && st2.st_atim.tv_nsec == ts[0].tv_nsec &&
            st2.st_mtim.tv_sec == ts[1].tv_sec && st2.st_mtim.tv_nsec == ts[1].tv_nsec,
        "utimensat set atime and mtime");
  struct timespec ts2[2] = {{0, UTIME_OMIT}, {1500000000, 0}};
  MUST(futimens(fd, ts2));
  ok = fstat(fd, &st2) == 0;
  check(ok && st2.st_atim.tv_sec == ts[0].tv_sec &&
            st2.st_mtim.tv_sec == 1500000000 && st2.st_mtim.tv_nsec == 0,
        "futimens UTIME_OMIT keeps atime, sets mtime %lld", (long long)st2.st_mtim.tv_sec);

  /* chmod family */
  MUST(chmod("b.txt", 0600));
  ok = stat("b.txt", &st2) == 0;
  check(ok && (st2.st_mode & 0777) == 0600, "chmod -> mode %o", st2.st_mode & 0777);
  MUST(fchmod(fd, 0640));
  ok = stat("c.txt", &st2) == 0;
  check(ok && (st2.st_mode & 0777) == 0640, "fchmod -> mode %o", st2.st_mode & 0777);
  MUST(fchmodat(here, "c.txt", 0444, 0));
  ok = fstat(fd, &st2) == 0;
  check(ok && (st2.st_mode & 0777) == 0444, "fchmodat -> mode %o", st2.st_mode & 0777);
  close(here);

  /* clean up */
  MUST(close(fd));
  MUST(unlink("s.lnk"));
  MUST(unlink("c.txt"));
  MUST(unlink("b.txt"));
  FAILS(unlink("b.txt"), ENOENT);
  MUST(chdir("/"));
  MUST(rmdir(dir));
  FAILS(stat(dir, &st2), ENOENT);

  printf("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
