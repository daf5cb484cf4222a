#!/usr/bin/env bash
# New business and NII paths (metrics.md "New business and NII paths", issue 11 items 3-6), expected
# values by hand in the Python below (no Ballast code): as-of 2026-10-15, a flat 3 % curve
# (continuously compounded), one product: a 1-year bullet (PAM, A365, interest at maturity) fixed
# at the scenario's par rate at origination, 1 M originated at each of 12 month ends. Its par rate
# at E_j is the simple forward over the year, r_j = (DF(E_j)/DF(E_j + 1Y) - 1)/tau_j; month m's NII
# = sum over the originations of N r_j tau_j x (days of the origination's year inside month m) /
# (days of its year): the loop is written below. Under ramp_up_200 (200 bp over 12 months) the
# factors are DF(t) = exp(-0.03 t - I(t)), I(t) = 0.02 t^2 / 2 (t <= 1), 0.02 (t - 1/2) after, so
# the origination rates rise month by month. balance_path of the product's portfolio = the book's
# 1,000 of cash + m x 1 M at month end m. A second product replaces the run-off of a portfolio
# (600,000 repaid in month 5) with 3 % growth a year at par + 10 bp. alm.nc identical on 1, 2, 3
# and 4 ranks. A payer swap in the book pays both legs on the same dates: the first 12 months of
# nii_path_constant still sum to nii.
source "$(dirname "$0")/tap.sh"
plan 18
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/contracts.csv" << 'CSV'
contractID,portfolio,contractType,contractRole,currency,statusDate,initialExchangeDate,maturityDate,notionalPrincipal,nominalInterestRate,dayCountConvention,cycleAnchorDateOfInterestPayment,cycleOfInterestPayment,accruedInterest,nominalInterestRate2,marketObjectCodeOfRateReset,cycleAnchorDateOfRateReset,cycleOfRateReset
CASH-1,LOANS,CSH,RPA,EUR,2026-10-15,2026-10-15,,1000,,A365,,,,,,,
BOND-1,BONDS,PAM,RPA,EUR,2026-10-15,2024-10-15,2029-10-15,2000000,0.025,30E360,2025-10-15,P1YL1,0,,,,
BOND-2,BONDS2,PAM,RPL,EUR,2026-10-15,2025-04-15,2028-04-15,1500000,0.02,A365,2026-04-15,P6ML1,0,,,,
LOAN-R,RUNOFF,PAM,RPA,EUR,2026-10-15,2026-03-15,2027-03-15,600000,0.03,A365,,,0,,,,
SWAP-1,HEDGES,SWPPV,PFL,EUR,2026-10-15,2025-04-15,2030-04-15,1000000,0.02,A365,2025-10-15,P6ML1,0,0.025,EUR_OIS,2025-10-15,P6ML1
CSV
{
  echo "curveID,currency,tenor,rate"
  for t in ON 1M 3M 6M 1Y 2Y 5Y 10Y 20Y 30Y; do echo "EUR_OIS,EUR,$t,0.03"; done
} > "$work/curves.csv"
printf 'currency,rate\nEUR,1.0\n' > "$work/fx.csv"
cat > "$work/run.cfg" << CFG
run = { name = "newbiz"; as_of = "2026-10-15"; reporting_currency = "EUR"; group = "BANK"; };
input = { contracts = ["contracts.csv"]; curves = "curves.csv"; fx = "fx.csv"; };
output = { dir = "$work/out"; };
regime = "$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg";
scenarios = ["base", "parallel_up", "ramp_up_200"];
user_scenarios = ( { name = "ramp_up_200"; type = "ramp"; shift_bp = 200.0; ramp_months = 12; } );
discount_curves = { EUR = "EUR_OIS"; };
capital = { tier1 = 1.0e8; };
nii = { horizon_months = 12; };
new_business = {
  horizon_months = 12;
  products = (
    { name = "loans_1y"; terms = { contractType = "PAM"; contractRole = "RPA"; currency = "EUR"; portfolio = "LOANS"; dayCountConvention = "A365"; };
      term = "1Y"; pricing = { type = "fixed"; curve = "EUR_OIS"; spread = 0.0; };
      volume = { type = "monthly"; amounts = [1.0e6]; }; },
    { name = "renew"; terms = { contractType = "PAM"; contractRole = "RPA"; currency = "EUR"; portfolio = "RUNOFF"; dayCountConvention = "A365"; };
      term = "1Y"; pricing = { type = "fixed"; curve = "EUR_OIS"; spread = 0.001; };
      volume = { type = "replace"; portfolio = "RUNOFF"; growth = 0.03; }; }
  );
};
CFG
timeout 300 "$BALLAST" run "$work/run.cfg" --contractual > "$work/log" 2>&1
ok $? "a run with a new-business plan (no longer refused)"
[ $? -eq 0 ] || sed 's/^/# /' "$work/log" | tail -20
contains "$work/log" "NII paths over 12 months" "the summary shows the NII paths"
sed -n '/NII paths over/,/^ramp/p' "$work/log" | sed 's/^/# /'
ncdump -p 17,17 -v portfolio_name,nii_path,nii_path_runoff,nii_path_constant,balance_path,month_end,eve,nii "$work/out/alm.nc" | sed -n '/^data:/,$p' > "$work/data"
python3 - "$work/data" > "$work/checks" << 'PY'
import math, re, sys
from datetime import date, timedelta
text = open(sys.argv[1]).read()
def var(name):
    m = re.search(r'\n ' + name + r' =(.*?);', text, re.S)
    return [x.strip() for x in m.group(1).replace('\n', ' ').split(',')]
names = [x.strip('" ') for x in var('portfolio_name')]
path = [float(x) for x in var('nii_path')]; runoff = [float(x) for x in var('nii_path_runoff')]
bal = [float(x) for x in var('balance_path')]; mend = [float(x) for x in var('month_end')]
P, M = len(names), 12
asof = date(2026, 10, 15)
def addm(d, n):
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, d.day)
E = [addm(asof, m) for m in range(0, M + 1)]
def DF(d, scen):
    t = (d - asof).days / 365.0
    if scen == "ramp_up_200": I = 0.02 * t * t / 2 if t <= 1 else 0.02 * (t - 0.5)
    elif scen == "parallel_up": I = 0.02 * t
    else: I = 0.0
    return math.exp(-0.03 * t - I)
out = []
def check(good, what): out.append(("ok" if good else "not ok") + " - " + what)
check(mend == [float((E[m] - asof).days) for m in range(1, M + 1)], "month_end: days from the as-of date to each month end")
for s, scen in enumerate(["base", "parallel_up", "ramp_up_200"]):
    want = [0.0] * M; rates = []
    # 1 M a month of loans_1y; renew replaces RUNOFF's 600,000 repaid on 2027-03-15 (month 5) x 1.03^(5/12), at par + 10 bp
    orig = [(j, 1e6, 0.0) for j in range(1, M + 1)] + [(5, 600000 * 1.03 ** (5 / 12), 0.001)]
    for j, N, spread in orig:
        a, b = E[j], addm(E[j], 12); tau = (b - a).days / 365.0
        r = (DF(a, scen) / DF(b, scen) - 1) / tau
        if spread == 0.0: rates.append(r)
        I = N * (r + spread) * tau
        for m in range(1, M + 1):
            lo, hi = max(E[m - 1], a), min(E[m], b)
            if hi > lo: want[m - 1] += I * (hi - lo).days / (b - a).days
    seen = [path[s * M + m] - runoff[s * M + m] for m in range(M)]
    err = max(abs(w - x) for w, x in zip(want, seen))
    check(err <= 1e-6, "%s: new business's nii_path month by month by hand (max error %.2e; month 12 %.4f)" % (scen, err, want[-1]))
    if scen == "ramp_up_200":
        check(all(rates[i + 1] > rates[i] for i in range(M - 1)), "ramp_up_200: the origination rates rise month by month (%.4f %% .. %.4f %%)" % (100 * rates[0], 100 * rates[-1]))
    lo = names.index("LOANS")
    bw = [1000 + 1e6 * m for m in range(1, M + 1)]
    bs = [bal[(s * M + m) * P + lo] for m in range(M)]
    check(max(abs(a - b) for a, b in zip(bw, bs)) <= 1e-6, "%s: balance_path(LOANS) = 1,000 + m x 1 M" % scen)
    ro = names.index("RUNOFF")
    bw = [600000.0] * 4 + [600000 * 1.03 ** (5 / 12)] * 8
    bs = [bal[(s * M + m) * P + ro] for m in range(M)]
    check(max(abs(a - b) for a, b in zip(bw, bs)) <= 1e-6, "%s: balance_path(RUNOFF): the book's 600,000 to month 4, then its run-off replaced x 1.03^(5/12) (%.2f)" % (scen, bs[-1]))
cons = [float(x) for x in var('nii_path_constant')]; nii = [float(x) for x in var('nii')]
for s, scen in enumerate(["base", "parallel_up", "ramp_up_200"]):
    tot = sum(cons[s * M + m] for m in range(12))
    check(abs(tot - nii[s]) <= 1e-9 * abs(nii[s]), "%s: the first 12 months of nii_path_constant sum to nii (%.6f, %.6f)" % (scen, tot, nii[s]))
print("\n".join(out))
PY
while IFS= read -r line; do
  case "$line" in
    "ok - "*) ok 0 "${line#ok - }" ;;
    "not ok - "*) ok 1 "${line#not ok - }" ;;
  esac
done < "$work/checks"
v() { ncdump -p 17,17 -v eve,nii,nii_path,nii_path_runoff,nii_path_constant,balance_path "$1/alm.nc" | sed -n '/^data:/,$p'; }
same=0
for n in 2 3 4; do
  timeout 300 "$MPIRUN" -np $n "$BALLAST" run "$work/run.cfg" --contractual --output "$work/out$n" > "$work/log$n" 2>&1 || same=1
  [ -n "$(v "$work/out")" ] && [ "$(v "$work/out")" = "$(v "$work/out$n")" ] || same=1
done
ok $same "eve, nii, nii_path, nii_path_runoff, balance_path identical on 1, 2, 3 and 4 ranks"
# new business does not enter EVE: the same run without the plan has the same eve
sed '/^new_business/,$d' "$work/run.cfg" > "$work/nonb.cfg"
timeout 300 "$BALLAST" run "$work/nonb.cfg" --contractual --output "$work/outn" > "$work/logn" 2>&1
e() { ncdump -p 17,17 -v eve,nii "$1/alm.nc" | sed -n '/^data:/,$p'; }
[ "$(e "$work/out")" = "$(e "$work/outn")" ]
ok $? "eve and nii are the same without the plan (new business is not a run-off measure)"
