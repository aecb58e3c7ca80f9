/* SECCOMP_RET_TRAP: the call does not run and the thread gets SIGSYS with
   si_code SYS_SECCOMP, the call's number and arch, the filter's data in
   si_errno and the address after the syscall instruction. With SIGSYS
   blocked or ignored the signal is forced: the process dies of it. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check.h"
#include "seccomp_util.h"

static volatile int traps;
static siginfo_t seen;

static void on_sigsys(int sig, siginfo_t *info, void *context) {
  (void)sig;
  (void)context;
  seen = *info;
  traps++;
}

/* A child that installs the trap with SIGSYS handled as `how` says, calls
   the trapped mkdirat, and reports. */
static void trap_child(const char *how) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    if (strcmp(how, "blocked") == 0) {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGSYS);
      sigprocmask(SIG_BLOCK, &set, NULL);
    } else {
      signal(SIGSYS, SIG_IGN);
    }
    install_rule(__NR_getppid, SECCOMP_RET_TRAP | 3);
    syscall(__NR_getppid);
    printf("%s: survived\n", how);
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("%s: signaled %d, signal %d\n", how, WIFSIGNALED(status), WIFSIGNALED(status) ? WTERMSIG(status) : -1);
}

int main(void) {
  trap_child("blocked");
  trap_child("ignored");
  handle_signal_info(SIGSYS, on_sigsys, 0);
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  /* mkdirat is trapped: the directory must not appear. */
  printf("install: %ld\n", install_rule(__NR_mkdirat, SECCOMP_RET_TRAP | 0x1234));
  char dir[] = "/tmp/ferry-seccomp-trap-XXXXXX";
  int fd = mkstemp(dir);
  close(fd);
  unlink(dir);
  long r = syscall(__NR_mkdirat, -100, dir, 0700);
  (void)r;
  printf("traps: %d\n", traps);
  printf("si_signo %d si_code %d si_errno %#x\n", seen.si_signo, seen.si_code, seen.si_errno);
  check(seen.si_syscall == __NR_mkdirat, "si_syscall is mkdirat");
  check(seen.si_arch == TEST_AUDIT_ARCH, "si_arch is the arch's");
  /* si_call_addr is just after the syscall instruction, inside syscall(). */
  uintptr_t call = (uintptr_t)seen.si_call_addr, fn = (uintptr_t)&syscall;
  check(call > fn && call - fn < 256, "si_call_addr is in syscall()");
  check(access(dir, F_OK) != 0, "the trapped mkdirat did not run");
  /* Other calls still run. */
  check(getpid() > 0, "getpid runs");
  printf("failures: %d\n", failures);
  return failures != 0;
}
