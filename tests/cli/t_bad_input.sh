#!/usr/bin/env bash
# Every validation rule of the contract file (../shared/spec/contracts.md "Bad input") gives a
# clear message naming file, line, column and value, exit status 3, and writes nothing.
source "$(dirname "$0")/tap.sh"
plan 45
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fix="$BALLAST_SOURCE_DIR/tests/data/small"

# case NAME SED-EXPRESSION-ON-CONTRACTS EXPECTED-MESSAGE [FILE-TO-EDIT]
case_() {
  local name=$1 expr=$2 want=$3 file=${4:-contracts.csv}
  local d="$work/$name"
  mkdir -p "$d"
  cp "$fix"/contracts.csv "$fix"/curves.csv "$fix"/fx.csv "$d"/
  sed -e "s|/tmp/ballast-small|$d/out|" -e "s|^regime = .*|regime = \"$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg\";|" "$fix/run.cfg" > "$d/run.cfg"
  sed -i -e "$expr" "$d/$file"
  "$BALLAST" validate "$d/run.cfg" > "$d/stdout" 2> "$d/stderr"
  local st=$?
  is 3 "$st" "$name: exit status 3"
  contains "$d/stderr" "$want" "$name: message names file, line, column and value"
}

case_ unknown-column '1s/xDayNotice/xDayNotise/' "contracts.csv:1:459: unknown column 'xDayNotise'"
case_ duplicate-column '1s/,facilityType,/,hqlaLevel,/' "contracts.csv:1:" 
contains "$work/duplicate-column/stderr" "column 'hqlaLevel' appears twice" "duplicate-column: says which"
case_ missing-column '1s/,portfolio,/,portfolioX,/' "missing required column 'portfolio'"
case_ bad-number '2s/182340.55/182,340.55/' "contracts.csv:2:"
case_ bad-number2 '2s/182340.55/1.8e3x/' "column 'notionalPrincipal': value '1.8e3x': expected a decimal number"
case_ bad-date '4s/2031-02-15/2031-02-30/' "contracts.csv:4:70: column 'maturityDate': value '2031-02-30': expected a date YYYY-MM-DD"
case_ bad-enum '2s/30E360/30E361/' "contracts.csv:2:99: column 'dayCountConvention': value '30E361': expected one of AA, A360, A365, 30E360ISDA, 30E360, 28E336"
case_ bad-cycle '2s/P1ML0/1M/' "column 'cycleOfInterestPayment': value '1M': expected an ACTUS period"
case_ maturity-before-status '7s/2035-09-30/2025-09-30/' "contracts.csv:7:69: column 'maturityDate': value '2025-09-30': on or before the status date"
case_ negative-notional '2s/182340.55/-182340.55/' "contracts.csv:2:82: column 'notionalPrincipal': value '-182340.55': negative"
case_ duplicate-id '6s/TD-0007731/MTG-000001/' "contracts.csv:6:1: column 'contractID': value 'MTG-000001': duplicate (first at"
case_ unknown-curve '3s/EUR_EURIBOR3M/EUR_NOPE/' "contracts.csv:3:161: column 'marketObjectCodeOfRateReset': value 'EUR_NOPE': no curve of that curveID"
case_ currency-without-fx '5s/,EUR,/,CHF,/' "contracts.csv:5:46: column 'currency': value 'CHF': no FX rate for this currency in"
case_ field-count '2s/,$//' "contracts.csv:2:1: 35 fields, expected 36 as in the header"
case_ unterminated-quote '2s/,BANK-ES,/,"BANK-ES,/' "contracts.csv:2:"
case_ midlife-without-accrued '4s/396061.64//' "contracts.csv:4:127: column 'accruedInterest': empty; the contract is loaded mid-life"
case_ bad-counterparty '2s/,retail,/,household,/' "column 'counterpartyType': value 'household': expected one of retail"
case_ bad-role '2s/,RPA,/,LENDER,/' "column 'contractRole': value 'LENDER'"
case_ curve-bad-tenor '3s/1M/1Q/' "curves.csv:3:14: column 'tenor': value '1Q'" curves.csv
case_ fx-missing-reporting '2d' "no rate for the reporting currency EUR" fx.csv

# all errors of a file are reported, not only the first
regime_abs="s|^regime = .*|regime = \"$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg\";|"
d="$work/many"; mkdir -p "$d"; cp "$fix"/* "$d"/; sed -i -e "s|/tmp/ballast-small|$d/out|" -e "$regime_abs" "$d/run.cfg"
sed -i -e '2s/30E360/30E361/' -e '4s/2031-02-15/2031-02-30/' -e '5s/,EUR,/,CHF,/' "$d/contracts.csv"
"$BALLAST" validate "$d/run.cfg" > /dev/null 2> "$d/stderr"
is 3 "$(grep -c '^.*contracts.csv:[0-9]*:[0-9]*: ' "$d/stderr")" "three bad rows give three messages"
contains "$d/stderr" "3 errors in the contract files" "the summary counts them"

# run: no result file, and an earlier result is not damaged
d="$work/norun"; mkdir -p "$d/out"; cp "$fix"/* "$d"/; sed -i -e "s|/tmp/ballast-small|$d/out|" -e "$regime_abs" "$d/run.cfg"
echo "earlier" > "$d/out/alm.nc"
sed -i '7s/2035-09-30/2025-09-30/' "$d/contracts.csv"
"$BALLAST" run "$d/run.cfg" > /dev/null 2>&1
is 3 "$?" "run on bad input exits 3"
is "earlier" "$(cat "$d/out/alm.nc")" "an earlier alm.nc is left as it was"
