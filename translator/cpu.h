// Runs a Task's guest code in Unicorn: the guest memory mapping, the TLB
// that enforces guest page protections, and the syscall trap.
#pragma once

#include <optional>
#include <string>

#include "translator/task.h"

namespace translator {

// Opens Unicorn for task.arch, maps the whole guest space and installs hooks.
std::optional<std::string> AttachCpu(Task& task);
// Runs from `entry` with stack pointer `sp` until the guest exits or dies.
GuestExit RunGuest(Task& task, uint64_t entry, uint64_t sp);

}  // namespace translator
