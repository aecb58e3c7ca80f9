#include "gdb/gdb_host_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "gdb/gdb_packets.h"
#include "runtime/task.h"

namespace ferry {
namespace {

constexpr size_t kPrefix = 6;  // "vFile:"

// gdb's File-I/O errno numbers: the common ones equal Linux's.
int FileioErrno(int e) {
  switch (e) {
    case EPERM: case ENOENT: case EINTR: case EBADF: case EACCES: case EFAULT: case EBUSY:
    case EEXIST: case ENODEV: case ENOTDIR: case EISDIR: case EINVAL: case ENFILE: case EMFILE:
    case EFBIG: case ENOSPC: case ESPIPE: case EROFS:
      return e;
    case ENAMETOOLONG: return 91;
    default: return 9999;
  }
}

std::string FileError(int e) { return "F-1," + GdbNumber(FileioErrno(e)); }

// A success reply carrying data: "F" LENGTH ";" DATA.
std::string FileData(const std::string& data) { return "F" + GdbNumber(data.size()) + ";" + data; }

void PutBig(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}

}  // namespace

void GdbHostFiles::CloseAll() {
  for (auto& [id, fd] : files_) close(fd);
  files_.clear();
}

std::string GdbHostFiles::Serve(const Task& task, const std::string& packet) {
  size_t colon = packet.find(':', kPrefix);
  std::string op = packet.substr(kPrefix, colon - kPrefix);
  std::string args = packet.substr(colon + 1);
  if (op == "setfs") return "F0";  // one filesystem: the guest's
  if (op == "open") return Open(task, args);
  size_t pos = 0;
  uint64_t id;
  if (!GdbParseHex(args, &pos, &id)) return FileError(EINVAL);
  if (op == "readlink") return Readlink(task, args);
  auto it = files_.find(static_cast<int>(id));
  if (it == files_.end()) return FileError(EBADF);
  if (op == "close") {
    close(it->second);
    files_.erase(it);
    return "F0";
  }
  if (op == "pread") return Pread(it->second, args, pos);
  if (op == "fstat") return Fstat(it->second);
  return "";
}

// open:PATHHEX,FLAGS,MODE
std::string GdbHostFiles::Open(const Task& task, const std::string& args) {
  std::string path;
  if (!GdbFromHex(args.substr(0, args.find(',')), &path)) return "F-1,16";
  size_t pos = args.find(',') + 1;
  uint64_t flags;
  if (!GdbParseHex(args, &pos, &flags)) return FileError(EINVAL);
  if (flags != 0) return FileError(EACCES);  // read-only
  std::string host = task.process.sysroot.Resolve(path);
  // The program itself may live outside the sysroot (qXfer:exec-file names it).
  if (path == task.process.exe_path) host = task.process.exe_host_path;
  int fd = open(host.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError(errno);
  int id = files_.empty() ? 1 : files_.rbegin()->first + 1;
  files_[id] = fd;
  return "F" + GdbNumber(id);
}

// readlink:PATHHEX: the target as the guest would see it.
std::string GdbHostFiles::Readlink(const Task& task, const std::string& args) {
  std::string path;
  if (!GdbFromHex(args, &path)) return FileError(EINVAL);
  char target[4096];
  ssize_t n = readlink(task.process.sysroot.Resolve(path, false).c_str(), target, sizeof target);
  if (n < 0) return FileError(errno);
  // The count is the length of what follows: the target as the guest sees it.
  std::string shown = task.process.sysroot.GuestView(std::string(target, n));
  return "F" + GdbNumber(shown.size()) + ";" + shown;
}

// pread:FD,COUNT,OFFSET (FD already read up to `pos`)
std::string GdbHostFiles::Pread(int fd, const std::string& args, size_t pos) {
  uint64_t count, offset;
  if (pos >= args.size() || args[pos++] != ',' || !GdbParseHexThen(args, &pos, &count, ',') ||
      !GdbParseHex(args, &pos, &offset)) {
    return FileError(EINVAL);
  }
  std::string data(std::min<uint64_t>(count, kGdbPacketSize / 2), '\0');
  ssize_t n = pread(fd, data.data(), data.size(), static_cast<off_t>(offset));
  if (n < 0) return FileError(errno);
  return FileData(data.substr(0, n));
}

// gdb's struct stat: big-endian, fixed widths.
std::string GdbHostFiles::Fstat(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return FileError(errno);
  const std::pair<uint64_t, int> fields[] = {  // value, width in bytes
      {st.st_dev, 4},     {st.st_ino, 4},   {st.st_mode, 4},    {st.st_nlink, 4}, {st.st_uid, 4},
      {st.st_gid, 4},     {st.st_rdev, 4},  {st.st_size, 8},    {st.st_blksize, 8},
      {st.st_blocks, 8},  {st.st_atime, 4}, {st.st_mtime, 4},   {st.st_ctime, 4},
  };
  std::string out;
  for (auto [value, width] : fields) PutBig(&out, value, width);
  return FileData(out);
}

}  // namespace ferry
