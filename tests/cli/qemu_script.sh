#!/bin/sh
# qemu_script.sh SYSROOT: a script written for qemu-aarch64, using only
# qemu-user's options and QEMU_* variables. $QEMU names the emulator
# (default qemu-aarch64); qemu_compat.sh runs it as is with QEMU=ferry and
# requires the same output. Each guest runs from SYSROOT by its full path
# (qemu does not look the program up under -L) and execs nothing: under
# qemu an execve goes to the host's binfmt_misc, under ferry to ferry.
S=$1
q=${QEMU:-qemu-aarch64}
export HOME=/root LANG=C.UTF-8 PATH=/usr/bin:/bin
tmp=$(mktemp -d "${TEST_TMPDIR:-/tmp}/qemu_script.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "uname: $($q -L "$S" -cpu max -seed 1 -r 6.1.0-test "$S/bin/uname" -r -m)"
echo "uname env: $(QEMU_LD_PREFIX=$S QEMU_UNAME=6.2.0 QEMU_CPU=max QEMU_RAND_SEED=3 $q "$S/bin/uname" -r)"
echo "-E/-U, commas:"
$q -L "$S" -E A=1,B=2 -E C=3 -U HOME,LANG "$S/bin/busybox" env | grep -E '^(A|B|C|HOME|LANG)=' | sort
echo "QEMU_SET_ENV/QEMU_UNSET_ENV:"
QEMU_LD_PREFIX=$S QEMU_SET_ENV=X=y,Z=w QEMU_UNSET_ENV=PATH,HOME $q "$S/bin/busybox" env | grep -E '^(X|Z|PATH|HOME)=' | sort
echo "-0: $($q -L "$S" -0 sh "$S/bin/busybox" -c 'echo $0 $#' a b)"
echo "QEMU_ARGV0: $(QEMU_ARGV0=echo $q "$S/bin/busybox" from argv0)"
echo "sizes: $($q -s 1M -R 1G -p 4096 -L "$S" "$S/bin/echo" ok)"
echo "sizes env: $(QEMU_STACK_SIZE=2M QEMU_RESERVED_VA=2G QEMU_LD_PREFIX=$S $q "$S/bin/echo" ok)"
$q -L "$S" "$S/bin/false"; echo "status: $?"
$q -strace -L "$S" "$S/bin/true" 2>"$tmp/strace" && grep -q 'exit_group(0)' "$tmp/strace" && echo "-strace: traced"
QEMU_STRACE=1 $q -L "$S" "$S/bin/true" 2>"$tmp/strace2" && grep -q 'exit_group(0)' "$tmp/strace2" && echo "QEMU_STRACE: traced"
$q -d strace -D "$tmp/log" -L "$S" "$S/bin/true" && grep -q 'exit_group(0)' "$tmp/log" && echo "-d strace -D: logged"
QEMU_LOG=strace QEMU_LOG_FILENAME=$tmp/log2 $q -L "$S" "$S/bin/true" && grep -q 'exit_group(0)' "$tmp/log2" && echo "QEMU_LOG: logged"
$q -version >/dev/null && echo "-version: ok"
$q -h >/dev/null && echo "-h: ok"
