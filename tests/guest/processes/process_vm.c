/* process_vm.c: process_vm_readv/writev on the caller itself, on a forked
   child and on a child that execve'd (under ferry a new ferry process with
   its guest space elsewhere on the host), partial transfers at an unmapped
   page, and the errno of bad input; then kcmp between threads, processes and
   descriptors. Run as `process_vm child FD` it is the exec'd child. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static void show(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static char secret[64] = "the child's secret";

/* The exec'd child: tells the parent where its buffer is, waits for the
   parent to write into it, and sends back what it finds. */
static int child_main(int fd) {
  uintptr_t where = (uintptr_t)secret;
  write(fd, &where, sizeof where);
  char go;
  read(fd, &go, 1);
  write(fd, secret, sizeof secret);
  return 0;
}

static long kcmp(pid_t a, pid_t b, int type, unsigned long x, unsigned long y) {
  return syscall(SYS_kcmp, a, b, type, x, y);
}

static pid_t main_pid;
static void *thread_main(void *arg) {
  (void)arg;
  pid_t me = gettid();
  printf("thread: KCMP_VM %d KCMP_FILES %d KCMP_SIGHAND %d KCMP_FS %d\n", kcmp(main_pid, me, KCMP_VM, 0, 0) == 0,
         kcmp(main_pid, me, KCMP_FILES, 0, 0) == 0, kcmp(main_pid, me, KCMP_SIGHAND, 0, 0) == 0,
         kcmp(main_pid, me, KCMP_FS, 0, 0) == 0);
  char here[16] = "in the thread";
  char got[16] = "";
  struct iovec l = {got, sizeof got}, r = {here, sizeof here};
  long n = process_vm_readv(main_pid, &l, 1, &r, 1, 0);
  printf("readv through the main thread's pid: %ld %s\n", n, got);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "child") == 0) return child_main(atoi(argv[2]));
  setvbuf(stdout, 0, _IONBF, 0);
  main_pid = getpid();

  /* The caller itself. */
  char a[32] = "local source", b[32] = "";
  struct iovec l = {b, sizeof b}, r = {a, sizeof a};
  show("readv from itself", process_vm_readv(getpid(), &l, 1, &r, 1, 0));
  printf("read: %s\n", b);

  /* A partial transfer: the second remote vector is an unmapped page. */
  char *page = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(page + 4096, 4096);
  strcpy(page, "first");
  strcpy(page + 8192, "third");
  char out[48];
  memset(out, 0, sizeof out);
  struct iovec local1 = {out, sizeof out};
  struct iovec remote3[3] = {{page, 16}, {page + 4096, 16}, {page + 8192, 16}};
  show("readv stopping at an unmapped page", process_vm_readv(getpid(), &local1, 1, remote3, 3, 0));
  printf("got %s / %s\n", out, out + 16);
  struct iovec remote_mid = {page + 4096 - 8, 16};
  show("readv across into the unmapped page", process_vm_readv(getpid(), &local1, 1, &remote_mid, 1, 0));
  struct iovec local_hole[2] = {{out, 8}, {page + 4096, 8}};
  struct iovec remote16 = {a, 16};
  show("readv into an unmapped local page", process_vm_readv(getpid(), local_hole, 2, &remote16, 1, 0));
  struct iovec local_only_hole = {page + 4096, 8};
  show("readv with only an unmapped local page", process_vm_readv(getpid(), &local_only_hole, 1, &remote16, 1, 0));
  struct iovec far = {(void *)(1ull << 45), 8};
  show("readv from far past any mapping", process_vm_readv(getpid(), &local1, 1, &far, 1, 0));
  struct iovec kernel = {(void *)0xffff800000000000ull, 8};
  show("readv from a kernel address", process_vm_readv(getpid(), &local1, 1, &kernel, 1, 0));
  show("readv into a kernel address", process_vm_readv(getpid(), &kernel, 1, &remote16, 1, 0));

  /* Bad input. */
  show("flags 1", process_vm_readv(getpid(), &l, 1, &r, 1, 1));
  show("1025 local vectors", process_vm_readv(getpid(), &l, 1025, &r, 1, 0));
  show("1025 remote vectors", process_vm_readv(getpid(), &l, 1, &r, 1025, 0));
  show("local vectors at a bad address", process_vm_readv(getpid(), (struct iovec *)8, 1, &r, 1, 0));
  show("remote vectors at a bad address", process_vm_readv(getpid(), &l, 1, (struct iovec *)8, 1, 0));
  struct iovec empty = {b, 0};
  show("nothing to read, remote vectors bad", process_vm_readv(getpid(), &empty, 1, (struct iovec *)8, 1, 0));
  show("no such process", process_vm_readv(4194304 + 7, &l, 1, &r, 1, 0));
  show("writev to no such process", process_vm_writev(4194304 + 7, &l, 1, &r, 1, 0));

  /* A forked child: the same guest addresses, another process. */
  int sync1[2];
  pipe(sync1);
  pid_t child = fork();
  if (child == 0) {
    strcpy(a, "changed in the child");
    write(sync1[1], "x", 1);
    pause();
    _exit(0);
  }
  char c;
  read(sync1[0], &c, 1);
  memset(b, 0, sizeof b);
  show("readv from a forked child", process_vm_readv(child, &l, 1, &r, 1, 0));
  printf("read: %s\n", b);
  printf("kcmp: KCMP_VM %d KCMP_FILES %d, itself KCMP_VM %d\n", kcmp(getpid(), child, KCMP_VM, 0, 0) != 0,
         kcmp(getpid(), child, KCMP_FILES, 0, 0) != 0, kcmp(getpid(), getpid(), KCMP_VM, 0, 0));
  printf("kcmp: inherited descriptor 1 is the same file: %d\n", kcmp(getpid(), child, KCMP_FILE, 1, 1) == 0);
  kill(child, SIGKILL);
  waitpid(child, 0, 0);

  /* A child that execve'd: its own guest space. */
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  child = fork();
  if (child == 0) {
    char fdtext[16];
    snprintf(fdtext, sizeof fdtext, "%d", sv[1]);
    execl("/proc/self/exe", argv[0], "child", fdtext, (char *)0);
    _exit(127);
  }
  uintptr_t where = 0;
  read(sv[0], &where, sizeof where);
  char theirs[64] = "";
  struct iovec tl = {theirs, sizeof theirs}, tr = {(void *)where, sizeof theirs};
  show("readv from an exec'd child", process_vm_readv(child, &tl, 1, &tr, 1, 0));
  printf("read: %s\n", theirs);
  char mine[] = "written by the parent";
  struct iovec wl[2] = {{mine, 8}, {mine + 8, sizeof mine - 8}};
  struct iovec wr = {(void *)where, sizeof mine};
  show("writev to an exec'd child", process_vm_writev(child, wl, 2, &wr, 1, 0));
  write(sv[0], "g", 1);
  memset(theirs, 0, sizeof theirs);
  read(sv[0], theirs, sizeof theirs);
  printf("the child now has: %s\n", theirs);
  int status;
  waitpid(child, &status, 0);
  printf("child status %d\n", WEXITSTATUS(status));

  /* kcmp on descriptors and threads. */
  int fd1 = open("/proc/self/exe", O_RDONLY), fd2 = dup(fd1), fd3 = open("/proc/self/exe", O_RDONLY);
  printf("kcmp KCMP_FILE: dup %ld, another open %d\n", kcmp(getpid(), getpid(), KCMP_FILE, fd1, fd2),
         kcmp(getpid(), getpid(), KCMP_FILE, fd1, fd3) != 0);
  int ep = epoll_create1(0), watched[2];
  pipe(watched);
  struct epoll_event ev = {.events = EPOLLIN};
  show("epoll_ctl", epoll_ctl(ep, EPOLL_CTL_ADD, watched[0], &ev));
  struct kcmp_epoll_slot slot = {ep, watched[0], 0};
  show("kcmp KCMP_EPOLL_TFD of the watched pipe", kcmp(getpid(), getpid(), KCMP_EPOLL_TFD, watched[0], (unsigned long)&slot));
  show("kcmp KCMP_EPOLL_TFD of another file", kcmp(getpid(), getpid(), KCMP_EPOLL_TFD, fd1, (unsigned long)&slot) > 0);
  slot.tfd = watched[1];
  show("kcmp KCMP_EPOLL_TFD of an unwatched pipe", kcmp(getpid(), getpid(), KCMP_EPOLL_TFD, watched[0], (unsigned long)&slot));
  show("kcmp KCMP_EPOLL_TFD with a bad slot", kcmp(getpid(), getpid(), KCMP_EPOLL_TFD, watched[0], 8));
  show("kcmp of a closed descriptor", kcmp(getpid(), getpid(), KCMP_FILE, fd1, 900));
  show("kcmp of an unknown type", kcmp(getpid(), getpid(), 99, 0, 0));
  show("kcmp of no process", kcmp(getpid(), 4194304 + 7, KCMP_VM, 0, 0));
  pthread_t t;
  pthread_create(&t, 0, thread_main, 0);
  pthread_join(t, 0);
  printf("%d failures\n", failures);
  return failures != 0;
}
