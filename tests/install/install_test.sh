#!/usr/bin/env bash
# install_test.sh FERRY INSTALL PACKAGE GUEST (see BUILD).
set -u
abs() { case $1 in /*) echo "$1";; *) echo "$PWD/$1";; esac; }
ferry=$(abs "$1") install=$(abs "$2") package=$(abs "$3") guest=$(abs "$4")
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/install.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
check() {  # DESCRIPTION COMMAND...: runs COMMAND, fails the test unless it succeeds
  local what=$1; shift
  if "$@" >"$work/log" 2>&1; then echo "ok: $what"; else echo "FAIL: $what"; sed 's/^/  /' "$work/log"; fail=1; fi
}

# tools/install, DESTDIR-style, with the ferry Bazel built.
root=$work/root prefix=/opt/ferry-test
check "install into DESTDIR" env FERRY_BINARY="$ferry" DESTDIR="$root" "$install" "$prefix"
for f in bin/ferry bin/ferry-binfmt share/man/man1/ferry.1.gz share/man/man1/ferry-binfmt.1.gz; do
  check "installed $f" test -s "$root$prefix/$f"
done
check "installed ferry runs a guest" bash -c '[ "$("$1" "$2")" = "hello, world" ]' _ "$root$prefix/bin/ferry" "$guest"
check "installed ferry takes qemu's options" bash -c '[ "$("$1" -cpu max -E A=1,B=2 "$2")" = "hello, world" ]' _ "$root$prefix/bin/ferry" "$guest"
check "installed ferry-binfmt names the ferry beside it" \
  bash -c '"$1" print | grep -q ":$2:[A-Z]*$"' _ "$root$prefix/bin/ferry-binfmt" "$root$prefix/bin/ferry"
check "man page is roff made from --help" \
  bash -c 'zcat "$1" | grep -q "^\.TH FERRY 1" && zcat "$1" | grep -q -- "-cpu MODEL"' _ "$root$prefix/share/man/man1/ferry.1.gz"
if command -v man >/dev/null; then
  check "man renders the page without warnings" \
    bash -c '! MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null | grep .' _ "$root$prefix/share/man/man1/ferry.1.gz"
fi
check "relative PREFIX refused" bash -c '! FERRY_BINARY="$1" DESTDIR="$2" "$3" relative' _ "$ferry" "$root" "$install"

# tools/package: the .deb's files, fields and maintainer scripts.
check "package builds" env FERRY_BINARY="$ferry" "$package" "$work/out"
deb=$(ls "$work"/out/ferry_*_amd64.deb 2>/dev/null | head -1)
check "package is named ferry_<version>_amd64.deb" test -n "$deb"
if [ -n "$deb" ]; then
  dpkg-deb -c "$deb" > "$work/contents"
  for f in ./usr/bin/ferry ./usr/bin/ferry-binfmt ./usr/share/man/man1/ferry.1.gz \
           ./usr/share/man/man1/ferry-binfmt.1.gz ./usr/share/doc/ferry/copyright; do
    check "package holds $f" grep -q " root/root .* $f\$" "$work/contents"
  done
  check "package binaries are executable" bash -c 'grep -q "^-rwxr-xr-x .* ./usr/bin/ferry$" "$1"' _ "$work/contents"
  check "package fields" bash -c '[ "$(dpkg-deb -f "$1" Package Architecture | tr "\n" " ")" = "Package: ferry Architecture: amd64 " ]' _ "$deb"
  check "package version is ferry's" bash -c '[ "$(dpkg-deb -f "$1" Version)" = "$("$2" --version | cut -d" " -f2)" ]' _ "$deb" "$ferry"
  dpkg-deb -e "$deb" "$work/control"
  check "postinst does not register by default, and says how" \
    bash -c 'out=$(env -u FERRY_REGISTER_BINFMT sh "$1" configure) && echo "$out" | grep -q "ferry-binfmt install"' _ "$work/control/postinst"
  check "postinst registers only with FERRY_REGISTER_BINFMT=1" \
    grep -q 'FERRY_REGISTER_BINFMT:-0}" = 1' "$work/control/postinst"
  dpkg-deb -x "$deb" "$work/unpacked"
  check "the packaged ferry runs a guest" bash -c '[ "$("$1" "$2")" = "hello, world" ]' _ "$work/unpacked/usr/bin/ferry" "$guest"
fi
exit $fail
