// The guest's random bytes under --seed: AT_RANDOM, getrandom and reads of
// /dev/urandom and /dev/random all come from one stream per process.
//
// The generator is SplitMix64 (Steele, Lea and Flood, "Fast splittable
// pseudorandom number generators", 2014) used in counter mode: word i of a
// stream is Mix(key + (i + 1) * golden ratio), where Mix is SplitMix64's
// finalizer and key identifies the stream. Byte p of the stream is byte p % 8
// (little-endian) of word p / 8, so any position can be produced directly
// and concurrent readers only need an atomic position. Not cryptographic:
// it is for reproducible runs, not secrets.
//
// The first process's key is Mix(seed). Each fork gives the child a new
// stream keyed by Mix(parent key ^ Mix(number of forks so far + 1)), so a
// child's bytes depend only on the seed and the fork's place among its
// parent's forks, not on timing. An execve keeps the stream (key, position,
// forks), passed to the next ferry by State and Restore.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace ferry {

// SplitMix64's output function.
constexpr uint64_t SplitMix64Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Byte `position` of the stream with key `key`.
void StreamBytes(uint64_t key, uint64_t position, void* out, size_t n);

// The process's stream (one ferry process runs one guest process).
// Unseeded until SeedRandomStream or RestoreRandomStream.
void SeedRandomStream(uint64_t seed);
bool RandomStreamSeeded();
// The next n bytes of the process's stream; thread-safe.
void NextRandomBytes(void* out, size_t n);
// In a forked child: switch to the child's stream. In the parent, after a
// fork (successful or not, so the numbering stays the same either way):
// count it.
void RandomStreamForkedChild();
void RandomStreamForkedParent();
// "KEY:POSITION:FORKS" in hex, for a re-run of ferry after a guest execve.
std::string RandomStreamState();
bool RestoreRandomStream(const std::string& state);

}  // namespace ferry
