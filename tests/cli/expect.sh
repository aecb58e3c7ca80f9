#!/usr/bin/env bash
# expect.sh FERRY GUEST STATUS STDOUT_RE STDERR_RE SETUP -- ARGS...
# Runs `ferry ARGS...` (with @GUEST@: the hello guest, @GUESTS@: the guest
# programs' directory, @FILE@: a scratch file, substituted; @ENV:VAR=VAL
# arguments become ferry's environment instead; @STDERR=RE is one more
# pattern stderr must match; @STDOUT=RE one more for stdout; @POST=CMD runs
# CMD in the scratch directory afterwards, its output added to stdout's;
# @LINES=N allows an N-line error) in a scratch
# directory after running SETUP there, and checks the exit status, that stderr
# is exactly one line when ferry refuses to run, and both patterns (grep -E;
# empty matches anything; EMPTY for stderr demands no output at all).
set -u
abs() { case $1 in /*) echo "$1";; *) echo "$PWD/$1";; esac; }
ferry=$(abs "$1") guest=$(abs "$2") want_status=$3 out_re=$4 err_re=$5 setup=$6
shift 6; [ "${1:-}" = "--" ] && shift
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
GUEST=$guest bash -c "$setup" || { echo "FAIL: setup failed: $setup"; exit 1; }
args=()
guests=$(dirname "$guest")
env_vars=() more_err=() more_out=() posts=() error_lines=1
for a in "$@"; do
  case $a in
    @ENV:*) env_vars+=("${a#@ENV:}"); continue ;;
    @STDERR=*) more_err+=("${a#@STDERR=}"); continue ;;
    @STDOUT=*) more_out+=("${a#@STDOUT=}"); continue ;;
    @POST=*) posts+=("${a#@POST=}"); continue ;;
    @LINES=*) error_lines=${a#@LINES=}; continue ;;
  esac
  a=${a//@GUEST@/$guest}
  a=${a//@GUESTS@/$guests}
  args+=("${a//@FILE@/$work/file}")
done
env "${env_vars[@]}" timeout -s KILL 60 "$ferry" "${args[@]}" >out 2>err </dev/null
status=$?
for c in "${posts[@]}"; do bash -c "$c" >>out 2>>err; done
fail=0
[ "$status" = "$want_status" ] || { echo "FAIL: exit status $status, want $want_status"; fail=1; }
if [ -n "$out_re" ] && ! grep -Eq -- "$out_re" out; then echo "FAIL: stdout lacks /$out_re/"; fail=1; fi
if [ "$err_re" = EMPTY ]; then
  [ -s err ] && { echo "FAIL: stderr should be empty"; fail=1; }
elif [ -n "$err_re" ] && ! grep -Eq -- "$err_re" err; then
  echo "FAIL: stderr lacks /$err_re/"; fail=1
fi
for re in "${more_out[@]}"; do
  grep -Eq -- "$re" out || { echo "FAIL: stdout lacks /$re/"; fail=1; }
done
for re in "${more_err[@]}"; do
  grep -Eq -- "$re" err || { echo "FAIL: stderr lacks /$re/"; fail=1; }
done
# A ferry error (nothing ran, so no stdout) is exactly one line (or @LINES).
if [ ! -s out ] && [[ " 1 2 126 127 " == *" $want_status "* ]] && [ "$(wc -l <err)" != "$error_lines" ]; then
  echo "FAIL: want exactly $error_lines line(s) on stderr, got $(wc -l <err)"; fail=1
fi
echo "--- ferry ${args[*]} -> $status"; echo "--- stdout:"; head -20 out; echo "--- stderr:"; head -20 err
exit $fail
