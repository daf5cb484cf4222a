#!/usr/bin/env bash
# New business with its segment's behaviour, in a new portfolio (issue 11; docs/planning.md "New
# business"). Expected values by hand: a product naming behaviourSegment "mortgages" (constant CPR
# 12 %, the regime's prepayment scalar 0.8 under parallel_up: BCBS 368 §4.2) originates one 5-year
# bullet of 1 M at the end of month 1 and none after ([1 M, 0], the last amount repeating). The
# prepayment filter runs monthly on the as-of date's month ends strictly after the origination, so
# the origination's balance at the end of month m is 1 M (1 - SMM)^(m - 1), SMM = 1 - (1 - CPR)^(1/12)
# (BallastSMM). A second product without a segment (contractual) keeps its 1 M. Both products open
# the portfolio NEW-MORTGAGES, which the balance sheet does not have; an action adds a contract in
# another new portfolio, ACT-NEW. The portfolio dimension: the balance sheet's portfolios, then the
# actions' new portfolios (configured order), then the products' (product order); alm.nc
# identical on 1 and 3 ranks.
source "$(dirname "$0")/tap.sh"
plan 10
work=$(mktemp -d)
trap '[ -n "$KEEP" ] || rm -rf "$work"' EXIT
hdr='contractID,portfolio,contractType,contractRole,currency,statusDate,initialExchangeDate,maturityDate,notionalPrincipal,nominalInterestRate,dayCountConvention,cycleAnchorDateOfInterestPayment,cycleOfInterestPayment,accruedInterest,behaviourSegment'
cat > "$work/contracts.csv" << CSV
$hdr
CASH-1,CASH,CSH,RPA,EUR,2026-10-15,2026-10-15,,1000,,A365,,,,
LOAN-1,BOOK,PAM,RPA,EUR,2026-10-15,2026-04-15,2031-04-15,500000,0.03,A365,2027-04-15,P1YL1,7397.2602739726,mortgages
CSV
printf '%s\n%s\n' "$hdr" 'ADD-1,ACT-NEW,PAM,RPA,EUR,2026-10-15,2026-10-15,2029-10-15,200000,0.03,A365,2027-10-15,P1YL1,0,' > "$work/added.csv"
{ echo "curveID,currency,tenor,rate"; for t in ON 1M 3M 6M 1Y 2Y 5Y 10Y 20Y 30Y; do echo "EUR_OIS,EUR,$t,0.03"; done; } > "$work/curves.csv"
printf 'currency,rate\nEUR,1.0\n' > "$work/fx.csv"
cat > "$work/run.cfg" << CFG
run = { name = "nbbeh"; as_of = "2026-10-15"; reporting_currency = "EUR"; group = "BANK"; };
input = { contracts = ["contracts.csv"]; curves = "curves.csv"; fx = "fx.csv"; };
output = { dir = "$work/out"; };
regime = "$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg";
scenarios = ["base", "parallel_up"];
discount_curves = { EUR = "EUR_OIS"; };
capital = { tier1 = 1.0e8; };
behaviour = { segments = ( { name = "mortgages"; model = "prepayment"; type = "constant"; cpr = 0.12; } ); };
actions = ( { name = "add_new_book"; add = ["added.csv"]; } );
new_business = {
  horizon_months = 12;
  products = (
    { name = "mtg"; terms = { contractType = "PAM"; contractRole = "RPA"; currency = "EUR"; portfolio = "NEW-MORTGAGES"; dayCountConvention = "A365"; cycleOfInterestPayment = "P1YL1"; behaviourSegment = "mortgages"; };
      term = "5Y"; pricing = { type = "fixed"; curve = "EUR_OIS"; spread = 0.0; };
      volume = { type = "monthly"; amounts = [1.0e6, 0.0]; }; },
    { name = "plain"; terms = { contractType = "PAM"; contractRole = "RPA"; currency = "EUR"; portfolio = "NEW-MORTGAGES"; dayCountConvention = "A365"; cycleOfInterestPayment = "P1YL1"; };
      term = "5Y"; pricing = { type = "fixed"; curve = "EUR_OIS"; spread = 0.0; };
      volume = { type = "monthly"; amounts = [1.0e6, 0.0]; }; }
  );
};
CFG
timeout 300 "$BALLAST" run "$work/run.cfg" > "$work/log1" 2>&1
ok $? "a run whose new business opens a new portfolio, with a behaviour segment"
[ -f "$work/out/alm.nc" ] || sed 's/^/# /' "$work/log1" | tail -20
timeout 300 "$MPIRUN" -np 3 "$BALLAST" run "$work/run.cfg" --output "$work/out3" > "$work/log3" 2>&1
ok $? "the same on 3 ranks"
data() { ncdump -p 17,17 "$1/alm.nc" | sed -n '/^data:/,$p' | grep -v -e wall_seconds; }
[ -n "$(data "$work/out")" ] && [ "$(data "$work/out")" = "$(data "$work/out3")" ]
ok $? "alm.nc data identical on 1 and 3 ranks"
ncdump -v portfolio_name "$work/out/alm.nc" | tr -d '\n' | tr -s ' ' | grep -q 'portfolio_name = "BOOK", "CASH", "ACT-NEW", "NEW-MORTGAGES" ;'
ok $? "portfolio dimension: the balance sheet's (BOOK, CASH), the action's new ACT-NEW, the product's new NEW-MORTGAGES"
ncdump -p 17,17 -v balance_path,eve_portfolio,nii_path "$work/out/alm.nc" | sed -n '/^data:/,$p' > "$work/d"
python3 - "$work/d" << 'PY' > "$work/checks"
import math, re, sys
text = open(sys.argv[1]).read()
def var(n):
    m = re.search(r'\n ' + n + r' =(.*?);', text, re.S)
    return [float(x) for x in m.group(1).replace('\n', ' ').split(',')]
bal, evep, nii = var("balance_path"), var("eve_portfolio"), var("nii_path")
A, S, M, P, nb = 2, 2, 12, 4, 3
out = []
def check(good, what): out.append(("ok" if good else "not ok") + " - " + what)
for s, (scen, cpr) in enumerate([("base", 0.12), ("parallel_up", 0.12 * 0.8)]):
    smm = 1 - (1 - cpr) ** (1 / 12)
    for a in range(A):
        want = [1e6 * (1 - smm) ** (m - 1) + 1e6 for m in range(1, M + 1)]
        seen = [bal[((a * S + s) * M + m) * P + nb] for m in range(M)]
        err = max(abs(u - v) / u for u, v in zip(want, seen))
        check(err <= 1e-12, "%s, action %d: balance_path(NEW-MORTGAGES) = 1 M (1 - SMM)^(m-1) (CPR %.4f, SMM %.6f) + 1 M contractual, months 1-12 (max rel. error %.1e; month 12 %.2f)" % (scen, a, cpr, smm, err, seen[-1]))
check(all(evep[(a * S + s) * P + nb] == 0.0 for a in range(A) for s in range(S)), "eve_portfolio of NEW-MORTGAGES is 0 (new business does not enter EVE)")
check(all(math.isfinite(x) for x in bal + nii), "balance_path and nii_path finite for every action")
print("\n".join(out))
PY
while IFS= read -r line; do
  case "$line" in
    "ok - "*) ok 0 "${line#ok - }" ;;
    "not ok - "*) ok 1 "${line#not ok - }" ;;
  esac
done < "$work/checks"
