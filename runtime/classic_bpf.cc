#include "runtime/classic_bpf.h"

#include <linux/filter.h>

#include <cstring>

namespace ferry::bpf {
namespace {

constexpr uint16_t kMemWords = BPF_MEMWORDS;  // 16 scratch cells

bool IsConditionalJump(uint16_t code) {
  if (BPF_CLASS(code) != BPF_JMP) return false;
  uint16_t op = BPF_OP(code);
  return op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE || op == BPF_JSET;
}

bool IsAlu(uint16_t code) {
  if (BPF_CLASS(code) != BPF_ALU) return false;
  switch (BPF_OP(code)) {
    case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_DIV: case BPF_MOD:
    case BPF_AND: case BPF_OR: case BPF_XOR: case BPF_LSH: case BPF_RSH:
      return true;
    case BPF_NEG:
      return code == (BPF_ALU | BPF_NEG);
    default:
      return false;
  }
}

// The opcodes seccomp accepts once bpf_check_classic has: ALU, jumps,
// returns, immediates, scratch memory, TAX/TXA, and 32-bit absolute loads
// (and the length loads, which become immediates). Packet loads of bytes
// and half-words, indirect loads and MSH are refused (EINVAL).
bool SeccompAllows(uint16_t code) {
  if (IsAlu(code)) {
    // Both sources of each binary operation; NEG has no source bit.
    return code == (BPF_ALU | BPF_NEG) || BPF_SRC(code) == BPF_K || BPF_SRC(code) == BPF_X;
  }
  if (IsConditionalJump(code)) return (code & ~0x08) == (BPF_JMP | BPF_OP(code));
  switch (code) {
    case BPF_LD | BPF_W | BPF_ABS:
    case BPF_LD | BPF_W | BPF_LEN:
    case BPF_LDX | BPF_W | BPF_LEN:
    case BPF_RET | BPF_K:
    case BPF_RET | BPF_A:
    case BPF_LD | BPF_IMM:
    case BPF_LDX | BPF_IMM:
    case BPF_MISC | BPF_TAX:
    case BPF_MISC | BPF_TXA:
    case BPF_LD | BPF_MEM:
    case BPF_LDX | BPF_MEM:
    case BPF_ST:
    case BPF_STX:
    case BPF_JMP | BPF_JA:
      return true;
    default:
      return false;
  }
}

// bpf_check_classic's list (chk_code_allowed): seccomp's and the packet
// loads it refuses afterwards.
bool ClassicAllows(uint16_t code) {
  if (code > 0xff) return false;  // the table is indexed by the low byte
  switch (code) {
    case BPF_LD | BPF_H | BPF_ABS:
    case BPF_LD | BPF_B | BPF_ABS:
    case BPF_LD | BPF_W | BPF_IND:
    case BPF_LD | BPF_H | BPF_IND:
    case BPF_LD | BPF_B | BPF_IND:
    case BPF_LDX | BPF_B | BPF_MSH:
      return true;
    default:
      return SeccompAllows(code);
  }
}

// check_load_and_stores: every scratch cell read is written first on every path.
bool LoadsFollowStores(const std::vector<guest::SockFilter>& p) {
  std::vector<uint16_t> masks(p.size(), 0xffff);
  uint16_t valid = 0;
  for (size_t pc = 0; pc < p.size(); ++pc) {
    valid &= masks[pc];
    uint16_t code = p[pc].code;
    if (code == BPF_ST || code == BPF_STX) {
      valid |= 1 << p[pc].k;
    } else if (code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM)) {
      if (!(valid & (1 << p[pc].k))) return false;
    } else if (code == (BPF_JMP | BPF_JA)) {
      masks[pc + 1 + p[pc].k] &= valid;
      valid = 0xffff;
    } else if (IsConditionalJump(code)) {
      masks[pc + 1 + p[pc].jt] &= valid;
      masks[pc + 1 + p[pc].jf] &= valid;
      valid = 0xffff;
    }
  }
  return true;
}

}  // namespace

bool CheckSeccompProgram(std::vector<guest::SockFilter>& p) {
  size_t len = p.size();
  if (len == 0 || len > kMaxInsns) return false;
  // bpf_check_classic.
  for (size_t pc = 0; pc < len; ++pc) {
    const guest::SockFilter& f = p[pc];
    if (!ClassicAllows(f.code)) return false;
    switch (f.code) {
      case BPF_ALU | BPF_DIV | BPF_K:
      case BPF_ALU | BPF_MOD | BPF_K:
        if (f.k == 0) return false;
        break;
      case BPF_ALU | BPF_LSH | BPF_K:
      case BPF_ALU | BPF_RSH | BPF_K:
        if (f.k >= 32) return false;
        break;
      case BPF_LD | BPF_MEM:
      case BPF_LDX | BPF_MEM:
      case BPF_ST:
      case BPF_STX:
        if (f.k >= kMemWords) return false;
        break;
      case BPF_JMP | BPF_JA:
        if (f.k >= len - pc - 1) return false;
        break;
      case BPF_LD | BPF_W | BPF_ABS:
      case BPF_LD | BPF_H | BPF_ABS:
      case BPF_LD | BPF_B | BPF_ABS:
        if (f.k >= static_cast<uint32_t>(SKF_AD_OFF)) return false;  // no ancillary data for seccomp
        break;
      default:
        if (IsConditionalJump(f.code) && (pc + f.jt + 1 >= len || pc + f.jf + 1 >= len)) return false;
    }
  }
  uint16_t last = p[len - 1].code;
  if (last != (BPF_RET | BPF_K) && last != (BPF_RET | BPF_A)) return false;
  if (!LoadsFollowStores(p)) return false;
  // seccomp_check_filter.
  for (guest::SockFilter& f : p) {
    if (!SeccompAllows(f.code)) return false;
    if (f.code == (BPF_LD | BPF_W | BPF_ABS) && (f.k >= sizeof(guest::SeccompData) || (f.k & 3))) return false;
    if (f.code == (BPF_LD | BPF_W | BPF_LEN)) f = {BPF_LD | BPF_IMM, 0, 0, sizeof(guest::SeccompData)};
    if (f.code == (BPF_LDX | BPF_W | BPF_LEN)) f = {BPF_LDX | BPF_IMM, 0, 0, sizeof(guest::SeccompData)};
  }
  return true;
}

uint32_t RunSeccompProgram(const std::vector<guest::SockFilter>& p, const guest::SeccompData& data) {
  uint32_t a = 0, x = 0, mem[kMemWords] = {};
  const auto* bytes = reinterpret_cast<const uint8_t*>(&data);
  for (size_t pc = 0; pc < p.size(); ++pc) {
    const guest::SockFilter& f = p[pc];
    uint32_t src = BPF_SRC(f.code) == BPF_X ? x : f.k;
    switch (BPF_CLASS(f.code)) {
      case BPF_LD:
        if (BPF_MODE(f.code) == BPF_ABS) memcpy(&a, bytes + f.k, sizeof a);  // checked: aligned, in range
        else if (BPF_MODE(f.code) == BPF_MEM) a = mem[f.k];
        else a = f.k;  // BPF_IMM
        break;
      case BPF_LDX:
        x = BPF_MODE(f.code) == BPF_MEM ? mem[f.k] : f.k;
        break;
      case BPF_ST:
        mem[f.k] = a;
        break;
      case BPF_STX:
        mem[f.k] = x;
        break;
      case BPF_ALU:
        switch (BPF_OP(f.code)) {
          case BPF_ADD: a += src; break;
          case BPF_SUB: a -= src; break;
          case BPF_MUL: a *= src; break;
          // A zero divisor (only X can be zero) ends the program with 0,
          // as the kernel's conversion to eBPF makes it.
          case BPF_DIV: if (!src) return 0; a /= src; break;
          case BPF_MOD: if (!src) return 0; a %= src; break;
          case BPF_AND: a &= src; break;
          case BPF_OR: a |= src; break;
          case BPF_XOR: a ^= src; break;
          case BPF_LSH: a = a << (src & 31); break;
          case BPF_RSH: a = a >> (src & 31); break;
          case BPF_NEG: a = -a; break;
        }
        break;
      case BPF_JMP: {
        if (BPF_OP(f.code) == BPF_JA) {
          pc += f.k;
          break;
        }
        bool taken = BPF_OP(f.code) == BPF_JEQ ? a == src
                   : BPF_OP(f.code) == BPF_JGT ? a > src
                   : BPF_OP(f.code) == BPF_JGE ? a >= src
                                               : (a & src) != 0;
        pc += taken ? f.jt : f.jf;
        break;
      }
      case BPF_RET:
        return BPF_RVAL(f.code) == BPF_A ? a : f.k;
      case BPF_MISC:
        if (BPF_MISCOP(f.code) == BPF_TAX) x = a;
        else a = x;
        break;
    }
  }
  return 0;  // unreachable for a checked program: it ends in a return
}

}  // namespace ferry::bpf
