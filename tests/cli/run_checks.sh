#!/usr/bin/env bash
# run_checks.sh FERRY PROGRAM: a guest program that checks its own answers
# (tests/guest/check.h) runs under ferry, exits 0 and prints no FAIL line.
set -u
out=$(FERRY_CHECK_ROWS=1 "$1" "$2")
status=$?
echo "$out"
if [ "$status" -ne 0 ] || grep -q '^FAIL' <<<"$out"; then
  echo "FAIL: $2 exited $status"
  exit 1
fi
