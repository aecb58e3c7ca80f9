// The guest's signalfd: see signalfd.h. Mirrors the kernel's
// fs/signalfd.c: SIGKILL and SIGSTOP never enter a mask; a read takes as
// many 128-byte records as fit and signals are pending, blocks for the first
// unless O_NONBLOCK, and a guest signal that would act interrupts the wait
// with -ERESTARTSYS.
#include "runtime/signalfd.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

#include "host/host_syscall.h"
#include "restart/restart.h"
#include "runtime/signals.h"

namespace ferry {
namespace {

constexpr int kMaxSignalfds = 64;
constexpr int kOwnFdFloor = 900;  // ferry's own pipe ends, out of the guest's way (as the tracer's)

struct SignalfdEntry {
  std::atomic<uint64_t> ino{0};  // the pipe's inode, the signalfd's identity; 0: a free entry
  std::atomic<uint64_t> dev{0};
  std::atomic<uint64_t> mask{0};  // guest sigset, bit sig-1
  std::atomic<int> read_fd{-1};   // ferry's own descriptor of the read end (for draining)
  std::atomic<int> write_fd{-1};  // ... and of the write end, O_NONBLOCK
  uint64_t old_ino = 0, old_dev = 0;  // AdoptSignalfds: the pipe the guest's descriptors had before the execve
};

SignalfdEntry g_signalfds[kMaxSignalfds];
// Each thread slot's wake pipe (ThreadSignalfdWakeFd), ferry's own ends.
struct WakePipe {
  std::atomic<int> read_fd{-1};
  std::atomic<int> write_fd{-1};
};
WakePipe g_wake_pipes[kMaxThreads];
std::atomic<int> g_signalfd_count{0};
std::atomic<bool> g_signalfd_in_epoll{false};
std::mutex g_signalfd_lock;  // creation, mask changes, drains, renewal after fork

uint64_t PendingAnywhere(const Process& process) {
  uint64_t pending = process.pending.Mask();
  for (const ThreadSlot& slot : process.slots) {
    if (slot.tid.load(std::memory_order_relaxed)) pending |= slot.pending.Mask();
  }
  return pending;
}

int64_t Queued(int fd) {
  int n = 0;
  return HostSyscall(SYS_ioctl, fd, FIONREAD, reinterpret_cast<uint64_t>(&n)) == 0 ? n : 0;
}

void MakeReadable(SignalfdEntry& e) {
  char byte = 0;
  HostSyscall(SYS_write, e.write_fd.load(), reinterpret_cast<uint64_t>(&byte), 1);
}

// Precondition: g_signalfd_lock held.
void SyncLocked(const Process& process, SignalfdEntry& e) {
  if (!e.ino.load()) return;
  if (!(PendingAnywhere(process) & e.mask.load())) {
    char sink[4096];
    int fd = e.read_fd.load();
    for (int64_t n = Queued(fd); n > 0; n = Queued(fd)) {
      if (HostSyscall(SYS_read, fd, reinterpret_cast<uint64_t>(sink), std::min<int64_t>(n, sizeof sink)) <= 0) break;
    }
    // A signal that came meanwhile may have had its byte drained above.
    if (!(PendingAnywhere(process) & e.mask.load())) return;
  }
  if (Queued(e.read_fd.load()) == 0) MakeReadable(e);
}

SignalfdEntry* Find(int fd) {
  if (!g_signalfd_count.load()) return nullptr;
  struct stat st;
  if (HostSyscall(SYS_fstat, fd, reinterpret_cast<uint64_t>(&st)) != 0 || !S_ISFIFO(st.st_mode)) return nullptr;
  for (SignalfdEntry& e : g_signalfds) {
    if (e.ino.load() == st.st_ino && e.dev.load() == st.st_dev) return &e;
  }
  return nullptr;
}

int HighDup(int fd) {
  int high = static_cast<int>(HostSyscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, kOwnFdFloor));
  HostSyscall(SYS_close, fd);
  return high;
}

// Calls `fn(fd)` for each guest descriptor of the pipe `ino`/`dev`, whose
// ends `own_read`/`own_write` are ferry's own (skipped). False when
// /proc/self/fd cannot be read.
template <typename Fn>
bool ForEachGuestFd(uint64_t ino, uint64_t dev, int own_read, int own_write, Fn fn) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return false;
  while (struct dirent* d = readdir(dir)) {
    if (d->d_name[0] < '0' || d->d_name[0] > '9') continue;
    int fd = atoi(d->d_name);
    struct stat st;
    if (fd == dirfd(dir) || fd == own_read || fd == own_write || fstat(fd, &st) != 0 || st.st_ino != ino ||
        st.st_dev != dev) {
      continue;
    }
    fn(fd);
  }
  closedir(dir);
  return true;
}

// Frees the entries whose signalfd the guest has closed everywhere (the
// kernel frees a signalfd with its last descriptor; ferry only sees that
// when it looks). Precondition: g_signalfd_lock held.
void FreeClosed() {
  for (SignalfdEntry& e : g_signalfds) {
    if (!e.ino.load()) continue;
    bool open = false;
    int read_fd = e.read_fd.load(), write_fd = e.write_fd.load();
    if (!ForEachGuestFd(e.ino.load(), e.dev.load(), read_fd, write_fd, [&](int) { open = true; }) || open) continue;
    e.ino.store(0);
    e.mask.store(0);
    HostSyscall(SYS_close, read_fd);
    HostSyscall(SYS_close, write_fd);
    g_signalfd_count.fetch_sub(1);
  }
}

// A fresh pipe for `e`: the read end at the lowest free descriptor (the
// guest's), ferry's two ends high. Returns the guest's end or -errno.
// Precondition: g_signalfd_lock held.
int64_t NewPipe(SignalfdEntry& e) {
  int p[2];
  if (int64_t r = HostSyscall(SYS_pipe2, reinterpret_cast<uint64_t>(p), O_NONBLOCK | O_CLOEXEC); r < 0) return r;
  int write_fd = HighDup(p[1]);
  int read_fd = static_cast<int>(HostSyscall(SYS_fcntl, p[0], F_DUPFD_CLOEXEC, kOwnFdFloor));
  struct stat st;
  if (write_fd < 0 || read_fd < 0 || HostSyscall(SYS_fstat, p[0], reinterpret_cast<uint64_t>(&st)) != 0) {
    for (int fd : {p[0], write_fd, read_fd}) {
      if (fd >= 0) HostSyscall(SYS_close, fd);
    }
    return -EMFILE;
  }
  e.read_fd.store(read_fd);
  e.write_fd.store(write_fd);
  e.dev.store(st.st_dev);
  e.ino.store(st.st_ino);
  return p[0];
}

// The kernel's signalfd_copyinfo: the fields the siginfo's layout holds.
struct signalfd_siginfo Record(const siginfo_t& info) {
  struct signalfd_siginfo r;
  memset(&r, 0, sizeof r);
  r.ssi_signo = info.si_signo;
  r.ssi_errno = info.si_errno;
  r.ssi_code = info.si_code;
  int sig = info.si_signo, code = info.si_code;
  bool fault = sig == SIGILL || sig == SIGFPE || sig == SIGSEGV || sig == SIGBUS || sig == SIGTRAP;
  if (code > 0 && code < SI_KERNEL && fault) {
    r.ssi_addr = reinterpret_cast<uint64_t>(info.si_addr);
  } else if (code > 0 && code < SI_KERNEL && sig == SIGCHLD) {
    r.ssi_pid = info.si_pid;
    r.ssi_uid = info.si_uid;
    r.ssi_status = info.si_status;
    r.ssi_utime = info.si_utime;
    r.ssi_stime = info.si_stime;
  } else if (code > 0 && code < SI_KERNEL && sig == SIGSYS) {
    r.ssi_call_addr = reinterpret_cast<uint64_t>(info.si_call_addr);
    r.ssi_syscall = info.si_syscall;
    r.ssi_arch = info.si_arch;
  } else if ((code > 0 && code < SI_KERNEL && sig == SIGPOLL) || code == SI_SIGIO) {
    r.ssi_band = static_cast<uint32_t>(info.si_band);
    r.ssi_fd = info.si_fd;
  } else if (code == SI_TIMER) {
    r.ssi_tid = info.si_timerid;
    r.ssi_overrun = info.si_overrun;
    r.ssi_ptr = reinterpret_cast<uint64_t>(info.si_ptr);
    r.ssi_int = info.si_int;
  } else if (code < 0) {  // SI_QUEUE, SI_TKILL, SI_MESGQ...: the pid, uid and value
    r.ssi_pid = info.si_pid;
    r.ssi_uid = info.si_uid;
    r.ssi_ptr = reinterpret_cast<uint64_t>(info.si_ptr);
    r.ssi_int = info.si_int;
  } else {  // SI_USER, SI_KERNEL
    r.ssi_pid = info.si_pid;
    r.ssi_uid = info.si_uid;
  }
  return r;
}
static_assert(sizeof(struct signalfd_siginfo) == 128, "the same on every LP64 arch");

// Writes `len` bytes at byte `offset` of the buffers taken as one.
bool Scatter(Task& task, std::span<const GuestRange> buffers, uint64_t offset, const void* data, uint64_t len) {
  const char* from = static_cast<const char*>(data);
  for (const GuestRange& b : buffers) {
    if (!len) break;
    if (offset >= b.len) {
      offset -= b.len;
      continue;
    }
    uint64_t n = std::min(len, b.len - offset);
    if (!task.memory.Write(b.addr + offset, from, n)) return false;
    from += n;
    len -= n;
    offset = 0;
  }
  return len == 0;
}

}  // namespace

void NoteSignalfdSignals(const Process& process, const ThreadSlot* target) {
  if (!g_signalfd_count.load()) return;
  char byte = 0;
  for (int i = 0; i < kMaxThreads; ++i) {
    if (target && target != &process.slots[i]) continue;
    int fd = g_wake_pipes[i].write_fd.load();
    if (fd >= 0) HostSyscall(SYS_write, fd, reinterpret_cast<uint64_t>(&byte), 1);
  }
  uint64_t pending = PendingAnywhere(process);
  for (SignalfdEntry& e : g_signalfds) {
    if (!e.ino.load() || !(pending & e.mask.load())) continue;
    MakeReadable(e);  // a full pipe (65536 signals unread) refuses the byte: it is readable anyway
  }
}

void SyncSignalfds(const Process& process) {
  if (!g_signalfd_count.load()) return;
  std::lock_guard<std::mutex> lock(g_signalfd_lock);
  for (SignalfdEntry& e : g_signalfds) SyncLocked(process, e);
}

bool IsSignalfdOwnFd(int fd) {
  if (fd < kOwnFdFloor) return false;
  // The wake pipes outlive the signalfds that made them.
  for (const WakePipe& w : g_wake_pipes) {
    if (w.read_fd.load() == fd || w.write_fd.load() == fd) return true;
  }
  if (!g_signalfd_count.load()) return false;
  for (const SignalfdEntry& e : g_signalfds) {
    if (e.ino.load() && (e.read_fd.load() == fd || e.write_fd.load() == fd)) return true;
  }
  return false;
}

int ThreadSignalfdWakeFd(const Task& task) {
  WakePipe& w = g_wake_pipes[&task.slot - task.process.slots];
  if (int fd = w.read_fd.load(); fd >= 0) return fd;
  std::lock_guard<std::mutex> lock(g_signalfd_lock);
  int p[2];
  if (HostSyscall(SYS_pipe2, reinterpret_cast<uint64_t>(p), O_NONBLOCK | O_CLOEXEC) < 0) return -1;
  int write_fd = HighDup(p[1]), read_fd = HighDup(p[0]);
  if (write_fd < 0 || read_fd < 0) {
    if (write_fd >= 0) HostSyscall(SYS_close, write_fd);
    if (read_fd >= 0) HostSyscall(SYS_close, read_fd);
    return -1;
  }
  w.write_fd.store(write_fd);
  w.read_fd.store(read_fd);
  return read_fd;
}

void DrainSignalfdWake(int fd) {
  char sink[256];
  while (HostSyscall(SYS_read, fd, reinterpret_cast<uint64_t>(sink), sizeof sink) == sizeof sink) {
  }
}

bool SignalfdMask(int fd, uint64_t* mask) {
  SignalfdEntry* e = Find(fd);
  if (e) *mask = e->mask.load();
  return e != nullptr;
}

bool SignalfdMaskOfPipe(uint64_t ino, uint64_t dev, uint64_t* mask) {
  if (!g_signalfd_count.load()) return false;
  for (const SignalfdEntry& e : g_signalfds) {
    if (e.ino.load() == ino && e.dev.load() == dev && ino) {
      *mask = e.mask.load();
      return true;
    }
  }
  return false;
}

bool SignalfdReadyButNotFor(const Task& task) {
  if (!g_signalfd_count.load()) return false;
  uint64_t pending = PendingGuestSignals(task);
  for (const SignalfdEntry& e : g_signalfds) {
    if (e.ino.load() && !(pending & e.mask.load()) && Queued(e.read_fd.load()) > 0) return true;
  }
  return false;
}

bool SignalfdsMayBeInEpolls() { return g_signalfd_in_epoll.load(std::memory_order_relaxed) && AnySignalfds(); }
void NoteSignalfdInEpoll() { g_signalfd_in_epoll.store(true, std::memory_order_relaxed); }

bool AnySignalfds() { return g_signalfd_count.load() != 0; }

void RenewSignalfdsAfterFork() {
  // The parent may have held the lock at the fork: made anew, as the pending sets are.
  new (&g_signalfd_lock) std::mutex();
  // The wake pipes are the parent's threads': the child makes its own.
  for (WakePipe& w : g_wake_pipes) {
    for (std::atomic<int>* end : {&w.read_fd, &w.write_fd}) {
      if (int fd = end->exchange(-1); fd >= 0) HostSyscall(SYS_close, fd);
    }
  }
  if (!g_signalfd_count.load()) return;
  for (SignalfdEntry& e : g_signalfds) {
    if (!e.ino.load()) continue;
    uint64_t old_ino = e.ino.load(), old_dev = e.dev.load();
    int old_read = e.read_fd.load(), old_write = e.write_fd.load();
    int64_t fresh = NewPipe(e);
    if (fresh < 0) continue;  // the child keeps sharing the parent's readiness
    // Every guest descriptor of the old pipe becomes the new one.
    ForEachGuestFd(old_ino, old_dev, old_read, old_write, [fresh](int fd) {
      int fd_flags = fcntl(fd, F_GETFD), fl = fcntl(fd, F_GETFL);
      dup3(static_cast<int>(fresh), fd, (fd_flags & FD_CLOEXEC) ? O_CLOEXEC : 0);
      fcntl(fd, F_SETFL, fl & O_NONBLOCK);
    });
    HostSyscall(SYS_close, fresh);
    HostSyscall(SYS_close, old_read);
    HostSyscall(SYS_close, old_write);
  }
}

std::string SignalfdsForExec() {
  std::string out;
  if (!g_signalfd_count.load()) return out;
  std::lock_guard<std::mutex> lock(g_signalfd_lock);
  for (const SignalfdEntry& e : g_signalfds) {
    if (!e.ino.load()) continue;
    ForEachGuestFd(e.ino.load(), e.dev.load(), e.read_fd.load(), e.write_fd.load(), [&](int fd) {
      if (fcntl(fd, F_GETFD) & FD_CLOEXEC) return;
      char item[48];
      snprintf(item, sizeof item, "%s%d:%#llx", out.empty() ? "" : ",", fd,
               static_cast<unsigned long long>(e.mask.load()));
      out += item;
    });
  }
  return out;
}

void AdoptSignalfds(const Process& process, const std::vector<std::pair<int, uint64_t>>& signalfds) {
  std::lock_guard<std::mutex> lock(g_signalfd_lock);
  if (!signalfds.empty()) NoteSignalfdInEpoll();  // an epoll that came through the execve may hold one
  for (const auto& [fd, mask] : signalfds) {
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) continue;
    // Descriptors of one signalfd share a pipe: one entry for them all.
    SignalfdEntry* entry = nullptr;
    for (SignalfdEntry& e : g_signalfds) {
      if (e.ino.load() && e.mask.load() == mask && e.old_ino == st.st_ino && e.old_dev == st.st_dev) entry = &e;
    }
    if (entry) {
      int flags = fcntl(fd, F_GETFL);
      HostSyscall(SYS_dup3, entry->read_fd.load(), fd, 0);
      fcntl(fd, F_SETFL, flags & O_NONBLOCK);
      continue;
    }
    for (SignalfdEntry& e : g_signalfds) {
      if (!e.ino.load()) {
        entry = &e;
        break;
      }
    }
    if (!entry) break;
    entry->mask.store(mask & ~kUnblockableSignals);
    entry->old_ino = st.st_ino;
    entry->old_dev = st.st_dev;
    int flags = fcntl(fd, F_GETFL);
    int64_t fresh = NewPipe(*entry);
    if (fresh < 0) break;
    HostSyscall(SYS_dup3, fresh, fd, 0);
    HostSyscall(SYS_close, fresh);
    fcntl(fd, F_SETFL, flags & O_NONBLOCK);
    g_signalfd_count.fetch_add(1);
    SyncLocked(process, *entry);
  }
}

bool IsSignalfd(int fd) { return Find(fd) != nullptr; }

bool StatSignalfd(int fd, struct stat* st) {
  if (!IsSignalfd(fd)) return false;
  // A host signalfd's stat is every signalfd's: they share the anon inode,
  // whose times never change, so it is taken once.
  static const struct stat anon = [] {
    struct stat s{};
    uint64_t none = 0;
    int64_t host = HostSyscall(SYS_signalfd4, -1, reinterpret_cast<uint64_t>(&none), 8, SFD_CLOEXEC);
    if (host >= 0) {
      HostSyscall(SYS_fstat, host, reinterpret_cast<uint64_t>(&s));
      HostSyscall(SYS_close, host);
    }
    return s;
  }();
  *st = anon;
  return true;
}

std::string SignalfdLinkText(const std::string& link) {
  unsigned long long ino = 0;
  char end = 0;
  if (sscanf(link.c_str(), "pipe:[%llu%c", &ino, &end) != 2 || end != ']') return link;
  for (const SignalfdEntry& e : g_signalfds) {
    if (e.ino.load() == ino) return "anon_inode:[signalfd]";
  }
  return link;
}

bool ReadSignalfd(Task& task, int fd, std::span<const GuestRange> buffers, int64_t* result) {
  SignalfdEntry* e = Find(fd);
  if (!e) return false;
  uint64_t count = 0;
  for (const GuestRange& b : buffers) count += b.len;
  uint64_t records = count / sizeof(struct signalfd_siginfo);
  if (!records) {
    *result = -EINVAL;
    return true;
  }
  bool nonblock = HostSyscall(SYS_fcntl, fd, F_GETFL) & O_NONBLOCK;
  int64_t total = 0;
  for (; records; --records) {
    siginfo_t info;
    int sig;
    for (;;) {
      uint32_t seen = SignalSequence().load();
      sig = TakePendingSignal(task, e->mask.load(), &info);
      if (sig || nonblock) break;
      if (NextActionableSignal(task)) {
        *result = restart::kInterrupted;  // read's row: -ERESTARTSYS
        return true;
      }
      WaitForSignal(seen);
    }
    if (!sig) break;
    struct signalfd_siginfo r = Record(info);
    if (!Scatter(task, buffers, total, &r, sizeof r)) {
      *result = total ? total : -EFAULT;
      return true;
    }
    total += sizeof r;
    nonblock = true;  // only the first record is waited for
  }
  *result = total ? total : -EAGAIN;
  return true;
}

int64_t Signalfd(Task& task, int fd, uint64_t mask, int flags) {
  mask &= ~kUnblockableSignals;
  std::unique_lock<std::mutex> lock(g_signalfd_lock);
  if (fd != -1) {
    SignalfdEntry* e = Find(fd);
    if (!e) {
      struct stat st;
      return HostSyscall(SYS_fstat, fd, reinterpret_cast<uint64_t>(&st)) == 0 ? -EINVAL : -EBADF;
    }
    e->mask.store(mask);
    SyncLocked(task.process, *e);
    return fd;
  }
  SignalfdEntry* free = nullptr;
  for (int pass = 0; pass < 2 && !free; ++pass) {
    if (pass == 1) FreeClosed();
    for (SignalfdEntry& e : g_signalfds) {
      if (!e.ino.load()) {
        free = &e;
        break;
      }
    }
  }
  if (!free) return -ENOMEM;
  free->mask.store(mask);
  int64_t guest_fd = NewPipe(*free);
  if (guest_fd < 0) return guest_fd;
  if (!(flags & SFD_NONBLOCK)) HostSyscall(SYS_fcntl, guest_fd, F_SETFL, 0);
  if (!(flags & SFD_CLOEXEC)) HostSyscall(SYS_fcntl, guest_fd, F_SETFD, 0);
  g_signalfd_count.fetch_add(1);
  SyncLocked(task.process, *free);
  return guest_fd;
}

}  // namespace ferry
