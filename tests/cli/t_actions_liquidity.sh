#!/usr/bin/env bash
# Forward starts settling inside the LCR window (docs/planning.md "Forward starts in the liquidity
# metrics"): a contract whose initial exchange falls inside the 30-day window counts as settled on
# the as-of date: its price moves the Level 1 stock (at its base value), a security bought is in
# the stock at the value of its flows after settlement, and the exchange is no LCR flow. By hand on
# a flat 3 % curve (continuous, ACT/365, DF(t) = exp(-0.03 t)), as-of 2026-10-15, settlement
# 2026-10-31 (16 days): a zero-coupon Level 1 bond (PAM at 0 %) of 1 M maturing 2027-10-31 (381 days)
# bought at par, and a 1 M 3-year issue settling the same day:
#   bond only:  HQLA + 1 M DF(381/365) - 1 M DF(16/365)   (cash paid for the bond)
#   issue only: HQLA + 1 M DF(16/365)                       (cash received)
#   both:       HQLA + 1 M DF(381/365)                      (HQLA bought with term funding)
# LCR outflows and inflows unchanged (before: the price was a 100 % outflow and the bond not in
# the stock, so the bond funded by the issue lowered the LCR). The same bond settling after the
# window (day 46) still pays its price outside the window: HQLA + its forward value only.
source "$(dirname "$0")/tap.sh"
plan 7
work=$(mktemp -d)
trap '[ -n "$KEEP" ] || rm -rf "$work"' EXIT
hdr='contractID,portfolio,contractType,contractRole,currency,statusDate,initialExchangeDate,maturityDate,notionalPrincipal,nominalInterestRate,dayCountConvention,cycleAnchorDateOfInterestPayment,cycleOfInterestPayment,accruedInterest,counterpartyType,hqlaLevel'
cat > "$work/contracts.csv" << CSV
$hdr
CASH-1,TREASURY,CSH,RPA,EUR,2026-10-15,2026-10-15,,5000000,,A365,,,,central_bank,1
DEP-1,FUNDING,PAM,RPL,EUR,2026-10-15,2026-09-15,2026-11-05,3000000,0.02,A365,,,2465.75342465753,financial,
LOAN-1,LOANS,PAM,RPA,EUR,2026-10-15,2026-04-15,2026-11-10,1000000,0.04,A365,,,20054.7945205479,corporate,
CSV
printf '%s\n%s\n' "$hdr" 'BOND-F,TREASURY,PAM,RPA,EUR,2026-10-15,2026-10-31,2027-10-31,1000000,0.0,A365,,,0,sovereign,1' > "$work/bond.csv"
printf '%s\n%s\n' "$hdr" 'ISSUE-F,FUNDING,PAM,RPL,EUR,2026-10-15,2026-10-31,2029-10-31,1000000,0.0,A365,,,0,financial,' > "$work/issue.csv"
printf '%s\n%s\n' "$hdr" 'BOND-L,TREASURY,PAM,RPA,EUR,2026-10-15,2026-11-30,2027-11-30,1000000,0.0,A365,,,0,sovereign,1' > "$work/late.csv"
{ echo "curveID,currency,tenor,rate"; for t in ON 1M 3M 6M 1Y 2Y 5Y 10Y 20Y 30Y; do echo "EUR_OIS,EUR,$t,0.03"; done; } > "$work/curves.csv"
printf 'currency,rate\nEUR,1.0\n' > "$work/fx.csv"
cat > "$work/run.cfg" << CFG
run = { name = "fwdliq"; as_of = "2026-10-15"; reporting_currency = "EUR"; group = "BANK"; };
input = { contracts = ["contracts.csv"]; curves = "curves.csv"; fx = "fx.csv"; };
output = { dir = "$work/out"; };
regime = "$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg";
scenarios = ["base", "parallel_up"];
discount_curves = { EUR = "EUR_OIS"; };
capital = { tier1 = 1.0e8; };
actions = ( { name = "bond"; add = ["bond.csv"]; }, { name = "issue"; add = ["issue.csv"]; },
            { name = "both"; include = ["bond", "issue"]; }, { name = "late_bond"; add = ["late.csv"]; } );
CFG
timeout 300 "$BALLAST" run "$work/run.cfg" --contractual > "$work/log" 2>&1
ok $? "a run with forward purchases and issues as actions"
[ -f "$work/out/alm.nc" ] || sed 's/^/# /' "$work/log" | tail -20
ncdump -p 17,17 -v hqla,lcr_outflows,lcr_inflows,lcr "$work/out/alm.nc" | sed -n '/^data:/,$p' > "$work/d"
python3 - "$work/d" << 'PY' > "$work/checks"
import math, re, sys
text = open(sys.argv[1]).read()
def var(n):
    m = re.search(r'\n ' + n + r' =(.*?);', text, re.S)
    return [float(x) for x in m.group(1).replace('\n', ' ').split(',')]
h, o, i, l = var("hqla"), var("lcr_outflows"), var("lcr_inflows"), var("lcr")
DF = lambda days: math.exp(-0.03 * days / 365.0)
N = 1e6
out = []
def check(good, what): out.append(("ok" if good else "not ok") + " - " + what)
want = {1: N * DF(381) - N * DF(16), 2: N * DF(16), 3: N * DF(381)}
for a, name in [(1, "bond only"), (2, "issue only"), (3, "bond funded by the issue")]:
    d = h[a] - h[0]
    lcr = h[a] / (o[a] - min(i[a], 0.75 * o[a]))
    check(abs(d - want[a]) <= 1e-6 and o[a] == o[0] and i[a] == i[0] and abs(l[a] - lcr) <= 1e-12 * lcr,
          "%s: HQLA %+.2f (by hand %+.2f), outflows and inflows unchanged, LCR %.4f -> %.4f" % (name, d, want[a], l[0], l[a]))
check(l[3] > l[0], "a Level 1 bond bought with 3-year funding raises the LCR (%.4f > %.4f)" % (l[3], l[0]))
# settling on day 46, after the window: its price is outside the LCR, the stock holds its forward value N DF(411) - N DF(46)
fv = N * DF(411) - N * DF(46)
check(abs(h[4] - h[0] - fv) <= 1e-6 and o[4] == o[0], "settling after the window: HQLA + its forward value %.2f (seen %.2f), outflows unchanged" % (fv, h[4] - h[0]))
print("\n".join(out))
PY
while IFS= read -r line; do
  case "$line" in
    "ok - "*) ok 0 "${line#ok - }" ;;
    "not ok - "*) ok 1 "${line#not ok - }" ;;
  esac
done < "$work/checks"
# the incremental action = a full run with the bond and the issue in the balance sheet
{ cat "$work/contracts.csv"; tail -1 "$work/bond.csv"; tail -1 "$work/issue.csv"; } > "$work/c_both.csv"
sed -e 's|contracts = \["contracts.csv"\]|contracts = ["c_both.csv"]|' -e '/^actions = /,$d' "$work/run.cfg" > "$work/full.cfg"
timeout 300 "$BALLAST" run "$work/full.cfg" --contractual --output "$work/full" > "$work/logf" 2>&1
f=$(ncdump -p 17,17 -v hqla,lcr "$work/full/alm.nc" | sed -n '/^data:/,$p' | tr -d ' \n' | sed 's/data://; s/}//')
python3 - "$work/d" "$f" << 'PY' > "$work/checks2"
import re, sys
text = open(sys.argv[1]).read(); full = sys.argv[2]
def var(t, n):
    m = re.search(n + r'\s*=(.*?);', t, re.S)
    return [float(x) for x in m.group(1).replace('\n', ' ').split(',')]
a, b = var(text, "hqla")[3], var(full, "hqla")[0]
la, lb = var(text, "lcr")[3], var(full, "lcr")[0]
ok = abs(a - b) <= 1e-9 * abs(b) and abs(la - lb) <= 1e-12 * abs(lb)
print("%sok - the action 'both' = a full run with the bond and the issue in the balance sheet (HQLA %.6f vs %.6f, LCR %.12f vs %.12f)" % ("" if ok else "not ", a, b, la, lb))
PY
while IFS= read -r line; do
  case "$line" in
    "ok - "*) ok 0 "${line#ok - }" ;;
    "not ok - "*) ok 1 "${line#not ok - }" ;;
  esac
done < "$work/checks2"
