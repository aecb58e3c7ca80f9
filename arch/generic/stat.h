// The asm-generic `struct stat` (include/uapi/asm-generic/stat.h), shared by
// AArch64 and RISC-V64; x86_64's layout differs, so stat results are encoded.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>

namespace guest {

struct GenericStat {
  uint64_t st_dev;
  uint64_t st_ino;
  uint32_t st_mode;
  uint32_t st_nlink;
  uint32_t st_uid;
  uint32_t st_gid;
  uint64_t st_rdev;
  uint64_t pad1;
  int64_t st_size;
  int32_t st_blksize;
  int32_t pad2;
  int64_t st_blocks;
  int64_t st_atime_sec;
  uint64_t st_atime_nsec;
  int64_t st_mtime_sec;
  uint64_t st_mtime_nsec;
  int64_t st_ctime_sec;
  uint64_t st_ctime_nsec;
  uint32_t unused4;
  uint32_t unused5;
};
static_assert(sizeof(GenericStat) == 128);
static_assert(offsetof(GenericStat, st_size) == 48);
static_assert(offsetof(GenericStat, st_blocks) == 64);
static_assert(offsetof(GenericStat, st_atime_sec) == 72);
static_assert(offsetof(GenericStat, st_ctime_nsec) == 112);

void EncodeGenericStat(const struct stat& host, void* guest_out);

}  // namespace guest
