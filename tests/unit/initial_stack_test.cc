// The initial stack reads back the way a guest's _start reads it.
#include <doctest/doctest.h>
#include <elf.h>

#include <cstring>
#include <map>

#include "loader/initial_stack.h"

namespace ferry {
namespace {

struct Reader {
  const StackImage& image;
  uint64_t Word(uint64_t addr) const {
    uint64_t v;
    memcpy(&v, image.bytes.data() + (addr - image.sp), sizeof v);
    return v;
  }
  std::string String(uint64_t addr) const {
    return reinterpret_cast<const char*>(image.bytes.data() + (addr - image.sp));
  }
};

TEST_CASE("stack holds argc, argv, envp and auxv in the kernel's order") {
  StackInputs in;
  in.argv = {"prog", "one", "two words"};
  in.envp = {"A=1", "B=two"};
  in.execfn = "/bin/prog";
  in.platform = "aarch64";
  for (int i = 0; i < 16; ++i) in.random[i] = static_cast<uint8_t>(i * 7);
  in.auxv = {{AT_PAGESZ, 4096}, {AT_ENTRY, 0x400123}};
  const uint64_t top = 0x7ffff000;
  StackImage image = BuildInitialStack(in, top);
  Reader r{image};

  CHECK(image.sp % 16 == 0);
  CHECK(image.sp + image.bytes.size() == top);
  uint64_t p = image.sp;
  REQUIRE(r.Word(p) == 3);
  p += 8;
  for (const std::string& arg : in.argv) {
    CHECK(r.String(r.Word(p)) == arg);
    p += 8;
  }
  CHECK(r.Word(p) == 0);
  p += 8;
  for (const std::string& env : in.envp) {
    CHECK(r.String(r.Word(p)) == env);
    p += 8;
  }
  CHECK(r.Word(p) == 0);
  p += 8;
  std::map<uint64_t, uint64_t> aux;
  std::vector<uint64_t> order;
  for (;;) {
    uint64_t type = r.Word(p), value = r.Word(p + 8);
    p += 16;
    if (type == AT_NULL) break;
    aux[type] = value;
    order.push_back(type);
  }
  CHECK(aux[AT_PAGESZ] == 4096);
  CHECK(aux[AT_ENTRY] == 0x400123);
  CHECK(r.String(aux[AT_EXECFN]) == "/bin/prog");
  CHECK(r.String(aux[AT_PLATFORM]) == "aarch64");
  REQUIRE(aux.count(AT_RANDOM));
  CHECK(memcmp(image.bytes.data() + (aux[AT_RANDOM] - image.sp), in.random, 16) == 0);
  CHECK(order.size() == 5);
  // argv strings sit above the tables and in ascending order, as the kernel copies them.
  CHECK(r.Word(image.sp + 8) < r.Word(image.sp + 16));
  CHECK(r.Word(image.sp + 8) > p);
}

TEST_CASE("stack stays 16-byte aligned whatever the string lengths") {
  for (int n = 0; n < 40; ++n) {
    StackInputs in;
    in.argv = {std::string(n, 'x')};
    for (int e = 0; e < n % 5; ++e) in.envp.push_back(std::string(e + 1, 'e'));
    in.execfn = "p";
    in.platform = "riscv64";
    StackImage image = BuildInitialStack(in, 0x100000);
    CHECK(image.sp % 16 == 0);
  }
}

}  // namespace
}  // namespace ferry
