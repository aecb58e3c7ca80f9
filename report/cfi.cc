#include "report/cfi.h"

#include <cstring>

namespace ferry {
namespace {

// Bounded little-endian reads over [pos, end): a read past the end sets
// `ok` false and yields 0, so a parser checks `ok` once per step.
class Reader {
 public:
  Reader(const uint8_t* begin, const uint8_t* end) : pos_(begin), end_(end) {}

  template <typename T>
  T Fixed() {
    T v{};
    if (!Take(sizeof v)) return v;
    memcpy(&v, pos_ - sizeof v, sizeof v);
    return v;
  }
  uint8_t U8() { return Fixed<uint8_t>(); }
  uint64_t Uleb() {
    uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
      if (!Take(1)) return 0;
      uint8_t b = pos_[-1];
      if (shift < 64) v |= uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) return v;
      if (shift > 70) return Fail();  // longer than any 64-bit value
    }
  }
  int64_t Sleb() {
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b = 0;
    do {
      if (!Take(1)) return 0;
      b = pos_[-1];
      if (shift < 64) v |= uint64_t{b & 0x7fu} << shift;
      shift += 7;
      if (shift > 77) return static_cast<int64_t>(Fail());
    } while (b & 0x80);
    if (shift < 64 && (b & 0x40)) v |= ~uint64_t{0} << shift;  // sign-extend
    return static_cast<int64_t>(v);
  }
  bool Skip(uint64_t n) { return Take(n); }

  bool ok() const { return ok_; }
  const uint8_t* pos() const { return pos_; }
  const uint8_t* end() const { return end_; }
  bool done() const { return !ok_ || pos_ >= end_; }

 private:
  bool Take(uint64_t n) {
    if (!ok_ || n > static_cast<uint64_t>(end_ - pos_)) {
      ok_ = false;
      pos_ = end_;
      return false;
    }
    pos_ += n;
    return true;
  }
  uint64_t Fail() {
    ok_ = false;
    pos_ = end_;
    return 0;
  }

  const uint8_t* pos_;
  const uint8_t* end_;
  bool ok_ = true;
};

// DW_EH_PE_* pointer encodings (the LSB's "Exception Frames").
constexpr uint8_t kPeOmit = 0xff;
constexpr uint8_t kPeIndirect = 0x80;
constexpr uint8_t kPePcrel = 0x10;

// Reads a pointer in `encoding`; `field_addr` is the link-time address of
// the field (for pc-relative pointers). `applied` false: the value only
// (an FDE's address range). nullopt-like: returns false when unsupported.
bool ReadPointer(Reader& r, uint8_t encoding, uint64_t field_addr, bool applied, uint64_t* out) {
  if (encoding == kPeOmit) return false;
  uint64_t v = 0;
  switch (encoding & 0x0f) {
    case 0x00: v = r.Fixed<uint64_t>(); break;  // absptr: LP64
    case 0x01: v = r.Uleb(); break;
    case 0x02: v = r.Fixed<uint16_t>(); break;
    case 0x03: v = r.Fixed<uint32_t>(); break;
    case 0x04: v = r.Fixed<uint64_t>(); break;
    case 0x09: v = static_cast<uint64_t>(r.Sleb()); break;
    case 0x0a: v = static_cast<uint64_t>(static_cast<int64_t>(r.Fixed<int16_t>())); break;
    case 0x0b: v = static_cast<uint64_t>(static_cast<int64_t>(r.Fixed<int32_t>())); break;
    case 0x0c: v = r.Fixed<uint64_t>(); break;
    default: return false;
  }
  if (!r.ok()) return false;
  if (applied) {
    switch (encoding & 0x70 & ~kPeIndirect) {
      case 0x00: break;
      case kPePcrel: v += field_addr; break;  // wraps, as the address arithmetic does
      default: return false;  // textrel, datarel, funcrel, aligned: not used in .eh_frame's FDEs
    }
  }
  *out = v;
  return true;
}

struct Cie {
  uint64_t code_align = 1;
  int64_t data_align = 1;
  uint64_t return_column = 0;
  uint8_t fde_encoding = 0;  // absptr
  bool has_augmentation_data = false;  // 'z'
  const uint8_t* insns = nullptr;
  const uint8_t* insns_end = nullptr;
};

// One entry's extent: [body, end) after the length (and 64-bit escape).
struct Entry {
  uint64_t start;  // offset of the length field
  uint64_t body;   // offset of the CIE id / CIE pointer
  uint64_t end;
  bool wide;       // 64-bit DWARF: an 8-byte id
};

bool ReadEntry(const std::vector<uint8_t>& data, uint64_t offset, Entry* e) {
  if (offset > data.size() || data.size() - offset < 4) return false;
  uint32_t len32 = 0;
  memcpy(&len32, data.data() + offset, 4);
  if (len32 == 0) return false;  // the terminator
  e->start = offset;
  e->wide = len32 == 0xffffffff;
  uint64_t length = len32;
  e->body = offset + 4;
  if (e->wide) {
    if (data.size() - e->body < 8) return false;
    memcpy(&length, data.data() + e->body, 8);
    e->body += 8;
  }
  if (length > data.size() - e->body || length < (e->wide ? 8u : 4u)) return false;
  e->end = e->body + length;
  return true;
}

// What the id field of a CIE holds.
uint64_t CieId(const CfiSection& s, const Entry& e) {
  if (!s.debug_frame) return 0;
  return e.wide ? ~uint64_t{0} : 0xffffffff;
}

bool ParseCie(const CfiSection& s, uint64_t offset, Cie* cie) {
  Entry e;
  if (!ReadEntry(s.data, offset, &e)) return false;
  const uint8_t* base = s.data.data();
  Reader r(base + e.body, base + e.end);
  uint64_t id = e.wide ? r.Fixed<uint64_t>() : r.Fixed<uint32_t>();
  if (!r.ok() || id != CieId(s, e)) return false;
  uint8_t version = r.U8();
  if (version != 1 && version != 3 && version != 4) return false;
  // The augmentation string, NUL-terminated.
  const uint8_t* aug = r.pos();
  const uint8_t* nul = static_cast<const uint8_t*>(memchr(aug, 0, r.end() - aug));
  if (!nul) return false;
  r.Skip(nul - aug + 1);
  if (version == 4) {
    uint8_t address_size = r.U8(), segment_size = r.U8();
    if (address_size != 8 || segment_size != 0) return false;
  }
  cie->code_align = r.Uleb();
  cie->data_align = r.Sleb();
  cie->return_column = version == 1 ? r.U8() : r.Uleb();
  if (!r.ok()) return false;
  if (aug[0] == 'z') {
    cie->has_augmentation_data = true;
    uint64_t length = r.Uleb();
    if (!r.ok() || length > static_cast<uint64_t>(r.end() - r.pos())) return false;
    Reader a(r.pos(), r.pos() + length);
    r.Skip(length);
    for (const uint8_t* c = aug + 1; c < nul; ++c) {
      switch (*c) {
        case 'R':
          cie->fde_encoding = a.U8();
          break;
        case 'L':
          a.U8();  // the LSDA's encoding: the FDE's augmentation data is skipped whole
          break;
        case 'P': {
          uint8_t encoding = a.U8();
          uint64_t field = s.addr + static_cast<uint64_t>(a.pos() - base), personality = 0;
          if (!ReadPointer(a, encoding, field, true, &personality)) return false;
          break;
        }
        case 'S':  // a signal frame: unwound like any other
        case 'B':  // AArch64 BTI
          break;
        default:
          c = nul - 1;  // unknown: the rest is skipped by its length
      }
      if (!a.ok()) return false;
    }
  } else if (aug[0] != 0) {
    return false;  // no 'z': unknown augmentation data cannot be skipped
  }
  cie->insns = r.pos();
  cie->insns_end = base + e.end;
  return r.ok();
}

// What a register's rule says (DWARF 5 §6.4.1); kSame is the default.
enum class Rule : uint8_t { kSame, kUndefined, kOffset, kValOffset, kRegister, kUnsupported };

struct RegRule {
  Rule rule = Rule::kSame;
  int64_t value = 0;  // the offset, or the register
};

enum class Cfa : uint8_t { kNone, kRegister, kExpression };

struct Row {
  Cfa cfa = Cfa::kNone;  // kRegister: CFA = cfa_reg + cfa_offset
  uint64_t cfa_reg = 0;
  int64_t cfa_offset = 0;
  RegRule regs[kCfiRegisters];
};

constexpr int kMaxRememberedStates = 16;

int64_t Scaled(uint64_t n, int64_t factor) {
  return static_cast<int64_t>(n * static_cast<uint64_t>(factor));  // wraps, no UB
}

class RowBuilder {
 public:
  RowBuilder(const Cie& cie, uint64_t target) : cie_(cie), target_(target) {}

  // Runs `r`'s instructions from location `loc` until the row for the
  // target is known. `initial` are the CIE's: they set what DW_CFA_restore
  // returns to. False on malformed or unsupported instructions.
  bool Run(Reader r, uint64_t* loc, bool initial, const char** why) {
    while (!r.done()) {
      uint8_t op = r.U8();
      uint8_t low = op & 0x3f;
      uint64_t delta = 0;
      switch (op >> 6) {
        case 1: delta = low; break;  // DW_CFA_advance_loc
        case 2: SetRule(low, Rule::kOffset, Scaled(r.Uleb(), cie_.data_align)); continue;
        case 3: Restore(low); continue;
      }
      if (op >> 6 == 0) {
        switch (op) {
          case 0x00: continue;  // nop
          case 0x01: {          // set_loc
            uint64_t to = 0;
            if (!ReadPointer(r, cie_.fde_encoding, 0, false, &to) || (cie_.fde_encoding & 0x70) != 0) {
              *why = "DW_CFA_set_loc with a relative pointer";
              return false;
            }
            if (to < *loc) {
              *why = "DW_CFA_set_loc goes backwards";
              return false;
            }
            if (to > target_) return Stop(r);
            *loc = to;
            continue;
          }
          case 0x02: delta = r.U8(); break;
          case 0x03: delta = r.Fixed<uint16_t>(); break;
          case 0x04: delta = r.Fixed<uint32_t>(); break;
          case 0x05: { uint64_t reg = r.Uleb(); SetRule(reg, Rule::kOffset, Scaled(r.Uleb(), cie_.data_align)); continue; }
          case 0x06: Restore(r.Uleb()); continue;
          case 0x07: SetRule(r.Uleb(), Rule::kUndefined, 0); continue;
          case 0x08: SetRule(r.Uleb(), Rule::kSame, 0); continue;
          case 0x09: { uint64_t reg = r.Uleb(); SetRule(reg, Rule::kRegister, static_cast<int64_t>(r.Uleb())); continue; }
          case 0x0a:  // remember_state
            if (depth_ == kMaxRememberedStates) {
              *why = "DW_CFA_remember_state nests too deep";
              return false;
            }
            saved_[depth_++] = row_;
            continue;
          case 0x0b:  // restore_state: the whole row, CFA rule included
            if (depth_ == 0) {
              *why = "DW_CFA_restore_state with nothing remembered";
              return false;
            }
            row_ = saved_[--depth_];
            continue;
          case 0x0c: { uint64_t reg = r.Uleb(); DefCfa(reg, static_cast<int64_t>(r.Uleb())); continue; }
          case 0x0d:  // def_cfa_register: the offset stays (0 if none was set)
            row_.cfa_reg = r.Uleb();
            if (row_.cfa != Cfa::kExpression) row_.cfa = Cfa::kRegister;
            continue;
          case 0x0e: row_.cfa_offset = static_cast<int64_t>(r.Uleb()); continue;
          case 0x0f: r.Skip(r.Uleb()); row_.cfa = Cfa::kExpression; continue;  // def_cfa_expression
          case 0x10:                                                     // expression
          case 0x16: {                                                   // val_expression
            uint64_t reg = r.Uleb();
            r.Skip(r.Uleb());
            SetRule(reg, Rule::kUnsupported, 0);
            continue;
          }
          case 0x11: { uint64_t reg = r.Uleb(); SetRule(reg, Rule::kOffset, Scaled(static_cast<uint64_t>(r.Sleb()), cie_.data_align)); continue; }
          case 0x12: { uint64_t reg = r.Uleb(); DefCfa(reg, Scaled(static_cast<uint64_t>(r.Sleb()), cie_.data_align)); continue; }
          case 0x13: row_.cfa_offset = Scaled(static_cast<uint64_t>(r.Sleb()), cie_.data_align); continue;
          case 0x14: { uint64_t reg = r.Uleb(); SetRule(reg, Rule::kValOffset, Scaled(r.Uleb(), cie_.data_align)); continue; }
          case 0x15: { uint64_t reg = r.Uleb(); SetRule(reg, Rule::kValOffset, Scaled(static_cast<uint64_t>(r.Sleb()), cie_.data_align)); continue; }
          case 0x2d: continue;  // AArch64's negate_ra_state (pointer authentication): return addresses stay as read
          case 0x2e: r.Uleb(); continue;  // GNU_args_size
          case 0x2f: { uint64_t reg = r.Uleb(); SetRule(reg, Rule::kOffset, Scaled(0 - r.Uleb(), cie_.data_align)); continue; }
          default:
            *why = "an unknown DW_CFA instruction";
            return false;
        }
      }
      // An advance: the row so far holds for [loc, loc + delta).
      uint64_t step = delta * cie_.code_align;
      if (!r.ok()) break;
      if (initial || step > target_ - *loc) return Stop(r);  // the CIE's own advances: ignored
      *loc += step;
    }
    if (!r.ok()) *why = "an instruction runs past its entry";
    return r.ok();
  }

  void SaveInitial() { initial_ = row_; }
  const Row& row() const { return row_; }

 private:
  // The target's row is complete.
  bool Stop(const Reader& r) { return r.ok(); }
  void SetRule(uint64_t reg, Rule rule, int64_t value) {
    if (reg < kCfiRegisters) row_.regs[reg] = {rule, value};
  }
  void Restore(uint64_t reg) {
    if (reg < kCfiRegisters) row_.regs[reg] = initial_.regs[reg];
  }
  void DefCfa(uint64_t reg, int64_t offset) {
    row_.cfa_reg = reg;
    row_.cfa_offset = offset;
    row_.cfa = Cfa::kRegister;
  }

  const Cie& cie_;
  uint64_t target_;
  Row row_;
  Row initial_;
  Row saved_[kMaxRememberedStates];
  int depth_ = 0;
};

// Finds the FDE covering link-time `pc` and builds its row. kNoFde when
// none covers it.
CfiStatus FindRow(const CfiSection& s, uint64_t pc, Row* row, uint64_t* return_column, const char** why) {
  const uint8_t* base = s.data.data();
  Entry e;
  uint64_t cached_cie = ~uint64_t{0};
  Cie cie;
  for (uint64_t offset = 0; ReadEntry(s.data, offset, &e); offset = e.end) {
    Reader r(base + e.body, base + e.end);
    uint64_t id = e.wide ? r.Fixed<uint64_t>() : r.Fixed<uint32_t>();
    if (!r.ok() || id == CieId(s, e)) continue;  // a CIE
    // .eh_frame's CIE pointer counts back from its own field.
    if (!s.debug_frame && id > e.body) continue;
    uint64_t cie_offset = s.debug_frame ? id : e.body - id;
    if (cie_offset != cached_cie) {
      cie = Cie();
      if (!ParseCie(s, cie_offset, &cie)) continue;  // an FDE of a bad CIE covers nothing
      cached_cie = cie_offset;
    }
    uint64_t begin = 0, range = 0;
    uint64_t field = s.addr + static_cast<uint64_t>(r.pos() - base);
    if (!ReadPointer(r, cie.fde_encoding, field, true, &begin) ||
        !ReadPointer(r, cie.fde_encoding & 0x0f, 0, false, &range)) {
      continue;
    }
    if (pc < begin || pc - begin >= range) continue;
    if (cie.has_augmentation_data) r.Skip(r.Uleb());
    if (!r.ok()) {
      *why = "the FDE's augmentation data runs past it";
      return CfiStatus::kFailed;
    }
    RowBuilder builder(cie, pc);
    uint64_t loc = begin;
    if (!builder.Run(Reader(cie.insns, cie.insns_end), &loc, true, why)) return CfiStatus::kFailed;
    builder.SaveInitial();
    if (!builder.Run(Reader(r.pos(), base + e.end), &loc, false, why)) return CfiStatus::kFailed;
    *row = builder.row();
    *return_column = cie.return_column;
    return CfiStatus::kStepped;
  }
  return CfiStatus::kNoFde;
}

}  // namespace

CfiStatus CfiStep(const CfiSection& section, uint64_t bias, unsigned sp, const arch::GuestAccess& memory,
                  bool caller, CfiFrame* frame, const char** why) {
  static const char* ignored;
  if (!why) why = &ignored;
  uint64_t lookup = frame->pc - (caller ? 1 : 0) - bias;
  Row row;
  uint64_t return_column = 0;
  CfiStatus found = FindRow(section, lookup, &row, &return_column, why);
  if (found != CfiStatus::kStepped) return found;
  if (return_column >= kCfiRegisters || sp >= kCfiRegisters) {
    *why = "the return address column is no integer register";
    return CfiStatus::kFailed;
  }
  if (row.regs[return_column].rule == Rule::kUndefined) return CfiStatus::kOutermost;
  if (row.cfa != Cfa::kRegister || row.cfa_reg >= kCfiRegisters) {
    *why = "the CFA is an expression or no integer register";
    return CfiStatus::kFailed;
  }
  if (!frame->Has(row.cfa_reg)) {
    *why = "the CFA's register is not known in this frame";
    return CfiStatus::kFailed;
  }
  uint64_t cfa = frame->regs[row.cfa_reg] + static_cast<uint64_t>(row.cfa_offset);
  CfiFrame next = *frame;
  for (unsigned reg = 0; reg < kCfiRegisters; ++reg) {
    const RegRule& rule = row.regs[reg];
    uint64_t value = 0;
    switch (rule.rule) {
      case Rule::kSame:
        break;
      case Rule::kUndefined:
      case Rule::kUnsupported:
        next.Forget(reg);
        break;
      case Rule::kOffset:
        if (!memory.Read(cfa + static_cast<uint64_t>(rule.value), &value, sizeof value)) {
          *why = "a saved register's stack slot is unreadable";
          return CfiStatus::kFailed;
        }
        next.Set(reg, value);
        break;
      case Rule::kValOffset:
        next.Set(reg, cfa + static_cast<uint64_t>(rule.value));
        break;
      case Rule::kRegister:
        if (frame->Has(static_cast<uint64_t>(rule.value))) next.Set(reg, frame->regs[static_cast<uint64_t>(rule.value)]);
        else next.Forget(reg);
        break;
    }
  }
  if (!next.Has(return_column)) {
    *why = "the return address is not known";
    return CfiStatus::kFailed;
  }
  next.pc = next.regs[return_column];
  next.Set(sp, cfa);
  *frame = next;
  return CfiStatus::kStepped;
}

}  // namespace ferry
