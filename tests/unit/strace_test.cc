// --strace formatting: results, strings and signals in strace's notation.
#include <doctest/doctest.h>
#include <signal.h>

#include <cstring>

#include "trace/strace.h"

namespace ferry {
namespace {

TEST_CASE("results: values, errors and interrupted calls") {
  CHECK(FormatResult(Arg::kInt, 3) == "= 3");
  CHECK(FormatResult(Arg::kAddr, 0x400000) == "= 0x400000");
  CHECK(FormatResult(Arg::kInt, -2) == "= -1 ENOENT (No such file or directory)");
  CHECK(FormatResult(Arg::kAddr, -12) == "= -1 ENOMEM (Cannot allocate memory)");
  CHECK(FormatResult(Arg::kInt, -512) == "= ? ERESTARTSYS (To be restarted if SA_RESTART is set)");
  CHECK(FormatResult(Arg::kInt, -516) == "= ? ERESTART_RESTARTBLOCK (Interrupted by signal)");
  CHECK(FormatResult(Arg::kInt, kNoReturn) == "= ?");
  CHECK(FormatResult(Arg::kMode, 022) == "= 022");
}

TEST_CASE("strings are escaped and cut like strace -s 32") {
  CHECK(QuoteBytes("hi\n", 3, 32) == "\"hi\\n\"");
  CHECK(QuoteBytes("a\"b\\", 4, 32) == "\"a\\\"b\\\\\"");
  CHECK(QuoteBytes("\x01\xff", 2, 32) == "\"\\1\\377\"");
  CHECK(QuoteBytes("abcdef", 6, 4) == "\"abcd\"...");
}

TEST_CASE("signals name their sender or their fault") {
  siginfo_t info;
  memset(&info, 0, sizeof info);
  info.si_signo = SIGUSR1;
  info.si_code = SI_USER;
  info.si_pid = 42;
  info.si_uid = 7;
  CHECK(FormatSignal(info) == "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=42, si_uid=7} ---");
  memset(&info, 0, sizeof info);
  info.si_signo = SIGSEGV;
  info.si_code = SEGV_ACCERR;
  info.si_addr = reinterpret_cast<void*>(0x1234);
  CHECK(FormatSignal(info) == "--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=0x1234} ---");
  memset(&info, 0, sizeof info);
  info.si_signo = 40;
  info.si_code = SI_QUEUE;
  info.si_int = 5;
  CHECK(FormatSignal(info).find("--- SIGRT_8 {si_signo=SIGRT_8, si_code=SI_QUEUE") == 0);
  CHECK(FormatSignal(info).find("si_int=5") != std::string::npos);
}

TEST_CASE("signal names and sets as strace writes them") {
  CHECK(SignalName(SIGUSR1) == "SIGUSR1");
  CHECK(SignalName(32) == "SIGRTMIN");
  CHECK(SignalName(34) == "SIGRT_2");
  CHECK(SignalSet(0) == "[]");
  CHECK(SignalSet((1ull << (SIGINT - 1)) | (1ull << (SIGUSR2 - 1))) == "[INT USR2]");
  CHECK(SignalSet(~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))) == "~[KILL STOP]");
  CHECK(SignalSet(1ull << 31) == "[RTMIN]");
}

TEST_CASE("octal escapes widen before a digit, as strace's do") {
  CHECK(QuoteBytes("\x01" "2", 2, 32) == "\"\\0012\"");
  CHECK(QuoteBytes("\x01" "a", 2, 32) == "\"\\1a\"");
  CHECK(QuoteBytes("\0", 1, 32) == "\"\\0\"");
}

TEST_CASE("results line up at column 40") {
  CHECK(AlignResult("close(3)", "= 0") == "close(3)                                = 0");
  std::string long_call(45, 'x');
  CHECK(AlignResult(long_call, "= 0") == long_call + " = 0");
  CHECK(AlignResult("close(3)", "= 0", 11) == "close(3)                     = 0");
}

TEST_CASE("error names, including the restart codes") {
  CHECK(ErrorName(-2) == "ENOENT");
  CHECK(ErrorName(-512) == "ERESTARTSYS");
  CHECK(ErrorName(-516) == "ERESTART_RESTARTBLOCK");
  CHECK(ErrorName(5) == "");
}

}  // namespace
}  // namespace ferry
