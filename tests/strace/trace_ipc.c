/* trace_ipc.c: System V IPC (msg*, sem*, shm*) and POSIX message queue
   (mq_*) calls with deterministic arguments, traced by the real strace
   natively and by ferry --strace (tests/strace/compare.sh): keys, flags,
   commands, sembuf arrays, message sizes and types, the *id_ds and *info
   structs of the ctl calls (IPC_STAT, IPC_SET, IPC_INFO, MSG_INFO,
   SEM_INFO, SHM_INFO), mq_attr, struct sigevent (mq_notify, timer_create),
   and failures. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <mqueue.h>
#include <signal.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

union semun {
  int val;
  struct semid_ds* buf;
  unsigned short* array;
  struct seminfo* info;
};

/* The queue's name: "/ferry-trace-ipc-" and the name of the directory
   above the working one, which compare.sh makes anew for each test and
   shares between its native and ferry runs (the four builds' tests may run
   at once). */
static void queue_name(char* name, size_t size) {
  char cwd[512] = "";
  getcwd(cwd, sizeof cwd);
  char* end = strrchr(cwd, '/');
  if (end) *end = 0;
  char* parent = strrchr(cwd, '/');
  snprintf(name, size, "/ferry-trace-ipc-%s", parent ? parent + 1 : "");
}

struct message {
  long type;
  char text[16];
};

int main(void) {
  write(1, "BEGIN\n", 6);
  int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
  struct message m = {7, "hello"};
  msgsnd(q, &m, 6, 0);
  msgsnd(q, &m, 6, IPC_NOWAIT);
  msgrcv(q, &m, sizeof m.text, 7, 0);
  msgrcv(q, &m, sizeof m.text, 9, IPC_NOWAIT);
  msgrcv(q, &m, sizeof m.text, 0, IPC_NOWAIT | MSG_NOERROR);
  struct msqid_ds md;
  msgctl(q, IPC_STAT, &md);
  md.msg_qbytes = 1000;
  md.msg_perm.mode = 0640;
  msgctl(q, IPC_SET, &md);
  msgctl(q, IPC_STAT, (struct msqid_ds*)16);
  struct msginfo mi;
  msgctl(0, IPC_INFO, (struct msqid_ds*)&mi);
  msgctl(0, MSG_INFO, (struct msqid_ds*)&mi);
  msgctl(q, IPC_RMID, NULL);
  msgget(0x1234abcd, 0);
  msgsnd(q, &m, 6, MSG_NOERROR | IPC_NOWAIT);
  msgsnd(-1, (void*)16, 6, 0);

  int s = semget(IPC_PRIVATE, 2, IPC_CREAT | IPC_EXCL | 0640);
  struct sembuf ops[2] = {{0, 1, 0}, {1, 2, SEM_UNDO}};
  semop(s, ops, 2);
  struct sembuf down = {0, -5, IPC_NOWAIT};
  semop(s, &down, 1);
  semctl(s, 0, GETVAL);
  semctl(s, 1, SETVAL, 3);
  semctl(s, 0, GETNCNT);
  struct sembuf both = {1, 0, SEM_UNDO | IPC_NOWAIT};
  struct timespec none = {0, 0};
  semtimedop(s, &both, 1, &none);
  struct semid_ds sd;
  union semun u = {.buf = &sd};
  semctl(s, 0, IPC_STAT, u);
  sd.sem_perm.mode = 0604;
  semctl(s, 0, IPC_SET, u);
  u.buf = (struct semid_ds*)16;
  semctl(s, 0, IPC_STAT, u);
  struct seminfo si;
  u.info = &si;
  semctl(0, 0, IPC_INFO, u);
  semctl(0, 0, SEM_INFO, u);
  unsigned short values[2] = {5, 6};
  u.array = values;
  semctl(s, 0, SETALL, u);
  semctl(s, 0, GETALL, u);
  semctl(s, 0, IPC_RMID);

  int id = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
  int unnamed = shmget(IPC_PRIVATE, 4096, 0);
  void* at = shmat(id, NULL, SHM_RDONLY);
  struct shmid_ds shd;
  shmctl(id, IPC_STAT, &shd);
  shd.shm_perm.mode = 0640;
  shmctl(id, IPC_SET, &shd);
  struct shminfo shi;
  shmctl(0, IPC_INFO, (struct shmid_ds*)&shi);
  struct shm_info sinfo;
  shmctl(0, SHM_INFO, (struct shmid_ds*)&sinfo);
  shmctl(id, SHM_LOCK, NULL);
  shmdt(at);
  shmat(-1, NULL, SHM_RND | SHM_EXEC | SHM_REMAP);
  shmctl(id, IPC_RMID, NULL);
  shmctl(unnamed, IPC_RMID, NULL);
  shmctl(-1, IPC_RMID, NULL);

  char name[128];
  queue_name(name, sizeof name);
  struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 32};
  mq_unlink(name);
  mqd_t mq = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
  mq_send(mq, "queued", 6, 3);
  char buf[32];
  unsigned prio;
  mq_receive(mq, buf, sizeof buf, &prio);
  struct timespec past = {1, 0};
  mq_timedreceive(mq, buf, sizeof buf, &prio, &past);
  struct mq_attr now, nb = {.mq_flags = O_NONBLOCK};
  mq_getattr(mq, &now);
  mq_setattr(mq, &nb, &now);
  mq_receive(mq, buf, 8, &prio);
  struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
  ev.sigev_value.sival_int = 42;
  mq_notify(mq, &ev);
  mq_notify(mq, NULL);
  struct sigevent quiet = {.sigev_notify = SIGEV_NONE};
  mq_notify(mq, &quiet);
  mq_notify(mq, NULL);
  close(mq);
  mq_unlink(name);
  mq_open("/ferry-missing", O_RDONLY);

  /* timer_create's struct sigevent by notification method. */
  timer_t timer;
  struct sigevent tev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2};
  tev.sigev_value.sival_int = 7;
  timer_create(CLOCK_MONOTONIC, &tev, &timer);
  tev.sigev_notify = SIGEV_NONE;
  timer_create(CLOCK_REALTIME, &tev, &timer);
  tev.sigev_notify = SIGEV_THREAD_ID;
  tev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
  timer_create(CLOCK_BOOTTIME, &tev, &timer);
  syscall(SYS_timer_create, CLOCK_REALTIME, NULL, &timer);
  tev.sigev_value.sival_int = 0;
  tev.sigev_notify = 77;
  syscall(SYS_timer_create, CLOCK_REALTIME, &tev, &timer);
  syscall(SYS_timer_create, CLOCK_REALTIME, (void*)16, &timer);
  write(1, "END\n", 4);
  return 0;
}
