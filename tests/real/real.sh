#!/usr/bin/env bash
# real.sh FERRY SYSROOT SCRIPT [ORACLES]
# Runs SCRIPT (bash) three times, in a fresh directory each: with `run PROG
# ARGS...` starting the host's own PROG, then Debian's arm64 build of PROG
# from SYSROOT under ferry -L SYSROOT, then the same under qemu-aarch64 -L.
# Passes when stdout and the exit status under ferry equal both others
# (or those ORACLES names: "native qemu" by default). The script finds the
# test's data files under $SRC (the directory real.sh starts in).
set -u
export SRC=$PWD
abs() { case $1 in /*) echo "$1";; *) echo "$PWD/$1";; esac; }
ferry=$(abs "$1") sysroot=$2 script=$3 oracles=${4:-native qemu}
if [ ! -e "$sysroot/.complete" ]; then
  echo "FAIL: no arm64 sysroot at $sysroot (tools/setup makes it)"
  exit 1
fi
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/real.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The arm64 build of PROG: Debian unpacked (not merged-/usr) keeps both.
guest_path() {
  local dir
  for dir in /usr/bin /bin /usr/sbin /sbin; do
    [ -x "$sysroot$dir/$1" ] && { echo "$sysroot$dir/$1"; return; }
  done
  echo "$sysroot/missing/$1"
}

for mode in ferry $oracles; do
  mkdir "$work/$mode"
  (
    cd "$work/$mode" || exit 99
    run() {
      local prog=$1; shift
      case $mode in
        native) "$prog" "$@" ;;
        ferry) "$ferry" -q -L "$sysroot" -0 "$prog" "$(guest_path "$prog")" "$@" ;;
        qemu) qemu-aarch64 -L "$sysroot" -0 "$prog" "$(guest_path "$prog")" "$@" ;;
      esac
    }
    eval "$script"
  ) >"$work/$mode.out" 2>"$work/$mode.err" </dev/null
  echo $? >"$work/$mode.status"
done

status=0
for oracle in $oracles; do
  if ! cmp -s "$work/ferry.out" "$work/$oracle.out"; then
    echo "FAIL: stdout under ferry differs from $oracle"
    diff -u "$work/$oracle.out" "$work/ferry.out" | head -40
    status=1
  fi
  if ! cmp -s "$work/ferry.status" "$work/$oracle.status"; then
    echo "FAIL: exit status under ferry $(cat "$work/ferry.status"), under $oracle $(cat "$work/$oracle.status")"
    status=1
  fi
done
echo "--- script:"; echo "$script"
echo "--- ferry stdout ($(wc -l <"$work/ferry.out") lines):"; head -30 "$work/ferry.out"
echo "--- ferry stderr:"; head -20 "$work/ferry.err"
exit $status
