// The guest address space: one host reservation where guest address g lives
// at host address base + g, so host syscalls take guest buffers directly and
// fault (EFAULT) on unmapped ones. Tracks guest page protections for the
// CPU's TLB, and chooses addresses for mmap.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "arch/arch.h"
#include "memory/mapping_origins.h"

namespace ferry {

constexpr uint64_t kPageSize = 4096;
inline uint64_t PageDown(uint64_t a) { return a & ~(kPageSize - 1); }
inline uint64_t PageUp(uint64_t a) { return (a + kPageSize - 1) & ~(kPageSize - 1); }

// Per-page state; the low three bits equal PROT_* and UC_PROT_* alike.
enum PageBits : uint8_t {
  kPageRead = 1,
  kPageWrite = 2,
  kPageExec = 4,
  kPageMapped = 8,
  // A file mapping's page past the file's end when mapped: touching it is
  // SIGBUS (the TLB fill hook checks whether the file has grown since).
  kPageBeyondEof = 16,
  // MAP_SHARED: other processes may see and make stores (Process::shares_memory).
  kPageShared = 32,
};

// Where a ferry process's guest space lives, kept in a global: ferry is a
// static non-PIE executable, so the global sits at the same host address in
// every process the same binary runs, and one ferry process reads another's
// with the host's process_vm_readv (process_vm_readv/writev between guests,
// syscalls/sys_process_vm.cc). The magic tells a ferry process from another
// program, whose memory holds anything at that address.
struct GuestSpaceBeacon {
  char magic[16];
  uint64_t base;
  uint64_t size;
};
inline constexpr char kGuestSpaceBeaconMagic[16] = "ferry guest sp1";
extern GuestSpaceBeacon g_guest_space_beacon;

class GuestMemory final : public arch::GuestAccess {
 public:
  // Reserves `size` bytes of guest space (a multiple of the page size).
  static std::unique_ptr<GuestMemory> Reserve(uint64_t size, std::string* error);
  ~GuestMemory();

  uint8_t* base() const { return base_; }
  // Makes this the space g_guest_space_beacon names: the process's own.
  void Publish() const;
  uint64_t size() const { return size_; }

  // True when [addr, addr+len) lies inside the guest space (not necessarily mapped).
  bool InSpace(uint64_t addr, uint64_t len) const {
    return addr <= size_ && len <= size_ - addr;
  }
  // Host view of a guest address; callers check InSpace first for lengths.
  void* Host(uint64_t addr) const { return base_ + addr; }
  // Host pointer for a guest buffer, or nullptr when it leaves the space;
  // a null result becomes EFAULT.
  void* HostRange(uint64_t addr, uint64_t len) const {
    return InSpace(addr, len) ? base_ + addr : nullptr;
  }

  // Copies that honour guest page protections: false (EFAULT) when any page
  // of the range is not readable / writable by the guest.
  bool Read(uint64_t addr, void* dst, uint64_t len) const override;
  bool Write(uint64_t addr, const void* src, uint64_t len) override;
  // Up to `max` bytes of a NUL-terminated guest string; false when unreadable.
  bool ReadString(uint64_t addr, size_t max, std::string* out) const;
  bool HasAccess(uint64_t addr, uint64_t len, uint8_t need) const;

  uint8_t PageState(uint64_t addr) const {
    return addr < size_ ? pages_[addr / kPageSize] : 0;
  }
  void MarkPageBeyondEof(uint64_t addr) {
    if (addr < size_) pages_[addr / kPageSize] |= kPageBeyondEof;
  }
  // The file behind a kPageBeyondEof page has grown to cover it.
  void ClearBeyondEof(uint64_t addr) {
    if (addr < size_) pages_[addr / kPageSize] &= ~kPageBeyondEof;
  }
  bool IsMapped(uint64_t addr, uint64_t len) const;  // every page mapped
  bool IsFree(uint64_t addr, uint64_t len) const;    // no page mapped
  bool AnyShared(uint64_t addr, uint64_t len) const; // some page kPageShared

  // mmap(2) semantics inside the space; return the address or -errno.
  int64_t Map(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t offset);
  int64_t Unmap(uint64_t addr, uint64_t len);
  // Records pages the host already mapped at base + addr (a System V segment
  // shmat placed there): shared, with the guest protection `prot`.
  void NoteAttached(uint64_t addr, uint64_t len, int prot, MappingOrigin origin);
  int64_t Protect(uint64_t addr, uint64_t len, int prot);
  int64_t Remap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, int flags,
                uint64_t new_addr);
  // Highest free range of `len` bytes below mmap_top_, or 0 when none.
  uint64_t FindFree(uint64_t len) const;

  // Mapped ranges (start -> end, merged) and where their pages came from,
  // for the guest's /proc/self/maps.
  const std::map<uint64_t, uint64_t>& ranges() const { return ranges_; }
  const MappingOrigins& origins() const { return origins_; }
  void Label(uint64_t addr, uint64_t len, const std::string& label) {
    origins_.Set(addr, addr + len, MappingOrigin{0, 0, 0, label});
  }
  // PR_SET_VMA_ANON_NAME: the anonymous pages of [addr, addr+len) show as
  // [anon:NAME] ([anon_shmem:NAME] when shared), or unnamed again when
  // `name` is null. Labelled ones ([heap], [stack], [vdso]) and files keep
  // theirs, as in the kernel's maps.
  void NameAnonymous(uint64_t addr, uint64_t len, const std::string* name);
  void SetOrigin(uint64_t addr, uint64_t len, MappingOrigin origin) {
    origins_.Set(addr, addr + len, std::move(origin));
  }

  void set_mmap_top(uint64_t top) { mmap_top_ = top; }
  uint64_t mmap_top() const { return mmap_top_; }

  // Called after protections change in [addr, addr+len) so the CPU can drop
  // stale TLB entries and translated code.
  std::function<void(uint64_t addr, uint64_t len, bool code_changed)> on_change;

 private:
  GuestMemory(uint8_t* base, uint64_t size, uint8_t* pages);
  void SetPages(uint64_t addr, uint64_t len, uint8_t state, uint8_t keep = 0);
  void MarkBeyondEof(uint64_t addr, uint64_t len, int fd, uint64_t offset);
  // After mremap grew a file mapping: its file is found again by its origin.
  void MarkBeyondEofByOrigin(uint64_t addr, uint64_t len);
  void Reclaim(uint64_t addr, uint64_t len);  // back to reserved, PROT_NONE
  void NoteMapped(uint64_t addr, uint64_t len);
  void NoteUnmapped(uint64_t addr, uint64_t len);

  uint8_t* base_;
  uint64_t size_;
  uint8_t* pages_;                      // one PageBits byte per guest page
  std::map<uint64_t, uint64_t> ranges_; // mapped ranges: start -> end, merged
  MappingOrigins origins_;
  uint64_t mmap_top_ = 0;
};

}  // namespace ferry
