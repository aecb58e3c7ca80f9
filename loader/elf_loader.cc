#include "loader/elf_loader.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "host/host_syscall.h"

namespace ferry {
namespace {

constexpr size_t kMaxProgramBytes = size_t{1} << 31;

const char* MachineName(uint16_t machine) {
  switch (machine) {
    case EM_386: return "x86 (i386)";
    case EM_X86_64: return "x86-64";
    case EM_ARM: return "32-bit ARM";
    case EM_AARCH64: return "AArch64";
    case EM_RISCV: return "RISC-V";
    case EM_MIPS: return "MIPS";
    case EM_PPC64: return "PowerPC64";
    case EM_S390: return "S/390";
    default: return nullptr;
  }
}

ProgramError NotExecutable(const std::string& reason) { return {126, reason}; }

int SegmentProt(uint32_t flags) {
  return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
         ((flags & PF_X) ? PROT_EXEC : 0);
}

}  // namespace

const arch::ArchInfo* GuestElfArch(const std::string& path) {
  int fd = static_cast<int>(HostSyscall(SYS_openat, AT_FDCWD, reinterpret_cast<uint64_t>(path.c_str()),
                                        O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd < 0) return nullptr;
  Elf64_Ehdr eh;
  bool whole = HostSyscall(SYS_read, fd, reinterpret_cast<uint64_t>(&eh), sizeof eh) == sizeof eh;
  HostSyscall(SYS_close, fd);
  if (!whole || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_ident[EI_DATA] != ELFDATA2LSB) {
    return nullptr;
  }
  return arch::FindArchByElfMachine(eh.e_machine);
}

std::optional<ProgramError> ReadProgramFile(const std::string& path, std::vector<uint8_t>* bytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (execve refuses it).
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    int err = errno;
    return ProgramError{err == ENOENT || err == ENOTDIR ? 127 : 126, strerror(err)};
  }
  std::optional<ProgramError> e = ReadProgramFd(fd, bytes);
  close(fd);
  return e;
}

std::optional<ProgramError> ReadProgramFd(int fd, std::vector<uint8_t>* bytes) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    bool dir = S_ISDIR(st.st_mode);
    return NotExecutable(dir ? "Is a directory" : "Permission denied (not a regular file)");
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxProgramBytes) {
    return NotExecutable("file too large to be a program");
  }
  bytes->resize(st.st_size);
  size_t done = 0;
  while (done < bytes->size()) {  // pread: a descriptor from binfmt_misc may have been read from
    ssize_t n = pread(fd, bytes->data() + done, bytes->size() - done, done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : EIO;
      return NotExecutable(std::string("read failed: ") + strerror(err));
    }
    done += n;
  }
  return std::nullopt;
}

std::optional<ProgramError> ParseElf(std::span<const uint8_t> bytes, ElfImage* image) {
  if (bytes.size() < 4 || memcmp(bytes.data(), ELFMAG, SELFMAG) != 0) {
    return NotExecutable("not an ELF executable (exec format error)");
  }
  if (bytes.size() < EI_NIDENT) return NotExecutable("truncated ELF header");
  if (bytes[EI_CLASS] == ELFCLASS32) {
    return NotExecutable("32-bit ELF is not supported (ferry runs 64-bit AArch64 and RISC-V64)");
  }
  if (bytes[EI_CLASS] != ELFCLASS64) return NotExecutable("corrupt ELF header (bad class)");
  if (bytes[EI_DATA] != ELFDATA2LSB) {
    return NotExecutable("big-endian ELF is not supported");
  }
  if (bytes.size() < sizeof(Elf64_Ehdr)) return NotExecutable("truncated ELF header");
  Elf64_Ehdr eh;
  memcpy(&eh, bytes.data(), sizeof eh);
  image->arch = arch::FindArchByElfMachine(eh.e_machine);
  if (image->arch == nullptr) {
    const char* name = MachineName(eh.e_machine);
    return NotExecutable(std::string("ELF for ") + (name ? name : "an unknown machine") +
                         " (e_machine " + std::to_string(eh.e_machine) +
                         "); ferry runs AArch64 and RISC-V64 programs");
  }
  if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
    return NotExecutable("not an executable (ELF type " + std::to_string(eh.e_type) + ")");
  }
  image->position_independent = eh.e_type == ET_DYN;
  if (eh.e_phentsize != sizeof(Elf64_Phdr)) {
    return NotExecutable("corrupt ELF header (program header size " +
                         std::to_string(eh.e_phentsize) + ")");
  }
  if (eh.e_phnum == 0 || eh.e_phnum > 1024) {
    return NotExecutable("corrupt ELF header (" + std::to_string(eh.e_phnum) +
                         " program headers)");
  }
  if (eh.e_phoff > bytes.size() ||
      uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr) > bytes.size() - eh.e_phoff) {
    return NotExecutable("truncated ELF (program headers lie outside the file)");
  }
  image->entry = eh.e_entry;
  image->phnum = eh.e_phnum;
  image->phentsize = eh.e_phentsize;
  image->segments.clear();
  image->interpreter.clear();
  image->phdr_vaddr = 0;
  bool have_phdr = false;
  uint64_t lowest = UINT64_MAX, highest = 0;
  for (int i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    memcpy(&ph, bytes.data() + eh.e_phoff + i * sizeof ph, sizeof ph);
    if (ph.p_type == PT_INTERP) {
      if (ph.p_offset > bytes.size() || ph.p_filesz > bytes.size() - ph.p_offset ||
          ph.p_filesz < 2 || ph.p_filesz > 4096 || bytes[ph.p_offset + ph.p_filesz - 1] != 0) {
        return NotExecutable("corrupt ELF (bad interpreter path)");
      }
      image->interpreter.assign(reinterpret_cast<const char*>(bytes.data() + ph.p_offset));
      continue;
    }
    if (ph.p_type == PT_PHDR) {
      image->phdr_vaddr = ph.p_vaddr;
      have_phdr = true;
    }
    if (ph.p_type != PT_LOAD) continue;
    std::string which = "segment " + std::to_string(i);
    if (ph.p_offset > bytes.size() || ph.p_filesz > bytes.size() - ph.p_offset) {
      return NotExecutable("truncated ELF (" + which + " lies outside the file)");
    }
    if (ph.p_filesz > ph.p_memsz) return NotExecutable("corrupt ELF (" + which + " filesz > memsz)");
    if (ph.p_vaddr + ph.p_memsz < ph.p_vaddr || ph.p_vaddr + ph.p_memsz > (uint64_t{1} << 56)) {
      return NotExecutable("corrupt ELF (" + which + " address out of range)");
    }
    if (ph.p_align > 1 && ((ph.p_align & (ph.p_align - 1)) != 0 ||
                           (ph.p_vaddr - ph.p_offset) % std::min<uint64_t>(ph.p_align, kPageSize) != 0)) {
      return NotExecutable("corrupt ELF (" + which + " misaligned)");
    }
    if (ph.p_memsz == 0) continue;
    image->max_align = std::max<uint64_t>(image->max_align, ph.p_align);
    image->segments.push_back({ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz,
                               SegmentProt(ph.p_flags)});
    lowest = std::min(lowest, PageDown(ph.p_vaddr));
    highest = std::max(highest, PageUp(ph.p_vaddr + ph.p_memsz));
    if (!have_phdr && eh.e_phoff >= ph.p_offset && eh.e_phoff < ph.p_offset + ph.p_filesz) {
      image->phdr_vaddr = ph.p_vaddr + (eh.e_phoff - ph.p_offset);
    }
  }
  if (image->segments.empty()) return NotExecutable("corrupt ELF (no loadable segment)");
  image->lowest = lowest;
  image->highest = highest;
  bool entry_inside = false;
  for (const ElfSegment& s : image->segments) {
    entry_inside |= image->entry >= s.vaddr && image->entry < s.vaddr + s.memsz;
  }
  if (!entry_inside) return NotExecutable("corrupt ELF (entry point outside every segment)");
  return std::nullopt;
}

std::optional<std::string> LoadElf(const ElfImage& image, std::span<const uint8_t> bytes,
                                   uint64_t pie_base, GuestMemory& memory, LoadedImage* out) {
  uint64_t bias = 0;
  if (image.position_independent) {
    uint64_t align = std::max<uint64_t>(image.max_align, kPageSize);
    bias = (pie_base & ~(align - 1)) - image.lowest;
  }
  uint64_t start = image.lowest + bias, span = image.highest - image.lowest;
  if (!memory.InSpace(start, span)) {
    return "program needs guest addresses up to 0x" + [&] {
      char buf[32];
      snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(image.highest + bias));
      return std::string(buf);
    }() + ", beyond the guest address space (raise it with -R)";
  }
  // Map everything writable, copy the file bytes, then apply the segments'
  // own protections; pages shared by two segments get the union.
  for (const ElfSegment& s : image.segments) {
    uint64_t lo = PageDown(s.vaddr + bias), hi = PageUp(s.vaddr + bias + s.memsz);
    int64_t r = memory.Map(lo, hi - lo, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (r < 0) return std::string("cannot map segment: ") + strerror(static_cast<int>(-r));
  }
  for (const ElfSegment& s : image.segments) {
    memcpy(memory.Host(s.vaddr + bias), bytes.data() + s.offset, s.filesz);
  }
  for (size_t i = 0; i < image.segments.size(); ++i) {
    const ElfSegment& s = image.segments[i];
    uint64_t lo = PageDown(s.vaddr + bias), hi = PageUp(s.vaddr + bias + s.memsz);
    memory.Protect(lo, hi - lo, s.prot);
    for (size_t j = 0; j < i; ++j) {
      const ElfSegment& p = image.segments[j];
      uint64_t p_lo = PageDown(p.vaddr + bias), p_hi = PageUp(p.vaddr + bias + p.memsz);
      uint64_t o_lo = std::max(lo, p_lo), o_hi = std::min(hi, p_hi);
      if (o_lo < o_hi) memory.Protect(o_lo, o_hi - o_lo, s.prot | p.prot);
    }
  }
  out->bias = bias;
  out->entry = image.entry + bias;
  out->phdr = image.phdr_vaddr + bias;
  out->brk_start = image.highest + bias;
  return std::nullopt;
}

}  // namespace ferry
