#include "arch/generic/abi.h"

#include <algorithm>
#include <cstring>

namespace guest {
namespace {

// A word of word_size bytes at `bytes`, little-endian.
uint64_t LoadWord(uint8_t word_size, const uint8_t* bytes) {
  uint64_t w = 0;
  for (int i = word_size; i-- > 0;) w = w << 8 | bytes[i];
  return w;
}

}  // namespace


bool ReadWord(const arch::ArchInfo& a, const arch::GuestAccess& memory, uint64_t addr, Word* out) {
  uint8_t bytes[8];
  if (!memory.Read(addr, bytes, a.word_size)) return false;
  *out = LoadWord(a.word_size, bytes);
  return true;
}

bool WriteWord(const arch::ArchInfo& a, arch::GuestAccess& memory, uint64_t addr, Word value) {
  uint8_t bytes[8];
  StoreWords(a.word_size, &value, 1, bytes);
  return memory.Write(addr, bytes, a.word_size);
}

void StoreWords(uint8_t word_size, const uint64_t* words, size_t count, uint8_t* out) {
  for (size_t w = 0; w < count; ++w) {
    for (int i = 0; i < word_size; ++i) *out++ = static_cast<uint8_t>(words[w] >> (8 * i));
  }
}

// In batches, one guest read each: writev's array is on a hot path.
bool ReadIovecs(const arch::ArchInfo& a, const arch::GuestAccess& memory, uint64_t addr, uint64_t count, Iovec* out) {
  constexpr uint64_t kBatch = 64;
  uint8_t bytes[kBatch * 2 * 8];
  for (uint64_t done = 0; done < count;) {
    uint64_t n = std::min(kBatch, count - done);
    if (!memory.Read(addr + done * IovecSize(a), bytes, n * IovecSize(a))) return false;
    for (uint64_t i = 0; i < n; ++i) {
      const uint8_t* entry = bytes + i * IovecSize(a);
      out[done + i] = {LoadWord(a.word_size, entry), LoadWord(a.word_size, entry + a.word_size)};
    }
    done += n;
  }
  return true;
}

// Field by field, each as wide as the arch's words: handler, flags,
// [restorer], then the 8-byte mask.
bool ReadSigaction(const arch::ArchInfo& a, const arch::GuestAccess& memory, uint64_t addr, Sigaction* out) {
  Sigaction act;
  uint64_t at = addr;
  auto word = [&](Word* w) {
    bool ok = ReadWord(a, memory, at, w);
    at += a.word_size;
    return ok;
  };
  if (!word(&act.handler) || !word(&act.flags)) return false;
  if (a.sigaction_has_restorer && !word(&act.restorer)) return false;
  if (!memory.Read(at, &act.mask, sizeof act.mask)) return false;
  *out = act;
  return true;
}

bool WriteSigaction(const arch::ArchInfo& a, arch::GuestAccess& memory, uint64_t addr, const Sigaction& in) {
  uint8_t bytes[3 * 8 + kSigsetSize];
  uint64_t words[3] = {in.handler, in.flags, in.restorer};
  size_t nwords = a.sigaction_has_restorer ? 3 : 2;
  StoreWords(a.word_size, words, nwords, bytes);
  memcpy(bytes + nwords * a.word_size, &in.mask, sizeof in.mask);
  return memory.Write(addr, bytes, SigactionSize(a));
}

}  // namespace guest
