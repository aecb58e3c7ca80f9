// Flag and value names by argument kind (flag_names.cc): what strace prints
// for an open flag, a clock id, an fcntl command... kept as data, so adding
// a name is adding a row.
#pragma once

#include <cstdint>
#include <span>

#include "syscalls/syscall_table.h"

namespace ferry {

struct Name {
  uint64_t value;
  const char* name;
};

enum class NameStyle : uint8_t {
  kBits,   // "A|B|0x40": known bits by name, any rest in hex
  kEnum,   // one value by name, else decimal
  kFlags,  // bits, or "0x40 /* unknown */" when no known bit is set
};

struct NameTable {
  Arg kind;
  NameStyle style;
  std::span<const Name> names;
  const char* zero;     // the name of 0 (PROT_NONE, F_OK), or none
  const char* unknown;  // kFlags: what strace calls an unknown value (EFD_???)
  bool low32;           // only the low 32 bits count (a C int the guest may sign-extend)
};

// The names for arguments of kind `kind`, or nullptr when it is decoded otherwise.
const NameTable* NameTableFor(Arg kind);

}  // namespace ferry
