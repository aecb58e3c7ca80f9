/* enosys_probe.c: calls every syscall number asm-generic defines for a
   64-bit arch (0-243, 260-294, 424-450, and 258-259 on RISC-V), each with
   all-ones arguments, and prints the numbers that fail with ENOSYS, then
   their count, and the numbers it skips. Calls that would hurt with these arguments are skipped: the
   exits, rt_sigreturn, clone/clone3/execve/execveat, set_tid_address, reboot,
   and anything that sends a signal (kill(-1, ...) signals every process).
   Runs under ferry only: the host's numbers are x86_64's. qemu-user 7.2's
   count, by the same probe on aarch64, was 77 (issue 14). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

static const long kSkipped[] = {
    93, 94,             /* exit, exit_group */
    96,                 /* set_tid_address: a bad clear_child_tid for exit */
    129, 130, 131, 138, /* kill, tkill, tgkill, rt_sigqueueinfo */
    139,                /* rt_sigreturn */
    142,                /* reboot */
    220, 221, 240, 281, /* clone, execve, rt_tgsigqueueinfo, execveat */
    424, 435,           /* pidfd_send_signal, clone3 */
};

static int skipped(long nr) {
  for (unsigned i = 0; i < sizeof kSkipped / sizeof kSkipped[0]; ++i) {
    if (kSkipped[i] == nr) return 1;
  }
  return 0;
}

static int defined(long nr) {
  if (nr <= 243 || (nr >= 260 && nr <= 294) || (nr >= 424 && nr <= 450)) return 1;
#ifdef __riscv
  if (nr == 258 || nr == 259) return 1; /* riscv_hwprobe, riscv_flush_icache */
#endif
  return 0;
}

int main(void) {
  const long ones = -1;
  int count = 0;
  for (long nr = 0; nr <= 450; ++nr) {
    if (!defined(nr)) continue;
    if (skipped(nr)) {
      printf("skipped %ld\n", nr);
      continue;
    }
    errno = 0;
    long r = syscall(nr, ones, ones, ones, ones, ones, ones);
    if (r == -1 && errno == ENOSYS) {
      printf("enosys %ld\n", nr);
      ++count;
    }
  }
  printf("count %d\n", count);
  return 0;
}
