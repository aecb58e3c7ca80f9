#include "arch/generic/abi.h"

namespace guest {

bool ReadSigaction(const arch::ArchInfo& a, const arch::GuestAccess& memory, uint64_t addr, Sigaction* out) {
  uint64_t w[4];
  if (!memory.Read(addr, w, SigactionSize(a))) return false;
  *out = a.sigaction_has_restorer ? Sigaction{w[0], w[1], w[2], w[3]} : Sigaction{w[0], w[1], 0, w[2]};
  return true;
}

bool WriteSigaction(const arch::ArchInfo& a, arch::GuestAccess& memory, uint64_t addr, const Sigaction& in) {
  uint64_t with[4] = {in.handler, in.flags, in.restorer, in.mask};
  uint64_t without[3] = {in.handler, in.flags, in.mask};
  return memory.Write(addr, a.sigaction_has_restorer ? static_cast<const void*>(with) : without,
                      SigactionSize(a));
}

}  // namespace guest
