// Runs a Task's guest code in Unicorn: the guest memory mapping, the TLB
// that enforces guest page protections, and the syscall trap.
#pragma once

#include <optional>
#include <string>

#include "runtime/debugger.h"
#include "runtime/task.h"

namespace ferry {

// Gives the task a CPU: one an exited thread left (its translations still
// good), or a new Unicorn for task.arch over the whole guest space; then
// installs the hooks.
std::optional<std::string> AttachCpu(Task& task);
// At a thread's exit: the CPU goes back to the process for the next thread.
void DetachCpu(Task& task);
// Runs the thread from its registers until it exits or the process ends;
// with a debugger attached, `debugger_stop_first` reports a stop first.
GuestExit RunGuest(Task& task, bool debugger_stop_first = false);

// What runs a syscall trap (syscalls/dispatch.h): the runtime knows no
// syscall itself. Set once, before the first guest instruction.
using SyscallDispatch = void (*)(Task& task);
void SetSyscallDispatch(SyscallDispatch dispatch);

// The debugger, when one is attached (not after a detach).
Debugger* AttachedDebugger(const Task& task);
// A debugger stop: serves the debugger (all other threads held off the
// CPU) and returns its next action; nothing without a debugger. A
// `step_of_resume` reports the end of that resume's single step.
DebugAction DebugStop(Task& task, int signal, const std::string& reason = "", const siginfo_t* info = nullptr,
                      uint64_t step_of_resume = 0);

}  // namespace ferry
