#!/bin/sh
# ferry must be linked by gold: bookworm's default ld.bfd turns the forky
# libunicorn.a that ferry links statically into a binary that crashes on the
# first guest load (DEVELOPERS.md). gold leaves its version in a note.
binary="$1"
if readelf -p .note.gnu.gold-version "$binary" 2>/dev/null | grep -q 'gold [0-9]'; then
  echo "ok: $binary was linked by $(readelf -p .note.gnu.gold-version "$binary" | grep -o 'gold [0-9.]*')"
  exit 0
fi
echo "FAIL: $binary was not linked by gold (no .note.gnu.gold-version): bookworm's ld.bfd miscompiles libunicorn.a into a crash; tools/BUILD must link with -fuse-ld=gold" >&2
exit 1
