#!/usr/bin/env bash
# check_layer.sh DEPS_FILE FORBIDDEN...: fails when the package whose
# dependency closure DEPS_FILE lists depends on a FORBIDDEN package.
set -u
deps=$1; shift
[ -s "$deps" ] || { echo "empty dependency list $deps"; exit 1; }
bad=0
for pkg in "$@"; do
  if grep -q "^//$pkg:" "$deps"; then
    echo "layering: depends on //$pkg: $(grep "^//$pkg:" "$deps" | tr '\n' ' ')"
    bad=1
  fi
done
[ $bad -eq 0 ] && echo "ok: none of $* in $(wc -l < "$deps") dependencies"
exit $bad
