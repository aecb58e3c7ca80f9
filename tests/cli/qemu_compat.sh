#!/usr/bin/env bash
# qemu_compat.sh FERRY SCRIPT SYSROOT: SCRIPT (written for qemu-aarch64) run
# with QEMU=FERRY prints what it prints with QEMU=qemu-aarch64.
set -u
abs() { case $1 in /*) echo "$1";; *) echo "$PWD/$1";; esac; }
ferry=$(abs "$1") script=$(abs "$2") sysroot=$3
command -v qemu-aarch64 >/dev/null || { echo "FAIL: qemu-aarch64 is not installed"; exit 1; }
want=$(QEMU=qemu-aarch64 sh "$script" "$sysroot" 2>&1)
got=$(QEMU=$ferry sh "$script" "$sysroot" 2>&1)
echo "--- qemu-aarch64:"; echo "$want"
if [ "$want" != "$got" ]; then
  echo "FAIL: under ferry the script printed something else:"; diff <(echo "$want") <(echo "$got")
  exit 1
fi
echo "--- ferry: the same"
