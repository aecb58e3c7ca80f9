/* system_registers.c MODE: registers user space reads without a syscall,
   as Linux serves them.
   "timer": the arch's counter (AArch64 CNTVCT_EL0 at CNTFRQ_EL0; RISC-V
   rdtime at the 10 MHz timebase of ferry and QEMU's virt board; the host
   build reads CLOCK_MONOTONIC in ns) never goes back and measures a 50 ms
   sleep as CLOCK_MONOTONIC does.
   "csr" (RISC-V): every read-only form of rdtime, rdcycle and rdinstret
   works; writes to them and RV32's high halves are SIGILL at the
   instruction.
   "id" (AArch64): MIDR_EL1, MPIDR_EL1 and the ID registers read as the
   kernel's MRS emulation gives them, each feature field agreeing with
   AT_HWCAP/AT_HWCAP2 (HWCAP_CPUID promises the emulation); CTR_EL0,
   DCZID_EL0 and DC ZVA work at EL0; other system registers are SIGILL at
   the instruction.
   Prints one line per check; exits 1 if any failed. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <time.h>
#include <ucontext.h>

#include "check.h"

/* One instruction as a function of its own (returning what it left in the
   first argument register), so a SIGILL can be matched to its address. */
#if defined(__aarch64__)
#define PROBE(name, insn)                                                              \
  __asm__(".text\n.p2align 2\n.globl sr_" #name "\n.type sr_" #name ", %function\nsr_" #name \
          ":\n" insn "\nret\n.size sr_" #name ", .-sr_" #name "\n");                        \
  unsigned long name(void) __asm__("sr_" #name)
#elif defined(__riscv)
#define PROBE(name, insn)                                                              \
  __asm__(".text\n.p2align 2\n.globl sr_" #name "\n.type sr_" #name ", %function\nsr_" #name \
          ":\n" insn "\nret\n.size sr_" #name ", .-sr_" #name "\n");                        \
  unsigned long name(void) __asm__("sr_" #name)
#endif

static long long ns_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

#if defined(__aarch64__) || defined(__riscv)
/* Calls fn; true when it raised SIGILL with si_addr and the context's PC on
   fn's first instruction (the one under test). */
static sigjmp_buf back;
static volatile uintptr_t sigill_addr, sigill_pc;

static void on_sigill(int sig, siginfo_t *info, void *context) {
  (void)sig;
  ucontext_t *uc = context;
  sigill_addr = (uintptr_t)info->si_addr;
#if defined(__aarch64__)
  sigill_pc = uc->uc_mcontext.pc;
#else
  sigill_pc = uc->uc_mcontext.__gregs[0];
#endif
  siglongjmp(back, 1);
}

static int raises_sigill(unsigned long (*fn)(void)) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigill;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGILL, &sa, &old);
  int raised = 0;
  sigill_addr = sigill_pc = 0;
  if (sigsetjmp(back, 1) == 0) {
    fn();
  } else {
    raised = sigill_addr == (uintptr_t)fn && sigill_pc == (uintptr_t)fn;
  }
  sigaction(SIGILL, &old, NULL);
  return raised;
}
#endif

/* ---- the timer ---- */

#if defined(__aarch64__)
PROBE(read_cntvct, "isb\nmrs x0, cntvct_el0");
PROBE(read_cntfrq, "mrs x0, cntfrq_el0");
static unsigned long long timer(void) { return read_cntvct(); }
static unsigned long long timer_hz(void) { return read_cntfrq(); }
#elif defined(__riscv)
PROBE(read_time, "rdtime a0");
static unsigned long long timer(void) { return read_time(); }
static unsigned long long timer_hz(void) { return 10000000; }
#else
static unsigned long long timer(void) { return (unsigned long long)ns_now(); }
static unsigned long long timer_hz(void) { return 1000000000; }
#endif

static void check_timer(void) {
  unsigned long long hz = timer_hz();
  check(hz >= 1000000 && hz <= 2000000000ULL, "timer frequency between 1 MHz and 2 GHz");
  unsigned long long prev = timer(), now = prev;
  int ok = 1;
  for (int i = 0; i < 10000; i++) {
    now = timer();
    if (now < prev) ok = 0;
    prev = now;
  }
  check(ok, "timer non-decreasing over 10000 reads");
  long long ns0 = ns_now();
  unsigned long long t0 = timer();
  struct timespec req = {0, 50 * 1000 * 1000};
  nanosleep(&req, NULL);
  unsigned long long t1 = timer();
  long long ns1 = ns_now();
  double timer_ms = (double)(t1 - t0) * 1000.0 / (double)hz;
  double clock_ms = (double)(ns1 - ns0) / 1e6;
  check(t1 > t0 && timer_ms >= 40 && timer_ms <= 500, "timer measures a 50 ms sleep as 40-500 ms");
  check(timer_ms >= clock_ms * 0.9 - 2 && timer_ms <= clock_ms * 1.1 + 2,
        "timer and CLOCK_MONOTONIC agree on the sleep within 10%%");
}

/* ---- RISC-V counter CSRs ---- */

#if defined(__riscv)
#define COUNTER_FORMS(csr)                                       \
  PROBE(csr##_csrr, "csrr a0, " #csr);                           \
  PROBE(csr##_csrrs, "csrrs a0, " #csr ", zero");                \
  PROBE(csr##_csrrc, "csrrc a0, " #csr ", zero");                \
  PROBE(csr##_csrrsi, "csrrsi a0, " #csr ", 0");                 \
  PROBE(csr##_csrrci, "csrrci a0, " #csr ", 0");                 \
  PROBE(csr##_to_zero, "csrrs zero, " #csr ", zero\nli a0, 1");  \
  PROBE(csr##_csrw, "csrw " #csr ", a0");                        \
  PROBE(csr##_csrrs_reg, "csrrs a0, " #csr ", a1");              \
  PROBE(csr##_csrrwi, "csrrwi a0, " #csr ", 0");                 \
  PROBE(csr##_csrrsi_1, "csrrsi a0, " #csr ", 1")
COUNTER_FORMS(time);
COUNTER_FORMS(cycle);
COUNTER_FORMS(instret);
/* RV32's high halves: timeh, cycleh, instreth. */
PROBE(read_timeh, "csrr a0, 0xc81");
PROBE(read_cycleh, "csrr a0, 0xc80");
PROBE(read_instreth, "csrr a0, 0xc82");

static int non_decreasing(unsigned long (*fn)(void)) {
  unsigned long prev = fn();
  for (int i = 0; i < 1000; i++) {
    unsigned long now = fn();
    if (now < prev) return 0;
    prev = now;
  }
  return 1;
}

struct counter {
  const char *name;
  unsigned long (*forms[5])(void);
  unsigned long (*to_zero)(void);
  unsigned long (*writes[4])(void);
};

static void check_csrs(void) {
  static const char *form_names[5] = {"csrr", "csrrs x0", "csrrc x0", "csrrsi 0", "csrrci 0"};
  static const char *write_names[4] = {"csrw", "csrrs with rs1 = a1", "csrrwi 0", "csrrsi 1"};
  const struct counter counters[] = {
#define COUNTER(csr)                                                                       \
  {#csr,                                                                                   \
   {csr##_csrr, csr##_csrrs, csr##_csrrc, csr##_csrrsi, csr##_csrrci},                     \
   csr##_to_zero,                                                                          \
   {csr##_csrw, csr##_csrrs_reg, csr##_csrrwi, csr##_csrrsi_1}}
      COUNTER(time), COUNTER(cycle), COUNTER(instret),
  };
  for (size_t c = 0; c < sizeof counters / sizeof counters[0]; c++) {
    const struct counter *k = &counters[c];
    for (int f = 0; f < 5; f++) {
      unsigned long a = k->forms[f]();
      int ok = a > 0 && non_decreasing(k->forms[f]) && k->forms[(f + 1) % 5]() >= a;
      check(ok, "%s read by %s: non-decreasing, in step with the other forms", k->name, form_names[f]);
    }
    check(k->to_zero() == 1, "%s read into x0 is allowed", k->name);
    unsigned long before = k->forms[0]();
    struct timespec req = {0, 20 * 1000 * 1000};
    nanosleep(&req, NULL);
    check(k->forms[0]() > before, "%s advances across a 20 ms sleep", k->name);
    for (int w = 0; w < 4; w++) {
      check(raises_sigill(k->writes[w]), "%s written by %s: SIGILL at the instruction", k->name, write_names[w]);
    }
  }
  check(raises_sigill(read_timeh), "timeh (RV32 only): SIGILL at the instruction");
  check(raises_sigill(read_cycleh), "cycleh (RV32 only): SIGILL at the instruction");
  check(raises_sigill(read_instreth), "instreth (RV32 only): SIGILL at the instruction");
}
#endif

/* ---- AArch64 ID registers ---- */

#if defined(__aarch64__)
PROBE(read_midr, "mrs x0, midr_el1");
PROBE(read_mpidr, "mrs x0, mpidr_el1");
PROBE(read_revidr, "mrs x0, revidr_el1");
PROBE(read_pfr0, "mrs x0, s3_0_c0_c4_0");
PROBE(read_pfr1, "mrs x0, s3_0_c0_c4_1");
PROBE(read_zfr0, "mrs x0, s3_0_c0_c4_4");
PROBE(read_dfr0, "mrs x0, s3_0_c0_c5_0");
PROBE(read_isar0, "mrs x0, s3_0_c0_c6_0");
PROBE(read_isar1, "mrs x0, s3_0_c0_c6_1");
PROBE(read_isar2, "mrs x0, s3_0_c0_c6_2");
PROBE(read_mmfr0, "mrs x0, s3_0_c0_c7_0");
PROBE(read_mmfr1, "mrs x0, s3_0_c0_c7_1");
PROBE(read_mmfr2, "mrs x0, s3_0_c0_c7_2");
PROBE(read_unallocated_4_3, "mrs x0, s3_0_c0_c4_3");
PROBE(read_unallocated_7_7, "mrs x0, s3_0_c0_c7_7");
PROBE(read_to_xzr, "mrs xzr, midr_el1\nmov x0, #1");
PROBE(read_cntvctss, "mrs x0, s3_3_c14_c0_6");
PROBE(read_ctr, "mrs x0, ctr_el0");
PROBE(read_dczid, "mrs x0, dczid_el0");
PROBE(read_currentel, "mrs x0, CurrentEL");
PROBE(read_sctlr, "mrs x0, sctlr_el1");
PROBE(read_cntpct, "mrs x0, cntpct_el0");
PROBE(read_id_space_0_7, "mrs x0, s3_0_c0_c0_7");
PROBE(read_aarch32_id_pfr0, "mrs x0, s3_0_c0_c1_0");
PROBE(write_midr, "msr s3_0_c0_c0_0, x0");
PROBE(write_tpidr_el1, "msr tpidr_el1, x0");

enum reg { PFR0, PFR1, ZFR0, ISAR0, ISAR1, ISAR2, MMFR0, MMFR1, MMFR2, NREGS };
static const char *reg_names[NREGS] = {
    "ID_AA64PFR0", "ID_AA64PFR1", "ID_AA64ZFR0", "ID_AA64ISAR0", "ID_AA64ISAR1",
    "ID_AA64ISAR2", "ID_AA64MMFR0", "ID_AA64MMFR1", "ID_AA64MMFR2"};

/* A hwcap and the ID register field that announces it (the kernel's
   arm64_elf_hwcaps table): the feature is there when the field is at least
   `min` (fields FP and AdvSIMD are signed: 0xf is absent). DIT, SSBS and
   DGH are left out: qemu-user 7.2, the oracle, advertises them but hides
   their fields. */
struct feature {
  const char *hwcap;
  int word; /* 1: AT_HWCAP, 2: AT_HWCAP2 */
  int bit;
  enum reg reg;
  int shift;
  int min;
  int is_signed;
};

static const struct feature features[] = {
    {"FP", 1, 0, PFR0, 16, 0, 1},        {"ASIMD", 1, 1, PFR0, 20, 0, 1},
    {"AES", 1, 3, ISAR0, 4, 1, 0},       {"PMULL", 1, 4, ISAR0, 4, 2, 0},
    {"SHA1", 1, 5, ISAR0, 8, 1, 0},      {"SHA2", 1, 6, ISAR0, 12, 1, 0},
    {"CRC32", 1, 7, ISAR0, 16, 1, 0},    {"ATOMICS", 1, 8, ISAR0, 20, 2, 0},
    {"FPHP", 1, 9, PFR0, 16, 1, 1},      {"ASIMDHP", 1, 10, PFR0, 20, 1, 1},
    {"ASIMDRDM", 1, 12, ISAR0, 28, 1, 0}, {"JSCVT", 1, 13, ISAR1, 12, 1, 0},
    {"FCMA", 1, 14, ISAR1, 16, 1, 0},    {"LRCPC", 1, 15, ISAR1, 20, 1, 0},
    {"DCPOP", 1, 16, ISAR1, 0, 1, 0},    {"SHA3", 1, 17, ISAR0, 32, 1, 0},
    {"SM3", 1, 18, ISAR0, 36, 1, 0},     {"SM4", 1, 19, ISAR0, 40, 1, 0},
    {"ASIMDDP", 1, 20, ISAR0, 44, 1, 0}, {"SHA512", 1, 21, ISAR0, 12, 2, 0},
    {"SVE", 1, 22, PFR0, 32, 1, 0},      {"ASIMDFHM", 1, 23, ISAR0, 48, 1, 0},
    {"USCAT", 1, 25, MMFR2, 32, 1, 0},
    {"ILRCPC", 1, 26, ISAR1, 20, 2, 0},  {"FLAGM", 1, 27, ISAR0, 52, 1, 0},
    {"SB", 1, 29, ISAR1, 36, 1, 0},
    {"DCPODP", 2, 0, ISAR1, 0, 2, 0},    {"SVE2", 2, 1, ZFR0, 0, 1, 0},
    {"SVEAES", 2, 2, ZFR0, 4, 1, 0},     {"SVEPMULL", 2, 3, ZFR0, 4, 2, 0},
    {"SVEBITPERM", 2, 4, ZFR0, 16, 1, 0}, {"SVESHA3", 2, 5, ZFR0, 32, 1, 0},
    {"SVESM4", 2, 6, ZFR0, 40, 1, 0},    {"FLAGM2", 2, 7, ISAR0, 52, 2, 0},
    {"FRINT", 2, 8, ISAR1, 32, 1, 0},    {"SVEI8MM", 2, 9, ZFR0, 44, 1, 0},
    {"SVEF32MM", 2, 10, ZFR0, 52, 1, 0}, {"SVEF64MM", 2, 11, ZFR0, 56, 1, 0},
    {"SVEBF16", 2, 12, ZFR0, 20, 1, 0},  {"I8MM", 2, 13, ISAR1, 52, 1, 0},
    {"BF16", 2, 14, ISAR1, 44, 1, 0},
    {"RNG", 2, 16, ISAR0, 60, 1, 0},     {"BTI", 2, 17, PFR1, 0, 1, 0},
    {"MTE", 2, 18, PFR1, 8, 2, 0},       {"ECV", 2, 19, MMFR0, 60, 1, 0},
    {"AFP", 2, 20, MMFR1, 44, 1, 0},     {"RPRES", 2, 21, ISAR2, 4, 1, 0},
};

static int field(unsigned long value, int shift, int is_signed) {
  int f = (int)((value >> shift) & 0xf);
  return is_signed && f >= 8 ? f - 16 : f;
}

/* /proc/cpuinfo's "CPU implementer" and "CPU part", when it names them (a
   host's x86 cpuinfo, which qemu-user shows, does not). */
static int cpuinfo_agrees(unsigned long midr) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return 1;
  char line[256];
  int ok = 1;
  unsigned value;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "CPU implementer : %x", &value) == 1 && value != ((midr >> 24) & 0xff)) ok = 0;
    if (sscanf(line, "CPU part : %x", &value) == 1 && value != ((midr >> 4) & 0xfff)) ok = 0;
  }
  fclose(f);
  return ok;
}

static void check_id_registers(void) {
  unsigned long hwcap = getauxval(AT_HWCAP), hwcap2 = getauxval(AT_HWCAP2);
  check(hwcap & (1UL << 11), "HWCAP_CPUID advertised");
  unsigned long midr = read_midr();
  check(((midr >> 16) & 0xf) == 0xf, "MIDR_EL1 architecture field is 0xf");
  check(cpuinfo_agrees(midr), "/proc/cpuinfo's implementer and part agree with MIDR_EL1");
  check(read_mpidr() == 0x80000000UL, "MPIDR_EL1 reads the kernel's safe value");
  check(read_revidr() == 0, "REVIDR_EL1 reads 0");
  check(read_to_xzr() == 1, "MRS into xzr is allowed");

  unsigned long regs[NREGS] = {read_pfr0(), read_pfr1(), read_zfr0(),  read_isar0(), read_isar1(),
                               read_isar2(), read_mmfr0(), read_mmfr1(), read_mmfr2()};
  unsigned long pfr0 = regs[PFR0];
  check((pfr0 & 0xf) == 1 && ((pfr0 >> 4) & 0xf) == 1, "ID_AA64PFR0 EL0 and EL1: AArch64 only");
  check(((pfr0 >> 8) & 0xff) == 0 && ((pfr0 >> 24) & 0xf) == 0, "ID_AA64PFR0 EL2, EL3, GIC hidden as 0");
  check((regs[MMFR0] & 0x0fffffffffffffffUL) == 0xff000000UL,
        "ID_AA64MMFR0 hidden fields: the kernel's safe values");
  for (size_t i = 0; i < sizeof features / sizeof features[0]; i++) {
    const struct feature *ft = &features[i];
    int has = ((ft->word == 1 ? hwcap : hwcap2) >> ft->bit) & 1;
    int present = field(regs[ft->reg], ft->shift, ft->is_signed) >= ft->min;
    check(has == present, "HWCAP%s_%s iff %s bits %d-%d >= %d", ft->word == 1 ? "" : "2", ft->hwcap,
          reg_names[ft->reg], ft->shift + 3, ft->shift, ft->min);
  }
  check(read_unallocated_4_3() == 0 && read_unallocated_7_7() == 0, "unallocated ID registers read 0");

  int ecv = (hwcap2 >> 19) & 1;
  if (ecv) {
    unsigned long before = read_cntvct(), ss = read_cntvctss(), after = read_cntvct();
    check(before <= ss && ss <= after, "CNTVCTSS_EL0: between two CNTVCT_EL0 reads with HWCAP2_ECV, else SIGILL");
  } else {
    check(raises_sigill(read_cntvctss), "CNTVCTSS_EL0: between two CNTVCT_EL0 reads with HWCAP2_ECV, else SIGILL");
  }

  check(read_ctr() != 0, "CTR_EL0 readable");
  unsigned long dczid = read_dczid();
  check(!(dczid & 16), "DCZID_EL0: DC ZVA permitted");
  unsigned block = 4u << (dczid & 15);
  static unsigned char buf[4096] __attribute__((aligned(2048)));
  memset(buf, 0xa5, sizeof buf);
  __asm__ volatile("dc zva, %0" : : "r"(buf) : "memory");
  int zeroed = block <= sizeof buf;
  for (unsigned i = 0; i < block && zeroed; i++) zeroed = buf[i] == 0;
  check(zeroed && buf[block] == 0xa5, "DC ZVA zeroes one block");

  check(raises_sigill(read_currentel), "CurrentEL: SIGILL at the instruction");
  check(raises_sigill(read_sctlr), "SCTLR_EL1: SIGILL at the instruction");
  check(raises_sigill(read_cntpct), "CNTPCT_EL0: SIGILL at the instruction");
  check(raises_sigill(read_id_space_0_7), "ID space op2 7 of CRm 0: SIGILL at the instruction");
  check(raises_sigill(read_aarch32_id_pfr0), "ID_PFR0_EL1 (CRm 1): SIGILL at the instruction");
  check(raises_sigill(write_midr), "MSR to MIDR_EL1: SIGILL at the instruction");
  check(raises_sigill(write_tpidr_el1), "MSR to TPIDR_EL1: SIGILL at the instruction");
}
#endif

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "timer") == 0) {
    check_timer();
#if defined(__riscv)
  } else if (strcmp(mode, "csr") == 0) {
    check_csrs();
#endif
#if defined(__aarch64__)
  } else if (strcmp(mode, "id") == 0) {
    check_id_registers();
#endif
  } else {
    printf("usage: system_registers timer|csr (RISC-V)|id (AArch64)\n");
    return 2;
  }
  printf("%d failure(s)\n", failures);
  return failures != 0;
}
