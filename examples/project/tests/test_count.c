/* test_count: wordstat's counts on fixed texts, and feeding a text in two
 * pieces split at every position gives the same counts as feeding it whole. */
#include <string.h>

#include "check.h"
#include "wordstat.h"

static int same(struct wordstat a, struct wordstat b) {
  return a.lines == b.lines && a.words == b.words && a.bytes == b.bytes && a.longest == b.longest;
}

int main(void) {
  struct wordstat ws = wordstat_of("");
  CHECK(ws.lines == 0 && ws.words == 0 && ws.bytes == 0 && ws.longest == 0);

  ws = wordstat_of("hello world\n");
  CHECK(ws.lines == 1);
  CHECK(ws.words == 2);
  CHECK(ws.bytes == 12);
  CHECK(ws.longest == 5);

  ws = wordstat_of("  tabs\tand   spaces\n\nno-newline-at-end");
  CHECK(ws.lines == 2);
  CHECK(ws.words == 4);
  CHECK(ws.longest == 17);

  const char *text = "one two\nthree  four\tfive\n";
  struct wordstat whole = wordstat_of(text);
  CHECK(whole.words == 5 && whole.lines == 2 && whole.longest == 5);
  for (size_t cut = 0; cut <= strlen(text); cut++) {
    struct wordstat parts;
    wordstat_init(&parts);
    wordstat_feed(&parts, text, cut);
    wordstat_feed(&parts, text + cut, strlen(text) - cut);
    CHECK(same(parts, whole));
  }

  if (check_failures == 0) printf("test_count: all checks passed\n");
  return check_failures != 0;
}
