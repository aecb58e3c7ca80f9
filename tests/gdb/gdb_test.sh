#!/usr/bin/env bash
# gdb_test.sh FERRY GUEST CASE: runs GUEST under ferry --gdb unix:SOCKET and
# gdb-multiarch -batch with CASE's commands, then checks gdb's output, the
# guest's output and ferry's exit status (see the cases below).
set -u
abs() { case $1 in /*) echo "$1";; *) echo "$PWD/$1";; esac; }
ferry=$(abs "$1") guest=$(abs "$2") case_name=$3
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/gdb.XXXXXX")
ferry_pid="" sockdir=""
trap 'kill $ferry_pid 2>/dev/null; rm -rf "$work" "$sockdir"' EXIT
cd "$work"
# Unix socket paths are short (108 bytes); Bazel's temporary directory is not.
sockdir=$(mktemp -d /tmp/ferry-gdb.XXXXXX)
sock=$sockdir/gdb.sock
guest_args=() cmds=() want=() want_out="" want_status=0 local_file=1
case $case_name in
  break_bt_finish)
    cmds=("break square" "continue" "bt" "finish" "up" "p local" "p counter" "info registers pc"
          "x/2gx \$sp" "continue")
    want=('Breakpoint 1, square \(x=7\) at .*debugee.c:1[0-9]'
          '^#0  square \(x=7\)' '^#1  0x[0-9a-f]+ in twice \(x=7\)' '^#2  0x[0-9a-f]+ in main'
          'Value returned is \$1 = 49' '^\$2 = 7$' '^\$3 = 0$' '^pc\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <main\+[0-9]+>'
          '^0x[0-9a-f]+:\s+0x[0-9a-f]{16}\s+0x[0-9a-f]{16}$'
          'Breakpoint 1, square \(x=7\)')
    want_out="done" want_status=0  # the batch ends with the guest stopped: gdb detaches, it runs on
    ;;
  next_step)
    cmds=("break twice" "continue" "next" "step" "bt 1" "kill")
    want=('Breakpoint 1, twice \(x=7\)' '^23\s' '^square \(x=7\) at .*debugee.c:1[0-9]'
          '^#0  square \(x=7\)')
    want_status=137
    ;;
  watch)
    cmds=("break main" "continue" "watch counter" "continue" "continue" "continue")
    want=('Hardware watchpoint 2: counter' 'Old value = 0' 'New value = 98' 'Old value = 98' 'New value = 99'
          'exited normally')
    want_out="done" want_status=0
    ;;
  segv)
    guest_args=(segv)
    cmds=("continue" "info registers pc" "continue")
    want=('Program received signal SIGSEGV, Segmentation fault' 'main \(argc=2, argv=0x[0-9a-f]+\) at .*debugee.c'
          'Program terminated with signal SIGSEGV')
    want_status=139
    ;;
  detach)
    cmds=("break main" "continue" "detach")
    want=('Breakpoint 1, main' '\[Inferior 1 \(Remote target\) detached\]')
    want_out="done" want_status=0
    ;;
  catch_syscall)
    cmds=("catch syscall 64" "continue" "continue" "continue")
    want=('Catchpoint 1 \(call to syscall (write|64)\)' 'Catchpoint 1 \(returned from syscall (write|64)\)'
          'exited normally')
    want_out="done" want_status=0
    ;;
  remote_files)
    # No local copy of the program: gdb reads it, and its libraries, from
    # the target (qXfer:exec-file, vFile), and the fault's siginfo.
    guest_args=(segv) local_file=0
    cmds=("continue" "bt" "p \$_siginfo.si_signo" "p \$_siginfo._sifields._sigfault.si_addr" "kill")
    want=('Program received signal SIGSEGV' '^#0  0x[0-9a-f]+ in main \(argc=2' '^\$1 = 11$' '^\$2 = \(void \*\) 0x0$')
    want_status=137
    ;;
  threads)
    # Four threads alive at the breakpoint (past the barrier all four
    # wait at): gdb lists them all, shows a worker's stack and switches.
    guest_args=(threads)
    cmds=("break past_barrier" "continue" "info threads" "bt 3" "thread 1" "bt 1" "delete" "continue")
    want=('Breakpoint 1, past_barrier \(id=[1-3]\)' '^#1  0x[0-9a-f]+ in worker_body \(id=[1-3]\)' '^\*? +1 +Thread [0-9]+' '^\*? +2 +Thread [0-9]+'
          '^\*? +3 +Thread [0-9]+' '^\*? +4 +Thread [0-9]+' '^#2  0x[0-9a-f]+ in worker \(arg='
          '^\[Switching to thread 1 ' 'exited normally')
    want_out="threads sum 60" want_status=0
    ;;
  interrupt)
    guest_args=(spin)
    # gdb in batch mode cannot press Ctrl-C; the protocol client does (protocol_test.py).
    ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac

"$ferry" --gdb "unix:$sock" "$guest" "${guest_args[@]}" >guest.out 2>ferry.err </dev/null &
ferry_pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
gdb_args=(-nx -batch -ex "set confirm off" -ex "set pagination off" -ex "target remote $sock")
for c in "${cmds[@]}"; do gdb_args+=(-ex "$c"); done
[ "$local_file" = 1 ] && gdb_args+=("$guest")
timeout 60 gdb-multiarch "${gdb_args[@]}" >gdb.out 2>&1
wait $ferry_pid
status=$?
fail=0
for re in "${want[@]}"; do
  grep -Eq -- "$re" gdb.out || { echo "FAIL: gdb output lacks /$re/"; fail=1; }
done
[ "$status" = "$want_status" ] || { echo "FAIL: ferry exit status $status, want $want_status"; fail=1; }
if [ -n "$want_out" ] && ! grep -qx -- "$want_out" guest.out; then
  echo "FAIL: guest output lacks '$want_out'"; fail=1
fi
echo "--- gdb:"; cat gdb.out; echo "--- guest:"; cat guest.out; echo "--- ferry stderr:"; cat ferry.err
exit $fail
