// Runs a Task's guest code in Unicorn: the guest memory mapping, the TLB
// that enforces guest page protections, and the syscall trap.
#pragma once

#include <optional>
#include <string>

#include "translator/task.h"

namespace translator {

// Gives the task a CPU: one an exited thread left (its translations still
// good), or a new Unicorn for task.arch over the whole guest space; then
// installs the hooks.
std::optional<std::string> AttachCpu(Task& task);
// At a thread's exit: the CPU goes back to the process for the next thread.
void DetachCpu(Task& task);
// Runs the thread from its registers until it exits or the process ends;
// with a debugger attached, `debugger_stop_first` reports a stop first.
GuestExit RunGuest(Task& task, bool debugger_stop_first = false);

}  // namespace translator
