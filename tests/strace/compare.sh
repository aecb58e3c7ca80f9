#!/usr/bin/env bash
# compare.sh FERRY GUEST NATIVE TRACE_LIST [FERRY_OPTION...]
# Traces NATIVE with the real strace and GUEST with ferry --strace (same -f,
# -o and -e trace=TRACE_LIST), normalises both (normalize.py) and fails
# unless they are equal. Also checks that stdout and the exit status match.
set -u
abs() { case $1 in /*) echo "$1";; *) echo "$PWD/$1";; esac; }
ferry=$(abs "$1") guest=$(abs "$2") native=$(abs "$3") list=$4
shift 4
here=$(dirname "$(abs "${BASH_SOURCE[0]}")")
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/strace.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Both run in the same directory (one after the other), so getcwd agrees.
mkdir "$work/run"
(cd "$work/run" && strace -f -o "$work/native.trace" -e trace="$list" "$native" >"$work/native.out")
native_status=$?
rm -rf "$work/run" && mkdir "$work/run"
(cd "$work/run" && "$ferry" -q "$@" --strace -f -o "$work/ferry.trace" -e trace="$list" "$guest" >"$work/ferry.out")
ferry_status=$?
status=0
if [ "$native_status" != "$ferry_status" ]; then
  echo "FAIL: exit status $ferry_status under ferry, $native_status natively"; status=1
fi
if ! cmp -s "$work/native.out" "$work/ferry.out"; then
  echo "FAIL: stdout differs"; diff "$work/native.out" "$work/ferry.out" | head; status=1
fi
python3 "$here/normalize.py" "$work/native.trace" >"$work/native.norm" || status=1
python3 "$here/normalize.py" "$work/ferry.trace" >"$work/ferry.norm" || status=1
if ! diff -u "$work/native.norm" "$work/ferry.norm"; then
  echo "FAIL: ferry's trace differs from strace's (normalised; - strace, + ferry)"; status=1
fi
echo "--- ferry's trace (normalised, $(wc -l <"$work/ferry.norm") lines):"
cat "$work/ferry.norm"
exit $status
