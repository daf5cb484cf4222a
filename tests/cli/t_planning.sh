#!/usr/bin/env bash
# Planning inputs (docs/planning.md): the example's plan (config/example-plan.cfg) is accepted by `ballast validate` and
# summarised; every bad input is an error naming file and line (exit 2; 3 for a bad added contract
# file) on 1 and 3 ranks, under timeout (no hang); `ballast run` evaluates every planning key.
# Ramp end to end: EVE of a zero-coupon bond under ramp_up_200 = N DF_ramp(T) by hand.
source "$(dirname "$0")/tap.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fix="$BALLAST_SOURCE_DIR/tests/data/small"
cp "$fix"/contracts.csv "$fix"/curves.csv "$fix"/fx.csv "$work"/
base() { sed -e "s|/tmp/ballast-small|$work/out|" -e "s|^regime = .*|regime = \"$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg\";|" "$fix/run.cfg"; }
hdr=$(head -1 "$fix/contracts.csv")
printf '%s\n%s\n' "$hdr" "$(sed -n 2p "$fix/contracts.csv" | sed 's/^MTG-000001,/MTG-NEW-1,/')" > "$work/added.csv"
printf '%s\n%s\n' "$hdr" "$(sed -n 2p "$fix/contracts.csv")" > "$work/dup.csv"
printf '%s\n%s\n' "$hdr" "$(sed -n 2p "$fix/contracts.csv" | sed 's/^MTG-000001,/MTG-NEW-2,/; s/,0.0215,/,abc,/')" > "$work/badcell.csv"
SWAP='terms = { contractType = "SWPPV"; contractRole = "PFL"; currency = "EUR"; portfolio = "HEDGES"; notionalPrincipal = 1.0e8; dayCountConvention = "A360"; cycleOfInterestPayment = "P3ML0"; cycleOfRateReset = "P3ML0"; marketObjectCodeOfRateReset = "EUR_EURIBOR3M"; }; term = "10Y"; rate = "par";'

# name|expected exit|text the message must hold|configuration lines appended
cases=(
  "unknown portfolio in a filter|2|filter portfolio 'NOPE' is not a portfolio|actions = ( { name = \"a\"; remove = ( { filter = { portfolio = \"NOPE\"; }; } ); } );"
  "filter matching nothing|2|the filter matches no contract|actions = ( { name = \"a\"; scale = ( { filter = { portfolio = \"CORPORATE\"; contractType = \"PAM\"; }; factor = 0.5; } ); } );"
  "unknown filter attribute|2|filter: unknown key 'colour'|actions = ( { name = \"a\"; remove = ( { filter = { colour = \"red\"; }; } ); } );"
  "unknown segment in a filter|2|behaviourSegment 'ghost' is not a behaviourSegment|actions = ( { name = \"a\"; remove = ( { filter = { behaviourSegment = \"ghost\"; }; } ); } );"
  "swap template without its index|2|needs terms key 'marketObjectCodeOfRateReset'|actions = ( { name = \"a\"; add_instruments = ( { terms = { contractType = \"SWPPV\"; contractRole = \"PFL\"; currency = \"EUR\"; portfolio = \"H\"; notionalPrincipal = 1.0e8; dayCountConvention = \"A360\"; cycleOfInterestPayment = \"P3ML0\"; cycleOfRateReset = \"P3ML0\"; }; term = \"10Y\"; } ); } );"
  "PAM template without day count|2|needs terms key 'dayCountConvention'|actions = ( { name = \"a\"; add_instruments = ( { terms = { contractType = \"PAM\"; contractRole = \"RPL\"; currency = \"EUR\"; portfolio = \"W\"; notionalPrincipal = 1.0e8; }; term = \"3Y\"; } ); } );"
  "template value parsed as a CSV cell|2|terms key 'cycleOfInterestPayment': value 'monthly'|actions = ( { name = \"a\"; add_instruments = ( { terms = { contractType = \"PAM\"; contractRole = \"RPL\"; currency = \"EUR\"; portfolio = \"W\"; notionalPrincipal = 1.0e8; dayCountConvention = \"AA\"; cycleOfInterestPayment = \"monthly\"; }; term = \"3Y\"; } ); } );"
  "unknown curve of a template|2|marketObjectCodeOfRateReset 'EUR_LIBOR' is not a curve|actions = ( { name = \"a\"; add_instruments = ( { ${SWAP//EUR_EURIBOR3M/EUR_LIBOR} } ); } );"
  "par rate without a discount curve|2|rate \"par\" needs the discount curve of USD|actions = ( { name = \"a\"; add_instruments = ( { ${SWAP//currency = \"EUR\"/currency = \"USD\"} } ); } );"
  "circular include|2|a circular include|actions = ( { name = \"a\"; include = [\"b\"]; }, { name = \"b\"; include = [\"a\"]; } );"
  "unknown include|2|includes 'zz', which is not an action|actions = ( { name = \"a\"; include = [\"zz\"]; } );"
  "duplicate action name|2|action name 'a' is used twice|actions = ( { name = \"a\"; add = [\"added.csv\"]; }, { name = \"a\"; add = [\"added.csv\"]; } );"
  "none as an action name|2|action name 'none' is reserved|actions = ( { name = \"none\"; add = [\"added.csv\"]; } );"
  "unknown action key|2|unknown key 'scael'|actions = ( { name = \"a\"; scael = 1; } );"
  "limit on an unknown metric|2|unknown metric 'roe'|limits = ( { name = \"x\"; metric = \"roe\"; max = 0.1; } );"
  "limit on an unknown liquidity scenario|2|'panic' is not a liquidity scenario|limits = ( { name = \"x\"; metric = \"survival_days\"; scenario = \"panic\"; min = 30.0; } );"
  "limit on a scenario not run|2|scenario 'steepener' is not a shocked scenario|limits = ( { name = \"x\"; metric = \"delta_eve\"; scenario = \"steepener\"; min = -1.0e6; } );"
  "limit on an unknown currency|2|currency 'CHF' is not a currency|limits = ( { name = \"x\"; metric = \"pv01\"; currency = \"CHF\"; max_abs = 1.0e5; } );"
  "warning on the wrong side|2|warning 0.9 must lie on the safe side|limits = ( { name = \"x\"; metric = \"lcr\"; min = 1.0; warning = 0.9; } );"
  "horizon outside 1-120|2|horizon_months 121 must be between 1 and 120|new_business = { horizon_months = 121; products = ( ); };"
  "replace volume of an unknown portfolio|2|replaces portfolio 'MORTGAGES', which is not a portfolio|new_business = { horizon_months = 12; products = ( { name = \"m\"; terms = { contractType = \"ANN\"; contractRole = \"RPA\"; currency = \"EUR\"; portfolio = \"RETAIL-MORTGAGES\"; dayCountConvention = \"30E360\"; cycleOfPrincipalRedemption = \"P1ML0\"; cycleOfInterestPayment = \"P1ML0\"; }; term = \"20Y\"; pricing = { type = \"fixed\"; curve = \"EUR_ESTR\"; spread = 0.015; }; volume = { type = \"replace\"; portfolio = \"MORTGAGES\"; growth = 0.03; }; } ); };"
  "product priced on an unknown curve|2|pricing index 'EUR_FOO' is not a curve|new_business = { horizon_months = 12; products = ( { name = \"c\"; terms = { contractType = \"PAM\"; contractRole = \"RPA\"; currency = \"EUR\"; portfolio = \"CORPORATE\"; dayCountConvention = \"A360\"; cycleOfRateReset = \"P3ML0\"; }; term = \"5Y\"; pricing = { type = \"floating\"; index = \"EUR_FOO\"; spread = 0.018; }; volume = { type = \"monthly\"; amounts = [1.0e6]; }; } ); };"
  "added file that does not exist|3|added contracts file|actions = ( { name = \"a\"; add = [\"missing.csv\"]; } );"
  "added contractID already in the balance sheet|3|already in the balance sheet (first: 'MTG-000001')|actions = ( { name = \"a\"; add = [\"dup.csv\"]; } );"
  "bad cell of an added file|3|column 'nominalInterestRate': value 'abc'|actions = ( { name = \"a\"; add = [\"badcell.csv\"]; } );"
)
plan $((${#cases[@]} * 4 + 15))
for c in "${cases[@]}"; do
  IFS='|' read -r name code text extra <<< "$c"
  { base; echo "$extra"; } > "$work/bad.cfg"
  for np in 1 3; do
    if [ "$np" = 1 ]; then timeout 120 "$BALLAST" validate "$work/bad.cfg" > "$work/log" 2>&1; rc=$?
    else timeout 120 "$MPIRUN" -np 3 "$BALLAST" validate "$work/bad.cfg" > "$work/log" 2>&1; rc=$?; fi
    is "$code" "$rc" "$name: exit $code on $np rank(s)"
    contains "$work/log" "$text" "$name: message on $np rank(s)"
  done
done
# file:line in a message
{ base; echo 'actions = ( { name = "a"; remove = ( { filter = { portfolio = "NOPE"; }; } ); } );'; } > "$work/bad.cfg"
n=$(wc -l < "$work/bad.cfg")
"$BALLAST" validate "$work/bad.cfg" > "$work/log" 2>&1
contains "$work/log" "$work/bad.cfg:$n:" "the message names file and line"

# a valid plan on the small fixture: summary, and run evaluates it
{ base; echo "actions = ( { name = \"swap\"; add_instruments = ( { $SWAP } ); }, { name = \"new_mtg\"; add = [\"added.csv\"]; }, { name = \"both\"; include = [\"swap\", \"new_mtg\"]; } );"
  echo 'limits = ( { name = "LCR"; metric = "lcr"; min = 1.0; warning = 1.2; } );'; } > "$work/plan.cfg"
timeout 120 "$MPIRUN" -np 3 "$BALLAST" validate "$work/plan.cfg" > "$work/log" 2>&1
ok $? "a valid plan passes validate on 3 ranks"
contains "$work/log" "combines swap new_mtg" "the summary shows the flattened include"
{ cat "$work/plan.cfg"; echo 'new_business = { horizon_months = 12; products = ( { name = "td"; terms = { contractType = "PAM"; contractRole = "RPL"; currency = "EUR"; portfolio = "RETAIL-DEPOSITS"; dayCountConvention = "A365"; }; term = "1Y"; pricing = { type = "fixed"; curve = "EUR_ESTR"; spread = 0.0; }; volume = { type = "monthly"; amounts = [1.0e6]; }; } ); };'; } > "$work/plannb.cfg"
timeout 300 "$BALLAST" run "$work/plannb.cfg" --output "$work/outnb" > "$work/log" 2>&1
is 0 $? "run evaluates the whole plan: actions, limits and new business (values: t_actions.sh, t_newbusiness.sh)"
ncdump -h "$work/outnb/alm.nc" > "$work/hdr" 2>&1
grep -q "double nii_path(" "$work/hdr" && grep -q "limit_status(" "$work/hdr" && grep -q "action = 4" "$work/hdr"
ok $? "... alm.nc has the NII paths, the limit statuses and the actions (none, swap, new_mtg, both)"

# the example's plan: config/example-plan.cfg = config/example.cfg line for line, then the plan
ex="$BALLAST_SOURCE_DIR/config/example.cfg" explan="$BALLAST_SOURCE_DIR/config/example-plan.cfg"
head -n "$(wc -l < "$ex")" "$explan" | cmp -s - "$ex"
ok $? "config/example-plan.cfg starts with config/example.cfg unchanged"
timeout 300 "$BALLAST" validate "$explan" > "$work/log" 2>&1
ok $? "config/example-plan.cfg with its plan is valid"
contains "$work/log" "plan: 6 actions, 3 new-business products over 36 months, 9 limits" "the example's plan summary"
# the rows of CONSUMER-LOANS-003 counted in the CSV itself (portfolio is the second column)
ncons=$(cut -d, -f2 "$BALLAST_SOURCE_DIR/config/example/contracts.csv" | grep -c '^CONSUMER-LOANS-003$')
contains "$work/log" "action exit_consumer_003      0 files (0 contracts), 0 instruments, 0 scale (0 matched), 1 remove ($ncons matched)" "the run-off action matches the $ncons contracts of CONSUMER-LOANS-003 (counted in the CSV)"
timeout 300 "$MPIRUN" -np 3 "$BALLAST" validate "$explan" > "$work/log3" 2>&1
ok $? "the example's plan is valid on 3 ranks"
[ "$(grep -E '^plan|^  ' "$work/log")" = "$(grep -E '^plan|^  ' "$work/log3")" ]
ok $? "the plan summary (matched counts) is the same on 1 and 3 ranks"

# ramp end to end (eve(action, scenario, currency) with currencies EUR, USD, GBP: field 4 = ramp_up_200, EUR): a zero-coupon bond (rate 0) of N = 1e6 maturing on the 5Y pillar date 2031-10-30
cat > "$work/zcb.csv" << 'CSV'
contractID,portfolio,contractType,contractRole,currency,statusDate,initialExchangeDate,maturityDate,notionalPrincipal,nominalInterestRate,dayCountConvention,accruedInterest
ZCB-1,BONDS,PAM,RPA,EUR,2026-10-30,2026-10-30,2031-10-30,1000000,0.0,A365,0
CSV
base | sed -e 's|contracts = \["contracts.csv"\]|contracts = ["zcb.csv"]|' -e 's|^scenarios = .*|scenarios = ["base", "ramp_up_200"];|' > "$work/ramp.cfg"
echo 'user_scenarios = ( { name = "ramp_up_200"; type = "ramp"; shift_bp = 200.0; ramp_months = 12; } );' >> "$work/ramp.cfg"
timeout 300 "$BALLAST" run "$work/ramp.cfg" > "$work/log" 2>&1
ok $? "a run with a ramp scenario"
eve2=$(ncdump -p 17,17 -v eve "$work/out/alm.nc" | sed -n '/^data:/,$p' | tr -d ' ;\n' | sed 's/.*eve=//; s/}//' | cut -d, -f4)
# t = 1826/365 (2026-10-30 .. 2031-10-30), z = 2.32 % (5Y pillar of EUR_ESTR), I = 0.02 (t - 0.5)
awk -v e="$eve2" 'BEGIN { t = 1826 / 365; want = 1e6 * exp(-0.0232 * t) * exp(-0.02 * (t - 0.5)); d = e - want; if (d < 0) d = -d;
  printf "# eve %.10f, by hand %.10f\n", e, want; exit !(d <= 1e-9 * want) }'
ok $? "EVE of the zero-coupon bond under ramp_up_200 = N DF(T) exp(-0.02 (T - 1/2)) by hand"
# the ramp with the small balance sheet on 1 and 3 ranks: the same alm.nc variables
base | sed -e 's|^scenarios = .*|scenarios = ["base", "parallel_up", "ramp_up_200"];|' > "$work/ramp8.cfg"
echo 'user_scenarios = ( { name = "ramp_up_200"; type = "ramp"; shift_bp = 200.0; ramp_months = 12; } );' >> "$work/ramp8.cfg"
timeout 300 "$BALLAST" run "$work/ramp8.cfg" --output "$work/r1" > "$work/log" 2>&1 &&
  timeout 300 "$MPIRUN" -np 3 "$BALLAST" run "$work/ramp8.cfg" --output "$work/r3" > "$work/log3" 2>&1
ok $? "the small balance sheet with a ramp runs on 1 and 3 ranks"
vars() { ncdump -p 17,17 -v eve,nii,eve_standardised "$1/alm.nc" | sed -n '/^data:/,$p'; }
[ -n "$(vars "$work/r1")" ] && [ "$(vars "$work/r1")" = "$(vars "$work/r3")" ]
ok $? "eve, nii, eve_standardised under the ramp identical on 1 and 3 ranks"
