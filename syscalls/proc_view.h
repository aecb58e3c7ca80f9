// The /proc files a guest reads about itself, shown as the guest's own and
// not ferry's (what qemu-user calls fake opens): its program, mappings, auxv,
// argv, stat line, status (its seccomp lines), and /proc/cpuinfo for its arch, and its
// /proc/self/task listing. The rest of /proc is the host's.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace ferry {

class Task;

enum class ProcFile : uint8_t { kNone, kExe, kMaps, kSmaps, kAuxv, kCmdline, kStat, kStatus, kCpuinfo };

// Which of them `path` names in a process whose id is `pid`: /proc/self/X,
// /proc/thread-self/X, /proc/PID/X, /proc/PID/task/PID/X, /proc/cpuinfo.
ProcFile ClassifyProcPath(const std::string& path, pid_t pid);

// Its contents now, as the kernel would show them for the guest.
std::string ProcFileContents(const Task& task, ProcFile file);

// openat of one of them: a descriptor for the guest's program (kExe), or
// for a sealed-off copy of the contents; -errno on failure.
int64_t OpenProcFile(const Task& task, ProcFile file, uint32_t host_flags, uint64_t mode);

// getdents64's `n` bytes of entries at `entries`, read from host descriptor
// `fd`: when it is this process's /proc/PID/task, without the relay host
// threads (Process::relay_tids), which are no guest threads. Returns the
// bytes kept (0 when every entry was a relay's: read on).
int64_t WithoutRelayTasks(const Task& task, int fd, uint8_t* entries, int64_t n);

// A new memfd (memfd_create's `flags`) holding `bytes`, its offset at the
// end; -errno on failure.
int64_t MemfdHolding(const std::string& bytes, const char* name, unsigned flags);

// One /proc/PID/maps line in the kernel's layout (show_vma_header_prefix):
// the name, when there is one, starts at column 73.
std::string MapsLine(uint64_t start, uint64_t end, uint8_t prot, bool shared, uint64_t offset,
                     uint64_t dev, uint64_t inode, const std::string& name);

}  // namespace ferry
