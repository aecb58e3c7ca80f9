#include "runtime/vfork.h"

#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>

#include <new>

#include "host/host_syscall.h"

namespace ferry {

VforkDone* NewVforkDone() {
  void* page = mmap(nullptr, sizeof(VforkDone), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return page == MAP_FAILED ? nullptr : new (page) VforkDone;
}

void FreeVforkDone(VforkDone* done) { munmap(done, sizeof(VforkDone)); }

void WaitForVforkChild(VforkDone* done, pid_t child) {
  // A child that dies without releasing us (SIGKILL) is noticed by polling
  // it between timed waits; every other end releases at once.
  constexpr long kPollNs = 20 * 1000 * 1000;
  while (!done->released.load()) {
    struct timespec poll_after = {0, kPollNs};
    HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(&done->released), FUTEX_WAIT, 0,
                reinterpret_cast<uint64_t>(&poll_after));
    if (done->released.load()) return;
    siginfo_t info{};
    int64_t r = HostSyscall(SYS_waitid, P_PID, child, reinterpret_cast<uint64_t>(&info),
                            WEXITED | WNOHANG | WNOWAIT, 0);
    if (r < 0 || info.si_pid == child) return;  // gone (or reaped by the kernel: SIGCHLD ignored)
  }
}

void ReleaseVforkParent(Task& task) {
  if (!task.vfork_parent) return;
  // Only the bytes the child changed: the parent's other threads may have
  // written elsewhere in the same pages meanwhile.
  for (auto& [page, before] : task.vfork_written) {
    if (!(task.memory.PageState(page) & kPageMapped)) continue;
    const uint8_t* now = static_cast<const uint8_t*>(task.memory.Host(page));
    for (uint64_t at = 0; at < kPageSize;) {
      if (now[at] == before[at]) {
        ++at;
        continue;
      }
      uint64_t end = at;
      while (end < kPageSize && now[end] != before[end]) ++end;
      struct iovec local = {const_cast<uint8_t*>(now + at), end - at}, remote = local;
      process_vm_writev(task.vfork_parent, &local, 1, &remote, 1, 0);
      at = end;
    }
  }
  task.vfork_written.clear();
  if (VforkDone* done = task.vfork_done) {
    done->released.store(1);
    HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(&done->released), FUTEX_WAKE, 1);
    FreeVforkDone(done);
  }
  task.vfork_done = nullptr;
  task.vfork_parent = 0;
}

}  // namespace ferry
