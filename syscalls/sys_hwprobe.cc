// riscv_hwprobe (RISC-V64 only): what the kernel's sys_hwprobe.c answers on
// the CPU ferry shows in /proc/cpuinfo and AT_HWCAP (rv64imafdc, no vector):
// the extension bits come from the arch's AT_HWCAP, so the three agree.
// Every CPU is the same, so a CPU set only has to be readable.
#include <cerrno>
#include <cstdint>

#include "arch/arch.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {

// include/uapi/asm/hwprobe.h (keys up to 6.12's last).
enum HwprobeKey : int64_t {
  kMvendorid = 0, kMarchid = 1, kMimpid = 2, kBaseBehavior = 3, kImaExt0 = 4, kCpuperf0 = 5,
  kZicbozBlockSize = 6, kHighestVirtAddress = 7, kTimeCsrFreq = 8, kMisalignedScalarPerf = 9,
  kMisalignedVectorPerf = 10,
};
constexpr int64_t kLastKey = kMisalignedVectorPerf;
constexpr uint64_t kBaseBehaviorIma = 1 << 0;
constexpr uint64_t kImaFd = 1 << 0, kImaC = 1 << 1, kImaV = 1 << 2;
constexpr uint64_t kMisalignedFast = 3;         // Unicorn does a misaligned access as fast as an aligned one
constexpr uint64_t kMisalignedVectorUnsupported = 4;
constexpr uint64_t kWhichCpus = 1 << 0;         // RISCV_HWPROBE_WHICH_CPUS
constexpr uint64_t kTimebaseHz = 10000000;      // the `time` CSR's rate (arch/riscv64/riscv64.h)

constexpr uint64_t HwcapLetter(char c) { return uint64_t{1} << (c - 'A'); }

uint64_t ValueOf(const Task& task, int64_t key) {
  uint64_t hwcap = task.arch.hwcap;
  switch (key) {
    case kBaseBehavior: return kBaseBehaviorIma;
    case kImaExt0: {
      uint64_t ext = 0;
      if ((hwcap & HwcapLetter('F')) && (hwcap & HwcapLetter('D'))) ext |= kImaFd;
      if (hwcap & HwcapLetter('C')) ext |= kImaC;
      if (hwcap & HwcapLetter('V')) ext |= kImaV;
      return ext;
    }
    case kCpuperf0:
    case kMisalignedScalarPerf: return kMisalignedFast;
    case kHighestVirtAddress: return task.memory.size() - 1;
    case kTimeCsrFreq: return kTimebaseHz;
    case kMisalignedVectorPerf: return kMisalignedVectorUnsupported;
    default: return 0;  // vendor, arch and implementation ids as QEMU's virt board; no Zicboz
  }
}

// Keys whose values are bit sets: a CPU matches when it has every bit asked.
bool IsBitmaskKey(int64_t key) { return key == kBaseBehavior || key == kImaExt0; }

struct Pair {
  int64_t key;
  uint64_t value;
};

}  // namespace

int64_t SysRiscvHwprobe(Task& task, const SyscallArgs& a) {
  uint64_t pairs = a.raw[0], count = a.raw[1], cpusetsize = a.raw[2], cpus = a.raw[3], flags = a.raw[4];
  if (flags & ~kWhichCpus) return -EINVAL;
  uint8_t byte;
  if (cpusetsize && cpus && !task.memory.Read(cpus, &byte, 1)) return -EFAULT;
  if (flags & kWhichCpus) {
    // Which CPUs have all these values: all or none, as every CPU is alike.
    if (!cpusetsize || !cpus) return -EINVAL;
    bool all_match = true;
    for (uint64_t i = 0; i < count; ++i) {
      Pair p;
      if (!task.memory.Read(pairs + i * sizeof p, &p, sizeof p)) return -EFAULT;
      if (p.key < 0 || p.key > kLastKey) {
        p = {-1, 0};
        if (!task.memory.Write(pairs + i * sizeof p, &p, sizeof p)) return -EFAULT;
        all_match = false;
        continue;
      }
      uint64_t have = ValueOf(task, p.key);
      if (IsBitmaskKey(p.key) ? (have & p.value) != p.value : have != p.value) all_match = false;
    }
    if (!all_match) {
      for (uint64_t i = 0; i < cpusetsize; ++i) {
        uint8_t zero = 0;
        if (!task.memory.Write(cpus + i, &zero, 1)) return -EFAULT;
      }
    }
    return 0;
  }
  for (uint64_t i = 0; i < count; ++i) {
    Pair p;
    if (!task.memory.Read(pairs + i * sizeof p, &p, sizeof p)) return -EFAULT;
    p = p.key >= 0 && p.key <= kLastKey ? Pair{p.key, ValueOf(task, p.key)} : Pair{-1, 0};
    if (!task.memory.Write(pairs + i * sizeof p, &p, sizeof p)) return -EFAULT;
  }
  return 0;
}

}  // namespace ferry
