#!/usr/bin/env bash
# User scenarios end to end: a parallel shift, tenor shifts and a replacement curve set in the run
# configuration. Two routes to the same curves must give the same EVE and NII: the replacement set
# is the base curves with every pillar +100 bp (written here with awk), the parallel shift is
# +100 bp; the tenor-shift scenario of all zeros equals base.
source "$(dirname "$0")/tap.sh"
plan 6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fix="$BALLAST_SOURCE_DIR/tests/data/small"
cp "$fix"/contracts.csv "$fix"/curves.csv "$fix"/fx.csv "$work"/
awk -F, 'NR == 1 { print; next } { printf "%s,%s,%s,%.10f\n", $1, $2, $3, $4 + 0.01 }' "$fix/curves.csv" > "$work/stress.csv"
sed -e "s|/tmp/ballast-small|$work/out|" -e "s|^regime = .*|regime = \"$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg\";|" \
  -e 's|^scenarios = .*|scenarios = ["base", "up100", "custom", "flat", "twist"];|' "$fix/run.cfg" > "$work/run.cfg"
cat >> "$work/run.cfg" << 'CFG'
user_scenarios = (
  { name = "up100"; type = "parallel"; shift_bp = 100.0; },
  { name = "custom"; type = "curves"; file = "stress.csv"; },
  { name = "flat"; type = "tenor_shifts"; tenors = ["1Y", "10Y"]; shifts_bp = [0.0, 0.0]; },
  { name = "twist"; type = "tenor_shifts"; tenors = ["1Y", "10Y"]; shifts_bp = [25.0, -25.0]; }
);
CFG
"$BALLAST" run "$work/run.cfg" > "$work/log" 2>&1
ok $? "a run with user scenarios"
val() { ncdump -p 17,17 -v "$1" "$work/out/alm.nc" | sed -n '/^data:/,$p' | tr -d ' ;\n' | sed "s/.*$1=//; s/}//" | cut -d, -f"$2"; }
# eve(action, scenario, currency): currency 1 (EUR) of scenarios 1..5 are fields 1, 4, 7, 10, 13
rel() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = a < 0 ? -a : a; exit !(d <= 1e-9 * m) }'; }
rel "$(val eve 4)" "$(val eve 7)"; ok $? "EVE: replacement curves +100 bp = parallel +100 bp ($(val eve 4))"
rel "$(val nii 4)" "$(val nii 7)"; ok $? "NII: replacement curves +100 bp = parallel +100 bp"
rel "$(val eve 1)" "$(val eve 10)"; ok $? "EVE: zero tenor shifts = base"
awk -v a="$(val eve 1)" -v b="$(val eve 13)" 'BEGIN { exit !(a != b) }'; ok $? "EVE: the twist moves EVE"
awk -v a="$(val eve 1)" -v b="$(val eve 4)" 'BEGIN { exit !(b < a) }'; ok $? "EVE: +100 bp lowers EVE (long fixed assets, overnight deposits)"
