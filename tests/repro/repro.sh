#!/bin/bash
# repro.sh CASE FERRY GUEST [NATIVE]: ferry's reproducible runs (--seed,
# --time) compared between ferry runs of repro.c or signal_target.c (one
# guest build per test; NATIVE: the host build, for signal_target).
set -u
case_name=$1 ferry=$2 guest=$3
out=${TEST_TMPDIR:-$(mktemp -d)}
epoch=946684800  # 2000-01-01T00:00:00Z
fail() { echo "FAIL: $*"; exit 1; }

# run NAME [env VAR=VAL...] -- FERRY_ARGS...: the guest's output in $out/NAME.
run() {
  local name=$1; shift
  local vars=()
  while [ "$1" != "--" ]; do vars+=("$1"); shift; done
  shift
  env -u FERRY_SEED -u QEMU_RAND_SEED -u FERRY_TIME "${vars[@]}" "$ferry" "$@" > "$out/$name" 2> "$out/$name.err"
  local status=$?
  [ $status -eq 0 ] || { cat "$out/$name" "$out/$name.err"; fail "$name: ferry exited $status"; }
  [ -s "$out/$name.err" ] && { cat "$out/$name.err"; fail "$name: ferry wrote to stderr"; }
  return 0
}
same() { cmp -s "$out/$1" "$out/$2" || { diff "$out/$1" "$out/$2"; fail "$1 and $2 differ"; }; }
# The lines starting with $3 in runs $1 and $2 must all differ.
lines_differ() {
  local a b
  a=$(grep "^$3" "$out/$1") b=$(grep "^$3" "$out/$2")
  [ -n "$a" ] || fail "$1 has no '$3' line"
  [ "$a" != "$b" ] || fail "$1 and $2 have the same '$3' line: $a"
}
expect() { grep -Eq -- "$2" "$out/$1" || { cat "$out/$1"; fail "$1 lacks '$2'"; }; }

case $case_name in
  same_seed_same_bytes)
    run a -- --seed 1 --time 2000-01-01 "$guest" $epoch
    run b -- --seed 1 --time 2000-01-01 "$guest" $epoch
    same a b
    expect a "^0 failures$"
    expect a "^time: 2000-01-01$"
    expect a "^gettimeofday: 2000-01-01$"
    expect a "^clock_gettime\\(CLOCK_REALTIME\\): 2000-01-01$"
    expect a "^ok   the stack canary is AT_RANDOM's first word$"
    # Every source gives its own bytes: the stream moves on.
    [ "$(grep -c '^child 0 urandom' "$out/a")" = 1 ] || fail "no child 0 line"
    [ "$(grep '^child 0 urandom' "$out/a" | cut -d' ' -f4)" != "$(grep '^child 1 urandom' "$out/a" | cut -d' ' -f4)" ] ||
      fail "both forked children read the same bytes"
    [ "$(grep '^urandom fd' "$out/a" | cut -d' ' -f3)" != "$(grep '^urandom dup' "$out/a" | cut -d' ' -f3)" ] ||
      fail "a dup'd descriptor repeated the stream"
    ;;
  future_epoch)
    # A wall clock ahead of the host's: deadlines on it must not wait forever.
    run a -- --seed 1 --time 2100-01-01T00:00:00 "$guest" 4102444800
    expect a "^time: 2100-01-01$"
    expect a "^clock_gettime\\(CLOCK_REALTIME\\): 2100-01-01$"
    expect a "^0 failures$"
    ;;
  different_seeds_differ)
    run a -- --seed 1 --time 2000-01-01 "$guest" $epoch
    run b -- --seed 2 --time 2000-01-01 "$guest" $epoch
    for what in "start: AT_RANDOM" "start: getrandom" "start: /dev/urandom" "canary" "urandom dup" "child 0 urandom" "child 1 getrandom" "/dev/random"; do
      lines_differ a b "$what"
    done
    expect b "^0 failures$"
    ;;
  unseeded_differs)
    now=$(date +%s)
    run a -- "$guest" $now
    run b -- "$guest" $now
    lines_differ a b "start: AT_RANDOM"
    lines_differ a b "start: getrandom"
    lines_differ a b "urandom dup"
    expect a "^time: $(date -u +%Y-%m-%d -d @$now)$"
    expect a "^0 failures$"
    ;;
  spellings)
    run ref -- --seed 7 --time 2000-01-01 "$guest" $epoch
    run qemu_option -- -seed 7 --time 946684800 "$guest" $epoch
    run two_dashes -- --seed=7 --time=2000-01-01T00:00:00 "$guest" $epoch
    run ferry_env FERRY_SEED=7 FERRY_TIME=2000-01-01T00:00:00Z -- "$guest" $epoch
    run qemu_env QEMU_RAND_SEED=7 FERRY_TIME=946684800 -- "$guest" $epoch
    run hex QEMU_RAND_SEED=0x7 FERRY_TIME=946684800 -- "$guest" $epoch
    run ferry_wins FERRY_SEED=7 QEMU_RAND_SEED=8 FERRY_TIME=946684800 -- "$guest" $epoch
    run option_wins FERRY_SEED=9 FERRY_TIME=1999-01-01 -- --seed 7 --time 2000-01-01 "$guest" $epoch
    for r in qemu_option two_dashes ferry_env qemu_env hex ferry_wins option_wins; do same ref $r; done
    ;;
  exec)
    run a -- --seed 3 --time 2000-01-01 "$guest" $epoch exec
    run b -- --seed 3 --time 2000-01-01 "$guest" $epoch exec
    same a b
    expect a "^0 failures before exec$"
    expect a "^after exec: AT_RANDOM "
    expect a "^after exec: inherited /dev/urandom [0-9a-f]{32}$"
    expect a "^0 failures$"
    # The new image continues the stream: it does not start it again.
    [ "$(grep '^start: AT_RANDOM' "$out/a" | cut -d' ' -f3)" != "$(grep '^after exec: AT_RANDOM' "$out/a" | cut -d' ' -f4)" ] ||
      fail "the exec'd image got the first image's AT_RANDOM"
    ;;
  mmap_placement)
    run a -- "$guest" maps
    run b -- "$guest" maps
    same a b
    run c -- --seed 5 "$guest" maps
    same a c
    expect a "^mmap 4096: 0x"
    ;;
  bad_values)
    bad() {  # bad STDERR_REGEX ferry-args...: exit 2 and one line
      local want=$1; shift
      "$ferry" "$@" > "$out/bad" 2>&1
      local status=$?
      [ $status -eq 2 ] || { cat "$out/bad"; fail "ferry $* exited $status, not 2"; }
      [ "$(wc -l < "$out/bad")" = 1 ] || { cat "$out/bad"; fail "ferry $*: not one line"; }
      grep -Eq "$want" "$out/bad" || { cat "$out/bad"; fail "ferry $*: wrong message"; }
    }
    bad "^ferry: invalid seed 'abc' \(--seed; want a number\)$" --seed abc "$guest" $epoch
    bad "^ferry: invalid seed '-1' \(-seed; want a number\)$" -seed -1 "$guest" $epoch
    bad "^ferry: invalid seed '99999999999999999999999' " --seed 99999999999999999999999 "$guest" $epoch
    bad "^ferry: option --seed needs a value" --seed
    bad "^ferry: invalid time '2000-13-01' \(--time; want seconds since 1970 or a UTC date" --time 2000-13-01 "$guest" $epoch
    bad "^ferry: invalid time '2000-02-30' " --time 2000-02-30 "$guest" $epoch
    bad "^ferry: invalid time 'yesterday' " --time yesterday "$guest" $epoch
    bad "^ferry: invalid time '2000-01-01T25:00:00' " --time 2000-01-01T25:00:00 "$guest" $epoch
    bad "^ferry: invalid time '' " --time= "$guest" $epoch
    bad "^ferry: --time needs a value" --time
    FERRY_TIME=soon bad "^ferry: invalid time 'soon' \(FERRY_TIME; " "$guest" $epoch
    QEMU_RAND_SEED=x bad "^ferry: invalid seed 'x' \(QEMU_RAND_SEED; want a number\)$" "$guest" $epoch
    ;;
  signal_target)
    # Five seeded runs take the signals in the same threads, in the order
    # the host's kernel gives the host build.
    for run_number in 1 2 3 4 5; do
      run "seeded$run_number" -- --seed 1 "$guest"
      same seeded1 "seeded$run_number"
    done
    expect seeded1 "^order: 1 2 3 4$"
    expect seeded1 "^0 failures$"
    "$4" > "$out/native" || fail "the host build failed"
    same native seeded1
    ;;
  *) fail "unknown case $case_name" ;;
esac
echo PASS
