#include "report/elf_symbols.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace ferry {
namespace {

// The file mapped read-only for the time of a Load.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* p = mmap(nullptr, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED) {
        data_ = static_cast<const uint8_t*>(p);
        size_ = st.st_size;
      }
    }
    close(fd);
  }
  ~MappedFile() {
    if (data_) munmap(const_cast<uint8_t*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // `count` objects of T at `offset`, or null when they do not fit or are
  // misaligned (a header table at an odd offset is read as none, not
  // through a misaligned pointer; found by fuzz/report_elf).
  template <typename T>
  const T* At(uint64_t offset, uint64_t count = 1) const {
    if (!data_ || offset > size_ || count > (size_ - offset) / sizeof(T) || offset % alignof(T) != 0) {
      return nullptr;
    }
    return reinterpret_cast<const T*>(data_ + offset);
  }
  uint64_t size() const { return size_; }

 private:
  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace

bool ElfSymbols::Load(const std::string& path) {
  symbols_.clear();
  segments_.clear();
  debug_line_ = DebugLineSections();
  eh_frame_ = CfiSection();
  debug_frame_ = CfiSection();
  debug_frame_.debug_frame = true;
  MappedFile file(path);
  const Elf64_Ehdr* eh = file.At<Elf64_Ehdr>(0);
  if (!eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64) return false;
  if (const Elf64_Phdr* ph = file.At<Elf64_Phdr>(eh->e_phoff, eh->e_phnum)) {
    for (int i = 0; i < eh->e_phnum; ++i) {
      if (ph[i].p_type == PT_LOAD) segments_.push_back({ph[i].p_offset, ph[i].p_vaddr, ph[i].p_filesz});
    }
  }
  const Elf64_Shdr* sh = file.At<Elf64_Shdr>(eh->e_shoff, eh->e_shnum);
  if (!sh) return true;
  // The line tables and call-frame information, copied (the file is unmapped after Load).
  if (eh->e_shstrndx < eh->e_shnum) {
    const Elf64_Shdr& names = sh[eh->e_shstrndx];
    const char* strings = file.At<char>(names.sh_offset, names.sh_size);
    for (int i = 0; strings && i < eh->e_shnum; ++i) {
      if (sh[i].sh_name >= names.sh_size || sh[i].sh_type == SHT_NOBITS) continue;
      std::string name(strings + sh[i].sh_name, strnlen(strings + sh[i].sh_name, names.sh_size - sh[i].sh_name));
      if (name == ".eh_frame") eh_frame_.addr = sh[i].sh_addr;
      std::vector<uint8_t>* into = name == ".eh_frame" ? &eh_frame_.data
                                 : name == ".debug_frame" ? &debug_frame_.data
                                 : name == ".debug_line" ? &debug_line_.line
                                 : name == ".debug_line_str" ? &debug_line_.line_str
                                 : name == ".debug_str" ? &debug_line_.str : nullptr;
      const uint8_t* bytes = into ? file.At<uint8_t>(sh[i].sh_offset, sh[i].sh_size) : nullptr;
      if (bytes) into->assign(bytes, bytes + sh[i].sh_size);
    }
  }
  // .symtab when the file keeps it (names static functions too), else .dynsym.
  for (uint32_t wanted : {SHT_SYMTAB, SHT_DYNSYM}) {
    for (int i = 0; i < eh->e_shnum; ++i) {
      if (sh[i].sh_type != wanted || sh[i].sh_link >= eh->e_shnum) continue;
      const Elf64_Shdr& strtab = sh[sh[i].sh_link];
      const Elf64_Sym* syms = file.At<Elf64_Sym>(sh[i].sh_offset, sh[i].sh_size / sizeof(Elf64_Sym));
      const char* strings = file.At<char>(strtab.sh_offset, strtab.sh_size);
      if (!syms || !strings) continue;
      for (uint64_t j = 0; j < sh[i].sh_size / sizeof(Elf64_Sym); ++j) {
        const Elf64_Sym& s = syms[j];
        int type = ELF64_ST_TYPE(s.st_info);
        if ((type != STT_FUNC && type != STT_OBJECT) || s.st_shndx == SHN_UNDEF || s.st_value == 0) continue;
        if (s.st_name >= strtab.sh_size) continue;
        const char* name = strings + s.st_name;
        size_t len = strnlen(name, strtab.sh_size - s.st_name);
        if (len == 0) continue;
        symbols_.push_back({s.st_value, s.st_size, std::string(name, len)});
      }
    }
    if (!symbols_.empty()) break;
  }
  std::sort(symbols_.begin(), symbols_.end(), [](const Symbol& a, const Symbol& b) {
    return a.addr != b.addr ? a.addr < b.addr : a.size > b.size;
  });
  return true;
}

std::optional<uint64_t> ElfSymbols::AddressOfOffset(uint64_t file_offset) const {
  for (const Segment& s : segments_) {
    if (file_offset >= s.offset && file_offset - s.offset < s.filesz) return s.vaddr + (file_offset - s.offset);
  }
  return std::nullopt;
}

bool ElfSymbols::Lookup(uint64_t addr, std::string* name, uint64_t* offset) const {
  auto it = std::upper_bound(symbols_.begin(), symbols_.end(), addr,
                             [](uint64_t a, const Symbol& s) { return a < s.addr; });
  // The last symbol starting at or before addr that covers it (or has no size).
  while (it != symbols_.begin()) {
    --it;
    if (it->size == 0 || addr - it->addr < it->size) {
      *name = it->name;
      *offset = addr - it->addr;
      return true;
    }
    // A sized symbol that ends before addr: an earlier, larger one may still cover it.
    if (addr - it->addr > (uint64_t{1} << 24)) break;
  }
  return false;
}

}  // namespace ferry
