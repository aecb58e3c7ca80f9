#!/usr/bin/env bash
# contract.sh FERRY GUEST NATIVE: ferry as an exec wrapper (CMake's
# CROSSCOMPILING_EMULATOR, Meson's exe_wrapper, binfmt_misc, test runners).
# The contract, checked against the native build of the same probe:
#  - stdin, stdout and stderr pass through byte for byte (binary data too),
#    and ferry prints nothing of its own unless asked;
#  - the exit status is the guest's, and a guest's death by signal is ferry's
#    death by the same signal;
#  - argv (argv[0] as given) and the environment reach the guest as given;
#  - inherited descriptors, the working directory and the umask are the guest's.
set -u
abs() { case $1 in /*) echo "$1";; *) echo "$PWD/$1";; esac; }
ferry=$(abs "$1") guest=$(abs "$2") native=$(abs "$3")
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/contract.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
fail=0 n=0
check() {
  local what=$1; shift
  n=$((n + 1))
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi
}
cp "$guest" ./probe.guest
cp "$native" ./probe.native

head -c 3000000 /dev/urandom > random.bin
"$ferry" ./probe.guest copy < random.bin > copied.bin 2> copy.err
check "3 MB of binary stdin comes back on stdout byte for byte" cmp -s random.bin copied.bin
check "... and ferry wrote nothing to stderr" [ ! -s copy.err ]
printf '' | "$ferry" ./probe.guest copy > empty.out 2>&1
check "an empty stdin is an empty stdout" [ ! -s empty.out ]

"$ferry" ./probe.guest stderr $'to stderr\n\x01' > only.out 2> only.err
check "the guest's stderr is its own, and stdout stays empty" bash -c "[ ! -s only.out ] && [ \"\$(cat only.err)\" = \$'to stderr\\n\\x01' ]"

for s in 0 1 42 127 255; do
  "$ferry" ./probe.guest status $s; got=$?
  check "exit status $s" [ "$got" = "$s" ]
done
for sig in 6 9 15; do
  "$ferry" ./probe.guest signal $sig 2>/dev/null; got=$?
  ./probe.native signal $sig 2>/dev/null; want=$?
  check "death by signal $sig seen as $want, as natively" [ "$got" = "$want" ]
done

args=(args "" "two words" $'new\nline' '*' '$HOME' "-x" "--" "é")
FERRY_PROBE_A='a=b=c' FERRY_PROBE_EMPTY= FERRY_PROBE_NL=$'x\ny' "$ferry" ./probe.guest "${args[@]}" > ferry.args
FERRY_PROBE_A='a=b=c' FERRY_PROBE_EMPTY= FERRY_PROBE_NL=$'x\ny' ./probe.native "${args[@]}" > native.args
check "argv and the environment as natively (argv[0] apart)" diff <(tail -n +2 native.args) <(tail -n +2 ferry.args)
check "argv[0] is the program as given" grep -qx 'argv\[0\]="./probe.guest"' ferry.args
env -i PATH=/usr/bin:/bin "$ferry" ./probe.guest args > bare.args
check "an empty environment stays empty (nothing of ferry's added)" bash -c '! grep -q "^env" bare.args'

echo "from fd 7" > fd.txt
"$ferry" ./probe.guest fd 7 7< fd.txt > fd.out
check "an inherited descriptor (7) is readable" grep -qx "from fd 7" fd.out

mkdir sub && (cd sub && umask 027 && "$ferry" ../probe.guest cwd > ../cwd.ferry && ../probe.native cwd > ../cwd.native)
check "working directory and umask are the caller's" cmp -s cwd.ferry cwd.native

# nohup-style ignored signals and a blocked mask, as the kernel's execve keeps them.
python3 -c '
import os, signal, subprocess, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGHUP, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2, signal.SIGTERM})
for name, cmd in (("ferry", [sys.argv[1], "./probe.guest", "signals"]), ("native", ["./probe.native", "signals"])):
    with open(name + ".signals", "w") as out:
        subprocess.run(cmd, stdout=out, restore_signals=False, check=False)
' "$ferry"
check "ignored signals and the blocked mask are inherited as natively" cmp -s native.signals ferry.signals
check "... and there are some to inherit" grep -q "ignored 2" native.signals

echo "$n checks, $([ $fail = 0 ] && echo all passed || echo some FAILED)"
exit $fail
