/* exit_codes.c: "exit_codes N exit" calls exit(N) (atexit handler runs, stdio is
 * flushed), "exit_codes N _exit" calls _exit(N) (handler must not run), and
 * "exit_codes abort" calls abort() (dies by SIGABRT, shell status 134). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void at_exit_handler(void) { printf("atexit handler ran\n"); }

int main(int argc, char **argv) {
  if (argc < 2) {
    printf("usage: exit_codes N [exit|_exit] | exit_codes abort\n");
    return 2;
  }
  atexit(at_exit_handler);
  if (strcmp(argv[1], "abort") == 0) {
    printf("calling abort()\n");
    fflush(stdout);
    abort();
  }
  int status = atoi(argv[1]);
  const char *how = argc > 2 ? argv[2] : "exit";
  printf("calling %s(%d); the shell sees %d\n", how, status, status & 0xff);
  if (strcmp(how, "_exit") == 0) {
    fflush(stdout); /* _exit skips stdio flushing and atexit handlers */
    _exit(status);
  }
  exit(status);
}
