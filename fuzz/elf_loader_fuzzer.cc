// A guest program file, as execve reads it: the #! line, the ELF headers
// (ParseElf) and, when they pass, the segments mapped into a scratch guest
// memory (LoadElf) at a PIE base taken from the input.
#include <sys/mman.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>

#include "loader/elf_loader.h"
#include "loader/program_loader.h"
#include "memory/guest_memory.h"

namespace {

constexpr uint64_t kSpace = uint64_t{1} << 32;  // a guest space as ferry reserves with -R 4G

ferry::GuestMemory& Scratch() {
  static std::unique_ptr<ferry::GuestMemory> memory = [] {
    std::string error;
    auto m = ferry::GuestMemory::Reserve(kSpace, &error);
    if (!m) abort();
    return m;
  }();
  return *memory;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  ferry::ScriptLine line;
  ferry::ParseScriptLine(bytes.first(std::min<size_t>(size, 256)), &line);

  ferry::ElfImage image;
  if (ferry::ParseElf(bytes, &image)) return 0;
  uint64_t pie_base = 0x10000000;
  if (size >= 0x28) memcpy(&pie_base, data + 0x20, 4);  // e_phoff's low bytes: varied, cheap
  ferry::GuestMemory& memory = Scratch();
  ferry::LoadedImage loaded;
  if (!ferry::LoadElf(image, bytes, pie_base, memory, &loaded)) {
    memory.Unmap(image.lowest + loaded.bias, image.highest - image.lowest);
  }
  return 0;
}
