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

// A guest pointer or `long` once read: the guest's word (ArchInfo::
// word_size bytes, 8 on the LP64 arches) zero-extended.
using Word = uint64_t;

// Guest words in guest memory, as wide as the arch's (little-endian, as
// every arch ferry runs). False when a byte is out of reach.
bool ReadWord(const arch::ArchInfo& a, const arch::GuestAccess& memory, uint64_t addr, Word* out);
bool WriteWord(const arch::ArchInfo& a, arch::GuestAccess& memory, uint64_t addr, Word value);
// `words` laid out as the guest's words at `out` (words.size() * word_size bytes).
void StoreWords(uint8_t word_size, const uint64_t* words, size_t count, uint8_t* out);

// The kernel's sigset_t: 64 signals.
constexpr size_t kSigsetSize = 8;

// struct iovec: two guest words (16 bytes on LP64), read with ReadIovecs.
struct Iovec {
  Word base;
  Word len;
};
constexpr uint64_t IovecSize(const arch::ArchInfo& a) { return 2 * uint64_t{a.word_size}; }
// `count` iovecs from the guest array at `addr` into `out`.
bool ReadIovecs(const arch::ArchInfo& a, const arch::GuestAccess& memory, uint64_t addr, uint64_t count, Iovec* out);

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

// struct clone_args (clone3): every field a u64; 64 bytes as first
// published (VER0), 80 with set_tid (VER1), 88 with cgroup (VER2).
struct CloneArgs {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};
constexpr uint64_t kCloneArgsSizeVer0 = 64, kCloneArgsSizeVer2 = 88;
static_assert(sizeof(CloneArgs) == kCloneArgsSizeVer2 && offsetof(CloneArgs, set_tid) == 64);

// struct futex_waitv (futex_waitv): the value, the futex's address, FUTEX2
// flags and a reserved word that must be zero.
struct FutexWaitv {
  uint64_t val;
  uint64_t uaddr;
  uint32_t flags;
  uint32_t reserved;
};
static_assert(sizeof(FutexWaitv) == 24 && offsetof(FutexWaitv, flags) == 16);

// The kernel's struct sigaction (not libc's): handler and flags (guest
// words), then sa_restorer on arches that have it (AArch64), then the
// 64-signal mask.
struct Sigaction {
  Word handler = 0;
  Word flags = 0;
  Word restorer = 0;  // 0 where the arch has no sa_restorer
  uint64_t mask = 0;
};
constexpr size_t SigactionSize(const arch::ArchInfo& a) {
  return (a.sigaction_has_restorer ? 3 : 2) * size_t{a.word_size} + kSigsetSize;
}
bool ReadSigaction(const arch::ArchInfo& a, const arch::GuestAccess& memory, uint64_t addr, Sigaction* out);
bool WriteSigaction(const arch::ArchInfo& a, arch::GuestAccess& memory, uint64_t addr, const Sigaction& in);

// struct timex (adjtimex, clock_adjtime): longs and ints in the LP64 layout
// x86_64 shares, so the host's struct stands in for it (checked in sys_time.cc).
struct Timex {
  uint32_t modes;
  int32_t pad0;
  int64_t offset, freq, maxerror, esterror;
  int32_t status;
  int32_t pad1;
  int64_t constant, precision, tolerance;
  Timeval time;  // tv_usec holds nanoseconds when status has STA_NANO
  int64_t tick, ppsfreq, jitter;
  int32_t shift;
  int32_t pad2;
  int64_t stabil, jitcnt, calcnt, errcnt, stbcnt;
  int32_t tai;
  int32_t reserved[11];
};
static_assert(sizeof(Timex) == 208 && offsetof(Timex, status) == 40 && offsetof(Timex, time) == 72 &&
              offsetof(Timex, shift) == 112 && offsetof(Timex, tai) == 160);

// Linux AIO (include/uapi/linux/aio_abi.h): struct iocb and struct io_event,
// the same on the guests and x86_64 (little-endian: aio_key before aio_rw_flags).
struct Iocb {
  uint64_t data;
  uint32_t key;
  int32_t rw_flags;
  uint16_t opcode;
  int16_t reqprio;
  uint32_t fildes;
  Word buf;        // a buffer, or for PREADV/PWRITEV an iovec array
  uint64_t nbytes; // its length, or the iovec count
  int64_t offset;
  uint64_t reserved2;
  uint32_t flags;
  uint32_t resfd;
};
static_assert(sizeof(Iocb) == 64 && offsetof(Iocb, opcode) == 16 && offsetof(Iocb, buf) == 24 &&
              offsetof(Iocb, flags) == 56);

struct IoEvent {
  uint64_t data;
  Word obj;  // the guest's iocb pointer
  int64_t res;
  int64_t res2;
};
static_assert(sizeof(IoEvent) == 32 && offsetof(IoEvent, obj) == 8);
// The kernel's aio_ring header, at the context's address: its event count.
constexpr size_t kAioRingHeaderSize = 32;
constexpr size_t kAioRingNrOffset = 4;

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

// SysV IPC (asm-generic, 64-bit): struct ipc64_perm and the *id64_ds and
// *info structs msgctl, semctl and shmctl read and write. All but SemidDs
// are x86_64's layouts too (sys_ipc.cc converts semid64_ds).
struct Ipc64Perm {
  int32_t key;
  uint32_t uid, gid, cuid, cgid;
  uint32_t mode;
  uint16_t seq, pad2;
  uint64_t unused1, unused2;
};
static_assert(sizeof(Ipc64Perm) == 48 && offsetof(Ipc64Perm, seq) == 24);
struct MsqidDs {
  Ipc64Perm msg_perm;
  int64_t msg_stime, msg_rtime, msg_ctime;
  uint64_t msg_cbytes, msg_qnum, msg_qbytes;
  int32_t msg_lspid, msg_lrpid;
  uint64_t unused4, unused5;
};
static_assert(sizeof(MsqidDs) == 120 && offsetof(MsqidDs, msg_lspid) == 96);
struct SemidDs {
  Ipc64Perm sem_perm;
  int64_t sem_otime, sem_ctime;
  uint64_t sem_nsems;
  uint64_t unused3, unused4;
};
static_assert(sizeof(SemidDs) == 88 && offsetof(SemidDs, sem_nsems) == 64);
struct ShmidDs {
  Ipc64Perm shm_perm;
  uint64_t shm_segsz;
  int64_t shm_atime, shm_dtime, shm_ctime;
  int32_t shm_cpid, shm_lpid;
  uint64_t shm_nattch;
  uint64_t unused4, unused5;
};
static_assert(sizeof(ShmidDs) == 112 && offsetof(ShmidDs, shm_nattch) == 88);
struct Msginfo {  // msgctl's IPC_INFO and MSG_INFO
  int32_t msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql;
  uint16_t msgseg;
};
static_assert(sizeof(Msginfo) == 32);
struct Seminfo {  // semctl's IPC_INFO and SEM_INFO
  int32_t semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem;
};
static_assert(sizeof(Seminfo) == 40);
struct Shminfo64 {  // shmctl's IPC_INFO
  uint64_t shmmax, shmmin, shmmni, shmseg, shmall;
  uint64_t unused1, unused2, unused3, unused4;
};
static_assert(sizeof(Shminfo64) == 72);
struct ShmInfo {  // shmctl's SHM_INFO
  int32_t used_ids;
  uint64_t shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};
static_assert(sizeof(ShmInfo) == 48 && offsetof(ShmInfo, shm_tot) == 8);

}  // namespace guest
