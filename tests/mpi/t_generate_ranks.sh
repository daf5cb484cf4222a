#!/usr/bin/env bash
# ballast generate writes the same bytes on 1, 2 and 3 ranks: a single contracts.csv and, with
# small shards, contracts-NNN.csv files whose rows are cut at the same places whatever the ranks
# (the shard size is a number of rows, independent of the rank count). Each run is bounded by a
# timeout so that a collective mismatch fails instead of hanging.
source "$(dirname "$0")/../cli/tap.sh"
plan 13
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
digest() { (cd "$1" && cat contracts*.csv curves.csv fx.csv | sha256sum | cut -d' ' -f1); }
for np in 1 2 3; do
  timeout 300 "$MPIRUN" -np $np "$BALLAST" generate --contracts 40000 --portfolios 30 --seed 2026 --out "$work/one$np" > "$work/one$np.log" 2>&1
  ok $? "40000 contracts in one file on $np rank(s)"
  timeout 300 "$MPIRUN" -np $np "$BALLAST" generate --contracts 25001 --shard-rows 10000 --seed 7 --out "$work/sh$np" > "$work/sh$np.log" 2>&1
  ok $? "25001 contracts in shards of 10000 on $np rank(s)"
done
is "$(digest "$work/one1")" "$(digest "$work/one2")" "single file: 1 and 2 ranks identical"
is "$(digest "$work/one1")" "$(digest "$work/one3")" "single file: 1 and 3 ranks identical"
is "$(digest "$work/sh1")" "$(digest "$work/sh2")" "shards: 1 and 2 ranks identical"
is "$(digest "$work/sh1")" "$(digest "$work/sh3")" "shards: 1 and 3 ranks identical"
is "10001 10001 5002" "$(cd "$work/sh3" && wc -l contracts-000.csv contracts-001.csv contracts-002.csv | head -3 | awk '{printf "%s%s", s, $1; s=" "}')" "three shards of 10000, 10000 and 5001 rows (plus header)"
# run.cfg differs only in the echoed command line (the output directory)
diff <(grep -v '^# Command' "$work/one1/run.cfg") <(grep -v '^# Command' "$work/one3/run.cfg") > /dev/null
ok $? "run.cfg identical on 1 and 3 ranks (but for the echoed command)"
timeout 300 "$MPIRUN" -np 2 "$BALLAST" validate "$work/sh2/run.cfg" > "$work/val.log" 2>&1
ok $? "the sharded balance sheet validates on 2 ranks"
exit $((_tap_fail > 0))
