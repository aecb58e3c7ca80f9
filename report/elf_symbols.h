// A guest ELF file's function symbols (.symtab, else .dynsym), load
// segments, line tables and call-frame information, read from the host file, for naming
// addresses and unwinding frames in crash reports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "report/cfi.h"
#include "report/debug_line.h"

namespace ferry {

class ElfSymbols {
 public:
  // Reads the file at `path`; false when it is no readable 64-bit ELF.
  bool Load(const std::string& path);

  // The link-time address of the byte at `file_offset` (through the PT_LOAD
  // segment holding it), or nullopt.
  std::optional<uint64_t> AddressOfOffset(uint64_t file_offset) const;
  // The function or object symbol covering link-time address `addr`
  // (or the nearest one before it, when sizes are missing), and the offset
  // into it; false when none.
  bool Lookup(uint64_t addr, std::string* name, uint64_t* offset) const;
  // The source file and line of link-time address `addr` (a file built
  // with -g: .debug_line); false when unknown.
  bool SourceLine(uint64_t addr, std::string* file, int* line) const {
    return !debug_line_.line.empty() && FindSourceLine(debug_line_, addr, file, line);
  }
  // The file's .eh_frame and .debug_frame (empty when it has none).
  const CfiSection& eh_frame() const { return eh_frame_; }
  const CfiSection& debug_frame() const { return debug_frame_; }

 private:
  struct Symbol {
    uint64_t addr;
    uint64_t size;
    std::string name;
  };
  struct Segment {
    uint64_t offset, vaddr, filesz;
  };
  std::vector<Symbol> symbols_;  // by address
  std::vector<Segment> segments_;
  DebugLineSections debug_line_;
  CfiSection eh_frame_;
  CfiSection debug_frame_;
};

}  // namespace ferry
