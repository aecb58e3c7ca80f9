/* record_lock.c: a POSIX record lock taken with F_SETLKW belongs to the
   guest's own process: F_GETLK from the same process sees no conflict (a lock
   held by any other process, such as an emulator's helper, would show up
   with that process's pid), and F_SETLK from it re-locks freely. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

int main(void) {
  char path[] = "/tmp/ferry-lock-XXXXXX";
  int fd = mkstemp(path);
  check(fd >= 0, "mkstemp");
  struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 100};
  check(fcntl(fd, F_SETLKW, &lock) == 0, "F_SETLKW write lock on bytes 0..99");
  struct flock probe = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 100};
  check(fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type == F_UNLCK,
        "F_GETLK sees no conflicting lock (the lock is this process's own)");
  struct flock again = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 10};
  check(fcntl(fd, F_SETLK, &again) == 0, "F_SETLK converts part of it to a read lock");
  struct flock unlock = {.l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
  check(fcntl(fd, F_SETLKW, &unlock) == 0, "F_SETLKW unlock");
  close(fd);
  unlink(path);
  printf("%d failure(s)\n", failures);
  return failures != 0;
}
