#!/usr/bin/env bash
# Numbers an ALCO can trust (issue 10 items 2, 4, 5, 6, 7), every expected value by hand:
# BCBS prepayment scalars only on rates that do not move with the scenario, financial deposits
# non-core, contractual liquidity views contractual, nothing silently ignored, provenance,
# generate -> run.
source "$(dirname "$0")/tap.sh"
plan 38
data="$BALLAST_SOURCE_DIR/tests/data/numbers"
cfg="$data/run.cfg"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# a copy of the fixture in a directory of its own, the regime by an absolute path
copy() { mkdir -p "$1" && cp "$data"/* "$1"/ && sed -i "s|^regime = .*|regime = \"$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg\";|" "$1"/*.cfg; }
first_pp() { "$BALLAST" events "$cfg" --contract "$1" --scenario "$2" | awk -F, '$8 == "behavioural" && $3 == "PP" && !n++ { printf "%.6f", $4 }'; }
pp_all() { "$BALLAST" events "$cfg" --contract "$1" --scenario "$2" | awk -F, '$8 == "behavioural"' | cut -d, -f2-; }

# --- item 2: scalars. Both annuities: 120,000 at 6 % (30E360), 12 monthly instalments left on
# 2026-10-15; after the first one (2026-11-15) N1 = 120000 - (A - 600), A = 120000 0.005 / (1 - 1.005^-12).
# S-curve CPR(i) = 0.02 + 0.2 / (1 + exp(-100 (i - 0.04))), i = 6 % - the zero rate at the maturity
# (one year): 3 % - 2 % = 1 % under parallel_down (BCBS EUR parallel shock 200 bp) -> i = 0.05,
# CPR = 0.02 + 0.2 / (1 + e^-1) = 0.166212, no scalar. Constant CPR 12 % x 1.2 = 14.4 %.
want=$(awk 'BEGIN { N = 120000; i = 0.005; A = N * i / (1 - (1 + i) ^ -12); N1 = N - (A - N * i);
  cs = 0.02 + 0.2 / (1 + exp(-1)); cc = 0.12 * 1.2;
  printf "%.6f %.6f", (1 - (1 - cs) ^ (1 / 12)) * N1, (1 - (1 - cc) ^ (1 / 12)) * N1 }')
read -r want_s want_c <<< "$want"
is "$want_s" "$(first_pp ANN-S parallel_down)" "S-curve segment under parallel_down: first PP from the S-curve on the shifted curve, no scalar"
is "$(pp_all ANN-S down200)" "$(pp_all ANN-S parallel_down)" "... every flow the same as under a -200 bp user scenario without scalars"
is "$want_c" "$(first_pp ANN-C parallel_down)" "constant-CPR segment under parallel_down: first PP at 1.2 x CPR"
want_c0=$(awk 'BEGIN { N = 120000; i = 0.005; A = N * i / (1 - (1 + i) ^ -12); N1 = N - (A - N * i); printf "%.6f", (1 - 0.88 ^ (1 / 12)) * N1 }')
is "$want_c0" "$(first_pp ANN-C down200)" "... and at the CPR itself under the user scenario without scalar"

# --- item 2: deposits of financial customers are non-core (2024/857 Art 8). Segment core share
# 40 %: the corporate deposit slots 600,000 overnight, the financial one all 1,000,000.
slots() { "$BALLAST" events "$cfg" --contract "$1" --scenario base | awk -F, '$8 == "behavioural" && $3 == "MD" { printf "%s%s:%.0f", n++ ? " " : "", $2, $4 }'; }
is "2026-10-16:-1000000" "$(slots SIGHT-F)" "financial customer's deposit: fully overnight whatever the segment's core share"
is "2026-10-16:-600000 2026-11-15:-200000 2026-11-15:-66667 2026-12-15:-66667 2027-01-15:-66667" "$(slots SIGHT-C)" "corporate deposit: 60 % overnight, the core along the tranches"

# --- item 4: contractual liquidity views are contractual.
"$BALLAST" run "$cfg" --output "$work/fx" > "$work/fx.log" 2>&1
ok $? "run of the fixture"
# bucket (30, 60] days holds the first instalments (2026-11-15, day 31) of both annuities, 2 A,
# with no prepayment in it; over all buckets the 24 instalments, 24 A.
want=$(awk 'BEGIN { N = 120000; i = 0.005; A = N * i / (1 - (1 + i) ^ -12); printf "%.4f %.4f", 2 * A, 24 * A }')
read -r want_b want_t <<< "$want"
seen=$(ncdump -p 17 -v liquidity_inflow "$work/fx/alm.nc" | sed -n '/^ liquidity_inflow =/,/;/p' | tr -d ' ;\n' | sed 's/liquidity_inflow=//' | awk -F, '{ for (k = 1; k <= NF; k++) t += $k; printf "%.4f %.4f", $10, t }')
is "$want_b $want_t" "$seen" "contractual inflows of a behavioural run: 2 A in (30, 60] days, 24 A in all (no PP)"
ladder() { ncdump -p 17,17 -v liquidity_inflow,liquidity_outflow,liquidity_gap_cumulative,lcr,hqla,lcr_outflows,lcr_inflows,nsfr,asf,rsf "$1" | sed -n '/^data:/,$p'; }
"$BALLAST" run "$BALLAST_SOURCE_DIR/config/example.cfg" --output "$work/beh" > "$work/beh.log" 2>&1
ok $? "example run with behaviour"
"$BALLAST" run "$BALLAST_SOURCE_DIR/config/example.cfg" --contractual --output "$work/con" > "$work/con.log" 2>&1
ok $? "example run --contractual"
ladder "$work/beh/alm.nc" > "$work/beh.txt"
ladder "$work/con/alm.nc" > "$work/con.txt"
cmp -s "$work/beh.txt" "$work/con.txt"
ok $? "example: contractual ladder, cumulative gap, LCR and NSFR of the behavioural run equal the --contractual run's (17 digits)"
is "10" "$(grep -cE '^ (liquidity_inflow|liquidity_outflow|liquidity_gap_cumulative|lcr|hqla|lcr_outflows|lcr_inflows|nsfr|asf|rsf) =' "$work/beh.txt")" "... the comparison saw the ten variables"

# --- item 5: nothing silently ignored.
# accrued interest: PAM 1,000,000 at 3.6 % 30E360, interest on the 5th monthly: the last payment
# before 2026-10-15 is 2026-10-05, 10 days: 1e6 x 0.036 x 10/360 = 1000.00. PAM-BAD says 1200
# (off by 200 > max(1 % x 1000, 0.01) = 10): a warning naming it; PAM-NEXT's anchor is the next
# payment (2026-11-05), stepped back to 2026-10-05: consistent.
acfg="$data/accrued.cfg"
"$BALLAST" validate "$acfg" > "$work/acc.out" 2> "$work/acc.err"
ok $? "validate: an inconsistent accrued interest is a warning, not an error (exit 0)"
is "1" "$(grep -c 'warning' "$work/acc.err")" "... one warning on stderr"
contains "$work/acc.err" "contracts-accrued.csv:3: contract PAM-BAD: accruedInterest 1200.00 differs from the 1000.00 accrued since its last interest payment date 2026-10-05" "... naming file, line, contract and both amounts"
contains "$work/acc.out" "warnings: 1 contract whose accruedInterest is inconsistent with the schedule" "... counted in the summary"
# UMP without a behaviour segment: 300,000 + 200,000.50 repay overnight
contains "$work/acc.out" "note: 2 UMP contracts without a behaviour segment (repay overnight): balance EUR 500000.50" "UMP without a segment reported with count and balance"
"$BALLAST" run "$acfg" --output "$work/acc" > "$work/accrun.out" 2>&1
contains "$work/accrun.out" "note: 2 UMP contracts without a behaviour segment (repay overnight): balance EUR 500000.50" "... in the run's summary too"

# an unknown behaviourSegment: input error naming file, line, column and value; also --contractual
d="$work/unk"; copy "$d"
sed -i 's/^ANN-S,\(.*\),scurve$/ANN-S,\1,scurv/' "$d/contracts.csv"
col=$(awk -F, 'NR == 3 { print length($0) - length($NF) + 1 }' "$d/contracts.csv")
for cmd in "validate" "run --contractual" "run"; do
  "$BALLAST" $cmd "$d/run.cfg" > "$work/unk.out" 2>&1
  is "3" "$?" "unknown behaviourSegment: ballast $cmd exits 3"
done
contains "$work/unk.out" "contracts.csv:3:$col: column 'behaviourSegment': value 'scurv': no behaviour segment of that name in" "... naming file, line, column and value"

# a key the run does not act on: the run configuration has no liquidity section (regime data)
d="$work/key"; copy "$d"
printf 'liquidity = { ladder_bucket_end_days = [1, 30]; };\n' >> "$d/run.cfg"
line=$(grep -n '^liquidity' "$d/run.cfg" | cut -d: -f1)
"$BALLAST" validate "$d/run.cfg" > "$work/key.out" 2>&1
is "2" "$?" "a run-configuration key nothing reads (liquidity) is a configuration error"
contains "$work/key.out" "run.cfg:$line: unknown key 'liquidity'" "... naming file and line"

# --- item 6: provenance. Every file the example run read is in input_sha256 with its SHA-256
# (checked by sha256sum itself), the behaviour histories included; a curves user scenario's file too.
attr() { ncdump -h "$1" | sed -n "s/^\t\t:$2 = \"\(.*\)\" ;\$/\1/p"; }
attr "$work/beh/alm.nc" input_sha256 | sed 's/\\n/\n/g' | sed '/^$/d' > "$work/sums"
(cd "$BALLAST_SOURCE_DIR" && sha256sum -c --quiet "$work/sums")
ok $? "input_sha256 of the example: sha256sum -c agrees with every line"
want=$(ls "$BALLAST_SOURCE_DIR"/config/example/history-*.csv | grep -v true-parameters | wc -l)
is "$want" "$(grep -c '/history-' "$work/sums")" "... and lists every behaviour history the run read ($want)"
d="$work/prov"; copy "$d"; cp "$data/curves.csv" "$d/stress-curves.csv"
sed -i 's|^user_scenarios = .*|user_scenarios = ( { name = "down200"; type = "parallel"; shift_bp = -200.0; }, { name = "stress"; type = "curves"; file = "stress-curves.csv"; } );|; s|^scenarios = .*|scenarios = ["base", "parallel_down", "down200", "stress"];|' "$d/run.cfg"
"$BALLAST" run "$d/run.cfg" --output "$d/out" > "$work/prov.log" 2>&1
ok $? "run with a curves user scenario"
attr "$d/out/alm.nc" input_sha256 | sed 's/\\n/\n/g' | sed '/^$/d' > "$work/psums"
is "$(sha256sum "$d/stress-curves.csv" | cut -d' ' -f1)" "$(awk '/stress-curves.csv$/ { print $1 }' "$work/psums")" "input_sha256 covers the user scenario's curve file"
ver=$(attr "$work/beh/alm.nc" software_version)
if git -C "$BALLAST_SOURCE_DIR" rev-parse --git-dir > /dev/null 2>&1; then
  # the commit the build was configured at (git describe: [TAG-N-g]HASH[-dirty]) is one of the repository's
  c=${ver##* (}; c=${c%)}; c=${c%-dirty}; c=${c##*-g}
  git -C "$BALLAST_SOURCE_DIR" cat-file -e "$c^{commit}" 2> /dev/null
  ok $? "software_version '$ver' carries a commit of the repository"
else
  is "unknown)" "${ver##* (}" "software_version outside a git checkout: commit unknown"
fi

# --- item 7: generate -> run as the README says, from another working directory, no options.
cd "$work" || exit 1
for n in 1000 20000; do
  for seed in 1 7 2026; do
    "$BALLAST" generate --contracts $n --seed $seed --out "gen-$n-$seed" > "$work/gen.log" 2>&1 &&
      (cd / && "$BALLAST" run "$work/gen-$n-$seed/run.cfg" > "$work/genrun.log" 2>&1)
    ok $? "generate --contracts $n --seed $seed, then run D/run.cfg from another directory"
  done
done
grep -q "^regime = \"/.*/config/regimes/bcbs-2016.cfg\";" "gen-1000-1/run.cfg"
ok $? "run.cfg names the default regime by an absolute path"
mkdir -p sub && cp "$BALLAST_SOURCE_DIR/config/regimes/eu-2024-856.cfg" sub/my-regime.cfg
"$BALLAST" generate --contracts 1000 --seed 3 --out gen-rel --regime sub/my-regime.cfg > "$work/gen.log" 2>&1
grep -qF "regime = \"$(pwd -P)/sub/my-regime.cfg\";" gen-rel/run.cfg
ok $? "--regime relative to the current directory, written absolute"
"$BALLAST" generate --contracts 10 --out gen-bad --regime no/such.cfg > "$work/gen.log" 2>&1
is "2" "$?" "--regime naming no file: usage error"
