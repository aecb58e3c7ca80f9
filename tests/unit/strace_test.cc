// --strace formatting: results, strings and signals in strace's notation.
#include <doctest/doctest.h>
#include <signal.h>

#include <cstring>

#include "translator/strace.h"

namespace translator {
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
  CHECK(FormatSignal(info) == "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=42, si_uid=7} ---\n");
  memset(&info, 0, sizeof info);
  info.si_signo = SIGSEGV;
  info.si_code = SEGV_ACCERR;
  info.si_addr = reinterpret_cast<void*>(0x1234);
  CHECK(FormatSignal(info) == "--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=0x1234} ---\n");
  memset(&info, 0, sizeof info);
  info.si_signo = 40;
  info.si_code = SI_QUEUE;
  info.si_int = 5;
  CHECK(FormatSignal(info).find("--- SIGRT_8 {si_signo=SIGRT_8, si_code=SI_QUEUE") == 0);
  CHECK(FormatSignal(info).find("si_int=5") != std::string::npos);
}

}  // namespace
}  // namespace translator
