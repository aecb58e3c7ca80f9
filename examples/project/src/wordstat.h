/* wordstat.h: counts lines, words and bytes of a text, and the longest word,
 * the way `wc` does (a word is a run of non-space bytes). Text can arrive in
 * pieces: feeding "ab" then "c" counts one word of three bytes. */
#ifndef WORDSTAT_H
#define WORDSTAT_H

#include <stddef.h>

struct wordstat {
  unsigned long lines;   /* newline bytes */
  unsigned long words;
  unsigned long bytes;
  unsigned long longest; /* bytes in the longest word */
  unsigned long current; /* bytes of the word being read; 0 between words */
};

void wordstat_init(struct wordstat *ws);
void wordstat_feed(struct wordstat *ws, const char *buf, size_t len);
/* wordstat_init + wordstat_feed of a whole C string. */
struct wordstat wordstat_of(const char *text);

#endif
