// Generic code reads guest words as wide as the arch says: a fake ILP32
// arch (4-byte pointers) through the same readers AArch64 and RISC-V64 use.
#include <doctest/doctest.h>
#include <elf.h>

#include <cstring>
#include <vector>

#include "arch/arch.h"
#include "arch/generic/abi.h"
#include "loader/initial_stack.h"

namespace {

// A flat guest memory at kBase: enough to hold a few arrays.
class FlatMemory : public arch::GuestAccess {
 public:
  static constexpr uint64_t kBase = 0x10000;
  bool Read(uint64_t addr, void* dst, uint64_t len) const override {
    if (addr < kBase || addr + len > kBase + sizeof bytes_) return false;
    memcpy(dst, bytes_ + (addr - kBase), len);
    return true;
  }
  bool Write(uint64_t addr, const void* src, uint64_t len) override {
    if (addr < kBase || addr + len > kBase + sizeof bytes_) return false;
    memcpy(bytes_ + (addr - kBase), src, len);
    return true;
  }

 private:
  uint8_t bytes_[4096] = {};
};

arch::ArchInfo Ilp32() {
  arch::ArchInfo a = arch::kAarch64;
  a.name = "ilp32-test";
  a.word_size = 4;
  return a;
}

TEST_CASE("the supported arches have 8-byte words") {
  CHECK(arch::kAarch64.word_size == 8);
  CHECK(arch::kRiscv64.word_size == 8);
}

TEST_CASE("an iovec array with 4-byte pointers and lengths") {
  const arch::ArchInfo ilp32 = Ilp32();
  FlatMemory m;
  uint32_t array[6] = {0x2000, 5, 0x3000, 7, 0xfffffff0, 1};
  REQUIRE(m.Write(FlatMemory::kBase, array, sizeof array));
  CHECK(guest::IovecSize(ilp32) == 8);
  guest::Iovec iov[3];
  REQUIRE(guest::ReadIovecs(ilp32, m, FlatMemory::kBase, 3, iov));
  CHECK(iov[0].base == 0x2000);
  CHECK(iov[0].len == 5);
  CHECK(iov[1].base == 0x3000);
  CHECK(iov[1].len == 7);
  CHECK(iov[2].base == 0xfffffff0);  // zero-extended, not sign-extended
  // The same bytes as LP64 iovecs: one entry, pointer 5:0x2000.
  REQUIRE(guest::ReadIovecs(arch::kAarch64, m, FlatMemory::kBase, 1, iov));
  CHECK(iov[0].base == 0x500002000);
  // Past the end of memory: EFAULT's case.
  CHECK_FALSE(guest::ReadIovecs(ilp32, m, FlatMemory::kBase + 4096 - 12, 2, iov));
}

TEST_CASE("words and a sigaction, 4 bytes a field") {
  const arch::ArchInfo ilp32 = Ilp32();  // with sa_restorer, as AArch64
  FlatMemory m;
  REQUIRE(guest::WriteWord(ilp32, m, FlatMemory::kBase, 0x11223344));
  uint32_t raw;
  REQUIRE(m.Read(FlatMemory::kBase, &raw, 4));
  CHECK(raw == 0x11223344);
  guest::Word w = 0;
  REQUIRE(guest::ReadWord(ilp32, m, FlatMemory::kBase, &w));
  CHECK(w == 0x11223344);

  CHECK(guest::SigactionSize(ilp32) == 20);  // handler, flags, restorer, 64-bit mask
  guest::Sigaction act{0x8000, 0x10000000, 0x9000, 0x4001};
  REQUIRE(guest::WriteSigaction(ilp32, m, FlatMemory::kBase + 64, act));
  uint32_t fields[5];
  REQUIRE(m.Read(FlatMemory::kBase + 64, fields, sizeof fields));
  CHECK(fields[0] == 0x8000);
  CHECK(fields[1] == 0x10000000);
  CHECK(fields[2] == 0x9000);
  CHECK(fields[3] == 0x4001);  // the mask's low half
  CHECK(fields[4] == 0);
  guest::Sigaction back;
  REQUIRE(guest::ReadSigaction(ilp32, m, FlatMemory::kBase + 64, &back));
  CHECK(back.handler == 0x8000);
  CHECK(back.flags == 0x10000000);
  CHECK(back.restorer == 0x9000);
  CHECK(back.mask == 0x4001);
  CHECK(guest::SigactionSize(arch::kAarch64) == 32);
  CHECK(guest::SigactionSize(arch::kRiscv64) == 24);
}

TEST_CASE("the initial stack with 4-byte words: argc, argv, envp, auxv") {
  ferry::StackInputs in;
  in.argv = {"prog", "arg"};
  in.envp = {"A=1"};
  in.execfn = "/prog";
  in.platform = "ilp32";
  in.auxv = {{AT_PAGESZ, 4096}};
  in.word_size = 4;
  const uint64_t top = 0x80000;
  ferry::StackImage image = ferry::BuildInitialStack(in, top);
  CHECK(image.sp % 16 == 0);
  auto word = [&](uint64_t addr) {
    uint32_t v;
    memcpy(&v, image.bytes.data() + (addr - image.sp), sizeof v);
    return v;
  };
  auto string = [&](uint64_t addr) { return std::string(reinterpret_cast<const char*>(&image.bytes[addr - image.sp])); };
  uint64_t p = image.sp;
  REQUIRE(word(p) == 2);  // argc
  CHECK(string(word(p + 4)) == "prog");
  CHECK(string(word(p + 8)) == "arg");
  CHECK(word(p + 12) == 0);
  CHECK(string(word(p + 16)) == "A=1");
  CHECK(word(p + 20) == 0);
  CHECK(image.auxv == p + 24);
  CHECK(word(p + 24) == AT_PAGESZ);
  CHECK(word(p + 28) == 4096);
  CHECK(image.auxv_size == 2 * 5 * 4);  // AT_PAGESZ, AT_RANDOM, AT_EXECFN, AT_PLATFORM, AT_NULL
  CHECK(word(image.auxv + image.auxv_size - 8) == AT_NULL);
}

}  // namespace
