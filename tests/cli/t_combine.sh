#!/usr/bin/env bash
# A stress-scenario array outside SLURM (docs/cluster.md): the example bank's seven scenarios (base
# and six BCBS shocks) split by `ballast run --scenario-set K/N` into 2 and 3 parts, put together by
# `ballast combine OUT PART...`; the combined alm.nc equals the single run's with every scenario:
# the data of every variable at 17 significant digits (bitwise for doubles) and the header (names,
# dimensions, types, variable attributes) identical, global attributes aside but for the
# provenance ones combine writes itself (created_utc, command_line, history, wall_seconds,
# combined_parts). Part K of N runs base and the K-th of N contiguous blocks of the six others, by
# hand: 6 / 2 = 3 each (parallel_up parallel_down steepener | flattener short_up short_down), 6 / 3
# = 2 each. One part runs on 2 ranks (parts are rank-independent like runs). Refused, with the
# part named: a part of other inputs (the same configuration bytes beside a different fx.csv), a
# part whose base differs (run --contractual: same inputs, other results), a missing part, a
# duplicate part, a single run's alm.nc (not a part), and --scenario-set with limits.
source "$(dirname "$0")/tap.sh"
plan 27
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cfg="$BALLAST_SOURCE_DIR/config/example.cfg"
run() { timeout 600 "$@"; }
data() { ncdump -p 17,17 "$1" | sed -n '/^data:/,$p'; }
# the header without the global attributes that say when, how and from what parts a file was made
header() { ncdump -h "$1" | grep -vE '^\s*:(created_utc|command_line|history|wall_seconds|combined_parts|mpi_ranks) ' | sed 1d; }
names() { ncdump -v scenario_name "$1" | sed -n '/^ scenario_name =/,/;/p' | tr -d ' \n;}' | sed 's/scenario_name=//'; }

run "$BALLAST" run "$cfg" --output "$work/single" > "$work/single.log" 2>&1
ok $? "the single run with every scenario"
data "$work/single/alm.nc" > "$work/single.txt"

for k in 0 1; do run "$BALLAST" run "$cfg" --output "$work/two$k" --scenario-set $k/2 > "$work/two$k.log" 2>&1 || echo "# part $k/2 failed: $(tail -1 "$work/two$k.log")"; done
is '"base","parallel_up","parallel_down","steepener"' "$(names "$work/two0/alm.nc")" "part 0/2: base and the first three other scenarios"
is '"base","flattener","short_up","short_down"' "$(names "$work/two1/alm.nc")" "part 1/2: base and the last three"
run "$BALLAST" combine "$work/comb2" "$work/two1" "$work/two0" > "$work/comb2.log" 2>&1
ok $? "combine the 2 parts (given in any order)"
data "$work/comb2/alm.nc" > "$work/comb2.txt"
cmp -s "$work/single.txt" "$work/comb2.txt"
ok $? "2 parts: every variable's data identical to the single run's"
diff <(header "$work/single/alm.nc") <(header "$work/comb2/alm.nc") > "$work/h2.diff"
ok $? "2 parts: the header identical but for the provenance of the combine $(head -3 "$work/h2.diff" | tr '\n' ' ')"
# the worst scenario of the EVE outlier test over all six is in one part only: the other part's own
# worst differs, and the combined file has the single run's
worst() { data "$1" | grep -o 'outlier_test_worst_scenario = "[a-z_]*"' | head -1; }
w=$(worst "$work/single/alm.nc"); w0=$(worst "$work/two0/alm.nc"); w1=$(worst "$work/two1/alm.nc")
[ -n "$w" ] && [ "$(worst "$work/comb2/alm.nc")" = "$w" ] && { [ "$w0" != "$w" ] || [ "$w1" != "$w" ]; }
ok $? "the outlier test is recomputed over every scenario (single: $w; part 0/2: $w0; part 1/2: $w1)"
contains "$work/comb2.log" "results: $work/comb2/alm.nc" "combine says where the result is"
ncdump -h "$work/comb2/alm.nc" | grep -q 'combined_parts = "0/2 .*two0/alm.nc\\n1/2 .*two1/alm.nc"' && ! ncdump -h "$work/comb2/alm.nc" | grep -q scenario_set
ok $? "the combined file lists its parts and carries no scenario_set"

run "$BALLAST" run "$cfg" --output "$work/three0" --scenario-set 0/3 > "$work/three0.log" 2>&1
run "$MPIRUN" -np 2 "$BALLAST" run "$cfg" --output "$work/three1" --scenario-set 1/3 > "$work/three1.log" 2>&1
ok $? "part 1/3 on 2 ranks"
run "$BALLAST" run "$cfg" --output "$work/three2" --scenario-set 2/3 > "$work/three2.log" 2>&1
is '"base","steepener","flattener"' "$(names "$work/three1/alm.nc")" "part 1/3: base and the third and fourth other scenarios"
run "$BALLAST" combine "$work/comb3" "$work/three0" "$work/three1/alm.nc" "$work/three2" > "$work/comb3.log" 2>&1
ok $? "combine the 3 parts (a directory or its alm.nc)"
cmp -s "$work/single.txt" <(data "$work/comb3/alm.nc")
ok $? "3 parts: every variable's data identical to the single run's"
diff <(header "$work/single/alm.nc") <(header "$work/comb3/alm.nc") > /dev/null
ok $? "3 parts: the header identical but for the provenance of the combine"

# a part of other inputs: the same configuration bytes in another directory, whose example/ has
# another fx.csv (GBP 1 % higher)
mkdir -p "$work/other/example"
cp "$cfg" "$work/other/example.cfg"
ln -s "$BALLAST_SOURCE_DIR/config/regimes" "$work/other/regimes"
for f in "$BALLAST_SOURCE_DIR"/config/example/*; do ln -s "$f" "$work/other/example/$(basename "$f")"; done
rm "$work/other/example/fx.csv"
awk -F, 'BEGIN { OFS = "," } $1 == "GBP" { $2 = $2 * 1.01 } { print }' "$BALLAST_SOURCE_DIR/config/example/fx.csv" > "$work/other/example/fx.csv"
run "$BALLAST" run "$work/other/example.cfg" --output "$work/other1" --scenario-set 1/2 > "$work/other1.log" 2>&1
run "$BALLAST" combine "$work/bad" "$work/two0" "$work/other1" > "$work/bad.log" 2>&1
is 3 $? "a part of other inputs: exit 3"
contains "$work/bad.log" "$work/other1/alm.nc: a part of other inputs than $work/two0/alm.nc (input_sha256 differs" "... naming the part and the input hashes"
test ! -e "$work/bad/alm.nc"; ok $? "... and no alm.nc written"

# same inputs, other results: a contractual part's base differs from the behavioural part's
run "$BALLAST" run "$cfg" --output "$work/contractual1" --scenario-set 1/2 --contractual > "$work/c1.log" 2>&1
run "$BALLAST" combine "$work/bad" "$work/two0" "$work/contractual1" > "$work/bad2.log" 2>&1
is 3 $? "a part whose base differs (--contractual): exit 3"
contains "$work/bad2.log" "$work/contractual1/alm.nc: eve under base differs from $work/two0/alm.nc's" "... naming the part and the variable"

run "$BALLAST" combine "$work/bad" "$work/three0" "$work/three2" > "$work/bad3.log" 2>&1
contains "$work/bad3.log" "2 parts given, the split has 3: part 1/3 is missing" "a missing part is named (exit $?)"
run "$BALLAST" combine "$work/bad" "$work/two0" "$work/two0" > "$work/bad4.log" 2>&1
contains "$work/bad4.log" "are both part 0/2" "a part given twice is refused (exit $?)"
run "$BALLAST" combine "$work/bad" "$work/single" > "$work/bad5.log" 2>&1
contains "$work/bad5.log" "$work/single/alm.nc: not a part of a stress array (no scenario_set attribute" "a single run's alm.nc is not a part (exit $?)"

# management actions, new business and a user scenario (the planning example without its limits,
# the ramp scenario added): every variable over (action, scenario, ...) and the NII and balance
# paths combine the same way; without --output a part goes to <output.dir>/part-K
mkdir -p "$work/plan"
for f in "$BALLAST_SOURCE_DIR"/config/*; do ln -s "$f" "$work/plan/$(basename "$f")"; done
rm "$work/plan/example-plan.cfg"
sed '/^limits = (/,/^);/d; s/^scenarios = \["base", /scenarios = ["base", "ramp_up_200", /; s|^  dir = .*|  dir = "'"$work"'/planout";|' "$BALLAST_SOURCE_DIR/config/example-plan.cfg" > "$work/plan/plan.cfg"
run "$BALLAST" run "$work/plan/plan.cfg" > "$work/plan1.log" 2>&1
for k in 0 1; do run "$BALLAST" run "$work/plan/plan.cfg" --scenario-set $k/2 > "$work/plan-p$k.log" 2>&1; done
run "$BALLAST" combine "$work/plancomb" "$work/planout/part-0" "$work/planout/part-1" > "$work/plancomb.log" 2>&1
ok $? "the planning example without limits: 2 parts in <output.dir>/part-K, combined"
grep -q 'balance_path(action, scenario, month, portfolio)' <(ncdump -h "$work/plancomb/alm.nc") && test "$(ncdump -h "$work/plancomb/alm.nc" | grep -oP 'action = \K[0-9]+')" -gt 1
ok $? "... with actions and the NII and balance paths"
cmp -s <(data "$work/planout/alm.nc") <(data "$work/plancomb/alm.nc")
ok $? "... every variable's data identical to the single run's"

# limits are evaluated over every scenario: no part can, so the option is refused before any work
run "$BALLAST" run "$BALLAST_SOURCE_DIR/config/example-plan.cfg" --output "$work/plan" --scenario-set 0/2 > "$work/plan.log" 2>&1
is 2 $? "--scenario-set with limits configured: exit 2"
contains "$work/plan.log" "--scenario-set with limits: limits are evaluated over all scenarios" "... saying why"
exit $((_tap_fail > 0))
