// ELF parsing: valid images of both arches, and each way a file can be bad.
#include <doctest/doctest.h>
#include <elf.h>
#include <sys/mman.h>

#include <cstring>
#include <vector>

#include "loader/elf_loader.h"

namespace ferry {
namespace {

// A minimal static executable: header, one PT_LOAD covering the file.
std::vector<uint8_t> MakeElf(uint16_t machine, uint16_t type = ET_EXEC) {
  std::vector<uint8_t> bytes(sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + 64, 0);
  Elf64_Ehdr eh{};
  memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = type;
  eh.e_machine = machine;
  eh.e_version = EV_CURRENT;
  eh.e_entry = 0x400000 + sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr);
  eh.e_phoff = sizeof(Elf64_Ehdr);
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = 1;
  Elf64_Phdr ph{};
  ph.p_type = PT_LOAD;
  ph.p_flags = PF_R | PF_X;
  ph.p_offset = 0;
  ph.p_vaddr = 0x400000;
  ph.p_filesz = bytes.size();
  ph.p_memsz = bytes.size() + 0x2000;
  ph.p_align = 0x1000;
  memcpy(bytes.data(), &eh, sizeof eh);
  memcpy(bytes.data() + sizeof eh, &ph, sizeof ph);
  return bytes;
}

Elf64_Ehdr& Header(std::vector<uint8_t>& b) { return *reinterpret_cast<Elf64_Ehdr*>(b.data()); }
Elf64_Phdr& Phdr(std::vector<uint8_t>& b) {
  return *reinterpret_cast<Elf64_Phdr*>(b.data() + sizeof(Elf64_Ehdr));
}

std::string ReasonFor(const std::vector<uint8_t>& bytes) {
  ElfImage image;
  auto err = ParseElf(bytes, &image);
  if (!err) return "";
  CHECK(err->exit_status == 126);
  return err->reason;
}

TEST_CASE("parses a static AArch64 executable") {
  auto bytes = MakeElf(EM_AARCH64);
  ElfImage image;
  REQUIRE_FALSE(ParseElf(bytes, &image).has_value());
  CHECK(std::string(image.arch->name) == "aarch64");
  CHECK_FALSE(image.position_independent);
  CHECK(image.segments.size() == 1);
  CHECK(image.segments[0].prot == (PROT_READ | PROT_EXEC));
  CHECK(image.phdr_vaddr == 0x400000 + sizeof(Elf64_Ehdr));
  CHECK(image.lowest == 0x400000);
  CHECK(image.highest == 0x403000);
}

TEST_CASE("parses a static-PIE RISC-V64 executable") {
  auto bytes = MakeElf(EM_RISCV, ET_DYN);
  ElfImage image;
  REQUIRE_FALSE(ParseElf(bytes, &image).has_value());
  CHECK(std::string(image.arch->name) == "riscv64");
  CHECK(image.position_independent);
}

TEST_CASE("rejects files that are not ELF") {
  CHECK(ReasonFor({}).find("not an ELF") != std::string::npos);
  std::vector<uint8_t> script = {'#', '!', '/', 'b', 'i', 'n', '/', 's', 'h', '\n'};
  CHECK(ReasonFor(script).find("not an ELF") != std::string::npos);
}

TEST_CASE("rejects other machines and classes") {
  CHECK(ReasonFor(MakeElf(EM_X86_64)).find("x86-64") != std::string::npos);
  CHECK(ReasonFor(MakeElf(EM_ARM)).find("32-bit ARM") != std::string::npos);
  CHECK(ReasonFor(MakeElf(0x1234)).find("unknown machine") != std::string::npos);
  auto b32 = MakeElf(EM_ARM);
  b32[EI_CLASS] = ELFCLASS32;
  CHECK(ReasonFor(b32).find("32-bit ELF") != std::string::npos);
  auto be = MakeElf(EM_AARCH64);
  be[EI_DATA] = ELFDATA2MSB;
  CHECK(ReasonFor(be).find("big-endian") != std::string::npos);
}

TEST_CASE("rejects truncated and corrupt files") {
  auto full = MakeElf(EM_AARCH64);
  CHECK(ReasonFor(std::vector<uint8_t>(full.begin(), full.begin() + 10)).find("truncated") !=
        std::string::npos);
  CHECK(ReasonFor(std::vector<uint8_t>(full.begin(), full.begin() + 40)).find("truncated") !=
        std::string::npos);
  CHECK(ReasonFor(std::vector<uint8_t>(full.begin(), full.begin() + 80)).find("program headers") !=
        std::string::npos);

  auto b = MakeElf(EM_AARCH64);
  Phdr(b).p_filesz = 1 << 20;
  CHECK(ReasonFor(b).find("outside the file") != std::string::npos);

  b = MakeElf(EM_AARCH64);
  Phdr(b).p_memsz = 4;
  CHECK(ReasonFor(b).find("filesz > memsz") != std::string::npos);

  b = MakeElf(EM_AARCH64);
  Header(b).e_phentsize = 12;
  CHECK(ReasonFor(b).find("program header size") != std::string::npos);

  b = MakeElf(EM_AARCH64);
  Header(b).e_phnum = 0;
  CHECK(ReasonFor(b).find("program headers") != std::string::npos);

  b = MakeElf(EM_AARCH64);
  Header(b).e_phoff = 1ull << 40;
  CHECK(ReasonFor(b).find("outside the file") != std::string::npos);

  b = MakeElf(EM_AARCH64);
  Header(b).e_entry = 0x10;
  CHECK(ReasonFor(b).find("entry point") != std::string::npos);

  b = MakeElf(EM_AARCH64);
  Phdr(b).p_type = PT_NOTE;
  CHECK(ReasonFor(b).find("no loadable segment") != std::string::npos);

  b = MakeElf(EM_AARCH64);
  Phdr(b).p_vaddr = ~0ull - 0x1000;
  CHECK(ReasonFor(b).find("out of range") != std::string::npos);

  b = MakeElf(EM_AARCH64);
  Phdr(b).p_vaddr = 0x400123;
  CHECK(ReasonFor(b).find("misaligned") != std::string::npos);

  b = MakeElf(EM_AARCH64);
  Header(b).e_type = ET_REL;
  CHECK(ReasonFor(b).find("not an executable") != std::string::npos);
}

// The file with a second program header, PT_INTERP, naming `path` (NUL included
// unless `terminate` is false).
std::vector<uint8_t> WithInterpreter(const std::string& path, bool terminate = true) {
  auto b = MakeElf(EM_AARCH64);
  size_t path_at = b.size();
  b.insert(b.end(), path.begin(), path.end());
  if (terminate) b.push_back(0);
  // A new program header table at the end, with room for two.
  Elf64_Phdr load = Phdr(b);
  Elf64_Phdr interp{};
  interp.p_type = PT_INTERP;
  interp.p_offset = path_at;
  interp.p_filesz = b.size() - path_at;
  interp.p_memsz = interp.p_filesz;
  size_t table = b.size();
  b.resize(table + 2 * sizeof(Elf64_Phdr));
  memcpy(b.data() + table, &interp, sizeof interp);
  memcpy(b.data() + table + sizeof interp, &load, sizeof load);
  Header(b).e_phoff = table;
  Header(b).e_phnum = 2;
  return b;
}

TEST_CASE("reads the dynamic loader's path from PT_INTERP") {
  auto b = WithInterpreter("/lib/ld-linux-aarch64.so.1");
  ElfImage image;
  REQUIRE_FALSE(ParseElf(b, &image).has_value());
  CHECK(image.interpreter == "/lib/ld-linux-aarch64.so.1");
  ElfImage plain;
  REQUIRE_FALSE(ParseElf(MakeElf(EM_AARCH64), &plain).has_value());
  CHECK(plain.interpreter.empty());
}

TEST_CASE("refuses an unterminated or empty PT_INTERP") {
  CHECK(ReasonFor(WithInterpreter("/lib/ld.so", false)).find("bad interpreter path") != std::string::npos);
  CHECK(ReasonFor(WithInterpreter("")).find("bad interpreter path") != std::string::npos);
}

TEST_CASE("ReadProgramFile gives the shell's exit statuses") {
  std::vector<uint8_t> bytes;
  auto missing = ReadProgramFile("/nonexistent/ferry-test", &bytes);
  REQUIRE(missing.has_value());
  CHECK(missing->exit_status == 127);
  auto dir = ReadProgramFile("/tmp", &bytes);
  REQUIRE(dir.has_value());
  CHECK(dir->exit_status == 126);
  CHECK(dir->reason == "Is a directory");
}

TEST_CASE("LoadElf maps segments with their protections and places PIE at the base") {
  std::string error;
  auto memory = GuestMemory::Reserve(uint64_t{1} << 32, &error);
  REQUIRE(memory);
  auto bytes = MakeElf(EM_AARCH64, ET_DYN);
  Phdr(bytes).p_vaddr = 0;
  Header(bytes).e_entry = 0x80;
  ElfImage image;
  REQUIRE_FALSE(ParseElf(bytes, &image).has_value());
  LoadedImage loaded;
  REQUIRE_FALSE(LoadElf(image, bytes, 0x10000000, *memory, &loaded).has_value());
  CHECK(loaded.bias == 0x10000000);
  CHECK(loaded.entry == 0x10000080);
  CHECK(loaded.brk_start == 0x10003000);
  CHECK(memory->PageState(0x10000000) == (kPageMapped | kPageRead | kPageExec));
  CHECK(memcmp(memory->Host(0x10000000), ELFMAG, SELFMAG) == 0);
  // bss beyond the file is zero and still mapped
  CHECK(memory->IsMapped(0x10000000, 0x3000));
  CHECK(*static_cast<uint8_t*>(memory->Host(0x10002000)) == 0);
}

TEST_CASE("LoadElf refuses images beyond the address space") {
  std::string error;
  auto memory = GuestMemory::Reserve(uint64_t{1} << 26, &error);
  REQUIRE(memory);
  auto bytes = MakeElf(EM_AARCH64);
  Phdr(bytes).p_vaddr = 0x40000000;
  Header(bytes).e_entry = 0x40000080;
  ElfImage image;
  REQUIRE_FALSE(ParseElf(bytes, &image).has_value());
  LoadedImage loaded;
  auto err = LoadElf(image, bytes, 0, *memory, &loaded);
  REQUIRE(err.has_value());
  CHECK(err->find("-R") != std::string::npos);
}

}  // namespace
}  // namespace ferry
