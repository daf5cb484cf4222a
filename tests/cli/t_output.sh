#!/usr/bin/env bash
# The run's own output (issue 12 item 5):
# - progress of every phase on stderr, results (the summary) on stdout;
# - the projection's closing progress line counts the contracts of every rank (3 ranks: the total
#   the validation counts, not rank 0's share);
# - `ballast ... | head` ends quietly: status 0 under pipefail, nothing on stderr (no PETSc signal
#   trace, no exit 59);
# - -log_view names Ballast's stages load, calibrate, project, reduce, write;
# - a misspelt option (PETSc's or Ballast's own) fails with exit 2 naming it, on every subcommand,
#   before any work.
source "$(dirname "$0")/tap.sh"
plan 21
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cfg="$BALLAST_SOURCE_DIR/tests/data/small/run.cfg"
example="$BALLAST_SOURCE_DIR/config/example.cfg"

"$BALLAST" run "$cfg" --output "$work/o" > "$work/out" 2> "$work/err"
ok $? "run on the small balance sheet"
seen=""
for phase in load calibrate project reduce write; do grep -q "^$phase" "$work/err" && seen="$seen $phase"; done
is " load calibrate project reduce write" "$seen" "stderr: a progress line for every phase"
contains "$work/err" "load: 8 contracts in" "... the load with its count and rate"
! grep -q -e '^load' -e '^calibrate' -e '^project:' -e '^reduce' -e '^write' "$work/out"
ok $? "stdout: no progress line"
contains "$work/out" "results: $work/o/alm.nc" "stdout: the results (summary, path of alm.nc)"

# three ranks: the projection's count is the sum over ranks (the small sheet's 8 contracts;
# validate counts them independently)
"$MPIRUN" -np 3 "$BALLAST" run "$cfg" --output "$work/o3" > "$work/out3" 2> "$work/err3"
ok $? "run on 3 ranks"
n=$("$BALLAST" validate "$cfg" | sed -n 's/.*valid\. \([0-9]*\) contracts.*/\1/p')
contains "$work/err3" "project: $n contracts (all ranks)" "3 ranks: the projection counts every rank's contracts ($n)"

# | head ends quietly
set -o pipefail
"$BALLAST" validate "$example" 2> "$work/head.err" | head -1 > /dev/null
ok $? "ballast validate config/example.cfg | head -1: pipeline status 0 under pipefail"
is "" "$(cat "$work/head.err")" "... nothing on stderr (no PETSc signal trace)"
# a reader that leaves at once (the writes fail with EPIPE)
# (input warnings of the fixture, e.g. an accruedInterest inconsistent with its schedule, are data
# diagnostics and not part of this check)
"$BALLAST" events "$cfg" --contract BOND-DE-2031 2> "$work/true.err" | true
is "0 " "$? $(grep -v '^ballast: warning:' "$work/true.err")" "ballast events ... | true: status 0, nothing on stderr but input warnings"
set +o pipefail

# -log_view names Ballast's stages
"$BALLAST" run "$cfg" --output "$work/lv" -log_view > "$work/lv.out" 2>&1
ok $? "run with -log_view"
seen=""
for st in load calibrate project reduce write; do grep -Eq "^ *[0-9]+: +$st:" "$work/lv.out" && seen="$seen $st"; done
is " load calibrate project reduce write" "$seen" "-log_view's summary of stages names load, calibrate, project, reduce, write"

# misspelt options: exit 2, the option named, nothing written
"$BALLAST" run "$cfg" --output "$work/bad1" -tao_monitr > /dev/null 2> "$work/bad1.err"
is 2 "$?" "run CONFIG -tao_monitr: exit 2"
contains "$work/bad1.err" "-tao_monitr" "... naming the option"
test ! -e "$work/bad1/alm.nc"
ok $? "... before any work (no alm.nc)"
"$BALLAST" run "$cfg" --output "$work/bad2" --positon-detail > /dev/null 2> "$work/bad2.err"
is 2 "$?" "run CONFIG --positon-detail: exit 2"
contains "$work/bad2.err" "--positon-detail" "... naming the option"
# a PETSc option that a solver reads passes (the calibration's prefix)
"$BALLAST" validate "$cfg" -prepay_tao_max_it 50 > /dev/null 2> "$work/good.err"
ok $? "validate CONFIG -prepay_tao_max_it 50: a solver's option is accepted"
"$BALLAST" validate "$cfg" -tao_max_it 50 > /dev/null 2> "$work/good2.err"
ok $? "validate CONFIG -tao_max_it 50: an unprefixed TAO option applies to every calibration solve (interfaces.md)"
st=""
for c in "validate $cfg" "events $cfg --contract BOND-DE-2031" "report $work/o" "generate --contracts 10 --portfolios 1 --seed 1 --out $work/g"; do
  "$BALLAST" $c --no-such-option > /dev/null 2> "$work/sub.err"
  s=$?
  grep -q -- "--no-such-option" "$work/sub.err" || s="$s(unnamed)"
  st="$st $s"
done
is " 2 2 2 2" "$st" "validate, events, report, generate: --no-such-option fails with exit 2 naming it"
"$BALLAST" validate "$cfg" -no_such_petsc_option > /dev/null 2> "$work/p.err"
is "2 1" "$? $(grep -c -- '-no_such_petsc_option' "$work/p.err")" "an unknown PETSc option on validate: exit 2, named once"
