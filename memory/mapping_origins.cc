#include "memory/mapping_origins.h"

#include <iterator>
#include <vector>

namespace ferry {

void MappingOrigins::Set(uint64_t lo, uint64_t hi, MappingOrigin origin) {
  if (lo >= hi) return;
  Clear(lo, hi);
  auto next = entries_.lower_bound(lo);
  if (origin.inode == 0 && next != entries_.begin()) {
    auto prev = std::prev(next);
    if (prev->second.end == lo && prev->second.origin.inode == 0 &&
        prev->second.origin.name == origin.name) {
      prev->second.end = hi;
      return;
    }
  }
  entries_[lo] = Entry{hi, std::move(origin)};
}

void MappingOrigins::Clear(uint64_t lo, uint64_t hi) {
  auto it = entries_.upper_bound(lo);
  if (it != entries_.begin() && std::prev(it)->second.end > lo) --it;
  std::vector<std::pair<uint64_t, Entry>> keep;
  while (it != entries_.end() && it->first < hi) {
    uint64_t start = it->first;
    Entry e = std::move(it->second);
    it = entries_.erase(it);
    if (start < lo) keep.push_back({start, Entry{lo, e.origin}});
    if (e.end > hi) {
      MappingOrigin tail = e.origin;
      if (tail.inode != 0) tail.offset += hi - start;
      keep.push_back({hi, Entry{e.end, std::move(tail)}});
    }
  }
  for (auto& [start, e] : keep) entries_[start] = std::move(e);
}

void MappingOrigins::Move(uint64_t from, uint64_t len, uint64_t to) {
  std::vector<std::pair<uint64_t, Entry>> moved;
  uint64_t end = from + len;
  for (uint64_t a = from; a < end;) {
    uint64_t start, stop;
    const MappingOrigin* o = Find(a, &start, &stop);
    stop = std::min(stop, end);
    if (o) {
      MappingOrigin copy = *o;
      if (copy.inode != 0) copy.offset += a - start;
      moved.push_back({a - from + to, Entry{stop - from + to, std::move(copy)}});
    }
    a = stop;
  }
  Clear(from, end);
  Clear(to, to + len);
  for (auto& [start, e] : moved) Set(start, e.end, std::move(e.origin));
}

const MappingOrigin* MappingOrigins::Find(uint64_t addr, uint64_t* start, uint64_t* end) const {
  auto next = entries_.upper_bound(addr);
  if (next != entries_.begin()) {
    auto it = std::prev(next);
    if (it->second.end > addr) {
      *start = it->first;
      *end = it->second.end;
      return &it->second.origin;
    }
    *start = it->second.end;
  } else {
    *start = 0;
  }
  *end = next == entries_.end() ? UINT64_MAX : next->first;
  return nullptr;
}

}  // namespace ferry
