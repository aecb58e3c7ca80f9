/* test_exit N: exits with status N. Registered as a test that must fail, so
 * the build checks that the emulator passes a failing status through. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int status = argc > 1 ? atoi(argv[1]) : 1;
  printf("exiting with status %d\n", status);
  return status;
}
