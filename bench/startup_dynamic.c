// startup_dynamic: a dynamically linked hello world, for start-up time: the
// guest's own ld.so loads libc from the cross sysroot, relocates, runs main.
//
// usage: startup_dynamic [DIVISOR]   (ignored; the work is the start-up)
#include <stdio.h>

int main(void) {
  puts("startup_dynamic hello");
  return 0;
}
