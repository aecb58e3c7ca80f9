/* spawn_exec.c MODE: process creation, exec and wait.
   "wait": fork, exit statuses through wait/waitpid/waitid (exit codes, death
     by raise(SIGTERM), WNOHANG on a running child, waitid WEXITED and
     WNOWAIT, WUNTRACED/WCONTINUED and WSTOPPED for a child stopped and
     continued with SIGSTOP/SIGCONT), a SIGCHLD handler, setpgid/getpgid,
     setsid/getsid in children and kill() of a process group.
   "enoent": posix_spawn of a missing program and posix_spawnp of a name not
     on PATH fail with ENOENT, of a non-executable file with EACCES.
   "spawn": posix_spawn/posix_spawnp of this program (argv[0]) in "child K"
     mode with a dup2 file action and POSIX_SPAWN_SETPGROUP; waitpid gets K.
   "chain": execve of this program (argv[0]) as "link 3", which execs
     "link 2" ... "link 0": the pid stays the same, close-on-exec descriptors
     close and others stay, handled signals reset to SIG_DFL while ignored
     ones stay ignored, and the signal mask is kept.
   qemu-user cannot execve a guest binary (no binfmt_misc here) and reports
   a missing posix_spawn target as success, so only "wait" can have qemu as
   an oracle. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;
static volatile int sigchld;
static void on_chld(int sig) { (void)sig; sigchld++; }
static void on_usr1(int sig) { (void)sig; }

static int exit_status_of(pid_t pid) {
  int st = 0;
  if (waitpid(pid, &st, 0) != pid) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

static void wait_mode(void) {
  handle_signal(SIGCHLD, on_chld, SA_RESTART);

  int codes[] = {0, 1, 42, 255}, ok = 1;
  for (int i = 0; i < 4; i++) {
    pid_t c = fork();
    if (c == 0) _exit(codes[i]);
    if (exit_status_of(c) != codes[i]) ok = 0;
  }
  check(ok, "exit codes 0, 1, 42, 255 through waitpid");

  pid_t c = fork();
  if (c == 0) {
    raise(SIGTERM);
    _exit(0);
  }
  int st = 0;
  check(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "child's raise(SIGTERM): WIFSIGNALED, SIGTERM");

  int p[2];
  if (pipe(p) != 0) return;
  c = fork();
  if (c == 0) {
    char b;
    close(p[1]);
    _exit(read(p[0], &b, 1) == 1 ? 6 : 7);
  }
  close(p[0]);
  check(waitpid(c, &st, WNOHANG) == 0, "WNOHANG while the child waits on a pipe: 0");
  check(write(p[1], "x", 1) == 1, "release the child through the pipe");
  close(p[1]);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  check(waitid(P_PID, c, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == c && si.si_code == CLD_EXITED && si.si_status == 6,
        "waitid WEXITED|WNOWAIT: CLD_EXITED, status 6");
  memset(&si, 0, sizeof si);
  check(waitid(P_ALL, 0, &si, WEXITED) == 0 && si.si_pid == c && si.si_status == 6, "waitid again reaps it");
  check(waitpid(c, &st, WNOHANG) == -1 && errno == ECHILD, "then it is gone: ECHILD");

  c = fork();
  if (c == 0) {
    for (;;) pause();
  }
  kill(c, SIGSTOP);
  check(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "WUNTRACED: stopped by SIGSTOP");
  kill(c, SIGCONT);
  check(waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st), "WCONTINUED: continued");
  kill(c, SIGSTOP);
  memset(&si, 0, sizeof si);
  check(waitid(P_PID, c, &si, WSTOPPED) == 0 && si.si_code == CLD_STOPPED && si.si_status == SIGSTOP, "waitid WSTOPPED: CLD_STOPPED, SIGSTOP");
  kill(c, SIGKILL);
  check(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "SIGKILL ends the stopped child");

  /* Process groups and sessions; children report through exit-code bits. */
  int q[2];
  if (pipe(p) != 0 || pipe(q) != 0) return;
  c = fork();
  if (c == 0) {
    char b, go;
    close(p[1]);
    close(q[0]);
    b = setpgid(0, 0) == 0 ? 1 : 0;
    if (read(p[0], &go, 1) != 1) _exit(100);
    if (getpgid(0) == getpid()) b |= 2;
    if (getpgrp() == getpid()) b |= 4;
    if (write(q[1], &b, 1) != 1) _exit(101);
    for (;;) pause();
  }
  close(p[0]);
  close(q[1]);
  check(setpgid(c, c) == 0 && getpgid(c) == c, "setpgid(child, child); getpgid(child) == child");
  check(getpgid(c) != getpgid(0), "the child's group differs from the parent's");
  char bits = 0;
  check(write(p[1], "g", 1) == 1 && read(q[0], &bits, 1) == 1 && bits == 7, "child: setpgid(0, 0), getpgid and getpgrp == its pid");
  close(p[1]);
  close(q[0]);
  check(kill(-c, SIGTERM) == 0 && exit_status_of(c) == 1000 + SIGTERM, "kill(-pgid, SIGTERM) reaches the group");

  c = fork();
  if (c == 0) {
    int bits = 0;
    if (setsid() == getpid()) bits |= 1;
    if (getsid(0) == getpid()) bits |= 2;
    if (getpgid(0) == getpid()) bits |= 4;
    if (setsid() == -1 && errno == EPERM) bits |= 8;
    if (setpgid(0, getppid()) == -1) bits |= 16; /* a session leader cannot move */
    _exit(bits);
  }
  check(exit_status_of(c) == 31, "child setsid: new session and group led by it, second setsid EPERM");
  check(getsid(c) == -1 && errno == ESRCH, "getsid of a reaped child: ESRCH");
  check(sigchld >= 1, "SIGCHLD reached the handler");
}

static void enoent_mode(void) {
  pid_t pid = 0;
  char* args[] = {"prog", NULL};
  check(posix_spawn(&pid, "/nonexistent/prog", NULL, NULL, args, environ) == ENOENT, "posix_spawn of a missing program: ENOENT");
  check(posix_spawnp(&pid, "ferry-no-such-program", NULL, NULL, args, environ) == ENOENT, "posix_spawnp of a name not on PATH: ENOENT");
  check(posix_spawn(&pid, "/etc/passwd", NULL, NULL, args, environ) == EACCES, "posix_spawn of a non-executable file: EACCES");
  int st;
  check(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, "no child left behind");
}

static void spawn_mode(const char* self) {
  int p[2];
  if (pipe(p) != 0) return;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  posix_spawn_file_actions_addclose(&fa, p[0]);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = 0;
  char* args[] = {(char*)self, "child", "3", NULL};
  check(posix_spawn(&pid, self, &fa, &attr, args, environ) == 0 && pid > 0, "posix_spawn of this program, stdout to a pipe, own group");
  close(p[1]);
  char buf[128] = {0};
  size_t got = 0;
  ssize_t n;
  while (got < sizeof buf - 1 && (n = read(p[0], buf + got, sizeof buf - 1 - got)) > 0) got += n;
  close(p[0]);
  printf("through the pipe: %s", buf);
  check(exit_status_of(pid) == 3, "waitpid: the spawned child exited 3");

  char* args2[] = {(char*)self, "child", "0", NULL};
  /* This child shares our stdout: report only after it has exited. */
  int r = posix_spawnp(&pid, self, NULL, NULL, args2, environ);
  int code = r == 0 ? exit_status_of(pid) : -1;
  check(r == 0, "posix_spawnp of this program by its path");
  check(code == 0, "waitpid: exited 0");
}

/* link N PID: one step of the execve chain. */
static int chain_link(int argc, char** argv) {
  int n = atoi(argv[2]);
  printf("link %d: same pid %s\n", n, argc > 3 && atoi(argv[3]) == getpid() ? "yes" : "no");
  check(fcntl(20, F_GETFD) == -1 && errno == EBADF, "link %d: close-on-exec fd 20 closed", n);
  check(fcntl(21, F_GETFD) == 0, "link %d: fd 21 still open", n);
  struct sigaction old;
  sigaction(SIGUSR1, NULL, &old);
  check(old.sa_handler == SIG_DFL, "link %d: handled SIGUSR1 reset to SIG_DFL", n);
  sigaction(SIGUSR2, NULL, &old);
  check(old.sa_handler == SIG_IGN, "link %d: ignored SIGUSR2 still ignored", n);
  sigset_t mask;
  sigprocmask(SIG_BLOCK, NULL, &mask);
  check(sigismember(&mask, SIGHUP) && !sigismember(&mask, SIGUSR1), "link %d: signal mask kept (SIGHUP blocked)", n);
  if (failures || n == 0) {
    printf("%d failure(s)\n", failures);
    return failures != 0;
  }
  handle_signal(SIGUSR1, on_usr1, 0);
  dup3(21, 20, O_CLOEXEC);
  char next[16];
  snprintf(next, sizeof next, "%d", n - 1);
  char* args[] = {argv[0], "link", next, argv[3], NULL};
  execve(argv[0], args, environ);
  printf("FAIL execve: %s\n", strerror(errno));
  return 1;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char* mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "child") == 0 && argc > 2) {
    printf("child %s: own group %s\n", argv[2], getpgid(0) == getpid() ? "yes" : "no");
    return atoi(argv[2]);
  }
  if (strcmp(mode, "link") == 0 && argc > 2) return chain_link(argc, argv);
  alarm(20); /* a hang fails fast (SIGALRM) instead of at the harness timeout */
  if (strcmp(mode, "wait") == 0) {
    wait_mode();
  } else if (strcmp(mode, "enoent") == 0) {
    enoent_mode();
  } else if (strcmp(mode, "spawn") == 0) {
    spawn_mode(argv[0]);
  } else if (strcmp(mode, "chain") == 0) {
    int fd = open("/dev/null", O_RDONLY);
    dup3(fd, 20, O_CLOEXEC);
    dup2(fd, 21);
    handle_signal(SIGUSR1, on_usr1, 0);
    signal(SIGUSR2, SIG_IGN);
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    sigprocmask(SIG_BLOCK, &hup, NULL);
    char pid[16];
    snprintf(pid, sizeof pid, "%d", getpid());
    char* args[] = {argv[0], "link", "3", pid, NULL};
    execve(argv[0], args, environ);
    printf("FAIL execve: %s\n", strerror(errno));
    return 1;
  } else {
    printf("usage: spawn_exec wait|enoent|spawn|chain\n");
    return 2;
  }
  printf("%d failure(s)\n", failures);
  return failures != 0;
}
