// Command-line and environment settings. ferry takes qemu-user's options and
// QEMU_* variables with qemu's meaning (one table in options.cc) besides its
// own spellings and FERRY_* variables. The command line wins over the
// environment, and a FERRY_* variable over its QEMU_* twin.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/options.h"

namespace ferry {

// What ParseOptions decided.
struct ParseResult {
  bool run = false;          // otherwise exit with exit_status
  int exit_status = 0;
  std::string message;       // printed to stdout (exit 0) or stderr (error)
};

// The strace options after --strace, from argv[*i] until the program name;
// on return *i is the program's index. An error is a one-line message.
std::optional<std::string> ParseTraceOptions(const std::vector<std::string>& argv, size_t* i,
                                             TraceOptions* out);

// "ferry 0.1.0 (Unicorn 2.1; guests: ...)\n", as --version prints it.
std::string FerryVersion();

ParseResult ParseOptions(const std::vector<std::string>& argv, char** environ, Options* out);

}  // namespace ferry
