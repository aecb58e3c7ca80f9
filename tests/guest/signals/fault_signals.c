/* fault_signals.c: synchronous signals reach guest handlers with the right
   siginfo, and a handler can siglongjmp out. Checks SIGSEGV on an unmapped
   page (SEGV_MAPERR) and on a read-only page (SEGV_ACCERR), with the exact
   si_addr; SIGSEGV on a jump into a non-executable page; SIGILL
   on an undefined instruction; SIGTRAP on a
   breakpoint instruction; and, last, "kill" raises SIGKILL on itself. */
#include <setjmp.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

static sigjmp_buf back;
static volatile siginfo_t seen;

static void on_fault(int sig, siginfo_t* info, void* uc) {
  (void)sig;
  (void)uc;
  seen = *info;
  siglongjmp(back, 1);
}

static void undefined_instruction(void) {
#if defined(__aarch64__)
  __asm__ volatile(".inst 0x00000000");
#elif defined(__riscv)
  __asm__ volatile(".word 0x00000000");
#else
  __asm__ volatile("ud2");
#endif
}

static void breakpoint(void) {
#if defined(__aarch64__)
  __asm__ volatile("brk #0");
#elif defined(__riscv)
  __asm__ volatile("ebreak");
#else
  __asm__ volatile("int3");
#endif
}

static int Catch(const char* what, void (*fn)(volatile char*), volatile char* arg, int want_sig,
                 int want_code, const volatile void* want_addr) {
  memset((void*)&seen, 0, sizeof seen);
  if (sigsetjmp(back, 1) == 0) {
    fn(arg);
    printf("%s: no signal\n", what);
    return 1;
  }
  int ok = seen.si_signo == want_sig && (want_code < 0 || seen.si_code == want_code) &&
           (!want_addr || seen.si_addr == want_addr);
  printf("%s: signal %d code %s addr %s: %s\n", what, seen.si_signo,
         want_code < 0 ? "-" : (seen.si_code == want_code ? "as expected" : "WRONG"),
         want_addr ? (seen.si_addr == want_addr ? "exact" : "WRONG") : "-", ok ? "ok" : "FAIL");
  return !ok;
}

static void Store(volatile char* p) { *p = 1; }
static void Jump(volatile char* p) { ((void (*)(void))(uintptr_t)p)(); }
static void Ill(volatile char* p) { (void)p; undefined_instruction(); }
static void Trap(volatile char* p) { (void)p; breakpoint(); }

int main(int argc, char** argv) {
  handle_signal_info(SIGSEGV, on_fault, 0);
  handle_signal_info(SIGILL, on_fault, 0);
  handle_signal_info(SIGTRAP, on_fault, 0);
  setvbuf(stdout, NULL, _IONBF, 0);

  char* ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char* data = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char* gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(gone, 4096);  /* nothing is mapped after this, so the hole stays */
  int failures = 0;
  failures += Catch("store to unmapped page", Store, gone + 0x123, SIGSEGV, SEGV_MAPERR, gone + 0x123);
  failures += Catch("store to read-only page", Store, ro + 0xabc, SIGSEGV, SEGV_ACCERR, ro + 0xabc);
  failures += Catch("jump into a non-executable page", Jump, data, SIGSEGV, SEGV_ACCERR, data);
  failures += Catch("undefined instruction", Ill, NULL, SIGILL, -1, NULL);
  failures += Catch("breakpoint", Trap, NULL, SIGTRAP, -1, NULL);
  failures += Catch("handler still installed", Store, gone + 4095, SIGSEGV, SEGV_MAPERR, gone + 4095);
  printf("%d failure(s)\n", failures);
  if (argc > 1 && strcmp(argv[1], "kill") == 0) {
    printf("raising SIGKILL\n");
    raise(SIGKILL);
  }
  return failures != 0;
}
