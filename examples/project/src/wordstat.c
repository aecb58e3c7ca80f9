/* wordstat.c: see wordstat.h. */
#include "wordstat.h"

#include <ctype.h>
#include <string.h>

void wordstat_init(struct wordstat *ws) { memset(ws, 0, sizeof *ws); }

void wordstat_feed(struct wordstat *ws, const char *buf, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)buf[i];
    ws->bytes++;
    if (c == '\n') ws->lines++;
    if (isspace(c)) {
      ws->current = 0;
      continue;
    }
    if (ws->current++ == 0) ws->words++;
    if (ws->current > ws->longest) ws->longest = ws->current;
  }
}

struct wordstat wordstat_of(const char *text) {
  struct wordstat ws;
  wordstat_init(&ws);
  wordstat_feed(&ws, text, strlen(text));
  return ws;
}
