#!/usr/bin/env bash
# NII and balance paths per management action (issue 11 items 1, 4; docs/planning.md "Evaluation"):
# nii_path, nii_path_constant, nii_path_runoff and balance_path of each action are the balance
# sheet's paths plus the partials of the contracts the action adds, changes or removes. Independent
# expected values: for each action a second balance sheet, the contract CSV edited here (awk), run
# without actions; slot a of the incremental run equals slot 0 of that full run to 1e-12 of the
# variable's largest magnitude (the additions happen in another order, so the last bits may
# differ), on 1 and 3 ranks. The actions: a loan added from a file into RUNOFF (whose run-off a
# `replace` product renews, so the renewal volumes of that action follow the added loan's
# repayment), BONDS halved, the swap removed, and all three combined by include. No NaN in any
# path of any action; each run bitwise identical on 1 and 3 ranks.
source "$(dirname "$0")/tap.sh"
plan 11
work=$(mktemp -d)
trap '[ -n "$KEEP" ] || rm -rf "$work"' EXIT
hdr='contractID,portfolio,contractType,contractRole,currency,statusDate,initialExchangeDate,maturityDate,notionalPrincipal,nominalInterestRate,dayCountConvention,cycleAnchorDateOfInterestPayment,cycleOfInterestPayment,accruedInterest,nominalInterestRate2,marketObjectCodeOfRateReset,cycleAnchorDateOfRateReset,cycleOfRateReset'
cat > "$work/contracts.csv" << CSV
$hdr
CASH-1,LOANS,CSH,RPA,EUR,2026-10-15,2026-10-15,,1000,,A365,,,,,,,
BOND-1,BONDS,PAM,RPA,EUR,2026-10-15,2024-10-15,2029-10-15,2000000,0.025,30E360,2025-10-15,P1YL1,0,,,,
BOND-2,BONDS2,PAM,RPL,EUR,2026-10-15,2025-04-15,2028-04-15,1500000,0.02,A365,2026-04-15,P6ML1,0,,,,
LOAN-R,RUNOFF,PAM,RPA,EUR,2026-10-15,2026-03-15,2027-03-15,600000,0.03,A365,,,0,,,,
SWAP-1,HEDGES,SWPPV,PFL,EUR,2026-10-15,2025-04-15,2030-04-15,1000000,0.02,A365,2025-10-15,P6ML1,0,0.025,EUR_OIS,2025-10-15,P6ML1
CSV
row='LOAN-X,RUNOFF,PAM,RPA,EUR,2026-10-15,2026-06-15,2027-06-15,400000,0.04,A365,,,0,,,,'
printf '%s\n%s\n' "$hdr" "$row" > "$work/added.csv"
{ echo "curveID,currency,tenor,rate"; for t in ON 1M 3M 6M 1Y 2Y 5Y 10Y 20Y 30Y; do echo "EUR_OIS,EUR,$t,0.03"; done; } > "$work/curves.csv"
printf 'currency,rate\nEUR,1.0\n' > "$work/fx.csv"
# the changed balance sheets
{ cat "$work/contracts.csv"; echo "$row"; } > "$work/c_add.csv"
half() { awk -F, -v OFS=, -v CONVFMT=%.17g -v OFMT=%.17g '$2 == "BONDS" { $9 = $9 * 0.5; $14 = $14 * 0.5 } { print }' "$1"; }
half "$work/contracts.csv" > "$work/c_half.csv"
grep -v '^SWAP-1,' "$work/contracts.csv" > "$work/c_noswap.csv"
half "$work/c_add.csv" | grep -v '^SWAP-1,' > "$work/c_all.csv"
cfg() {
  cat << CFG
run = { name = "pathact"; as_of = "2026-10-15"; reporting_currency = "EUR"; group = "BANK"; };
input = { contracts = ["$1"]; curves = "curves.csv"; fx = "fx.csv"; };
output = { dir = "$work/out"; };
regime = "$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg";
scenarios = ["base", "parallel_up", "ramp_up_200"];
user_scenarios = ( { name = "ramp_up_200"; type = "ramp"; shift_bp = 200.0; ramp_months = 12; } );
discount_curves = { EUR = "EUR_OIS"; };
capital = { tier1 = 1.0e8; };
nii = { horizon_months = 12; };
new_business = {
  horizon_months = 18;
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
}
{ cfg contracts.csv
  echo 'actions = ( { name = "add_loan"; add = ["added.csv"]; },'
  echo '            { name = "halve_bonds"; scale = ( { filter = { portfolio = "BONDS"; }; factor = 0.5; } ); },'
  echo '            { name = "drop_swap"; remove = ( { filter = { portfolio = "HEDGES"; }; } ); },'
  echo '            { name = "all"; include = ["add_loan", "halve_bonds", "drop_swap"]; } );'
} > "$work/act.cfg"
for k in add half noswap all; do cfg "c_$k.csv" > "$work/full_$k.cfg"; done
vars="nii_path nii_path_constant nii_path_runoff balance_path"
dump() { ncdump -p 17,17 -v "$(echo $vars | tr ' ' ,),nii" "$1/alm.nc" | sed -n '/^data:/,$p'; }
timeout 300 "$BALLAST" run "$work/act.cfg" --contractual --output "$work/a1" > "$work/log1" 2>&1
ok $? "a run with a new-business plan and four actions on 1 rank"
[ -f "$work/a1/alm.nc" ] || sed 's/^/# /' "$work/log1" | tail -20
timeout 300 "$MPIRUN" -np 3 "$BALLAST" run "$work/act.cfg" --contractual --output "$work/a3" > "$work/log3" 2>&1
ok $? "the same on 3 ranks"
[ -n "$(dump "$work/a1")" ] && [ "$(dump "$work/a1")" = "$(dump "$work/a3")" ]
ok $? "the paths of every action bitwise identical on 1 and 3 ranks"
for k in add half noswap all; do timeout 300 "$BALLAST" run "$work/full_$k.cfg" --contractual --output "$work/f_$k" > "$work/logf_$k" 2>&1 || echo "# full run $k failed"; done
python3 - "$work" $vars << 'PY' > "$work/checks"
import math, re, subprocess, sys
work, names = sys.argv[1], sys.argv[2:]
def load(d):
    text = subprocess.run(["ncdump", "-p", "17,17", d + "/alm.nc"], capture_output=True, text=True).stdout
    data = text[text.index("\ndata:"):]
    out = {}
    for n in names + ["portfolio_name"]:
        m = re.search(r'\n ' + n + r' =(.*?);', data, re.S)
        if not m: out[n] = None
        elif n == "portfolio_name": out[n] = [x.strip('" ') for x in m.group(1).replace('\n', ' ').split(',')]
        else: out[n] = [float(x) for x in m.group(1).replace('\n', ' ').split(',')]
    return out
S, M, A = 3, 18, 5
out = []
def check(good, what): out.append(("ok" if good else "not ok") + " - " + what)
runs = {r: load(work + "/" + r) for r in ["a1", "a3"]}
inc = runs["a1"]
nan = [n for n in names if inc[n] is None or any(math.isnan(x) or math.isinf(x) for x in inc[n])]
check(not nan, "no NaN in %s of any action (%d values each)%s" % (", ".join(names), len(inc[names[0]] or []), " (NaN in: " + " ".join(nan) + ")" if nan else ""))
for a, k in enumerate(["add", "half", "noswap", "all"], start=1):
    full = load(work + "/f_" + k); bad = []
    for r, inc in runs.items():
        for n in names:
            x, y = inc[n], full[n]
            if x is None or y is None: bad.append(r + ":" + n + " missing"); continue
            if n == "balance_path":
                # over portfolio: by name; a portfolio the full run lost (all its contracts removed) is 0
                pi, pf = inc["portfolio_name"], full["portfolio_name"]
                P, Q = len(pi), len(pf)
                x = x[a * S * M * P:(a + 1) * S * M * P]
                z = [abs(x[sm * P + i]) for sm in range(S * M) for i in range(P) if pi[i] not in pf]
                if any(v != 0.0 for v in z): bad.append(r + ":" + n + " removed portfolio not 0")
                x = [x[sm * P + pi.index(pf[j])] for sm in range(S * M) for j in range(Q)]
            else:
                m = len(y); x = x[a * m:(a + 1) * m]
            if len(x) != len(y): bad.append(r + ":" + n + " (shape)"); continue
            s = max(abs(v) for v in y) or 1.0
            err = max(abs(u - v) for u, v in zip(x, y))
            if err > 1e-12 * s: bad.append("%s:%s %.3g (scale %.3g)" % (r, n, err, s))
    check(not bad, "action %s (slot %d): nii_path, nii_path_constant, nii_path_runoff, balance_path = the full run on the changed balance sheet to 1e-12, 1 and 3 ranks%s" % (k, a, " (differs: " + "; ".join(bad) + ")" if bad else ""))
# by hand: under add_loan, RUNOFF holds LOAN-R 600,000 (repaid on 2027-03-15, the end of month 5) and
# LOAN-X 400,000 (repaid 2027-06-15, month 8); renew originates each repayment x 1.03^(m/12) on that
# month's end for one year (the month-5 renewal repaid at the end of month 17)
inc = runs["a1"]; P = len(inc["portfolio_name"]); ro = inc["portfolio_name"].index("RUNOFF")
g = lambda m: 1.03 ** (m / 12)
want = [1e6] * 4 + [6e5 * g(5) + 4e5] * 3 + [6e5 * g(5) + 4e5 * g(8)] * 9 + [4e5 * g(8)] * 2
for s in range(S):
    seen = [inc["balance_path"][((1 * S + s) * M + m) * P + ro] for m in range(M)]
    err = max(abs(u - v) for u, v in zip(want, seen))
    check(err <= 1e-6, "scenario %d: balance_path(RUNOFF) of add_loan by hand: the added loan and its renewal (max error %.2e)" % (s, err))
print("\n".join(out))
PY
while IFS= read -r line; do
  case "$line" in
    "ok - "*) ok 0 "${line#ok - }" ;;
    "not ok - "*) ok 1 "${line#not ok - }" ;;
  esac
done < "$work/checks"
