/* trace_ipc.c: System V IPC (msg*, sem*, shm*) and POSIX message queue
   (mq_*) calls with deterministic arguments, traced by the real strace
   natively and by ferry --strace (tests/strace/compare.sh): keys, flags,
   commands, sembuf arrays, message sizes and types, mq_attr, and failures. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mqueue.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
  msgctl(q, IPC_RMID, NULL);
  msgget(0x1234abcd, 0);

  int s = semget(IPC_PRIVATE, 2, IPC_CREAT | IPC_EXCL | 0640);
  struct sembuf ops[2] = {{0, 1, 0}, {1, 2, SEM_UNDO}};
  semop(s, ops, 2);
  struct sembuf down = {0, -5, IPC_NOWAIT};
  semop(s, &down, 1);
  semctl(s, 0, GETVAL);
  semctl(s, 1, SETVAL, 3);
  semctl(s, 0, IPC_RMID);

  int id = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
  shmget(IPC_PRIVATE, 4096, 0);
  shmctl(id, IPC_RMID, NULL);
  shmctl(-1, IPC_RMID, NULL);

  struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 32};
  mq_unlink("/ferry-trace-ipc");
  mqd_t mq = mq_open("/ferry-trace-ipc", O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
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
  close(mq);
  mq_unlink("/ferry-trace-ipc");
  mq_open("/ferry-missing", O_RDONLY);
  write(1, "END\n", 4);
  return 0;
}
