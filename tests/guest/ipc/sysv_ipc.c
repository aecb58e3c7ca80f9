/* sysv_ipc.c: System V IPC as the kernel serves it.
   shm: a segment attached before fork, shared by forked children adding to
   one counter; IPC_STAT (size, attach count, creator pid); /proc/self/maps
   names it; a second attachment at a chosen address sees the same bytes;
   shmdt, and the errors (EINVAL for a bad id, an unaligned address, a
   detach of nothing).
   sem: SETALL/GETALL/GETVAL, IPC_STAT's sem_nsems and times (x86_64's
   semid_ds differs), GETPID naming the caller, IPC_SET, a semop waiting for
   a child, GETNCNT while it waits, SEM_UNDO undone at a child's exit,
   IPC_NOWAIT, a semtimedop timeout, EINTR under SA_RESTART, E2BIG, EFAULT.
   msg: send and receive by type, IPC_STAT's count and pids, ENOMSG, E2BIG,
   MSG_NOERROR, a receive that waits for a child, and EINTR. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t handled;
static void on_alarm(int sig) { (void)sig; handled++; }

static void alarm_in_50ms(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval in_50ms = {{0, 0}, {0, 50000}};
  setitimer(ITIMER_REAL, &in_50ms, NULL);
}

static void sleep_ms(int ms) {
  struct timespec t = {0, ms * 1000000L};
  nanosleep(&t, NULL);
}

static int maps_mention(const char* what) {
  FILE* f = fopen("/proc/self/maps", "r");
  char line[512];
  int found = 0;
  while (f && fgets(line, sizeof line, f)) found |= strstr(line, what) != NULL;
  if (f) fclose(f);
  return found;
}

static void shm(void) {
  int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
  check(id >= 0, "shmget");
  volatile long* p = shmat(id, NULL, 0);
  check(p != (void*)-1, "shmat");
  check(maps_mention("SYSV"), "/proc/self/maps names the segment");
  p[0] = 0;
  p[1000] = 42;
  enum { kChildren = 2, kAdds = 20000 };
  for (int c = 0; c < kChildren; ++c) {
    if (fork() == 0) {
      for (int i = 0; i < kAdds; ++i) __atomic_fetch_add(&p[0], 1, __ATOMIC_SEQ_CST);
      _exit(p[1000] == 42 ? 0 : 1);
    }
  }
  for (int i = 0; i < kAdds; ++i) __atomic_fetch_add(&p[0], 1, __ATOMIC_SEQ_CST);
  int ok = 1, status;
  for (int c = 0; c < kChildren; ++c) {
    wait(&status);
    ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  check(ok, "children see the parent's stores");
  check(p[0] == (kChildren + 1) * kAdds, "three processes' atomic adds all land (%ld)", p[0]);
  struct shmid_ds ds;
  check(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_segsz == 10000 && ds.shm_nattch == 1 && ds.shm_cpid == getpid() &&
            (ds.shm_perm.mode & 0777) == 0600,
        "IPC_STAT: size, one attachment, creator, mode");
  long* q = shmat(id, NULL, SHM_RDONLY);
  check(q != (void*)-1 && q != p && q[1000] == 42, "a second, read-only attachment sees the same bytes");
  check(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 2, "two attachments");
  check(shmdt(q) == 0, "shmdt");
  check(shmdt(q) == -1 && errno == EINVAL, "shmdt again: EINVAL");
  void* fixed = mmap(NULL, 1 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  fixed = (char*)fixed + (1 << 18);  /* 64 KiB aligned for AArch64's SHMLBA, inside a hole made free */
  fixed = (void*)((unsigned long)fixed & ~0xffffUL);
  munmap((char*)fixed - 65536, 1 << 19);
  check(shmat(id, (char*)fixed + 100, 0) == (void*)-1 && errno == EINVAL, "unaligned address: EINVAL");
  long* r = shmat(id, (char*)fixed + 100, SHM_RND);
  check(r == fixed && r != (void*)-1 && r[1000] == 42, "SHM_RND rounds down to the page");
  if (r == (void*)-1) r = (long*)p;
  r[1] = 7;
  check(p[1] == 7, "a store through one attachment shows in the other");
  shmdt(r);
  check(shmat(123456789, NULL, 0) == (void*)-1 && errno == EINVAL, "bad id: EINVAL");
  check(shmctl(id, IPC_STAT, (void*)8) == -1 && errno == EFAULT, "IPC_STAT to a bad pointer: EFAULT");
  check(shmdt((void*)p) == 0 && shmctl(id, IPC_RMID, NULL) == 0, "detached and removed");
  check(shmctl(id, IPC_STAT, &ds) == -1 && errno == EINVAL, "gone: EINVAL");
}

static void sem(void) {
  int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
  check(id >= 0, "semget");
  unsigned short set[3] = {1, 2, 3}, got[3] = {0};
  check(semctl(id, 0, SETALL, set) == 0 && semctl(id, 0, GETALL, got) == 0 && got[0] == 1 && got[1] == 2 && got[2] == 3,
        "SETALL/GETALL");
  check(semctl(id, 2, GETVAL) == 3, "GETVAL");
  struct semid_ds ds;
  memset(&ds, 0x55, sizeof ds);
  check(semctl(id, 0, IPC_STAT, &ds) == 0 && ds.sem_nsems == 3 && ds.sem_otime == 0 && ds.sem_ctime > 0 &&
            labs(ds.sem_ctime - time(NULL)) < 10,
        "IPC_STAT: sem_nsems, no semop yet, ctime now");
  struct sembuf op = {1, -1, 0};
  check(semop(id, &op, 1) == 0 && semctl(id, 1, GETVAL) == 1, "semop -1");
  check(semctl(id, 0, IPC_STAT, &ds) == 0 && labs(ds.sem_otime - time(NULL)) < 10, "sem_otime set");
  check(semctl(id, 1, GETPID) == getpid(), "GETPID names the caller");
  ds.sem_perm.mode = 0640;
  check(semctl(id, 0, IPC_SET, &ds) == 0 && semctl(id, 0, IPC_STAT, &ds) == 0 && (ds.sem_perm.mode & 0777) == 0640,
        "IPC_SET mode");

  /* A child waits for semaphore 0 to reach 2; the parent gives it. */
  pid_t child = fork();
  if (child == 0) {
    struct sembuf take = {0, -2, 0};
    _exit(semop(id, &take, 1) == 0 ? 0 : 1);
  }
  sleep_ms(150);
  check(semctl(id, 0, GETNCNT) == 1, "GETNCNT: the child waits");
  struct sembuf give = {0, 1, 0};
  semop(id, &give, 1);
  int status;
  waitpid(child, &status, 0);
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0 && semctl(id, 0, GETVAL) == 0, "the child's semop went through");

  /* SEM_UNDO: undone when the child exits. */
  child = fork();
  if (child == 0) {
    struct sembuf add = {2, 5, SEM_UNDO};
    semop(id, &add, 1);
    _exit(semctl(id, 2, GETVAL) == 8 ? 0 : 1);
  }
  waitpid(child, &status, 0);
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child saw its +5");
  check(semctl(id, 2, GETVAL) == 3, "SEM_UNDO undone at its exit (%d)", semctl(id, 2, GETVAL));

  struct sembuf wait0 = {0, -1, IPC_NOWAIT};
  check(semop(id, &wait0, 1) == -1 && errno == EAGAIN, "IPC_NOWAIT: EAGAIN");
  wait0.sem_flg = 0;
  struct timespec t = {0, 50 * 1000 * 1000};
  check(semtimedop(id, &wait0, 1, &t) == -1 && errno == EAGAIN, "semtimedop times out: EAGAIN");
  handled = 0;
  alarm_in_50ms();
  check(semop(id, &wait0, 1) == -1 && errno == EINTR && handled == 1, "interrupted, SA_RESTART: EINTR");
  struct sembuf many[501];
  memset(many, 0, sizeof many);
  check(semop(id, many, 501) == -1 && errno == E2BIG, "501 operations: E2BIG");
  check(semop(id, (struct sembuf*)8, 1) == -1 && errno == EFAULT, "bad sembuf: EFAULT");
  check(semctl(id, 0, IPC_STAT, (void*)8) == -1 && errno == EFAULT, "IPC_STAT to a bad pointer: EFAULT");
  check(semctl(id, 0, 0x7777) == -1 && errno == EINVAL, "unknown command: EINVAL");
  check(semctl(id, 0, IPC_RMID) == 0, "IPC_RMID");
  check(semop(id, &op, 1) == -1 && errno == EINVAL, "removed: EINVAL");
}

struct message {
  long type;
  char text[32];
};

static void msg(void) {
  int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
  check(id >= 0, "msgget");
  struct message m = {1, "hello"}, n = {2, "world"}, got;
  check(msgsnd(id, &m, 6, 0) == 0 && msgsnd(id, &n, 6, 0) == 0, "msgsnd two types");
  memset(&got, 0, sizeof got);
  check(msgrcv(id, &got, sizeof got.text, 2, 0) == 6 && got.type == 2 && !strcmp(got.text, "world"), "msgrcv by type");
  struct msqid_ds ds;
  check(msgctl(id, IPC_STAT, &ds) == 0 && ds.msg_qnum == 1 && ds.msg_lspid == getpid() && ds.msg_lrpid == getpid(),
        "IPC_STAT: one left, the pids are ours");
  check(msgrcv(id, &got, 2, 0, 0) == -1 && errno == E2BIG, "too long: E2BIG");
  check(msgrcv(id, &got, 2, 0, MSG_NOERROR) == 2 && !memcmp(got.text, "he", 2), "MSG_NOERROR cuts it");
  check(msgrcv(id, &got, sizeof got.text, 0, IPC_NOWAIT) == -1 && errno == ENOMSG, "empty, IPC_NOWAIT: ENOMSG");
  pid_t child = fork();
  if (child == 0) {
    sleep_ms(100);
    struct message late = {3, "late"};
    _exit(msgsnd(id, &late, 5, 0) == 0 ? 0 : 1);
  }
  memset(&got, 0, sizeof got);
  check(msgrcv(id, &got, sizeof got.text, 3, 0) == 5 && !strcmp(got.text, "late"), "a receive waits for the child");
  waitpid(child, NULL, 0);
  handled = 0;
  alarm_in_50ms();
  check(msgrcv(id, &got, sizeof got.text, 0, 0) == -1 && errno == EINTR && handled == 1,
        "interrupted, SA_RESTART: EINTR");
  check(msgsnd(id, (void*)8, 4, 0) == -1 && errno == EFAULT, "bad message: EFAULT");
  check(msgctl(id, IPC_RMID, NULL) == 0, "IPC_RMID");
  check(msgsnd(id, &m, 6, 0) == -1 && errno == EINVAL, "removed: EINVAL");
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  shm();
  sem();
  msg();
  printf("%d failures\n", failures);
  return failures != 0;
}
