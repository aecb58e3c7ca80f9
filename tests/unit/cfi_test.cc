// report/cfi: hand-made .eh_frame and .debug_frame sections (an AArch64-like
// prologue that saves x29 and x30, remember/restore state, an outermost
// frame) unwound at each PC, and every truncation refused without a crash.
#include "report/cfi.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace ferry {
namespace {

constexpr uint64_t kSectionAddr = 0x800;
constexpr unsigned kSp = 31, kFp = 29, kLr = 30;
constexpr uint64_t kStack = 0x7000;  // the fake stack covers kStack - 64 .. kStack + 64

class FakeStack final : public arch::GuestAccess {
 public:
  FakeStack() {
    for (uint64_t i = 0; i < sizeof words_ / 8; ++i) words_[i] = 0xa000 + 8 * i;  // word at kStack-64+8i
  }
  bool Read(uint64_t addr, void* dst, uint64_t len) const override {
    if (addr < kStack - 64 || addr + len > kStack + 64) return false;
    memcpy(dst, reinterpret_cast<const uint8_t*>(words_) + (addr - (kStack - 64)), len);
    return true;
  }
  bool Write(uint64_t, const void*, uint64_t) override { return false; }
  uint64_t At(int64_t offset) const { return words_[(offset + 64) / 8]; }

 private:
  uint64_t words_[16];
};

void Put32(std::vector<uint8_t>* v, uint32_t x) {
  for (int i = 0; i < 4; ++i) v->push_back(x >> (8 * i));
}
void Put64(std::vector<uint8_t>* v, uint64_t x) {
  for (int i = 0; i < 8; ++i) v->push_back(x >> (8 * i));
}
// Appends one entry: its length, then `body`.
void Entry(std::vector<uint8_t>* section, const std::vector<uint8_t>& body) {
  Put32(section, body.size());
  section->insert(section->end(), body.begin(), body.end());
}

// The FDE instructions of a function at 0x1000 (4-byte instructions):
// 0x1004: CFA = sp + 32, x29 at CFA-32, x30 at CFA-24; 0x1008: remember;
// 0x1010: CFA = sp, x30 restored; 0x1014: the remembered row again.
const std::vector<uint8_t> kFunctionCfa = {
    0x41, 0x0e, 32, 0x80 | kFp, 4, 0x80 | kLr, 3,  // advance 1; def_cfa_offset 32; x29 at -32; x30 at -24
    0x41, 0x0a,                                    // advance 1; remember_state
    0x42, 0x0e, 0, 0xc0 | kLr,                     // advance 2; def_cfa_offset 0; restore x30
    0x41, 0x0b,                                    // advance 1; restore_state
};

// .eh_frame: a "zR" CIE (pc-relative sdata4 pointers) and two FDEs, the
// function above (0x1000..0x1040) and an outermost one (0x2000..0x2010).
std::vector<uint8_t> EhFrame() {
  std::vector<uint8_t> s;
  Entry(&s, {0, 0, 0, 0, 1, 'z', 'R', 0, 4, 0x78, kLr, 1, 0x1b, 0x0c, kSp, 0});
  for (auto [begin, cfa] : {std::pair<uint64_t, std::vector<uint8_t>>{0x1000, kFunctionCfa},
                            {0x2000, {0x07, kLr}}}) {
    std::vector<uint8_t> fde;
    uint64_t id_at = s.size() + 4;
    Put32(&fde, id_at);  // back to the CIE at 0
    Put32(&fde, begin - (kSectionAddr + id_at + 4));
    Put32(&fde, begin == 0x1000 ? 0x40 : 0x10);
    fde.push_back(0);  // augmentation data length
    fde.insert(fde.end(), cfa.begin(), cfa.end());
    Entry(&s, fde);
  }
  Put32(&s, 0);  // terminator
  return s;
}

// The same function in .debug_frame's form: CIE id ~0, absolute addresses,
// the CIE pointer an offset from the section's start.
std::vector<uint8_t> DebugFrame() {
  std::vector<uint8_t> s;
  Entry(&s, {0xff, 0xff, 0xff, 0xff, 1, 0, 4, 0x78, kLr, 0x0c, kSp, 0});
  std::vector<uint8_t> fde;
  Put32(&fde, 0);
  Put64(&fde, 0x1000);
  Put64(&fde, 0x40);
  fde.insert(fde.end(), kFunctionCfa.begin(), kFunctionCfa.end());
  Entry(&s, fde);
  return s;
}

CfiFrame Frame(uint64_t pc) {
  CfiFrame f;
  f.pc = pc;
  for (unsigned r = 0; r < kCfiRegisters; ++r) f.Set(r, 0x100 + r);
  f.Set(kSp, kStack);
  return f;
}

void CheckFunctionRows(const CfiSection& section) {
  FakeStack stack;
  const char* why = nullptr;
  // Entry: nothing saved yet, the caller is in x30.
  CfiFrame f = Frame(0x1000);
  REQUIRE(CfiStep(section, 0, kSp, stack, false, &f, &why) == CfiStatus::kStepped);
  CHECK(f.pc == 0x100 + kLr);
  CHECK(f.regs[kSp] == kStack);
  // After the prologue: both from the stack, the caller's sp above the frame.
  for (uint64_t pc : {0x1004, 0x100c, 0x1014, 0x103c}) {
    CAPTURE(pc);
    f = Frame(pc);
    REQUIRE(CfiStep(section, 0, kSp, stack, false, &f, &why) == CfiStatus::kStepped);
    CHECK(f.pc == stack.At(32 - 24));
    CHECK(f.regs[kFp] == stack.At(32 - 32));
    CHECK(f.regs[kSp] == kStack + 32);
    CHECK(f.regs[19] == 0x100 + 19);  // untouched: the same value
  }
  // 0x1010: x30 restored to the CIE's rule, x29 still saved (at CFA-32 = sp-32).
  f = Frame(0x1010);
  REQUIRE(CfiStep(section, 0, kSp, stack, false, &f, &why) == CfiStatus::kStepped);
  CHECK(f.pc == 0x100 + kLr);
  CHECK(f.regs[kFp] == stack.At(-32));
  // A return address is looked up one byte back; a bias moves everything.
  f = Frame(0x5000 + 0x1040);
  CHECK(CfiStep(section, 0x5000, kSp, stack, false, &f, &why) == CfiStatus::kNoFde);
  REQUIRE(CfiStep(section, 0x5000, kSp, stack, true, &f, &why) == CfiStatus::kStepped);
  CHECK(f.pc == stack.At(8));
  // Outside every FDE.
  for (uint64_t pc : {0xfff, 0x1040, 0x3000}) {
    f = Frame(pc);
    CHECK(CfiStep(section, 0, kSp, stack, false, &f, &why) == CfiStatus::kNoFde);
  }
}

TEST_CASE("cfi: .eh_frame rows at each pc, by bias and as a return address") {
  CfiSection section{EhFrame(), kSectionAddr, false};
  CheckFunctionRows(section);
  FakeStack stack;
  CfiFrame f = Frame(0x2004);
  CHECK(CfiStep(section, 0, kSp, stack, false, &f, nullptr) == CfiStatus::kOutermost);
}

TEST_CASE("cfi: .debug_frame's form") {
  CheckFunctionRows(CfiSection{DebugFrame(), 0, true});
  // The same bytes read as .eh_frame: the CIE id is no CIE there.
  FakeStack stack;
  CfiFrame f = Frame(0x1004);
  CHECK(CfiStep(CfiSection{DebugFrame(), 0, false}, 0, kSp, stack, false, &f, nullptr) == CfiStatus::kNoFde);
}

TEST_CASE("cfi: an unreadable saved register fails, saying why") {
  FakeStack stack;
  CfiFrame f = Frame(0x100c);
  f.Set(kSp, 0x10000);  // off the fake stack
  const char* why = nullptr;
  CHECK(CfiStep(CfiSection{EhFrame(), kSectionAddr, false}, 0, kSp, stack, false, &f, &why) == CfiStatus::kFailed);
  REQUIRE(why != nullptr);
  CHECK(std::string(why) == "a saved register's stack slot is unreadable");
  CHECK(f.pc == 0x100c);  // the frame is left as it was
  f = Frame(0x100c);
  f.Forget(kSp);
  CHECK(CfiStep(CfiSection{EhFrame(), kSectionAddr, false}, 0, kSp, stack, false, &f, &why) == CfiStatus::kFailed);
}

TEST_CASE("cfi: every truncation and corruption is refused without a crash") {
  FakeStack stack;
  for (const CfiSection& whole : {CfiSection{EhFrame(), kSectionAddr, false}, CfiSection{DebugFrame(), 0, true}}) {
    for (size_t n = 0; n < whole.data.size(); ++n) {
      CfiSection cut{std::vector<uint8_t>(whole.data.begin(), whole.data.begin() + n), whole.addr, whole.debug_frame};
      CfiFrame f = Frame(0x1014);
      CfiStep(cut, 0, kSp, stack, false, &f, nullptr);
    }
    for (size_t i = 0; i < whole.data.size(); ++i) {
      for (uint8_t value : {0x00, 0x0b, 0x7f, 0x80, 0xff}) {
        CfiSection bad = whole;
        bad.data[i] = value;
        CfiFrame f = Frame(0x1014);
        CfiStep(bad, 0, kSp, stack, false, &f, nullptr);
      }
    }
  }
}

}  // namespace
}  // namespace ferry
