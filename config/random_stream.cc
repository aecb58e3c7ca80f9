#include "config/random_stream.h"

#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <algorithm>
#include <cstring>

namespace ferry {
namespace {

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

struct Stream {
  bool seeded = false;
  uint64_t key = 0;
  std::atomic<uint64_t> position{0};
  uint64_t forks = 0;  // forks this process made so far (each child's key)
};
Stream stream;

}  // namespace

void StreamBytes(uint64_t key, uint64_t position, void* out, size_t n) {
  auto* bytes = static_cast<uint8_t*>(out);
  while (n > 0) {
    uint64_t word = SplitMix64Mix(key + (position / 8 + 1) * kGolden);
    size_t skip = position % 8;
    size_t take = std::min<size_t>(8 - skip, n);
    for (size_t i = 0; i < take; ++i) bytes[i] = static_cast<uint8_t>(word >> (8 * (skip + i)));
    bytes += take;
    position += take;
    n -= take;
  }
}

void SeedRandomStream(uint64_t seed) {
  stream.seeded = true;
  stream.key = SplitMix64Mix(seed);
  stream.position = 0;
  stream.forks = 0;
}

bool RandomStreamSeeded() { return stream.seeded; }

void NextRandomBytes(void* out, size_t n) {
  StreamBytes(stream.key, stream.position.fetch_add(n), out, n);
}

void RandomStreamForkedChild() {
  stream.key = SplitMix64Mix(stream.key ^ SplitMix64Mix(stream.forks + 1));
  stream.position = 0;
  stream.forks = 0;
}

void RandomStreamForkedParent() { ++stream.forks; }

std::string RandomStreamState() {
  char text[64];
  snprintf(text, sizeof text, "%" PRIx64 ":%" PRIx64 ":%" PRIx64, stream.key, stream.position.load(),
           stream.forks);
  return text;
}

bool RestoreRandomStream(const std::string& state) {
  uint64_t key, position, forks;
  int used = 0;
  if (sscanf(state.c_str(), "%" SCNx64 ":%" SCNx64 ":%" SCNx64 "%n", &key, &position, &forks, &used) != 3 ||
      static_cast<size_t>(used) != state.size()) {
    return false;
  }
  stream.seeded = true;
  stream.key = key;
  stream.position = position;
  stream.forks = forks;
  return true;
}

}  // namespace ferry
