/* file_admin.c (as root): syncfs, sync_file_range, readahead, preadv2 and
   pwritev2 with RWF_* flags, file handles, fanotify, and the errors of
   quotactl, acct and swapon/swapoff on paths that are not there (those
   needing the initial namespace's capabilities are reported, not checked). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/quota.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"

static void flushing(int fd) {
  check(syscall(SYS_syncfs, fd) == 0, "syncfs");
  errno = 0;
  check(syscall(SYS_syncfs, -1) == -1 && errno == EBADF, "syncfs(-1): EBADF");
  check(sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) == 0, "sync_file_range");
  errno = 0;
  check(sync_file_range(fd, 0, 0, 0x100) == -1 && errno == EINVAL, "sync_file_range with a bad flag: EINVAL");
  check(readahead(fd, 0, 4096) == 0, "readahead");
  int p[2];
  if (pipe(p) != 0) return;
  errno = 0;
  check(readahead(p[0], 0, 4096) == -1 && errno == EINVAL, "readahead on a pipe: EINVAL");
  close(p[0]);
  close(p[1]);
}

static void vectored(int fd) {
  char a[] = "hello ", b[] = "world";
  struct iovec out[2] = {{a, 6}, {b, 5}};
  check(pwritev2(fd, out, 2, 0, RWF_DSYNC) == 11, "pwritev2 at 0, RWF_DSYNC");
  check(pwritev2(fd, out + 1, 1, -1, RWF_APPEND) == 5, "pwritev2 at the position, RWF_APPEND");
  char in1[4] = {0}, in2[16] = {0};
  struct iovec iv[2] = {{in1, 3}, {in2, sizeof in2 - 1}};
  ssize_t n = preadv2(fd, iv, 2, 2, RWF_HIPRI);
  check(n == 14 && memcmp(in1, "llo", 3) == 0 && strcmp(in2, " worldworld") == 0, "preadv2 at 2: %zd bytes", n);
  lseek(fd, 6, SEEK_SET);
  memset(in2, 0, sizeof in2);
  struct iovec one = {in2, 5};
  check(preadv2(fd, &one, 1, -1, 0) == 5 && strcmp(in2, "world") == 0, "preadv2 at the position");
  check(lseek(fd, 0, SEEK_CUR) == 11, "which moves it");
  errno = 0;
  check(preadv2(fd, &one, 1, 0, 0x1000) == -1 && errno == EOPNOTSUPP, "preadv2 with an unknown flag: EOPNOTSUPP");
  errno = 0;
  check(preadv2(fd, &one, 1, -2, 0) == -1 && errno == EINVAL, "preadv2 at -2: EINVAL");
  struct iovec badv = {(void*)8, 5};
  errno = 0;
  check(pwritev2(fd, &badv, 1, 0, 0) == -1 && errno == EFAULT, "pwritev2 from a bad buffer: EFAULT");
  int p[2];
  if (pipe(p) != 0) return;
  errno = 0;
  check(preadv2(p[0], &one, 1, -1, RWF_NOWAIT) == -1 && errno == EAGAIN, "preadv2 RWF_NOWAIT on an empty pipe: EAGAIN");
  close(p[0]);
  close(p[1]);
}

static void handles(const char* dir, const char* name) {
  struct {
    struct file_handle h;
    unsigned char bytes[128];
  } fh;
  fh.h.handle_bytes = 128;
  int mount_id = -1;
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int r = name_to_handle_at(AT_FDCWD, path, &fh.h, &mount_id, 0);
  check(r == 0 || errno == EOPNOTSUPP, "name_to_handle_at");
  if (r != 0) return;
  check(fh.h.handle_bytes > 0 && fh.h.handle_bytes <= 128, "a handle");
  int mfd = open(dir, O_RDONLY | O_DIRECTORY);
  int fd = open_by_handle_at(mfd, &fh.h, O_RDONLY);
  report("open_by_handle_at", fd);
  char buf[8] = {0};
  if (fd >= 0) check(pread(fd, buf, 5, 0) == 5 && strcmp(buf, "hello") == 0, "it opens the file");
  close(fd);
  struct {
    struct file_handle h;
    unsigned char bytes[4];
  } small;
  small.h.handle_bytes = 0;
  errno = 0;
  check(name_to_handle_at(AT_FDCWD, path, &small.h, &mount_id, 0) == -1 && errno == EOVERFLOW,
        "name_to_handle_at into no room: EOVERFLOW");
  check(small.h.handle_bytes == fh.h.handle_bytes, "and says the size it needs");
  errno = 0;
  check(name_to_handle_at(AT_FDCWD, "/nonexistent-ferry", &fh.h, &mount_id, 0) == -1 && errno == ENOENT,
        "name_to_handle_at of a missing path: ENOENT");
  errno = 0;
  check(name_to_handle_at(AT_FDCWD, path, (void*)8, &mount_id, 0) == -1 && errno == EFAULT, "into a bad pointer: EFAULT");
  fh.h.handle_bytes = 129;
  errno = 0;
  check(open_by_handle_at(mfd, &fh.h, O_RDONLY) == -1 && errno == EINVAL, "open_by_handle_at of 129 bytes: EINVAL");
  close(mfd);
}

static void notify(const char* dir, const char* name) {
  int fan = fanotify_init(FAN_CLASS_NOTIF | FAN_NONBLOCK, O_RDONLY);
  report("fanotify_init", fan);
  if (fan < 0) return;
  check(fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN | FAN_EVENT_ON_CHILD, AT_FDCWD, dir) == 0, "fanotify_mark the directory");
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int fd = open(path, O_RDONLY);
  close(fd);
  char buf[4096];
  ssize_t n = read(fan, buf, sizeof buf);
  struct fanotify_event_metadata* ev = (struct fanotify_event_metadata*)buf;
  check(n >= (ssize_t)sizeof *ev && ev->vers == FANOTIFY_METADATA_VERSION, "an event");
  if (n >= (ssize_t)sizeof *ev) {
    check((ev->mask & FAN_OPEN) && ev->pid == getpid(), "FAN_OPEN by this process");
    char link[64], target[256] = {0};
    snprintf(link, sizeof link, "/proc/self/fd/%d", ev->fd);
    check(readlink(link, target, sizeof target - 1) > 0 && strcmp(target, path) == 0, "its descriptor is the file");
    close(ev->fd);
  }
  errno = 0;
  check(fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, "/nonexistent-ferry") == -1 && errno == ENOENT,
        "fanotify_mark of a missing path: ENOENT");
  check(fanotify_mark(fan, FAN_MARK_REMOVE, FAN_OPEN | FAN_EVENT_ON_CHILD, open(dir, O_RDONLY), NULL) == 0, "fanotify_mark by descriptor");
  errno = 0;
  check(fanotify_init(0x80000000, O_RDONLY) == -1 && errno == EINVAL, "fanotify_init with a bad flag: EINVAL");
  close(fan);
}

static void admin(void) {
  int fmt;
  errno = 0;
  check(quotactl(QCMD(Q_GETFMT, USRQUOTA), "/dev/nonexistent-ferry", 0, (caddr_t)&fmt) == -1 && errno == ENOENT,
        "quotactl on a missing device: ENOENT");
  errno = 0;
  check(quotactl(QCMD(Q_GETFMT, USRQUOTA), (char*)8, 0, (caddr_t)&fmt) == -1 && errno == EFAULT,
        "quotactl with a bad path: EFAULT");
  int root = open("/", O_RDONLY);
  errno = 0;
  long q = syscall(SYS_quotactl_fd, root, QCMD(Q_GETFMT, USRQUOTA), 0, &fmt);
  printf("quotactl_fd(Q_GETFMT) on /: %ld %s\n", q, q == 0 ? "" : strerror(errno));
  errno = 0;
  check(syscall(SYS_quotactl_fd, -1, QCMD(Q_GETFMT, USRQUOTA), 0, &fmt) == -1 && errno == EBADF, "quotactl_fd(-1): EBADF");
  report("acct of a missing path", acct("/nonexistent-ferry/acct"));
  report("acct from a bad pointer", syscall(SYS_acct, 8));
  report("swapon of a missing path", syscall(SYS_swapon, "/nonexistent-ferry", 0));
  report("swapoff of a missing path", syscall(SYS_swapoff, "/nonexistent-ferry"));
}

int main(void) {
  char dir[] = "/tmp/ferry-files-XXXXXX";
  if (!mkdtemp(dir)) return 2;
  char path[256];
  snprintf(path, sizeof path, "%s/data", dir);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  check(fd >= 0, "open");
  flushing(fd);
  vectored(fd);
  handles(dir, "data");
  notify(dir, "data");
  admin();
  close(fd);
  unlink(path);
  rmdir(dir);
  printf("%d failures\n", failures);
  return failures != 0;
}
