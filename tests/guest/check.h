/* check.h: the one-line-per-check reporting the guest test programs share.
   check() prints "ok   <what>" or "FAIL <what>" and counts failures; the
   programs print the count at the end and exit 1 when it is not zero. */
#ifndef FERRY_TESTS_GUEST_CHECK_H_
#define FERRY_TESTS_GUEST_CHECK_H_

#include <stdarg.h>
#include <stdio.h>

static int failures;

static void check(int ok, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("%s ", ok ? "ok  " : "FAIL");
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  if (!ok) failures++;
}

#endif
