// Guest signal state that is not a syscall handler: the signals the host
// kernel raises as a side effect of a call (SIGPIPE on a broken pipe, SIGXFSZ
// past RLIMIT_FSIZE). ferry keeps them blocked so they stay pending on the
// host, then takes them after the call and acts for the guest.
#pragma once

#include <cstdint>

#include "translator/task.h"

namespace translator {

// Once at start-up, before the guest runs.
void BlockSyscallSignals();
// After a call whose result may have come with such a signal.
inline bool MayCarrySyscallSignal(int64_t result) { return result == -32 /*EPIPE*/ || result == -27 /*EFBIG*/; }
// Takes pending SIGPIPE/SIGXFSZ: default action ends the guest, as the
// kernel would; ignored does nothing. Handlers run once delivery lands.
void TakeSyscallSignals(Task& task);

}  // namespace translator
