/* debugee.c: what the gdb tests debug: three frames (main, twice, square),
   a global written twice, a local; with "spin" it loops until gdb interrupts
   and sets `stop`; with "segv" it writes through a null pointer; with
   "read" it blocks reading stdin and prints what it read. Built -g -O0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int counter = 0;
volatile int stop = 0;

static int square(int x) {
  int y = x * x;
  return y;
}

static int twice(int x) {
  int a = square(x);
  return a + square(x);
}

int main(int argc, char **argv) {
  int local = 7;
  if (argc > 1 && strcmp(argv[1], "spin") == 0) {
    while (!stop) counter++;
    write(1, "stopped spinning\n", 17);
    return 0;
  }
  if (argc > 1 && strcmp(argv[1], "segv") == 0) {
    *(volatile int *)0 = 1;
    return 1;
  }
  if (argc > 1 && strcmp(argv[1], "read") == 0) {
    char buf[64];
    ssize_t n = read(0, buf, sizeof buf);
    printf("read %zd: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    return 0;
  }
  counter = twice(local);
  counter += 1;
  write(1, "done\n", 5);
  return counter == 99 ? 0 : 3;
}
