// pipe_pingpong: the guest half of ferry's blocking round-trip benchmark.
//
// Run by bench/driver (see driver.c), which passes a pipe to read from as
// fd 3 and a pipe to write to as fd 4. The program writes one ready byte,
// then echoes: read(3) one byte (usually blocking, since the driver sends the
// next byte only after the previous answer), write(4) that byte plus one.
// At EOF on fd 3 it prints the number of round trips and a checksum of the
// bytes it received, which the driver checks.
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  unsigned char c = 'R';
  if (write(4, &c, 1) != 1) {
    perror("pipe_pingpong: write");
    return 1;
  }
  long rounds = 0;
  uint64_t sum = 0;
  for (;;) {
    ssize_t r = read(3, &c, 1);
    if (r == 0) break;
    if (r < 0 && errno == EINTR) continue;
    if (r != 1) {
      perror("pipe_pingpong: read");
      return 1;
    }
    sum = sum * 31 + c;
    c = (unsigned char)(c + 1);
    if (write(4, &c, 1) != 1) {
      perror("pipe_pingpong: write");
      return 1;
    }
    rounds++;
  }
  printf("pipe_pingpong rounds %ld checksum %016llx\n", rounds, (unsigned long long)sum);
  return 0;
}
