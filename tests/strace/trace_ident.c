/* trace_ident.c: credential, prctl, scheduling, priority and limit calls
   whose --strace lines must read as the real strace's: id lists, capability
   headers and sets, prctl's per-option arguments and notes, sched_param,
   CPU masks, ioprio values, personalities and rlimits (issue 15). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
int main(void) {
  write(1, "BEGIN\n", 6);
  syscall(SYS_setresuid, -1, -1, -1);
  syscall(SYS_setresgid, -1, -1, -1);
  syscall(SYS_setuid, 0);
  syscall(SYS_setgid, 0);
  syscall(SYS_setreuid, -1, 0);
  syscall(SYS_setregid, 0, -1);
  syscall(SYS_setfsuid, -1);
  syscall(SYS_setfsgid, -1);
  gid_t g = 0;
  syscall(SYS_setgroups, 1, &g);
  syscall(SYS_setgroups, -1, NULL);
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  syscall(SYS_capget, &h, d);
  char name[16];
  prctl(PR_SET_NAME, "tracee");
  prctl(PR_GET_NAME, name);
  prctl(PR_GET_DUMPABLE);
  prctl(PR_SET_DUMPABLE, 1);
  prctl(PR_SET_PDEATHSIG, 9);
  int v; prctl(PR_GET_PDEATHSIG, &v);
  prctl(PR_GET_TIMERSLACK);
  prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0);
  prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
  prctl(PR_CAPBSET_READ, CAP_CHOWN);
  prctl(PR_SET_CHILD_SUBREAPER, 0);
  prctl(12345, 1, 2, 3, 4);
  sched_getscheduler(0);
  sched_get_priority_max(SCHED_FIFO);
  struct sched_param p = {0};
  sched_getparam(0, &p);
  sched_setscheduler(0, SCHED_OTHER, &p);
  syscall(SYS_getpriority, PRIO_PROCESS, 0);
  setpriority(PRIO_PROCESS, 0, 0);
  syscall(SYS_ioprio_get, 1, 0);
  syscall(SYS_personality, 0xffffffff);
  struct rlimit r; getrlimit(RLIMIT_NOFILE, &r);
  setrlimit(RLIMIT_NOFILE, &r);
  getrlimit(RLIMIT_AS, &r);
  syscall(SYS_prlimit64, 0, RLIMIT_AS, NULL, &r);
  cpu_set_t set; sched_getaffinity(0, sizeof set, &set);
  sched_setaffinity(0, sizeof set, &set);
  syscall(SYS_ioprio_set, 1, 0, 2 << 13 | 4);
  syscall(SYS_personality, 0x40000);
  syscall(SYS_personality, 0xffffffff);
  syscall(SYS_personality, 0);
  prctl(PR_SET_TIMERSLACK, 60000);
  prctl(PR_SET_KEEPCAPS, 0);
  prctl(PR_CAPBSET_READ, 99);
  syscall(SYS_capget, &h, NULL);
  h.version = 0;
  syscall(SYS_capget, &h, d);
  h.version = _LINUX_CAPABILITY_VERSION_3;
  syscall(SYS_capset, &h, d);
  r.rlim_cur = 1 << 30; r.rlim_max = RLIM_INFINITY;
  setrlimit(RLIMIT_AS, &r);
  getrlimit(RLIMIT_AS, &r);
  return 0;
}
