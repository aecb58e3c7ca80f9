// vfork as a fork whose parent waits. The kernel suspends a vfork parent
// until its child execs or exits; ferry's child is a host fork, so the
// parent sleeps on a word in a page shared only by the two ferries (the
// guest cannot see, close or unmap it, unlike a descriptor: Python's
// child closes every descriptor above 2 before it execs, and a forked
// grandchild would inherit one).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>

#include "runtime/task.h"

namespace ferry {

struct VforkDone {
  std::atomic<uint32_t> released{0};
};

// A fresh shared word, before the fork (null when out of memory).
VforkDone* NewVforkDone();
void FreeVforkDone(VforkDone* done);

// In the parent: returns once the child released it, or died without
// doing so (killed by SIGKILL, say). Host signals arriving meanwhile are
// queued for the guest and delivered after, as a vfork parent takes them
// only when it runs again.
void WaitForVforkChild(VforkDone* done, pid_t child);

// In a vfork child, before it execs or exits: the bytes it stored are
// copied into the parent (same layout, being its fork), then the parent
// runs on. Writes a host syscall made into guest memory are not tracked.
// Nothing for other processes.
void ReleaseVforkParent(Task& task);

}  // namespace ferry
