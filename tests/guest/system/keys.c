/* keys.c: add_key, request_key and keyctl on the process keyring (this
   process's own, so nothing outlives it): read, describe, search, update,
   instantiate from an iovec, revoke, and the errors. */
#include <errno.h>
#include <linux/keyctl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"

static long add_key(const char* type, const char* desc, const void* payload, size_t len, long ring) {
  return syscall(SYS_add_key, type, desc, payload, len, ring);
}

int main(void) {
  long ring = KEY_SPEC_PROCESS_KEYRING;
  long id = add_key("user", "ferry:test", "payload", 7, ring);
  check(id > 0, "add_key");
  char buf[256] = {0};
  long n = syscall(SYS_keyctl, KEYCTL_READ, id, buf, sizeof buf);
  check(n == 7 && memcmp(buf, "payload", 7) == 0, "KEYCTL_READ: %ld bytes", n);
  n = syscall(SYS_keyctl, KEYCTL_READ, id, NULL, 0);
  check(n == 7, "KEYCTL_READ of no buffer gives the size");
  memset(buf, 0, sizeof buf);
  n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, id, buf, sizeof buf);
  const char* semi = strrchr(buf, ';');
  check(n > 0 && strncmp(buf, "user;", 5) == 0 && semi && strcmp(semi, ";ferry:test") == 0, "KEYCTL_DESCRIBE");
  check(syscall(SYS_keyctl, KEYCTL_SEARCH, ring, "user", "ferry:test", 0) == id, "KEYCTL_SEARCH finds it");
  check(syscall(SYS_request_key, "user", "ferry:test", NULL, ring) == id, "request_key finds it");
  check(syscall(SYS_keyctl, KEYCTL_UPDATE, id, "new", 3) == 0, "KEYCTL_UPDATE");
  memset(buf, 0, sizeof buf);
  check(syscall(SYS_keyctl, KEYCTL_READ, id, buf, sizeof buf) == 3 && strcmp(buf, "new") == 0, "reads the update");
  long caps = syscall(SYS_keyctl, KEYCTL_CAPABILITIES, buf, 2);
  check(caps == 2 || (caps == -1 && errno == EOPNOTSUPP), "KEYCTL_CAPABILITIES");
  long ring2 = add_key("keyring", "ferry:ring", NULL, 0, ring);
  check(ring2 > 0, "add_key of a keyring");
  check(syscall(SYS_keyctl, KEYCTL_LINK, id, ring2) == 0, "KEYCTL_LINK");
  long list[4] = {0};
  check(syscall(SYS_keyctl, KEYCTL_READ, ring2, list, sizeof list) == 4 && (int32_t)list[0] == (int32_t)id,
        "the keyring lists it");
  check(syscall(SYS_keyctl, KEYCTL_REVOKE, id) == 0, "KEYCTL_REVOKE");
  errno = 0;
  check(syscall(SYS_keyctl, KEYCTL_READ, id, buf, sizeof buf) == -1 && errno == EKEYREVOKED, "then reading: EKEYREVOKED");
  errno = 0;
  check(syscall(SYS_keyctl, KEYCTL_INSTANTIATE_IOV, id, NULL, 0, 0) == -1 && errno == EPERM,
        "KEYCTL_INSTANTIATE_IOV with no authority: EPERM");
  errno = 0;
  check(add_key("user", "x", (void*)8, 4, ring) == -1 && errno == EFAULT, "add_key from a bad payload: EFAULT");
  errno = 0;
  check(add_key((char*)8, "x", "p", 1, ring) == -1 && errno == EFAULT, "add_key with a bad type: EFAULT");
  errno = 0;
  check(add_key("no-such-type", "x", "p", 1, ring) == -1 && errno == ENODEV, "add_key of an unknown type: ENODEV");
  errno = 0;
  check(syscall(SYS_request_key, "user", "ferry:absent", NULL, ring) == -1 && errno == ENOKEY, "request_key of none: ENOKEY");
  errno = 0;
  check(syscall(SYS_keyctl, 9999, 0, 0, 0, 0) == -1 && errno == EOPNOTSUPP, "an unknown keyctl: EOPNOTSUPP");
  errno = 0;
  check(syscall(SYS_keyctl, KEYCTL_READ, 0x7ffffff0, buf, sizeof buf) == -1 && errno == ENOKEY, "a missing key: ENOKEY");
  printf("%d failures\n", failures);
  return failures != 0;
}
