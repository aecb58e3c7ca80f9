/* anon_inodes: what fstat, fcntl(F_GETFL) and /proc/self/fd show for the
   descriptors the kernel backs with an anonymous inode: signalfd (a pipe
   inside ferry), eventfd, timerfd, epoll and inotify. All of them share the
   one anon inode, so their st_ino and st_dev agree; the fd links read
   "anon_inode:[signalfd]" and so on. The same in a forked child, whose
   signalfd ferry gives a new pipe. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static struct stat reference;

static void show(const char *name, int fd) {
  struct stat st, at;
  char path[64], link[128] = "";
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(path, link, sizeof link - 1);
  if (n >= 0) link[n] = 0;
  int r = fstat(fd, &st);
  int r2 = fstatat(fd, "", &at, AT_EMPTY_PATH);
  int flags = fcntl(fd, F_GETFL);
  printf("%s: link %s, fstat %d mode %o nlink %lu size %lld blksize %ld uid %u, same inode as eventfd %d, fstatat agrees %d, "
         "accmode %d\n",
         name, link, r, st.st_mode, (unsigned long)st.st_nlink, (long long)st.st_size, (long)st.st_blksize, st.st_uid,
         st.st_ino == reference.st_ino && st.st_dev == reference.st_dev,
         r2 == 0 && at.st_ino == st.st_ino && at.st_mode == st.st_mode, flags & O_ACCMODE);
}

static void show_all(int sfd) {
  show("signalfd", sfd);
  int efd = eventfd(0, 0), tfd = timerfd_create(CLOCK_MONOTONIC, 0), ep = epoll_create1(0), in = inotify_init1(0);
  show("eventfd", efd);
  show("timerfd", tfd);
  show("epoll", ep);
  show("inotify", in);
  int dup_fd = dup(sfd);
  show("dup of signalfd", dup_fd);
  close(dup_fd);
  close(efd);
  close(tfd);
  close(ep);
  close(in);
}

int main(void) {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR1);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int efd = eventfd(0, 0);
  fstat(efd, &reference);
  close(efd);
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  check(sfd >= 0, "signalfd");
  show_all(sfd);

  int p[2];
  check(pipe(p) == 0, "pipe");
  struct stat pst;
  fstat(p[0], &pst);
  printf("a plain pipe stays a FIFO: %d\n", S_ISFIFO(pst.st_mode));

  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    printf("child:\n");
    show_all(sfd);
    raise(SIGUSR1);
    struct signalfd_siginfo si;
    ssize_t n = read(sfd, &si, sizeof si);
    printf("child read %zd signo %u\n", n, si.ssi_signo);
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  printf("child exited %d\n", WEXITSTATUS(status));
  return 0;
}
