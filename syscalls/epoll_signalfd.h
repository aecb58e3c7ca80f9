// A guest signalfd's readiness in an epoll wait is the waiter's: the
// kernel's ep_item_poll polls each ready item in the waiting thread's
// context, and signalfd_poll counts the signals pending for the process and
// for that thread. The pipe behind ferry's signalfd (runtime/signalfd.h)
// counts every thread's, so a wait's events are checked here (sys_epoll.cc).
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/task.h"

namespace ferry {

// The items one epoll wait made edge-triggered for its length (below).
struct QuietedItems {
  uint64_t epfd;
  std::vector<int> tfds;
};

// Drops from the host's `events` (n of them) the signalfd events the
// calling thread cannot read, and returns how many are left. The epoll's
// items are looked up in /proc/self/fdinfo (the kernel's own record, which
// dup and fork share): an event whose data only a signalfd item has is that
// signalfd's; one whose data another item shares too is left as it is.
// The kernel takes a dropped item off the ready list until the next signal
// wakes it; the host would report a level-triggered (or re-armed one-shot)
// item again at once, so for the rest of the wait the item is made
// edge-triggered (each queued signal writes an edge), its guest events kept
// in a table the process's threads and epoll_ctl share. ReleaseQuieted
// sets them back when the wait ends.
int64_t DropUnreadableSignalfdEvents(Task& task, epoll_event* events, int64_t n, QuietedItems& quieted);
void ReleaseQuieted(const QuietedItems& quieted);
// epoll_ctl's MOD and DEL of an item a wait holds edge-triggered: the
// table takes the guest's new events (the host item keeps the wait's form)
// or forgets the item. Returns the host's result, or nullopt when the item
// is none of the table's (the caller makes the host call).
// In a forked child: the table is the parent's threads' (whose waits set
// their items back in the parent); the child starts with none, and a lock
// a parent's thread may have held at the fork is made anew.
void ForgetQuietedAfterFork();
std::optional<int64_t> CtlQuietedItem(uint64_t epfd, int op, int tfd, const epoll_event* event);

}  // namespace ferry
