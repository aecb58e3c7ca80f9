#!/bin/bash
# run_under_ferry.sh FERRY PROGRAM STATUS STDIN STDOUT_RE [FERRY OPTIONS] -- ARGS...
# The test half of ferry_cross_test (defs.bzl): runs `FERRY [FERRY OPTIONS]
# PROGRAM ARGS... < STDIN` and passes if it exits with STATUS and, unless
# STDOUT_RE is empty, a line of its output matches STDOUT_RE (an extended
# regular expression, as grep -E's).
# Hermetic: its inputs are all declared (ferry, the program, the sysroot,
# stdin), and it uses only bash's builtins, with PATH emptied so that
# nothing else can be found by accident.
set -u
PATH=
ferry=$1 program=$2 want_status=$3 stdin=$4 stdout_re=$5
shift 5
opts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  opts+=("$1")
  shift
done
[ $# -gt 0 ] && shift
out=${TEST_TMPDIR:-/tmp}/stdout.$$
trap '[ -n "${TEST_TMPDIR:-}" ] || /bin/rm -f "$out"' EXIT  # Bazel cleans TEST_TMPDIR itself

echo "running: $ferry ${opts[*]} $program $* < $stdin (PATH='${PATH-}')"
"$ferry" "${opts[@]}" "$program" "$@" <"$stdin" >"$out"
status=$?
echo "--- stdout:"
lines=()
while IFS= read -r line || [ -n "$line" ]; do lines+=("$line"); echo "$line"; done <"$out"
echo "--- exit status $status"
fail=0
if [ "$status" != "$want_status" ]; then
  echo "FAIL: exit status $status, want $want_status"
  fail=1
fi
if [ -n "$stdout_re" ]; then
  matched=0
  for line in "${lines[@]}"; do [[ $line =~ $stdout_re ]] && { matched=1; break; }; done
  [ "$matched" = 1 ] || { echo "FAIL: no line of stdout matches /$stdout_re/"; fail=1; }
fi
exit $fail
