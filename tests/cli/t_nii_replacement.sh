#!/usr/bin/env bash
# NII replacement at the par rate with margins, and reserves (metrics.md "NII", issue 10 item 1),
# expected values by hand in the Python below (no Ballast code): a flat 3 % curve (continuously
# compounded), as-of 2026-10-15, horizon 2027-10-15, 30E/360 (every month is 1/12), scenarios
# base and parallel_up (+200 bp on EUR, bcbs-2016).
#  BONDS:     a 4 % annual-coupon bullet, 2023-04-15 .. 2027-04-15 (term 1461 days), 1 M, accrued
#             20,000 at the as-of date: NII = its coupon less the accrual before the as-of date,
#             plus 1 M replaced on 2027-04-15 (a month end) for 6 months at the par rate of a 4-year
#             annual bullet started there, r = (1 - D_4)/sum D_i, plus its own margin 4 % minus the
#             base par rate at the as-of date for the same term;
#  MORTGAGES: a 3.5 % monthly annuity, 500,000 outstanding, 120 instalments left (term 20 years,
#             7305 days), each month's principal replaced for the rest of the horizon at the par
#             rate of a 20-year monthly annuity started at that month end (solved here by bisection
#             on A(r) sum D_k = 1) plus the configured margin 1.2 % (nii.margins by filter);
#  CENTRAL:   10 M of central-bank reserves (CSH, A365) at nii.reserves_rate EUR 2 %, moved by the
#             1M zero-rate change (+200 bp under parallel_up): 200,000 and 400,000.
# alm.nc: nii_margin_source 0 / 1 / 0 and nii_margin NaN / 0.012 / NaN; reserves in the overnight
# bucket of the repricing gap; the same alm.nc on 1 and 3 ranks.
source "$(dirname "$0")/tap.sh"
plan 11
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/contracts.csv" << 'CSV'
contractID,portfolio,contractType,contractRole,currency,statusDate,initialExchangeDate,maturityDate,notionalPrincipal,nominalInterestRate,dayCountConvention,cycleAnchorDateOfInterestPayment,cycleOfInterestPayment,cycleAnchorDateOfPrincipalRedemption,cycleOfPrincipalRedemption,accruedInterest
BUL-1,BONDS,PAM,RPA,EUR,2026-10-15,2023-04-15,2027-04-15,1000000,0.04,30E360,2024-04-15,P1YL1,,,20000
ANN-1,MORTGAGES,ANN,RPA,EUR,2026-10-15,2016-10-15,2036-10-15,500000,0.035,30E360,2016-11-15,P1ML1,2016-11-15,P1ML1,0
RES-1,CENTRAL,CSH,RPA,EUR,2026-10-15,2026-10-15,,10000000,,A365,,,,,
CSV
{
  echo "curveID,currency,tenor,rate"
  for t in ON 1M 3M 6M 1Y 2Y 5Y 10Y 20Y 30Y 50Y; do echo "EUR_OIS,EUR,$t,0.03"; done
} > "$work/curves.csv"
printf 'currency,rate\nEUR,1.0\n' > "$work/fx.csv"
cat > "$work/run.cfg" << CFG
run = { name = "niipar"; as_of = "2026-10-15"; reporting_currency = "EUR"; group = "BANK"; };
input = { contracts = ["contracts.csv"]; curves = "curves.csv"; fx = "fx.csv"; };
output = { dir = "$work/out"; };
regime = "$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg";
scenarios = ["base", "parallel_up"];
discount_curves = { EUR = "EUR_OIS"; };
capital = { tier1 = 1.0e8; };
nii = { horizon_months = 12;
        margins = ( { filter = { portfolio = "MORTGAGES"; }; margin = 0.012; } );
        reserves_rate = { EUR = 0.02; }; };
CFG
timeout 300 "$BALLAST" run "$work/run.cfg" --contractual > "$work/log" 2>&1
ok $? "a run with nii.margins and nii.reserves_rate (no longer refused)"
[ $? -eq 0 ] || sed 's/^/# /' "$work/log" | tail -20
ncdump -p 17,17 -v portfolio_name,nii_portfolio,nii_margin_source,nii_margin,repricing_gap "$work/out/alm.nc" | sed -n '/^data:/,$p' > "$work/data"
python3 - "$work/data" > "$work/checks" << 'PY'
import math, re, sys
from datetime import date
text = open(sys.argv[1]).read()
def var(name):
    m = re.search(r'\b' + name + r' =(.*?);', text, re.S)
    return [x.strip() for x in m.group(1).replace('\n', ' ').split(',')]
names = [x.strip('" ') for x in var('portfolio_name')]
niip = [float(x) for x in var('nii_portfolio')]          # (action, scenario, portfolio)
src = var('nii_margin_source'); mg = var('nii_margin')
gap = [float(x) for x in var('repricing_gap')]           # (currency, bucket)
P = len(names)
asof = date(2026, 10, 15)
def days(d): return (d - asof).days
def addm(d, n):
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, d.day)
def D(d, s, z): return math.exp(-z * (days(d) - days(s)) / 365.0)
def bullet_par(s, years, z):
    return (1 - D(addm(s, 12 * years), s, z)) / sum(D(addm(s, 12 * i), s, z) for i in range(1, years + 1))
def ann_par(s, n, z):
    Dk = sum(D(addm(s, k), s, z) for k in range(1, n + 1))
    lo, hi = 0.0, 0.5
    for _ in range(200):
        r = 0.5 * (lo + hi); q = r / 12
        A = q / (1 - (1 + q) ** -n)
        if A * Dk > 1: hi = r
        else: lo = r
    return 0.5 * (lo + hi)
out = []
def check(want, seen, tol, what):
    good = abs(want - seen) <= tol * max(1.0, abs(want))
    out.append(("ok" if good else "not ok") + " - %s: by hand %.6f, alm.nc %.6f" % (what, want, seen))
for s, (scen, z) in enumerate([("base", 0.03), ("parallel_up", 0.05)]):
    # bullet: coupon 40,000 on 2027-04-15 less 20,000 accrued before the as-of date; replacement 6 months
    d = date(2027, 4, 15)
    par = bullet_par(d, 4, z); m = 0.04 - bullet_par(asof, 4, 0.03)
    fwd = (1 / D(addm(d, 48), d, z) - 1) / (1461 / 365.0)
    want = 40000 - 20000 + 1e6 * (par + m) * 0.5
    check(want, niip[s * P + names.index("BONDS")], 1e-12, "%s BONDS nii (bullet replaced at par %.4f %% + own margin %.4f %%; the old simple forward %.4f %% would give %.2f)" % (scen, 100 * par, 100 * m, 100 * fwd, 40000 - 20000 + 1e6 * (fwd + 0.04 - (1 / D(addm(asof, 48), asof, 0.03) - 1) / (1461 / 365.0)) * 0.5))
    # annuity: 120 instalments left, interest monthly, principal replaced until the horizon
    N, q = 500000.0, 0.035 / 12
    A = N * q / (1 - (1 + q) ** -120)
    nii = 0.0; p1 = None
    for k in range(1, 13):
        I = N * q; P_k = A - I; N -= P_k; nii += I
        if k < 12:
            par = ann_par(addm(asof, k), 240, z)
            if k == 1: p1 = par
            nii += P_k * (par + 0.012) * (12 - k) / 12.0
    check(nii, niip[s * P + names.index("MORTGAGES")], 1e-12, "%s MORTGAGES nii (annuity principal replaced at the 20-year annuity par rate, %.4f %% in month 1, + 1.2 %% configured)" % (scen, 100 * p1))
    check(1e7 * (0.02 + (z - 0.03)) * 1.0, niip[s * P + names.index("CENTRAL")], 1e-12, "%s CENTRAL nii: reserves at 2 %% + the short-end shock" % scen)
print("\n".join(out))
i = names.index("MORTGAGES"); j = names.index("BONDS")
print(("ok" if float(src[i]) == 1 and abs(float(mg[i]) - 0.012) < 1e-15 else "not ok") + " - nii_margin_source(MORTGAGES) = 1, nii_margin = 0.012 (%s, %s)" % (src[i], mg[i]))
print(("ok" if float(src[j]) == 0 and mg[j] in ("NaN", "nan", "_") else "not ok") + " - nii_margin_source(BONDS) = 0, nii_margin NaN (%s, %s)" % (src[j], mg[j]))
print(("ok" if abs(gap[0] - 1e7) < 1e-6 else "not ok") + " - repricing_gap: the reserves in the overnight bucket (%.2f)" % gap[0])
PY
while IFS= read -r line; do
  case "$line" in
    "ok - "*) ok 0 "${line#ok - }" ;;
    "not ok - "*) ok 1 "${line#not ok - }" ;;
  esac
done < "$work/checks"
timeout 300 "$MPIRUN" -np 3 "$BALLAST" run "$work/run.cfg" --contractual --output "$work/out3" > "$work/log3" 2>&1
v() { ncdump -p 17,17 -v nii,nii_portfolio,nii_margin_source,nii_margin,repricing_gap "$1/alm.nc" | sed -n '/^data:/,$p'; }
[ -n "$(v "$work/out")" ] && [ "$(v "$work/out")" = "$(v "$work/out3")" ]
ok $? "nii, nii_portfolio, margins and gap identical on 1 and 3 ranks"
