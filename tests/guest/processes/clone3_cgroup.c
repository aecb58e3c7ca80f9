/* clone3_cgroup.c: CLONE_INTO_CGROUP succeeding, for a process and for a
   thread. The host's /sys/fs/cgroup may be cgroup v1, so the test mounts
   cgroup2 itself (no controllers need be free for it) in a mount namespace
   of its own, made private first so nothing it mounts reaches the host's,
   and in a cgroup namespace of its own. The cgroups it makes live in the
   one cgroup2 hierarchy, which is global (under the test's own cgroup):
   they are removed at the end. A process goes into a domain cgroup, where a
   thread cannot go (EOPNOTSUPP); a thread goes into a threaded one. Each
   shows where it went in /proc/PID/cgroup. Needs root. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

#include "clone3_waiting.h"

/* The cgroup2 path in /proc/<path>/cgroup (its "0::" line), or "?". */
static void cgroup_of(const char *proc_path, char *out, size_t size) {
  char line[512], path[128];
  snprintf(path, sizeof path, "/proc/%s/cgroup", proc_path);
  snprintf(out, size, "?");
  FILE *f = fopen(path, "r");
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, "0::", 3) != 0) continue;
    line[strcspn(line, "\n")] = 0;
    snprintf(out, size, "%s", line + 3);
  }
  if (f) fclose(f);
}

/* Where `proc_path` is, relative to the test's cgroup namespace. */
static const char *where(const char *proc_path) {
  static char now[512];
  cgroup_of(proc_path, now, sizeof now);
  return now;
}

/* A child process made by clone3 into `cgroup_fd`; it reports whether its
   /proc/self/cgroup starts with `prefix`. */
static void process_into(const char *what, int cgroup_fd, const char *prefix) {
  struct clone_args ca;
  memset(&ca, 0, sizeof ca);
  ca.flags = CLONE_INTO_CGROUP;
  ca.exit_signal = SIGCHLD;
  ca.cgroup = cgroup_fd;
  int pipefd[2];
  if (pipe(pipefd) != 0) _exit(2);
  long pid = syscall(SYS_clone3, &ca, sizeof ca);
  if (pid == 0) {
    int ok = strncmp(where("self"), prefix, strlen(prefix)) == 0;
    (void)!write(pipefd[1], ok ? "1" : "0", 1);
    _exit(ok ? 0 : 1);
  }
  int err = errno;
  char ok = '?';
  int st = -1;
  if (pid > 0) {
    (void)!read(pipefd[0], &ok, 1);
    waitpid(pid, &st, 0);
  }
  close(pipefd[0]);
  close(pipefd[1]);
  if (pid < 0) {
    printf("process into %s: %s\n", what, strerror(err));
  } else {
    check(ok == '1' && WIFEXITED(st) && WEXITSTATUS(st) == 0, "process into %s: made, its /proc/self/cgroup %s",
          what, ok == '1' ? "names it" : "does not name it");
  }
}

static long thread_into(int cgroup_fd, volatile int *alive, pid_t *tid) {
  static char stack[65536] __attribute__((aligned(16)));
  struct clone_args ca;
  memset(&ca, 0, sizeof ca);
  ca.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_PARENT_SETTID |
             CLONE_CHILD_CLEARTID | CLONE_INTO_CGROUP;
  ca.parent_tid = ca.child_tid = (uintptr_t)alive;
  ca.stack = (uintptr_t)stack;
  ca.stack_size = sizeof stack;
  ca.cgroup = cgroup_fd;
  release_raw = 0;
  long r = clone3_waiting(&ca);
  if (r < 0) {
    errno = (int)-r;
    return -1;
  }
  *tid = (pid_t)r;
  return r;
}

static void end_thread(volatile int *alive) {
  release_raw = 1;
  syscall(SYS_futex, &release_raw, FUTEX_WAKE, 1, 0, 0, 0);
  while (*alive != 0) syscall(SYS_futex, alive, FUTEX_WAIT, *alive, 0, 0, 0);
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  /* Our own mount namespace, private before anything is mounted, and cgroup
     namespace: its root, the test's own cgroup, is what cgroup2 mounts, and
     root of a user namespace (a sandbox's) may mount it only there. */
  if (unshare(CLONE_NEWNS | CLONE_NEWCGROUP) != 0 || mount(0, "/", 0, MS_REC | MS_PRIVATE, 0) != 0) {
    check(0, "a private mount namespace: %s", strerror(errno));
    return 1;
  }
  char mnt[] = "/tmp/clone3_cgroup.XXXXXX";
  if (!mkdtemp(mnt) || mount("none", mnt, "cgroup2", 0, 0) != 0) {
    check(0, "mount cgroup2: %s", strerror(errno));
    rmdir(mnt);
    return 1;
  }
  char domain[700], threaded[700], type[760];
  /* Named after the mount point, unique in the /tmp the suite's tests
     share: their cgroup may be one, and in their own pid namespaces their
     pids are the same. */
  const char *unique = mnt + strlen("/tmp/clone3_cgroup.");
  snprintf(domain, sizeof domain, "%s/clone3_cgroup_domain.%s", mnt, unique);
  snprintf(threaded, sizeof threaded, "%s/clone3_cgroup_threaded.%s", mnt, unique);
  check(mkdir(domain, 0755) == 0, "mkdir a domain cgroup: %s", strerror(errno));
  check(mkdir(threaded, 0755) == 0, "mkdir a second cgroup: %s", strerror(errno));
  snprintf(type, sizeof type, "%s/cgroup.type", threaded);
  int fd = open(type, O_WRONLY);
  check(fd >= 0 && write(fd, "threaded", 8) == 8, "the second made threaded: %s", strerror(errno));
  close(fd);
  int domain_fd = open(domain, O_RDONLY | O_DIRECTORY);
  int threaded_fd = open(threaded, O_PATH | O_DIRECTORY);
  printf("the test's own cgroup, in its namespace: %s\n", where("self"));

  /* Processes: each one's own /proc/self/cgroup names where it went. */
  process_into("the domain cgroup", domain_fd, "/clone3_cgroup_domain.");
  process_into("the threaded cgroup", threaded_fd, "/clone3_cgroup_threaded.");
  int file_fd = open(type, O_RDONLY);
  process_into("a cgroup that is a file", file_fd, "");
  close(file_fd);
  printf("test still in: %s\n", where("self"));

  /* Threads: not into a domain cgroup other than the process's; into a
     threaded one, where /proc/self/task/TID/cgroup shows it. */
  volatile int alive = 0;
  pid_t tid = 0;
  show_result("thread into the domain cgroup", thread_into(domain_fd, &alive, &tid));
  alive = 0;
  long r = thread_into(threaded_fd, &alive, &tid);
  check(r > 0, "thread into the threaded cgroup: %s", r > 0 ? "made" : strerror(errno));
  if (r > 0) {
    char task[64];
    snprintf(task, sizeof task, "self/task/%d", tid);
    const char *seen = where(task);
    check(strncmp(seen, "/clone3_cgroup_threaded.", 24) == 0, "its /proc/self/task/TID/cgroup: %s",
          strncmp(seen, "/clone3_cgroup_threaded.", 24) == 0 ? "the threaded cgroup" : seen);
    printf("main thread still in: %s\n", where("self"));
    end_thread(&alive);
  }
  alive = 0;
  r = thread_into(threaded_fd, &alive, &tid); /* by an O_PATH descriptor too, and again */
  check(r > 0, "a second thread into it: %s", r > 0 ? "made" : strerror(errno));
  if (r > 0) end_thread(&alive);

  close(domain_fd);
  close(threaded_fd);
  /* The cgroups go once their last task is gone (an ended thread leaves a
     moment after its CLONE_CHILD_CLEARTID wake). */
  int removed = 0;
  for (int i = 0; i < 2000 && removed < 2; ++i) {
    removed = (rmdir(domain) == 0 || errno == ENOENT) + (rmdir(threaded) == 0 || errno == ENOENT);
    if (removed < 2) usleep(1000);
  }
  check(removed == 2, "both cgroups removed");
  umount(mnt);
  rmdir(mnt);
  printf("%d failures\n", failures);
  return failures != 0;
}
