// Reading a RISC-V function's prologue (RV64 with the C extension), for
// crash reports' backtraces where a library has neither CFI nor frame
// pointers: Debian's riscv64 libc keeps no FDE for abort. Like gdb's
// riscv_scan_prologue, it follows the straight-line code from the
// function's entry: stack-pointer adjustments (addi, c.addi16sp, c.addi)
// and stores relative to sp (sd, c.sdsp) of ra and s0, up to the first
// instruction that can leave the straight line.
#include <cstring>

#include "arch/riscv64/riscv64.h"

namespace arch::riscv64 {
namespace {

constexpr unsigned kRa = 1, kSp = 2, kS0 = 8;

int64_t SignExtend(uint64_t value, unsigned bits) {
  uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((value ^ sign) - sign);
}

struct Scan {
  int64_t sp_offset = 0;  // sp now, from sp at entry
  PrologueLayout* layout;

  void AdjustSp(int64_t by) { sp_offset += by; }
  void Store(unsigned reg, int64_t offset) {
    int64_t at = sp_offset + offset;  // from sp at entry
    if (reg == kRa && !layout->return_saved) {
      layout->return_saved = true;
      layout->return_at = at;
    } else if (reg == kS0 && !layout->fp_saved) {
      layout->fp_saved = true;
      layout->fp_at = at;
    }
  }
  // False at an instruction that may jump, call or trap.
  bool Step32(uint32_t insn) {
    unsigned opcode = insn & 0x7f, rd = insn >> 7 & 31, funct3 = insn >> 12 & 7, rs1 = insn >> 15 & 31,
             rs2 = insn >> 20 & 31;
    switch (opcode) {
      case 0x13:  // OP-IMM: addi sp, sp, imm
        if (funct3 == 0 && rd == kSp && rs1 == kSp) {
          AdjustSp(SignExtend(insn >> 20, 12));
          return true;
        }
        return rd != kSp;
      case 0x23:  // STORE: sd rs2, imm(sp)
        if (funct3 == 3 && rs1 == kSp) Store(rs2, SignExtend((insn >> 25) << 5 | (insn >> 7 & 31), 12));
        return true;
      case 0x27:  // FP stores: bits 7-11 are an offset, not rd
        return true;
      case 0x63:  // branches
      case 0x67:  // jalr
      case 0x6f:  // jal
      case 0x73:  // ecall, ebreak, CSRs
        return false;
      default:  // anything else that sets sp (a large frame's sub sp, sp, t0) ends what we can follow
        return rd != kSp;
    }
  }
  bool Step16(uint16_t insn) {
    unsigned quadrant = insn & 3, funct3 = insn >> 13, rd = insn >> 7 & 31, bit12 = insn >> 12 & 1;
    if (quadrant == 1) {
      if (funct3 == 0 && rd == kSp) AdjustSp(SignExtend(bit12 << 5 | (insn >> 2 & 31), 6));  // c.addi sp
      if (funct3 == 3 && rd == kSp) {  // c.addi16sp: nzimm[9|4|6|8:7|5]
        uint64_t imm = bit12 << 9 | (insn >> 6 & 1) << 4 | (insn >> 5 & 1) << 6 | (insn >> 3 & 3) << 7 |
                       (insn >> 2 & 1) << 5;
        AdjustSp(SignExtend(imm, 10));
      }
      if ((funct3 == 1 || funct3 == 2) && rd == kSp) return false;  // c.addiw, c.li into sp
      return funct3 != 5 && funct3 != 6 && funct3 != 7;  // c.j, c.beqz, c.bnez
    }
    if (quadrant == 2) {
      if (funct3 == 7) Store(insn >> 2 & 31, (insn >> 10 & 7) << 3 | (insn >> 7 & 7) << 6);  // c.sdsp
      // c.jr, c.jalr and c.ebreak: funct4 100x with rs2 = 0
      if (funct3 == 4 && (insn >> 2 & 31) == 0) return false;
      // c.slli, c.lwsp, c.ldsp, c.mv and c.add into sp (funct3 1 is c.fldsp: an FP rd)
      if (funct3 != 1 && funct3 <= 4 && rd == kSp) return false;
    }
    return true;
  }
};

}  // namespace

bool ScanPrologue(const uint8_t* code, size_t size, PrologueLayout* layout) {
  *layout = {};
  Scan scan{.layout = layout};
  for (size_t at = 0; at + 2 <= size;) {
    uint16_t low;
    memcpy(&low, code + at, 2);
    if ((low & 3) != 3) {
      if (!scan.Step16(low)) break;
      at += 2;
      continue;
    }
    if (at + 4 > size) break;
    uint32_t insn;
    memcpy(&insn, code + at, 4);
    if ((insn & 0x1f) == 0x1f || !scan.Step32(insn)) break;  // a longer encoding, or control flow
    at += 4;
  }
  if (scan.sp_offset > 0) return false;  // not a prologue
  layout->frame_size = static_cast<uint64_t>(-scan.sp_offset);
  return layout->frame_size > 0 || layout->return_saved;
}

}  // namespace arch::riscv64
