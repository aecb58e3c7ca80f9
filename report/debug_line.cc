#include "report/debug_line.h"

#include <cstring>

namespace ferry {
namespace {

// DWARF constants (the DWARF 5 standard, sections 6.2 and 7.5).
enum : uint8_t {
  kLnsCopy = 1, kLnsAdvancePc, kLnsAdvanceLine, kLnsSetFile, kLnsSetColumn, kLnsNegateStmt,
  kLnsSetBasicBlock, kLnsConstAddPc, kLnsFixedAdvancePc, kLnsSetPrologueEnd, kLnsSetEpilogueBegin, kLnsSetIsa,
};
enum : uint8_t { kLneEndSequence = 1, kLneSetAddress = 2, kLneDefineFile = 3 };
enum : uint64_t {
  kFormBlock = 0x09, kFormBlock1 = 0x0a, kFormData1 = 0x0b, kFormData2 = 0x05, kFormData4 = 0x06,
  kFormData8 = 0x07, kFormData16 = 0x1e, kFormString = 0x08, kFormStrp = 0x0e, kFormLineStrp = 0x1f,
  kFormUdata = 0x0f, kFormSdata = 0x0d, kFormStrx = 0x1a, kFormStrx1 = 0x25, kFormStrx2 = 0x26, kFormStrx4 = 0x28,
};
enum : uint64_t { kLnctPath = 1, kLnctDirectoryIndex = 2 };

// A bounds-checked reader over one section; `ok` turns false at any overrun.
struct Reader {
  const uint8_t* p;
  const uint8_t* end;
  bool ok = true;

  bool Need(size_t n) {
    if (!ok || static_cast<size_t>(end - p) < n) ok = false;
    return ok;
  }
  uint64_t Fixed(size_t n) {
    if (!Need(n)) return 0;
    uint64_t v = 0;
    memcpy(&v, p, n);  // little-endian host and guests
    p += n;
    return v;
  }
  uint64_t Uleb() {
    uint64_t v = 0;
    for (int shift = 0; Need(1); shift += 7) {
      uint8_t b = *p++;
      if (shift < 64) v |= uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) break;
    }
    return v;
  }
  int64_t Sleb() {
    int64_t v = 0;
    int shift = 0;
    uint8_t b = 0;
    while (Need(1)) {
      b = *p++;
      if (shift < 64) v |= int64_t{b & 0x7f} << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    // Sign-extends; unsigned, as -(1 << 63) overflows (fuzz/debug_line).
    if (shift < 64 && (b & 0x40)) v |= static_cast<int64_t>(~uint64_t{0} << shift);
    return v;
  }
  std::string String() {
    const void* nul = ok ? memchr(p, 0, end - p) : nullptr;
    if (!nul) {
      ok = false;
      return "";
    }
    std::string s(reinterpret_cast<const char*>(p), static_cast<const uint8_t*>(nul) - p);
    p = static_cast<const uint8_t*>(nul) + 1;
    return s;
  }
};

std::string StringAt(const std::vector<uint8_t>& section, uint64_t offset) {
  if (offset >= section.size()) return "";
  const char* s = reinterpret_cast<const char*>(section.data() + offset);
  return std::string(s, strnlen(s, section.size() - offset));
}

// One attribute of a DWARF 5 directory or file entry: its string (for
// string forms), its number (for constants); false for a form not known.
bool ReadForm(Reader& r, uint64_t form, bool dwarf64, const DebugLineSections& s, std::string* text, uint64_t* number) {
  switch (form) {
    case kFormString: *text = r.String(); return r.ok;
    case kFormLineStrp: *text = StringAt(s.line_str, r.Fixed(dwarf64 ? 8 : 4)); return r.ok;
    case kFormStrp: *text = StringAt(s.str, r.Fixed(dwarf64 ? 8 : 4)); return r.ok;
    case kFormUdata: *number = r.Uleb(); return r.ok;
    case kFormSdata: *number = static_cast<uint64_t>(r.Sleb()); return r.ok;
    case kFormData1: case kFormStrx1: *number = r.Fixed(1); return r.ok;
    case kFormData2: case kFormStrx2: *number = r.Fixed(2); return r.ok;
    case kFormData4: case kFormStrx4: *number = r.Fixed(4); return r.ok;
    case kFormData8: *number = r.Fixed(8); return r.ok;
    case kFormData16: r.Fixed(8); r.Fixed(8); return r.ok;
    case kFormStrx: r.Uleb(); return r.ok;
    case kFormBlock: { uint64_t n = r.Uleb(); if (r.Need(n)) r.p += n; return r.ok; }
    case kFormBlock1: { uint64_t n = r.Fixed(1); if (r.Need(n)) r.p += n; return r.ok; }
  }
  return false;
}

struct FileEntry {
  std::string name;
  uint64_t dir = 0;
};

// DWARF 5's self-describing directory or file table.
bool ReadEntries5(Reader& r, bool dwarf64, const DebugLineSections& s, std::vector<FileEntry>* out) {
  uint8_t format_count = static_cast<uint8_t>(r.Fixed(1));
  std::vector<std::pair<uint64_t, uint64_t>> formats;
  for (int i = 0; i < format_count && r.ok; ++i) {
    uint64_t type = r.Uleb();
    formats.emplace_back(type, r.Uleb());
  }
  uint64_t count = r.Uleb();
  // Every form takes at least a byte, so a count beyond the bytes left is
  // malformed; and entries with no attributes would take none, and a count
  // of 2^64 of them would run for ever (found by fuzz/debug_line).
  if (count > static_cast<uint64_t>(r.end - r.p) || (count > 0 && formats.empty())) return false;
  for (uint64_t i = 0; i < count && r.ok; ++i) {
    FileEntry e;
    for (auto [type, form] : formats) {
      std::string text;
      uint64_t number = 0;
      if (!ReadForm(r, form, dwarf64, s, &text, &number)) return false;
      if (type == kLnctPath) e.name = text;
      if (type == kLnctDirectoryIndex) e.dir = number;
    }
    out->push_back(std::move(e));
  }
  return r.ok;
}

// Runs one unit's line program; true when a row covers `addr`.
bool SearchUnit(Reader unit, int version, bool dwarf64, const DebugLineSections& s, uint64_t addr,
                std::string* file_out, int* line_out) {
  if (version >= 5) {
    unit.Fixed(1);  // address_size
    unit.Fixed(1);  // segment_selector_size
  }
  uint64_t header_length = unit.Fixed(dwarf64 ? 8 : 4);
  if (!unit.Need(header_length)) return false;
  Reader program{unit.p + header_length, unit.end};
  uint8_t min_inst = static_cast<uint8_t>(unit.Fixed(1));
  if (version >= 4) unit.Fixed(1);  // maximum_operations_per_instruction (VLIW only)
  bool default_is_stmt = unit.Fixed(1) != 0;
  int8_t line_base = static_cast<int8_t>(unit.Fixed(1));
  uint8_t line_range = static_cast<uint8_t>(unit.Fixed(1));
  uint8_t opcode_base = static_cast<uint8_t>(unit.Fixed(1));
  std::vector<uint8_t> arg_counts(opcode_base, 0);
  for (int i = 1; i < opcode_base && unit.ok; ++i) arg_counts[i] = static_cast<uint8_t>(unit.Fixed(1));
  if (!unit.ok || line_range == 0) return false;
  std::vector<FileEntry> dirs, files;
  if (version >= 5) {
    if (!ReadEntries5(unit, dwarf64, s, &dirs) || !ReadEntries5(unit, dwarf64, s, &files)) return false;
  } else {
    dirs.push_back({""});  // directory 0: the unit's own
    for (std::string d = unit.String(); unit.ok && !d.empty(); d = unit.String()) dirs.push_back({d});
    files.push_back({""});  // file numbers start at 1
    for (std::string f = unit.String(); unit.ok && !f.empty(); f = unit.String()) {
      FileEntry e{f, unit.Uleb()};
      unit.Uleb();  // mtime
      unit.Uleb();  // length
      files.push_back(e);
    }
  }
  auto name_of = [&](uint64_t file) -> std::string {
    if (file >= files.size()) return "?";
    const FileEntry& f = files[file];
    if (!f.name.empty() && f.name[0] == '/') return f.name;
    std::string dir = f.dir < dirs.size() ? dirs[f.dir].name : "";
    // The unit's own directory (the build's) adds nothing a reader needs.
    if (dir.empty() || f.dir == 0) return f.name;
    return dir + "/" + f.name;
  };

  // The state machine: a row (address, file, line) is emitted by copy,
  // special opcodes and end_sequence; the row before the first one past
  // `addr` covers it, within one sequence.
  uint64_t address = 0, file = 1, prev_file = 0;
  // Unsigned: a malformed program may step the line past 2^63, which must
  // wrap, not overflow (fuzz/debug_line).
  uint64_t line = 1, prev_line = 0;
  uint64_t prev_address = 0;
  bool have_prev = false;
  (void)default_is_stmt;
  auto emit = [&](bool end_sequence) -> bool {
    if (have_prev && prev_address <= addr && addr < address) {
      *file_out = name_of(prev_file);
      *line_out = static_cast<int>(prev_line);
      return true;
    }
    have_prev = !end_sequence;
    prev_address = address;
    prev_file = file;
    prev_line = line;
    return false;
  };
  Reader& r = program;
  while (r.ok && r.p < r.end) {
    uint8_t op = static_cast<uint8_t>(r.Fixed(1));
    if (op >= opcode_base) {
      uint8_t adj = op - opcode_base;
      address += static_cast<uint64_t>(adj / line_range) * min_inst;
      line += static_cast<uint64_t>(line_base + adj % line_range);
      if (emit(false)) return true;
      continue;
    }
    switch (op) {
      case 0: {
        uint64_t len = r.Uleb();
        if (!r.Need(len) || len == 0) return false;
        const uint8_t* next = r.p + len;
        uint8_t sub = static_cast<uint8_t>(r.Fixed(1));
        if (sub == kLneEndSequence) {
          if (emit(true)) return true;
          address = 0, file = 1, line = 1;
          have_prev = false;
        } else if (sub == kLneSetAddress) {
          address = r.Fixed(len - 1 <= 8 ? len - 1 : 8);
        }
        r.p = next;
        break;
      }
      case kLnsCopy: if (emit(false)) return true; break;
      case kLnsAdvancePc: address += r.Uleb() * min_inst; break;
      case kLnsAdvanceLine: line += static_cast<uint64_t>(r.Sleb()); break;
      case kLnsSetFile: file = r.Uleb(); break;
      case kLnsSetColumn: r.Uleb(); break;
      case kLnsNegateStmt: case kLnsSetBasicBlock: case kLnsSetPrologueEnd: case kLnsSetEpilogueBegin: break;
      case kLnsConstAddPc: address += uint64_t{(255u - opcode_base) / line_range} * min_inst; break;
      case kLnsFixedAdvancePc: address += r.Fixed(2); break;
      case kLnsSetIsa: r.Uleb(); break;
      default:
        for (int i = 0; i < arg_counts[op]; ++i) r.Uleb();  // an opcode this reader does not know
    }
  }
  return false;
}

}  // namespace

bool FindSourceLine(const DebugLineSections& sections, uint64_t addr, std::string* file, int* line) {
  Reader r{sections.line.data(), sections.line.data() + sections.line.size()};
  while (r.ok && r.p < r.end) {
    uint64_t length = r.Fixed(4);
    bool dwarf64 = length == 0xffffffff;
    if (dwarf64) length = r.Fixed(8);
    if (!r.Need(length) || length < 2) return false;
    Reader unit{r.p, r.p + length};
    r.p += length;
    int version = static_cast<int>(unit.Fixed(2));
    if (version < 2 || version > 5) continue;
    if (SearchUnit(unit, version, dwarf64, sections, addr, file, line)) return true;
  }
  return false;
}

}  // namespace ferry
