#!/usr/bin/env bash
# The same balance sheet on 1, 2 and 3 ranks gives bitwise identical alm.nc variables; the control
# totals equal the sums of the CSV; a bad contract in one rank's share stops every rank cleanly
# with exit status 3 and no result file (no hang: each run is bounded by a timeout).
source "$(dirname "$0")/../cli/tap.sh"
plan 15
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$BALLAST" generate --contracts 3000 --portfolios 9 --seed 11 --out "$work/in" --regime "$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg" > "$work/gen.log" 2>&1
ok $? "generate a 3000-contract balance sheet"
# split the file in two shards with the rows shuffled across files (any portfolio in any file)
head -1 "$work/in/contracts.csv" > "$work/in/a.csv"
head -1 "$work/in/contracts.csv" > "$work/in/b.csv"
tail -n +2 "$work/in/contracts.csv" | awk -v a="$work/in/a.csv" -v b="$work/in/b.csv" 'NR % 3 == 1 { print >> b; next } { print >> a }'
sed -e 's|contracts = \[.*\];|contracts = ["a.csv", "b.csv"];|' "$work/in/run.cfg" > "$work/in/two.cfg"
grep -q '"a.csv", "b.csv"' "$work/in/two.cfg"
ok $? "configuration with two contract files"

for np in 1 2 3; do
  timeout 300 "$MPIRUN" -np $np "$BALLAST" run "$work/in/two.cfg" --output "$work/out$np" > "$work/run$np.log" 2>&1
  ok $? "run on $np rank(s)"
  # every variable's data, full precision, without the global attributes (they hold the rank count and times)
  ncdump -p 17,17 "$work/out$np/alm.nc" | sed -n '/^data:/,$p' > "$work/data$np.txt"
done
test -s "$work/data1.txt" && grep -q "eve =" "$work/data1.txt"; ok $? "alm.nc holds the metrics"
cmp -s "$work/data1.txt" "$work/data2.txt"; ok $? "alm.nc data identical on 1 and 2 ranks"
cmp -s "$work/data1.txt" "$work/data3.txt"; ok $? "alm.nc data identical on 1 and 3 ranks"
grep -q 'mpi_ranks = 3' <(ncdump -h "$work/out3/alm.nc"); ok $? "provenance records 3 ranks"

# the control total equals the sum of the notionalPrincipal column, per currency (awk, independent)
col=$(head -1 "$work/in/contracts.csv" | tr ',' '\n' | grep -n '^notionalPrincipal$' | cut -d: -f1)
ccol=$(head -1 "$work/in/contracts.csv" | tr ',' '\n' | grep -n '^currency$' | cut -d: -f1)
want=$(tail -n +2 "$work/in/contracts.csv" | awk -F, -v c="$col" -v k="$ccol" '$k == "EUR" { s += $c } END { printf "%.2f", s }')
seen=$(grep -E '^TOTAL +EUR' "$work/run2.log" | awk '{ print $4 }')
is "$want" "$seen" "EUR notional total equals the CSV's sum"
wantn=$(($(wc -l < "$work/in/contracts.csv") - 1))
seenn=$(grep -E '^TOTAL ' "$work/run2.log" | awk '{ s += $3 } END { print s }')
is "$wantn" "$seenn" "contract count equals the CSV's rows"

# a bad row near the end of b.csv: parsed by the last rank only
n=$(wc -l < "$work/in/b.csv")
sed -i "$((n - 1))s/,EUR,/,XXX,/; $((n - 1))s/,USD,/,XXX,/; $((n - 1))s/,GBP,/,XXX,/" "$work/in/b.csv"
timeout 300 "$MPIRUN" -np 3 "$BALLAST" run "$work/in/two.cfg" --output "$work/bad" > "$work/bad.log" 2>&1
st=$?
is 3 "$st" "a bad contract on one rank: every rank stops with exit status 3 (no hang)"
contains "$work/bad.log" "b.csv:$((n - 1)):" "the message names the file and line"
contains "$work/bad.log" "value 'XXX': no FX rate" "... and the value"
test ! -e "$work/bad/alm.nc"; ok $? "no result file"
