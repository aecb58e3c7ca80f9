// The waiters in FUTEX_WAIT_REQUEUE_PI on shared (non-private) futexes, as
// every ferry process of this user sees them: the kernel keeps such a
// waiter on its futex's hash chain, where FUTEX_CMP_REQUEUE_PI from any
// process finds it and a plain FUTEX_WAKE or FUTEX_REQUEUE on the word
// gets EINVAL. ferry's waiter sleeps on a plain futex wait instead
// (sys_futex.cc), so it announces itself here, keyed as the kernel keys a
// shared futex: a file page by (device, inode, offset), whichever process
// maps it and however it came to (fork, execve, separate opens).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ferry {

class Task;

// A shared futex word's identity across processes, as the kernel's futex
// key: {kind, device, inode, file offset} for a MAP_SHARED file page;
// {kind, token, 0, host address} for anonymous shared memory (a token that
// fork children share, as they share the memory) and for private memory
// (a token of this process image alone, as the kernel keys it by mm).
struct SharedFutexKey {
  uint64_t part[4];
  bool operator==(const SharedFutexKey& other) const;
};
SharedFutexKey SharedFutexKeyOf(const Task& task, uint64_t guest_word);

struct RequeuePiEntry;

// Announces the calling thread as waiting on `from` to be requeued onto
// `to`; nullptr when the table is full. The thread then sleeps on the
// entry's word while it still holds *value (a shared futex wait on the
// host address returned): a requeuer that chooses it changes and wakes it.
RequeuePiEntry* AnnounceRequeuePiWaiter(const Task& task, const SharedFutexKey& from, const SharedFutexKey& to);
uint64_t RequeuePiWaitWord(const RequeuePiEntry* entry, uint32_t* value);
// The wait is over: whether a requeuer chose the thread meanwhile (it must
// then take the lock). The entry is free again.
bool EndRequeuePiWait(RequeuePiEntry* entry);

// Whether a live thread of any ferry process waits in FUTEX_WAIT_REQUEUE_PI
// on the shared futex at `guest_word` (cheap when nobody waits anywhere).
bool HasSharedRequeuePiWaiter(const Task& task, uint64_t guest_word);

// Chooses up to `most` live waiters on `from` for `to` and wakes them.
// Returns how many.
size_t ChooseRequeuePiWaiters(const SharedFutexKey& from, const SharedFutexKey& to, size_t most);

}  // namespace ferry
