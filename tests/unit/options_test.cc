// Command line and FERRY_* environment parsing.
#include <doctest/doctest.h>

#include "cli/options.h"

#include <time.h>

namespace ferry {
namespace {

ParseResult Parse(std::vector<std::string> argv, std::vector<std::string> env, Options* o) {
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  argv.insert(argv.begin(), "ferry");
  return ParseOptions(argv, envp.data(), o);
}

TEST_CASE("sizes") {
  CHECK(ParseSize("4096") == 4096u);
  CHECK(ParseSize("8M") == 8u << 20);
  CHECK(ParseSize("512k") == 512u << 10);
  CHECK(ParseSize("1T") == uint64_t{1} << 40);
  CHECK_FALSE(ParseSize("").has_value());
  CHECK_FALSE(ParseSize("-1").has_value());
  CHECK_FALSE(ParseSize("8X").has_value());
  CHECK_FALSE(ParseSize("99999999999999999999").has_value());
  CHECK_FALSE(ParseSize("20000000T").has_value());
}

TEST_CASE("options before the program; the program's own options pass through") {
  Options o;
  auto r = Parse({"-E", "A=1", "-U", "B", "-0", "name", "-s", "1M", "--strace", "prog", "-x", "--strace"}, {}, &o);
  REQUIRE(r.run);
  CHECK(o.program == "prog");
  CHECK(o.args == std::vector<std::string>{"name", "-x", "--strace"});
  CHECK(o.set_env == std::vector<std::string>{"A=1"});
  CHECK(o.unset_env == std::vector<std::string>{"B"});
  CHECK(o.stack_size == 1u << 20);
  CHECK(o.trace.enabled);
}

TEST_CASE("environment settings, overridden by the command line") {
  Options o;
  auto r = Parse({"-s", "2M", "prog"},
                 {"FERRY_STRACE=1", "FERRY_STACK_SIZE=1M", "FERRY_SET_ENV=X=1,Y=2", "FERRY_ARGV0=zero"}, &o);
  REQUIRE(r.run);
  CHECK(o.trace.enabled);
  CHECK(o.stack_size == 2u << 20);
  CHECK(o.set_env == std::vector<std::string>{"X=1", "Y=2"});
  CHECK(o.args[0] == "zero");
}

TEST_CASE("--seed and its spellings; FERRY_SEED hides QEMU_RAND_SEED") {
  struct Case {
    std::vector<std::string> argv, env;
    uint64_t seed;
  };
  for (const Case& c : std::vector<Case>{
           {{"--seed", "1", "prog"}, {}, 1},
           {{"--seed=8", "prog"}, {}, 8},
           {{"-seed", "2", "prog"}, {}, 2},
           {{"prog"}, {"QEMU_RAND_SEED=3"}, 3},
           {{"prog"}, {"FERRY_SEED=4"}, 4},
           {{"prog"}, {"FERRY_SEED=5", "QEMU_RAND_SEED=6"}, 5},
           {{"--seed", "0x10", "prog"}, {"FERRY_SEED=5"}, 16},
           {{"--seed", "18446744073709551615", "prog"}, {}, UINT64_MAX},
       }) {
    Options o;
    auto r = Parse(c.argv, c.env, &o);
    REQUIRE(r.run);
    REQUIRE(o.seed.has_value());
    CHECK(*o.seed == c.seed);
  }
  Options none;
  REQUIRE(Parse({"prog"}, {}, &none).run);
  CHECK_FALSE(none.seed.has_value());
  CHECK_FALSE(none.realtime_offset_ns.has_value());
}

TEST_CASE("--time and FERRY_TIME: seconds or a UTC date, as an offset from now") {
  constexpr int64_t kNanos = 1000000000LL;
  for (auto [argv, env] : std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>>{
           {{"--time", "946684800", "prog"}, {}},
           {{"--time", "2000-01-01", "prog"}, {}},
           {{"--time=2000-01-01T00:00:00", "prog"}, {}},
           {{"prog"}, {"FERRY_TIME=2000-01-01T00:00:00Z"}},
           {{"--time", "2000-01-01", "prog"}, {"FERRY_TIME=1990-05-05"}},
       }) {
    Options o;
    auto r = Parse(argv, env, &o);
    REQUIRE(r.run);
    REQUIRE(o.realtime_offset_ns.has_value());
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t guest = (now.tv_sec * kNanos + now.tv_nsec + *o.realtime_offset_ns) / kNanos;
    CHECK(guest >= 946684800);
    CHECK(guest < 946684800 + 60);
  }
  Options before_1970;
  REQUIRE(Parse({"--time", "-86400", "prog"}, {}, &before_1970).run);
  Options last;
  REQUIRE(Parse({"--time", "2200-01-01", "prog"}, {}, &last).run);
  Options first;
  REQUIRE(Parse({"--time", "1900-01-01", "prog"}, {}, &first).run);
  Options leap;
  REQUIRE(Parse({"--time", "2000-02-29T23:59:59", "prog"}, {}, &leap).run);
}

TEST_CASE("bad --seed and --time values give one line and status 2") {
  for (auto [argv, env] : std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>>{
           {{"--seed", "x", "prog"}, {}},
           {{"--seed", "-3", "prog"}, {}},
           {{"--seed", "", "prog"}, {}},
           {{"--seed", "1e3", "prog"}, {}},
           {{"--seed=", "prog"}, {}},
           {{"--seed", "99999999999999999999", "prog"}, {}},
           {{"prog"}, {"FERRY_SEED=abc"}},
           {{"--time", "2000-13-01", "prog"}, {}},
           {{"--time", "2001-02-29", "prog"}, {}},
           {{"--time", "2000-1-01", "prog"}, {}},
           {{"--time", "2000-01-01T12:00", "prog"}, {}},
           {{"--time", "2000-01-01T24:00:00", "prog"}, {}},
           {{"--time", "2000-01-+1", "prog"}, {}},
           {{"--time", " 946684800", "prog"}, {}},
           {{"--time", "9999999999999", "prog"}, {}},
           {{"--time", "99999999999", "prog"}, {}},
           {{"--time", "9999-12-31", "prog"}, {}},
           {{"--time", "1899-12-31T23:59:59", "prog"}, {}},
           {{"--time", "-", "prog"}, {}},
           {{"--time", "", "prog"}, {}},
           {{"--time"}, {}},
           {{"prog"}, {"FERRY_TIME=tomorrow"}},
       }) {
    Options o;
    auto r = Parse(argv, env, &o);
    CHECK_FALSE(r.run);
    CHECK(r.exit_status == 2);
    CHECK(r.message.rfind("ferry: ", 0) == 0);
    CHECK(r.message.find('\n') == std::string::npos);
  }
}

TEST_CASE("strace's own options follow --strace") {
  Options o;
  auto r = Parse({"-q", "--strace", "-f", "-o", "out.txt", "-e", "trace=openat,%file", "-e",
                  "signal=!SIGCHLD", "-s", "64", "-tt", "-T", "prog", "-o"},
                 {}, &o);
  REQUIRE(r.run);
  CHECK(o.program == "prog");
  CHECK(o.args == std::vector<std::string>{"prog", "-o"});
  CHECK(o.trace.enabled);
  CHECK(o.trace.follow);
  CHECK_FALSE(o.trace.per_process_files);
  // Relative trace files are named from where ferry started.
  CHECK(o.trace.output.size() > 8);
  CHECK(o.trace.output[0] == '/');
  CHECK(o.trace.output.compare(o.trace.output.size() - 8, 8, "/out.txt") == 0);
  CHECK(o.trace.trace == std::vector<std::string>{"openat", "%file"});
  CHECK(o.trace.signals == std::vector<std::string>{"SIGCHLD"});
  CHECK(o.trace.signals_negated);
  CHECK(o.trace.string_limit == 64);
  CHECK(o.trace.timestamps);
  CHECK(o.trace.durations);
  // The same settings as arguments for ferry after execve.
  std::vector<std::string> again = {"--trace-json", "j"};
  o.trace.json = "/tmp/j";
  std::vector<std::string> args = TraceArguments(o.trace);
  args.push_back("prog");
  Options reparsed;
  std::vector<std::string> argv = {"ferry"};
  argv.insert(argv.end(), args.begin(), args.end());
  REQUIRE(ParseOptions(argv, nullptr, &reparsed).run);
  CHECK(reparsed.trace.output == o.trace.output);
  CHECK(reparsed.trace.trace == o.trace.trace);
  CHECK(reparsed.trace.signals_negated);
  CHECK(reparsed.trace.json == o.trace.json);
  CHECK(reparsed.trace.append);
  CHECK(reparsed.trace.string_limit == 64);
}

TEST_CASE("bad strace options give one line and status 2") {
  for (auto argv : std::vector<std::vector<std::string>>{
           {"--strace", "-e", "trace=no_such_call", "prog"},
           {"--strace", "-e", "signal=SIGNOPE", "prog"},
           {"--strace", "-e", "verbose=all", "prog"},
           {"--strace", "-x", "prog"},
           {"--strace", "-s", "lots", "prog"},
           {"--strace", "-o"},
           {"--strace"},
           {"--trace-json"}}) {
    Options fresh;
    auto r = Parse(argv, {}, &fresh);
    CHECK_FALSE(r.run);
    CHECK(r.exit_status == 2);
    CHECK(r.message.find('\n') == std::string::npos);
  }
}

TEST_CASE("bad options give one line and status 2") {
  Options o;
  for (auto argv : std::vector<std::vector<std::string>>{
           {}, {"--bogus", "prog"}, {"-s"}, {"-s", "lots", "prog"}, {"-E", "noequals", "prog"},
           {"-R", "5000", "prog"}}) {
    Options fresh;
    auto r = Parse(argv, {}, &fresh);
    CHECK_FALSE(r.run);
    CHECK(r.exit_status == 2);
    CHECK(r.message.rfind("ferry: ", 0) == 0);
    CHECK(r.message.find('\n') == std::string::npos);
  }
  auto r = Parse({"prog"}, {"FERRY_STACK_SIZE=huge"}, &o);
  CHECK_FALSE(r.run);
  CHECK(r.message.find("FERRY_STACK_SIZE") != std::string::npos);
}

TEST_CASE("--help and --version exit 0") {
  Options o;
  auto h = Parse({"--help"}, {}, &o);
  CHECK_FALSE(h.run);
  CHECK(h.exit_status == 0);
  CHECK(h.message.find("usage: ferry") != std::string::npos);
  auto v = Parse({"--version"}, {}, &o);
  CHECK(v.exit_status == 0);
  CHECK(v.message.find("ferry") == 0);
}

TEST_CASE("guest environment applies -U then -E") {
  Options o;
  o.unset_env = {"DROP"};
  o.set_env = {"KEEP=new", "ADD=1"};
  std::string a = "KEEP=old", b = "DROP=x", c = "OTHER=y";
  char* env[] = {a.data(), b.data(), c.data(), nullptr};
  auto out = GuestEnvironment(o, env);
  CHECK(out == std::vector<std::string>{"OTHER=y", "KEEP=new", "ADD=1"});
}

}  // namespace
}  // namespace ferry
