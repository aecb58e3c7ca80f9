/* check.h: CHECK(cond) prints the failed condition and counts it; tests end
 * with `return check_failures != 0;` so a failure is a non-zero exit status. */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>

static int check_failures;

#define CHECK(cond)                                                  \
  do {                                                               \
    if (!(cond)) {                                                   \
      printf("%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      check_failures++;                                              \
    }                                                                \
  } while (0)

#endif
