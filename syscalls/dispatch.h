// The syscall trap's other half: reads the call from the guest's registers,
// finds its row, shows it to the debugger (catch syscall) and the trace,
// runs the row's handler, applies the kernel's restart rules to an
// interrupted call, and delivers the signals due on the way back.
#pragma once

#include "runtime/task.h"

namespace ferry {

// The runtime's SyscallDispatch (runtime/cpu.h).
void DispatchSyscall(Task& task);

}  // namespace ferry
