/* clone3_waiting.h: clone3 with a raw thread for a child, for the clone3
   tests of this family (clone3_cgroup.c, clone3_thread_proc.c). */
#pragma once

#include <linux/sched.h>

static volatile int release_raw; /* the raw thread exits once this is 1 */

/* clone3 whose child (a thread with no libc of its own) waits on
   release_raw and exits: raw system calls only. */
static long clone3_waiting(struct clone_args *args) {
  long ret;
  volatile int *word = &release_raw;
#if defined(__x86_64__)
  __asm__ volatile(
      "mov %[word], %%r12\n"
      "syscall\n"
      "test %%rax, %%rax\n"
      "jnz 2f\n"
      "1:\n"
      "cmpl $0, (%%r12)\n"
      "jne 3f\n"
      "mov $202, %%eax\n" /* futex(word, FUTEX_WAIT, 0, NULL) */
      "mov %%r12, %%rdi\n"
      "xor %%esi, %%esi\n"
      "xor %%edx, %%edx\n"
      "xor %%r10d, %%r10d\n"
      "syscall\n"
      "jmp 1b\n"
      "3:\n"
      "mov $60, %%eax\n" /* exit */
      "xor %%edi, %%edi\n"
      "syscall\n"
      "2:\n"
      : "=a"(ret)
      : "0"(435L), "D"(args), "S"(sizeof *args), [word] "r"(word)
      : "rcx", "r11", "r12", "rdx", "r10", "memory");
#elif defined(__aarch64__)
  register long x0 __asm__("x0") = (long)args;
  register long x1 __asm__("x1") = sizeof *args;
  register long x8 __asm__("x8") = 435;
  __asm__ volatile(
      "mov x19, %[word]\n"
      "svc 0\n"
      "cbnz x0, 2f\n"
      "1:\n"
      "ldr w9, [x19]\n"
      "cbnz w9, 3f\n"
      "mov x0, x19\n"
      "mov x1, #0\n"
      "mov x2, #0\n"
      "mov x3, #0\n"
      "mov x8, #98\n" /* futex */
      "svc 0\n"
      "b 1b\n"
      "3:\n"
      "mov x8, #93\n" /* exit */
      "mov x0, #0\n"
      "svc 0\n"
      "2:\n"
      : "+r"(x0), "+r"(x8), "+r"(x1)
      : [word] "r"(word)
      : "x2", "x3", "x9", "x19", "memory");
  ret = x0;
#elif defined(__riscv)
  register long a0 __asm__("a0") = (long)args;
  register long a1 __asm__("a1") = sizeof *args;
  register long a7 __asm__("a7") = 435;
  __asm__ volatile(
      "mv s1, %[word]\n"
      "ecall\n"
      "bnez a0, 2f\n"
      "1:\n"
      "lw t0, 0(s1)\n"
      "bnez t0, 3f\n"
      "mv a0, s1\n"
      "li a1, 0\n"
      "li a2, 0\n"
      "li a3, 0\n"
      "li a7, 98\n" /* futex */
      "ecall\n"
      "j 1b\n"
      "3:\n"
      "li a7, 93\n" /* exit */
      "li a0, 0\n"
      "ecall\n"
      "2:\n"
      : "+r"(a0), "+r"(a7), "+r"(a1)
      : [word] "r"(word)
      : "a2", "a3", "t0", "s1", "memory");
  ret = a0;
#else
#error "unknown arch"
#endif
  return ret;
}
