#!/usr/bin/env bash
# `ballast events`: ACTUS reference cases reproduced byte for byte in the date and type columns;
# the cash-flow audit of a run's contract (hand-checked values).
source "$(dirname "$0")/tap.sh"
actus=${BALLAST_ACTUS_DIR:-$BALLAST_SOURCE_DIR/../shared/reference/actus/tests}
plan 21
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -f "$actus/actus-tests-pam.json" ] && command -v python3 > /dev/null; then
  for c in pam01 pam08; do
    "$BALLAST" events --actus "$actus/actus-tests-pam.json" --case $c | tail -n +2 | cut -d, -f2,3 > "$work/$c.seen"
    python3 - "$actus/actus-tests-pam.json" $c > "$work/$c.want" <<'PY'
import json, sys
case = json.load(open(sys.argv[1]))[sys.argv[2]]
for r in case["results"]:
    print("%s,%s" % (r["eventDate"][:10], r["eventType"]))
PY
    cmp -s "$work/$c.want" "$work/$c.seen"; ok $? "events --actus $c: dates and types byte for byte as the reference"
  done
else
  ok 0 "# skip ACTUS reference tests not found at $actus (or no python3)"
  ok 0 "# skip ACTUS reference tests not found at $actus (or no python3)"
fi
cfg="$BALLAST_SOURCE_DIR/tests/data/small/run.cfg"
"$BALLAST" events "$cfg" --contract SIGHT-RET-ES > "$work/sight.csv"
ok $? "events CONFIG --contract runs"
# the interface spec's columns first and in that order, then the stream and the filter of each row
is "case,eventDate,eventType,payoff,notionalPrincipal,nominalInterestRate,accruedInterest" "$(head -1 "$work/sight.csv" | cut -d, -f1-7)" "CSV header as the interface spec says"
is "stream,filter" "$(head -1 "$work/sight.csv" | cut -d, -f8,9)" "... then stream and filter"
is "discountFactor,presentValue,irrbbBucket,ladderBucket" "$(head -1 "$work/sight.csv" | cut -d, -f10-)" "... then the valuation columns of cashflows.nc"
# near(EXPECTED, SEEN): numbers compared as numbers (relative 1e-14), not strings
near() { awk -v e="$1" -v s="$2" 'BEGIN { d = e - s; if (d < 0) d = -d; m = e < 0 ? -e : e; exit !(s != "" && d <= 1e-14 * m) }'; }
# a sight deposit without behavioural model repays overnight: 950,000,000 at 0.10 % A365 for one day
# = 950e6 * 0.001 / 365 = 2602.7397260273974 interest, then the balance, both paid by the bank
is "SIGHT-RET-ES,2026-10-31,IP,-2602.7397260273974,-950000000,0.001,0" "$(sed -n 2p "$work/sight.csv" | cut -d, -f1-7)" "sight deposit: one day's interest on the next day"
is "SIGHT-RET-ES,2026-10-31,MD,-950000000,0,0.001,0" "$(sed -n 3p "$work/sight.csv" | cut -d, -f1-7)" "... then the balance"
# discount factor of one day on EUR_ESTR (ON node 1.92 %, continuous, A365): exp(-0.0192/365);
# PV = payoff x DF; one day is IRRBB bucket 0 (overnight) and ladder bucket 0 (day 1)
df=$(awk 'BEGIN { printf "%.17g", exp(-0.0192 / 365) }')
row=$(sed -n 3p "$work/sight.csv")
near "$df" "$(echo "$row" | cut -d, -f10)"; ok $? "discount factor of the next day: exp(-0.0192/365) = $df"
near "$(awk -v d="$df" 'BEGIN { printf "%.17g", -950000000 * d }')" "$(echo "$row" | cut -d, -f11)"; ok $? "... presentValue = payoff x discount factor"
is "0,0" "$(echo "$row" | cut -d, -f12,13)" "... IRRBB bucket 0 (overnight), ladder bucket 0 (day 1)"
# no behaviour in this configuration: one stream, the contractual one, made by the synthetic call
# of a deposit without maturity (two rows, nothing else)
is "contractual,synthetic_call contractual,synthetic_call" "$(tail -n +2 "$work/sight.csv" | cut -d, -f8,9 | tr '\n' ' ' | sed 's/ $//')" "... labelled contractual / synthetic_call, no behavioural stream"
"$MPIRUN" -np 3 "$BALLAST" events "$cfg" --contract CALL-IB-3 --scenario parallel_up > "$work/call.csv" 2> "$work/call.err"
ok $? "events on 3 ranks (the owner sends the lines to rank 0)"
# call money with one month notice, 15,000,000 at 1.95 % A360, 2026-10-30 -> 2026-11-30 (31 days):
# accrued 47,937.50 + 15e6 * 0.0195 * 31/360 = 47,937.50 + 25,187.50 = 73,125
is "CALL-IB-3,2026-11-30,IP,73125,15000000,0.0195,0" "$(sed -n 2p "$work/call.csv" | cut -d, -f1-7)" "call money repaid at the end of its notice, with its interest"
is "contractual,synthetic_call" "$(sed -n 2p "$work/call.csv" | cut -d, -f8,9)" "... a synthetic call (CLM without maturity)"
# under parallel_up (+200 bp on EUR) at the 1M node (31 days: 2026-10-30 -> 2026-11-30, 1.93 %):
# DF = exp(-(0.0193 + 0.02) * 31/365); 31 days is IRRBB bucket 1 (O/N, 1M] and ladder bucket 9
# (30, 60] days; the rate prints as 0.0195, not 0.019499999999999999 (%.17g)
row=$(sed -n 2p "$work/call.csv")
near "$(awk 'BEGIN { printf "%.17g", exp(-0.0393 * 31 / 365) }')" "$(echo "$row" | cut -d, -f10)"; ok $? "discount factor under the chosen scenario (parallel_up, 1M node)"
is "0.0195 1,9" "$(echo "$row" | cut -d, -f6) $(echo "$row" | cut -d, -f12,13)" "... numbers with the digits they need; IRRBB bucket 1, ladder bucket 9"
"$BALLAST" events "$cfg" --contract NO-SUCH > /dev/null 2> "$work/nf.err"
is 2 "$?" "unknown contract: exit status 2"
contains "$work/nf.err" "contract 'NO-SUCH' is not in the balance sheet" "... with a clear message"
# cash is valued at face value (no event in the behavioural stream); a cash liability would be
# repayable on demand the next day in the contractual stream; CASH-ECB is cash held: no event at all
"$BALLAST" events "$cfg" --contract CASH-ECB > "$work/cash.csv"
is 1 "$(wc -l < "$work/cash.csv")" "cash held: header only (face value, no contractual flow)"
# a term contract: the engine's events, every row contractual / contractual
"$BALLAST" events "$cfg" --contract "$(awk -F, '$4 == "PAM" { print $1; exit }' "$BALLAST_SOURCE_DIR/tests/data/small/contracts.csv")" > "$work/pam.csv"
is "contractual,contractual" "$(tail -n +2 "$work/pam.csv" | cut -d, -f8,9 | sort -u | tr '\n' ' ' | sed 's/ $//')" "a PAM: the engine's events, labelled contractual / contractual"
