/* vfork_threads.c: a vfork child's store reaches the parent while another
   parent thread keeps writing the same page: the child's flag arrives and
   none of the other thread's increments is lost (ferry copies back only
   the bytes the child changed). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct {
  volatile long counter;
  volatile int child_flag;
} __attribute__((aligned(4096))) shared;
static volatile long shadow __attribute__((aligned(4096)));
static volatile int stop;

static void* spinner(void* unused) {
  (void)unused;
  while (!stop) {
    shared.counter++;
    shadow++;
    if ((shadow & 1023) == 0) sched_yield();
  }
  return NULL;
}

int main(void) {
  alarm(20);
  pthread_t t;
  pthread_create(&t, NULL, spinner, NULL);
  usleep(50000);
  pid_t pid = vfork();
  if (pid == 0) {
    shared.child_flag = 1;
    struct timespec pause_100ms = {0, 100000000};
    nanosleep(&pause_100ms, NULL); /* the parent's other thread runs on meanwhile */
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  usleep(50000);
  stop = 1;
  pthread_join(t, NULL);
  printf("child's store arrived: %s\n", shared.child_flag == 1 ? "yes" : "no");
  printf("no increment lost: %s\n", shared.counter == shadow ? "yes" : "no");
  return !(shared.child_flag == 1 && shared.counter == shadow);
}
