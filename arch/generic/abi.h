// The guest structs ferry reads or writes, in the asm-generic LP64 layouts
// that AArch64 and RISC-V64 share (include/uapi/asm-generic/*.h and the
// generic 64-bit uapi headers). Handlers and --strace decode through these,
// never through the host's structs or bare offsets. A layout one arch does
// differently lives in that arch's folder (stat: generic/stat.h per arch;
// sigaction's sa_restorer: ArchInfo::sigaction_has_restorer).
#pragma once

#include <cstddef>
#include <cstdint>

#include "arch/arch.h"

namespace guest {

// A guest pointer or `long` (LP64).
using Word = uint64_t;
constexpr size_t kWordSize = sizeof(Word);

// The kernel's sigset_t: 64 signals.
constexpr size_t kSigsetSize = 8;

struct Iovec {
  Word base;
  Word len;
};
static_assert(sizeof(Iovec) == 16);

struct Timespec {
  int64_t sec;
  int64_t nsec;
};
static_assert(sizeof(Timespec) == 16);

struct Timeval {
  int64_t sec;
  int64_t usec;
};
struct Itimerval {
  Timeval interval;
  Timeval value;
};
static_assert(sizeof(Itimerval) == 32);

// struct rusage: two timevals and 14 longs.
struct Rusage {
  Timeval utime;
  Timeval stime;
  int64_t counters[14];
};
static_assert(sizeof(Rusage) == 144);

// The 64-bit siginfo: 128 bytes, si_signo, si_errno, si_code, then a union
// 8-aligned at offset 16. Identical to x86_64's, so the host's siginfo_t
// stands in for it (checked where both are known, in runtime/signals.cc).
constexpr size_t kSiginfoSize = 128;

// struct robust_list_head: the list, futex_offset, list_op_pending.
struct RobustListHead {
  Word list;
  int64_t futex_offset;
  Word list_op_pending;
};
static_assert(sizeof(RobustListHead) == 24);

// struct linux_dirent64's fixed part; d_name follows.
struct Dirent64 {
  uint64_t ino;
  int64_t off;
  uint16_t reclen;
  uint8_t type;
};
static_assert(offsetof(Dirent64, reclen) == 16 && offsetof(Dirent64, type) == 18);
constexpr size_t kDirent64NameOffset = 19;

struct PollFd {
  int32_t fd;
  int16_t events;
  int16_t revents;
};
static_assert(sizeof(PollFd) == 8);

// struct epoll_event: 16 bytes here (x86_64 packs it to 12).
struct EpollEvent {
  uint32_t events;
  uint32_t pad;
  uint64_t data;
};
static_assert(sizeof(EpollEvent) == 16 && offsetof(EpollEvent, data) == 8);

// fd_set: 1024 bits.
constexpr size_t kFdSetSize = 128;

// stack_t (sigaltstack).
struct StackT {
  Word sp;
  int32_t flags;
  int32_t pad;
  Word size;
};
static_assert(sizeof(StackT) == 24 && offsetof(StackT, size) == 16);

// The kernel's struct sigaction (not libc's): handler, flags, then
// sa_restorer on arches that have it (AArch64), then the mask.
struct Sigaction {
  Word handler = 0;
  uint64_t flags = 0;
  Word restorer = 0;  // 0 where the arch has no sa_restorer
  uint64_t mask = 0;
};
constexpr size_t SigactionSize(const arch::ArchInfo& a) { return a.sigaction_has_restorer ? 32 : 24; }
bool ReadSigaction(const arch::ArchInfo& a, const arch::GuestAccess& memory, uint64_t addr, Sigaction* out);
bool WriteSigaction(const arch::ArchInfo& a, arch::GuestAccess& memory, uint64_t addr, const Sigaction& in);

// seccomp (linux/seccomp.h, linux/filter.h): what a filter reads, and how
// the guest hands one over. One classic-BPF instruction is a sock_filter.
struct SeccompData {
  int32_t nr;                    // the guest's syscall number
  uint32_t arch;                 // AUDIT_ARCH_* (ArchInfo::audit_arch)
  uint64_t instruction_pointer;  // the PC after the syscall instruction
  uint64_t args[6];
};
static_assert(sizeof(SeccompData) == 64 && offsetof(SeccompData, args) == 16);

struct SockFilter {
  uint16_t code;
  uint8_t jt;
  uint8_t jf;
  uint32_t k;
};
static_assert(sizeof(SockFilter) == 8);

struct SockFprog {
  uint16_t len;
  uint16_t pad[3];
  Word filter;  // SockFilter[len]
};
static_assert(sizeof(SockFprog) == 16 && offsetof(SockFprog, filter) == 8);

// SECCOMP_GET_NOTIF_SIZES' answer: seccomp_notif, seccomp_notif_resp, seccomp_data.
struct SeccompNotifSizes {
  uint16_t notif;
  uint16_t notif_resp;
  uint16_t data;
};
static_assert(sizeof(SeccompNotifSizes) == 6);
constexpr SeccompNotifSizes kSeccompNotifSizes = {80, 24, sizeof(SeccompData)};

// openat2's struct open_how (linux/openat2.h), size-versioned: version 0 is 24 bytes.
struct OpenHow {
  uint64_t flags;  // the guest's open flags (arch bits: GuestToHostOpenFlags)
  uint64_t mode;
  uint64_t resolve;  // RESOLVE_*
};
static_assert(sizeof(OpenHow) == 24 && offsetof(OpenHow, resolve) == 16);

}  // namespace guest
