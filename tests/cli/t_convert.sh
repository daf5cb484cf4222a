#!/usr/bin/env bash
# The columnar contract store (docs/store.md): `ballast convert` of the example bank on 1 and 3
# ranks writes the same store (every variable's data); a configuration whose input.contracts names
# the store gives an alm.nc whose every data variable is bitwise equal (ncdump at 17 significant
# digits) to the CSV run's, on 1 and 3 ranks, with behaviour and --contractual, and for the
# planning example (actions, new business); its provenance names the store and the CSV's hash;
# `ballast validate` prints the same counts and control totals. A damaged store (truncated, a
# variable of the wrong type, a missing variable), a NetCDF file that is not a store (an alm.nc)
# and a store of another format version are exit 3 with the file named, also on 3 ranks (under a
# timeout: no hang). Converting a store is refused.
source "$(dirname "$0")/tap.sh"
plan 23
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src="$BALLAST_SOURCE_DIR/config"
run() { timeout 600 "$@"; }
data() { ncdump -p 17,17 "$1" | sed -n '/^data:/,$p'; }
# a configuration beside the example's data (relative paths resolve as in config/) whose
# input.contracts names $2
mkcfg() { # mkcfg BASE.cfg STORE OUT.cfg
  sed "s|contracts = \[\"example/contracts.csv\"\]|contracts = [\"$2\"]|" "$src/$1" > "$3"
}
ln -s "$src/example" "$work/example"
ln -s "$src/regimes" "$work/regimes"

run "$BALLAST" convert "$src/example.cfg" --out "$work/store1.nc" > "$work/conv1.log" 2>&1
ok $? "convert the example on 1 rank $(tail -1 "$work/conv1.log")"
run "$MPIRUN" -np 3 "$BALLAST" convert "$src/example.cfg" --out "$work/store3.nc" > "$work/conv3.log" 2>&1
ok $? "convert the example on 3 ranks"
cmp -s <(data "$work/store1.nc") <(data "$work/store3.nc")
ok $? "the stores written on 1 and 3 ranks hold the same data"
[ ! -e "$work/store1.nc.tmp" ] && ncdump -h "$work/store1.nc" | grep -q ':ballast_store = "ballast contract store"'
ok $? "the store is complete (no temporary left) and says what it is"
sha=$(sha256sum "$src/example/contracts.csv" | cut -d' ' -f1)
ncdump -h "$work/store1.nc" | grep -q ":input_sha256 = \"$sha  .*contracts.csv" && ncdump -h "$work/store1.nc" | grep -q ':contracts = 20000LL'
ok $? "the store carries the CSV's SHA-256 and the number of contracts"
"$BALLAST" convert --help | grep -q "usage: ballast convert CONFIG --out STORE.nc"
ok $? "convert --help"
run "$BALLAST" convert "$src/example.cfg" > /dev/null 2>&1
is 2 $? "convert without --out: usage error"

mkcfg example.cfg store1.nc "$work/store.cfg"
mkcfg example-plan.cfg store1.nc "$work/store-plan.cfg"

# behavioural run, 1 rank CSV against the store on 1 and 3 ranks
run "$BALLAST" run "$src/example.cfg" --output "$work/csv" > "$work/csv.log" 2>&1
ok $? "the CSV run"
# (read 1000 contracts at a time: pieces end inside portfolios)
BALLAST_STORE_PIECE=1000 run "$BALLAST" run "$work/store.cfg" --output "$work/st1" > "$work/st1.log" 2>&1
ok $? "the run on the store, 1 rank"
cmp -s <(data "$work/csv/alm.nc") <(data "$work/st1/alm.nc")
ok $? "store run on 1 rank (read in pieces of 1000 contracts): every data variable bitwise equal to the CSV run's"
run "$MPIRUN" -np 3 "$BALLAST" run "$work/store.cfg" --output "$work/st3" > "$work/st3.log" 2>&1
cmp -s <(data "$work/csv/alm.nc") <(data "$work/st3/alm.nc")
ok $? "store run on 3 ranks: every data variable bitwise equal to the CSV run's"
ncdump -h "$work/st1/alm.nc" | grep -q ":contracts_sha256 = \"$sha\"" && ncdump -h "$work/st1/alm.nc" | grep -q 'input_sha256 = .*  [^ ]*/store1.nc\\n'
ok $? "the store run's provenance: the CSV's hash as contracts_sha256, the store among the inputs"

# contractual
run "$BALLAST" run "$src/example.cfg" --contractual --output "$work/csvc" > /dev/null 2>&1
run "$BALLAST" run "$work/store.cfg" --contractual --output "$work/stc1" > /dev/null 2>&1
cmp -s <(data "$work/csvc/alm.nc") <(data "$work/stc1/alm.nc")
ok $? "--contractual on 1 rank: bitwise equal to the CSV run's"
run "$MPIRUN" -np 3 "$BALLAST" run "$work/store.cfg" --contractual --output "$work/stc3" > /dev/null 2>&1
cmp -s <(data "$work/csvc/alm.nc") <(data "$work/stc3/alm.nc")
ok $? "--contractual on 3 ranks: bitwise equal to the CSV run's"

# planning: actions and new business over the stored balance sheet
run "$BALLAST" run "$src/example-plan.cfg" --output "$work/csvp" > /dev/null 2>&1
run "$BALLAST" run "$work/store-plan.cfg" --output "$work/stp1" > /dev/null 2>&1
cmp -s <(data "$work/csvp/alm.nc") <(data "$work/stp1/alm.nc")
ok $? "example-plan on 1 rank: bitwise equal to the CSV run's"
run "$MPIRUN" -np 3 "$BALLAST" run "$work/store-plan.cfg" --output "$work/stp3" > /dev/null 2>&1
cmp -s <(data "$work/csvp/alm.nc") <(data "$work/stp3/alm.nc")
ok $? "example-plan on 3 ranks: bitwise equal to the CSV run's"

# validate: the same counts and control totals
run "$BALLAST" validate "$src/example.cfg" 2>/dev/null | sed 's/^[^ ]*: valid\./valid./' > "$work/v-csv.txt"
run "$BALLAST" validate "$work/store.cfg" 2>/dev/null | sed 's/^[^ ]*: valid\./valid./' > "$work/v-st.txt"
grep -q "^valid. 20000 contracts in 24 portfolios" "$work/v-csv.txt" && grep -q "^TOTAL" "$work/v-csv.txt" && cmp -s "$work/v-csv.txt" "$work/v-st.txt"
ok $? "validate on the store prints the same counts and control totals as on the CSV"

# damaged and foreign stores: exit 3 naming the file, on 1 and 3 ranks
bad() { # bad FILE DESCRIPTION NEEDLE
  mkcfg example.cfg "$1" "$work/bad.cfg"
  run "$BALLAST" validate "$work/bad.cfg" > "$work/bad1.log" 2>&1
  local s1=$?
  timeout 120 "$MPIRUN" -np 3 "$BALLAST" validate "$work/bad.cfg" > "$work/bad3.log" 2>&1
  local s3=$?
  [ $s1 = 3 ] && [ $s3 = 3 ] && grep -q "error: .*$1.*$3" "$work/bad1.log" && grep -q "error: .*$1.*$3" "$work/bad3.log"
  ok $? "$2: exit 3 on 1 and 3 ranks ($s1, $s3), the file named: $(grep error: "$work/bad3.log" | head -1 | cut -c1-160)"
}
head -c 4000000 "$work/store1.nc" > "$work/trunc.nc"
bad trunc.nc "a truncated store" "cannot open"
ncdump "$work/store1.nc" > "$work/store.cdl"
sed 's/^\tubyte contractType(contract) ;/\tint contractType(contract) ;/' "$work/store.cdl" | ncgen -k nc4 -o "$work/type.nc"
bad type.nc "a variable of the wrong type" "variable contractType has type"
awk '/^\tdouble riskWeight\(contract\)/ {skip=1; next} skip && /^\t\triskWeight:/ {next} {skip=0} /^ riskWeight = / {drop=1} drop {if (/;$/) drop=0; next} {print}' "$work/store.cdl" | ncgen -k nc4 -o "$work/missing.nc"
bad missing.nc "a missing variable" "variable riskWeight is missing"
sed 's/^\t\t:ballast_store_version = 1 ;/\t\t:ballast_store_version = 2 ;/' "$work/store.cdl" | ncgen -k nc4 -o "$work/v2.nc"
bad v2.nc "a store of another format version" "format version 2"
cp "$work/csv/alm.nc" "$work/alm.nc"
bad alm.nc "a NetCDF-4 file that is not a store (an alm.nc)" "not a Ballast contract store"

run "$BALLAST" convert "$work/store.cfg" --out "$work/again.nc" > "$work/again.log" 2>&1
s=$?
[ $s = 2 ] && grep -q "names a contract store" "$work/again.log"
ok $? "converting a store is refused (exit $s)"
exit $((_tap_fail > 0))
