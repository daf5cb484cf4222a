#!/usr/bin/env bash
# Management actions do not depend on the number of ranks (docs/planning.md "Evaluation"): a
# generated balance sheet (2000 contracts, 7 portfolios, behaviour calibrated) with five actions
# (contracts added from a file into an existing and a new portfolio, a par payer swap, a scale and
# a removal by filter, their combination by include), limits and a 24-month new-business plan (a
# product renewing the run-off of the portfolio an action removes, with its behaviour segment, so
# that the action's slot re-projects it; a floating product opening a new portfolio), run on 1,
# 2, 3 and 4 ranks, gives
# byte-identical data sections of alm.nc (every variable over action, limit_value, limit_status,
# 17 significant digits). Each run is bounded by a timeout so that a collective mismatch fails
# instead of hanging.
source "$(dirname "$0")/../cli/tap.sh"
plan 7
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
regime="$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg"
timeout 300 "$BALLAST" generate --contracts 2000 --portfolios 7 --seed 5 --out "$work/in" --regime "$regime" > "$work/gen.log" 2>&1
ok $? "generate 2000 contracts in 7 portfolios"
# two mortgages of the generated book added again under new IDs: one in its portfolio, one in a new one
{ head -1 "$work/in/contracts.csv"; grep -m2 ',RETAIL-MORTGAGES-001,' "$work/in/contracts.csv" | sed '1s/^[^,]*,/ADD-1,/; 2s/^[^,]*,RETAIL-MORTGAGES-001,/ADD-2,NEW-BOOK-001,/'; } > "$work/in/added.csv"
cat >> "$work/in/run.cfg" << 'CFG'
actions = (
  { name = "add_mortgages"; add = ["added.csv"]; },
  { name = "payer_swap"; add_instruments = ( { terms = { contractType = "SWPPV"; contractRole = "PFL"; currency = "EUR"; portfolio = "ALM-HEDGES-001"; notionalPrincipal = 5.0e7;
      dayCountConvention = "A360"; cycleOfInterestPayment = "P3ML0"; cycleOfRateReset = "P3ML0"; marketObjectCodeOfRateReset = "EUR_ESTR"; }; start = "2026-11-03"; term = "7Y"; rate = "par"; spread = 0.0; } ); },
  { name = "halve_corporate"; scale = ( { filter = { portfolio = "CORPORATE-001"; }; factor = 0.5; } ); },
  { name = "exit_consumer"; remove = ( { filter = { portfolio = "CONSUMER-LOANS-001"; }; } ); },
  { name = "combined"; include = ["add_mortgages", "payer_swap", "halve_corporate", "exit_consumer"]; }
);
new_business = {
  horizon_months = 24;
  products = (
    { name = "consumer_renew"; terms = { contractType = "ANN"; contractRole = "RPA"; currency = "EUR"; portfolio = "CONSUMER-LOANS-001"; dayCountConvention = "30E360";
        cycleOfInterestPayment = "P1ML0"; cycleOfPrincipalRedemption = "P1ML0"; behaviourSegment = "consumer_loans"; };
      term = "5Y"; pricing = { type = "fixed"; curve = "EUR_ESTR"; spread = 0.03; };
      volume = { type = "replace"; portfolio = "CONSUMER-LOANS-001"; growth = 0.02; }; },
    { name = "new_line"; terms = { contractType = "PAM"; contractRole = "RPA"; currency = "EUR"; portfolio = "NEW-LINE-001"; dayCountConvention = "A360";
        cycleOfInterestPayment = "P3ML0"; cycleOfRateReset = "P3ML0"; };
      term = "3Y"; pricing = { type = "floating"; index = "EUR_ESTR"; spread = 0.015; };
      volume = { type = "monthly"; amounts = [2.0e6, 3.0e6]; }; }
  );
};
limits = (
  { name = "EVE SOT"; metric = "eve_outlier_ratio"; max = 0.15; warning = 0.12; },
  { name = "LCR"; metric = "lcr"; min = 1.0; warning = 1.2; },
  { name = "NSFR"; metric = "nsfr"; min = 1.0; warning = 1.1; },
  { name = "EUR PV01"; metric = "pv01"; currency = "EUR"; max_abs = 1.0e5; }
);
CFG
data() { ncdump -p 17,17 "$1" | sed -n '/^data:/,$p'; }
for np in 1 2 3 4; do
  timeout 600 "$MPIRUN" -np $np "$BALLAST" run "$work/in/run.cfg" --output "$work/out$np" > "$work/run$np.log" 2>&1
  ok $? "run with actions on $np rank(s)"
  data "$work/out$np/alm.nc" > "$work/data$np.txt"
done
grep -q 'limit_status =' "$work/data1.txt" && grep -q '"combined"' "$work/data1.txt" && grep -q 'nii_path =' "$work/data1.txt" && grep -q '"NEW-LINE-001"' "$work/data1.txt" && ! grep -q NaN <(sed -n '/ nii_path =/,/;/p; / balance_path =/,/;/p; / nii_path_constant =/,/;/p' "$work/data1.txt")
ok $? "alm.nc holds the actions, the limits and the NII paths (no NaN) with the new portfolio"
bad=""
for np in 2 3 4; do cmp -s "$work/data1.txt" "$work/data$np.txt" || bad="$bad $np"; done
[ -z "$bad" ]
ok $? "alm.nc data identical on 1, 2, 3 and 4 ranks${bad:+ (differs on:$bad)}"
exit $((_tap_fail > 0))
