#!/usr/bin/env bash
# Behaviour without an event explosion (issue 14 item 3, docs/kernel.md "Behaviour, round 2"): the
# prepayment and early-redemption filters replay the contractual stream recorded once (where it
# observed no market) instead of a numeric pass per variant, and under the variants whose
# behavioural events no consumer takes (PV01, key rates: EVE's value only) the behavioural streams
# (prepayment, early redemption, deposit slotting) are valued without making their events. The
# independent reference is the path kept behind the test hook BALLAST_BEHAVIOUR_PER_EVENT=1 (every
# behavioural stream projected and valued event by event under every variant, as before). A
# generated bank with behaviour runs both ways on 1 and 3 ranks, with position detail:
#  - each way, alm.nc and contracts.nc are bitwise identical on 1 and 3 ranks;
#  - new against the reference: eve and eve_portfolio within 1e-12 relative, the quantities derived
#    from EVE differences within 1e-12 of the largest |eve|, every other variable (NII, gap,
#    liquidity, behaviour) bitwise identical; contracts.nc bitwise identical.
source "$(dirname "$0")/../cli/tap.sh"
command -v ncdump > /dev/null || skip_all "ncdump not installed (scripts/setup installs netcdf-bin)"
command -v python3 > /dev/null || skip_all "python3 not installed"
plan 11
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$BALLAST" generate --contracts 3000 --portfolios 5 --seed 11 --out "$work/b" --regime "$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg" > "$work/gen.log" 2>&1
ok $? "generate a 3,000-contract bank with behaviour"
for way in new event; do
  for np in 1 3; do
    if [ $way = event ]; then hook=1; else hook=0; fi
    BALLAST_BEHAVIOUR_PER_EVENT=$hook timeout 600 "$MPIRUN" -np $np "$BALLAST" run "$work/b/run.cfg" --output "$work/$way$np" --position-detail > "$work/$way$np.log" 2>&1
    rc=$?
    [ $rc -eq 0 ] || sed 's/^/# /' "$work/$way$np.log" | tail -5
    is 0 "$rc" "run with behaviour ($way path) on $np rank(s)"
  done
done
cat > "$work/cmp.py" << 'PY'
import re, subprocess, sys
def dump(f):
    out = subprocess.run(['ncdump', '-p', '17,17', f], capture_output=True, text=True, check=True).stdout
    data = out[out.index('\ndata:'):]
    return {m.group(1): m.group(2) for m in re.finditer(r'\n (\w+) =(.*?);', data, re.S)}
mode, fa, fb = sys.argv[1:4]
a, b = dump(fa), dump(fb)
num = re.compile(r'"[^"]*"|[^\s,]+')
values = ('eve', 'eve_portfolio')
derived = ('eve_standardised', 'delta_eve', 'delta_eve_weighted', 'eve_loss', 'pv01', 'key_rate_pv01', 'limit_value',
           'outlier_test_decline', 'outlier_test_ratio')
scale = max([abs(float(x)) for x in num.findall(a.get('eve', ''))] or [1.0])
bad = 0
for k in sorted(set(a) | set(b)):
    ta, tb = num.findall(a.get(k, '')), num.findall(b.get(k, ''))
    if len(ta) != len(tb):
        print(f'# {k}: {len(ta)} vs {len(tb)} values'); bad += 1; continue
    worst = 0.0
    for x, y in zip(ta, tb):
        if x == y: continue
        if mode == 'bitwise' or (k not in values and k not in derived):
            print(f'# {k}: {x} vs {y} (bitwise expected)'); bad += 1; break
        fx, fy = float(x), float(y)
        if k in values: r = abs(fx - fy) / max(abs(fx), abs(fy))
        elif k == 'outlier_test_ratio': r = abs(fx - fy) / max(abs(fx), abs(fy), 1e-300)  # a ratio: relative
        else: r = abs(fx - fy) / scale
        worst = max(worst, r)
        if r > 1e-12: print(f'# {k}: {x} vs {y}: {r:.3g} > 1e-12'); bad += 1; break
    if worst > 0: print(f'# {k}: worst {worst:.3g}')
sys.exit(1 if bad else 0)
PY
python3 "$work/cmp.py" bitwise "$work/new1/alm.nc" "$work/new3/alm.nc"
ok $? "new path: alm.nc bitwise identical on 1 and 3 ranks"
python3 "$work/cmp.py" bitwise "$work/event1/alm.nc" "$work/event3/alm.nc"
ok $? "per event: alm.nc bitwise identical on 1 and 3 ranks"
python3 "$work/cmp.py" close "$work/event1/alm.nc" "$work/new1/alm.nc"
ok $? "new path against per event: EVE within 1e-12 relative, the rest bitwise (1 rank)"
python3 "$work/cmp.py" close "$work/event3/alm.nc" "$work/new3/alm.nc"
ok $? "new path against per event: EVE within 1e-12 relative, the rest bitwise (3 ranks)"
python3 "$work/cmp.py" bitwise "$work/new1/contracts.nc" "$work/new3/contracts.nc"
ok $? "new path: contracts.nc bitwise identical on 1 and 3 ranks"
python3 "$work/cmp.py" bitwise "$work/event1/contracts.nc" "$work/new1/contracts.nc"
ok $? "new path against per event: contracts.nc (position detail of the scenarios) bitwise identical"
