#!/usr/bin/env bash
# run_under_ferry.sh FERRY PROGRAM STATUS STDIN STDOUT_RE [FERRY OPTIONS] -- ARGS...
# The test half of ferry_cross_test (defs.bzl): runs `FERRY [FERRY OPTIONS]
# PROGRAM ARGS... < STDIN` and passes if it exits with STATUS and, unless
# STDOUT_RE is empty, a line of its output matches STDOUT_RE (grep -E).
set -u
ferry=$1 program=$2 want_status=$3 stdin=$4 stdout_re=$5
shift 5
opts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
[ $# -gt 0 ] && shift
out=$(mktemp "${TEST_TMPDIR:-/tmp}/stdout.XXXXXX")
trap 'rm -f "$out"' EXIT

echo "running: $ferry ${opts[*]} $program $* < $stdin"
"$ferry" "${opts[@]}" "$program" "$@" <"$stdin" >"$out"
status=$?
echo "--- stdout:"
cat "$out"
echo "--- exit status $status"
fail=0
if [ "$status" != "$want_status" ]; then
  echo "FAIL: exit status $status, want $want_status"
  fail=1
fi
if [ -n "$stdout_re" ] && ! grep -Eq -- "$stdout_re" "$out"; then
  echo "FAIL: no line of stdout matches /$stdout_re/"
  fail=1
fi
exit $fail
