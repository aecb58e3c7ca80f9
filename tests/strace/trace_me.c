/* trace_me.c: a fixed series of syscalls with deterministic arguments, traced
   by the real strace natively and by ferry --strace under emulation; the two
   traces must agree (tests/strace/compare.sh normalises addresses and pids). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void on_usr1(int sig) { (void)sig; }

int main(void) {
  write(1, "BEGIN\n", 6);  /* everything before this is start-up and differs per libc */
  char dir[] = "trace_dir";
  mkdirat(AT_FDCWD, dir, 0755);
  int fd = openat(AT_FDCWD, "trace_dir/file.txt", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  write(fd, "hello\tworld\n\001\002binary\0zero", 26);
  struct iovec out[2] = {{"first ", 6}, {"second\n", 7}};
  writev(fd, out, 2);
  close(fd);
  fd = openat(AT_FDCWD, "trace_dir/file.txt", O_RDONLY);
  struct stat st;
  fstat(fd, &st);
  char buf[80];
  read(fd, buf, 5);
  lseek(fd, 0, SEEK_SET);
  char a[4], b[100];
  struct iovec in[2] = {{a, sizeof a}, {b, sizeof b}};
  readv(fd, in, 2);
  close(fd);
  openat(AT_FDCWD, "/nonexistent/ferry", O_RDONLY);
  fstatat(AT_FDCWD, "trace_dir", &st, 0);
  faccessat(AT_FDCWD, "trace_dir/file.txt", R_OK, 0);
  char cwd[512];
  getcwd(cwd, sizeof cwd);
  int dir_fd = openat(AT_FDCWD, "trace_dir", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  char dirents[4096];
  syscall(SYS_getdents64, dir_fd, dirents, sizeof dirents);
  close(dir_fd);
  char *region = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  madvise(region, 8192, MADV_DONTNEED);
  region = mremap(region, 8192, 16384, MREMAP_MAYMOVE);
  munmap(region, 16384);
  char long_text[100];
  memset(long_text, 'x', sizeof long_text);
  write(1, long_text, sizeof long_text);
  write(1, "\n", 1);
  int p[2];
  pipe2(p, O_CLOEXEC);
  dup3(p[1], 10, 0);
  fcntl(10, F_GETFD);
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  write(10, "x", 1);
  struct pollfd pfd = {p[0], POLLIN, 0};
  ppoll(&pfd, 1, &(struct timespec){0, 0}, NULL);
  read(p[0], buf, sizeof buf);
  read(p[0], buf, sizeof buf); /* EAGAIN */
  close(10);
  close(p[0]);
  close(p[1]);
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
  close(sv[0]);
  close(sv[1]);
  int stream = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  strcpy(addr.sun_path, "/nonexistent/ferry.sock");
  connect(stream, (struct sockaddr *)&addr, sizeof addr);
  int dgram = socket(AF_UNIX, SOCK_DGRAM, 0);
  sendto(dgram, "ping", 4, MSG_DONTWAIT, (struct sockaddr *)&addr, sizeof addr);
  close(stream);
  close(dgram);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGTERM);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR2);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, NULL);
  sigprocmask(SIG_SETMASK, NULL, &set);
  kill(getpid(), SIGUSR1);
  struct timespec ts = {0, 1000000};
  clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
  pid_t child = fork();
  if (child == 0) {
    write(1, "child\n", 6);
    _exit(3);
  }
  int status;
  wait4(child, &status, 0, NULL);
  unlinkat(AT_FDCWD, "trace_dir/file.txt", 0);
  unlinkat(AT_FDCWD, "trace_dir", AT_REMOVEDIR);
  write(1, "END\n", 4);
  return 7;
}
