/* code_updates.c MODE: code that changes under the CPU that runs it.
   "threads": one thread writes a function into an RWX page and flushes the
   instruction cache (__builtin___clear_cache: IC IVAU on AArch64, the
   riscv_flush_icache syscall on RISC-V); another thread calls it, 499 times.
   "mprotect": the same with the page made RW, written, then RX.
   "read": one thread read()s new code into an executable page (a host
   syscall writes it) and calls it, 49 times. Each prints how many calls
   ran stale code: 0, as natively. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* "return k" in the machine's own code. */
static void gen(unsigned char* at, int k) {
#if defined(__x86_64__)
  at[0] = 0xb8;
  memcpy(at + 1, &k, 4);
  at[5] = 0xc3;
#elif defined(__aarch64__)
  uint32_t c[2] = {0x52800000u | ((uint32_t)k << 5), 0xd65f03c0u}; /* mov w0, #k; ret */
  memcpy(at, c, 8);
#elif defined(__riscv)
  uint32_t c[2] = {((uint32_t)k << 20) | (10u << 7) | 0x13u, 0x00008067u}; /* li a0, k; ret */
  memcpy(at, c, 8);
#endif
}

static unsigned char* page;
static int use_mprotect;
static int gen_seq, done_seq;

static void emit(int k) {
  if (use_mprotect) mprotect(page, 4096, PROT_READ | PROT_WRITE);
  gen(page, k);
  if (use_mprotect) mprotect(page, 4096, PROT_READ | PROT_EXEC);
  __builtin___clear_cache((char*)page, (char*)page + 8);
}

static void* runner(void* unused) {
  (void)unused;
  long stale = 0;
  for (int i = 1; i < 500; i++) {
    while (__atomic_load_n(&gen_seq, __ATOMIC_ACQUIRE) != i) {
    }
#if defined(__riscv)
    __asm__ volatile("fence.i");
#elif defined(__aarch64__)
    __asm__ volatile("isb");
#endif
    if (((int (*)(void))page)() != i) stale++;
    __atomic_store_n(&done_seq, i, __ATOMIC_RELEASE);
  }
  return (void*)stale;
}

static int across_threads(void) {
  page = mmap(NULL, 4096, use_mprotect ? PROT_READ | PROT_EXEC : PROT_READ | PROT_WRITE | PROT_EXEC,
              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  emit(0);
  pthread_t t;
  pthread_create(&t, NULL, runner, NULL);
  for (int i = 1; i < 500; i++) {
    emit(i);
    __atomic_store_n(&gen_seq, i, __ATOMIC_RELEASE);
    while (__atomic_load_n(&done_seq, __ATOMIC_ACQUIRE) != i) {
    }
  }
  void* stale;
  pthread_join(t, &stale);
  printf("%s: stale calls %ld of 499\n", use_mprotect ? "mprotect" : "threads", (long)stale);
  return stale != 0;
}

static int through_read(void) {
  unsigned char* code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  int stale = 0;
  for (int i = 1; i < 50; i++) {
    unsigned char buf[16];
    int p[2];
    if (pipe(p) != 0) return 1;
    gen(buf, i);
    if (write(p[1], buf, 8) != 8 || read(p[0], code, 8) != 8) return 1;
    close(p[0]);
    close(p[1]);
    __builtin___clear_cache((char*)code, (char*)code + 8);
    if (((int (*)(void))code)() != i) stale++;
  }
  printf("read: stale calls %d of 49\n", stale);
  return stale != 0;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "read") == 0) return through_read();
  use_mprotect = strcmp(mode, "mprotect") == 0;
  if (use_mprotect || strcmp(mode, "threads") == 0) return across_threads();
  printf("usage: code_updates threads|mprotect|read\n");
  return 2;
}
