// --strace's decoders on arbitrary guest memory: one syscall row chosen by
// the input, its six arguments (most pointing into one page of guest memory
// filled from the input, next to an unmapped page), a result, and strace's
// string limit; then a signal line from the same bytes.
#include <signal.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "arch/arch.h"
#include "memory/guest_memory.h"
#include "syscalls/syscall_table.h"
#include "trace/strace.h"

namespace {

constexpr uint64_t kPage = 0x100000;  // the one mapped page; the next is unmapped

ferry::GuestMemory& Scratch() {
  static std::unique_ptr<ferry::GuestMemory> memory = [] {
    std::string error;
    auto m = ferry::GuestMemory::Reserve(uint64_t{1} << 26, &error);
    if (!m || m->Map(kPage, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
                  static_cast<int64_t>(kPage)) {
      abort();
    }
    return m;
  }();
  return *memory;
}

// Reads fixed-size fields from the front of the input, zeros past its end.
struct Reader {
  const uint8_t* data;
  size_t size;
  template <typename T>
  T Take() {
    T value{};
    size_t n = std::min(sizeof value, size);
    memcpy(&value, data, n);
    data += n;
    size -= n;
    return value;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in{data, size};
  const arch::ArchInfo& arch = in.Take<uint8_t>() & 1 ? arch::kRiscv64 : arch::kAarch64;
  auto table = ferry::SyscallTable();
  const ferry::SyscallRow& row = table[in.Take<uint16_t>() % table.size()];
  uint64_t raw[6];
  for (uint64_t& arg : raw) {
    uint8_t how = in.Take<uint8_t>();
    uint64_t value = in.Take<uint64_t>();
    // Mostly addresses in (or just past) the page, so the decoders read structs.
    arg = how < 0xc0 ? kPage + value % 4200 : how < 0xe0 ? value % 4096 : value;
  }
  int64_t result = in.Take<int64_t>();
  if (result < -4095 || result > 4096) result %= 4096;  // lengths and counts the call returned
  size_t limit = in.Take<uint8_t>() % 80;

  ferry::GuestMemory& memory = Scratch();
  uint8_t page[4096] = {};
  memcpy(page, in.data, std::min<size_t>(in.size, sizeof page));
  if (!memory.Write(kPage, page, sizeof page)) abort();

  ferry::DecodeContext ctx{arch, memory};
  ctx.sigreturn_mask = raw[0];
  ctx.msg_namelen_before = static_cast<uint32_t>(raw[1]);
  ctx.cap_version_in = static_cast<uint32_t>(raw[2]);
  ctx.ifc_len_before = static_cast<int32_t>(raw[3]);
  ferry::FormatSyscall(ctx, &row, row.nr, raw, result, limit);
  ferry::FormatCall(ctx, nullptr, raw[3], raw, result, limit);

  siginfo_t info;
  memcpy(&info, page, sizeof info);
  info.si_signo = static_cast<int>(raw[4] % 70);
  ferry::FormatSignal(info);
  return 0;
}
