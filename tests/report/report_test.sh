#!/usr/bin/env bash
# report_test.sh FERRY GUEST CASE: runs the crasher guest (crasher.c) under
# ferry for one crash-report CASE and checks ferry's exit status, its stderr
# and the report files (see the cases below).
set -u
abs() { case $1 in /*) echo "$1";; *) echo "$PWD/$1";; esac; }
ferry=$(abs "$1") guest=$(abs "$2") case_name=$3
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/report.XXXXXX")
ferry_pid="" sockdir=""
trap 'kill $ferry_pid 2>/dev/null; rm -rf "$work" "$sockdir"' EXIT
cd "$work"
mkdir reports
fail=0
failed() { echo "FAIL: $*"; fail=1; }
# has FILE REGEX...: each extended regex matches some line of FILE.
has() {
  local file=$1; shift
  for re in "$@"; do grep -Eq -- "$re" "$file" || failed "$file lacks /$re/"; done
}
status_is() { [ "$1" = "$2" ] || failed "ferry exit status $1, want $2"; }
# What every guest crash report of crasher's `segv` holds.
segv_report=('killed by SIGSEGV' 'si_code 1 \(SEGV_MAPERR\), si_addr \(nil\)'
             '^pc: [0-9a-f]{16} crash_here\+0x[0-9a-f]+ \(/.*\) at tests/report/crasher\.c:19$'
             '^=> [0-9a-f]{16}:' '^registers \(thread [0-9]+\)' '^  (x0|zero) +[0-9a-f]{16}'
             '^  #0  [0-9a-f]{16} crash_here\+0x[0-9a-f]+ \(crasher[^)]*\) at tests/report/crasher\.c:19$'
             '^  #[12]  [0-9a-f]{16} caller_of_crash\+0x[0-9a-f]+ \(crasher[^)]*\) at tests/report/crasher\.c:25( |$)'
             '^  #[23]  [0-9a-f]{16} main\+0x[0-9a-f]+ \(crasher[^)]*\) at tests/report/crasher\.c:43$'
             '^maps:' 'crasher\.(aarch64|riscv64)' '\[stack\]'
             '^last syscalls of thread [0-9]+ \([0-9]+ of [0-9]+\):' '^  write\(0x1, 0x[0-9a-f]+, 0x8\) = 8$'
             '^ferry: end of crash report$')

case $case_name in
  segv_stderr)  # --report: the report on stderr, then the guest's death
    "$ferry" --report "$guest" segv >out 2>err
    status_is $? 139
    has err "${segv_report[@]}"
    grep -qx crasher out || failed "the guest's output is lost"
    ;;
  segv_dir)  # FERRY_REPORT=DIR: a file named with the pid, nothing on stderr
    FERRY_REPORT="$work/reports" "$ferry" "$guest" segv >out 2>err
    status_is $? 139
    [ -s err ] && failed "stderr is not empty"
    files=(reports/ferry-crash-*.txt)
    [ ${#files[@]} = 1 ] && [ -f "${files[0]}" ] || failed "want one reports/ferry-crash-PID.txt, have: ${files[*]}"
    [ -f "${files[0]}" ] && has "${files[0]}" "${segv_report[@]}"
    "$ferry" --report="$work/reports/sub" "$guest" segv >out 2>err  # a folder that is not there
    status_is $? 139
    has err 'ferry: cannot write the crash report in '
    ;;
  abort)  # the guest's own abort(): SIGABRT from itself, through libc's frames
    "$ferry" --report "$guest" abort >out 2>err
    status_is $? 134
    has err 'killed by SIGABRT' 'SI_TKILL' '^  tgkill\(.*\) = \? \(did not return\)$' '^  \(frame pointers end|outermost frame'
    # libc's frames by its .eh_frame on both arches, up to abort, then the
    # program's. Debian's riscv64 glibc has no FDE for abort itself and no
    # frame pointers: there abort's caller is found by reading abort's
    # prologue (arch/riscv64/prologue.cc); arm64's abort has an FDE.
    has err '^  #[0-9]+ +[0-9a-f]{16} (raise|gsignal)\+0x[0-9a-f]+ \(' '^  #[0-9]+ +[0-9a-f]{16} abort\+0x[0-9a-f]+ \(' \
        '^  #[0-9]+ +[0-9a-f]{16} crash_here\+0x[0-9a-f]+ \(crasher[^)]*\) at tests/report/crasher\.c:18' \
        '^  #[0-9]+ +[0-9a-f]{16} caller_of_crash\+0x[0-9a-f]+ \(crasher[^)]*\) at tests/report/crasher\.c:25' \
        '^  #[0-9]+ +[0-9a-f]{16} main\+0x[0-9a-f]+ \(crasher'
    case $guest in
      *riscv64*) has err '^  #[0-9]+ +[0-9a-f]{16} crash_here\+0x[0-9a-f]+ .*\(by the prologue of the frame above\)$' ;;
    esac
    ;;
  thread)  # a second thread crashes: its registers, and both threads' syscalls
    "$ferry" --report "$guest" thread >out 2>err
    status_is $? 139
    has err 'killed by SIGSEGV' '^  #0  [0-9a-f]{16} crash_here\+0x[0-9a-f]+ \(crasher[^)]*\) at tests/report/crasher\.c:19$' \
        '^  #[12]  [0-9a-f]{16} caller_of_crash\+0x[0-9a-f]+ \(crasher[^)]*\) at tests/report/crasher\.c:25( |$)' \
        '^  #[23]  [0-9a-f]{16} crash_thread\+0x[0-9a-f]+ \(crasher[^)]*\) at tests/report/crasher\.c:32$' \
        '^  write\(0x1, 0x[0-9a-f]+, 0x7\) = 7$' '^  clone3?\('
    # (the first thread may be anywhere by then: in clone, past it, in futex)
    [ "$(grep -c '^last syscalls of thread' err)" = 2 ] || failed "want the last syscalls of 2 threads"
    crashed=$(sed -n 's/.*, thread \([0-9]*\),.*/\1/p' err | head -1)
    grep -q "^registers (thread $crashed)" err || failed "the registers are not the crashing thread's"
    ;;
  nofp)  # nofp_crasher.c: no frame pointers; every caller by CFI; objdump's mnemonic at the PC
    "$ferry" --report "$guest" >out 2>err
    status_is $? 139
    has err 'killed by SIGSEGV' \
        '^  #0  [0-9a-f]{16} inner\+0x[0-9a-f]+ \(nofp_crasher[^)]*\) at tests/report/nofp_crasher\.c:16$' \
        '^  #1  [0-9a-f]{16} middle\+0x[0-9a-f]+ \(nofp_crasher[^)]*\) at tests/report/nofp_crasher\.c:21$' \
        '^  #2  [0-9a-f]{16} outer\+0x[0-9a-f]+ \(nofp_crasher[^)]*\) at tests/report/nofp_crasher\.c:27$' \
        '^  #3  [0-9a-f]{16} main\+0x[0-9a-f]+ \(nofp_crasher[^)]*\) at tests/report/nofp_crasher\.c:36$' \
        '^  \(outermost frame: its call-frame information leaves the return address undefined\)$'
    # The faulting instruction as capstone decoded it, against binutils' objdump
    # at the same link-time address (capstone names compressed RISC-V
    # instructions c.*, objdump by their base instruction).
    case $guest in *aarch64*) prefix=aarch64-linux-gnu- ;; *) prefix=riscv64-linux-gnu- ;; esac
    offset=$(sed -n 's/^pc: [0-9a-f]* inner+0x\([0-9a-f]*\) .*/\1/p' err)
    symbol=$("${prefix}nm" "$guest" | sed -n 's/^\([0-9a-f]*\) [Tt] inner$/\1/p')
    mnemonic=$(sed -n 's/^=> [0-9a-f]*:  *[0-9a-f]*  *\([^ ]*\).*/\1/p' err)
    if [ -z "$offset" ] || [ -z "$symbol" ] || [ -z "$mnemonic" ]; then
      failed "no pc offset ($offset), symbol ($symbol) or => line ($mnemonic)"
    else
      at=$(printf '0x%x' $((0x$symbol + 0x$offset)))
      want=$("${prefix}objdump" -d --no-show-raw-insn --start-address="$at" --stop-address=$((at + 4)) "$guest" |
             awk -F'\t' -v at="${at#0x}:" '$1 ~ at"$" { print $2; exit }' | tr -d ' ')
      echo "pc $at: capstone $mnemonic, objdump $want"
      [ -n "$want" ] && [ "${mnemonic#c.}" = "$want" ] || failed "capstone says $mnemonic at $at, objdump ${want:-nothing}"
    fi
    ;;
  silent)  # without --report nothing is added to stderr, crash or not
    "$ferry" "$guest" segv >out 2>err
    status_is $? 139
    [ -s err ] && failed "a default run's stderr is not empty"
    "$ferry" --report "$guest" ok >out 2>err
    status_is $? 0
    [ -s err ] && failed "a run that does not crash reports something"
    ;;
  internal)  # ferry's own fault: always a report, exit 125
    FERRY_REPORT="$work/reports" "$ferry" --test-internal-fault "$guest" ok >out 2>err
    status_is $? 125
    has err '^ferry: internal error: SIGSEGV \(si_code 1, address 0x8\) in ferry.s own code' '^ferry [0-9.]+ \(Unicorn' \
        '^command line: .*--test-internal-fault' '^  #[0-9]+ +[0-9a-f]{16} .*ForcedInternalFault' 'ferry: full report in .*/reports/ferry-internal-error-[0-9]+\.txt'
    files=(reports/ferry-internal-error-*.txt)
    [ -f "${files[0]}" ] || failed "no internal-error report file"
    [ -f "${files[0]}" ] && has "${files[0]}" 'ForcedInternalFault' '^guest state:' '^registers \(thread' \
        '^last syscalls of thread [0-9]+' '^maps:'
    ;;
  internal_check)  # a failed internal check and std::terminate: the same report, exit 125
    FERRY_REPORT="$work/reports" "$ferry" --test-internal-fault=check "$guest" ok >out 2>err
    status_is $? 125
    has err '^ferry: internal error: forced by --test-internal-fault=check$' '^  #[0-9]+ +[0-9a-f]{16} .*InternalError' \
        '^  #[0-9]+ +[0-9a-f]{16} .*DispatchThenFault' 'ferry: full report in '
    "$ferry" --test-internal-fault=terminate "$guest" ok >out 2>err  # the file goes to /tmp
    status_is $? 125
    has err '^ferry: internal error: std::terminate: uncaught exception: forced by --test-internal-fault$' \
        '^  #[0-9]+ +[0-9a-f]{16} .*OnTerminate' 'ferry: full report in /tmp/ferry-internal-error-[0-9]+\.txt'
    rm -f "$(sed -n 's/^ferry: full report in //p' err)"
    ;;
  gdb_on_crash)  # the dying guest waits for gdb, stopped at the fault
    sockdir=$(mktemp -d /tmp/ferry-report.XXXXXX)
    sock=$sockdir/gdb.sock
    "$ferry" --gdb-on-crash "unix:$sock" "$guest" segv >out 2>err </dev/null &
    ferry_pid=$!
    for _ in $(seq 200); do [ -S "$sock" ] && break; sleep 0.05; done
    timeout 60 gdb-multiarch -nx -batch -ex "set confirm off" -ex "set pagination off" -ex "target remote $sock" \
        -ex bt -ex "p \$_siginfo.si_signo" -ex continue "$guest" >gdb.out 2>&1
    wait $ferry_pid
    status_is $? 139
    has gdb.out '^#0  .*crash_here \(how=(how@entry=)?1\) at .*crasher\.c:[0-9]+' '^#1  0x[0-9a-f]+ in caller_of_crash \(how=' \
        '^#2  0x[0-9a-f]+ in main' '^\$1 = 11$' 'Program terminated with signal SIGSEGV'
    has err 'waiting 60 s for gdb on unix:'
    echo "--- gdb:"; cat gdb.out
    ;;
  gdb_on_crash_timeout)  # nobody comes: the guest dies as it would have
    sockdir=$(mktemp -d /tmp/ferry-report.XXXXXX)
    "$ferry" --gdb-on-crash "unix:$sockdir/gdb.sock" --gdb-on-crash-timeout 1 "$guest" segv >out 2>err </dev/null
    status_is $? 139
    has err 'waiting 1 s for gdb' 'no debugger came in time'
    ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac
if [ "$fail" != 0 ]; then
  for f in err out reports/*; do [ -f "$f" ] && { echo "--- $f:"; cat "$f"; }; done
fi
exit $fail
