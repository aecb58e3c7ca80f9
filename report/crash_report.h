// Crash reports (issue 18): what a guest that dies of a fault signal leaves
// behind when asked (--report, FERRY_REPORT=DIR), and what ferry leaves
// behind, always, when it fails itself (a host fault in its own code, a
// failed internal check, std::terminate). The runtime reaches this through
// runtime/crash_hooks.h; cli/main.cc installs it.
#pragma once

#include <signal.h>

#include <string>
#include <vector>

#include "config/options.h"

namespace ferry {

class Task;

// Sets the crash hooks (and std::terminate's handler) for this run.
// `version` and `command_line` go into internal-error reports.
void InstallCrashReports(const Options& options, const std::string& version,
                         const std::vector<std::string>& command_line);

// The guest crash report's text for `task` dying of `info`.
std::string GuestCrashReport(Task& task, const siginfo_t& info);

// ferry's own backtrace from a signal handler's `ucontext` (or from here,
// when null): one line per frame, "#N 0xADDR name+0xOFF".
std::string HostBacktrace(void* ucontext);

}  // namespace ferry
