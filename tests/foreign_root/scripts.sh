#!/usr/bin/env bash
# scripts.sh FERRY ARGV_ENV.aarch64 ARGV_ENV.riscv64 ARGV_ENV.native
# See BUILD (guest_scripts). The arm64 sysroot ($FERRY_ARM64_SYSROOT, from
# tools/setup) gives a guest busybox (for guest execve) and python3.11.
set -u
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
ferry=$(abs "$1") guest_a=$(abs "$2") guest_r=$(abs "$3") native=$(abs "$4")
sysroot=${FERRY_ARM64_SYSROOT:-/var/cache/ferry/arm64-sysroot}
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/scripts.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fails=0 checks=0
check() {  # check NAME GOT WANT
  checks=$((checks + 1))
  [ "$2" = "$3" ] && return
  fails=$((fails + 1))
  echo "FAIL: $1"; diff <(echo "$3") <(echo "$2")
}

# chain PREFIX INTERPRETER N: PREFIX1 .. PREFIXN, each #! the one before, the
# first #! INTERPRETER with a two-word argument and trailing blanks.
chain() {
  printf '#!%s  -x  y \t\nignored\n' "$2" >"${1}1"
  local i
  for ((i = 2; i <= $3; i++)); do printf '#!%s/%s%d\n' "$work" "$1" $((i - 1)) >"$1$i"; done
  chmod +x "$1"*
}
cp "$native" n_prog && cp "$guest_a" a_prog && cp "$guest_r" r_prog && chmod +x n_prog a_prog r_prog
chain n "$work/n_prog" 6
chain a "$work/a_prog" 6
chain r "$work/r_prog" 6
# The guest's argv with the scripts' names made alike.
norm() { sed -e 's/\([anr]\)\([0-9]\)"/X\2"/g' -e 's/[anr]_prog/X_prog/g'; }

# 1. ferry PROGRAM: each depth up to five, both arches, as the kernel does natively.
for n in 1 2 5; do
  want=$(./n$n one 'two words' | norm; echo "status ${PIPESTATUS[0]}")
  got=$("$ferry" ./a$n one 'two words' | norm; echo "status ${PIPESTATUS[0]}")
  check "ferry ./a$n (depth $n) as the kernel runs ./n$n" "$got" "$want"
  got=$("$ferry" "$work/r$n" one 'two words' | norm; echo "status ${PIPESTATUS[0]}")
  want=$("$work/n$n" one 'two words' | norm; echo "status ${PIPESTATUS[0]}")
  check "ferry $work/r$n (riscv64, an absolute path)" "$got" "$want"
done
got=$("$ferry" ./a6 2>&1; echo "status $?")
check "six levels: ELOOP" "$got" "ferry: ./a6: Too many levels of #! interpreters (ELOOP)"$'\n'"status 126"
printf '#!  \n' >empty && chmod +x empty
got=$("$ferry" ./empty 2>&1; echo "status $?")
[[ $got == *"Exec format error"*"status 126" ]]; check "#! with no interpreter: ENOEXEC" "$?" 0
printf '#!/nonexistent/interp\n' >missing && chmod +x missing
got=$("$ferry" ./missing 2>&1; echo "status $?")
check "a missing interpreter: ENOENT, 127" "$got" "ferry: ./missing: its #! interpreter /nonexistent/interp: No such file or directory"$'\n'"status 127"

# 2. A guest execve()s the scripts (busybox sh from the sysroot, a guest).
busybox=$sysroot/bin/busybox
if [ -f "$busybox" ]; then
  for n in 1 5; do
    want=$(./n$n q | norm; echo "status ${PIPESTATUS[0]}")
    got=$("$ferry" "$busybox" sh -c "./a$n q; echo status \$?" 2>&1 | norm)
    check "guest execve of ./a$n" "$got" "$want"
  done
  got=$("$ferry" "$busybox" sh -c './a6; echo status $?' 2>&1)
  [[ $got == *"status 126" || $got == *"status 127" ]] && [[ $got == *"symbolic links"* ]]
  check "guest execve of six levels: ELOOP ($got)" "$?" 0
  printf '#!/bin/sh\necho host sh: $0 $1\n' >host_sh && chmod +x host_sh
  got=$("$ferry" "$busybox" sh -c './host_sh arg' 2>&1)
  check "a host #!/bin/sh script from a guest" "$got" "host sh: ./host_sh arg"
else
  echo "guest execve checks skipped: no $busybox"
fi

# 3. #!/usr/bin/env python3.11 under -L: env and python are the sysroot's.
if [ -x "$sysroot/usr/bin/python3.11" ] && [ -x "$sysroot/usr/bin/env" ]; then
  printf '#!/usr/bin/env python3.11\nimport os, platform, sys\nprint(platform.machine(), sys.argv[1:], os.readlink("/proc/self/exe"))\n' >py
  chmod +x py
  got=$(PATH=/usr/bin:/bin "$ferry" -L "$sysroot" ./py a 'b c' 2>&1)
  check "ferry -L ROOT ./py (#!/usr/bin/env python3.11)" "$got" "aarch64 ['a', 'b c'] /usr/bin/python3.11"
  got=$(PATH=/usr/bin:/bin "$ferry" -L "$sysroot" /bin/busybox sh -c './py x' 2>&1)
  check "a guest runs ./py under -L" "$got" "aarch64 ['x'] /usr/bin/python3.11"
else
  echo "env python3.11 checks skipped: no python3.11 in $sysroot"
fi

echo "$((checks - fails)) passed, $fails failed"
[ $fails = 0 ]
