#!/usr/bin/env bash
# qemu_gdb.sh FERRY GUEST: qemu's -g PORT, -g SOCKET-PATH and QEMU_GDB make
# ferry wait for gdb-multiarch; gdb attaches, continues, and the guest
# (hello) runs to its end.
set -u
abs() { case $1 in /*) echo "$1";; *) echo "$PWD/$1";; esac; }
ferry=$(abs "$1") guest=$(abs "$2")
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/qemu_gdb.XXXXXX")
# Unix socket paths are short (108 bytes); Bazel's temporary directory is not.
sockdir=$(mktemp -d /tmp/ferry-qemu-gdb.XXXXXX)
trap 'rm -rf "$work" "$sockdir"' EXIT
cd "$work"
command -v gdb-multiarch >/dev/null || { echo "FAIL: gdb-multiarch is not installed"; exit 1; }
listening() {  # TCP port N in LISTEN state (0A) in /proc/net/tcp{,6}
  grep -qi ":$(printf '%04X' "$1") [0-9A-F:]* 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
fail=0
run() {  # NAME TARGET ENV... -- FERRY-ARGS...
  local name=$1 target=$2; shift 2
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  local f=${name//[^a-zA-Z0-9]/_}
  env "${envs[@]}" "$ferry" "$@" "$guest" >"$f.out" 2>"$f.err" </dev/null &
  local pid=$!
  for _ in $(seq 200); do
    case $target in
      :*) listening "${target#:}" && break ;;
      *) [ -S "$target" ] && break ;;
    esac
    sleep 0.05
  done
  timeout 60 gdb-multiarch -nx -batch -ex "set confirm off" -ex "target remote $target" \
    -ex continue >"$f.gdb" 2>&1
  wait $pid
  local status=$?
  if [ "$status" = 0 ] && grep -qx "hello, world" "$f.out"; then
    echo "ok: $name"
  else
    echo "FAIL: $name (ferry status $status)"; cat "$f.out" "$f.err" "$f.gdb"; fail=1
  fi
}
run "-g PATH" "$sockdir/1" -- -g "$sockdir/1"
run "QEMU_GDB=PATH" "$sockdir/2" "QEMU_GDB=$sockdir/2" --
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run "-g PORT" ":$port" -- -g "$port"
exit $fail
