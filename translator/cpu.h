// Runs a Task's guest code in Unicorn: the guest memory mapping, the TLB
// that enforces guest page protections, and the syscall trap.
#pragma once

#include <optional>
#include <string>

#include "translator/task.h"

namespace translator {

// Opens Unicorn for task.arch, maps the whole guest space and installs hooks.
std::optional<std::string> AttachCpu(Task& task);
// Runs the thread from its registers until it exits or the process ends;
// with a debugger attached, `debugger_stop_first` reports a stop first.
GuestExit RunGuest(Task& task, bool debugger_stop_first = false);

}  // namespace translator
