// --seed: getrandom and reads of /dev/urandom and /dev/random come from the
// process's seeded stream (config/random_stream.h). A descriptor is known by
// its device, not by how it was opened, so dup, fork, execve and
// /proc/self/fd/N keep it seeded with no bookkeeping. Unseeded, every call
// goes to the host as before.
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cerrno>

#include "config/random_stream.h"
#include "host/host_syscall.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {

// The kernel's cap on one read of the random devices and one getrandom.
constexpr uint64_t kMaxRandomRead = (1u << 25) - 1;

}  // namespace

bool ReadsSeededRandom(int64_t fd) {
  if (!RandomStreamSeeded()) return false;
  struct stat st;
  if (HostSyscall(SYS_fstat, fd, reinterpret_cast<uint64_t>(&st)) != 0) return false;
  // drivers/char/mem.c: 1:8 random, 1:9 urandom.
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || (minor(st.st_rdev) != 8 && minor(st.st_rdev) != 9)) {
    return false;
  }
  // Not readable (write-only, O_PATH): the host's read gives the errno.
  int64_t flags = HostSyscall(SYS_fcntl, fd, F_GETFL);
  return flags >= 0 && !(flags & O_PATH) && (flags & O_ACCMODE) != O_WRONLY;
}

int64_t ReadSeededRandom(Task& task, uint64_t g, uint64_t len) {
  len = std::min(len, kMaxRandomRead);
  uint8_t chunk[4096];
  uint64_t done = 0;
  while (done < len) {
    uint64_t n = std::min<uint64_t>(sizeof chunk, len - done);
    NextRandomBytes(chunk, n);
    // A fault after some bytes returns what was copied, as the kernel does.
    if (!task.memory.Write(g + done, chunk, n)) return done ? static_cast<int64_t>(done) : -EFAULT;
    done += n;
  }
  return static_cast<int64_t>(done);
}

int64_t SysGetrandom(Task& task, const SyscallArgs& a) {
  if (!RandomStreamSeeded()) return HostCallAs(task, a, SYS_getrandom);
  uint64_t flags = a.raw[2];
  if (flags & ~uint64_t{GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE}) return -EINVAL;
  if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM)) return -EINVAL;
  return ReadSeededRandom(task, a.raw[0], a.raw[1]);
}

// The random devices ignore the offset (a negative one is still EINVAL).
int64_t SysPread64(Task& task, const SyscallArgs& a) {
  if (ReadsSeededRandom(static_cast<int64_t>(a.raw[0]))) {
    if (static_cast<int64_t>(a.raw[3]) < 0) return -EINVAL;
    return ReadSeededRandom(task, a.raw[1], a.raw[2]);
  }
  return HostCallAs(task, a, SYS_pread64);
}

}  // namespace ferry
