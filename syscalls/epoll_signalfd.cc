// See epoll_signalfd.h.
#include "syscalls/epoll_signalfd.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <new>
#include <string>

#include "host/host_syscall.h"
#include "runtime/signalfd.h"
#include "runtime/signals.h"

namespace ferry {
namespace {

// The kernel's EP_PRIVATE_BITS: what a one-shot item keeps once reported.
constexpr uint32_t kPrivateBits = EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE;
constexpr int kKcmpFile = 0;  // linux/kcmp.h's KCMP_FILE

struct SignalfdItem {
  int tfd;
  uint32_t events;
  uint64_t data;
  uint64_t mask;
};

// The signalfd items of epoll `epfd` whose data no other item has.
std::vector<SignalfdItem> SignalfdItems(uint64_t epfd) {
  char path[48];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", static_cast<int>(epfd));
  int fd = static_cast<int>(HostSyscall(SYS_openat, AT_FDCWD, reinterpret_cast<uint64_t>(path), O_RDONLY | O_CLOEXEC));
  if (fd < 0) return {};
  std::string text;
  char chunk[4096];
  for (int64_t n; (n = HostSyscall(SYS_read, fd, reinterpret_cast<uint64_t>(chunk), sizeof chunk)) > 0;) {
    text.append(chunk, n);
  }
  HostSyscall(SYS_close, fd);
  std::vector<SignalfdItem> signalfds;
  std::vector<uint64_t> other_data;
  for (size_t at = 0; (at = text.find("tfd:", at)) != std::string::npos; ++at) {
    // fs/eventpoll.c ep_show_fdinfo's line; sdev is the kernel's dev_t (major << 20 | minor).
    int tfd;
    unsigned events, sdev;
    unsigned long long data, ino;
    long long pos;
    if (sscanf(text.c_str() + at, "tfd: %d events: %x data: %llx pos:%lli ino:%llx sdev:%x", &tfd, &events, &data, &pos,
               &ino, &sdev) != 6) {
      continue;
    }
    uint64_t mask;
    if (SignalfdMaskOfPipe(ino, makedev(sdev >> 20, sdev & 0xfffff), &mask)) {
      signalfds.push_back({tfd, events, data, mask});
    } else {
      other_data.push_back(data);
    }
  }
  std::erase_if(signalfds, [&](const SignalfdItem& item) {
    return std::find(other_data.begin(), other_data.end(), item.data) != other_data.end() ||
           std::count_if(signalfds.begin(), signalfds.end(), [&](const SignalfdItem& o) { return o.data == item.data; }) > 1;
  });
  return signalfds;
}

// An item some wait holds edge-triggered, with the guest's own events.
struct QuietItem {
  uint64_t epfd;
  int tfd;
  uint64_t data;
  uint32_t events;
  int waiters;
};
std::mutex g_quiet_lock;
std::vector<QuietItem> g_quiet;
std::atomic<size_t> g_quiet_items{0};  // g_quiet.size(), for a look without the lock

// Precondition: g_quiet_lock held.
void NoteQuietCount() { g_quiet_items.store(g_quiet.size()); }

// Whether descriptors `a` and `b` are one open epoll (a dup, say): kcmp
// says so; where it cannot, only equal numbers are.
bool SameEpoll(uint64_t a, uint64_t b) {
  if (a == b) return true;
  int64_t pid = HostSyscall(SYS_getpid);
  return HostSyscall(SYS_kcmp, pid, pid, kKcmpFile, a, b) == 0;
}

// Precondition: g_quiet_lock held.
QuietItem* FindQuiet(uint64_t epfd, int tfd) {
  for (QuietItem& q : g_quiet) {
    if (q.tfd == tfd && SameEpoll(q.epfd, epfd)) return &q;
  }
  return nullptr;
}

// The host item's events while a wait holds it: one edge per signal, and
// never disarmed (the guest's one-shot is the table's).
uint32_t QuietForm(uint32_t events) { return (events & ~EPOLLONESHOT) | EPOLLET; }

int64_t ModifyHost(uint64_t epfd, int tfd, uint32_t events, uint64_t data) {
  epoll_event e{};
  e.events = events;
  e.data.u64 = data;
  return HostSyscall(SYS_epoll_ctl, epfd, EPOLL_CTL_MOD, tfd, reinterpret_cast<uint64_t>(&e));
}

// A dropped item: off the host's ready list for the rest of this wait
// (edge-triggered), unless it is edge-triggered already or another wait
// holds it so. Precondition: g_quiet_lock held; `q` its table entry, if any.
void HoldDropped(QuietedItems& quieted, const SignalfdItem& item, QuietItem* q, uint32_t guest_events) {
  bool mine = std::find(quieted.tfds.begin(), quieted.tfds.end(), item.tfd) != quieted.tfds.end();
  if (q) {
    if (!mine) {
      ++q->waiters;
      quieted.tfds.push_back(item.tfd);
    }
    return;
  }
  if ((guest_events & (EPOLLONESHOT | EPOLLET)) == EPOLLET) return;
  if (ModifyHost(quieted.epfd, item.tfd, QuietForm(guest_events), item.data) != 0) return;
  g_quiet.push_back({quieted.epfd, item.tfd, item.data, guest_events, 1});
  NoteQuietCount();
  quieted.tfds.push_back(item.tfd);
}

}  // namespace

int64_t DropUnreadableSignalfdEvents(Task& task, epoll_event* events, int64_t n, QuietedItems& quieted) {
  // The quick answer of most waits: the fdinfo is read only when some event
  // may be one to drop, or one a wait holds edge-triggered (whose one-shot
  // the table must disarm when it is reported).
  if (!g_quiet_items.load() && !SignalfdReadyButNotFor(task)) return n;
  std::vector<SignalfdItem> items = SignalfdItems(quieted.epfd);
  if (items.empty()) return n;
  uint64_t pending = PendingGuestSignals(task);
  int64_t kept = 0;
  std::lock_guard<std::mutex> lock(g_quiet_lock);
  for (int64_t i = 0; i < n; ++i) {
    auto item = std::find_if(items.begin(), items.end(), [&](const SignalfdItem& s) { return s.data == events[i].data.u64; });
    if (item != items.end()) {
      QuietItem* q = FindQuiet(quieted.epfd, item->tfd);
      uint32_t guest_events = q ? q->events : item->events;
      // A one-shot item the host just reported is disarmed there (fdinfo
      // shows only its private bits); it was armed for what it reported.
      if (!q && (guest_events & EPOLLONESHOT) && !(guest_events & ~kPrivateBits)) guest_events |= events[i].events;
      if ((pending & item->mask) && (guest_events & EPOLLIN)) {
        if (q && (q->events & EPOLLONESHOT)) q->events &= kPrivateBits;  // reported: disarmed, as the kernel's ep_send_events
      } else if (!(guest_events & EPOLLEXCLUSIVE)) {  // (the host refuses to modify one: it stays reported)
        HoldDropped(quieted, *item, q, guest_events);
        continue;
      }
    }
    events[kept++] = events[i];
  }
  return kept;
}

void ReleaseQuieted(const QuietedItems& quieted) {
  if (quieted.tfds.empty()) return;
  std::lock_guard<std::mutex> lock(g_quiet_lock);
  for (int tfd : quieted.tfds) {
    QuietItem* q = FindQuiet(quieted.epfd, tfd);
    if (!q || --q->waiters > 0) continue;
    // (q->epfd may be another descriptor of this epoll, since closed: this wait's is open.)
    q->epfd = quieted.epfd;
    ModifyHost(q->epfd, q->tfd, q->events, q->data);
    g_quiet.erase(g_quiet.begin() + (q - g_quiet.data()));
    NoteQuietCount();
  }
}

void ForgetQuietedAfterFork() {
  new (&g_quiet_lock) std::mutex();
  new (&g_quiet) std::vector<QuietItem>();  // (leaks the parent's copy: it may be mid-change)
  NoteQuietCount();
}

std::optional<int64_t> CtlQuietedItem(uint64_t epfd, int op, int tfd, const epoll_event* event) {
  if (op != EPOLL_CTL_MOD && op != EPOLL_CTL_DEL) return std::nullopt;
  std::lock_guard<std::mutex> lock(g_quiet_lock);
  QuietItem* q = FindQuiet(epfd, tfd);
  if (!q) return std::nullopt;
  if (op == EPOLL_CTL_DEL) {
    int64_t r = HostSyscall(SYS_epoll_ctl, epfd, op, tfd, reinterpret_cast<uint64_t>(event));
    if (r == 0) {
      g_quiet.erase(g_quiet.begin() + (q - g_quiet.data()));
      NoteQuietCount();
    }
    return r;
  }
  // The host checks the new events (EPOLLEXCLUSIVE is refused in a MOD).
  int64_t r = ModifyHost(epfd, tfd, QuietForm(event->events) | (event->events & EPOLLEXCLUSIVE), event->data.u64);
  if (r == 0) {
    q->events = event->events;
    q->data = event->data.u64;
  }
  return r;
}

}  // namespace ferry
