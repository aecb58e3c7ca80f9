/* trace_admin.c: calls of the file and system families (issue 15) for
   --strace to decode as strace does: sync_file_range's and the RWF_* flags,
   preadv2/pwritev2's offset (one argument on 64-bit arches), unshare's
   CLONE_NEW* and mount's MS_* flags. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  if (write(1, "BEGIN\n", 6) != 6) return 1;
  char path[] = "/tmp/ferry-trace-admin-XXXXXX";
  int fd = mkstemp(path);
  unlink(path);
  syscall(SYS_syncfs, fd);
  sync_file_range(fd, 0, 4096, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE);
  sync_file_range(fd, 0, 0, 0x100);
  readahead(fd, 0, 4096);
  char a[] = "hello ", b[] = "world";
  struct iovec out[2] = {{a, 6}, {b, 5}};
  pwritev2(fd, out, 2, 0, RWF_DSYNC | RWF_HIPRI);
  pwritev2(fd, out, 1, -1, RWF_APPEND);
  char in[16];
  struct iovec iv = {in, 11};
  preadv2(fd, &iv, 1, 0, RWF_NOWAIT);
  pwritev2(fd, out, 1, 0, 0x1000);
  if (fork() == 0) {
    unshare(CLONE_NEWNS | CLONE_NEWUTS);
    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL);
    mount("none", "/nonexistent-ferry", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m");
    umount2("/nonexistent-ferry", MNT_DETACH);
    _exit(0);
  }
  wait(NULL);
  return 0;
}
