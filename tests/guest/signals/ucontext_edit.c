/* ucontext_edit.c: a handler reads and edits the interrupted context. The
   signal is delivered as tgkill returns, so the saved context holds
   tgkill's result in the return register; the handler reads it (0) and
   rewrites it to -EPERM, and the interrupted syscall() then reports EPERM.
   Also checks the saved stack pointer lies on the interrupted stack. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "check.h"

static volatile long seen_result = 12345;
static volatile uintptr_t seen_sp;

static void edit(int sig, siginfo_t* info, void* ctx) {
  (void)sig;
  (void)info;
  ucontext_t* uc = ctx;
#if defined(__aarch64__)
  seen_result = (long)uc->uc_mcontext.regs[0];
  seen_sp = uc->uc_mcontext.sp;
  uc->uc_mcontext.regs[0] = (unsigned long)-EPERM;
#elif defined(__riscv)
  seen_result = (long)uc->uc_mcontext.__gregs[REG_A0];
  seen_sp = uc->uc_mcontext.__gregs[REG_SP];
  uc->uc_mcontext.__gregs[REG_A0] = (unsigned long)-EPERM;
#else
  seen_result = (long)uc->uc_mcontext.gregs[REG_RAX];
  seen_sp = uc->uc_mcontext.gregs[REG_RSP];
  uc->uc_mcontext.gregs[REG_RAX] = (unsigned long)-EPERM;
#endif
}

int main(void) {
  handle_signal_info(SIGUSR1, edit, 0);
  char here;
  long r = syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
  int err = errno;
  printf("handler saw the syscall result in the context: %ld\n", seen_result);
  printf("saved sp is on the interrupted stack: %s\n",
         seen_sp < (uintptr_t)&here + 65536 && seen_sp + 65536 > (uintptr_t)&here ? "yes" : "no");
  printf("after the handler edited it, tgkill returned %ld (%s)\n", r, err == EPERM ? "EPERM" : "?");
  return r == -1 && err == EPERM ? 0 : 1;
}
