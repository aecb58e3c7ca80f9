// DWARF call-frame information from a guest ELF's .eh_frame (or
// .debug_frame), for crash
// reports' backtraces through code with no frame pointers: finds the FDE
// covering a PC, runs its CIE's and its own DW_CFA_* instructions to the
// row for that PC, and applies the row (CFA = register + offset, registers
// saved at CFA + offset) to a frame's registers to get its caller's.
// Everything read is checked: a malformed section or an unreadable stack
// ends the unwinding, never ferry (fuzz/cfi_fuzzer.cc).
#pragma once

#include <cstdint>
#include <vector>

#include "arch/arch.h"

namespace ferry {

// The DWARF registers followed: the integer registers of both arches
// (AArch64's x0-x30 and sp, RISC-V's x0-x31). Rules for others are parsed
// and ignored.
constexpr int kCfiRegisters = 32;

// A .eh_frame section, or a .debug_frame (where compilers that make no
// unwind tables by default, like Debian's riscv64 gcc, put a -g build's
// CFI): its bytes and its link-time address (.eh_frame's pc-relative
// pointers are relative to it).
struct CfiSection {
  std::vector<uint8_t> data;
  uint64_t addr = 0;
  bool debug_frame = false;  // CIE ids of all ones, CIE pointers from the section's start
};

// One frame's registers by DWARF number, and which of them are known.
struct CfiFrame {
  uint64_t pc = 0;
  uint64_t regs[kCfiRegisters] = {};
  uint32_t known = 0;  // bit n: regs[n] holds register n's value in this frame

  bool Has(uint64_t r) const { return r < kCfiRegisters && (known >> r & 1); }
  void Set(uint64_t r, uint64_t value) {
    if (r >= kCfiRegisters) return;
    regs[r] = value;
    known |= uint32_t{1} << r;
  }
  void Forget(uint64_t r) {
    if (r < kCfiRegisters) known &= ~(uint32_t{1} << r);
  }
};

enum class CfiStatus {
  kNoFde,      // no FDE covers the PC: the caller must be found another way
  kStepped,    // `frame` is now the caller's
  kOutermost,  // the FDE leaves the return address undefined (_start, thread entry)
  kFailed,     // an FDE covers the PC, but its data or the stack could not be used
};

// Unwinds `frame` one step by `section`. The frame's PC and registers are
// run-time values; the section's addresses are link-time ones, `bias`
// (run time minus link time) apart. `caller` is true for every frame but
// the faulting one: its PC is a return address, looked up one byte back
// (the call may end its function). `sp` is the DWARF number of the stack
// pointer, which becomes the CFA. On kFailed, `why` says what was wrong.
CfiStatus CfiStep(const CfiSection& section, uint64_t bias, unsigned sp, const arch::GuestAccess& memory,
                  bool caller, CfiFrame* frame, const char** why);

}  // namespace ferry
