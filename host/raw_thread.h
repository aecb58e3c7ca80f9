// A host thread made by the host's clone3 itself, for what pthread_create
// cannot ask for: clone3's set_tid and CLONE_INTO_CGROUP (a guest thread
// created with them, threads.cc).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <vector>

namespace ferry {

// Where and as what a new host thread is made: the tids of clone3's set_tid
// (innermost pid namespace last, as the kernel reads them) and the cgroup
// (CLONE_INTO_CGROUP) a thread may be put in.
struct HostThreadPlacement {
  std::vector<pid_t> set_tid;
  bool into_cgroup = false;
  uint64_t cgroup = 0;

  bool Needed() const { return !set_tid.empty() || into_cgroup; }
};

// Runs fn(arg) on a new thread of this process, on `stack` (its lowest
// address, `stack_size` bytes), sharing the calling thread's TLS: the caller
// must touch nothing thread-local (errno included) until the new thread has
// ended, which the kernel signals by storing 0 at `*ended` (and a FUTEX_WAKE
// there). The thread ends with the host's exit when fn returns. Returns the
// new thread's tid, or -errno from clone3 (the kernel's own checks of the
// placement: EEXIST, EINVAL, EPERM, EBADF, EOPNOTSUPP, ...).
int64_t StartRawHostThread(const HostThreadPlacement& placement, void* stack, uint64_t stack_size,
                           volatile pid_t* ended, void (*fn)(void*), void* arg);

}  // namespace ferry
