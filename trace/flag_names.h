// Flag and value names by argument kind (flag_names.cc): what strace prints
// for an open flag, a clock id, an fcntl command... kept as data, so adding
// a name is adding a row.
#pragma once

#include <cstdint>
#include <span>

#include "syscalls/syscall_table.h"

namespace ferry {

struct Name {
  uint64_t value;
  const char* name;
};

enum class NameStyle : uint8_t {
  kBits,   // "A|B|0x40": known bits by name, any rest in hex
  kEnum,   // one value by name, else decimal
  kFlags,  // bits, or "0x40 /* unknown */" when no known bit is set
};

struct NameTable {
  Arg kind;
  NameStyle style;
  std::span<const Name> names;
  const char* zero;     // the name of 0 (PROT_NONE, F_OK), or none
  const char* unknown;  // kFlags, kEnum: what strace calls an unknown value (EFD_???), if anything
  bool low32;           // only the low 32 bits count (a C int the guest may sign-extend)
};

// seccomp's filter actions (SECCOMP_RET_*), by the action bits.
std::span<const Name> SeccompActionNames();
// ... and SECCOMP_SET_MODE_FILTER's flags (strace shows other operations' in hex).
std::span<const Name> SeccompFlagNames();
// openat2's RESOLVE_* flags (struct open_how's resolve).
std::span<const Name> ResolveFlagNames();
// SysV IPC: msgget's and semget's IPC_* flags, shmget's, and struct sembuf's sem_flg.
std::span<const Name> IpcGetFlagNames();
std::span<const Name> ShmGetFlagNames();
std::span<const Name> SemFlagNames();
// struct sigevent's SIGEV_* notification methods.
std::span<const Name> SigevNotifyNames();
// struct ifreq's IFF_* flags and ARPHRD_* hardware types.
std::span<const Name> InterfaceFlagNames();
std::span<const Name> HardwareTypeNames();
// epoll's EPOLLIN... (struct epoll_event's events), in strace's order.
std::span<const Name> EpollEventNames();
// Linux AIO's IOCB_CMD_* (struct iocb's aio_lio_opcode) and IOCB_FLAG_*.
std::span<const Name> AioCmdNames();
std::span<const Name> AioIocbFlagNames();

// The names for arguments of kind `kind`, or nullptr when it is decoded otherwise.
const NameTable* NameTableFor(Arg kind);

}  // namespace ferry
