#!/usr/bin/env bash
# Management actions evaluated incrementally = a full run on the changed balance sheet (issue 11
# items 1, 2, 6; docs/planning.md "Evaluation"). The small fixture runs with four actions (add a
# contract from a file; scale CORPORATE by 0.5; remove the Bund by a filter; all three combined by
# include); a second balance sheet per action is the contract CSV edited here by awk, run without
# actions (plus two scales of one contract, which multiply, and a scale followed by a removal, which
# removes). Every variable over action (slot a of the incremental run against slot 0 of the full
# run) agrees to 1e-12 of the variable's largest magnitude, on 1 and 3 ranks: the incremental run
# adds the old version with weight -1 and the new one with +1 to the balance sheet's per-portfolio
# sums, so the additions happen in another order than in the full run and the last bits differ
# (each run on its own is bitwise identical on any number of ranks, checked too). By hand:
# scaling CORPORATE by 0.5 halves its eve_portfolio contribution.
source "$(dirname "$0")/tap.sh"
work=$(mktemp -d)
trap '[ -n "$KEEP" ] || rm -rf "$work"' EXIT
fix="$BALLAST_SOURCE_DIR/tests/data/small"
cp "$fix"/contracts.csv "$fix"/curves.csv "$fix"/fx.csv "$work"/
base() { sed -e "s|/tmp/ballast-small|$work/out|" -e "s|^regime = .*|regime = \"$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg\";|" "$fix/run.cfg"; }
hdr=$(head -1 "$fix/contracts.csv")
# the added contract: a second mortgage in RETAIL-MORTGAGES (the first one's terms, 100k notional)
col() { awk -F, -v n="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) print i }' "$fix/contracts.csv"; }
cN=$(col notionalPrincipal) cA=$(col accruedInterest) cP=$(col nextPrincipalRedemptionPayment) cU=$(col undrawnCommitment)
sed -n 2p "$fix/contracts.csv" | awk -F, -v OFS=, -v n="$cN" -v a="$cA" -v p="$cP" '{ $1 = "MTG-NEW-1"; $n = 100000; $a = 89.59; $p = 561.51; print }' > "$work/row.csv"
printf '%s\n' "$hdr" > "$work/added.csv"; cat "$work/row.csv" >> "$work/added.csv"
# the changed balance sheets
cat "$fix/contracts.csv" "$work/row.csv" > "$work/c_add.csv"
scale() { awk -F, -v OFS=, -v CONVFMT=%.17g -v OFMT=%.17g -v n="$cN" -v a="$cA" -v p="$cP" -v u="$cU" '$2 == "CORPORATE" { $n = $n * 0.5; $a = $a * 0.5; if ($p != "") $p = $p * 0.5; if ($u != "") $u = $u * 0.5 } { print }' "$1"; }
scale "$fix/contracts.csv" > "$work/c_scale.csv"
grep -v '^BOND-DE-2031,' "$fix/contracts.csv" > "$work/c_remove.csv"
scale "$work/c_add.csv" | grep -v '^BOND-DE-2031,' > "$work/c_all.csv"
# two scales of the same contract multiply; a scale then a removal removes
scale "$work/c_scale.csv" > "$work/c_quarter.csv"
awk -F, -v OFS=, -v CONVFMT=%.17g -v OFMT=%.17g -v n="$cN" -v a="$cA" '$1 == "CASH-ECB" { $n = $n * 0.5; if ($a != "") $a = $a * 0.5 } $1 != "BOND-DE-2031" { print }' "$fix/contracts.csv" > "$work/c_scale_then_remove.csv"
{ base
  echo 'actions = ( { name = "add_mortgage"; add = ["added.csv"]; },'
  echo '            { name = "halve_corporate"; scale = ( { filter = { portfolio = "CORPORATE"; }; factor = 0.5; } ); },'
  echo '            { name = "sell_bund"; remove = ( { filter = { portfolio = "TREASURY-HQLA"; contractType = "PAM"; }; } ); },'
  echo '            { name = "all"; include = ["add_mortgage", "halve_corporate", "sell_bund"]; },'
  echo '            { name = "quarter"; scale = ( { filter = { portfolio = "CORPORATE"; }; factor = 0.5; }, { filter = { contractType = "LAM"; }; factor = 0.5; } ); },'
  echo '            { name = "scale_then_remove"; scale = ( { filter = { portfolio = "TREASURY-HQLA"; }; factor = 0.5; } ); remove = ( { filter = { portfolio = "TREASURY-HQLA"; contractType = "PAM"; }; } ); } );'
  echo 'limits = ( { name = "LCR"; metric = "lcr"; min = 1.0; warning = 1.2; }, { name = "EUR PV01"; metric = "pv01"; currency = "EUR"; max_abs = 1.0e5; } );'
} > "$work/act.cfg"
for k in add scale remove all quarter scale_then_remove; do base | sed "s|contracts = \[\"contracts.csv\"\]|contracts = [\"c_$k.csv\"]|" > "$work/full_$k.cfg"; done

vars="eve eve_standardised delta_eve nii delta_nii eve_loss delta_eve_weighted delta_nii_weighted eve_portfolio nii_portfolio pv01 key_rate_pv01 repricing_gap liquidity_inflow liquidity_outflow liquidity_stressed_inflow liquidity_stressed_outflow counterbalancing_capacity survival_days lcr hqla lcr_outflows lcr_inflows nsfr asf rsf"
# values of a variable, one per line
vals() { ncdump -p 17,17 -v "$2" "$1" | sed -n '/^data:/,$p' | awk -v v=" $2 =" 'index($0, v) == 1 { on = 1; sub(v, "") } on { print; if ($0 ~ /;/) exit }' | sed 's/;//' | tr ',' '\n' | tr -d ' ' | grep -v '^$'; }
# slot a of n of a variable
slot() { vals "$1" "$2" > "$work/v"; [ -n "$4" ] && [ "$4" -gt 0 ] || return 1; awk -v a="$3" -v n="$4" '{ x[NR] = $0 } END { m = NR / n; for (i = a * m + 1; i <= (a + 1) * m; i++) print x[i] }' "$work/v"; }
# same numbers to 1e-12 of the largest magnitude (non-numbers: the same text)
# close X Y [SCALE]: SCALE raises the scale (the EVE of the slot for the differences of EVEs below)
close() { paste "$1" "$2" | awk -v s="${3:-0}" '{ a[NR] = $1; b[NR] = $2; v = $1 + 0; if (v < 0) v = -v; if (v > s && $1 ~ /^[-0-9.e+]+$/) s = v }
  END { if (NR == 0) exit 1; for (i = 1; i <= NR; i++) { if (a[i] !~ /^[-0-9.e+]+$/ || b[i] !~ /^[-0-9.e+]+$/) { if (a[i] != b[i]) { print "# " i ": " a[i] " vs " b[i]; exit 1 } continue }
    d = a[i] - b[i]; if (d < 0) d = -d; if (d > 1e-12 * s) { printf "# element %d: %s vs %s (scale %g)\n", i, a[i], b[i], s; exit 1 } } }'; }

plan 22
timeout 300 "$BALLAST" run "$work/act.cfg" --output "$work/a1" > "$work/log1" 2>&1
ok $? "a run with four actions and two limits on 1 rank"
timeout 300 "$MPIRUN" -np 3 "$BALLAST" run "$work/act.cfg" --output "$work/a3" > "$work/log3" 2>&1
ok $? "the same on 3 ranks"
all() { for v in $vars limit_value limit_status; do ncdump -p 17,17 -v "$v" "$1/alm.nc" | sed -n '/^data:/,$p'; done; }
[ -n "$(all "$work/a1")" ] && [ "$(all "$work/a1")" = "$(all "$work/a3")" ]
ok $? "every variable over action bitwise identical on 1 and 3 ranks"
slots=$(ncdump -h "$work/a1/alm.nc" | sed -n "s/^[[:space:]]*action = \([0-9]*\) ;.*/\1/p")
is 7 "$slots" "the action dimension: none and the six actions"
ncdump -v action_name "$work/a1/alm.nc" | tr -d '\n' | tr -s ' ' | grep -q 'action_name = "none", "add_mortgage", "halve_corporate", "sell_bund", "all", "quarter", "scale_then_remove" ;'
ok $? "action_name: none first, then the configured order"
a=1
for k in add scale remove all quarter scale_then_remove; do
  timeout 300 "$BALLAST" run "$work/full_$k.cfg" --output "$work/f_$k" > "$work/logf" 2>&1 || { ok 1 "full run $k"; continue; }
  bad=""
  for r in a1 a3; do
    # EVE of scenario-invariant contracts is summed per day table (docs/kernel.md): its last bits
    # differ from the incremental run's, so the differences of EVEs (PV01, deltas) agree to 1e-12
    # of the slot's largest |eve|, not of their own magnitude (below one unit in EVE's last place)
    es=$(slot "$work/$r/alm.nc" eve "$a" "$slots" | awk '{ v = $1 + 0; if (v < 0) v = -v; if (v > m) m = v } END { printf "%.17g", m }')
    for v in $vars; do
      slot "$work/$r/alm.nc" "$v" "$a" "$slots" > "$work/x"; vals "$work/f_$k/alm.nc" "$v" > "$work/y"
      case $v in delta_eve | eve_loss | delta_eve_weighted | pv01 | key_rate_pv01) sc=$es ;; *) sc=0 ;; esac
      close "$work/x" "$work/y" "$sc" > "$work/why" || bad="$bad $r:$v$(cat "$work/why")"
    done
  done
  [ -z "$bad" ]; ok $? "action $k (slot $a) = the full run on the changed balance sheet, every variable, 1 and 3 ranks to 1e-12${bad:+ (differs:$bad)}"
  a=$((a + 1))
done
# by hand: halving CORPORATE halves its eve_portfolio (action 2) and leaves the other portfolios
np=$(ncdump -h "$work/a1/alm.nc" | sed -n "s/^[[:space:]]*portfolio = \([0-9]*\) ;.*/\1/p")
pc=$(ncdump -v portfolio_name "$work/a1/alm.nc" | sed -n '/^data:/,$p' | tr -d '\n' | sed 's/.*portfolio_name = //; s/;.*//' | tr ',' '\n' | grep -n CORPORATE | cut -d: -f1)
vals "$work/a1/alm.nc" eve_portfolio > "$work/ep"
ns=$(ncdump -h "$work/a1/alm.nc" | sed -n "s/^[[:space:]]*scenario = \([0-9]*\) ;.*/\1/p")
e0=$(sed -n "$((pc))p" "$work/ep"); e2=$(sed -n "$((2 * ns * np + pc))p" "$work/ep")
awk -v a="$e0" -v b="$e2" 'BEGIN { d = b - a / 2; if (d < 0) d = -d; printf "# CORPORATE eve_portfolio %s, halved %s\n", a, b; exit !(a != 0 && d <= 1e-12 * (a < 0 ? -a : a)) }'
ok $? "scaling CORPORATE by 0.5 halves its base eve_portfolio"
o0=$(awk -v pc="$pc" -v np="$np" 'NR <= np && NR != pc { s += $1 } END { printf "%.6f", s }' "$work/ep")
o2=$(awk -v pc="$pc" -v np="$np" -v off=$((2 * ns * np)) 'NR > off && NR <= off + np && NR - off != pc { s += $1 } END { printf "%.6f", s }' "$work/ep")
is "$o0" "$o2" "the other portfolios' base eve_portfolio unchanged by the scale"
# limits: values and statuses by hand from the run's own lcr and pv01
lcr0=$(slot "$work/a1/alm.nc" lcr 0 "$slots"); st=$(vals "$work/a1/alm.nc" limit_status | head -1)
exp=$(awk -v l="$lcr0" 'BEGIN { print (l < 1.0) ? 2 : (l < 1.2) ? 1 : 0 }')
is "$exp" "$st" "limit LCR of none: status from lcr $lcr0 against min 1.0, warning 1.2"
contains "$work/log1" "management actions: change against none" "the summary's action table"
contains "$work/log1" "limits (rows) per action (columns)" "the summary's limit table"
grep -E '^LCR +(green|amber|red)' "$work/log1" > /dev/null
ok $? "limit statuses in words"
timeout 300 "$BALLAST" report "$work/a1" > "$work/logr" 2>&1 && grep -q '^halve_corporate,' "$work/a1/alco/actions.csv" && grep -q '^limit,LCR,sell_bund,' "$work/a1/alco/traffic_lights.csv"
ok $? "the ALCO report of a run with actions: the actions table and the limits per action"

# a par payer swap (instrument, rate = "par") on a flat 2 % curve: zero base EVE (1e-8 x N) and the
# PV01 by hand. Annual A365 fixed and floating legs, 5 years from the as-of date; the floating
# coupons are the curve's ACT/365 simple forwards, so the floating leg with the notional at
# maturity is worth N; the first coupon is fixed when traded at the base forward F0 = (1/DF_1 - 1)/tau_1,
# so V = N (tau_1 F0 DF_1 + DF_1 - DF_T) - r N sum tau_i DF_i with r = (1 - DF_T) / sum tau_i DF_i
# (par: V = 0), and the +1 bp parallel bump (DF' = DF exp(-1e-4 t), F0 kept) gives PV01 = V(DF') - V(DF).
{ echo "curveID,currency,tenor,rate"; for c in EUR_ESTR EUR_EURIBOR3M EUR_EURIBOR6M; do for t in ON 1M 3M 6M 1Y 2Y 5Y 10Y 30Y; do echo "$c,EUR,$t,0.02"; done; done; } > "$work/flat.csv"
{ base | sed 's|curves = "curves.csv"|curves = "flat.csv"|'
  echo 'actions = ( { name = "payer_swap"; add_instruments = ( { terms = { contractType = "SWPPV"; contractRole = "PFL"; currency = "EUR"; portfolio = "NEW-HEDGES"; notionalPrincipal = 1.0e8;'
  echo '   dayCountConvention = "A365"; cycleOfInterestPayment = "P1YL0"; cycleOfRateReset = "P1YL0"; marketObjectCodeOfRateReset = "EUR_ESTR"; }; start = "2026-10-30"; term = "5Y"; rate = "par"; spread = 0.0; } ); } );'
} > "$work/swap.cfg"
timeout 300 "$MPIRUN" -np 2 "$BALLAST" run "$work/swap.cfg" --output "$work/sw" > "$work/logs" 2>&1
ok $? "a par payer swap as an action (new portfolio NEW-HEDGES) runs on 2 ranks"
[ -f "$work/sw/alm.nc" ] || { diag "no alm.nc of the swap run"; tail -5 "$work/logs"; }
nc=$(ncdump -h "$work/sw/alm.nc" | sed -n "s/^[[:space:]]*currency = \([0-9]*\) ;.*/\1/p")
ns=$(ncdump -h "$work/sw/alm.nc" | sed -n "s/^[[:space:]]*scenario = \([0-9]*\) ;.*/\1/p")
vals "$work/sw/alm.nc" eve > "$work/e"; vals "$work/sw/alm.nc" pv01 > "$work/p"
eur=1 # currency index of EUR (fx.csv order: EUR first)
sweve=$(awk -v o=$((ns * nc + eur)) -v b=$eur 'NR == b { x = $1 } NR == o { y = $1 } END { printf "%.6f", y - x }' "$work/e")
awk -v v="$sweve" 'BEGIN { printf "# base EVE of the par swap %s EUR\n", v; exit !(v != "" && v < 1.0 && v > -1.0 && v + 0 == v) }' && [ -f "$work/sw/alm.nc" ]
ok $? "the par payer swap's base EVE is zero to 1e-8 x notional"
swpv01=$(awk -v o=$((nc + eur)) -v b=$eur 'NR == b { x = $1 } NR == o { y = $1 } END { printf "%.10f", y - x }' "$work/p")
days=""; prev=$(date -u -d 2026-10-30 +%s); t0=$prev
for y in 2027 2028 2029 2030 2031; do d=$(date -u -d "$y-10-30" +%s); days="$days $(( (d - prev) / 86400 )):$(( (d - t0) / 86400 ))"; prev=$d; done
want=$(echo "$days" | tr ' ' '\n' | grep . | awk -F: -v N=1e8 '{ tau[NR] = $1 / 365; t[NR] = $2 / 365; n = NR }
  END { for (k = 0; k < 2; k++) { s = 0; for (i = 1; i <= n; i++) { df = exp(-0.02 * t[i] - k * 1e-4 * t[i]); s += tau[i] * df; if (i == n) dT = df }
          d1 = exp(-0.02 * t[1] - k * 1e-4 * t[1]); if (k == 0) F0 = (1 / d1 - 1) / tau[1]
          fl = tau[1] * F0 * d1 + d1 - dT
          if (k == 0) { r = fl / s; v0 = N * (fl - r * s) } else v1 = N * (fl - r * s) }
        printf "%.10f", v1 - v0 }')
awk -v a="$swpv01" -v b="$want" 'BEGIN { d = a - b; if (d < 0) d = -d; printf "# swap PV01 %s, by hand %s EUR per bp\n", a, b; exit !(d <= 1e-9 * (b < 0 ? -b : b)) }'
ok $? "the par payer swap's PV01 = the hand calculation (annuity, first fixing, notional) to 1e-9"
grep -q NEW-HEDGES <(ncdump -v portfolio_name "$work/sw/alm.nc")
ok $? "the swap's new portfolio joins the portfolio dimension"
