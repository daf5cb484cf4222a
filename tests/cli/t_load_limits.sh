#!/usr/bin/env bash
# Limits of the contract loader (issue 13 items 1, 2; docs/loading.md "Limits"): a text field of
# 65,535 characters or more, a line over 1 MiB, a number longer than 255 characters, a number that
# overflows a double and a rate beyond its bound, each on 1 and 3 ranks under a timeout: the exit
# status and the message (file:line:column:value) are the same on every rank count, nothing hangs,
# and line numbers after a long line stay right. Expected values by hand from the fixture
# tests/data/small (eight contracts, lines 2-9).
source "$(dirname "$0")/tap.sh"
plan 32
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fix="$BALLAST_SOURCE_DIR/tests/data/small"
setup() { # NAME: a copy of the fixture in $work/NAME
  local d="$work/$1"
  mkdir -p "$d"
  cp "$fix"/contracts.csv "$fix"/curves.csv "$fix"/fx.csv "$d"/
  sed -e "s|/tmp/ballast-small|$d/out|" -e "s|^regime = .*|regime = \"$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg\";|" "$fix/run.cfg" > "$d/run.cfg"
}
rep() { head -c "$2" /dev/zero | tr '\0' "$1"; } # rep CHAR COUNT
# the last fixture row (CASH-ECB, line 9) with its contractID (field 1) or portfolio (field 2) replaced
cash_row() { sed -n 9p "$fix/contracts.csv" | awk -F, -v OFS=, -v k="$1" -v v="$2" '{ $k = v; print }'; }
# check NAME WANT-STATUS WANT-MESSAGE: validate on 1 and 3 ranks, 60 s timeout each
check() {
  local d="$work/$1" np
  for np in 1 3; do
    timeout 60 "$MPIRUN" -np "$np" "$BALLAST" validate "$d/run.cfg" > "$d/out$np" 2> "$d/err$np"
    local st=$?
    is "$2" "$st" "$1 on $np rank(s): exit status $2 (124 would be a hang)"
    contains "$d/err$np" "$3" "$1 on $np rank(s): message"
  done
}

# 1. a contractID of 70,000 characters, as a new line 10 (on 3 ranks it is parsed by the last rank)
setup long-id
cash_row 1 "$(rep X 70000)" >> "$work/long-id/contracts.csv"
check long-id 3 "contracts.csv:10:1: column 'contractID': value '$(rep X 40)...': 70000 characters, longer than the limit of 65534"
# 2. a portfolio of exactly 65,535 characters (one over the limit)
setup long-portfolio
cash_row 2 "$(rep P 65535)" | sed 's/^CASH-ECB,/CASH-ECB-2,/' >> "$work/long-portfolio/contracts.csv"
check long-portfolio 3 "contracts.csv:10:1: column 'portfolio': value '$(rep P 40)...': 65535 characters, longer than the limit of 65534"
# 3. a line of more than 1 MiB (line 10), then a negative notional on line 11: both reported, each
#    with its own line number (the long line is skipped, counted as one line)
setup long-line
{ rep Y 1100000; sed -n 9p "$fix/contracts.csv" | sed 's/^CASH-ECB//'; sed -n 9p "$fix/contracts.csv" | sed 's/^CASH-ECB,/CASH-2,/; s/,420000000,/,-5,/'; } >> "$work/long-line/contracts.csv"
check long-line 3 "contracts.csv:10:1: line longer than the limit of 1048576 bytes"
contains "$work/long-line/err3" "contracts.csv:11:" "long-line on 3 ranks: the line after it is line 11"
contains "$work/long-line/err3" "column 'notionalPrincipal': value '-5': negative" "... and its own error is reported"
# 4. a number of 313 characters: 300 leading zeros and 420000000000e-3 = 420,000,000 (the cash
#    row's notional). Read whole, TREASURY-HQLA EUR totals 25,000,000 (the bond) + 420,000,000 =
#    445,000,000.00; cut at 255 characters it would lose its exponent and read 1000 times too large.
setup long-number
sed -i "9s/,420000000,/,$(rep 0 300)420000000000e-3,/" "$work/long-number/contracts.csv"
for np in 1 3; do
  timeout 60 "$MPIRUN" -np "$np" "$BALLAST" validate "$work/long-number/run.cfg" > "$work/long-number/out$np" 2> "$work/long-number/err$np"
  is 0 "$?" "long-number on $np rank(s): valid"
  is "TREASURY-HQLA EUR 2 445000000.00" "$(awk '$1 == "TREASURY-HQLA" { print $1, $2, $3, $4 }' "$work/long-number/out$np")" "long-number on $np rank(s): the notional read whole (425e6 control total)"
done
# 5. an amount that overflows a double (1e400): an input error, not Infinity
setup overflow
sed -i '9s/,420000000,/,1e400,/' "$work/overflow/contracts.csv"
check overflow 3 "contracts.csv:9:"
contains "$work/overflow/err3" "column 'notionalPrincipal': value '1e400': out of range" "overflow on 3 ranks: names column and value"
# 6. a rate of 1e308 (finite, but 10^308 a year): beyond the bound of 10 (1,000 %)
setup huge-rate
sed -i '2s/,0.0215,/,1e308,/' "$work/huge-rate/contracts.csv"
check huge-rate 3 "contracts.csv:2:"
contains "$work/huge-rate/err3" "column 'nominalInterestRate': value '1e308': out of range" "huge-rate on 3 ranks: names column and value"
# 7. a rate just inside the bound loads (10 = 1,000 % a year is accepted, 10.000001 is not)
setup rate-bound
sed -i '2s/,0.0215,/,10.000001,/' "$work/rate-bound/contracts.csv"
check rate-bound 3 "column 'nominalInterestRate': value '10.000001': out of range"
