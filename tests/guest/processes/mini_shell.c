/* mini_shell.c: a tiny shell running a built-in script by fork, execve,
   pipe, dup2 and waitpid, with redirections (<, >, >>) into files of a
   mkdtemp directory and pipelines of up to four processes. Each command is
   this same program (argv[0]) in another mode:
     emit N     prints N numbered lines     upper   copies stdin in upper case
     count      prints stdin's line and byte counts
     first      prints stdin's first line   fail K  reads stdin, exits K
   The shell echoes each line and then every process's status, in pipeline
   order; a pipeline whose reader quits early ends its writer with SIGPIPE.
   All guest processes: the emulator must fork and exec itself, hand on
   descriptors, and report exit statuses and signal deaths. A descriptor
   leaked into the wrong process would keep a pipe open and hang the shell. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static const char* script[] = {
    "emit 3",
    "emit 5 > out.txt",
    "upper < out.txt",
    "emit 2 >> out.txt",
    "count < out.txt",
    "emit 4 | upper | count",
    "emit 3 | upper | upper | first",
    "emit 6 | upper > up.txt",
    "upper < up.txt | count > counted.txt",
    "upper < counted.txt",
    "fail 3",
    "emit 2 | fail 4",
    "fail 5 | count",
    "emit 100000 | first",
    "upper < missing.txt",
    "nosuch command",
    NULL,
};

/* The commands. */
static int command(int argc, char** argv) {
  const char* cmd = argv[1];
  int c;
  if (strcmp(cmd, "emit") == 0 && argc > 2) {
    int n = atoi(argv[2]);
    for (int i = 1; i <= n; i++) printf("line %d of %d\n", i, n);
    return 0;
  }
  if (strcmp(cmd, "upper") == 0) {
    while ((c = getchar()) != EOF) putchar(toupper(c));
    return 0;
  }
  if (strcmp(cmd, "count") == 0) {
    long lines = 0, bytes = 0;
    while ((c = getchar()) != EOF) {
      bytes++;
      if (c == '\n') lines++;
    }
    printf("%ld lines, %ld bytes\n", lines, bytes);
    return 0;
  }
  if (strcmp(cmd, "first") == 0) {
    char line[256];
    if (fgets(line, sizeof line, stdin)) fputs(line, stdout);
    return 0;
  }
  if (strcmp(cmd, "fail") == 0 && argc > 2) {
    while (getchar() != EOF) {
    }
    return atoi(argv[2]);
  }
  printf("unknown command: %s\n", cmd);
  return 127;
}

struct stage {
  char* argv[8];
  int argc;
  const char *in, *out;
  int append;
};

static const char* self;
static char dir[64];

static void path_in_dir(char* buf, size_t size, const char* name) { snprintf(buf, size, "%s/%s", dir, name); }

/* In the child: applies a stage's redirections and execs it. */
static void exec_stage(struct stage* s) {
  char path[128];
  if (s->in) {
    path_in_dir(path, sizeof path, s->in);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
      printf("mini_shell: %s: %s\n", s->in, strerror(errno));
      _exit(1);
    }
    dup2(fd, 0);
    close(fd);
  }
  if (s->out) {
    path_in_dir(path, sizeof path, s->out);
    int fd = open(path, O_WRONLY | O_CREAT | (s->append ? O_APPEND : O_TRUNC), 0644);
    if (fd < 0) {
      printf("mini_shell: %s: %s\n", s->out, strerror(errno));
      _exit(1);
    }
    dup2(fd, 1);
    close(fd);
  }
  char* argv[10] = {(char*)self};
  for (int i = 0; i < s->argc; i++) argv[i + 1] = s->argv[i];
  execv(self, argv);
  printf("mini_shell: execv: %s\n", strerror(errno));
  _exit(126);
}

static void run_line(const char* line) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", line);
  struct stage stages[4];
  int n = 1;
  memset(stages, 0, sizeof stages);
  for (char* tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
    struct stage* s = &stages[n - 1];
    if (strcmp(tok, "|") == 0 && n < 4) n++;
    else if (strcmp(tok, "<") == 0) s->in = strtok(NULL, " ");
    else if (strcmp(tok, ">") == 0 || strcmp(tok, ">>") == 0) {
      s->append = tok[1] == '>';
      s->out = strtok(NULL, " ");
    } else if (s->argc < 7) s->argv[s->argc++] = tok;
  }
  printf("$ %s\n", line);
  pid_t pids[4];
  int prev_read = -1;
  for (int i = 0; i < n; i++) {
    int p[2] = {-1, -1};
    if (i < n - 1 && pipe(p) != 0) {
      printf("mini_shell: pipe: %s\n", strerror(errno));
      return;
    }
    pids[i] = fork();
    if (pids[i] == 0) {
      if (prev_read >= 0) {
        dup2(prev_read, 0);
        close(prev_read);
      }
      if (p[1] >= 0) {
        dup2(p[1], 1);
        close(p[1]);
        close(p[0]);
      }
      exec_stage(&stages[i]);
    }
    if (prev_read >= 0) close(prev_read);
    if (p[1] >= 0) close(p[1]);
    prev_read = p[0];
  }
  int status[4];
  for (int i = 0; i < n; i++)
    if (waitpid(pids[i], &status[i], 0) != pids[i]) status[i] = -1;
  /* Only now, with every command of the line gone, may the shell print. */
  printf("[status");
  for (int i = 0; i < n; i++) {
    int st = status[i];
    if (st == -1) printf(" lost");
    else if (WIFEXITED(st)) printf(" exit %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf(" signal %s", WTERMSIG(st) == SIGPIPE ? "SIGPIPE" : "other");
    else printf(" ?");
  }
  printf("]\n");
}

static int compare_names(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

int main(int argc, char** argv) {
  if (argc > 1) return command(argc, argv);
  setvbuf(stdout, NULL, _IONBF, 0);
  alarm(30); /* a hang fails fast (SIGALRM) instead of at the harness timeout */
  signal(SIGPIPE, SIG_DFL); /* inherited by the commands */
  int null = open("/dev/null", O_RDONLY); /* what a pipeline's first command reads */
  if (null > 0) {
    dup2(null, 0);
    close(null);
  }
  self = argv[0];
  snprintf(dir, sizeof dir, "mini_shell.XXXXXX");
  if (!mkdtemp(dir)) {
    printf("mkdtemp: %s\n", strerror(errno));
    return 2;
  }
  for (int i = 0; script[i]; i++) run_line(script[i]);

  DIR* d = opendir(dir);
  char* names[16];
  int count = 0;
  struct dirent* e;
  while (d && (e = readdir(d)) != NULL)
    if (e->d_name[0] != '.' && count < 16) names[count++] = strdup(e->d_name);
  if (d) closedir(d);
  qsort(names, count, sizeof *names, compare_names);
  printf("files left by the script:");
  int removed = 1;
  for (int i = 0; i < count; i++) {
    char path[128];
    printf(" %s", names[i]);
    path_in_dir(path, sizeof path, names[i]);
    if (unlink(path) != 0) removed = 0;
    free(names[i]);
  }
  printf("\n");
  check(removed && rmdir(dir) == 0, "files and the temporary directory removed");
  int st;
  check(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, "every child reaped");
  printf("%d failure(s)\n", failures);
  return failures != 0;
}
