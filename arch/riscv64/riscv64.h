// RISC-V64 pieces shared between the files of arch/riscv64/.
#pragma once

#include "arch/arch.h"

namespace arch::riscv64 {

// The `time` CSR's rate: the timebase-frequency of QEMU's virt board (Linux
// reads it from the device tree; guests that time with rdtime calibrate or
// only compare). counters.cc serves the CSR.
constexpr uint64_t kTimebaseHz = 10000000;

bool EmulateUndefined(uc_engine* uc, const GuestAccess& memory);

bool ScanPrologue(const uint8_t* code, size_t size, PrologueLayout* layout);

bool PushSignalFrame(uc_engine* uc, GuestAccess& memory, const SignalFrameRequest& request);
bool PopSignalFrame(uc_engine* uc, const GuestAccess& memory, SignalFrameResult* result);

}  // namespace arch::riscv64
