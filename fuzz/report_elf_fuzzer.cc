// A guest ELF file as a crash report reads it (report/elf_symbols.h): its
// program and section headers, symbol tables and line tables, then the
// lookups a report makes. The input is the file (a memfd).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "report/elf_symbols.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static int fd = memfd_create("report_elf_fuzzer", MFD_CLOEXEC);
  if (fd < 0 || ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) abort();
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  ferry::ElfSymbols elf;
  if (!elf.Load(path)) return 0;
  for (uint64_t offset : {uint64_t{0}, uint64_t{0x40}, uint64_t{0x1000}, uint64_t{size / 2}}) {
    auto addr = elf.AddressOfOffset(offset);
    std::string name, file;
    uint64_t within = 0;
    int line = 0;
    elf.Lookup(addr.value_or(offset), &name, &within);
    elf.SourceLine(addr.value_or(offset), &file, &line);
  }
  return 0;
}
