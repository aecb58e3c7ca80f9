// The table lives in a file in /dev/shm, one per user and ferry build
// (mode 0600, checked to be the user's own: /dev/shm is sticky, so nobody
// else can replace it), mapped MAP_SHARED by every ferry process that
// needs it. Where that cannot be had (no /dev/shm after a chroot, say), a
// table in an anonymous page made as ferry starts serves the processes
// forked from one start, as before.
//
// A waiter killed in its wait leaves its entry behind. Whether an entry's
// owner lives is settled by a POSIX record lock: each waiter locks its
// entry's byte of the file for the wait, and the kernel drops the lock
// when the process dies or execs (the descriptor is close-on-exec), so a
// reused pid can never pass for the dead waiter. The process's own
// entries carry a token of this process image instead (its locks do not
// show to itself, and an execve leaves its pid unchanged).
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
#include <vector>

#include "host/host_syscall.h"
#include "runtime/async_stop.h"
#include "runtime/task.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {

// An entry's state: a generation (bumped whenever the entry is let go, so
// a requeuer's compare-and-swap cannot choose a later waiter by mistake)
// and, in the low two bits, one of these.
enum : uint64_t { kIdle = 0, kWaiting = 1, kChosen = 2, kStateBits = 3 };

struct RequeuePiEntry {
  std::atomic<uint64_t> owner;  // pid << 32 | tid of the waiter (0: free)
  std::atomic<uint64_t> image;  // the owner's process-image token
  std::atomic<uint64_t> state;
  std::atomic<uint64_t> from[4], to[4];  // SharedFutexKey parts, set before the state says kWaiting
};

namespace {

constexpr size_t kEntries = 512;
constexpr unsigned kLayoutVersion = 1;  // in the file's name: a new layout is a new file

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
  snprintf(path, sizeof path, "/dev/shm/ferry-requeue-pi-%u-%lx.%u", kLayoutVersion,
           static_cast<unsigned long>(KickTag()), static_cast<unsigned>(geteuid()));
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

bool OwnerLives(const TableView& view, const RequeuePiEntry& entry, uint64_t owner) {
  pid_t pid = static_cast<pid_t>(owner >> 32);
  if (pid == getpid()) return entry.image.load() == ImageToken();
  if (view.fd >= 0) {
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = static_cast<off_t>(IndexOf(view, &entry));
    lock.l_len = 1;
    if (HostSyscall(SYS_fcntl, view.fd, F_GETLK, reinterpret_cast<uint64_t>(&lock)) == 0) {
      return lock.l_type != F_UNLCK && lock.l_pid == pid;
    }
  }
  return HostSyscall(SYS_tgkill, pid, owner & 0xffffffff, 0) != -ESRCH;
}

bool Holds(const std::atomic<uint64_t> (&parts)[4], const SharedFutexKey& key) {
  for (int i = 0; i < 4; ++i) {
    if (parts[i].load() != key.part[i]) return false;
  }
  return true;
}

uint64_t NextIdle(uint64_t state) { return ((state >> 2) + 1) << 2 | kIdle; }

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
    if (!entry.owner.compare_exchange_strong(owner, me)) continue;
    if (!LockEntry(view, i, F_WRLCK)) {  // its owner lives after all
      entry.owner.store(owner);
      continue;
    }
    uint64_t state = entry.state.load();
    if ((state & kStateBits) != kIdle) {  // a dead waiter's, still counted busy
      entry.state.store(NextIdle(state));
      view.table->busy.fetch_sub(1);
      state = NextIdle(state);
    }
    entry.image.store(ImageToken());
    for (int k = 0; k < 4; ++k) {
      entry.from[k].store(from.part[k]);
      entry.to[k].store(to.part[k]);
    }
    view.table->busy.fetch_add(1);
    entry.state.store((state & ~kStateBits) | kWaiting);
    return &entry;
  }
  return nullptr;
}

uint32_t RequeuePiWaiterBit(const RequeuePiEntry* entry) { return 1u << (IndexOf(Table(), entry) % 32); }

bool EndRequeuePiWait(RequeuePiEntry* entry) {
  const TableView& view = Table();
  uint64_t state = entry->state.load();
  while (!entry->state.compare_exchange_weak(state, NextIdle(state))) {
  }
  view.table->busy.fetch_sub(1);
  LockEntry(view, IndexOf(view, entry), F_UNLCK);
  entry->owner.store(0);
  return (state & kStateBits) == kChosen;
}

bool HasSharedRequeuePiWaiter(const Task& task, uint64_t guest_word) {
  const TableView& view = Table();
  if (view.table->busy.load() == 0) return false;
  SharedFutexKey word = SharedFutexKeyOf(task, guest_word);
  for (RequeuePiEntry& entry : view.table->entries) {
    if ((entry.state.load() & kStateBits) != kWaiting || !Holds(entry.from, word)) continue;
    uint64_t owner = entry.owner.load();
    if (owner && OwnerLives(view, entry, owner)) return true;
  }
  return false;
}

size_t ChooseRequeuePiWaiters(const SharedFutexKey& from, const SharedFutexKey& to, uint64_t from_host, size_t most) {
  const TableView& view = Table();
  if (view.table->busy.load() == 0) return 0;
  std::vector<uint64_t> chosen;
  uint32_t bits = 0;
  for (RequeuePiEntry& entry : view.table->entries) {
    if (chosen.size() >= most) break;
    uint64_t state = entry.state.load();
    if ((state & kStateBits) != kWaiting || !Holds(entry.from, from) || !Holds(entry.to, to)) continue;
    uint64_t owner = entry.owner.load();
    if (!owner || !OwnerLives(view, entry, owner)) continue;
    if (!entry.state.compare_exchange_strong(state, (state & ~kStateBits) | kChosen)) continue;
    chosen.push_back(owner);
    bits |= 1u << (IndexOf(view, &entry) % 32);
  }
  if (bits) HostSyscall(SYS_futex, from_host, FUTEX_WAKE_BITSET, INT32_MAX, 0, 0, bits);
  // One chosen between its announcement and its sleep would not see the wake: a kick ends that sleep too.
  for (uint64_t owner : chosen) SendKick(static_cast<pid_t>(owner & 0xffffffff), static_cast<pid_t>(owner >> 32));
  return chosen.size();
}

}  // namespace ferry
