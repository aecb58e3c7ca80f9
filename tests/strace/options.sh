#!/usr/bin/env bash
# options.sh CASE FERRY TRACE_ME SEGV EXEC_SPAWN: one strace option of ferry's
# --strace (or --trace-json) checked on trace_me's run, the segv guest or the
# exec_spawn guest. Each case states what strace itself would produce.
set -u
abs() { case $1 in /*) echo "$1";; *) echo "$PWD/$1";; esac; }
case_name=$1 ferry=$(abs "$2") guest=$(abs "$3") segv=$(abs "$4") spawn=$(abs "$5")
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/options.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
fail=0
check() {  # check DESCRIPTION COMMAND...: the command must succeed
  local what=$1; shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi
}
lines() { grep -c -- "$1" "$2" 2>/dev/null || true; }

case $case_name in
  output_file)
    "$ferry" --strace -o trace.txt "$guest" >out 2>err; status=$?
    check "exit status 7 is the guest's" [ "$status" = 7 ]
    check "stderr stays empty" [ ! -s err ]
    check "stdout is the guest's" grep -qx END out
    check "the trace went to the file" grep -Eq '^write\(1, "BEGIN\\n", 6\) += 6$' trace.txt
    check "the file ends with the exit" bash -c '[ "$(tail -1 trace.txt)" = "+++ exited with 7 +++" ]'
    ;;
  follow_prefixes)
    "$ferry" --strace -f "$guest" >out 2>err
    child=$(grep -Eo '^clone\(.*\) += [0-9]+' err | grep -Eo '[0-9]+$')
    check "clone returns the child's pid" [ -n "$child" ]
    check "the child's lines carry [pid N]" grep -Eq "^\[pid +$child\] write\(1, \"child\\\\n\", 6\) += 6$" err
    check "the child's exit is shown" grep -Eq "^\[pid +$child\] \+\+\+ exited with 3 \+\+\+$" err
    check "without -f the child is not traced" bash -c "'$ferry' --strace '$guest' 2>&1 >/dev/null | grep -c 'write(1, \"child' | grep -qx 0"
    ;;
  per_process_files)
    "$ferry" --strace -ff -o trace "$guest" >out 2>err
    check "two files, one per process" bash -c '[ "$(ls trace.* | wc -l)" = 2 ]'
    parent=$(grep -l 'exited with 7' trace.* | head -1)
    child=$(grep -l 'exited with 3' trace.* | head -1)
    check "the parent's file ends with its exit" [ -n "$parent" ]
    check "the child's file holds its write and exit, unprefixed" grep -Eq '^write\(1, "child\\n", 6\) += 6$' "${child:-/dev/null}"
    check "files are named by pid" bash -c "[ '${child#trace.}' -gt 0 ] 2>/dev/null"
    ;;
  trace_class_file)
    "$ferry" --strace -e trace=%file "$guest" >out 2>err
    check "openat is shown" grep -q '^openat(AT_FDCWD, "trace_dir/file.txt"' err
    check "mkdirat, newfstatat, faccessat and unlinkat are shown" bash -c 'for c in mkdirat newfstatat "faccessat2\\?" unlinkat; do grep -q "^$c(" err || exit 1; done'
    check "read, write and close are not" bash -c '! grep -Eq "^(read|write|close)\(" err'
    check "the signal and the exit are still shown" bash -c 'grep -q "^--- SIGUSR1" err && grep -q "^+++ exited with 7 +++" err'
    ;;
  trace_negated_and_signal)
    "$ferry" --strace -e 'trace=!write,read' -e signal=SIGUSR2 "$guest" >out 2>err
    check "write and read are not shown" bash -c '! grep -Eq "^(write|read)\(" err'
    check "other calls are" grep -q '^close(' err
    check "-e signal=SIGUSR2 hides SIGUSR1" bash -c '! grep -q "^--- SIGUSR1" err'
    ;;
  string_limit)
    "$ferry" --strace -s 5 -e trace=write "$guest" >out 2>err
    check "strings are cut after 5 bytes" grep -Eq '^write\(3, "hello"\.\.\., 26\) += 26$' err
    check "a short string is whole" grep -Eq '^write\(1, "END\\n", 4\) += 4$' err
    ;;
  timestamps_durations)
    "$ferry" --strace -tt -T -e trace=write "$guest" >out 2>err
    check "-tt prefixes HH:MM:SS.uuuuuu" grep -Eq '^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{6} write\(1, "BEGIN\\n", 6\) += 6 <[0-9]+\.[0-9]{6}>$' err
    check "every call line has both" bash -c '[ "$(grep -c "^[0-9:.]* write(" err)" = "$(grep -Ec "<[0-9.]+>$" err)" ]'
    ;;
  json_events)
    "$ferry" --trace-json events.json "$guest" >out 2>err; status=$?
    check "no text trace without --strace" [ ! -s err ]
    check "exit status kept" [ "$status" = 7 ]
    check "every line is a JSON object with the documented fields" python3 - events.json <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
kinds = {e["event"] for e in events}
assert kinds >= {"syscall_enter", "syscall", "signal", "exit"}, kinds
enters = [e for e in events if e["event"] == "syscall_enter"]
assert enters and all(set(e) >= {"nr", "name", "args", "decoded"} for e in enters)
for e in events:
    assert isinstance(e["pid"], int) and isinstance(e["time"], float)
    if e["event"] == "syscall":
        assert set(e) >= {"nr", "name", "args", "decoded", "result", "error", "restart", "duration"}, e
        assert all(isinstance(a, str) and a.startswith(("0x", "0")) for a in e["args"])
opens = [e for e in events if e["event"] == "syscall" and e["name"] == "openat"]
missing = [e for e in opens if e["error"] == "ENOENT"]
assert missing and missing[0]["decoded"][1] == '"/nonexistent/ferry"' and missing[0]["result"] == -2, missing
assert events[-1] == {**events[-1], "event": "exit", "status": 7}, events[-1]
sig = [e for e in events if e["event"] == "signal"][0]
assert sig["name"] == "SIGUSR1" and sig["signo"] == 10, sig
PY
    ;;
  killed)
    "$ferry" --strace "$segv" >out 2>err; status=$?
    check "the guest's SIGSEGV ends ferry the same way" [ "$status" = 139 ]
    check "--- SIGSEGV with its fault address" grep -Eq '^--- SIGSEGV \{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=(NULL|0x[0-9a-f]+)\} ---$' err
    check "+++ killed by SIGSEGV +++ ends the trace" bash -c '[ "$(tail -1 err)" = "+++ killed by SIGSEGV +++" ]'
    ;;
  across_execve)
    "$ferry" --strace -f -o trace.txt "$spawn" >out 2>err
    check "the exec'd guest's own calls are traced into the same file" grep -Eq '^[0-9]+ +write\(1, "child: argc=' trace.txt
    check "execve itself is shown" grep -Eq '^[0-9]+ +execve\(' trace.txt
    check "stderr stays the guest's" bash -c '! grep -q "execve(" err'
    ;;
  bad_output)
    "$ferry" --strace -o /nonexistent/dir/trace "$guest" >out 2>err; status=$?
    check "an unwritable -o is exit 2" [ "$status" = 2 ]
    check "with one line naming it" bash -c '[ "$(wc -l <err)" = 1 ] && grep -q "/nonexistent/dir/trace" err'
    check "and the guest did not run" [ ! -s out ]
    ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac
exit $fail
