// Command-line and FERRY_* environment settings, as qemu-user takes its
// options and QEMU_* variables. The command line wins over the environment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace translator {

struct Options {
  std::string program;
  std::vector<std::string> args;          // guest argv, argv[0] included
  std::vector<std::string> set_env;       // VAR=VAL
  std::vector<std::string> unset_env;     // VAR
  uint64_t stack_size = 0;                // 0: follow RLIMIT_STACK
  uint64_t address_space = uint64_t{1} << 40;
  bool strace = false;
  bool quiet = false;                     // no warnings about unknown syscalls
  bool verbose = false;                   // say what ferry chose (the sysroot)
  std::string sysroot;                    // -L: guest absolute paths look here first
};

// What ParseOptions decided.
struct ParseResult {
  bool run = false;          // otherwise exit with exit_status
  int exit_status = 0;
  std::string message;       // printed to stdout (exit 0) or stderr (error)
};

ParseResult ParseOptions(const std::vector<std::string>& argv, char** environ, Options* out);
// "8M", "512k", "1G", "4096": bytes, or nullopt when malformed.
std::optional<uint64_t> ParseSize(const std::string& text);
// The guest environment: the host's with -U removed and -E applied.
std::vector<std::string> GuestEnvironment(const Options& options, char** environ);

}  // namespace translator
