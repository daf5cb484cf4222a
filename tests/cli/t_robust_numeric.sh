#!/usr/bin/env bash
# Exit codes that tell the truth, on 1 and 3 ranks under `timeout`, writing nothing:
#   a rate of 1e308 (which would overflow the values) is an input error at load (exit 3: a rate's
#   magnitude is at most 10, docs/loading.md); numerical failure is exit 4 naming what failed (a
#   user scenario shifting the curve by -1e300 bp: the par rate of the contract whose NII
#   replacement it breaks; a deposit history out of scale breaks the calibration: the segment is
#   named, no PETSc trace);
#   capital.tier1 = 0 or negative is a configuration error (exit 2, file:line); an initial
#   exchange after the maturity is an input error (exit 3, file:line:column);
#   the bound on work per contract (run.max_events_per_contract, default 100000; docs/operations.md):
#   a daily interest cycle over three centuries is about 110,000 events (hand count: 2024-06-30 to
#   2331-03-31 is 112,054 days, one event a day, plus the principal's quarterly cycle), an input
#   error naming contract, file and line, found before any schedule is built; a bound of 500 stops
#   the 25-year monthly annuity of line 2 (300 interest + 300 principal events); the bound also
#   covers the contract files an action adds (named with their own file and line);
# and the calibration reports its progress (segments done / total over all ranks).
source "$(dirname "$0")/tap.sh"
plan 62
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fix="$BALLAST_SOURCE_DIR/tests/data/small"
regime="$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg"
mk() { # a copy of the small fixture in $work/$1, output in $work/$1/out
  mkdir -p "$work/$1"; cp "$fix"/* "$work/$1"/
  sed -i -e "s|/tmp/ballast-small|$work/$1/out|" -e "s|^regime = .*|regime = \"$regime\";|" "$work/$1/run.cfg"
}
# case NAME NP EXPECTED-STATUS EXPECTED-MESSAGE [COMMAND]
case_() {
  local name=$1 np=$2 want=$3 msg=$4 cmd=${5:-run}
  timeout 120 "$MPIRUN" -np "$np" "$BALLAST" $cmd "$work/$name/run.cfg" > "$work/$name/stdout" 2> "$work/$name/stderr" < /dev/null
  is "$want" "$?" "$name on $np rank(s): exit $want"
  contains "$work/$name/stderr" "$msg" "$name on $np rank(s): the message"
  [ ! -e "$work/$name/out/alm.nc" ] && ! grep -q "PETSC ERROR" "$work/$name/stderr"
  ok $? "$name on $np rank(s): nothing written, no PETSc trace"
}
mk overflow;  sed -i '2s/,0.0215,/,1e308,/' "$work/overflow/contracts.csv"
mk crash;     sed -i 's/^scenarios = \["base", "parallel_up", "parallel_down"\];/scenarios = ["base", "parallel_up", "parallel_down", "crash"];\nuser_scenarios = ( { name = "crash"; type = "parallel"; shift_bp = -1.0e300; } );/' "$work/crash/run.cfg"
mk ied;       sed -i '2s/2019-06-15,2044-06-15/2045-06-15,2044-06-15/' "$work/ied/contracts.csv"
mk tier0;     sed -i 's/tier1 = 1.2e9/tier1 = 0/' "$work/tier0/run.cfg"
mk tierneg;   sed -i 's/tier1 = 1.2e9/tier1 = -5/' "$work/tierneg/run.cfg"
mk daily;     sed -i '3s/2031-03-31,8000000,0.0385,A360,2024-06-30,P3ML1/2331-03-31,8000000,0.0385,A360,2024-06-30,P1DL1/' "$work/daily/contracts.csv"
mk bound500;  sed -i 's/^run = { name = "small";/run = { name = "small"; max_events_per_contract = 500;/' "$work/bound500/run.cfg"
mk bound0;    sed -i 's/^run = { name = "small";/run = { name = "small"; max_events_per_contract = 0;/' "$work/bound0/run.cfg"
# an action's added file is bound too (its own file and line): the daily contract, renamed
mk actdaily;  { head -1 "$work/daily/contracts.csv"; sed -n '3s/^CORP-000042,/ACT-000042,/p' "$work/daily/contracts.csv"; } > "$work/actdaily/added.csv"
echo 'actions = ( { name = "add_daily"; add = ["added.csv"]; } );' >> "$work/actdaily/run.cfg"
mk raised;    cp "$work/daily/contracts.csv" "$work/raised/"; sed -i 's/^run = { name = "small";/run = { name = "small"; max_events_per_contract = 200000;/' "$work/raised/run.cfg"
for np in 1 3; do
  case_ overflow $np 3 "contracts.csv:2:92: column 'nominalInterestRate': value '1e308': out of range"
  case_ crash $np 4 "did not converge"  # the first failing rank's contract: which one depends on the ranks
  case_ ied $np 3 "contracts.csv:2:71: column 'maturityDate': value '2044-06-15': before the initialExchangeDate 2045-06-15"
  case_ tier0 $np 2 "run.cfg:9: capital.tier1 = 0"
  case_ tierneg $np 2 "run.cfg:9: capital amounts must not be negative"
  case_ daily $np 3 "contracts.csv:3: contract CORP-000042: its schedule would have about 114498 events (cycleOfInterestPayment over its term), more than run.max_events_per_contract = 100000"
  case_ bound500 $np 3 "contracts.csv:2: contract MTG-000001: its schedule would have about"
  case_ actdaily $np 3 "added.csv:2: contract ACT-000042: its schedule would have about 114498 events (cycleOfInterestPayment over its term), more than run.max_events_per_contract = 100000"
  case_ bound0 $np 2 "run.cfg:3: run.max_events_per_contract = 0: must be at least 1"
done
timeout 120 "$BALLAST" validate "$work/raised/run.cfg" > /dev/null 2>&1
is 0 "$?" "a raised bound (200000) lets the daily contract through validation"

# calibration: a deposit history out of scale (every deposit rate 1e300) is exit 4 naming the segment
timeout 120 "$BALLAST" generate --contracts 200 --seed 5 --out "$work/bank" --regime "$regime" > "$work/gen.log" 2>&1
sed -i '2,$s/^\([^,]*\),\([^,]*\),[^,]*,/\1,\2,1e300,/' "$work/bank/history-nmd_wholesale.csv"
for np in 1 3; do
  timeout 120 "$MPIRUN" -np $np "$BALLAST" run "$work/bank/run.cfg" --output "$work/bank/out" > "$work/cal.out" 2> "$work/cal.err" < /dev/null
  is 4 "$?" "calibration out of scale on $np rank(s): exit 4"
  contains "$work/cal.err" "behaviour segment 'nmd_wholesale': the replicating portfolio (TAOPDIPM, -nmd_tao_*) calibration failed" "... naming the segment on $np rank(s)"
done
# calibration progress (a round at every segment: BALLAST_PROGRESS_EVERY=0), on 1 rank deterministic
timeout 120 "$BALLAST" generate --contracts 200 --seed 5 --out "$work/bank2" --regime "$regime" > "$work/gen2.log" 2>&1
BALLAST_PROGRESS_EVERY=0 timeout 120 "$BALLAST" run "$work/bank2/run.cfg" --output "$work/bank2/out" > "$work/p.out" 2> "$work/p.err" < /dev/null
is 0 "$?" "a calibrated run with progress at every segment"
contains "$work/p.err" "calibrate:  50.0 % of 6 segments (all ranks)" "calibration progress: 3 of the 6 calibrated segments done"
BALLAST_PROGRESS_EVERY=0 timeout 120 "$MPIRUN" -np 3 "$BALLAST" run "$work/bank2/run.cfg" --output "$work/bank2/out3" > "$work/p3.out" 2> "$work/p3.err" < /dev/null
is 0 "$?" "... and on 3 ranks (progress rounds on every rank, no hang)"
