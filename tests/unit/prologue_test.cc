// arch/riscv64/prologue.cc: RISC-V prologues (Debian libc's abort, a frame
// past the 12-bit immediate, a large frame it cannot follow) read as gdb's
// prologue analysis reads them, up to the first instruction that leaves
// the straight line.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "arch/arch.h"

namespace {

arch::PrologueLayout Scan(const std::vector<uint8_t>& code, bool* found) {
  arch::PrologueLayout layout;
  *found = arch::kRiscv64.scan_prologue(code.data(), code.size(), &layout);
  return layout;
}

TEST_CASE("riscv64 prologue: Debian's abort (c.addi16sp, c.sdsp ra) up to its call of raise") {
  // add sp,sp,-192; auipc a5,0x12c; ld a5,960(a5); ld a4,0(a5); sd a4,168(sp);
  // li a4,0; li a0,6; sd ra,184(sp); jal raise; li a0,0
  std::vector<uint8_t> code = {0x31, 0x71, 0x97, 0xc7, 0x12, 0x00, 0x83, 0xb7, 0x07, 0x3c, 0x98, 0x63,
                               0x3a, 0xf5, 0x01, 0x47, 0x19, 0x45, 0x06, 0xfd, 0xef, 0xf0, 0x10, 0x74,
                               0x01, 0x45};
  bool found = false;
  arch::PrologueLayout layout = Scan(code, &found);
  CHECK(found);
  CHECK(layout.frame_size == 192);
  CHECK(layout.return_saved);
  CHECK(layout.return_at == -8);
  CHECK_FALSE(layout.fp_saved);
  // Stopped before ra was stored: the frame is known, the return address not.
  layout = Scan({code.begin(), code.begin() + 18}, &found);
  CHECK(found);
  CHECK(layout.frame_size == 192);
  CHECK_FALSE(layout.return_saved);
}

TEST_CASE("riscv64 prologue: two adjustments, 32-bit stores of ra and s0, nothing after the jal") {
  // add sp,sp,-2032; sd ra,2024(sp); sd s0,2016(sp); add sp,sp,-48; li a0,1; jal f1; sd ra,0(sp)
  std::vector<uint8_t> code = {0x13, 0x01, 0x01, 0x81, 0x23, 0x34, 0x11, 0x7e, 0x23, 0x30, 0x81, 0x7e,
                               0x79, 0x71, 0x05, 0x45, 0xef, 0xf0, 0x1f, 0xff, 0x06, 0xe0};
  bool found = false;
  arch::PrologueLayout layout = Scan(code, &found);
  CHECK(found);
  CHECK(layout.frame_size == 2080);
  CHECK(layout.return_saved);
  CHECK(layout.return_at == -8);  // the sd ra,0(sp) after the jal is not read
  CHECK(layout.fp_saved);
  CHECK(layout.fp_at == -16);
}

TEST_CASE("riscv64 prologue: a frame set by sub sp,sp,t0 is not followed; no code, no frame") {
  // lui t0,1; sub sp,sp,t0; sd ra,8(sp)
  bool found = true;
  Scan({0x85, 0x62, 0x33, 0x01, 0x51, 0x40, 0x06, 0xe4}, &found);
  CHECK_FALSE(found);
  Scan({}, &found);
  CHECK_FALSE(found);
  Scan({0x13}, &found);  // half an instruction
  CHECK_FALSE(found);
}

TEST_CASE("aarch64 reads no prologues: its libraries carry CFI") {
  bool reads_prologues = arch::kAarch64.scan_prologue != nullptr;
  CHECK_FALSE(reads_prologues);
}

}  // namespace
