// fork_exec: fork + execve + wait of a trivial program, 200 times.
//
// usage: fork_exec DIVISOR PROGRAM [ARGS...]: each child execs
// PROGRAM ARGS... child, which exits 7 at once (run as "fork_exec child").
// The runner names the program the way its users would exec it: the guest
// itself under ferry (ferry serves a guest's execve), qemu-user plus the
// guest under qemu (as binfmt_misc would run it), the host binary natively.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[argc - 1], "child") == 0) return 7;
  if (argc < 3) {
    fprintf(stderr, "usage: fork_exec DIVISOR PROGRAM [ARGS...]\n");
    return 2;
  }
  long divisor = atol(argv[1]);
  if (divisor < 1) divisor = 1;
  long runs = 200 / divisor, good = 0;
  char* child_argv[16];
  int n = 0;
  for (int i = 2; i < argc && n < 14; i++) child_argv[n++] = argv[i];
  child_argv[n++] = "child";
  child_argv[n] = NULL;
  for (long i = 0; i < runs; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      execv(child_argv[0], child_argv);
      _exit(127);
    }
    int status;
    if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7) good++;
  }
  printf("fork_exec runs %ld exited_7 %ld\n", runs, good);
  return good != runs;
}
