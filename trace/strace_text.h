// The small notations the family decoders (strace_ipc.cc, strace_ioctl.cc)
// share with strace.cc's own: a number in hex, a pointer, a set of bits.
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

#include "trace/flag_names.h"

namespace ferry::strace_text {

// "0x1f", and "0" for zero, as strace writes "%#x".
inline std::string Hex(uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "%#llx", static_cast<unsigned long long>(v));
  return v == 0 ? "0" : buf;
}

inline std::string Pointer(uint64_t g) { return g ? Hex(g) : "NULL"; }

// "A|B|0x40": known bits by name, any rest in hex; "0" for none.
inline std::string Bits(uint64_t v, std::span<const Name> bits) {
  std::string out;
  for (const Name& b : bits) {
    if ((v & b.value) != b.value) continue;
    out += out.empty() ? "" : "|";
    out += b.name;
    v &= ~b.value;
  }
  if (v || out.empty()) out += (out.empty() ? "" : "|") + Hex(v);
  return out;
}

// strace's default cut for arrays (its -s-like limit on items shown).
constexpr size_t kMaxArrayItems = 32;

// Flags with no known bit as strace shows them: "0x4000000 /* EPOLL??? */".
inline std::string Flags(uint64_t v, std::span<const Name> names, const char* unknown) {
  for (const Name& n : names) {
    if (n.value && (v & n.value) == n.value) return Bits(v, names);
  }
  return v ? Hex(v) + " /* " + unknown + " */" : "0";
}

// One value by name, else "0x4d /* UNKNOWN */" (strace's printxval).
inline std::string Enum(uint64_t v, std::span<const Name> names, const char* unknown) {
  for (const Name& n : names) {
    if (n.value == v) return n.name;
  }
  return Hex(v) + " /* " + unknown + " */";
}

}  // namespace ferry::strace_text
