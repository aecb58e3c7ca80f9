// AArch64 pieces shared between the files of arch/aarch64/.
#pragma once

#include "arch/arch.h"

namespace arch::aarch64 {

bool PushSignalFrame(uc_engine* uc, GuestAccess& memory, const SignalFrameRequest& request);
bool PopSignalFrame(uc_engine* uc, const GuestAccess& memory, SignalFrameResult* result);

}  // namespace arch::aarch64
