/* signals_32_33.c: signals 32 and 33, which glibc keeps for itself and
   qemu-user's host libc takes away, are ordinary real-time signals to the
   kernel. Installed with the raw rt_sigaction syscall (libc refuses them),
   raised with tgkill, they must reach their handlers with their siginfo. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's struct sigaction (asm-generic, with sa_restorer where the
   arch has SA_RESTORER). */
struct kernel_sigaction {
  void (*handler)(int, siginfo_t*, void*);
  unsigned long flags;
#if defined(__x86_64__) || defined(__aarch64__)
  void (*restorer)(void);
#endif
  unsigned long mask;
};

#if defined(__x86_64__)
/* x86_64 needs its own return path; the others use the kernel's (vDSO). */
void restore_rt(void);
__asm__(".text\nrestore_rt:\n mov $15, %rax\n syscall\n");
#define KERNEL_SA_RESTORER 0x04000000
#endif

static volatile int handled[65];
static volatile int codes[65];

static void on_signal(int sig, siginfo_t* info, void* uc) {
  (void)uc;
  handled[sig]++;
  codes[sig] = info->si_code;
}

int main(void) {
  for (int sig = 32; sig <= 33; sig++) {
    struct kernel_sigaction ksa;
    memset(&ksa, 0, sizeof ksa);
    ksa.handler = on_signal;
    ksa.flags = SA_SIGINFO;
#if defined(__x86_64__)
    ksa.flags |= KERNEL_SA_RESTORER;
    ksa.restorer = restore_rt;
#endif
    long r = syscall(SYS_rt_sigaction, sig, &ksa, NULL, 8);
    printf("rt_sigaction(%d) = %ld\n", sig, r);
    syscall(SYS_tgkill, getpid(), gettid(), sig);
    printf("signal %d handled %d time(s), si_code SI_TKILL: %s\n", sig, handled[sig],
           codes[sig] == SI_TKILL ? "yes" : "no");
  }
  return handled[32] == 1 && handled[33] == 1 ? 0 : 1;
}
