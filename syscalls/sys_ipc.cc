// System V IPC: message queues, semaphores and shared memory; and
// mq_notify, the one POSIX message-queue call with a pointer inside.
//
// The ids and keys are the host kernel's. Layouts: ipc64_perm, msqid64_ds,
// shmid64_ds, seminfo, shminfo64, struct sembuf and struct msgbuf are the
// same on x86_64 and the asm-generic 64-bit guests; only semid64_ds differs
// (x86_64 keeps a padding word after sem_otime and sem_ctime), so semctl
// converts it.
//
// The calls that may wait (semop, semtimedop, msgsnd, msgrcv) run in ferry's
// own thread as safe syscalls, not in the syscall helper: SEM_UNDO
// adjustments belong to the calling process and are undone when it exits,
// and sempid, msg_lspid and msg_lrpid name the caller; in the helper all of
// these would be the helper's. They are never restarted after a handler
// (signal(7)): -ERESTARTNOHAND.
//
// shmat maps the segment inside the guest space with the host's shmat
// (SHM_REMAP over ferry's reservation), at the address guest mmap would
// choose when none is given, and records it like a MAP_SHARED mapping for
// the TLB, /proc/self/maps and the cross-process CPU lock.
#include <signal.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <map>
#include <vector>

#include "arch/generic/abi.h"
#include "restart/restart.h"
#include "host/host_syscall.h"
#include "runtime/safe_syscall.h"
#include "syscalls/syscall_handlers.h"
#include "runtime/threads.h"

namespace ferry {
namespace {

// x86_64's semid64_ds (the guests': guest::SemidDs).
struct HostSemidDs {
  uint8_t perm[48];
  int64_t sem_otime;
  uint64_t unused1;
  int64_t sem_ctime;
  uint64_t unused2;
  uint64_t sem_nsems;
  uint64_t unused3, unused4;
};
static_assert(sizeof(HostSemidDs) == 104);

constexpr int kSemStatAny = 20;   // SEM_STAT_ANY
constexpr int kShmStatAny = 15;   // SHM_STAT_ANY
constexpr int kIpc64 = 0x100;     // IPC_64: asm-generic kernels take no version bits

int64_t SemStat(Task& task, uint64_t id, int cmd, uint64_t g) {
  HostSemidDs host{};
  int64_t r = HostSyscall(SYS_semctl, id, 0, cmd, reinterpret_cast<uint64_t>(&host));
  if (r < 0) return r;
  guest::SemidDs guest{};
  memcpy(&guest.sem_perm, host.perm, sizeof guest.sem_perm);
  guest.sem_otime = host.sem_otime;
  guest.sem_ctime = host.sem_ctime;
  guest.sem_nsems = host.sem_nsems;
  return task.memory.Write(g, &guest, sizeof guest) ? r : -EFAULT;
}

// Attached segments: guest address -> length, for shmdt. One guest process
// per ferry process, so one map; a fork's child inherits a copy, as it
// inherits the attachments. Precondition: a MemoryChange is held.
std::map<uint64_t, uint64_t>& Attachments() {
  static std::map<uint64_t, uint64_t> attached;
  return attached;
}

}  // namespace

int64_t SysSemctl(Task& task, const SyscallArgs& a) {
  uint64_t id = a.raw[0], num = a.raw[1], arg = a.raw[3];
  int cmd = static_cast<int>(a.raw[2]);
  if (cmd & kIpc64) return -EINVAL;
  switch (cmd) {
    case IPC_STAT: case SEM_STAT: case kSemStatAny:
      return SemStat(task, id, cmd, arg);
    case IPC_SET: {
      guest::SemidDs guest;
      if (!task.memory.Read(arg, &guest, sizeof guest)) return -EFAULT;
      HostSemidDs host{};
      memcpy(host.perm, &guest.sem_perm, sizeof host.perm);
      return HostSyscall(SYS_semctl, id, num, cmd, reinterpret_cast<uint64_t>(&host));
    }
    case GETALL: case SETALL: {
      HostSemidDs ds{};
      int64_t r = HostSyscall(SYS_semctl, id, 0, IPC_STAT, reinterpret_cast<uint64_t>(&ds));
      if (r < 0) return r;
      return HostSyscall(SYS_semctl, id, num, cmd, HostAddress(task, arg, ds.sem_nsems * sizeof(uint16_t)));
    }
    case IPC_INFO: case SEM_INFO:
      return HostSyscall(SYS_semctl, id, num, cmd, HostAddress(task, arg, sizeof(seminfo)));
    default:  // GETVAL, SETVAL (an int), GETPID, GETNCNT, GETZCNT, IPC_RMID, unknown commands
      return HostSyscall(SYS_semctl, id, num, cmd, arg);
  }
}

int64_t SysSemtimedop(Task& task, const SyscallArgs& a) {
  constexpr uint64_t kSembufSize = 6;  // struct sembuf: three shorts
  uint64_t nsops = a.raw[2];
  uint64_t timeout = a.raw[3] ? HostAddress(task, a.raw[3], sizeof(timespec)) : 0;
  return SafeHostSyscall(restart::kInterrupted, SYS_semtimedop, a.raw[0],
                         HostAddress(task, a.raw[1], nsops ? nsops * kSembufSize : 1), nsops, timeout);
}

int64_t SysSemop(Task& task, const SyscallArgs& a) {
  SyscallArgs timed = a;
  timed.raw[3] = 0;
  return SysSemtimedop(task, timed);
}

// struct msgbuf: a long mtype, then msgsz bytes.
int64_t SysMsgsnd(Task& task, const SyscallArgs& a) {
  return SafeHostSyscall(restart::kInterrupted, SYS_msgsnd, a.raw[0], HostAddress(task, a.raw[1], a.raw[2] + 8),
                         a.raw[2], a.raw[3]);
}

int64_t SysMsgrcv(Task& task, const SyscallArgs& a) {
  return SafeHostSyscall(restart::kInterrupted, SYS_msgrcv, a.raw[0], HostAddress(task, a.raw[1], a.raw[2] + 8),
                         a.raw[2], a.raw[3], a.raw[4]);
}

// struct msqid64_ds is the same on the host.
int64_t SysMsgctl(Task& task, const SyscallArgs& a) {
  int cmd = static_cast<int>(a.raw[1]);
  if (cmd & kIpc64) return -EINVAL;
  uint64_t arg = a.raw[2];
  if (cmd != IPC_RMID) arg = HostAddress(task, arg, sizeof(msqid_ds));
  return HostSyscall(SYS_msgctl, a.raw[0], cmd, arg);
}

int64_t SysShmctl(Task& task, const SyscallArgs& a) {
  int cmd = static_cast<int>(a.raw[1]);
  if (cmd & kIpc64) return -EINVAL;
  uint64_t arg = a.raw[2];
  switch (cmd) {
    case IPC_STAT: case IPC_SET: case SHM_STAT: case kShmStatAny:
      arg = HostAddress(task, arg, sizeof(shmid_ds));
      break;
    case IPC_INFO: case SHM_INFO:
      arg = HostAddress(task, arg, sizeof(shminfo));
      break;
    default:
      break;
  }
  return HostSyscall(SYS_shmctl, a.raw[0], cmd, arg);
}

int64_t SysShmat(Task& task, const SyscallArgs& a) {
  MemoryChange changing(task);  // one change at a time, no thread running
  int id = static_cast<int>(a.raw[0]);
  uint64_t addr = a.raw[1];
  int flags = static_cast<int>(a.raw[2]);
  shmid_ds ds{};
  int64_t r = HostSyscall(SYS_shmctl, id, IPC_STAT, reinterpret_cast<uint64_t>(&ds));
  if (r < 0) return r;
  uint64_t len = PageUp(ds.shm_segsz);
  if (addr) {
    // Mirrors the kernel's do_shmat: SHM_RND rounds down to SHMLBA, and
    // must not round a remapping down to address 0.
    uint64_t shmlba = task.arch.shmlba;
    if (addr % shmlba) {
      if (!(flags & SHM_RND)) return -EINVAL;
      addr -= addr % shmlba;
      if (addr == 0 && (flags & SHM_REMAP)) return -EINVAL;
    }
    if (addr % kPageSize) return -EINVAL;
    if (!task.memory.InSpace(addr, len)) return -EINVAL;
    if (!(flags & SHM_REMAP) && !task.memory.IsFree(addr, len)) return -EINVAL;
  } else {
    if (flags & SHM_REMAP) return -EINVAL;
    addr = task.memory.FindFree(len);
    if (addr == 0) return -ENOMEM;
  }
  r = HostSyscall(SYS_shmat, id, reinterpret_cast<uint64_t>(task.memory.Host(addr)),
                  (flags & (SHM_RDONLY | SHM_EXEC)) | SHM_REMAP);
  if (r < 0) return r;
  int prot = (flags & SHM_RDONLY) ? PROT_READ : PROT_READ | PROT_WRITE;
  if (flags & SHM_EXEC) prot |= PROT_EXEC;
  char label[32];
  snprintf(label, sizeof label, "/SYSV%08x", static_cast<uint32_t>(ds.shm_perm.__key));
  MappingOrigin origin;
  origin.name = label;
  task.memory.NoteAttached(addr, len, prot, std::move(origin));
  Attachments()[addr] = len;
  // Writable shared memory: guest code runs under the fork tree's CPU lock (threads.h).
  if (prot & PROT_WRITE) task.process.shares_memory = true;
  return static_cast<int64_t>(addr);
}

int64_t SysShmdt(Task& task, const SyscallArgs& a) {
  MemoryChange changing(task);
  uint64_t addr = a.raw[0];
  if (addr % kPageSize) return -EINVAL;
  auto& attached = Attachments();
  auto it = attached.find(addr);
  if (it == attached.end() || !task.memory.IsMapped(addr, it->second)) {
    if (it != attached.end()) attached.erase(it);
    return -EINVAL;
  }
  int64_t r = HostSyscall(SYS_shmdt, reinterpret_cast<uint64_t>(task.memory.Host(addr)));
  if (r < 0) return r;
  task.memory.Unmap(addr, it->second);  // the reservation is whole again
  attached.erase(it);
  return 0;
}

// mq_notify: struct sigevent is the host's; with SIGEV_THREAD (glibc's
// netlink notification) the kernel reads a 32-byte cookie through
// sigev_value.sival_ptr, a guest pointer.
int64_t SysMqNotify(Task& task, const SyscallArgs& a) {
  constexpr uint64_t kNotifyCookieLen = 32;
  if (!a.raw[1]) return HostSyscall(SYS_mq_notify, a.raw[0], 0);
  struct sigevent event;
  if (!task.memory.Read(a.raw[1], &event, sizeof event)) return -EFAULT;
  if (event.sigev_notify == SIGEV_THREAD) {
    uint64_t cookie = reinterpret_cast<uint64_t>(event.sigev_value.sival_ptr);
    event.sigev_value.sival_ptr = GuestBuffer(task, cookie, kNotifyCookieLen);
  }
  return HostSyscall(SYS_mq_notify, a.raw[0], reinterpret_cast<uint64_t>(&event));
}

}  // namespace ferry
