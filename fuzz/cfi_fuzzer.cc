// Call-frame information as a crash report reads it from a guest's ELF
// (report/cfi.h): CfiStep over an .eh_frame or .debug_frame section,
// frame after frame, with a fake guest stack. The input is a flags byte
// (bit 0: a .debug_frame; bit 1: the first frame is a caller's; bit 2:
// RISC-V's stack pointer, x2, else AArch64's, 31), the section's address
// and the PC (8 bytes each), the stack's length (2 bytes) and bytes, then
// the section.
#include <cstdint>
#include <cstring>

#include "report/cfi.h"

namespace {

constexpr uint64_t kStackBase = 0x7fff0000;

// Guest memory that is only the stack bytes from the input.
class FakeStack final : public arch::GuestAccess {
 public:
  FakeStack(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool Read(uint64_t addr, void* dst, uint64_t len) const override {
    if (addr < kStackBase || addr - kStackBase > size_ || len > size_ - (addr - kStackBase)) return false;
    if (len) memcpy(dst, data_ + (addr - kStackBase), len);
    return true;
  }
  bool Write(uint64_t, const void*, uint64_t) override { return false; }

 private:
  const uint8_t* data_;
  size_t size_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 19) return 0;
  uint8_t flags = data[0];
  ferry::CfiSection section;
  section.debug_frame = flags & 1;
  memcpy(&section.addr, data + 1, 8);
  ferry::CfiFrame frame;
  memcpy(&frame.pc, data + 9, 8);
  uint16_t stack_size = 0;
  memcpy(&stack_size, data + 17, 2);
  data += 19;
  size -= 19;
  if (stack_size > size) stack_size = static_cast<uint16_t>(size);
  FakeStack stack(data, stack_size);
  section.data.assign(data + stack_size, data + size);
  unsigned sp = flags & 4 ? 2 : 31;
  for (unsigned r = 0; r < ferry::kCfiRegisters; ++r) frame.Set(r, kStackBase + 8 * r);
  frame.Set(sp, kStackBase);
  bool caller = flags & 2;
  for (int n = 0; n < 64; ++n) {
    const char* why = nullptr;
    if (ferry::CfiStep(section, 0, sp, stack, caller, &frame, &why) != ferry::CfiStatus::kStepped) break;
    caller = true;
  }
  return 0;
}
