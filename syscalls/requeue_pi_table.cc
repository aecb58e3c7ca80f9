// The table lives in a file in /dev/shm, one per user and layout (mode
// 0600, checked to be the user's own: /dev/shm is sticky, so nobody
// else can replace it), mapped MAP_SHARED by every ferry process that
// needs it. Where that cannot be had (no /dev/shm after a chroot, say), a
// table in an anonymous page made as ferry starts serves the processes
// forked from one start, as before.
//
// A chosen waiter is woken through its entry: it sleeps on the entry's
// state word (a shared futex in the table's mapping), which the requeuer
// changes and wakes. No pid is needed, so waiters in other pid namespaces
// (separate sandboxes) are reached as well, and none is woken but the
// chosen ones.
//
// A waiter killed in its wait leaves its entry behind, until a later
// waiter or a scan finds it dead and lets it go. Liveness is settled by a
// POSIX record lock: each waiter locks its entry's byte of the file for
// the wait, and the kernel drops the lock when the process dies or execs
// (the descriptor is close-on-exec), so a reused pid can never pass for
// the dead waiter; in the same pid namespace a waiter whose thread is gone
// is dead at once. A process's own locks do not show to itself: its own
// entries carry a token of its process image instead (an execve keeps the
// pid, not the token).
#include "syscalls/requeue_pi_table.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <mutex>

#include "host/host_syscall.h"
#include "runtime/task.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {

// An entry's state: a generation (bumped whenever the entry is let go, so
// a requeuer's compare-and-swap cannot choose a later waiter by mistake)
// and, in the low two bits, one of these.
enum : uint32_t { kIdle = 0, kWaiting = 1, kChosen = 2, kStateBits = 3 };

struct RequeuePiEntry {
  std::atomic<uint64_t> owner;  // pid << 32 | tid of the waiter (0: free)
  std::atomic<uint64_t> image;  // the owner's process-image token
  std::atomic<uint64_t> pidns;  // the owner's pid namespace (its inode; 0: unknown)
  std::atomic<uint32_t> state;  // also the futex word the waiter sleeps on
  std::atomic<uint64_t> from[4], to[4];  // SharedFutexKey parts, set before the state says kWaiting
};

namespace {

constexpr size_t kEntries = 512;
constexpr unsigned kLayoutVersion = 3;  // in the file's name: a new layout is a new file

struct RequeuePiTable {
  std::atomic<uint64_t> family;  // the fork family's token (the anonymous table's only)
  std::atomic<uint32_t> busy;    // entries not idle: none means nobody waits anywhere
  RequeuePiEntry entries[kEntries];
};
static_assert(std::atomic<uint64_t>::is_always_lock_free && std::atomic<uint32_t>::is_always_lock_free,
              "the table is shared between processes");

enum : uint64_t { kFileKey = 1, kForkSharedKey = 2, kPrivateKey = 3 };

uint64_t RandomToken() {
  uint64_t token = 0;
  while (token == 0) {
    if (HostSyscall(SYS_getrandom, reinterpret_cast<uint64_t>(&token), sizeof token, GRND_NONBLOCK) != sizeof token) {
      token = static_cast<uint64_t>(getpid()) << 32 ^ reinterpret_cast<uintptr_t>(&token);
    }
  }
  return token;
}

// Shared with the processes forked from this start (made before any fork).
RequeuePiTable* MapForkSharedTable() {
  void* page = mmap(nullptr, sizeof(RequeuePiTable), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return page == MAP_FAILED ? new RequeuePiTable() : static_cast<RequeuePiTable*>(page);
}
RequeuePiTable* const g_fork_shared = MapForkSharedTable();

uint64_t FamilyToken() {
  uint64_t token = g_fork_shared->family.load();
  if (token) return token;
  uint64_t mine = RandomToken();
  return g_fork_shared->family.compare_exchange_strong(token, mine) ? mine : token;
}

// This process image's token: pid in the high half, so a fork child
// (another pid) makes its own; a new ferry after execve starts afresh.
std::atomic<uint64_t> g_image_token{0};
uint64_t ImageToken() {
  uint64_t pid = static_cast<uint64_t>(getpid());
  uint64_t token = g_image_token.load();
  if (token >> 32 == pid) return token;
  uint64_t mine = pid << 32 | (RandomToken() & 0xffffffff);
  return g_image_token.compare_exchange_strong(token, mine) ? mine : token;
}

constexpr int kOwnFdFloor = 900;  // out of the guest's way, as ferry's other own descriptors

struct TableView {
  RequeuePiTable* table;
  int fd;  // the file's, for the entries' locks; -1: the fork-shared table
};

TableView OpenTable() {
  char path[96];
  snprintf(path, sizeof path, "/dev/shm/ferry-requeue-pi-%u.%u", kLayoutVersion, static_cast<unsigned>(geteuid()));
  int fd = static_cast<int>(HostSyscall(SYS_openat, AT_FDCWD, reinterpret_cast<uint64_t>(path),
                                        O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd < 0) return {g_fork_shared, -1};
  struct stat st;
  int high = static_cast<int>(HostSyscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, kOwnFdFloor));
  HostSyscall(SYS_close, fd);
  void* map = MAP_FAILED;
  if (high >= 0 && fstat(high, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
      (st.st_mode & 077) == 0 &&
      (st.st_size >= static_cast<off_t>(sizeof(RequeuePiTable)) || ftruncate(high, sizeof(RequeuePiTable)) == 0)) {
    map = mmap(nullptr, sizeof(RequeuePiTable), PROT_READ | PROT_WRITE, MAP_SHARED, high, 0);
  }
  if (map == MAP_FAILED) {
    if (high >= 0) HostSyscall(SYS_close, high);
    return {g_fork_shared, -1};
  }
  return {static_cast<RequeuePiTable*>(map), high};  // zero-filled when new: every entry free
}

// Opened at the first need, once per process image (a fork child keeps
// its parent's mapping and descriptor; the record locks are per process).
const TableView& Table() {
  static const TableView view = OpenTable();
  return view;
}

size_t IndexOf(const TableView& view, const RequeuePiEntry* entry) { return entry - view.table->entries; }

bool LockEntry(const TableView& view, size_t index, short type) {
  if (view.fd < 0) return true;
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = static_cast<off_t>(index);
  lock.l_len = 1;
  return HostSyscall(SYS_fcntl, view.fd, F_SETLK, reinterpret_cast<uint64_t>(&lock)) == 0;
}

constexpr uint64_t kReclaiming = 1;  // the owner while a dead waiter's entry is let go (no pid 0)

// Whether another process holds the entry's lock (F_GETLK shows no lock of
// the caller's own).
bool LockedElsewhere(const TableView& view, size_t index) {
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  lock.l_start = static_cast<off_t>(index);
  lock.l_len = 1;
  return HostSyscall(SYS_fcntl, view.fd, F_GETLK, reinterpret_cast<uint64_t>(&lock)) == 0 && lock.l_type != F_UNLCK;
}

// The calling process's pid namespace, by its inode; 0 when /proc cannot say.
uint64_t PidNamespace() {
  struct stat st;
  return stat("/proc/self/ns/pid", &st) == 0 ? st.st_ino : 0;
}

// Where the owner's pid means the same as here, a thread that is gone is
// dead at once (its record lock may outlive it a moment, in a helper
// process that shares its descriptor table); elsewhere the lock decides.
bool OwnerLives(const TableView& view, const RequeuePiEntry& entry, uint64_t owner) {
  if (owner == kReclaiming) return true;
  if (entry.image.load() == ImageToken()) return true;  // one of this process's threads
  uint64_t pidns = entry.pidns.load();
  if (pidns && pidns == PidNamespace()) {
    pid_t pid = static_cast<pid_t>(owner >> 32);
    if (pid == getpid()) return false;  // this process's image before an execve
    if (HostSyscall(SYS_tgkill, pid, owner & 0xffffffff, 0) == -ESRCH) return false;
  }
  return view.fd < 0 || LockedElsewhere(view, IndexOf(view, &entry));
}

bool Holds(const std::atomic<uint64_t> (&parts)[4], const SharedFutexKey& key) {
  for (int i = 0; i < 4; ++i) {
    if (parts[i].load() != key.part[i]) return false;
  }
  return true;
}

uint32_t NextIdle(uint32_t state) { return ((state >> 2) + 1) << 2 | kIdle; }

// An entry whose owner holds it no longer: idle again and no longer
// counted busy. Precondition: the caller owns it now.
void Idle(const TableView& view, RequeuePiEntry& entry) {
  uint32_t state = entry.state.load();
  if ((state & kStateBits) == kIdle) return;
  entry.state.store(NextIdle(state));
  view.table->busy.fetch_sub(1);
}

// Whether the entry, not idle, belongs to a live waiter; a dead one's (its
// process killed in the wait) is let go on the way, so the table does not
// stay busy for every later wake.
bool LiveOrLetGo(const TableView& view, RequeuePiEntry& entry) {
  uint64_t owner = entry.owner.load();
  if (owner == 0 || OwnerLives(view, entry, owner)) return owner != 0;
  if (entry.owner.compare_exchange_strong(owner, kReclaiming)) {
    Idle(view, entry);
    entry.owner.store(0);
  }
  return false;
}

}  // namespace

bool SharedFutexKey::operator==(const SharedFutexKey& other) const {
  for (int i = 0; i < 4; ++i) {
    if (part[i] != other.part[i]) return false;
  }
  return true;
}

SharedFutexKey SharedFutexKeyOf(const Task& task, uint64_t guest_word) {
  uint64_t host = HostAddress(task, guest_word, 4);
  std::lock_guard<std::recursive_mutex> reading(task.process.memory_lock);  // no mmap meanwhile
  if (!(task.memory.PageState(guest_word) & kPageShared)) return {{kPrivateKey, ImageToken(), 0, host}};
  uint64_t start, end;
  const MappingOrigin* origin = task.memory.origins().Find(guest_word, &start, &end);
  if (origin && origin->inode) return {{kFileKey, origin->dev, origin->inode, origin->offset + (guest_word - start)}};
  return {{kForkSharedKey, FamilyToken(), 0, host}};
}

RequeuePiEntry* AnnounceRequeuePiWaiter(const Task& task, const SharedFutexKey& from, const SharedFutexKey& to) {
  const TableView& view = Table();
  uint64_t me = static_cast<uint64_t>(getpid()) << 32 | static_cast<uint32_t>(task.tid);
  for (size_t i = 0; i < kEntries; ++i) {
    RequeuePiEntry& entry = view.table->entries[i];
    uint64_t owner = entry.owner.load();
    if (owner && OwnerLives(view, entry, owner)) continue;
    // The lock first: another process then sees the entry live. (Another
    // thread of this one may lock the same byte too; only one wins the
    // owner, and the loser leaves the lock to it.)
    if (!LockEntry(view, i, F_WRLCK)) continue;
    if (!entry.owner.compare_exchange_strong(owner, me)) {
      if (entry.image.load() != ImageToken()) LockEntry(view, i, F_UNLCK);
      continue;
    }
    Idle(view, entry);  // a dead waiter's may still count as busy
    entry.image.store(ImageToken());
    entry.pidns.store(PidNamespace());
    for (int k = 0; k < 4; ++k) {
      entry.from[k].store(from.part[k]);
      entry.to[k].store(to.part[k]);
    }
    view.table->busy.fetch_add(1);
    entry.state.store((entry.state.load() & ~kStateBits) | kWaiting);
    return &entry;
  }
  return nullptr;
}

uint64_t RequeuePiWaitWord(const RequeuePiEntry* entry, uint32_t* value) {
  *value = entry->state.load();
  return reinterpret_cast<uint64_t>(&entry->state);
}

bool EndRequeuePiWait(RequeuePiEntry* entry) {
  const TableView& view = Table();
  uint32_t state = entry->state.load();
  while (!entry->state.compare_exchange_weak(state, NextIdle(state))) {
  }
  view.table->busy.fetch_sub(1);
  entry->owner.store(0);  // free; until the unlock a claimer elsewhere passes it by
  LockEntry(view, IndexOf(view, entry), F_UNLCK);
  return (state & kStateBits) == kChosen;
}

bool HasSharedRequeuePiWaiter(const Task& task, uint64_t guest_word) {
  const TableView& view = Table();
  if (view.table->busy.load() == 0) return false;
  SharedFutexKey word = SharedFutexKeyOf(task, guest_word);
  bool found = false;
  for (RequeuePiEntry& entry : view.table->entries) {
    uint32_t state = entry.state.load();
    if ((state & kStateBits) == kIdle || !LiveOrLetGo(view, entry)) continue;
    found |= (state & kStateBits) == kWaiting && Holds(entry.from, word);
  }
  return found;
}

size_t ChooseRequeuePiWaiters(const SharedFutexKey& from, const SharedFutexKey& to, size_t most) {
  const TableView& view = Table();
  if (view.table->busy.load() == 0) return 0;
  size_t chosen = 0;
  for (RequeuePiEntry& entry : view.table->entries) {
    if (chosen >= most) break;
    uint32_t state = entry.state.load();
    if ((state & kStateBits) == kIdle || !LiveOrLetGo(view, entry)) continue;
    if ((state & kStateBits) != kWaiting || !Holds(entry.from, from) || !Holds(entry.to, to)) continue;
    if (!entry.state.compare_exchange_strong(state, (state & ~kStateBits) | kChosen)) continue;
    HostSyscall(SYS_futex, reinterpret_cast<uint64_t>(&entry.state), FUTEX_WAKE, 1);
    ++chosen;
  }
  return chosen;
}

}  // namespace ferry
