/* probe.c: what an exec wrapper must pass through untouched.
   probe copy        stdin to stdout, byte for byte
   probe stderr TEXT TEXT to stderr only
   probe args ...    argv (argv[0] included) and FERRY_PROBE_* variables, escaped
   probe fd N        the contents of inherited descriptor N
   probe status N    exit with status N
   probe signal N    die by signal N (default action)
   probe cwd         the working directory and umask
   probe signals     which signals are ignored and which blocked at start */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void escaped(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20 || c >= 0x7f) printf("\\x%02x", c);
    else putchar(c);
  }
  putchar('"');
}

int main(int argc, char **argv, char **envp) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "copy") == 0) {
    char buf[65536];
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
      for (ssize_t done = 0; done < n;) {
        ssize_t w = write(1, buf + done, n - done);
        if (w <= 0) return 1;
        done += w;
      }
    }
    return n < 0;
  }
  if (strcmp(mode, "stderr") == 0 && argc > 2) {
    fputs(argv[2], stderr);
    return 0;
  }
  if (strcmp(mode, "args") == 0) {
    for (int i = 0; i < argc; i++) {
      printf("argv[%d]=", i);
      escaped(argv[i]);
      putchar('\n');
    }
    for (char **e = envp; *e; e++) {
      if (strncmp(*e, "FERRY_PROBE_", 12) == 0) {
        printf("env ");
        escaped(*e);
        putchar('\n');
      }
    }
    return 0;
  }
  if (strcmp(mode, "fd") == 0 && argc > 2) {
    char buf[256];
    ssize_t n = read(atoi(argv[2]), buf, sizeof buf);
    if (n < 0) return 1;
    fwrite(buf, 1, n, stdout);
    return 0;
  }
  if (strcmp(mode, "status") == 0 && argc > 2) return atoi(argv[2]);
  if (strcmp(mode, "signal") == 0 && argc > 2) {
    signal(atoi(argv[2]), SIG_DFL);
    raise(atoi(argv[2]));
    return 99;
  }
  if (strcmp(mode, "cwd") == 0) {
    char cwd[4096];
    mode_t mask = umask(0);
    printf("cwd %s umask %03o\n", getcwd(cwd, sizeof cwd) ? cwd : "?", (unsigned)mask);
    return 0;
  }
  if (strcmp(mode, "signals") == 0) {
    sigset_t blocked;
    sigprocmask(SIG_BLOCK, NULL, &blocked);
    for (int sig = 1; sig < 32; sig++) {
      if (sig == SIGKILL || sig == SIGSTOP) continue;
      struct sigaction sa;
      sigaction(sig, NULL, &sa);
      if (sa.sa_handler == SIG_IGN) printf("ignored %d\n", sig);
      if (sigismember(&blocked, sig)) printf("blocked %d\n", sig);
    }
    return 0;
  }
  fprintf(stderr, "usage: probe copy|stderr TEXT|args ...|fd N|status N|signal N|cwd|signals\n");
  return 2;
}
