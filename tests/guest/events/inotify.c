/* inotify.c: inotify_init1/add_watch/rm_watch as the kernel serves them.
   Events for a watched directory (create, modify, close, delete, moves
   with their cookie) read through read() with their names; a blocking read
   woken by another process; poll, epoll and FIONREAD; IN_ONESHOT,
   IN_MASK_ADD, IN_MASK_CREATE, IN_ONLYDIR and IN_DONT_FOLLOW on a symlink;
   rm_watch queues IN_IGNORED; errors (bad flags, masks, paths, pointers,
   descriptors, a buffer too small for the next event). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"


static char buf[4096] __attribute__((aligned(8)));

/* Reads what is queued and prints each event relative to `wd`. */
static void show_events(int fd, int wd) {
  ssize_t n = read(fd, buf, sizeof buf);
  if (n < 0) {
    printf("read: %s\n", result_name(n));
    return;
  }
  uint32_t cookie = 0;
  for (char* p = buf; p < buf + n;) {
    struct inotify_event* e = (struct inotify_event*)p;
    printf("  event wd %s mask %#x name \"%s\"%s\n", e->wd == wd ? "=" : "!=", e->mask, e->len ? e->name : "",
           e->cookie ? (cookie == 0 || cookie == e->cookie ? " (cookie)" : " (other cookie)") : "");
    if (e->cookie) cookie = e->cookie;
    p += sizeof *e + e->len;
  }
}

static void touch(const char* path) {
  int f = open(path, O_WRONLY | O_CREAT, 0644);
  close(f);
}

int main(void) {
  const char* tmp = getenv("TEST_TMPDIR");
  char dir[PATH_MAX], path[PATH_MAX + 16], link_path[PATH_MAX + 16], other[PATH_MAX + 16];
  snprintf(dir, sizeof dir, "%s/inotify.XXXXXX", tmp ? tmp : "/tmp");
  if (!mkdtemp(dir)) return 2;
  snprintf(path, sizeof path, "%s/a", dir);
  snprintf(other, sizeof other, "%s/b", dir);
  snprintf(link_path, sizeof link_path, "%s/link", dir);

  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  check(fd >= 0, "inotify_init1(IN_NONBLOCK|IN_CLOEXEC)");
  check((fcntl(fd, F_GETFL) & O_NONBLOCK) && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "O_NONBLOCK and FD_CLOEXEC set");
  printf("init1 bad flags: %s\n", result_name(inotify_init1(1)));
  check(read(fd, buf, sizeof buf) == -1 && errno == EAGAIN, "nothing queued: EAGAIN");

  int wd = inotify_add_watch(fd, dir, IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_DELETE | IN_MOVE);
  check(wd >= 1, "watch the directory");
  int f = open(path, O_WRONLY | O_CREAT, 0644);
  write(f, "x", 1);
  close(f);
  rename(path, other);
  unlink(other);
  struct pollfd p = {.fd = fd, .events = POLLIN};
  check(poll(&p, 1, 1000) == 1 && p.revents == POLLIN, "poll: readable");
  int queued = -1;
  check(ioctl(fd, FIONREAD, &queued) == 0 && queued == 6 * (int)(sizeof(struct inotify_event) + 16),
        "FIONREAD: six events of 16-byte names");
  printf("events:\n");
  show_events(fd, wd);
  check(poll(&p, 1, 0) == 0, "poll: drained");

  /* A buffer too small for the next event. */
  touch(path);
  check(read(fd, buf, sizeof(struct inotify_event)) == -1 && errno == EINVAL, "a read too small for the event: EINVAL");
  printf("after the short read:\n");
  show_events(fd, wd);

  /* The same path again is the same watch; masks replace, add or refuse. */
  check(inotify_add_watch(fd, dir, IN_ATTRIB) == wd, "the same directory: the same wd");
  check(inotify_add_watch(fd, dir, IN_DELETE | IN_MASK_ADD) == wd, "IN_MASK_ADD: the same wd");
  printf("IN_MASK_CREATE on a watched path: %s\n", result_name(inotify_add_watch(fd, dir, IN_CREATE | IN_MASK_CREATE)));
  printf("IN_MASK_ADD|IN_MASK_CREATE: %s\n", result_name(inotify_add_watch(fd, dir, IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE)));
  chmod(path, 0600);
  unlink(path);
  printf("attrib and delete:\n");
  show_events(fd, wd);

  /* Errors. */
  printf("mask 0: %s\n", result_name(inotify_add_watch(fd, dir, 0)));
  printf("no such path: %s\n", result_name(inotify_add_watch(fd, "/nonexistent/x", IN_CREATE)));
  printf("empty path: %s\n", result_name(inotify_add_watch(fd, "", IN_CREATE)));
  printf("NULL path: %s\n", result_name(syscall(SYS_inotify_add_watch, fd, NULL, IN_CREATE)));
  printf("bad path pointer: %s\n", result_name(syscall(SYS_inotify_add_watch, fd, (void*)8, IN_CREATE)));
  printf("bad fd: %s\n", result_name(inotify_add_watch(999, dir, IN_CREATE)));
  printf("bad fd and bad path: %s\n", result_name(syscall(SYS_inotify_add_watch, 999, (void*)8, IN_CREATE)));
  printf("bad mask and bad path: %s\n", result_name(syscall(SYS_inotify_add_watch, fd, (void*)8, 0)));
  int pipefd[2];
  pipe(pipefd);
  printf("a pipe: %s\n", result_name(inotify_add_watch(pipefd[0], dir, IN_CREATE)));
  touch(path);
  printf("IN_ONLYDIR on a file: %s\n", result_name(inotify_add_watch(fd, path, IN_ATTRIB | IN_ONLYDIR)));
  printf("rm_watch 12345: %s\n", result_name(inotify_rm_watch(fd, 12345)));
  printf("rm_watch on a pipe: %s\n", result_name(inotify_rm_watch(pipefd[0], wd)));
  printf("rm_watch bad fd: %s\n", result_name(inotify_rm_watch(999, wd)));

  /* A symlink: followed unless IN_DONT_FOLLOW. */
  symlink("a", link_path);
  int file_wd = inotify_add_watch(fd, path, IN_ATTRIB);
  int followed = inotify_add_watch(fd, link_path, IN_ATTRIB);
  int not_followed = inotify_add_watch(fd, link_path, IN_ATTRIB | IN_DONT_FOLLOW);
  check(file_wd > wd && followed == file_wd, "the link followed is the file's watch");
  check(not_followed > file_wd, "IN_DONT_FOLLOW watches the link itself");

  /* IN_ONESHOT: one event, then the watch is gone (IN_IGNORED). */
  inotify_rm_watch(fd, followed);
  inotify_rm_watch(fd, not_followed);
  printf("after removing two watches:\n");
  show_events(fd, followed);
  int once = inotify_add_watch(fd, path, IN_ATTRIB | IN_ONESHOT);
  chmod(path, 0644);
  chmod(path, 0600);
  printf("oneshot:\n");
  show_events(fd, once);
  printf("rm_watch after the oneshot: %s\n", result_name(inotify_rm_watch(fd, once)));
  check(inotify_rm_watch(fd, wd) == 0, "rm_watch the directory");
  printf("rm_watch again: %s\n", result_name(inotify_rm_watch(fd, wd)));
  printf("after rm_watch:\n");
  show_events(fd, wd);

  /* A blocking read woken by another process; epoll sees it too. */
  int bfd = inotify_init1(0);
  int bwd = inotify_add_watch(bfd, dir, IN_CREATE);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 5}, out;
  epoll_ctl(ep, EPOLL_CTL_ADD, bfd, &ev);
  check(epoll_wait(ep, &out, 1, 0) == 0, "epoll: nothing yet");
  pid_t child = fork();
  if (child == 0) {
    usleep(100000);
    touch(other);
    _exit(0);
  }
  printf("blocking read:\n");
  show_events(bfd, bwd);
  waitpid(child, NULL, 0);
  check(epoll_wait(ep, &out, 1, 0) == 0, "epoll: drained by the read");
  unlink(other);
  check(epoll_wait(ep, &out, 1, 0) == 0, "epoll: an unlink is no IN_CREATE");
  touch(other);
  check(epoll_wait(ep, &out, 1, 5000) == 1 && out.data.u64 == 5, "epoll: a new file is");
  unlink(other);

  unlink(link_path);
  unlink(path);
  rmdir(dir);
  printf("%d failures\n", failures);
  return failures != 0;
}
