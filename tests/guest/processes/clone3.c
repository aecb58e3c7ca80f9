/* clone3.c: glibc creates threads and spawns through clone3, which ferry
   serves as clone; a fork-style clone3 with CLONE_CLEAR_SIGHAND resets the
   child's handlers; struct clone_args is checked as the kernel checks it. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>
extern char **environ;
static void *th(void *a) { return (void *)(long)(gettid() != getpid()); }
static void h(int s) { (void)s; }
int main(void) {
  pthread_t t; void *r;
  for (int i = 0; i < 20; i++) { pthread_create(&t, 0, th, 0); pthread_join(t, &r); if (!r) printf("bad\n"); }
  printf("threads ok\n");
  pid_t pid; char *argv[] = {"/bin/echo", "spawned", 0};
  signal(SIGUSR1, h);
  fflush(stdout); int sr = posix_spawn(&pid, "/bin/echo", 0, 0, argv, environ);
  int st; waitpid(pid, &st, 0); printf("spawn %d status %d\n", sr, WEXITSTATUS(st));
  struct clone_args ca; memset(&ca, 0, sizeof ca); ca.exit_signal = SIGCHLD; ca.flags = CLONE_CLEAR_SIGHAND;
  fflush(stdout);
  long c = syscall(SYS_clone3, &ca, sizeof ca);
  if (c == 0) { struct sigaction sa; sigaction(SIGUSR1, 0, &sa); printf("child handler default: %d\n", sa.sa_handler == SIG_DFL); fflush(stdout); _exit(3); }
  waitpid(c, &st, 0); printf("clone3 fork status %d\n", WEXITSTATUS(st));
  ca.flags = CLONE_CLEAR_SIGHAND | CLONE_SIGHAND; { long rr = syscall(SYS_clone3, &ca, sizeof ca); printf("both: %ld %s\n", rr, strerror(errno)); }
  ca.flags = 0; ca.exit_signal = 99; { long rr = syscall(SYS_clone3, &ca, sizeof ca); printf("bad signal: %ld %s\n", rr, strerror(errno)); }
  ca.exit_signal = SIGCHLD; { long rr = syscall(SYS_clone3, &ca, 32); printf("small: %ld %s\n", rr, strerror(errno)); }
  { long rr = syscall(SYS_clone3, &ca, 8192); printf("big: %ld %s\n", rr, strerror(errno)); }
  ca.stack_size = 4096; { long rr = syscall(SYS_clone3, &ca, sizeof ca); printf("size without stack: %ld %s\n", rr, strerror(errno)); }
  ca.stack_size = 0; ca.flags = SIGCHLD; { long rr = syscall(SYS_clone3, &ca, sizeof ca); printf("csignal in flags: %ld %s\n", rr, strerror(errno)); }
  { long rr = syscall(SYS_clone3, (void *)8, sizeof ca); printf("bad pointer: %ld %s\n", rr, strerror(errno)); }
  return 0;
}
