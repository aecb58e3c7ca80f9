// The seccomp filter interpreter and its install-time checks (runtime/
// classic_bpf.h), and the precedence of stacked filters (runtime/seccomp.h).
#include <doctest/doctest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstddef>
#include <vector>

#include "runtime/classic_bpf.h"
#include "runtime/seccomp.h"

namespace {

using Program = std::vector<guest::SockFilter>;

guest::SockFilter Stmt(uint16_t code, uint32_t k) { return {code, 0, 0, k}; }
guest::SockFilter Jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) { return {code, jt, jf, k}; }

guest::SeccompData Data(int nr, uint64_t arg0 = 0) {
  guest::SeccompData d{};
  d.nr = nr;
  d.arch = 0xc00000b7;
  d.args[0] = arg0;
  return d;
}

// nr == `nr` ? `ret` : ALLOW.
Program Rule(int nr, uint32_t ret) {
  return {Stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(guest::SeccompData, nr)),
          Jump(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1), Stmt(BPF_RET | BPF_K, ret),
          Stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
}

ferry::SeccompChain Stack(ferry::SeccompChain prev, Program p) {
  REQUIRE(ferry::bpf::CheckSeccompProgram(p));
  auto f = std::make_shared<ferry::SeccompFilter>();
  f->program = p;
  f->count = prev ? prev->count + 1 : 1;
  f->prev = prev;
  return f;
}

TEST_CASE("a checked filter runs over seccomp_data") {
  Program p = Rule(172, SECCOMP_RET_ERRNO | 1);
  REQUIRE(ferry::bpf::CheckSeccompProgram(p));
  CHECK(ferry::bpf::RunSeccompProgram(p, Data(172)) == (SECCOMP_RET_ERRNO | 1));
  CHECK(ferry::bpf::RunSeccompProgram(p, Data(173)) == SECCOMP_RET_ALLOW);
  // Arithmetic, scratch memory, X and the length load.
  Program q = {Stmt(BPF_LD | BPF_W | BPF_LEN, 0),        Stmt(BPF_ALU | BPF_RSH | BPF_K, 2),
               Stmt(BPF_ST, 5),                          Stmt(BPF_LDX | BPF_MEM, 5),
               Stmt(BPF_LD | BPF_W | BPF_ABS, 16),       Stmt(BPF_ALU | BPF_ADD | BPF_X, 0),
               Stmt(BPF_RET | BPF_A, 0)};
  REQUIRE(ferry::bpf::CheckSeccompProgram(q));
  CHECK(ferry::bpf::RunSeccompProgram(q, Data(0, 100)) == 116);
  // Division by a zero X ends the program with 0 (KILL_THREAD).
  Program d = {Stmt(BPF_LD | BPF_IMM, 7), Stmt(BPF_ALU | BPF_DIV | BPF_X, 0), Stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
  REQUIRE(ferry::bpf::CheckSeccompProgram(d));
  CHECK(ferry::bpf::RunSeccompProgram(d, Data(0)) == 0);
}

TEST_CASE("programs the kernel refuses") {
  auto refused = [](Program p) { return !ferry::bpf::CheckSeccompProgram(p); };
  CHECK(refused({}));
  CHECK(refused(Program(4097, Stmt(BPF_RET | BPF_K, 0))));
  CHECK(refused({Stmt(BPF_LD | BPF_W | BPF_ABS, 0)}));                                   // no return at the end
  CHECK(refused({Stmt(BPF_LD | BPF_W | BPF_ABS, 2), Stmt(BPF_RET | BPF_K, 0)}));         // misaligned
  CHECK(refused({Stmt(BPF_LD | BPF_W | BPF_ABS, 64), Stmt(BPF_RET | BPF_K, 0)}));        // past seccomp_data
  CHECK(refused({Stmt(BPF_LD | BPF_H | BPF_ABS, 0), Stmt(BPF_RET | BPF_K, 0)}));         // a packet load
  CHECK(refused({Stmt(BPF_LD | BPF_MEM, 0), Stmt(BPF_RET | BPF_K, 0)}));                 // read before a store
  CHECK(refused({Stmt(BPF_ALU | BPF_MOD | BPF_K, 0), Stmt(BPF_RET | BPF_K, 0)}));
  CHECK(refused({Jump(BPF_JMP | BPF_JGT | BPF_K, 0, 0, 1), Stmt(BPF_RET | BPF_K, 0)}));  // jumps past the end
  CHECK(refused({Stmt(0x104, 0), Stmt(BPF_RET | BPF_K, 0)}));
  CHECK(!refused(Program(4096, Stmt(BPF_RET | BPF_K, 0))));
}

TEST_CASE("stacked filters: the most restrictive action, the newest on a tie") {
  ferry::SeccompChain chain = Stack(nullptr, Rule(1, SECCOMP_RET_ERRNO | 5));
  chain = Stack(chain, Rule(1, SECCOMP_RET_ERRNO | 7));
  chain = Stack(chain, Rule(2, SECCOMP_RET_TRAP));
  chain = Stack(chain, Rule(2, SECCOMP_RET_KILL_PROCESS));
  const ferry::SeccompFilter* matched;
  CHECK(ferry::RunSeccompFilters(chain, Data(1), &matched) == (SECCOMP_RET_ERRNO | 7));
  CHECK(ferry::RunSeccompFilters(chain, Data(2), &matched) == SECCOMP_RET_KILL_PROCESS);  // negative: below TRAP
  CHECK(ferry::RunSeccompFilters(chain, Data(3), &matched) == SECCOMP_RET_ALLOW);
  CHECK(matched == nullptr);
  // Across execve: the same chain, oldest first.
  ferry::SeccompChain copy;
  REQUIRE(ferry::ParseSeccompChain(ferry::SerializeSeccompChain(chain), &copy));
  CHECK(copy->count == 4);
  CHECK(ferry::RunSeccompFilters(copy, Data(1), &matched) == (SECCOMP_RET_ERRNO | 7));
  CHECK(!ferry::ParseSeccompChain("garbage", &copy));
}

}  // namespace
