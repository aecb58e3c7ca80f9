/* Installing filters: the kernel's checks and their errnos (bad programs
   EINVAL, a bad pointer EFAULT, no no_new_privs and no CAP_SYS_ADMIN
   EACCES), the other operations (GET_ACTION_AVAIL, GET_NOTIF_SIZES,
   strict mode's rules), and PR_SET_SECCOMP. */
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "check.h"
#include "seccomp_util.h"

static long try_filter(struct sock_filter *f, unsigned short len) { return install(f, len, 0); }

static long op(unsigned operation, unsigned flags, void *args) {
  long r = syscall(__NR_seccomp, operation, flags, args);
  return r < 0 ? -errno : r;
}

static void bad_programs(void) {
  struct sock_filter allow[] = {RET(SECCOMP_RET_ALLOW)};
  struct sock_filter no_ret[] = {LOAD_NR};
  struct sock_filter jump_out[] = {LOAD_NR, BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 5, 0), RET(SECCOMP_RET_ALLOW)};
  struct sock_filter ja_out[] = {BPF_STMT(BPF_JMP | BPF_JA, 1), RET(SECCOMP_RET_ALLOW)};
  struct sock_filter misaligned[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2), RET(SECCOMP_RET_ALLOW)};
  struct sock_filter past_end[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), RET(SECCOMP_RET_ALLOW)};
  struct sock_filter byte_load[] = {BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), RET(SECCOMP_RET_ALLOW)};
  struct sock_filter ind_load[] = {BPF_STMT(BPF_LD | BPF_W | BPF_IND, 0), RET(SECCOMP_RET_ALLOW)};
  struct sock_filter div_zero[] = {BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), RET(SECCOMP_RET_ALLOW)};
  struct sock_filter shift_32[] = {BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32), RET(SECCOMP_RET_ALLOW)};
  struct sock_filter unset_mem[] = {BPF_STMT(BPF_LD | BPF_MEM, 3), RET(SECCOMP_RET_ALLOW)};
  struct sock_filter mem_17[] = {BPF_STMT(BPF_ST, 16), RET(SECCOMP_RET_ALLOW)};
  struct sock_filter bad_code[] = {BPF_STMT(0xff, 0), RET(SECCOMP_RET_ALLOW)};
  struct sock_filter ancillary[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL), RET(SECCOMP_RET_ALLOW)};
  /* Stored, then read: fine; LEN loads are the seccomp_data's size. */
  struct sock_filter mem_ok[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), BPF_STMT(BPF_ST, 3), BPF_STMT(BPF_LDX | BPF_MEM, 3),
      BPF_STMT(BPF_MISC | BPF_TXA, 0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 64, 1, 0),
      RET(SECCOMP_RET_KILL_PROCESS), RET(SECCOMP_RET_ALLOW)};
  printf("len 0: %ld\n", try_filter(allow, 0));
  printf("len 4097: %ld\n", try_filter(allow, 4097));
  printf("null filter: %ld\n", try_filter(NULL, 1));
  printf("no ret: %ld\n", try_filter(no_ret, 1));
  printf("jump out: %ld\n", try_filter(jump_out, 3));
  printf("ja out: %ld\n", try_filter(ja_out, 2));
  printf("misaligned: %ld\n", try_filter(misaligned, 2));
  printf("past end: %ld\n", try_filter(past_end, 2));
  printf("byte load: %ld\n", try_filter(byte_load, 2));
  printf("indirect load: %ld\n", try_filter(ind_load, 2));
  printf("div by 0: %ld\n", try_filter(div_zero, 2));
  printf("shift 32: %ld\n", try_filter(shift_32, 2));
  printf("unset memory: %ld\n", try_filter(unset_mem, 2));
  printf("memory 16: %ld\n", try_filter(mem_17, 2));
  printf("bad code: %ld\n", try_filter(bad_code, 2));
  printf("ancillary: %ld\n", try_filter(ancillary, 2));
  /* A filter past a mapped page: EFAULT. */
  char *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("unmapped program: %ld\n", try_filter((struct sock_filter *)page, 2));
  printf("unmapped fprog: %ld\n", op(SECCOMP_SET_MODE_FILTER, 0, page));
  printf("bad flags: %ld\n", install(allow, 1, 1u << 10));
  printf("mem ok: %ld\n", try_filter(mem_ok, 7));
  printf("filters: %d\n", status_field("Seccomp_filters"));
  printf("good with log, spec_allow, tsync: %ld %ld %ld\n", install(allow, 1, SECCOMP_FILTER_FLAG_LOG),
         install(allow, 1, SECCOMP_FILTER_FLAG_SPEC_ALLOW), install(allow, 1, SECCOMP_FILTER_FLAG_TSYNC));
  printf("filters: %d\n", status_field("Seccomp_filters"));
  long strict = op(SECCOMP_SET_MODE_STRICT, 0, NULL);
  int r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT);
  printf("strict after filter: %ld, prctl: %d errno %d\n", strict, r, errno);
}

static void other_ops(void) {
  unsigned actions[] = {SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO,
                        SECCOMP_RET_TRACE, SECCOMP_RET_LOG, SECCOMP_RET_ALLOW, 0x00010000, SECCOMP_RET_ERRNO | 1};
  for (unsigned i = 0; i < sizeof actions / sizeof actions[0]; ++i) {
    printf("action %#x: %ld\n", actions[i], op(SECCOMP_GET_ACTION_AVAIL, 0, &actions[i]));
  }
  printf("action avail, flags: %ld; bad pointer: %ld\n", op(SECCOMP_GET_ACTION_AVAIL, 1, &actions[0]),
         op(SECCOMP_GET_ACTION_AVAIL, 0, NULL));
  struct seccomp_notif_sizes sizes;
  memset(&sizes, 0, sizeof sizes);
  long r = op(SECCOMP_GET_NOTIF_SIZES, 0, &sizes);
  printf("notif sizes: %ld %u %u %u; bad pointer %ld\n", r, sizes.seccomp_notif, sizes.seccomp_notif_resp,
         sizes.seccomp_data, op(SECCOMP_GET_NOTIF_SIZES, 0, NULL));
  printf("bad op: %ld; strict with flags: %ld; strict with args: %ld\n", op(77, 0, NULL),
         op(SECCOMP_SET_MODE_STRICT, 1, NULL), op(SECCOMP_SET_MODE_STRICT, 0, &sizes));
  errno = 0;
  int bad_mode = prctl(PR_SET_SECCOMP, 3, 0);
  printf("prctl mode 3: %d errno %d\n", bad_mode, errno);
}

/* Without no_new_privs and without CAP_SYS_ADMIN: EACCES, before the
   program is even read; with no_new_privs: allowed. */
static void privileges(void) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    syscall(__NR_capget, &header, data);
    data[0].effective &= ~(1u << CAP_SYS_ADMIN);
    printf("capset: %d\n", RAW(__NR_capset, &header, data));
    struct sock_filter allow[] = {RET(SECCOMP_RET_ALLOW)};
    printf("no privs: %ld; bad program: %ld; len 0: %ld\n", install(allow, 1, 0), try_filter(NULL, 1),
           try_filter(allow, 0));
    int r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL);
    printf("prctl, null filter: %d errno %d\n", r, errno);
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    struct sock_fprog prog = {1, allow};
    printf("with no_new_privs: %ld; prctl: %d\n", install(allow, 1, 0),
           prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog));
    printf("mode %d, filters %d\n", prctl(PR_GET_SECCOMP), status_field("Seccomp_filters"));
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("child status %d\n", status);
}

int main(void) {
  other_ops();
  privileges();
  bad_programs();
  printf("failures: %d\n", failures);
  return failures != 0;
}
