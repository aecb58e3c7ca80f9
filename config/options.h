// The settings a ferry run carries (cli/options.h parses them from the
// command line and the environment): plain data that every layer may read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ferry {

// --strace and what follows it, as strace's own options.
struct TraceOptions {
  bool enabled = false;            // --strace (FERRY_STRACE=1)
  std::string output;              // -o FILE; empty: stderr
  bool per_process_files = false;  // -ff: FILE.PID per process
  bool follow = false;             // -f: trace forked children too
  uint64_t string_limit = 32;      // -s N
  bool timestamps = false;         // -tt: wall clock with microseconds
  bool durations = false;          // -T: time spent in each call
  std::vector<std::string> trace;  // -e trace=...: names and %classes; empty: all
  bool trace_negated = false;      // -e trace=!...
  std::vector<std::string> signals;// -e signal=...: names; empty: all
  bool signals_negated = false;
  std::string json;                // --trace-json FILE: one JSON object per event
  bool child = false;              // a followed child (-f): lines carry "[pid N]"
  bool append = false;             // after execve: the files exist, append to them
  int inherited_fd = -1;           // after execve: the trace's stderr, kept open across it
};

struct Options {
  std::string program;
  std::vector<std::string> args;          // guest argv, argv[0] included
  std::vector<std::string> set_env;       // VAR=VAL
  std::vector<std::string> unset_env;     // VAR
  uint64_t stack_size = 0;                // 0: follow RLIMIT_STACK
  uint64_t address_space = uint64_t{1} << 40;
  bool address_space_given = false;       // -R or FERRY_RESERVED_VA (else it may shrink to fit RLIMIT_AS)
  TraceOptions trace;                     // --strace [strace options], --trace-json
  bool quiet = false;                     // no warnings about unknown syscalls
  bool verbose = false;                   // say what ferry chose (the sysroot)
  std::string sysroot;                    // -L: guest absolute paths look here first
  std::string gdb;                        // --gdb PORT | unix:PATH: wait for gdb
  std::string uname_release;              // -r: uname's release; empty: the host's
  std::string cpu = "max";                // -cpu: the only model ferry emulates
  std::optional<uint64_t> seed;           // --seed, -seed: the guest's random bytes come from it (random_stream.h)
  std::string random_state;               // internal, after execve: the stream to continue (RandomStreamState)
  // internal, after execve: the guest's own RLIMIT_AS (soft, hard), which the next image keeps
  std::optional<std::pair<uint64_t, uint64_t>> address_space_limit;
  // --time EPOCH: CLOCK_REALTIME as the guest sees it minus the host's, in
  // nanoseconds; set once when ferry starts and kept across execve.
  std::optional<int64_t> realtime_offset_ns;
  std::vector<int> children;              // internal, after execve: the guest's existing children
  std::vector<std::pair<int, uint64_t>> signalfds;  // internal, after execve: the guest's signalfds (fd, mask)
  int seccomp_fd = -1;                    // internal, after execve: a sealed memfd holding the guest's seccomp filters
  bool report = false;                    // --report[=DIR], FERRY_REPORT=DIR: a guest crash report
  std::string report_dir;                 // ... its folder (and internal errors'); empty: stderr (and /tmp)
  std::string gdb_on_crash;               // --gdb-on-crash PORT|unix:PATH: a dying guest waits for gdb
  uint64_t gdb_on_crash_timeout = 60;     // --gdb-on-crash-timeout S
  // Hidden --test-internal-fault[=fault|check|terminate] (tests/report):
  // at the guest's third syscall ferry faults, fails an internal check, or
  // throws an exception nobody catches. Empty: off.
  std::string test_internal_fault;
};

// The same options as arguments for a re-run of ferry (execve, -f children).
std::vector<std::string> TraceArguments(const TraceOptions& trace);

// "8M", "512k", "1G", "4096": bytes, or nullopt when malformed.
std::optional<uint64_t> ParseSize(const std::string& text);
// The guest environment: the host's with -U removed and -E applied.
std::vector<std::string> GuestEnvironment(const Options& options, char** environ);

}  // namespace ferry
