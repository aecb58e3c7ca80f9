/* test_args: the emulator must hand the program its arguments and
 * environment unchanged. Run as: test_args "two words" "" last
 * with WORDSTAT_GREETING="hello ferry" in the environment. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wordstat.h"

int main(int argc, char **argv) {
  CHECK(argc == 4);
  if (argc != 4) return 1;
  CHECK(strcmp(argv[1], "two words") == 0);
  CHECK(strcmp(argv[2], "") == 0);
  CHECK(strcmp(argv[3], "last") == 0);
  CHECK(argv[argc] == NULL);
  CHECK(wordstat_of(argv[1]).words == 2);

  const char *greeting = getenv("WORDSTAT_GREETING");
  CHECK(greeting != NULL && strcmp(greeting, "hello ferry") == 0);
  printf("WORDSTAT_GREETING=%s\n", greeting ? greeting : "(unset)");

  if (check_failures == 0) printf("test_args: all checks passed\n");
  return check_failures != 0;
}
