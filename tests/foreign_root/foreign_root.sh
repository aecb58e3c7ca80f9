#!/usr/bin/env bash
# foreign_root.sh FERRY_BINFMT FERRY [aarch64|riscv64]
# Copies the arch's root ($FERRY_ARM64_ROOT or $FERRY_RISCV64_ROOT, made by
# tools/setup) to a scratch directory, checks that it holds no x86_64 file,
# registers ferry (POCF) under a test name, runs commands.sh in
# `chroot ROOT /bin/sh`, then does the same with qemu-ARCH-static registered
# instead (when installed) and compares. Entries, mounts and the copy are
# removed on exit.
set -u
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
binfmt=$(abs "$1") ferry=$(abs "$2") arch=${3:-aarch64}
case $arch in
  aarch64) debarch=arm64 em='\xb7' src=${FERRY_ARM64_ROOT:-/var/cache/ferry/arm64-root} ;;
  riscv64) debarch=riscv64 em='\xf3' src=${FERRY_RISCV64_ROOT:-/var/cache/ferry/riscv64-root} ;;
  *) echo "FAIL: unknown arch $arch"; exit 1 ;;
esac
dir=/proc/sys/fs/binfmt_misc suffix=-root$$ qemu_name=qemu-$arch-root$$

skip() { echo "foreign root test skipped: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "not root"
if [ ! -e "$src/.complete" ]; then
  # The riscv64 root comes from Debian's newer suite; tools/setup leaves
  # .unavailable (with apt's error) when that suite could not be reached.
  [ $arch = riscv64 ] && [ -e "$src/.unavailable" ] && skip "tools/setup could not download it: $(tail -n 1 "$src/.unavailable")"
  echo "FAIL: no $debarch root at $src (tools/setup makes it)"; exit 1
fi
mounted_here=0
if [ ! -e "$dir/register" ]; then
  mount -t binfmt_misc binfmt_misc "$dir" 2>/dev/null || skip "cannot mount binfmt_misc"
  mounted_here=1
fi

root=$(mktemp -d /tmp/ferry-root.XXXXXX)
cleanup() {
  "$binfmt" uninstall --name-suffix "$suffix" >/dev/null 2>&1
  [ -e "$dir/$qemu_name" ] && echo -1 >"$dir/$qemu_name"
  umount "$root/proc" 2>/dev/null
  rm -rf "$root"
  if [ $mounted_here = 1 ] && [ -z "$(ls "$dir" | grep -vx -e register -e status)" ]; then umount "$dir"; fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

cp -a "$src/." "$root/" || { echo "FAIL: copying $src"; exit 1; }
rm -f "$root/.complete" "$root/.unavailable"
ln -s busybox "$root/bin/sh"
mkdir -p "$root/proc" "$root/dev" "$root/tmp" "$root/var/log" "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
mknod -m 666 "$root/dev/null" c 1 3
mount -t proc proc "$root/proc" || skip "cannot mount /proc in the root"

# No x86_64 program anywhere in the root: e_machine 62 at offset 18.
x86=$(python3 - "$root" <<'PY'
import os, sys
for d, dirs, files in os.walk(sys.argv[1]):
    if d == sys.argv[1]:
        dirs.remove('proc')  # mounted: the host's
    for n in files:
        p = os.path.join(d, n)
        if os.path.islink(p) or not os.path.isfile(p):
            continue
        with open(p, 'rb') as f:
            h = f.read(20)
        if h[:4] == b'\x7fELF' and h[18:20] == b'\x3e\x00':
            print(p)
PY
) || { echo "FAIL: the x86_64 check failed"; exit 1; }
[ -z "$x86" ] || echo "x86_64 files in the root: $x86"
[ -z "$x86" ] || { echo "FAIL: the root is not foreign"; exit 1; }

# A small $debarch package for dpkg -i, packed on the host (dpkg-deb packs
# the same bytes on any arch).
pkg=$(mktemp -d /tmp/ferry-pkg.XXXXXX)
mkdir -p "$pkg/DEBIAN" "$pkg/usr/share/ferry-test"
printf 'Package: ferry-test\nVersion: 1.0\nArchitecture: %s\nMaintainer: ferry <ferry@example.org>\nDescription: a test package\n' "$debarch" >"$pkg/DEBIAN/control"
printf '#!/bin/sh\necho postinst ran: $1\n' >"$pkg/DEBIAN/postinst" && chmod 755 "$pkg/DEBIAN/postinst"
echo payload >"$pkg/usr/share/ferry-test/file"
dpkg-deb --root-owner-group -Zgzip --build "$pkg" "$root/tmp/ferry-test.deb" >/dev/null 2>&1 || echo "FAIL: dpkg-deb --build"
rm -rf "$pkg"
cp -a "$root/var/lib/dpkg" "$root/tmp/dpkg.clean"

cat >"$root/commands.sh" <<'SH'
# busybox sh prefers its own applets: coreutils' and dpkg's programs by path.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C
echo "uname: $(/bin/uname -m)"
echo "dpkg: $(/usr/bin/dpkg --print-architecture)"
/usr/bin/seq 1 20 | /usr/bin/sort -rn | /usr/bin/head -n 3 | /usr/bin/tr '\n' ' '; echo
echo 'b a c' | /usr/bin/tr ' ' '\n' | /usr/bin/sort | busybox paste -sd+
/bin/ls /bin | busybox grep -c busybox
/bin/cat /proc/self/cmdline | /usr/bin/tr '\0' ' '; echo
/bin/readlink /proc/self/exe
/usr/bin/env -i FOO=1 /usr/bin/env
/usr/bin/timeout 10 /usr/bin/env /bin/sh -c 'echo nested: $(/usr/bin/basename $0)'
/bin/sh -c 'exec /bin/ls /usr/bin/dpkg'
busybox sh -c 'true | false; echo status $?'
/usr/bin/sha256sum /etc/dpkg/dpkg.cfg | /usr/bin/cut -c1-16
/usr/bin/dpkg -i /tmp/ferry-test.deb 2>&1 | busybox grep -v '^(Reading database'
/usr/bin/dpkg-query -W -f='${Package} ${Version} ${Architecture} ${Status}\n' ferry-test
/bin/cat /usr/share/ferry-test/file
/usr/bin/dpkg -r ferry-test >/dev/null 2>&1; echo removed $?
/bin/ls /usr/share/ferry-test 2>&1 | /usr/bin/head -n 1
SH

run_root() {  # run_root OUT: the commands in the root, from a clean dpkg state
  rm -rf "$root/var/lib/dpkg" && cp -a "$root/tmp/dpkg.clean" "$root/var/lib/dpkg"
  timeout 120 chroot "$root" /bin/sh /commands.sh >"$1" 2>&1
  echo "exit $?" >>"$1"
}

fails=0
out=$("$binfmt" install --ferry "$ferry" --name-suffix "$suffix" --arch $arch 2>&1) ||
  { [[ $out == *"already claimed"* ]] && skip "${out#ferry-binfmt: }"; echo "FAIL: $out"; exit 1; }
grep -qx 'flags: POCF' "$dir/ferry-$arch$suffix" || { echo "FAIL: not POCF: $(cat "$dir/ferry-$arch$suffix")"; fails=1; }
start=$(date +%s.%N)
run_root /tmp/ferry-root-ferry.$$
echo "ferry: $(echo "$(date +%s.%N) - $start" | bc) s"
"$binfmt" uninstall --name-suffix "$suffix" >/dev/null
cat /tmp/ferry-root-ferry.$$

want=$(cat <<EOF2
uname: $arch
dpkg: $debarch
20 19 18 
a+b+c
1
/bin/sh /commands.sh 
/usr/bin/readlink
FOO=1
nested: sh
/usr/bin/dpkg
status 1
EOF2
)
got=$(head -n 11 /tmp/ferry-root-ferry.$$)
# cmdline is cat's own
want=${want/\/bin\/sh \/commands.sh /\/bin\/cat \/proc\/self\/cmdline }
# a merged-/usr root (forky's) has /bin -> usr/bin: the kernel names usr/bin
[ -L "$root/bin" ] || want=${want/\/usr\/bin\/readlink/\/bin\/readlink}
if [ "$got" != "$want" ]; then
  echo "FAIL: under ferry, the arch-independent lines differ:"; diff <(echo "$want") <(echo "$got"); fails=1
fi
grep -q "^ferry-test 1.0 $debarch install ok installed\$" /tmp/ferry-root-ferry.$$ && grep -q '^postinst ran: configure$' /tmp/ferry-root-ferry.$$ ||
  { echo "FAIL: dpkg -i of an $debarch package"; fails=1; }
tail -n 1 /tmp/ferry-root-ferry.$$ | grep -qx 'exit 0' || { echo "FAIL: the commands' exit status"; fails=1; }

qemu=/usr/libexec/qemu-binfmt/$arch-binfmt-P
if [ -x "$qemu" ]; then
  magic='\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00'"$em"'\x00'
  mask='\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\xfe\xff\xff\xff'
  if printf ':%s:M::%s:%s:%s:POCF\n' "$qemu_name" "$magic" "$mask" "$qemu" >"$dir/register" 2>/dev/null; then
    start=$(date +%s.%N)
    run_root /tmp/ferry-root-qemu.$$
    echo "qemu-$arch-static: $(echo "$(date +%s.%N) - $start" | bc) s"
    echo -1 >"$dir/$qemu_name"
    if ! diff /tmp/ferry-root-qemu.$$ /tmp/ferry-root-ferry.$$; then
      echo "FAIL: ferry and qemu-$arch-static differ (< qemu, > ferry)"; fails=1
    else
      echo "same output as qemu-$arch-static"
    fi
  else
    echo "qemu oracle skipped: cannot register $qemu"
  fi
else
  echo "qemu oracle skipped: no $qemu (Debian's qemu-user-static)"
fi
rm -f /tmp/ferry-root-ferry.$$ /tmp/ferry-root-qemu.$$
[ $fails = 0 ] && echo PASS
exit $fails
