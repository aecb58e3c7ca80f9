// Guest address space: placement, protections, and the host mirror of them.
#include <doctest/doctest.h>
#include <sys/mman.h>

#include <cstring>
#include <string>

#include "memory/guest_memory.h"

namespace ferry {
namespace {

std::unique_ptr<GuestMemory> Space() {
  std::string error;
  auto m = GuestMemory::Reserve(uint64_t{1} << 32, &error);
  REQUIRE(m);
  m->set_mmap_top(uint64_t{1} << 31);
  return m;
}

constexpr int kAnon = MAP_PRIVATE | MAP_ANONYMOUS;

TEST_CASE("mmap places top-down below mmap_top and honours free hints") {
  auto m = Space();
  int64_t a = m->Map(0, 8192, PROT_READ | PROT_WRITE, kAnon, -1, 0);
  CHECK(a == (int64_t{1} << 31) - 8192);
  int64_t b = m->Map(0, 4096, PROT_READ, kAnon, -1, 0);
  CHECK(b == a - 4096);
  int64_t c = m->Map(0x1000000, 4096, PROT_READ, kAnon, -1, 0);
  CHECK(c == 0x1000000);
  CHECK(m->PageState(a) == (kPageMapped | kPageRead | kPageWrite));
  CHECK(m->IsMapped(a, 8192));
  CHECK_FALSE(m->IsFree(a, 1));
}

TEST_CASE("fixed, no-replace and invalid requests") {
  auto m = Space();
  CHECK(m->Map(0x2000, 4096, PROT_READ, kAnon | MAP_FIXED, -1, 0) == 0x2000);
  CHECK(m->Map(0x2000, 4096, PROT_READ, kAnon | MAP_FIXED_NOREPLACE, -1, 0) == -EEXIST);
  CHECK(m->Map(0x2001, 4096, PROT_READ, kAnon | MAP_FIXED, -1, 0) == -EINVAL);
  CHECK(m->Map(0, 0, PROT_READ, kAnon, -1, 0) == -EINVAL);
  CHECK(m->Map(uint64_t{1} << 33, 4096, PROT_READ, kAnon | MAP_FIXED, -1, 0) == -ENOMEM);
  CHECK(m->Map(0, uint64_t{1} << 40, PROT_READ, kAnon, -1, 0) == -ENOMEM);
}

TEST_CASE("protections are enforced for ferry's own copies") {
  auto m = Space();
  int64_t a = m->Map(0, 8192, PROT_READ | PROT_WRITE, kAnon, -1, 0);
  REQUIRE(a > 0);
  uint64_t v = 42;
  CHECK(m->Write(a, &v, sizeof v));
  CHECK(m->Protect(a, 4096, PROT_READ) == 0);
  CHECK_FALSE(m->Write(a, &v, sizeof v));
  CHECK_FALSE(m->Write(a + 4090, &v, sizeof v));  // straddles into the read-only page
  CHECK(m->Write(a + 4096, &v, sizeof v));
  uint64_t back = 0;
  CHECK(m->Read(a, &back, sizeof back));
  CHECK(back == 42);
  CHECK(m->Protect(a + 3 * 4096, 4096, PROT_READ) == -ENOMEM);  // unmapped
  CHECK(m->Protect(a + 1, 4096, PROT_READ) == -EINVAL);
}

TEST_CASE("munmap returns pages to the reservation") {
  auto m = Space();
  int64_t a = m->Map(0, 3 * 4096, PROT_READ | PROT_WRITE, kAnon, -1, 0);
  REQUIRE(a > 0);
  CHECK(m->Unmap(a + 4096, 4096) == 0);
  CHECK(m->IsMapped(a, 4096));
  CHECK(m->IsFree(a + 4096, 4096));
  CHECK(m->IsMapped(a + 8192, 4096));
  uint64_t v;
  CHECK_FALSE(m->Read(a + 4096, &v, sizeof v));
  CHECK(m->Unmap(a + 1, 4096) == -EINVAL);
  // The freed hole is found again for a one-page request placed top-down... once the top is full.
  CHECK(m->Map(a + 4096, 4096, PROT_READ, kAnon | MAP_FIXED_NOREPLACE, -1, 0) == a + 4096);
}

TEST_CASE("mremap grows in place, moves when it must, keeps contents") {
  auto m = Space();
  int64_t a = m->Map(0x100000, 4096, PROT_READ | PROT_WRITE, kAnon, -1, 0);
  REQUIRE(a == 0x100000);
  memset(m->Host(a), 0xab, 4096);
  CHECK(m->Remap(a, 4096, 3 * 4096, 0, 0) == a);
  CHECK(m->IsMapped(a, 3 * 4096));
  CHECK(*static_cast<uint8_t*>(m->Host(a + 100)) == 0xab);
  // Block the tail, then growing needs MREMAP_MAYMOVE.
  REQUIRE(m->Map(a + 3 * 4096, 4096, PROT_READ, kAnon | MAP_FIXED, -1, 0) > 0);
  CHECK(m->Remap(a, 3 * 4096, 5 * 4096, 0, 0) == -ENOMEM);
  int64_t moved = m->Remap(a, 3 * 4096, 5 * 4096, MREMAP_MAYMOVE, 0);
  REQUIRE(moved > 0);
  CHECK(moved != a);
  CHECK(*static_cast<uint8_t*>(m->Host(moved + 100)) == 0xab);
  CHECK(m->IsFree(a, 3 * 4096));
  CHECK(m->Remap(moved, 5 * 4096, 4096, 0, 0) == moved);
  CHECK(m->IsFree(moved + 4096, 4 * 4096));
}

TEST_CASE("mremap with MREMAP_DONTUNMAP leaves the old range mapped and empty") {
  auto m = Space();
  int64_t a = m->Map(0, 8192, PROT_READ | PROT_WRITE, kAnon, -1, 0);
  REQUIRE(a > 0);
  CHECK(m->Write(a, "kept", 5));
  CHECK(m->Remap(a, 8192, 4096, MREMAP_MAYMOVE | 4, 0) == -EINVAL);  // resizing
  CHECK(m->Remap(a, 8192, 8192, 4, 0) == -EINVAL);                  // without MREMAP_MAYMOVE
  int64_t b = m->Remap(a, 8192, 8192, MREMAP_MAYMOVE | 4, 0);
  REQUIRE(b > 0);
  CHECK(b != a);
  char text[5] = "", zero = 1;
  CHECK(m->Read(b, text, 5));
  CHECK(std::string(text) == "kept");
  CHECK(m->IsMapped(a, 8192));
  CHECK(m->Read(a, &zero, 1));
  CHECK(zero == 0);
  CHECK(m->PageState(b + 4096) == (kPageMapped | kPageRead | kPageWrite));
}

TEST_CASE("anonymous names show as [anon:NAME] and keep labels and files") {
  auto m = Space();
  int64_t a = m->Map(0, 3 * 4096, PROT_READ | PROT_WRITE, kAnon, -1, 0);
  REQUIRE(a > 0);
  m->Label(a + 2 * 4096, 4096, "[heap]");
  std::string name = "worker";
  m->NameAnonymous(a, 3 * 4096, &name);
  uint64_t lo, hi;
  const MappingOrigin* o = m->origins().Find(a, &lo, &hi);
  REQUIRE(o);
  CHECK(o->name == "[anon:worker]");
  CHECK(lo == uint64_t(a));
  CHECK(hi == uint64_t(a) + 2 * 4096);
  CHECK(m->origins().Find(a + 2 * 4096, &lo, &hi)->name == "[heap]");
  m->NameAnonymous(a, 4096, nullptr);
  CHECK(m->origins().Find(a, &lo, &hi) == nullptr);
  CHECK(m->origins().Find(a + 4096, &lo, &hi)->name == "[anon:worker]");
  int64_t shared = m->Map(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  m->NameAnonymous(shared, 4096, &name);
  CHECK(m->origins().Find(shared, &lo, &hi)->name == "[anon_shmem:worker]");
}

TEST_CASE("ReadString stops at NUL, at the limit, and at unreadable pages") {
  auto m = Space();
  int64_t a = m->Map(0x200000, 4096, PROT_READ | PROT_WRITE, kAnon, -1, 0);
  REQUIRE(a > 0);
  memcpy(m->Host(a), "path/name", 10);
  std::string s;
  CHECK(m->ReadString(a, 4096, &s));
  CHECK(s == "path/name");
  CHECK(m->ReadString(a, 4, &s));
  CHECK(s == "path");
  memset(m->Host(a), 'x', 4096);
  CHECK_FALSE(m->ReadString(a, 8192, &s));  // runs into the unmapped next page
}

}  // namespace
}  // namespace ferry
