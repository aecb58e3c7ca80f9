/* seccomp_util.h: building and installing seccomp filters in the tests of
   this folder, with each arch's own audit arch and syscall numbers (the
   native build is the oracle, so it uses x86_64's). */
#ifndef FERRY_TESTS_GUEST_SANDBOX_SECCOMP_UTIL_H_
#define FERRY_TESTS_GUEST_SANDBOX_SECCOMP_UTIL_H_

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__aarch64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__riscv)
#define TEST_AUDIT_ARCH AUDIT_ARCH_RISCV64
#elif defined(__x86_64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_X86_64
#else
#error "unknown arch"
#endif

#define LOAD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define LOAD_ARCH BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch))
#define LOAD_ARG0 BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))

__attribute__((unused)) static long install(struct sock_filter *insns, unsigned short len, unsigned flags) {
  struct sock_fprog prog = {len, insns};
  long r = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  return r < 0 ? -errno : r;
}

/* A filter that answers `ret` for syscall `nr` and allows everything else
   (and kills a caller of another arch, as real filters do). */
__attribute__((unused)) static long install_rule(int nr, unsigned ret) {
  struct sock_filter f[] = {
      LOAD_ARCH,
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TEST_AUDIT_ARCH, 1, 0),
      RET(SECCOMP_RET_KILL_PROCESS),
      LOAD_NR,
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
      RET(ret),
      RET(SECCOMP_RET_ALLOW),
  };
  return install(f, sizeof f / sizeof f[0], 0);
}

/* The value of a /proc/self/status line ("Seccomp", "Seccomp_filters"), or -1. */
__attribute__((unused)) static int status_field(const char *key) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  int value = -1;
  size_t n = strlen(key);
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, key, n) == 0 && line[n] == ':') value = atoi(line + n + 1);
  }
  if (f) fclose(f);
  return value;
}

/* A raw call's result as -errno. */
#define RAW(...) (syscall(__VA_ARGS__) < 0 ? -errno : 0)

#endif
