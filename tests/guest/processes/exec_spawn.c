/* exec_spawn.c [child]: execve of another program keeps the pid and the
   descriptors; system() (posix_spawn, a vfork-style clone) runs a shell
   command; a child that execs this same program again reports back.
   "child" mode prints what it received and exits 5. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && strcmp(argv[1], "child") == 0) {
    printf("child: argc=%d argv[2]=%s env FERRY_EXEC_TEST=%s\n", argc, argc > 2 ? argv[2] : "-",
           getenv("FERRY_EXEC_TEST") ? getenv("FERRY_EXEC_TEST") : "(unset)");
    char c;
    printf("child: inherited fd 9 readable: %s\n", read(9, &c, 1) == 1 && c == 'k' ? "yes" : "no");
    return 5;
  }
  int status = system("echo shell says hello");
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "system() ran a shell command");

  int p[2];
  check(pipe(p) == 0 && dup2(p[0], 9) == 9, "pipe kept on fd 9 across exec");
  check(write(p[1], "k", 1) == 1, "byte waiting in the pipe");
  pid_t child = fork();
  if (child == 0) {
    char* args[] = {argv[0], "child", "second-arg", NULL};
    char* env[] = {"FERRY_EXEC_TEST=passed", NULL};
    execve("/proc/self/exe", args, env);
    printf("execve failed: %s\n", strerror(errno));
    _exit(1);
  }
  int st = 0;
  waitpid(child, &st, 0);
  check(WIFEXITED(st) && WEXITSTATUS(st) == 5, "exec'd child exited 5");
  errno = 0;
  check(execl("/nonexistent/program", "x", (char*)NULL) == -1 && errno == ENOENT,
        "execve of a missing program fails with ENOENT and returns");
  printf("%d failure(s)\n", failures);
  return failures != 0;
}
