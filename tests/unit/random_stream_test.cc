// --seed's generator (config/random_stream.h): SplitMix64 in counter mode.
#include <doctest/doctest.h>

#include <cstring>

#include "config/random_stream.h"

namespace ferry {
namespace {

uint64_t Word(uint64_t key, uint64_t position) {
  uint64_t w;
  StreamBytes(key, position, &w, sizeof w);
  return w;
}

TEST_CASE("a stream's words are SplitMix64's outputs for its key") {
  // SplitMix64 from state 0: the reference sequence.
  CHECK(Word(0, 0) == 0xe220a8397b1dcdafULL);
  CHECK(Word(0, 8) == 0x6e789e6aa1b965f4ULL);
  CHECK(Word(0, 16) == 0x06c45d188009454fULL);
}

TEST_CASE("any position and length give the same bytes as one long read") {
  uint8_t whole[64], part[64];
  StreamBytes(42, 0, whole, sizeof whole);
  for (uint64_t at = 0; at < 40; at += 3) {
    StreamBytes(42, at, part, 21);
    CHECK(memcmp(part, whole + at, 21) == 0);
  }
}

TEST_CASE("the process stream: seed, fork and execve") {
  SeedRandomStream(1);
  REQUIRE(RandomStreamSeeded());
  uint8_t first[16], again[16];
  NextRandomBytes(first, sizeof first);
  std::string after_first = RandomStreamState();
  SeedRandomStream(1);
  NextRandomBytes(again, 10);
  NextRandomBytes(again + 10, 6);
  CHECK(memcmp(first, again, sizeof first) == 0);  // same seed, same bytes, however read
  CHECK(RandomStreamState() == after_first);

  // An execve continues the stream where it was.
  uint8_t next[8], restored[8];
  std::string state = RandomStreamState();
  NextRandomBytes(next, sizeof next);
  REQUIRE(RestoreRandomStream(state));
  NextRandomBytes(restored, sizeof restored);
  CHECK(memcmp(next, restored, sizeof next) == 0);
  CHECK_FALSE(RestoreRandomStream("1:2"));
  CHECK_FALSE(RestoreRandomStream("1:2:3x"));
  CHECK_FALSE(RestoreRandomStream(""));

  // Each fork's child gets its own stream, decided by the fork's number.
  REQUIRE(RestoreRandomStream(state));
  RandomStreamForkedChild();
  uint8_t child0[8];
  NextRandomBytes(child0, sizeof child0);
  REQUIRE(RestoreRandomStream(state));
  RandomStreamForkedParent();
  RandomStreamForkedChild();
  uint8_t child1[8];
  NextRandomBytes(child1, sizeof child1);
  CHECK(memcmp(child0, child1, sizeof child0) != 0);
  CHECK(memcmp(child0, next, sizeof child0) != 0);
  REQUIRE(RestoreRandomStream(state));
  RandomStreamForkedChild();
  uint8_t child0_again[8];
  NextRandomBytes(child0_again, sizeof child0_again);
  CHECK(memcmp(child0, child0_again, sizeof child0) == 0);
}

}  // namespace
}  // namespace ferry
