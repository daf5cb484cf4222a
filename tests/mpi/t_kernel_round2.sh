#!/usr/bin/env bash
# Contractual kernel, round 2 (issue 14 item 1, docs/kernel.md "Contractual, round 2"): the new paths
# against the ones they replace, kept behind test hooks:
#  - BALLAST_FLOATING_REPLAY=1: every variant of a floating contract recorded into the buffer and
#    replayed (before: the value-only variants, PV01 and key rates, are valued as the numeric pass
#    streams);
#  - BALLAST_NII_OWN_SCHEDULE=1: every NII replacement par rate on a schedule built for it (before:
#    one schedule per instrument and month, shared by the variants);
#  - BALLAST_NII_PER_EVENT=1: NII walks the events of a scenario-invariant contract under every
#    scenario (before: its interest and replacements recorded under the first, replayed under the
#    others).
# The liquidity ladder's bucket table and the date tables are filled from the search and the
# arithmetic they replace (tests/unit/t_date_tables.c checks the dates over 800 years).
# A generated bank (fixed, floating, swaps, behaviour) and config/example.cfg run both ways:
# alm.nc bitwise identical (every number, 17 digits), and on 1 and 3 ranks.
source "$(dirname "$0")/../cli/tap.sh"
command -v ncdump > /dev/null || skip_all "ncdump not installed (scripts/setup installs netcdf-bin)"
command -v python3 > /dev/null || skip_all "python3 not installed"
plan 12
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$BALLAST" generate --contracts 3000 --portfolios 5 --seed 7 --out "$work/b" --regime "$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg" > "$work/gen.log" 2>&1
ok $? "generate a 3,000-contract bank with behaviour"
run() { # name np hooks args...
  local name=$1 np=$2 hook=$3
  shift 3
  BALLAST_FLOATING_REPLAY=$hook BALLAST_NII_OWN_SCHEDULE=$hook BALLAST_NII_PER_EVENT=$hook timeout 600 "$MPIRUN" -np $np "$BALLAST" run "$@" --output "$work/$name" > "$work/$name.log" 2>&1
  local rc=$?
  [ $rc -eq 0 ] || sed 's/^/# /' "$work/$name.log" | tail -5
  is 0 "$rc" "run $name ($np rank(s), hooks $hook)"
}
run new1 1 0 "$work/b/run.cfg"
run new3 3 0 "$work/b/run.cfg"
run old1 1 1 "$work/b/run.cfg"
run cnew1 1 0 "$work/b/run.cfg" --contractual
run cold1 1 1 "$work/b/run.cfg" --contractual
run exnew 1 0 "$BALLAST_SOURCE_DIR/config/example.cfg"
run exold 1 1 "$BALLAST_SOURCE_DIR/config/example.cfg"
cat > "$work/cmp.py" << 'PY'
import re, subprocess, sys
def dump(f):
    out = subprocess.run(['ncdump', '-p', '17,17', f], capture_output=True, text=True, check=True).stdout
    data = out[out.index('\ndata:'):]
    return {m.group(1): m.group(2) for m in re.finditer(r'\n (\w+) =(.*?);', data, re.S)}
a, b = dump(sys.argv[1]), dump(sys.argv[2])
bad = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
for k in bad[:10]: print(f'# {k} differs')
print(f'# {len(a)} variables compared')
sys.exit(1 if bad or not a else 0)
PY
python3 "$work/cmp.py" "$work/old1/alm.nc" "$work/new1/alm.nc"
ok $? "with behaviour: alm.nc bitwise identical to the replaced paths"
python3 "$work/cmp.py" "$work/new1/alm.nc" "$work/new3/alm.nc"
ok $? "with behaviour: alm.nc bitwise identical on 1 and 3 ranks"
python3 "$work/cmp.py" "$work/cold1/alm.nc" "$work/cnew1/alm.nc"
ok $? "contractual: alm.nc bitwise identical to the replaced paths"
python3 "$work/cmp.py" "$work/exold/alm.nc" "$work/exnew/alm.nc"
ok $? "config/example.cfg: alm.nc bitwise identical to the replaced paths"
