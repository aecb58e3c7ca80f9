// RISC-V64 pieces shared between the files of arch/riscv64/.
#pragma once

#include "arch/arch.h"

namespace arch::riscv64 {

bool PushSignalFrame(uc_engine* uc, GuestAccess& memory, const SignalFrameRequest& request);
bool PopSignalFrame(uc_engine* uc, const GuestAccess& memory, SignalFrameResult* result);

}  // namespace arch::riscv64
