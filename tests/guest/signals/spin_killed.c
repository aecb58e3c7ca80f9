/* spin_killed.c: a guest that computes forever without a syscall still dies
   at once of a signal whose default action terminates (the test sends
   SIGTERM from outside), as it would natively. */
#include <stdio.h>

int main(void) {
  printf("spinning\n");
  fflush(stdout);
  volatile unsigned long n = 0;
  for (;;) n++;
}
