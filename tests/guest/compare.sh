#!/usr/bin/env bash
# compare.sh FERRY ARCH GUEST_BIN NATIVE_BIN ORACLES [VAR=VAL...] [@SIGNAL=SIG@SECS...]
#            [@SIGNALS_AFTER_OUTPUT] [@FERRYARG=OPT...] [@QEMUARG=OPT...] [@STATUS=N] -- ARGS...
# Runs the guest under ferry and under each oracle (native, qemu) with the same
# arguments, environment and a fresh working directory each, and fails unless
# stdout and the exit status (128+N for a signal, as a shell reports it) match.
# The native run must also be right by itself: exit status N (@STATUS, 0 by
# default) and no line starting with FAIL, so a check that fails natively
# breaks the test instead of passing as "the same everywhere". KEEP_WORK=1
# keeps the outputs (in $TEST_TMPDIR or /tmp) for a look after a failure.
set -u
ferry=$1 arch=$2 guest=$3 native_bin=$4 oracles=$5
shift 5
env_args=() signals=() ferry_args=() qemu_args=() expected_status=0 signals_after_output=0
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case $1 in
    @SIGNAL=*) signals+=("${1#@SIGNAL=}") ;;
    @SIGNALS_AFTER_OUTPUT) signals_after_output=1 ;;
    @FERRYARG=*) ferry_args+=("${1#@FERRYARG=}") ;;
    @QEMUARG=*) qemu_args+=("${1#@QEMUARG=}") ;;
    @STATUS=*) expected_status=${1#@STATUS=} ;;
    *) env_args+=("$1") ;;
  esac
  shift
done
[ $# -gt 0 ] && shift
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/compare.XXXXXX")
mkdir "$work/ferry.cwd" "$work/native.cwd" "$work/qemu.cwd"
# Few processes per run: the suite runs this about 900 times.
[ ${#env_args[@]} -gt 0 ] && env_args=(env "${env_args[@]}")

# run LABEL CMD...: stdout to $work/LABEL.out, status to $work/LABEL.status.
# Each @SIGNAL=SIG@SECS is sent to the program SECS seconds after it starts,
# in order, as an outside process would (kill -SIG PID); with
# @SIGNALS_AFTER_OUTPUT, SECS count from the program's first output instead,
# so a start slowed by a loaded machine does not move them (up to 60 s).
run() {
  local label=$1; shift
  ( cd "$work/$label.cwd" && exec timeout -s KILL 120 "${env_args[@]}" "$@" ) \
    >"$work/$label.out" 2>"$work/$label.err" </dev/null &
  local timeout_pid=$! elapsed=0 spec target="" tries=0
  if [ ${#signals[@]} -gt 0 ] && [ "$signals_after_output" = 1 ]; then
    while [ ! -s "$work/$label.out" ] && [ $tries -lt 6000 ] && kill -0 $timeout_pid 2>/dev/null; do
      sleep 0.01; tries=$((tries + 1))
    done
  fi
  for spec in "${signals[@]}"; do
    local sig=${spec%@*} at=${spec#*@}
    sleep "$(awk -v a="$at" -v b="$elapsed" 'BEGIN { print a - b }')"; elapsed=$at
    # The program is timeout's child (env execs it).
    [ -n "$target" ] || target=$(pgrep -P "$timeout_pid" | head -1)
    [ -n "$target" ] && kill -"$sig" "$target" 2>/dev/null
  done
  wait $timeout_pid
  echo $? >"$work/$label.status"
}

[[ $ferry == /* ]] || ferry=$PWD/$ferry
[[ $guest == /* ]] || guest=$PWD/$guest
[[ $native_bin == /* ]] || native_bin=$PWD/$native_bin

run ferry "$ferry" -q "${ferry_args[@]}" "$guest" "$@"
status=0
for oracle in ${oracles//,/ }; do
  case $oracle in
    native)
      run native "$native_bin" "$@"
      read -r native_status <"$work/native.status"
      if [ "$native_status" != "$expected_status" ] || grep -q '^FAIL' "$work/native.out"; then
        echo "FAIL: the native run itself is wrong (status $native_status, expected $expected_status):"
        grep '^FAIL' "$work/native.out" | head -5
        status=1
      fi
      ;;
    qemu) run qemu "qemu-$arch" "${qemu_args[@]}" "$guest" "$@" ;;
    *) echo "compare.sh: unknown oracle $oracle"; exit 2 ;;
  esac
  if ! cmp -s "$work/ferry.out" "$work/$oracle.out"; then
    echo "FAIL: stdout under ferry differs from $oracle ($arch)"
    diff -u "$work/$oracle.out" "$work/ferry.out" | head -40
    status=1
  fi
  read -r ferry_status <"$work/ferry.status"
  read -r oracle_status <"$work/$oracle.status"
  if [ "$ferry_status" != "$oracle_status" ]; then
    echo "FAIL: exit status under ferry $ferry_status, under $oracle $oracle_status ($arch)"
    status=1
  fi
done
if [ $status != 0 ]; then
  echo "--- ferry stderr:"; head -20 "$work/ferry.err"
else
  read -r ferry_status <"$work/ferry.status"
  echo "ok: ${ferry_args[*]} ${guest##*/} $* ($arch): status $ferry_status, $(wc -c <"$work/ferry.out") bytes of stdout match [$oracles]"
fi
[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
exit $status
