#!/usr/bin/env bash
# run-examples.sh FERRY [WORKDIR]: builds examples/project out of tree in
# WORKDIR (default: a fresh temporary directory, removed afterwards) with
# CMake and with Meson, for aarch64 and riscv64 (ARCHES="aarch64" to pick),
# runs its tests with ctest and `meson test`, and checks that
#   - every expected test ran, and ran under FERRY (the test command lines
#     name it, and the guest's uname says the guest arch),
#   - the deliberately failing test counts as failed (WILL_FAIL/should_fail),
#   - FERRY passes stdin, stdout and the exact exit status through.
# Prints one line per step; exits 1 if anything failed, 2 on bad usage.
set -uo pipefail

usage() { echo "usage: $0 FERRY [WORKDIR]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
ferry=$(abs "$1")
[ -f "$ferry" ] && [ -x "$ferry" ] || { echo "$0: $1: not an executable file" >&2; exit 2; }
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/project" && pwd)
arches=${ARCHES:-aarch64 riscv64}

if [ $# -eq 2 ]; then
  work=$(abs "$2")
  mkdir -p "$work" || exit 2
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/ferry-examples.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi

for tool in cmake ctest meson ninja python3; do
  command -v $tool >/dev/null || { echo "$0: $tool is not installed (apt-get install -y $tool)" >&2; exit 2; }
done

failures=0
pass() { echo "  ok: $*"; }
fail() { echo "  FAIL: $*"; failures=$((failures + 1)); }
# step LOG DESCRIPTION COMMAND...: runs COMMAND with its output in LOG; on
# failure shows the end of LOG.
step() {
  local log=$1 what=$2; shift 2
  if "$@" >"$log" 2>&1; then
    pass "$what"
  else
    fail "$what (status $?; last lines of $log:)"
    tail -n 15 "$log" | sed 's/^/    | /'
    return 1
  fi
}
# expect_count LOG PATTERN N DESCRIPTION: LOG has exactly N lines matching
# the fixed string PATTERN.
expect_count() {
  local n
  n=$(grep -cF -- "$2" "$1")
  if [ "$n" = "$3" ]; then pass "$4"; else fail "$4: found $n lines with '$2' in $1, want $3"; fi
}
expect_line() {
  if grep -qxF -- "$2" "$1"; then pass "$3"; else fail "$3: no line '$2' in $1"; fi
}

# The test programs the build produced, run by hand under ferry.
check_wrapper() {
  local dir=$1 out status
  out=$(printf 'counted through\nstandard input\n' | "$ferry" "$dir/wordstat")
  status=$?
  if [ $status = 0 ] && [ "$out" = "lines=2 words=4 bytes=31 longest=8" ]; then
    pass "stdin in, stdout out: ferry $dir/wordstat < text"
  else
    fail "ferry $dir/wordstat < text: status $status, output '$out'"
  fi
  "$ferry" "$dir/test_exit" 3 >/dev/null
  status=$?
  if [ $status = 3 ]; then pass "exit status passed through: ferry test_exit 3 -> 3"; else fail "ferry test_exit 3 -> $status, want 3"; fi
}

run_cmake() {
  local arch=$1 dir=$work/cmake-$1
  echo "== CMake, $arch: $dir"
  rm -rf "$dir"
  step "$work/cmake-$arch.configure.log" "configure: cmake -G Ninja -DCMAKE_TOOLCHAIN_FILE=$src/cmake/$arch-linux-gnu.cmake -DFERRY=$ferry" \
    cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$src/cmake/$arch-linux-gnu.cmake" -DFERRY="$ferry" || return
  step "$work/cmake-$arch.build.log" "build: cmake --build" cmake --build "$dir" || return
  local log=$work/cmake-$arch.ctest.log
  (cd "$dir" && ctest --verbose) >"$log" 2>&1
  local status=$?
  if [ $status = 0 ]; then pass "ctest --verbose (log: $log)"; else fail "ctest --verbose: status $status (log: $log)"; fi
  expect_line "$log" "100% tests passed, 0 tests failed out of 5" "ctest ran 5 tests, all passed"
  expect_count "$log" "Test command: $ferry \"$dir/" 5 "every test command runs under $ferry"
  expect_count "$log" ": machine=$arch" 1 "the guest's uname says $arch"
  expect_count "$log" ": lines=3 words=12 bytes=68 longest=8" 1 "the command-line program's output reached ctest"
  expect_count "$log" ": exiting with status 3" 1 "the must-fail test ran"
  expect_count "$log" "exit_status_fails ................   Passed" 1 "the must-fail test failed (WILL_FAIL)"
  check_wrapper "$dir"
}

run_meson() {
  local arch=$1 dir=$work/meson-$1
  echo "== Meson, $arch: $dir"
  rm -rf "$dir"
  # Cross files cannot read the environment: the path to ferry is a constant
  # in a machine file of its own, given before the arch's cross file.
  local constants=$work/ferry-constants.ini
  printf "[constants]\nferry = '%s'\n" "$ferry" >"$constants"
  step "$work/meson-$arch.setup.log" "setup: meson setup --cross-file $constants --cross-file $src/meson/$arch-linux-gnu.ini" \
    meson setup --cross-file "$constants" --cross-file "$src/meson/$arch-linux-gnu.ini" "$dir" "$src" || return
  step "$work/meson-$arch.build.log" "build: meson compile" meson compile -C "$dir" || return
  local log=$work/meson-$arch.test.log
  meson test -C "$dir" --print-errorlogs >"$log" 2>&1
  local status=$?
  if [ $status = 0 ]; then pass "meson test (log: $log)"; else fail "meson test: status $status (log: $log)"; fi
  # meson's JSON log has one object per test: name, result, exit status,
  # command and output.
  local report
  if report=$(python3 - "$dir/meson-logs/testlog.json" "$ferry" "$arch" <<'PY'
import json, sys
log, ferry, arch = sys.argv[1:]
want = {  # name: (result, exit status, a line of its stdout)
    "count": ("OK", 0, "test_count: all checks passed"),
    "args_env": ("OK", 0, "WORDSTAT_GREETING=hello ferry"),
    "machine": ("OK", 0, "machine=" + arch),
    "cli_file": ("OK", 0, "lines=3 words=12 bytes=68 longest=8"),
    "exit_status_fails": ("EXPECTEDFAIL", 3, "exiting with status 3"),
}
tests = {t["name"]: t for t in map(json.loads, open(log))}
problems = []
if sorted(tests) != sorted(want):
    problems.append("ran %s, want %s" % (sorted(tests), sorted(want)))
for name, (result, status, line) in want.items():
    t = tests.get(name)
    if not t:
        continue
    got = (t["result"], t["returncode"], t["command"][0])
    if got != (result, status, ferry):
        problems.append("%s: result, status, wrapper %s; want %s" % (name, got, (result, status, ferry)))
    if line not in t["stdout"].splitlines():
        problems.append("%s: stdout lacks %r" % (name, line))
print("; ".join(problems))
sys.exit(1 if problems else 0)
PY
  ); then
    pass "meson ran the 5 tests, each under $ferry, with the statuses and output expected"
    pass "the guest's uname says $arch; the must-fail test failed with status 3 (should_fail)"
  else
    fail "meson's testlog.json: $report"
  fi
  check_wrapper "$dir"
}

echo "ferry: $ferry ($("$ferry" --version 2>&1 | head -n 1))"
echo "sources: $src; work directory: $work"
for arch in $arches; do
  case $arch in
    aarch64 | riscv64) ;;
    *) echo "$0: unknown arch '$arch' in ARCHES (aarch64, riscv64)" >&2; exit 2 ;;
  esac
  run_cmake "$arch"
  run_meson "$arch"
done

if [ $failures = 0 ]; then
  echo "all examples passed ($arches)"
  exit 0
fi
echo "$failures check(s) failed"
exit 1
