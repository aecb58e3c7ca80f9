#include "arch/generic/stat.h"

#include <cstring>

namespace guest {

void EncodeGenericStat(const struct stat& host, void* guest_out) {
  GenericStat s{};
  s.st_dev = host.st_dev;
  s.st_ino = host.st_ino;
  s.st_mode = host.st_mode;
  s.st_nlink = static_cast<uint32_t>(host.st_nlink);
  s.st_uid = host.st_uid;
  s.st_gid = host.st_gid;
  s.st_rdev = host.st_rdev;
  s.st_size = host.st_size;
  s.st_blksize = static_cast<int32_t>(host.st_blksize);
  s.st_blocks = host.st_blocks;
  s.st_atime_sec = host.st_atim.tv_sec;
  s.st_atime_nsec = host.st_atim.tv_nsec;
  s.st_mtime_sec = host.st_mtim.tv_sec;
  s.st_mtime_nsec = host.st_mtim.tv_nsec;
  s.st_ctime_sec = host.st_ctim.tv_sec;
  s.st_ctime_nsec = host.st_ctim.tv_nsec;
  std::memcpy(guest_out, &s, sizeof s);
}

}  // namespace guest
