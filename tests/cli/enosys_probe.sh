#!/usr/bin/env bash
# enosys_probe.sh FERRY PROBE.aarch64 PROBE.riscv64: runs enosys_probe.c's
# build for each arch under ferry and checks that
# - at most 40 numbers are ENOSYS: those the probe finds, and those it skips
#   (as harmful with these arguments) whose row is ENOSYS (qemu-user 7.2: 77);
# - each of them is an ENOSYS row of ferry's table for that arch, or a call
#   that arch lacks, or the kernel's own answer to all-ones arguments
#   (futex's unknown op; rseq, which ferry declines as the kernel allows);
# - each ENOSYS row of the table is found ENOSYS (the table tells the truth)
#   and says why it stays unserved.
set -u
ferry=$1
shift
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
declare -A kernel_enosys=([98]="futex: an unknown op" [293]="rseq: declined, as the kernel allows")
for probe in "$@"; do
  arch=${probe##*.}
  out=$(FERRY_CHECK_ROWS=1 "$ferry" "$probe") || { fail "$arch: the probe exited $?"; continue; }
  count=$(sed -n 's/^count //p' <<<"$out")
  found=$(sed -n 's/^enosys //p' <<<"$out")
  skipped=$(sed -n 's/^skipped //p' <<<"$out")
  list=$("$ferry" --list-syscalls --arch "$arch")
  rows=$(awk '$1 ~ /^[0-9]+$/ {print $1}' <<<"$list")
  enosys_rows=$(awk '$1 ~ /^[0-9]+$/ && $3 == "ENOSYS" {print $1}' <<<"$list")
  skipped_enosys=$(grep -xF -f <(printf '%s\n' $skipped) <<<"$enosys_rows")
  count=$((count + $(grep -c . <<<"$skipped_enosys")))
  echo "$arch: $count numbers ENOSYS:" $found "(and, not called:" $skipped_enosys")"
  [ "$count" -le 40 ] || fail "$arch: $count ENOSYS, more than 40"
  for nr in $found; do
    if grep -qx "$nr" <<<"$enosys_rows"; then continue; fi
    if ! grep -qx "$nr" <<<"$rows"; then echo "ok   $arch: $nr is not a call on $arch"; continue; fi
    if [ -n "${kernel_enosys[$nr]:-}" ]; then echo "ok   $arch: $nr ENOSYS: ${kernel_enosys[$nr]}"; continue; fi
    fail "$arch: $nr is ENOSYS but its row says it is served"
  done
  for nr in $enosys_rows; do
    grep -qx "$nr" <<<"$skipped" && continue
    grep -qx "$nr" <<<"$found" || fail "$arch: row $nr says ENOSYS but the probe got another answer"
  done
  while read -r line; do
    fail "$arch: an ENOSYS row without its reason: $line"
  done < <(awk '$3 == "ENOSYS" && /not implemented: returns ENOSYS/' <<<"$list")
done
if [ "$failures" -ne 0 ]; then
  echo "$failures failures"
  exit 1
fi
echo "ok"
