// The guest's signalfd (sys_events.cc). ferry catches every host signal
// itself, so a host signalfd would never see the guest's: a guest signalfd
// is instead the read end of a host pipe that ferry keeps holding a byte
// exactly while a signal in its mask is pending for the process or one of
// its threads, so ppoll, pselect6 and epoll on the host see its readiness
// (and an edge-triggered epoll an edge for each signal). The kernel counts
// only the process's and the polling thread's: ppoll and pselect6 answer
// for a signalfd themselves, waiting on the thread's wake pipe in its place
// (sys_poll.cc), and an epoll wait drops the signalfd's events the waiter
// cannot read (sys_epoll.cc).
// Its reads dequeue from ferry's own pending queues (read's row). The pipe's
// inode names the signalfd, so dup and fork keep it; a forked child gets
// pipes of its own, since its pending signals are its own.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "runtime/process.h"
#include "runtime/task.h"

namespace ferry {

// After a signal was queued (for thread `target`, or for the process when
// null; not one that was already pending): each signalfd whose mask holds a
// pending signal gets a byte, so it is readable and, as the kernel wakes a
// signalfd's waiters on every queued signal, an edge-triggered epoll sees a
// new event; and the wake pipes of the threads that could now read it
// (ThreadSignalfdWakeFd) get one. Async-signal-safe.
void NoteSignalfdSignals(const Process& process, const ThreadSlot* target = nullptr);
// The pipe a thread waits on in ppoll and pselect6 beside its signalfds
// (whose own pipes count signals pending for any thread, where the kernel's
// signalfd_poll counts the process's and the polling thread's): its read
// end gets a byte for each signal queued for the process or for the thread.
// Made at the first call; -1 if it cannot be. Drain it before looking at
// the pending signals, so a signal queued after the look wakes the wait.
int ThreadSignalfdWakeFd(const Task& task);
void DrainSignalfdWake(int fd);
// True when `fd` is a guest signalfd, with its mask in *mask.
bool SignalfdMask(int fd, uint64_t* mask);
// The same for the pipe inode `ino` on device `dev` (as an epoll's fdinfo names its items).
bool SignalfdMaskOfPipe(uint64_t ino, uint64_t dev, uint64_t* mask);
// Whether some signalfd's pipe holds a byte (the host reports it readable)
// while no signal of its mask is pending for the process or this thread:
// only then can an epoll wait have an event to drop (epoll_signalfd.h).
// (A signal another thread takes between the host's report and this look
// leaves the event standing, as the kernel would had it looked first.)
bool SignalfdReadyButNotFor(const Task& task);
// Whether a guest signalfd may be an item of an epoll: one was given to
// epoll_ctl (NoteSignalfdInEpoll), or signalfds came through an execve.
bool SignalfdsMayBeInEpolls();
void NoteSignalfdInEpoll();
// Whether any guest signalfd exists (a quick test before looking at descriptors).
bool AnySignalfds();
// After pending signals were taken: those with none left stop being readable.
// Precondition: not called from a signal handler.
void SyncSignalfds(const Process& process);
// In a forked child, before any guest code runs: each signalfd gets a pipe
// of its own in place of the parent's, under the same descriptor numbers.
void RenewSignalfdsAfterFork();
// For a guest execve that reruns ferry: "fd:mask,..." of the guest's
// signalfd descriptors that survive it (no FD_CLOEXEC); empty if none.
std::string SignalfdsForExec();
// In the ferry an execve started, before host signals reach its handler:
// each descriptor named becomes a signalfd again, with its mask (its old
// pipe lost ferry's ends in the exec).
void AdoptSignalfds(const Process& process, const std::vector<std::pair<int, uint64_t>>& signalfds);
// True when `fd` is one of ferry's own pipe ends: behind a signalfd, or a thread's wake pipe.
bool IsSignalfdOwnFd(int fd);
// signalfd4 after its argument checks: a new signalfd (fd -1) with `flags`
// (SFD_CLOEXEC, SFD_NONBLOCK), or a new mask for an existing one.
int64_t Signalfd(Task& task, int fd, uint64_t mask, int flags);
// True when `fd` is a guest signalfd.
bool IsSignalfd(int fd);
// What the kernel shows for a signalfd, whose file is an anonymous inode
// (the one all anon_inode files share), not the pipe behind it: fstat of
// guest descriptor `fd` into *st (true), or false when `fd` is no signalfd.
bool StatSignalfd(int fd, struct stat* st);
// A /proc/PID/fd link's text: "pipe:[INO]" of a signalfd's pipe becomes
// "anon_inode:[signalfd]"; any other text is returned unchanged.
std::string SignalfdLinkText(const std::string& link);
// A guest buffer a read fills: read's one, or readv's iovecs in order.
struct GuestRange {
  uint64_t addr;
  uint64_t len;
};
// read(2) or readv(2) on a guest signalfd: true, with the result in
// *result; false when `fd` is no signalfd (the host serves the read).
bool ReadSignalfd(Task& task, int fd, std::span<const GuestRange> buffers, int64_t* result);

}  // namespace ferry
