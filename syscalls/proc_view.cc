#include "syscalls/proc_view.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "arch/generic/abi.h"
#include "host/host_syscall.h"
#include "runtime/task.h"
#include "runtime/threads.h"

namespace ferry {
namespace {

// The part of `path` after "/proc/<self>/" (and "task/<tid>/"), or "" when
// it is not about this process.
std::string OwnProcEntry(const std::string& path, pid_t pid) {
  const std::string proc = "/proc/";
  if (path.compare(0, proc.size(), proc) != 0) return "";
  std::string rest = path.substr(proc.size());
  std::string id = std::to_string(pid);
  for (const std::string& self : {std::string("self/"), std::string("thread-self/"), id + "/"}) {
    if (rest.compare(0, self.size(), self) != 0) continue;
    rest.erase(0, self.size());
    std::string task_dir = "task/" + id + "/";
    if (self != "thread-self/" && rest.compare(0, task_dir.size(), task_dir) == 0) {
      rest.erase(0, task_dir.size());
    }
    return rest;
  }
  return "";
}

std::string Maps(const Task& task, bool smaps) {
  const GuestMemory& memory = task.memory;
  std::string out;
  for (auto [lo, hi] : memory.ranges()) {
    for (uint64_t at = lo; at < hi;) {
      constexpr uint8_t kShown = kPageRead | kPageWrite | kPageExec | kPageMapped;
      uint8_t state = memory.PageState(at) & kShown;
      uint64_t o_start, o_end;
      const MappingOrigin* origin = memory.origins().Find(at, &o_start, &o_end);
      uint64_t limit = std::min(hi, o_end), end = at + kPageSize;
      while (end < limit && (memory.PageState(end) & kShown) == state) end += kPageSize;
      uint64_t offset = origin && origin->inode ? origin->offset + (at - o_start) : 0;
      out += MapsLine(at, end, state, origin && origin->shared, offset, origin ? origin->dev : 0,
                      origin ? origin->inode : 0, origin ? task.process.sysroot.GuestView(origin->name) : "");
      if (smaps) {
        uint64_t kb = (end - at) / 1024;
        char buf[512];
        snprintf(buf, sizeof buf,
                 "Size:           %8llu kB\nKernelPageSize:        4 kB\nMMUPageSize:           4 kB\n"
                 "Rss:            %8llu kB\nPss:            %8llu kB\nAnonymous:      %8llu kB\n"
                 "Swap:                  0 kB\nLocked:                0 kB\n",
                 (unsigned long long)kb, (unsigned long long)kb, (unsigned long long)kb,
                 (unsigned long long)(origin && origin->inode ? 0 : kb));
        out += buf;
      }
      at = end;
    }
  }
  return out;
}

std::string GuestBytes(const Task& task, uint64_t start, uint64_t end) {
  std::string out(end > start ? end - start : 0, '\0');
  if (!out.empty() && !task.memory.Read(start, out.data(), out.size())) out.clear();
  return out;
}

// A host /proc/self file whose thread count includes relay host threads,
// with how many there were as it was read: counted before and after, again
// while a relay ended in between (it may have been counted or not).
std::string HostFileAndRelays(const char* path, Process& process, size_t* relays) {
  std::string host;
  for (int attempt = 0; attempt < 8; ++attempt) {
    size_t before = RelayTids(process).size();
    host.clear();
    if (FILE* f = fopen(path, "re")) {
      char buf[4096];
      size_t n;
      while ((n = fread(buf, 1, sizeof buf, f)) > 0) host.append(buf, n);
      fclose(f);
    }
    *relays = RelayTids(process).size();
    if (*relays == before) break;
  }
  return host;
}

// The host's own stat line with the fields that describe the guest replaced:
// the code, stack, argument and environment addresses.
std::string Stat(const Task& task) {
  size_t relays = 0;
  std::string host = HostFileAndRelays("/proc/self/stat", task.process, &relays);
  size_t open = host.find('('), close = host.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return host;
  std::vector<std::string> fields;  // from field 3 (state) on
  size_t pos = close + 2;
  while (pos < host.size()) {
    size_t space = host.find_first_of(" \n", pos);
    if (space == std::string::npos) space = host.size();
    fields.push_back(host.substr(pos, space - pos));
    pos = space + 1;
  }
  const ProgramLayout& l = task.process.layout;
  auto set = [&](size_t field, uint64_t value) {  // 1-based field numbers, as proc(5)
    if (field - 3 < fields.size()) fields[field - 3] = std::to_string(value);
  };
  set(26, l.start_code);
  set(27, l.end_code);
  set(28, l.start_stack);
  set(48, l.arg_start);
  set(49, l.arg_end);
  set(50, l.env_start);
  set(51, l.env_end);
  if (relays && 20 - 3 < fields.size()) {
    set(20, std::strtoull(fields[20 - 3].c_str(), nullptr, 10) - relays);  // num_threads
  }
  std::string out = host.substr(0, close + 1);  // comm is the guest's (program_loader.cc, prctl)
  for (const std::string& f : fields) out += " " + f;
  return out + "\n";
}

// The host's status file with the seccomp lines the guest's (ferry runs its
// filters; the host has none): the calling thread's mode and filter count;
// and Threads: without relay host threads.
std::string Status(const Task& task) {
  size_t relays = 0;
  std::string host = HostFileAndRelays("/proc/self/status", task.process, &relays);
  auto value_at = [&](const std::string& key) -> size_t {
    size_t at = host.find("\n" + key + ":\t");
    return at == std::string::npos ? at : at + key.size() + 3;
  };
  auto replace = [&](const std::string& key, long value) {
    size_t at = value_at(key);
    if (at == std::string::npos) return;
    size_t end = host.find('\n', at);
    host.replace(at, end == std::string::npos ? std::string::npos : end - at, std::to_string(value));
  };
  replace("Seccomp", task.seccomp.mode());
  replace("Seccomp_filters", task.seccomp.filter_count());
  if (relays && value_at("Threads") != std::string::npos) {
    replace("Threads", std::strtol(host.c_str() + value_at("Threads"), nullptr, 10) - static_cast<long>(relays));
  }
  return host;
}

std::string Cpuinfo(const Task& task) {
  std::string out;
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  for (long i = 0; i < (n > 0 ? n : 1); ++i) {
    char buf[1024];
    snprintf(buf, sizeof buf, task.arch.cpuinfo_entry, static_cast<int>(i), static_cast<int>(i));
    out += buf;
  }
  return out;
}

}  // namespace

// "//proc/./self//maps" -> "/proc/self/maps": the kernel's lookup ignores
// empty and "." components (".." is left alone: it may cross a symlink).
std::string Lexical(const std::string& path) {
  std::string out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    std::string part = path.substr(pos, slash - pos);
    if (!part.empty() && part != ".") out += "/" + part;
    pos = slash + 1;
  }
  return out.empty() ? "/" : out;
}

ProcFile ClassifyProcPath(const std::string& raw_path, pid_t pid) {
  if (raw_path.empty() || raw_path[0] != '/') return ProcFile::kNone;
  std::string path = Lexical(raw_path);
  if (path == "/proc/cpuinfo") return ProcFile::kCpuinfo;
  std::string entry = OwnProcEntry(path, pid);
  if (entry == "exe") return ProcFile::kExe;
  if (entry == "maps") return ProcFile::kMaps;
  if (entry == "smaps") return ProcFile::kSmaps;
  if (entry == "auxv") return ProcFile::kAuxv;
  if (entry == "cmdline") return ProcFile::kCmdline;
  if (entry == "stat") return ProcFile::kStat;
  if (entry == "status") return ProcFile::kStatus;
  return ProcFile::kNone;
}

std::string MapsLine(uint64_t start, uint64_t end, uint8_t prot, bool shared, uint64_t offset,
                     uint64_t dev, uint64_t inode, const std::string& name) {
  char buf[128];
  int n = snprintf(buf, sizeof buf, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ",
                   (unsigned long long)start, (unsigned long long)end, prot & PROT_READ ? 'r' : '-',
                   prot & PROT_WRITE ? 'w' : '-', prot & PROT_EXEC ? 'x' : '-', shared ? 's' : 'p',
                   (unsigned long long)offset, major(dev), minor(dev), (unsigned long long)inode);
  std::string line(buf, n);
  if (!name.empty()) {
    if (line.size() < 72) line.append(72 - line.size(), ' ');
    line += ' ' + name;
  }
  return line + "\n";
}

int64_t OpenProcFile(const Task& task, ProcFile file, uint32_t host_flags, uint64_t mode) {
  if (file == ProcFile::kExe) {
    return HostSyscall(SYS_openat, AT_FDCWD, reinterpret_cast<uint64_t>(task.process.exe_host_path.c_str()),
                       host_flags, mode);
  }
  if ((host_flags & O_ACCMODE) != O_RDONLY) return -EACCES;
  int64_t fd = MemfdHolding(ProcFileContents(task, file), "ferry-proc", (host_flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
  if (fd >= 0) HostSyscall(SYS_lseek, fd, 0, SEEK_SET);
  return fd;
}

int64_t MemfdHolding(const std::string& bytes, const char* name, unsigned flags) {
  int64_t fd = HostSyscall(SYS_memfd_create, reinterpret_cast<uint64_t>(name), flags);
  if (fd < 0) return fd;
  for (size_t done = 0; done < bytes.size();) {
    int64_t n = HostSyscall(SYS_write, fd, reinterpret_cast<uint64_t>(bytes.data() + done), bytes.size() - done);
    if (n <= 0) {
      HostSyscall(SYS_close, fd);
      return n < 0 ? n : -EIO;
    }
    done += n;
  }
  return fd;
}

int64_t WithoutRelayTasks(const Task& task, int fd, uint8_t* entries, int64_t n) {
  std::vector<pid_t> relays = RelayTids(task.process);
  if (relays.empty()) return n;
  char link[64];
  std::string fd_path = "/proc/self/fd/" + std::to_string(fd);
  ssize_t len = readlink(fd_path.c_str(), link, sizeof link);
  if (len < 0 || std::string(link, len) != "/proc/" + std::to_string(getpid()) + "/task") return n;
  // A dropped entry's d_off goes to the one before it, so telldir/seekdir
  // still land where the next read continues.
  int64_t kept = 0, previous = -1;
  for (int64_t at = 0; at + static_cast<int64_t>(sizeof(guest::Dirent64)) <= n;) {
    guest::Dirent64 entry;
    memcpy(&entry, entries + at, sizeof entry);
    if (entry.reclen == 0 || at + entry.reclen > n) break;
    const char* name = reinterpret_cast<const char*>(entries + at + guest::kDirent64NameOffset);
    bool relay = false;
    for (pid_t tid : relays) relay |= std::to_string(tid) == name;
    if (relay && previous >= 0) {
      memcpy(entries + previous + offsetof(guest::Dirent64, off), &entry.off, sizeof entry.off);
    }
    if (!relay) {
      if (kept != at) memmove(entries + kept, entries + at, entry.reclen);
      previous = kept;
      kept += entry.reclen;
    }
    at += entry.reclen;
  }
  return kept;
}

std::string ProcFileContents(const Task& task, ProcFile file) {
  std::lock_guard<std::recursive_mutex> reading(task.process.memory_lock);  // no mmap meanwhile
  switch (file) {
    case ProcFile::kMaps: return Maps(task, false);
    case ProcFile::kSmaps: return Maps(task, true);
    case ProcFile::kAuxv: return GuestBytes(task, task.process.layout.auxv, task.process.layout.auxv + task.process.layout.auxv_size);
    case ProcFile::kCmdline: return GuestBytes(task, task.process.layout.arg_start, task.process.layout.arg_end);
    case ProcFile::kStat: return Stat(task);
    case ProcFile::kStatus: return Status(task);
    case ProcFile::kCpuinfo: return Cpuinfo(task);
    case ProcFile::kExe:
    case ProcFile::kNone: break;
  }
  return "";
}

}  // namespace ferry
