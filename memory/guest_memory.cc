#include "memory/guest_memory.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdio>

#include <cerrno>
#include <cstring>
#include <iterator>

#include "host/host_syscall.h"

namespace ferry {
namespace {

// Lowest address mmap hands out on its own, as the kernel's mmap_min_addr.
constexpr uint64_t kMinMmapAddress = 0x10000;

// The host protection that mirrors a guest one. Unicorn reads code through the
// host mapping, so executable pages stay host-readable; nothing is host-executable.
int HostProt(int guest_prot) {
  if ((guest_prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) == 0) return PROT_NONE;
  return PROT_READ | (guest_prot & PROT_WRITE);
}

// The file behind `fd` as /proc/self/maps names it.
MappingOrigin FileOrigin(int fd, uint64_t offset) {
  MappingOrigin origin;
  origin.offset = offset;
  struct stat st;
  if (fstat(fd, &st) == 0) {
    origin.dev = st.st_dev;
    origin.inode = st.st_ino;
  }
  char link[64], path[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n > 0) origin.name.assign(path, n);
  return origin;
}

}  // namespace

GuestSpaceBeacon g_guest_space_beacon;

void GuestMemory::Publish() const {
  g_guest_space_beacon.base = reinterpret_cast<uint64_t>(base_);
  g_guest_space_beacon.size = size_;
  memcpy(g_guest_space_beacon.magic, kGuestSpaceBeaconMagic, sizeof g_guest_space_beacon.magic);
}

std::unique_ptr<GuestMemory> GuestMemory::Reserve(uint64_t size, std::string* error) {
  if (size == 0 || size % kPageSize != 0) {
    *error = "guest address space size must be a non-zero multiple of 4096";
    return nullptr;
  }
  // One extra guard page past the end: a guest string that runs off the top
  // of the space faults instead of reading host memory.
  void* base = mmap(nullptr, size + kPageSize, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    *error = std::string("cannot reserve guest address space: ") + strerror(errno);
    return nullptr;
  }
  void* pages = mmap(nullptr, size / kPageSize, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (pages == MAP_FAILED) {
    munmap(base, size + kPageSize);
    *error = std::string("cannot allocate the guest page table: ") + strerror(errno);
    return nullptr;
  }
  return std::unique_ptr<GuestMemory>(
      new GuestMemory(static_cast<uint8_t*>(base), size, static_cast<uint8_t*>(pages)));
}

GuestMemory::GuestMemory(uint8_t* base, uint64_t size, uint8_t* pages)
    : base_(base), size_(size), pages_(pages), mmap_top_(size) {}

GuestMemory::~GuestMemory() {
  munmap(base_, size_ + kPageSize);
  munmap(pages_, size_ / kPageSize);
}

bool GuestMemory::IsMapped(uint64_t addr, uint64_t len) const {
  if (!InSpace(addr, len)) return false;
  for (uint64_t p = PageDown(addr); p < addr + len; p += kPageSize) {
    if (!(pages_[p / kPageSize] & kPageMapped)) return false;
  }
  return true;
}

bool GuestMemory::AnyShared(uint64_t addr, uint64_t len) const {
  if (!InSpace(addr, len)) return false;
  for (uint64_t p = PageDown(addr); p < addr + len; p += kPageSize) {
    if (pages_[p / kPageSize] & kPageShared) return true;
  }
  return false;
}

bool GuestMemory::HasAccess(uint64_t addr, uint64_t len, uint8_t need) const {
  if (!InSpace(addr, len)) return false;
  if (len == 0) return true;
  for (uint64_t p = PageDown(addr); p < addr + len; p += kPageSize) {
    if ((pages_[p / kPageSize] & need) != need) return false;
  }
  return true;
}

bool GuestMemory::Read(uint64_t addr, void* dst, uint64_t len) const {
  if (!HasAccess(addr, len, kPageMapped | kPageRead)) return false;
  if (len) memcpy(dst, base_ + addr, len);  // an empty read may come with a null buffer
  return true;
}

bool GuestMemory::Write(uint64_t addr, const void* src, uint64_t len) {
  if (!HasAccess(addr, len, kPageMapped | kPageWrite)) return false;
  if (len) memcpy(base_ + addr, src, len);
  return true;
}

bool GuestMemory::ReadString(uint64_t addr, size_t max, std::string* out) const {
  out->clear();
  while (out->size() < max) {
    if (!HasAccess(addr, 1, kPageMapped | kPageRead)) return false;
    uint64_t page_end = PageDown(addr) + kPageSize;
    const char* p = reinterpret_cast<const char*>(base_ + addr);
    size_t n = std::min<uint64_t>(page_end - addr, max - out->size());
    size_t len = strnlen(p, n);
    out->append(p, len);
    if (len < n) return true;
    addr += n;
  }
  return true;
}

bool GuestMemory::IsFree(uint64_t addr, uint64_t len) const {
  if (!InSpace(addr, len)) return false;
  auto it = ranges_.upper_bound(addr);
  if (it != ranges_.begin() && std::prev(it)->second > addr) return false;
  return it == ranges_.end() || it->first >= addr + len;
}

uint64_t GuestMemory::FindFree(uint64_t len) const {
  uint64_t end = mmap_top_;
  auto it = ranges_.lower_bound(end);
  for (;;) {
    uint64_t gap_start = kMinMmapAddress;
    if (it != ranges_.begin()) gap_start = std::max(gap_start, std::prev(it)->second);
    if (end >= gap_start && end - gap_start >= len) return end - len;
    if (it == ranges_.begin()) return 0;
    --it;
    end = std::min(end, it->first);
  }
}

void GuestMemory::SetPages(uint64_t addr, uint64_t len, uint8_t state, uint8_t keep) {
  bool code_changed = (state & kPageExec) != 0;
  for (uint64_t p = addr / kPageSize; p < (addr + len) / kPageSize; ++p) {
    code_changed |= (pages_[p] & kPageExec) != 0;
    pages_[p] = state | (pages_[p] & keep);
  }
  if (on_change) on_change(addr, len, code_changed);
}

void GuestMemory::Reclaim(uint64_t addr, uint64_t len) {
  HostSyscall(SYS_mmap, reinterpret_cast<uint64_t>(base_ + addr), len, PROT_NONE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
}

void GuestMemory::NoteMapped(uint64_t addr, uint64_t len) {
  uint64_t start = addr, end = addr + len;
  auto it = ranges_.upper_bound(start);
  if (it != ranges_.begin() && std::prev(it)->second >= start) --it;
  while (it != ranges_.end() && it->first <= end) {
    start = std::min(start, it->first);
    end = std::max(end, it->second);
    it = ranges_.erase(it);
  }
  ranges_[start] = end;
}

void GuestMemory::NoteUnmapped(uint64_t addr, uint64_t len) {
  uint64_t end = addr + len;
  auto it = ranges_.upper_bound(addr);
  if (it != ranges_.begin() && std::prev(it)->second > addr) --it;
  while (it != ranges_.end() && it->first < end) {
    uint64_t r_start = it->first, r_end = it->second;
    it = ranges_.erase(it);
    if (r_start < addr) ranges_[r_start] = addr;
    if (r_end > end) ranges_[end] = r_end;
  }
}

int64_t GuestMemory::Map(uint64_t addr, uint64_t len, int prot, int flags, int fd,
                         uint64_t offset) {
  if (len == 0 || offset % kPageSize != 0) return -EINVAL;
  len = PageUp(len);
  if (len == 0) return -ENOMEM;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (addr % kPageSize != 0) return -EINVAL;
    if (!InSpace(addr, len)) return -ENOMEM;
    if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) && !IsFree(addr, len)) {
      return -EEXIST;
    }
  } else {
    uint64_t hint = PageDown(addr);
    if (hint < kMinMmapAddress || !IsFree(hint, len)) hint = FindFree(len);
    if (hint == 0) return -ENOMEM;
    addr = hint;
  }
  int host_flags = (flags & ~(MAP_FIXED_NOREPLACE | MAP_GROWSDOWN)) | MAP_FIXED;
  int64_t r = HostSyscall(SYS_mmap, reinterpret_cast<uint64_t>(base_ + addr), len,
                          HostProt(prot), host_flags, static_cast<uint64_t>(fd), offset);
  if (r < 0) {
    // A failed MAP_FIXED may already have removed what was there: the range
    // is unmapped now, and the reservation must be whole again.
    Reclaim(addr, len);
    if (!IsFree(addr, len)) {
      NoteUnmapped(addr, len);
      origins_.Clear(addr, addr + len);
      SetPages(addr, len, 0);
    }
    return r;
  }
  origins_.Clear(addr, addr + len);
  if (fd >= 0) {
    MappingOrigin origin = FileOrigin(fd, offset);
    origin.shared = (flags & MAP_SHARED) != 0;
    origins_.Set(addr, addr + len, std::move(origin));
  }
  NoteMapped(addr, len);
  SetPages(addr, len, kPageMapped | (prot & 7) | ((flags & MAP_SHARED) ? kPageShared : 0));
  if (fd >= 0) MarkBeyondEof(addr, len, fd, offset);
  return static_cast<int64_t>(addr);
}

void GuestMemory::MarkBeyondEof(uint64_t addr, uint64_t len, int fd, uint64_t offset) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return;
  uint64_t file_end = PageUp(static_cast<uint64_t>(st.st_size));
  uint64_t first = file_end > offset ? addr + (file_end - offset) : addr;
  for (uint64_t a = first; a < addr + len; a += kPageSize) pages_[a / kPageSize] |= kPageBeyondEof;
}

void GuestMemory::MarkBeyondEofByOrigin(uint64_t addr, uint64_t len) {
  // The file may be unlinked or renamed by now; ask the kernel about each
  // page instead: process_vm_readv fails (EFAULT) where a touch would SIGBUS.
  for (uint64_t p = addr; p < addr + len; p += kPageSize) {
    uint64_t start, end;
    const MappingOrigin* o = origins_.Find(p, &start, &end);
    if (!o || o->inode == 0) continue;
    char byte;
    struct iovec local = {&byte, 1}, remote = {base_ + p, 1};
    if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != 1) pages_[p / kPageSize] |= kPageBeyondEof;
  }
}

void GuestMemory::NoteAttached(uint64_t addr, uint64_t len, int prot, MappingOrigin origin) {
  origins_.Clear(addr, addr + len);
  origin.shared = true;
  origins_.Set(addr, addr + len, std::move(origin));
  NoteMapped(addr, len);
  SetPages(addr, len, kPageMapped | (prot & 7) | kPageShared);
}

int64_t GuestMemory::Unmap(uint64_t addr, uint64_t len) {
  if (addr % kPageSize != 0 || len == 0) return -EINVAL;
  len = PageUp(len);
  if (!InSpace(addr, len)) return -EINVAL;
  Reclaim(addr, len);
  NoteUnmapped(addr, len);
  origins_.Clear(addr, addr + len);
  SetPages(addr, len, 0);
  return 0;
}

int64_t GuestMemory::Protect(uint64_t addr, uint64_t len, int prot) {
  if (addr % kPageSize != 0) return -EINVAL;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) return -EINVAL;
  len = PageUp(len);
  if (len == 0) return 0;
  if (!IsMapped(addr, len)) return -ENOMEM;
  int64_t r = HostSyscall(SYS_mprotect, reinterpret_cast<uint64_t>(base_ + addr), len,
                          HostProt(prot));
  if (r < 0) return r;
  SetPages(addr, len, kPageMapped | (prot & 7), kPageBeyondEof | kPageShared);
  return 0;
}

void GuestMemory::NameAnonymous(uint64_t addr, uint64_t len, const std::string* name) {
  for (uint64_t at = addr; at < addr + len;) {
    uint64_t o_start, o_end;
    const MappingOrigin* o = origins_.Find(at, &o_start, &o_end);
    uint64_t end = std::min(o_end, addr + len);
    bool named = o && o->inode == 0 && (o->name.rfind("[anon:", 0) == 0 || o->name.rfind("[anon_shmem:", 0) == 0);
    for (uint64_t p = at; (!o || named) && p < end;) {  // by runs of shared and private pages
      bool shared = pages_[p / kPageSize] & kPageShared;
      uint64_t q = p + kPageSize;
      while (q < end && ((pages_[q / kPageSize] & kPageShared) != 0) == shared) q += kPageSize;
      if (name) {
        origins_.Set(p, q, MappingOrigin{0, 0, 0, (shared ? "[anon_shmem:" : "[anon:") + *name + "]"});
      } else {
        origins_.Clear(p, q);
      }
      p = q;
    }
    at = end;
  }
}

int64_t GuestMemory::Remap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, int flags,
                           uint64_t new_addr) {
  constexpr int kDontUnmap = 4;  // MREMAP_DONTUNMAP
  if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | kDontUnmap)) return -EINVAL;
  if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
  // MREMAP_DONTUNMAP always moves, and never resizes (in whole pages).
  bool dont_unmap = flags & kDontUnmap;
  if (dont_unmap && (!(flags & MREMAP_MAYMOVE) || PageUp(old_len) != PageUp(new_len))) return -EINVAL;
  if (old_addr % kPageSize != 0 || new_len == 0 || old_len == 0) return -EINVAL;
  old_len = PageUp(old_len);
  new_len = PageUp(new_len);
  if (!IsMapped(old_addr, old_len)) return -EFAULT;
  uint8_t state = pages_[old_addr / kPageSize];
  uint64_t dest;
  if (flags & MREMAP_FIXED) {
    if (new_addr % kPageSize != 0 || !InSpace(new_addr, new_len)) return -EINVAL;
    if (new_addr < old_addr + old_len && old_addr < new_addr + new_len) return -EINVAL;
    Unmap(new_addr, new_len);
    dest = new_addr;
  } else if (dont_unmap) {
    dest = FindFree(new_len);
    if (dest == 0) return -ENOMEM;
  } else {
    if (new_len <= old_len) {
      if (new_len < old_len) Unmap(old_addr + new_len, old_len - new_len);
      return static_cast<int64_t>(old_addr);
    }
    uint64_t tail = old_addr + old_len, grow = new_len - old_len;
    if (IsFree(tail, grow)) {
      // Release the reservation behind the mapping so the host can grow it in place.
      HostSyscall(SYS_munmap, reinterpret_cast<uint64_t>(base_ + tail), grow);
      int64_t r = HostSyscall(SYS_mremap, reinterpret_cast<uint64_t>(base_ + old_addr),
                              old_len, new_len, 0);
      if (r < 0) {
        Reclaim(tail, grow);
        return r;
      }
      NoteMapped(tail, grow);
      uint64_t o_start, o_end;
      if (const MappingOrigin* o = origins_.Find(tail - kPageSize, &o_start, &o_end)) {
        MappingOrigin grown = *o;
        if (grown.inode != 0) grown.offset += tail - o_start;
        origins_.Set(tail, tail + grow, std::move(grown));
      }
      SetPages(tail, grow, state);
      MarkBeyondEofByOrigin(tail, grow);
      return static_cast<int64_t>(old_addr);
    }
    if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
    dest = FindFree(new_len);
    if (dest == 0) return -ENOMEM;
  }
  int64_t r = HostSyscall(SYS_mremap, reinterpret_cast<uint64_t>(base_ + old_addr), old_len,
                          new_len, MREMAP_MAYMOVE | MREMAP_FIXED | (dont_unmap ? kDontUnmap : 0),
                          reinterpret_cast<uint64_t>(base_ + dest));
  if (r < 0) return r;
  if (dont_unmap) {
    // The old range stays mapped as it was, emptied (anonymous pages read
    // as zeros again, a file's come back from the file); the new one gets
    // its pages and the same origins.
    for (uint64_t at = old_addr; at < old_addr + old_len;) {
      uint64_t o_start, o_end;
      const MappingOrigin* o = origins_.Find(at, &o_start, &o_end);
      uint64_t end = std::min(o_end, old_addr + old_len);
      if (o) {
        MappingOrigin copy = *o;
        if (copy.inode != 0) copy.offset += at - o_start;
        origins_.Set(dest + (at - old_addr), dest + (end - old_addr), std::move(copy));
      }
      at = end;
    }
    NoteMapped(dest, new_len);
    for (uint64_t at = 0; at < new_len;) {  // page states copied run by run
      uint8_t run_state = pages_[(old_addr + at) / kPageSize];
      uint64_t end = at + kPageSize;
      while (end < new_len && pages_[(old_addr + end) / kPageSize] == run_state) end += kPageSize;
      SetPages(dest + at, end - at, run_state);
      at = end;
    }
    if (on_change) on_change(old_addr, old_len, true);
    return static_cast<int64_t>(dest);
  }
  Reclaim(old_addr, old_len);
  NoteUnmapped(old_addr, old_len);
  origins_.Move(old_addr, old_len, dest);
  SetPages(old_addr, old_len, 0);
  NoteMapped(dest, new_len);
  if (new_len > old_len) {  // the grown part continues the moved origin
    uint64_t o_start, o_end;
    if (const MappingOrigin* o = origins_.Find(dest + old_len - kPageSize, &o_start, &o_end)) {
      MappingOrigin grown = *o;
      if (grown.inode != 0) grown.offset += dest + old_len - o_start;
      origins_.Set(dest + old_len, dest + new_len, std::move(grown));
    }
  }
  SetPages(dest, new_len, state);
  MarkBeyondEofByOrigin(dest, new_len);
  return static_cast<int64_t>(dest);
}

}  // namespace ferry
