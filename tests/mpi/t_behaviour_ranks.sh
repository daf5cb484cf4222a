#!/usr/bin/env bash
# Behaviour calibration (one solve per segment on its owner rank; bitwise equality across rank
# counts is tests/mpi/t_calibration_bitwise.sh): the same answer on 1 and 3 ranks (scripts/mpirun
# -np 3) within the tolerance below, and on both the
# generator's true parameters are recovered (t_behaviour_scale -config checks them, tolerances in
# tests/unit/t_behaviour_scale.c). Rank-count tolerance: every parameter within 1e-6 relative (or
# 1e-6 absolute below 1); the solves stop at a gradient norm of 1e-10 (S-curves) and 1e-9
# (replicating portfolios, squared percentage points), and only the order of the global
# reductions differs between rank counts.
source "$(dirname "$0")/../cli/tap.sh"
plan 9
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
T="$BALLAST_BUILD_DIR/tests/unit/t_behaviour_scale"
timeout 300 "$MPIRUN" -np 1 "$BALLAST" generate --contracts 5000 --seed 11 --out "$work/gen" --regime "$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg" > "$work/gen.log" 2>&1
ok $? "generate writes histories and a behaviour section"
# same rows within tolerance: name must match, every number within 1e-6 relative
close() {
  paste -d' ' "$1" "$2" | awk '{ n = NF / 2; if ($1 != $(n + 1)) bad++;
    for (i = 2; i <= n; i++) { a = $i; b = $(i + n); d = a - b; if (d < 0) d = -d; s = a < 0 ? -a : a; if (s < 1) s = 1;
      if (d > 1e-6 * s && !(a == "nan" && b == "nan")) { bad++; print "# " $1 " field " i ": " a " vs " b } } }
    END { exit bad > 0 }'
}
for np in 1 3; do
  timeout 300 "$MPIRUN" -np $np "$T" -config "$work/gen/run.cfg" -digest "$work/cfg$np.txt" > "$work/cfg$np.log" 2>&1
  ok $? "generated segments calibrated on $np rank(s), true parameters recovered"
  timeout 300 "$MPIRUN" -np $np "$T" -segments 60 -digest "$work/mem$np.txt" > "$work/mem$np.log" 2>&1
  ok $? "60 synthetic segments calibrated on $np rank(s), each within tolerance of its truth"
done
[ -s "$work/cfg1.txt" ] && [ -s "$work/mem1.txt" ]
ok $? "digests written"
close "$work/cfg1.txt" "$work/cfg3.txt"
ok $? "generated segments: 1 and 3 ranks agree within 1e-6"
close "$work/mem1.txt" "$work/mem3.txt"
ok $? "60 segments: 1 and 3 ranks agree within 1e-6"
grep -q "^not ok" "$work"/*.log
[ $? -ne 0 ]
ok $? "no failed check inside the runs"
for f in "$work"/*.log; do grep "^not ok\|^#" "$f" | sed 's/^/# /'; done | head -20
exit $((_tap_fail > 0))
