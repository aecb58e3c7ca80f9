/* argv_env.c: echoes argc and argv[1..] (argv[0] differs between hosts, so only
 * whether it is non-empty), and for each argument "env:NAME" the value of NAME.
 * The argument "argv0" prints argv[0] itself (for ferry's -0 test).
 * Exits with status argc-1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  printf("argv[0] non-empty: %s\n", argv[0] && argv[0][0] ? "yes" : "no");
  for (int i = 1; i < argc; i++)
    printf("argv[%d]=\"%s\" (len %zu)\n", i, argv[i], strlen(argv[i]));
  printf("argv[argc] is NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "argv0") == 0) printf("argv[0]=\"%s\"\n", argv[0]);
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], "env:", 4) != 0) continue;
    const char *v = getenv(argv[i] + 4);
    if (v)
      printf("env %s=\"%s\"\n", argv[i] + 4, v);
    else
      printf("env %s (unset)\n", argv[i] + 4);
  }
  return argc - 1; /* exit status = number of arguments */
}
