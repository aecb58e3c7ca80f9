/* wordstat [--expect-words N] [FILE]: prints "lines=L words=W bytes=B
 * longest=N" for FILE (or standard input when FILE is absent or "-").
 * With --expect-words N, exits 1 unless the text has N words. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wordstat.h"

int main(int argc, char **argv) {
  long expect = -1;
  int i = 1;
  if (i + 1 < argc && strcmp(argv[i], "--expect-words") == 0) {
    char *end;
    expect = strtol(argv[i + 1], &end, 10);
    if (*argv[i + 1] == '\0' || *end != '\0' || expect < 0) {
      fprintf(stderr, "wordstat: --expect-words needs a count, not '%s'\n", argv[i + 1]);
      return 2;
    }
    i += 2;
  }
  if (argc - i > 1) {
    fprintf(stderr, "usage: wordstat [--expect-words N] [FILE]\n");
    return 2;
  }
  const char *path = i < argc ? argv[i] : "-";
  FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!in) {
    fprintf(stderr, "wordstat: %s: %s\n", path, strerror(errno));
    return 1;
  }

  struct wordstat ws;
  wordstat_init(&ws);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) wordstat_feed(&ws, buf, n);
  if (ferror(in)) {
    fprintf(stderr, "wordstat: %s: read error\n", path);
    return 1;
  }
  printf("lines=%lu words=%lu bytes=%lu longest=%lu\n", ws.lines, ws.words, ws.bytes, ws.longest);
  if (expect >= 0 && (unsigned long)expect != ws.words) {
    fprintf(stderr, "wordstat: expected %ld words, counted %lu\n", expect, ws.words);
    return 1;
  }
  return 0;
}
