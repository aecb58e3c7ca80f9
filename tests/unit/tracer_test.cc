// -e trace= classes, read from the syscall table, and JSON strings.
#include <doctest/doctest.h>

#include <string>

#include "syscalls/syscall_table.h"
#include "trace/tracer.h"

namespace ferry {
namespace {

const SyscallRow& Row(const char* name) {
  for (const SyscallRow& row : SyscallTable()) {
    if (std::string(row.name) == name) return row;
  }
  FAIL("no row " << name);
  return SyscallTable()[0];
}

TEST_CASE("trace classes as strace defines them") {
  CHECK(SyscallInClass(Row("openat"), "%file"));
  CHECK(SyscallInClass(Row("execve"), "%file"));
  CHECK_FALSE(SyscallInClass(Row("read"), "%file"));
  CHECK(SyscallInClass(Row("read"), "%desc"));
  CHECK(SyscallInClass(Row("openat"), "%desc"));
  CHECK(SyscallInClass(Row("pipe2"), "%desc"));
  CHECK_FALSE(SyscallInClass(Row("getpid"), "%desc"));
  CHECK(SyscallInClass(Row("mmap"), "%memory"));
  CHECK(SyscallInClass(Row("brk"), "%memory"));
  CHECK(SyscallInClass(Row("clone"), "%process"));
  CHECK(SyscallInClass(Row("exit_group"), "%process"));
  CHECK(SyscallInClass(Row("rt_sigaction"), "%signal"));
  CHECK(SyscallInClass(Row("kill"), "%signal"));
  CHECK(SyscallInClass(Row("socket"), "%network"));
  CHECK(SyscallInClass(Row("socket"), "%net"));
  CHECK_FALSE(SyscallInClass(Row("socket"), "%memory"));
}

TEST_CASE("JSON strings escape what JSON needs") {
  CHECK(JsonString("plain") == "\"plain\"");
  CHECK(JsonString("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(JsonString("line\n\t") == "\"line\\n\\t\"");
  CHECK(JsonString(std::string("\x01", 1)) == "\"\\u0001\"");
}

TEST_CASE("a tracer filters calls and signals") {
  TraceOptions options;
  options.json = "/dev/null";
  options.trace = {"%file", "close"};
  options.signals = {"SIGUSR1"};
  std::string error;
  auto tracer = Tracer::Create(options, &error);
  REQUIRE(tracer);
  CHECK(tracer->Traces(&Row("openat")));
  CHECK(tracer->Traces(&Row("close")));
  CHECK_FALSE(tracer->Traces(&Row("read")));
  CHECK_FALSE(tracer->Traces(nullptr));
  CHECK(tracer->TracesSignal(SIGUSR1));
  CHECK_FALSE(tracer->TracesSignal(SIGUSR2));
  options.trace_negated = true;
  auto negated = Tracer::Create(options, &error);
  REQUIRE(negated);
  CHECK_FALSE(negated->Traces(&Row("openat")));
  CHECK(negated->Traces(&Row("read")));
  CHECK(negated->Traces(nullptr));
  options.json = "/nonexistent/dir/trace.json";
  CHECK_FALSE(Tracer::Create(options, &error));
  CHECK(error.find("/nonexistent/dir/trace.json") != std::string::npos);
}

}  // namespace
}  // namespace ferry
