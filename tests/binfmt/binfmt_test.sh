#!/usr/bin/env bash
# binfmt_test.sh FERRY_BINFMT FERRY [ARCH=GUEST]... [argv=ARGV_ENV_GUEST]
# Tests tools/ferry-binfmt:
#   1. `print` gives exactly the expected registration lines; bad input gets
#      one line on stderr and status 2.
#   2. Each line's magic and mask, applied as the kernel does, match the ELF
#      headers of real guest programs of their own arch only (each GUEST is
#      a program "ARCH=PATH"; more are cross compiled here when the
#      compilers are installed): not the other arch's, not the host's
#      /bin/true, not 32-bit, big-endian, relocatable or core files.
#   3. install / uninstall / status against a scratch binfmt_misc directory
#      (FERRY_BINFMT_DIR): what is written, and refusing over a qemu entry.
#   4. Live, when root and binfmt_misc is (or can be) mounted and no other
#      entry claims guest programs: installs entries with a unique name
#      suffix and the default flags POCF, runs the guests as ./prog
#      (P: argv[0] kept; O: an execute-only program; C: a setuid-root
#      busybox run by nobody), again with F alone, and removes them (trap).
#      Otherwise prints "live test skipped: <reason>".
# Every guest must print "hello, world"; argv=PATH names tests/guest's
# argv_env program, which shows the argv a directly run guest gets.
set -u
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
binfmt=$(abs "$1") ferry=$(abs "$2")
shift 2
guests=() argv_guest='' ids_guest=''
for a in "$@"; do
  case $a in
    aarch64=* | riscv64=*) guests+=("${a%%=*}=$(abs "${a#*=}")") ;;
    argv=*) argv_guest=$(abs "${a#*=}") ;;
    ids=*) ids_guest=$(abs "${a#*=}") ;;
    *) echo "usage: $0 FERRY_BINFMT FERRY [ARCH=GUEST]... [argv=GUEST] [ids=GUEST]" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/binfmt.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 143' TERM INT HUP   # so the EXIT trap runs (and the live test uninstalls)

fails=0 checks=0
ok() { checks=$((checks + 1)); }
bad() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }
expect_eq() { if [ "$1" = "$2" ]; then ok; else bad "$3"$'\n'"  got:  $1"$'\n'"  want: $2"; fi; }

# --- 1. the printed lines, byte for byte ---
MAGIC_HEAD='\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00'
MASK='\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\xfe\xff\xff\xff'
want_a=":ferry-aarch64:M:0:${MAGIC_HEAD}\\xb7\\x00:${MASK}:/opt/ferry/bin/ferry:POCF"
want_r=":ferry-riscv64:M:0:${MAGIC_HEAD}\\xf3\\x00:${MASK}:/opt/ferry/bin/ferry:POCF"
expect_eq "$want_a" ':ferry-aarch64:M:0:\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\xfe\xff\xff\xff:/opt/ferry/bin/ferry:POCF' "the test's own expectation"

out=$("$binfmt" print --ferry /opt/ferry/bin/ferry)
expect_eq "$out" "$want_a"$'\n'"$want_r" "print: both arches, POCF"
out=$("$binfmt" print --ferry /opt/ferry/bin/ferry --arch riscv64 --arch aarch64 --arch riscv64)
expect_eq "$out" "$want_r"$'\n'"$want_a" "print: arches in the order given, once each"
out=$("$binfmt" print --ferry=/opt/ferry/bin/ferry --arch=aarch64 --name-suffix -t.1 --no-fix-binary)
want=${want_a/ferry-aarch64/ferry-aarch64-t.1}
expect_eq "$out" "${want%F}" "print: --name-suffix, --no-fix-binary (POC)"
[[ $out == *:POC ]] || bad "print --no-fix-binary: the line must end in POC"
out=$("$binfmt" print --ferry /opt/ferry/bin/ferry --arch aarch64 --flags F)
expect_eq "$out" "${want_a%POCF}F" "print: --flags F"
out=$("$binfmt" print --ferry /opt/ferry/bin/ferry --arch aarch64 --flags=FCO)
expect_eq "$out" "${want_a%POCF}OCF" "print: --flags in any order, written in the kernel's"
out=$("$binfmt" print --ferry /opt/ferry/bin/ferry --arch aarch64 --flags '')
expect_eq "$out" "${want_a%POCF}" "print: --flags '' (none)"
out=$(cd "$work" && "$binfmt" print --ferry ./x/../f --arch aarch64)
expect_eq "$out" "${want_a/\/opt\/ferry\/bin\/ferry/$work/f}" "print: a relative --ferry is made absolute"

# Bad input: status 2, exactly one line on stderr, nothing on stdout.
while IFS='|' read -r args want; do
  # shellcheck disable=SC2086
  "$binfmt" $args >"$work/out" 2>"$work/err"
  status=$?
  if [ $status != 2 ] || [ -s "$work/out" ] || [ "$(wc -l <"$work/err")" != 1 ] || ! grep -q -- "$want" "$work/err"; then
    bad "ferry-binfmt $args: status $status, stdout '$(cat "$work/out")', stderr '$(cat "$work/err")'; want 2 and one line with '$want'"
  else
    ok
  fi
done <<'EOF'
|no command given
frobnicate|unknown command 'frobnicate'
print --arch x86_64|unknown arch 'x86_64'
print --arch|option --arch needs a value
print --ferry|option --ferry needs a value
print --ferry /a:b|must not contain ':'
print --name-suffix a/b|invalid name suffix 'a/b'
print --bogus|unknown option '--bogus'
print --flags X|invalid flags 'X'
print --flags pocf|invalid flags 'pocf'
install --ferry /nonexistent/ferry|/nonexistent/ferry: not an executable file
EOF
"$binfmt" --help | grep -q '^usage: ferry-binfmt COMMAND' && ok || bad "--help"

# --- 2. magic and mask against real ELF headers ---
# hex_bytes FILE N: the first N bytes of FILE as hex.
hex_bytes() { od -An -v -tx1 -N "$2" "$1" | tr -d ' \n'; }
# matches LINE FILE: whether the kernel would hand FILE to LINE's entry:
# every byte at offset+i satisfies (byte ^ magic[i]) & mask[i] == 0.
matches() {
  local type offset magic mask rest fh i
  IFS=: read -r _ _ type offset magic mask rest <<<"$1"
  magic=${magic//\\x/} mask=${mask//\\x/}
  fh=$(hex_bytes "$2" $((offset + ${#magic} / 2)))
  [ ${#fh} = $((2 * offset + ${#magic})) ] || return 1
  for ((i = 0; i < ${#magic} / 2; i++)); do
    (((0x${fh:2*(offset+i):2} ^ 0x${magic:2*i:2}) & 0x${mask:2*i:2})) && return 1
  done
  return 0
}
lines=$("$binfmt" print --ferry "$ferry")
line_a=$(grep '^:ferry-aarch64:' <<<"$lines") line_r=$(grep '^:ferry-riscv64:' <<<"$lines")
IFS=: read -r _ _ type offset magic mask interp flags <<<"$line_a"
[[ $type = M && $offset = 0 && $interp = "$ferry" && $flags = POCF ]] && ok || bad "fields of '$line_a'"
[[ $magic =~ ^(\\x[0-9a-f]{2}){20}$ && $mask =~ ^(\\x[0-9a-f]{2}){20}$ ]] && ok || bad "magic and mask must be 20 \\xHH bytes each"

# patched NAME FILE OFFSET BYTES: a copy of FILE named NAME with BYTES
# (printf escapes) written at OFFSET; prints its path.
patched() {
  local f=$work/$1
  cp "$2" "$f" && chmod u+w "$f" &&   # Bazel's outputs are read-only
    printf "$4" | dd of="$f" bs=1 seek="$3" conv=notrunc 2>/dev/null || rm -f "$f"
  echo "$f"
}
cases=()   # "WANT_ARCH|FILE|what" (WANT_ARCH: none, aarch64 or riscv64)
runnable=()   # guest programs that print "hello, world", for the live test
for g in "${guests[@]}"; do
  arch=${g%%=*} f=${g#*=}
  cases+=("$arch|$f|${f##*/}")
  runnable+=("$f")
done
# More headers: real builds the Bazel guests do not cover (dynamic non-PIE
# is ET_EXEC; objects are ET_REL), and patched copies of a static guest.
for arch in aarch64 riscv64; do
  cc=$arch-linux-gnu-gcc
  if command -v "$cc" >/dev/null; then
    printf '#include <stdio.h>\nint main(void){puts("hello, world");return 0;}\n' >"$work/hello.c"
    $cc -O2 -o "$work/nopie.$arch" -no-pie "$work/hello.c" &&
      cases+=("$arch|$work/nopie.$arch|$arch dynamic non-PIE (ET_EXEC), built here") && runnable+=("$work/nopie.$arch")
    $cc -O2 -o "$work/pie.$arch" -pie "$work/hello.c" &&
      cases+=("$arch|$work/pie.$arch|$arch dynamic PIE (ET_DYN), built here") && runnable+=("$work/pie.$arch")
    $cc -O2 -static -o "$work/static.$arch" "$work/hello.c" &&
      cases+=("$arch|$work/static.$arch|$arch static (ET_EXEC), built here") && runnable+=("$work/static.$arch")
    $cc -c -o "$work/obj.$arch.o" "$work/hello.c" &&
      cases+=("none|$work/obj.$arch.o|$arch relocatable object (ET_REL), built here")
  else
    echo "note: $cc not installed; only the given guests are checked"
  fi
done
patched_arches=' '
for g in "${guests[@]}"; do
  arch=${g%%=*} f=${g#*=}
  [[ $patched_arches == *" $arch "* ]] && continue   # the first guest of each arch
  patched_arches+="$arch "
  cases+=(
    "$arch|$(patched "$arch".p1 "$f" 7 '\003')|$arch, OS/ABI GNU (ignored)"
    "$arch|$(patched "$arch".p2 "$f" 8 '\001\000\000\000\000\000\000\001')|$arch, ABI version and padding set (ignored)"
    "none|$(patched "$arch".p3 "$f" 4 '\001')|$arch made ELFCLASS32"
    "none|$(patched "$arch".p4 "$f" 5 '\002')|$arch made big-endian"
    "none|$(patched "$arch".p5 "$f" 6 '\002')|$arch with EI_VERSION 2"
    "none|$(patched "$arch".p6 "$f" 16 '\004')|$arch made ET_CORE"
    "none|$(patched "$arch".p7 "$f" 16 '\001')|$arch made ET_REL"
    "none|$(patched "$arch".p8 "$f" 17 '\001')|$arch with e_type 0x102"
    "none|$(patched "$arch".p9 "$f" 18 '\050')|$arch made 32-bit ARM (e_machine 40)"
    "none|$(patched "$arch".p10 "$f" 19 '\001')|$arch with e_machine + 256"
    "none|$(patched "$arch".p11 "$f" 0 '\177ELG')|$arch with a broken ELF magic"
  )
done
cases+=("none|/bin/true|the host's x86-64 /bin/true" "none|$0|this shell script")
head -c 10 /bin/true >"$work/short" && cases+=("none|$work/short|a 10-byte file")
have_a=0 have_r=0
for c in "${cases[@]}"; do
  IFS='|' read -r want f what <<<"$c"
  [ -s "$f" ] || { bad "no file $f for: $what"; continue; }
  got=none
  matches "$line_a" "$f" && got=aarch64
  if matches "$line_r" "$f"; then [ $got = none ] && got=riscv64 || got=both; fi
  expect_eq "$got" "$want" "which entry claims $what ($f)"
  [[ $want = aarch64 && $got = aarch64 ]] && have_a=$((have_a + 1))
  [[ $want = riscv64 && $got = riscv64 ]] && have_r=$((have_r + 1))
done
[ $have_a -gt 0 ] && [ $have_r -gt 0 ] && ok || bad "no real guest of each arch was checked (aarch64: $have_a, riscv64: $have_r)"
echo "magic/mask: ${#cases[@]} files checked ($have_a aarch64 and $have_r riscv64 programs claimed by their own entry)"

# --- 3. install / uninstall / status in a scratch binfmt_misc directory ---
fake=$work/binfmt_misc
fb() { FERRY_BINFMT_DIR=$fake "$binfmt" "$@"; }
reset_fake() {
  rm -rf "$fake"
  mkdir -p "$fake"
  : >"$fake/register"
  echo enabled >"$fake/status"
}
# An entry as the kernel shows qemu-user's aarch64 registration.
qemu_entry() {
  printf '%s\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POCF\noffset 0\nmagic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n' "$1" >"$fake/qemu-aarch64"
}
reset_fake
fb install --ferry "$ferry" --arch riscv64 >"$work/out" 2>"$work/err"
expect_eq "$?|$(cat "$fake/register")" "0|$line_r" "install riscv64 writes its line to register"
reset_fake
qemu_entry enabled
fb install --ferry "$ferry" >"$work/out" 2>"$work/err"
status=$?
expect_eq "$status|$(wc -l <"$work/err")|$(cat "$fake/register")" "1|1|" "install refuses (one line, nothing written) over an enabled qemu-aarch64"
grep -q "qemu-aarch64" "$work/err" && grep -q -- "--force" "$work/err" && ok || bad "the refusal names qemu-aarch64 and --force: $(cat "$work/err")"
fb install --ferry "$ferry" --arch riscv64 >/dev/null 2>&1
expect_eq "$?|$(cat "$fake/register")" "0|$line_r" "qemu-aarch64 does not stop the riscv64 entry"
fb install --ferry "$ferry" --arch aarch64 --force >/dev/null 2>&1
expect_eq "$?|$(cat "$fake/register")" "0|$line_a" "--force installs over qemu-aarch64"
fb status --arch aarch64 >"$work/out"
grep -qx "  also claiming aarch64 programs (enabled): qemu-aarch64" "$work/out" && ok || bad "status names qemu-aarch64: $(cat "$work/out")"
qemu_entry disabled
fb install --ferry "$ferry" --arch aarch64 >/dev/null 2>&1
expect_eq "$?|$(cat "$fake/register")" "0|$line_a" "a disabled qemu-aarch64 does not stop install"
printf 'enabled\ninterpreter /usr/bin/wine\nflags: \nextension .exe\n' >"$fake/wine"
printf 'enabled\ninterpreter /usr/bin/x\nflags: \noffset 0\nmagic 7f454c46020101\n' >"$fake/any-elf64"
fb install --ferry "$ferry" --arch riscv64 >"$work/out" 2>"$work/err"
expect_eq "$?|$(cat "$work/err")" "1|ferry-binfmt: riscv64 programs are already claimed by the enabled binfmt_misc entry any-elf64; not installing ferry-riscv64 (--force installs it ahead, uninstall or disable the other first)" "an unmasked ELF64 entry claims riscv64 programs; an extension entry claims none"
rm "$fake/any-elf64"
printf 'enabled\ninterpreter /old/ferry\nflags: F\n' >"$fake/ferry-riscv64"
fb install --ferry "$ferry" --arch riscv64 >"$work/out" 2>&1
expect_eq "$?|$(cat "$fake/ferry-riscv64")|$(cat "$fake/register")" "0|-1|$line_r" "install replaces ferry's own entry (-1, then register)"
grep -q "replaced the old entry" "$work/out" && ok || bad "install says it replaced the entry: $(cat "$work/out")"
printf 'enabled\ninterpreter %s\nflags: F\n' "$ferry" >"$fake/ferry-aarch64-x"
fb status --arch aarch64 --name-suffix -x >"$work/out"
expect_eq "$?|$(sed -n 2p "$work/out")" "0|ferry-aarch64-x: enabled, interpreter $ferry, flags F" "status shows an installed entry"
fb status >/dev/null
[ $? = 1 ] && ok || bad "status exits 1 when an entry is missing"
fb uninstall --arch aarch64 --name-suffix -x >"$work/out"
expect_eq "$?|$(cat "$fake/ferry-aarch64-x")|$(cat "$work/out")" "0|-1|removed ferry-aarch64-x" "uninstall writes -1 to the entry"
rm -rf "$fake"
fb status >"$work/out"
expect_eq "$?" 1 "status without binfmt_misc exits 1"

# --- 4. live ---
live() {
  local dir=/proc/sys/fs/binfmt_misc suffix=-test$$ mounted_here=0 out status
  [ "$(id -u)" = 0 ] || { echo "live test skipped: not root"; return; }
  if [ ! -e "$dir/register" ]; then
    [ -d "$dir" ] || { echo "live test skipped: no $dir (binfmt_misc not in this kernel)"; return; }
    if ! out=$(mount -t binfmt_misc binfmt_misc "$dir" 2>&1); then
      echo "live test skipped: cannot mount binfmt_misc: $out"
      return
    fi
    mounted_here=1
  fi
  # Always remove the test's entries, and unmount what this test mounted
  # unless someone else registered something meanwhile.
  # shellcheck disable=SC2064
  trap "\"$binfmt\" uninstall --name-suffix $suffix >/dev/null 2>&1
    if [ $mounted_here = 1 ] && [ -z \"\$(ls \"$dir\" | grep -vx -e register -e status)\" ]; then umount \"$dir\"; fi
    cleanup" EXIT
  if ! out=$("$binfmt" install --ferry "$ferry" --name-suffix "$suffix" 2>&1); then
    if [[ $out == *"already claimed"* ]]; then
      echo "live test skipped: ${out#ferry-binfmt: }"
    else
      bad "live install failed: $out"
    fi
    return
  fi
  echo "$out"
  local e
  for e in aarch64 riscv64; do
    grep -qx "flags: POCF" "$dir/ferry-$e$suffix" && grep -qx "interpreter $ferry" "$dir/ferry-$e$suffix" && ok ||
      bad "live entry ferry-$e$suffix: $(cat "$dir/ferry-$e$suffix" 2>&1)"
  done
  mkdir "$work/live"
  local f i=0
  for f in "${runnable[@]}"; do
    i=$((i + 1))
    cp "$f" "$work/live/prog$i" && chmod +x "$work/live/prog$i"
    out=$(cd "$work/live" && timeout 60 "./prog$i" 2>&1)
    status=$?
    expect_eq "$status|$out" "0|hello, world" "live: ./prog$i (a copy of $f) runs through ferry"
  done
  echo "live: ran $i guest programs directly as ./prog"
  if [ -n "$argv_guest" ]; then
    cp "$argv_guest" "$work/live/argv_env" && chmod +x "$work/live/argv_env"
    # P: the guest gets the caller's argv[0] (exec -a), not the path.
    out=$(cd "$work/live" && exec -a custom0 ./argv_env argv0 'two words' '')
    status=$?
    expect_eq "$status" 3 "live P: argv_env's exit status"
    grep -qx 'argv\[0\]="custom0"' <<<"$out" && grep -qx 'argv\[2\]="two words" (len 9)' <<<"$out" &&
      grep -qx 'argv\[3\]="" (len 0)' <<<"$out" && ok || bad "live P: argv as given: $out"
  fi
  # Another user (nobody) for O and C; not in a sandbox that maps only root.
  local other=1
  setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null || other=0
  [ $other = 1 ] || echo "live: O and C not checked (cannot run as nobody here)"
  # A directory nobody can reach (the test's own may be under /root).
  nb=$(mktemp -d /tmp/ferry-binfmt.XXXXXX) && chmod 711 "$nb" || other=0
  cleanup() { rm -rf "$work" "$nb"; }
  if [ -n "$argv_guest" ] && [ $other = 1 ]; then
    # O: a program that may be executed but not read still runs (ferry
    # reads it from AT_EXECFD), by a user other than its owner.
    cp "$argv_guest" "$nb/argv_env" && chmod 711 "$nb/argv_env"
    out=$(cd "$nb" && setpriv --reuid=65534 --regid=65534 --clear-groups ./argv_env argv0 2>&1)
    expect_eq "$?|$(grep -c 'argv\[0\]="./argv_env"' <<<"$out")" "1|1" "live O: an execute-only program runs: $out"
  fi
  # C: a setuid-root guest run by nobody has euid 0 (ids.c prints them as
  # it got them; busybox id would first drop them with setuid(getuid()),
  # as it does natively), and busybox-static from the arm64 sysroot, set
  # up the same way, ignores the caller's FERRY_* settings.
  if [ -n "$ids_guest" ] && [ $other = 1 ]; then
    cp "$ids_guest" "$nb/ids" && chmod 4755 "$nb/ids"
    out=$(cd "$nb" && setpriv --reuid=65534 --regid=65534 --clear-groups ./ids 2>&1)
    expect_eq "$out" "uid=65534 euid=0 gid=65534 egid=65534" "live C: a setuid-root guest's credentials"
  fi
  local busybox=${FERRY_ARM64_SYSROOT:-/var/cache/ferry/arm64-sysroot}/bin/busybox
  if [ -f "$busybox" ] && [ $other = 1 ]; then
    cp "$busybox" "$nb/busybox" && chmod 4755 "$nb/busybox"
    out=$(cd "$nb" && setpriv --reuid=65534 --regid=65534 --clear-groups ./busybox id 2>&1)
    expect_eq "$out" "uid=65534(nobody) gid=65534(nogroup)" "live C: setuid-aware busybox drops to the caller, as natively"
    # ...and ferry, running privileged, ignores the caller's FERRY_* settings.
    out=$(cd "$nb" && FERRY_STRACE=1 setpriv --reuid=65534 --regid=65534 --clear-groups ./busybox true 2>&1)
    expect_eq "$?|$out" "0|" "live C: FERRY_STRACE from an unprivileged caller is ignored"
    echo "live: C checked with a setuid-root busybox"
  elif [ $other = 1 ]; then
    echo "live: C not checked (no $busybox)"
  fi
  # F alone: no P, so the guest's argv[0] is the path the caller ran.
  if [ -n "$argv_guest" ] && "$binfmt" install --ferry "$ferry" --name-suffix "$suffix" --flags F >/dev/null 2>&1; then
    out=$(cd "$work/live" && exec -a custom0 ./argv_env argv0)
    grep -Eqx 'argv\[0\]="(\./|/.*/)argv_env"' <<<"$out" && ok || bad "live F only: argv[0] is the path: $out"
    grep -qx "flags: F" "$dir/ferry-aarch64$suffix" && ok || bad "live F only: $(cat "$dir/ferry-aarch64$suffix")"
  fi
  "$binfmt" status --name-suffix "$suffix" >"$work/out" && ok || bad "live status: $(cat "$work/out")"
  out=$("$binfmt" uninstall --name-suffix "$suffix")
  expect_eq "$out" "removed ferry-aarch64$suffix"$'\n'"removed ferry-riscv64$suffix" "live uninstall"
  [ ! -e "$dir/ferry-aarch64$suffix" ] && [ ! -e "$dir/ferry-riscv64$suffix" ] && ok || bad "live: entries left after uninstall"
  echo "live test: installed (POCF, then F), ran guests as ./prog, uninstalled"
}
live

echo "$((checks - fails)) passed, $fails failed"
[ $fails = 0 ]
