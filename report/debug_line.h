// Source lines from DWARF's .debug_line (versions 2 to 5): the line-number
// programs run to the row that covers an address. Only what a crash
// report needs: file name (with its directory) and line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ferry {

struct DebugLineSections {
  std::vector<uint8_t> line;      // .debug_line
  std::vector<uint8_t> line_str;  // .debug_line_str (DWARF 5's DW_FORM_line_strp)
  std::vector<uint8_t> str;       // .debug_str (DW_FORM_strp)
};

// The source file and line of link-time address `addr`; false when no
// line program covers it or the data is malformed.
bool FindSourceLine(const DebugLineSections& sections, uint64_t addr, std::string* file, int* line);

}  // namespace ferry
