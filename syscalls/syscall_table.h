// The syscall table: one declarative row per guest syscall (syscalls.def).
// Dispatch, --strace and the support list all read these rows.
#pragma once

#include <cstdint>
#include <span>

#include "arch/arch.h"
#include "restart/restart.h"

namespace ferry {

class Task;

// How an argument (or the result) is read: for pointer translation, bounds
// checks and strace decoding. Buffers take their length from a neighbour.
enum class Arg : uint8_t {
  kInt,          // signed decimal
  kUInt,         // unsigned decimal (sizes, counts)
  kHex,
  kFd,
  kDirFd,        // AT_FDCWD or an fd
  kPath,         // guest string read by the call
  kLookupPath,   // a path the call looks up: through the sysroot (-L) first, then the host
  kInBuf,        // guest buffer read by the call, length in the next argument
  kOutBuf,       // guest buffer written by the call, length in the next argument
  kOutBufPrevLen,// guest buffer written by the call, length in the previous argument
  kInPtr,        // guest struct read by the call
  kOutPtr,       // guest struct written by the call
  kInTimespec,   // guest struct timespec read by the call
  kOutTimespec,  // guest struct timespec written by the call
  kAddr,         // a guest address the handler itself interprets (mmap, brk)
  kRange,        // a guest address range the host call acts on, length in the next argument
  kOpenFlags,
  kMode,         // octal
  kProt,
  kMapFlags,
  kSignal,
  kClockId,
  kWhence,
  kAtFlags,
  kMsgFlags,     // send/recv flags: MSG_NOSIGNAL suppresses SIGPIPE
  kResumedCall,  // restart_syscall's note of the call it resumes (no register)
  // Decoded for --strace; pointers the handler itself reads or writes.
  kStatOut,      // struct stat written by the call
  kIovecIn,      // struct iovec array read by the call, count in the next argument
  kIovecOut,     // struct iovec array filled by the call, count in the next argument
  kSigsetIn,     // a signal set read by the call
  kSigsetOut,    // a signal set written by the call
  kSigactionIn,  // struct sigaction read by the call (the guest's kernel layout)
  kSigactionOut, // struct sigaction written by the call
  kPollFds,      // struct pollfd array, count in the next argument; revents shown with the result
  kIntPairOut,   // int[2] written by the call (pipe2, socketpair)
  kWaitStatusOut,// wait status written by the call
  kSigHow,       // SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK
  kFcntlCmd,
  kIoctlRequest,
  kSocketDomain,
  kSocketType,   // SOCK_STREAM|SOCK_CLOEXEC...
  kCloneFlags,
  kFdFlags,      // O_CLOEXEC|O_NONBLOCK without an access mode (pipe2, dup3)
  kSigreturnFrame, // rt_sigreturn's frame: the mask it restores (no register)
  kItimerWhich,  // ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF
  kItimervalIn,  // struct itimerval read by the call
  kItimervalOut, // struct itimerval written by the call
  kArgv,         // a NULL-terminated array of guest strings (execve's argv)
  kEnvp,         // the same, shown as strace shows an environment: its count
  kAccessMode,   // F_OK or R_OK|W_OK|X_OK
  kAccessFlags,  // faccessat2's flags: AT_EACCESS, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH
  kMadvise,      // MADV_*
  kMremapFlags,  // MREMAP_*
  kFutexOp,      // FUTEX_WAIT_PRIVATE...
  kOutString,    // a NUL-terminated string written by the call (getcwd), length in the next argument
  kDirents,      // getdents64's buffer: strace shows the count of entries read
  kSockaddrIn,   // a socket address read by the call, length in the next argument
  kEventfdFlags, // EFD_SEMAPHORE|EFD_CLOEXEC|EFD_NONBLOCK
  kTimerfdFlags, // timerfd_create's TFD_CLOEXEC|TFD_NONBLOCK
  kTimerfdSetFlags, // timerfd_settime's TFD_TIMER_ABSTIME|TFD_TIMER_CANCEL_ON_SET
  kItimerspecIn, // struct itimerspec read by the call (the same layout on the guests and the host)
  kItimerspecOut,// struct itimerspec written by the call
  kInotifyFlags, // inotify_init1's IN_NONBLOCK|IN_CLOEXEC
  kInotifyMask,  // IN_* events and watch flags
  kSignalfdFlags,// SFD_CLOEXEC|SFD_NONBLOCK
  kMsghdrIn,     // struct msghdr read by the call (sendmsg); the handler rebases it
  kMsghdrOut,    // struct msghdr the call fills (recvmsg)
  kMmsghdrIn,    // struct mmsghdr array, count in the next argument (sendmmsg)
  kMmsghdrOut,   // the same, filled by the call (recvmmsg)
  kSockLevel,    // SOL_SOCKET, SOL_IP...
  kSockOptName,  // SO_*, IP_*, TCP_*...: named by the level in the previous argument
  kSockOptIn,    // an option value read by the call, length in the next argument
  kSockOptOut,   // an option value written by the call, its length pointer in the next argument
  kSockLenOut,   // a socklen_t read and written by the call
  kPrctlOption,  // PR_SET_NAME...
  kSchedPolicy,  // SCHED_OTHER, SCHED_FIFO...
  kRlimitResource, // RLIMIT_AS...
  // Decoded by strace_ident.cc.
  kGidListIn,    // gid_t array read by the call, count in the previous argument
  kCapHeader,    // struct __user_cap_header_struct (read, and written on a version mismatch)
  kCapDataIn,    // struct __user_cap_data_struct[] read by the call (after the header)
  kCapDataOut,   // ... written by the call
  kRlimitIn,     // struct rlimit64 read by the call
  kRlimitOut,    // struct rlimit64 written by the call
  kCpuSetIn,     // a CPU mask read by the call, length in the previous argument
  kCpuSetOut,    // a CPU mask written by the call, length in the previous argument
  kSchedParamIn, // struct sched_param read by the call
  kSchedParamOut,// struct sched_param written by the call
  kPrioWhich,    // PRIO_PROCESS, PRIO_PGRP, PRIO_USER
  kIoprioWho,    // IOPRIO_WHO_PROCESS...
  kIoprioValue,  // IOPRIO_PRIO_VALUE(class, data)
  kPersona,      // PER_LINUX|ADDR_NO_RANDOMIZE
  kPidfdFlags,   // PIDFD_NONBLOCK|PIDFD_THREAD
  kKcmpType,     // KCMP_FILE, KCMP_VM...
  kMlockFlags,   // MLOCK_ONFAULT
  kMembarrierCmd,// MEMBARRIER_CMD_*
  kSeccompOp,    // SECCOMP_SET_MODE_FILTER...
  kSeccompFlags, // SECCOMP_FILTER_FLAG_*
  kSeccompArgs,  // seccomp's third argument, as its operation reads it (a sock_fprog, an action...)
  kOpenHow,      // openat2's struct open_how
  kOffsetHigh,   // the high half of a split offset, unused on 64-bit arches: not shown
  kRwfFlags,     // preadv2/pwritev2's RWF_*
  kSyncRangeFlags, // SYNC_FILE_RANGE_*
  kMountFlags,   // mount's MS_*
  kUmountFlags,  // MNT_DETACH...
  kUnshareFlags, // unshare's and setns's CLONE_NEW* and CLONE_FS...
  // SysV IPC and POSIX message queues (decoded by strace_ipc.cc).
  kIpcKey,       // IPC_PRIVATE or a key in hex
  kIpcGetFlags,  // msgget/semget: IPC_CREAT|IPC_EXCL|0600
  kShmGetFlags,  // shmget: IPC_CREAT|SHM_HUGETLB|0600
  kMsgCtlCmd,    // IPC_RMID, MSG_STAT...
  kSemCtlCmd,    // IPC_RMID, GETVAL, SETALL...
  kShmCtlCmd,    // IPC_RMID, SHM_LOCK...
  kIpcMsgFlags,  // msgsnd/msgrcv: MSG_NOERROR|IPC_NOWAIT
  kShmatFlags,   // SHM_RDONLY|SHM_RND...
  kMsgbufIn,     // struct msgbuf read by the call, text length in the next argument
  kMsgbufOut,    // struct msgbuf the call fills, text length in the next argument
  kSembufs,      // struct sembuf array read by the call, count in the next argument
  kMqAttrIn,     // struct mq_attr read by the call
  kMqAttrOut,    // struct mq_attr written by the call
  kMqPrioOut,    // an unsigned int written by the call (a message's priority)
  kSigeventIn,   // struct sigevent read by the call
  kMsgCtlBuf,    // msgctl's buffer, as its command (the previous argument) uses it
  kSemCtlArg,    // semctl's fourth argument, as its command (the previous argument) uses it
  kShmCtlBuf,    // shmctl's buffer, as its command (the previous argument) uses it
  kTimerIdOut,   // a timer id (int) written by the call (timer_create)
  // epoll, splice and Linux AIO (decoded by strace_io.cc).
  kEpollFlags,   // epoll_create1's EPOLL_CLOEXEC
  kEpollCtlOp,   // EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD
  kEpollEventIn, // epoll_ctl's struct epoll_event (not read for EPOLL_CTL_DEL, the previous-but-one argument)
  kEpollEventsOut, // struct epoll_event array the wait fills, as many as it returns
  kSpliceFlags,  // SPLICE_F_MOVE|SPLICE_F_NONBLOCK...
  kSpliceOffset, // a loff_t read and advanced by the call (splice's offsets)
  kAioContextOut,// io_setup's context, written by the call
  kIocbArray,    // io_submit's array of struct iocb pointers, count in the previous argument
  kIocbIn,       // io_cancel's struct iocb (its header fields)
  kIoEventOut,   // a struct io_event the call fills (io_cancel)
  kIoEventsOut,  // struct io_event array the call fills, as many as it returns
  kIoctlArg,     // ioctl's third argument, as its request (the previous argument) reads it
  kIdType,       // waitid's P_ALL, P_PID, P_PGID, P_PIDFD
  kWaitidOptions,// waitid's WNOHANG|WEXITED|...
  kSiginfoOut,   // a siginfo_t written by the call (waitid)
  kCloneArgs,    // clone3's struct clone_args, with what the call wrote back (pidfd, parent_tid)
};

constexpr bool IsGuestPointer(Arg a) {
  switch (a) {
    case Arg::kPath: case Arg::kLookupPath: case Arg::kInBuf: case Arg::kOutBuf:
    case Arg::kOutBufPrevLen: case Arg::kInPtr: case Arg::kOutPtr: case Arg::kInTimespec:
    case Arg::kOutTimespec: case Arg::kRange: case Arg::kStatOut: case Arg::kIovecIn:
    case Arg::kIovecOut: case Arg::kSigsetIn: case Arg::kSigsetOut: case Arg::kSigactionIn:
    case Arg::kSigactionOut: case Arg::kPollFds: case Arg::kIntPairOut: case Arg::kWaitStatusOut:
    case Arg::kItimervalIn: case Arg::kItimervalOut: case Arg::kOutString: case Arg::kDirents:
    case Arg::kSockaddrIn: case Arg::kItimerspecIn: case Arg::kItimerspecOut:
    case Arg::kSockOptIn: case Arg::kSockOptOut: case Arg::kSockLenOut:
    case Arg::kGidListIn: case Arg::kCapHeader: case Arg::kCapDataIn:
    case Arg::kCapDataOut: case Arg::kRlimitIn: case Arg::kRlimitOut: case Arg::kCpuSetIn:
    case Arg::kCpuSetOut: case Arg::kSchedParamIn: case Arg::kSchedParamOut: case Arg::kSiginfoOut:
    case Arg::kMsgbufIn: case Arg::kMsgbufOut: case Arg::kSembufs: case Arg::kMqAttrIn:
    case Arg::kMqAttrOut: case Arg::kMqPrioOut: case Arg::kSigeventIn: case Arg::kMsgCtlBuf:
    case Arg::kShmCtlBuf: case Arg::kTimerIdOut: case Arg::kEpollEventIn: case Arg::kEpollEventsOut:
    case Arg::kSpliceOffset: case Arg::kAioContextOut: case Arg::kIocbArray: case Arg::kIocbIn:
    case Arg::kIoEventOut: case Arg::kIoEventsOut:
      return true;
    default:
      return false;
  }
}

// Where a call runs; see ARCHITECTURE.md.
enum class SyscallClass : uint8_t {
  kNonBlocking,     // served inline on the guest thread
  kBlocksOnInput,   // fd in argument 0: inline when it is readable; a pipe or terminal waits inline (safe call), else the helper
  kBlocksOnOutput,  // fd in argument 0: inline when the write cannot block; a pipe or terminal waits inline (safe call), else the helper
  kOpensFile,       // inline, except an open of a FIFO (which waits for the other end): the helper
  kMayBlock,        // may wait indefinitely: the syscall helper (inline when it cannot wait: a zero timeout)
  kBlocksAsProcess, // may wait, but as ferry's own process (locks, futexes): a safe inline call
  kProcessState,    // changes ferry's own view of the process (memory, exit, signals)
};

// The RanWhere bits (runtime/task.h) a call of class `c` may set: dispatch
// refuses a handler that runs a call somewhere its row does not say. A call
// on a terminal runs as a safe syscall, so every helper class allows that.
constexpr uint8_t AllowedPlaces(SyscallClass c) {
  switch (c) {
    case SyscallClass::kNonBlocking: return 0;
    case SyscallClass::kBlocksOnInput:
    case SyscallClass::kBlocksOnOutput:
    case SyscallClass::kOpensFile:
    case SyscallClass::kMayBlock: return 1 << 0 | 1 << 1;  // helper, safe syscall
    case SyscallClass::kBlocksAsProcess:
    case SyscallClass::kProcessState: return 1 << 1;  // safe syscall
  }
  return 0;
}

constexpr bool UsesHelper(SyscallClass c) {
  return c == SyscallClass::kBlocksOnInput || c == SyscallClass::kBlocksOnOutput ||
         c == SyscallClass::kMayBlock;
}

enum class Support : uint8_t { kFull, kPartial, kUnsupported };

// A row's optional trailing tags (syscalls.def): strace's trace classes that
// argument kinds cannot tell, the arches that have the call, and how strace
// shows it (StraceFormat, below).
enum TraceClass : uint8_t {
  kTraceProcess = 1 << 0,  // %process
  kTraceSignal = 1 << 1,   // %signal
  kTraceNetwork = 1 << 2,  // %network
  kTraceMemory = 1 << 3,   // %memory
};
constexpr int kArchTagShift = 8;
enum ArchTag : uint16_t {
  kOnAarch64 = arch::kAarch64Bit << kArchTagShift,
  kOnRiscv64 = arch::kRiscv64Bit << kArchTagShift,
};
constexpr uint8_t kAllArches = 0xff;
// How --strace shows a call whose arguments depend on each other; the
// formatter for each lives in trace/strace.cc (a table by this value).
enum class StraceFormat : uint8_t {
  kPlain,     // each argument by its kind
  kClone,     // named arguments, only those the flags use (strace's clone)
  kOpenMode,  // the mode only when the flags can create a file
  kMremap,    // the new address only with MREMAP_FIXED
  kFcntl,     // the third argument as the command reads it
  kPollResult,// the result shows the revents found and the time left
  kPrctl,     // the arguments each option takes, as strace names them
};
constexpr int kFormatTagShift = 16;
enum FormatTag : uint32_t {
  kShowClone = static_cast<uint32_t>(StraceFormat::kClone) << kFormatTagShift,
  kShowOpenMode = static_cast<uint32_t>(StraceFormat::kOpenMode) << kFormatTagShift,
  kShowMremap = static_cast<uint32_t>(StraceFormat::kMremap) << kFormatTagShift,
  kShowFcntl = static_cast<uint32_t>(StraceFormat::kFcntl) << kFormatTagShift,
  kShowPollResult = static_cast<uint32_t>(StraceFormat::kPollResult) << kFormatTagShift,
  kShowPrctl = static_cast<uint32_t>(StraceFormat::kPrctl) << kFormatTagShift,
};

// What a call that waits returns when a signal breaks its wait off: the
// kernel's code for it (restart::Rule; signal(7), "Interruption of system
// calls"). Every row that may wait carries one (a unit test checks it);
// dispatch turns a handler's restart::kInterrupted into it.
constexpr int kRestartTagShift = 24;
enum RestartTag : uint32_t {
  kRestartSys = static_cast<uint32_t>(restart::Rule::kSys) << kRestartTagShift,
  kRestartNoHand = static_cast<uint32_t>(restart::Rule::kNoHand) << kRestartTagShift,
  kNeverRestart = static_cast<uint32_t>(restart::Rule::kNever) << kRestartTagShift,
  // With one of the above (or alone): a timed wait stores its deadline in the
  // restart block and returns -ERESTART_RESTARTBLOCK, resumed through
  // restart_syscall when no handler runs; the rule above is for its other waits.
  kRestartBlock = 1u << (kRestartTagShift + 4),
};

struct SyscallRow;

struct SyscallArgs {
  uint64_t raw[6];
  const SyscallRow* row;
};

using SyscallHandler = int64_t (*)(Task& task, const SyscallArgs& args);

struct SyscallRow {
  const char* name;
  int nr;                 // the asm-generic number: the row's identity (sysno::), and AArch64's and RISC-V64's number
  SyscallHandler handler;
  long host_nr;           // x86_64 number for rows served by SysHostCall, else -1
  Arg result;
  Arg args[6];
  uint8_t nargs;
  SyscallClass cls;
  Support support;
  const char* note;
  uint8_t trace;          // TraceClass bits
  uint8_t arches;         // arch::ArchBit mask of the arches that have the call
  StraceFormat format;    // how --strace shows it
  restart::Rule restart;  // what an interrupted wait returns
  bool restart_block;     // a timed wait may resume through restart_syscall

  bool InTraceClass(TraceClass c) const { return trace & c; }
  bool OnArch(const arch::ArchInfo& a) const { return arches & a.arch_bit; }
  bool Interruptible() const { return restart != restart::Rule::kNone || restart_block; }
};

// Each row's number by name: sysno::execve, sysno::restart_syscall.
namespace sysno {
#define SYSCALL(name, nr, ...) name = nr,
#define HOSTCALL(name, nr, ...) name = nr,
#define UNSUPPORTED(name, nr, ...) name = nr,
enum : int {
#include "syscalls/syscalls.def"
};
#undef SYSCALL
#undef HOSTCALL
#undef UNSUPPORTED
}  // namespace sysno

std::span<const SyscallRow> SyscallTable();
// The row for a guest syscall number, or nullptr.
const SyscallRow* FindSyscall(uint64_t nr);
// The same for a guest of arch `a`, by that arch's number (ArchInfo::
// syscall_numbers): nullptr if that arch lacks the call.
const SyscallRow* FindSyscall(uint64_t nr, const arch::ArchInfo& a);
// Arch `a`'s number for the call whose row number is `call` (sysno::), -1
// when it has none: what ferry writes into a guest register.
int GuestSyscallNumber(int call, const arch::ArchInfo& a);

// Result value that tells dispatch the guest is gone: no result is written back.
constexpr int64_t kNoReturn = INT64_MIN;

}  // namespace ferry
