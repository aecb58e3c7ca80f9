// Linux AIO. A context's id is the address of its completion ring, which
// libaio reads directly (io_getevents checks the ring's magic), so io_setup
// moves the host's ring into the guest space with mremap (the kernel follows
// a moved ring: aio_ring_mremap) and the guest's id is its guest address.
//
// iocbs hold guest buffer pointers, so io_submit submits host copies with
// the buffers rebased (an iovec array for PREADV/PWRITEV too; the kernel
// copies iovecs at submit). The kernel names a request in its io_event by
// the iocb pointer it was given: the copy's. Each copy is kept, by that
// address, until its event is reaped, so the event can name the guest's
// iocb again and io_cancel can find the copy. aio_data passes unchanged.
#include <linux/aio_abi.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "arch/generic/abi.h"
#include "host/host_syscall.h"
#include "memory/guest_memory.h"
#include "restart/restart.h"
#include "runtime/threads.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {

static_assert(sizeof(struct iocb) == sizeof(guest::Iocb) && sizeof(struct io_event) == sizeof(guest::IoEvent),
              "the AIO structs are the same on the guests and x86_64");

constexpr uint64_t kMaxIovecs = 1024;  // the kernel's UIO_MAXIOV

struct Request {
  uint64_t ctx;         // the guest's context id
  uint64_t guest_iocb;  // what the guest submitted
  struct iocb host;     // what the kernel was given
  std::vector<struct iovec> iov;
};

struct AioState {
  std::mutex lock;
  std::map<uint64_t, uint64_t> rings;  // guest context id -> ring length
  std::map<uint64_t, std::unique_ptr<Request>> requests;  // by the host copy's address
};

AioState& State() {
  static AioState* state = new AioState;  // outlives threads still in a call at exit
  return *state;
}

// The host's id for guest context `ctx`, or 0 when it is not one of ours
// (the kernel's answer for an unknown context is EINVAL).
uint64_t HostContext(const Task& task, uint64_t ctx) {
  AioState& s = State();
  std::lock_guard<std::mutex> hold(s.lock);
  if (!s.rings.count(ctx)) return 0;
  return reinterpret_cast<uint64_t>(task.memory.Host(ctx));
}

// A host copy of guest iocb `g`; nullptr (and `*error`) when the guest's
// iocb or its iovec array cannot be read, as the kernel's copy would fail.
std::unique_ptr<Request> CopyIocb(const Task& task, uint64_t ctx, uint64_t g, int64_t* error) {
  guest::Iocb in;
  if (!task.memory.Read(g, &in, sizeof in)) {
    *error = -EFAULT;
    return nullptr;
  }
  auto r = std::make_unique<Request>();
  r->ctx = ctx;
  r->guest_iocb = g;
  memcpy(&r->host, &in, sizeof in);
  switch (in.opcode) {
    case IOCB_CMD_PREAD:
    case IOCB_CMD_PWRITE:
      r->host.aio_buf = HostAddress(task, in.buf, in.nbytes);
      break;
    case IOCB_CMD_PREADV:
    case IOCB_CMD_PWRITEV: {
      if (in.nbytes > kMaxIovecs) break;  // the kernel refuses it (EINVAL)
      std::vector<guest::Iovec> guest_iov(in.nbytes);
      if (!task.memory.Read(in.buf, guest_iov.data(), in.nbytes * sizeof(guest::Iovec))) {
        r->host.aio_buf = reinterpret_cast<uint64_t>(kBadPointer);  // the kernel's EFAULT, for this iocb
        break;
      }
      r->iov.resize(in.nbytes);
      for (uint64_t i = 0; i < in.nbytes; ++i) {
        r->iov[i] = {GuestBuffer(task, guest_iov[i].base, guest_iov[i].len), guest_iov[i].len};
      }
      r->host.aio_buf = reinterpret_cast<uint64_t>(r->iov.data());
      break;
    }
    default:  // FSYNC, FDSYNC, POLL, NOOP: no buffer
      break;
  }
  return r;
}

// Events the kernel wrote name host copies: name the guest's iocbs again,
// and forget the copies.
void NameGuestIocbs(Task& task, uint64_t events, int64_t count) {
  AioState& s = State();
  std::lock_guard<std::mutex> hold(s.lock);
  for (int64_t i = 0; i < count; ++i) {
    uint64_t at = events + i * sizeof(guest::IoEvent) + offsetof(guest::IoEvent, obj);
    uint64_t obj;
    if (!task.memory.Read(at, &obj, sizeof obj)) continue;
    auto it = s.requests.find(obj);
    if (it == s.requests.end()) continue;
    task.memory.Write(at, &it->second->guest_iocb, sizeof it->second->guest_iocb);
    s.requests.erase(it);
  }
}

// io_getevents for both calls: the events buffer is the guest's.
int64_t GetEvents(Task& task, const SyscallArgs& a) {
  uint64_t host_ctx = HostContext(task, a.raw[0]);
  int64_t min_nr = static_cast<int64_t>(a.raw[1]), nr = static_cast<int64_t>(a.raw[2]);
  uint64_t events_len = nr > 0 ? static_cast<uint64_t>(nr) * sizeof(guest::IoEvent) : 1;
  if (nr > 0 && static_cast<uint64_t>(nr) > task.memory.size() / sizeof(guest::IoEvent)) events_len = ~uint64_t{0};
  int64_t r = BlockingHostSyscall(task, SYS_io_getevents, host_ctx, min_nr, nr,
                                  HostAddress(task, a.raw[3], events_len),
                                  HostAddress(task, a.raw[4], sizeof(guest::Timespec)));
  if (r > 0) NameGuestIocbs(task, a.raw[3], r);
  return r;
}

}  // namespace

int64_t SysIoSetup(Task& task, const SyscallArgs& a) {
  uint64_t existing;
  if (!task.memory.Read(a.raw[1], &existing, sizeof existing)) return -EFAULT;
  if (existing || static_cast<uint32_t>(a.raw[0]) == 0) return -EINVAL;
  MemoryChange changing(task);  // one change at a time, no thread running
  aio_context_t host_ctx = 0;
  int64_t r = HostSyscall(SYS_io_setup, static_cast<uint32_t>(a.raw[0]), reinterpret_cast<uint64_t>(&host_ctx));
  if (r < 0) return r;
  uint32_t nr_events;
  memcpy(&nr_events, reinterpret_cast<char*>(host_ctx) + guest::kAioRingNrOffset, sizeof nr_events);
  uint64_t len = PageUp(guest::kAioRingHeaderSize + uint64_t{nr_events} * sizeof(guest::IoEvent));
  uint64_t addr = task.memory.FindFree(len);
  void* moved = addr ? mremap(reinterpret_cast<void*>(host_ctx), len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
                              task.memory.Host(addr))
                     : MAP_FAILED;
  if (moved == MAP_FAILED) {
    HostSyscall(SYS_io_destroy, host_ctx);
    return -ENOMEM;
  }
  MappingOrigin origin;
  origin.name = "/[aio] (deleted)";  // as the kernel's maps shows the ring
  origin.shared = true;
  task.memory.NoteAttached(addr, len, PROT_READ | PROT_WRITE, std::move(origin));
  {
    AioState& s = State();
    std::lock_guard<std::mutex> hold(s.lock);
    s.rings[addr] = len;
  }
  if (!task.memory.Write(a.raw[1], &addr, sizeof addr)) {
    HostSyscall(SYS_io_destroy, reinterpret_cast<uint64_t>(moved));
    return -EFAULT;
  }
  return 0;
}

// The kernel waits for the context's requests and unmaps the ring; the
// guest's pages go back to the reservation.
int64_t SysIoDestroy(Task& task, const SyscallArgs& a) {
  uint64_t host_ctx = HostContext(task, a.raw[0]);
  if (!host_ctx) return -EINVAL;
  MemoryChange changing(task);
  int64_t r = HostSyscall(SYS_io_destroy, host_ctx);
  if (r < 0) return r;
  AioState& s = State();
  std::lock_guard<std::mutex> hold(s.lock);
  auto ring = s.rings.find(a.raw[0]);
  if (ring != s.rings.end()) {
    task.memory.Unmap(ring->first, ring->second);
    s.rings.erase(ring);
  }
  for (auto it = s.requests.begin(); it != s.requests.end();) {
    it = it->second->ctx == a.raw[0] ? s.requests.erase(it) : std::next(it);
  }
  return r;
}

// Submits host copies of the guest's iocbs; as the kernel, stops at the
// first one it cannot read and returns how many went, or that error.
int64_t SysIoSubmit(Task& task, const SyscallArgs& a) {
  int64_t nr = static_cast<int64_t>(a.raw[1]);
  if (nr < 0) return -EINVAL;
  uint64_t host_ctx = HostContext(task, a.raw[0]);
  if (!host_ctx) return -EINVAL;
  AioState& s = State();
  uint64_t ring_events;
  {
    std::lock_guard<std::mutex> hold(s.lock);
    ring_events = (s.rings[a.raw[0]] - guest::kAioRingHeaderSize) / sizeof(guest::IoEvent);
  }
  if (static_cast<uint64_t>(nr) > ring_events) nr = static_cast<int64_t>(ring_events);
  std::vector<uint64_t> host_iocbs;
  int64_t error = 0;
  {
    std::lock_guard<std::mutex> hold(s.lock);  // recorded before the kernel can complete them
    for (int64_t i = 0; i < nr; ++i) {
      uint64_t g;
      if (!task.memory.Read(a.raw[2] + i * sizeof g, &g, sizeof g)) {
        error = -EFAULT;
        break;
      }
      std::unique_ptr<Request> r = CopyIocb(task, a.raw[0], g, &error);
      if (!r) break;
      uint64_t key = reinterpret_cast<uint64_t>(&r->host);
      host_iocbs.push_back(key);
      s.requests[key] = std::move(r);
    }
  }
  if (host_iocbs.empty()) return error;
  int64_t r = HostSyscall(SYS_io_submit, host_ctx, host_iocbs.size(), reinterpret_cast<uint64_t>(host_iocbs.data()));
  uint64_t submitted = r > 0 ? static_cast<uint64_t>(r) : 0;
  std::lock_guard<std::mutex> hold(s.lock);
  for (uint64_t i = submitted; i < host_iocbs.size(); ++i) s.requests.erase(host_iocbs[i]);
  return r;
}

// The kernel finds the request by the iocb pointer it was given (the copy)
// after reading the guest's aio_key.
int64_t SysIoCancel(Task& task, const SyscallArgs& a) {
  uint32_t key;
  if (!task.memory.Read(a.raw[1] + offsetof(guest::Iocb, key), &key, sizeof key)) return -EFAULT;
  uint64_t host_ctx = HostContext(task, a.raw[0]);
  if (!host_ctx) return -EINVAL;
  uint64_t host_iocb = 0;
  {
    AioState& s = State();
    std::lock_guard<std::mutex> hold(s.lock);
    for (const auto& [addr, request] : s.requests) {
      if (request->ctx == a.raw[0] && request->guest_iocb == a.raw[1]) host_iocb = addr;
    }
  }
  constexpr uint32_t kIocbKey = 0;  // the kernel's KIOCB_KEY: what a submitted iocb's aio_key must hold
  if (key != kIocbKey || !host_iocb) return -EINVAL;  // not a request in flight
  return HostSyscall(SYS_io_cancel, host_ctx, host_iocb, HostAddress(task, a.raw[2], sizeof(guest::IoEvent)));
}

// Interrupted, io_getevents fails with EINTR, never restarted (as the host's).
int64_t SysIoGetevents(Task& task, const SyscallArgs& a) { return GetEvents(task, a); }

// io_pgetevents applies its signal mask as ppoll does; interrupted with no
// events it is -ERESTARTNOHAND (mirrors the kernel's io_pgetevents).
int64_t SysIoPgetevents(Task& task, const SyscallArgs& a) {
  guest::Timespec timeout;
  if (a.raw[4] && !task.memory.Read(a.raw[4], &timeout, sizeof timeout)) return -EFAULT;
  if (int64_t r = UseCallMaskPair(task, a.raw[5])) return r;
  int64_t r = GetEvents(task, a);
  return r == -EINTR ? restart::kInterrupted : r;  // the row: -ERESTARTNOHAND
}

}  // namespace ferry
