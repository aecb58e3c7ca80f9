// Where guest mappings came from: the file (path, device, inode, offset) or
// a label such as [stack], per page range, for the guest's /proc/self/maps.
// Ranges split and move with munmap, mmap over them and mremap.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace ferry {

struct MappingOrigin {
  uint64_t offset = 0;  // file offset of the range's first byte
  uint64_t dev = 0;     // host st_dev
  uint64_t inode = 0;
  std::string name;     // file path, or a label like "[heap]" (inode 0)
  bool shared = false;  // MAP_SHARED
};

class MappingOrigins {
 public:
  // Records [lo, hi) as coming from `origin`; a label continues an adjacent
  // range with the same label.
  void Set(uint64_t lo, uint64_t hi, MappingOrigin origin);
  void Clear(uint64_t lo, uint64_t hi);
  // mremap: the origins of [from, from+len) now describe [to, to+len).
  void Move(uint64_t from, uint64_t len, uint64_t to);
  // The origin of `addr` (nullptr when anonymous) and the range it covers;
  // for an anonymous address, [*start, *end) is the gap around it.
  const MappingOrigin* Find(uint64_t addr, uint64_t* start, uint64_t* end) const;

 private:
  struct Entry {
    uint64_t end;
    MappingOrigin origin;
  };
  std::map<uint64_t, Entry> entries_;  // start -> entry, disjoint
};

}  // namespace ferry
