#!/usr/bin/env bash
# Numbers an ALCO can trust (issue 10 items 2, 4, 5, 6, 7), every expected value by hand:
# BCBS prepayment scalars only on rates that do not move with the scenario, financial deposits
# non-core, contractual liquidity views contractual, nothing silently ignored, provenance,
# generate -> run.
source "$(dirname "$0")/tap.sh"
plan 14
data="$BALLAST_SOURCE_DIR/tests/data/numbers"
cfg="$data/run.cfg"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
first_pp() { "$BALLAST" events "$cfg" --contract "$1" --scenario "$2" | awk -F, '$8 == "behavioural" && $3 == "PP" && !n++ { printf "%.6f", $4 }'; }
pp_all() { "$BALLAST" events "$cfg" --contract "$1" --scenario "$2" | awk -F, '$8 == "behavioural"' | cut -d, -f2-; }

# --- item 2: scalars. Both annuities: 120,000 at 6 % (30E360), 12 monthly instalments left on
# 2026-10-15; after the first one (2026-11-15) N1 = 120000 - (A - 600), A = 120000 0.005 / (1 - 1.005^-12).
# S-curve CPR(i) = 0.02 + 0.2 / (1 + exp(-100 (i - 0.04))), i = 6 % - the zero rate at the maturity
# (one year): 3 % - 2 % = 1 % under parallel_down (BCBS EUR parallel shock 200 bp) -> i = 0.05,
# CPR = 0.02 + 0.2 / (1 + e^-1) = 0.166212, no scalar. Constant CPR 12 % x 1.2 = 14.4 %.
want=$(awk 'BEGIN { N = 120000; i = 0.005; A = N * i / (1 - (1 + i) ^ -12); N1 = N - (A - N * i);
  cs = 0.02 + 0.2 / (1 + exp(-1)); cc = 0.12 * 1.2;
  printf "%.6f %.6f", (1 - (1 - cs) ^ (1 / 12)) * N1, (1 - (1 - cc) ^ (1 / 12)) * N1 }')
read -r want_s want_c <<< "$want"
is "$want_s" "$(first_pp ANN-S parallel_down)" "S-curve segment under parallel_down: first PP from the S-curve on the shifted curve, no scalar"
is "$(pp_all ANN-S down200)" "$(pp_all ANN-S parallel_down)" "... every flow the same as under a -200 bp user scenario without scalars"
is "$want_c" "$(first_pp ANN-C parallel_down)" "constant-CPR segment under parallel_down: first PP at 1.2 x CPR"
want_c0=$(awk 'BEGIN { N = 120000; i = 0.005; A = N * i / (1 - (1 + i) ^ -12); N1 = N - (A - N * i); printf "%.6f", (1 - 0.88 ^ (1 / 12)) * N1 }')
is "$want_c0" "$(first_pp ANN-C down200)" "... and at the CPR itself under the user scenario without scalar"

# --- item 2: deposits of financial customers are non-core (2024/857 Art 8). Segment core share
# 40 %: the corporate deposit slots 600,000 overnight, the financial one all 1,000,000.
slots() { "$BALLAST" events "$cfg" --contract "$1" --scenario base | awk -F, '$8 == "behavioural" && $3 == "MD" { printf "%s%s:%.0f", n++ ? " " : "", $2, $4 }'; }
is "2026-10-16:-1000000" "$(slots SIGHT-F)" "financial customer's deposit: fully overnight whatever the segment's core share"
is "2026-10-16:-600000 2026-11-15:-200000 2026-11-15:-66667 2026-12-15:-66667 2027-01-15:-66667" "$(slots SIGHT-C)" "corporate deposit: 60 % overnight, the core along the tranches"

# --- item 4: contractual liquidity views are contractual.
"$BALLAST" run "$cfg" --output "$work/fx" > "$work/fx.log" 2>&1
ok $? "run of the fixture"
# bucket (30, 60] days holds the first instalments (2026-11-15, day 31) of both annuities, 2 A,
# with no prepayment in it; over all buckets the 24 instalments, 24 A.
want=$(awk 'BEGIN { N = 120000; i = 0.005; A = N * i / (1 - (1 + i) ^ -12); printf "%.4f %.4f", 2 * A, 24 * A }')
read -r want_b want_t <<< "$want"
seen=$(ncdump -p 17 -v liquidity_inflow "$work/fx/alm.nc" | sed -n '/^ liquidity_inflow =/,/;/p' | tr -d ' ;\n' | sed 's/liquidity_inflow=//' | awk -F, '{ for (k = 1; k <= NF; k++) t += $k; printf "%.4f %.4f", $10, t }')
is "$want_b $want_t" "$seen" "contractual inflows of a behavioural run: 2 A in (30, 60] days, 24 A in all (no PP)"
ladder() { ncdump -p 17,17 -v liquidity_inflow,liquidity_outflow,liquidity_gap_cumulative,lcr,hqla,lcr_outflows,lcr_inflows,nsfr,asf,rsf "$1" | sed -n '/^data:/,$p'; }
"$BALLAST" run "$BALLAST_SOURCE_DIR/config/example.cfg" --output "$work/beh" > "$work/beh.log" 2>&1
ok $? "example run with behaviour"
"$BALLAST" run "$BALLAST_SOURCE_DIR/config/example.cfg" --contractual --output "$work/con" > "$work/con.log" 2>&1
ok $? "example run --contractual"
ladder "$work/beh/alm.nc" > "$work/beh.txt"
ladder "$work/con/alm.nc" > "$work/con.txt"
cmp -s "$work/beh.txt" "$work/con.txt"
ok $? "example: contractual ladder, cumulative gap, LCR and NSFR of the behavioural run equal the --contractual run's (17 digits)"
is "10" "$(grep -cE '^ (liquidity_inflow|liquidity_outflow|liquidity_gap_cumulative|lcr|hqla|lcr_outflows|lcr_inflows|nsfr|asf|rsf) =' "$work/beh.txt")" "... the comparison saw the ten variables"
