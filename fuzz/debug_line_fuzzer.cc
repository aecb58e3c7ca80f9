// DWARF .debug_line as a crash report reads it from a guest's ELF: the
// input is an address, then .debug_line, .debug_line_str and .debug_str
// (each after a 2-byte length, the last taking the rest).
#include <cstdint>
#include <cstring>
#include <string>

#include "report/debug_line.h"

namespace {

void TakeSection(const uint8_t** data, size_t* size, bool last, std::vector<uint8_t>* into) {
  size_t n = *size;
  if (!last) {
    uint16_t len = 0;
    memcpy(&len, *data, std::min<size_t>(2, *size));
    size_t skip = std::min<size_t>(2, *size);
    *data += skip;
    *size -= skip;
    n = std::min<size_t>(len, *size);
  }
  into->assign(*data, *data + n);
  *data += n;
  *size -= n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 8) return 0;
  uint64_t addr;
  memcpy(&addr, data, 8);
  data += 8;
  size -= 8;
  ferry::DebugLineSections sections;
  TakeSection(&data, &size, false, &sections.line_str);
  TakeSection(&data, &size, false, &sections.str);
  TakeSection(&data, &size, true, &sections.line);
  std::string file;
  int line = 0;
  ferry::FindSourceLine(sections, addr, &file, &line);
  return 0;
}
