#!/usr/bin/env bash
# doc_current.sh FERRY DOC: DOC must equal `ferry --list-syscalls --markdown`
# (regenerate with: bazel-bin/tools/ferry --list-syscalls --markdown > docs/SYSCALLS.md).
set -u
if diff -u "$2" <("$1" --list-syscalls --markdown); then
  echo "ok: $2 is current"
else
  echo "FAIL: $2 is stale; regenerate it with ferry --list-syscalls --markdown"
  exit 1
fi
