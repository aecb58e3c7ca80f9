// report/debug_line: a hand-made DWARF 4 line program, its rows looked up,
// and every truncation and some garbage refused without a crash.
#include "report/debug_line.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ferry {
namespace {

// One unit: directory "src", file "a.c" in it; rows (0x1000, line 10),
// (0x1008, 11), end of sequence at 0x1010.
std::vector<uint8_t> LineUnit() {
  std::vector<uint8_t> header = {
      4,                                         // minimum_instruction_length
      1,                                         // maximum_operations_per_instruction
      1,                                         // default_is_stmt
      static_cast<uint8_t>(-5),                  // line_base
      14,                                        // line_range
      13,                                        // opcode_base
      0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1,        // standard_opcode_lengths
      's', 'r', 'c', 0, 0,                       // include_directories
      'a', '.', 'c', 0, 1, 0, 0, 0,              // file_names: a.c in directory 1
  };
  std::vector<uint8_t> program = {
      0, 9, 2, 0x00, 0x10, 0, 0, 0, 0, 0, 0,  // DW_LNE_set_address 0x1000
      3, 9,                                   // DW_LNS_advance_line +9: line 10
      1,                                      // DW_LNS_copy
      47,                                     // special: address +8, line +1
      2, 2,                                   // DW_LNS_advance_pc 2 (x4)
      0, 1, 1,                                // DW_LNE_end_sequence
  };
  std::vector<uint8_t> unit = {4, 0};  // version
  uint32_t header_length = static_cast<uint32_t>(header.size());
  for (int i = 0; i < 4; ++i) unit.push_back(static_cast<uint8_t>(header_length >> (8 * i)));
  unit.insert(unit.end(), header.begin(), header.end());
  unit.insert(unit.end(), program.begin(), program.end());
  std::vector<uint8_t> out;
  uint32_t length = static_cast<uint32_t>(unit.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(length >> (8 * i)));
  out.insert(out.end(), unit.begin(), unit.end());
  return out;
}

TEST_CASE("debug_line: the row covering an address") {
  DebugLineSections sections;
  sections.line = LineUnit();
  std::string file;
  int line = 0;
  REQUIRE(FindSourceLine(sections, 0x1000, &file, &line));
  CHECK(file == "src/a.c");
  CHECK(line == 10);
  REQUIRE(FindSourceLine(sections, 0x1004, &file, &line));
  CHECK(line == 10);
  REQUIRE(FindSourceLine(sections, 0x1008, &file, &line));
  CHECK(line == 11);
  REQUIRE(FindSourceLine(sections, 0x100f, &file, &line));
  CHECK(line == 11);
  CHECK_FALSE(FindSourceLine(sections, 0x1010, &file, &line));  // past the sequence's end
  CHECK_FALSE(FindSourceLine(sections, 0xfff, &file, &line));
}

TEST_CASE("debug_line: truncated or garbage sections are refused") {
  std::vector<uint8_t> whole = LineUnit();
  std::string file;
  int line = 0;
  for (size_t n = 0; n < whole.size(); ++n) {
    DebugLineSections sections;
    sections.line.assign(whole.begin(), whole.begin() + n);
    CHECK_FALSE(FindSourceLine(sections, 0x1004, &file, &line));
  }
  uint32_t seed = 1;
  for (int round = 0; round < 200; ++round) {
    DebugLineSections sections;
    sections.line = whole;
    for (size_t i = 4; i < sections.line.size(); ++i) {
      seed = seed * 1103515245 + 12345;
      if ((seed >> 16) % 7 == 0) sections.line[i] = static_cast<uint8_t>(seed >> 24);
    }
    FindSourceLine(sections, 0x1004, &file, &line);  // anything but a crash or a hang
  }
}

}  // namespace
}  // namespace ferry
