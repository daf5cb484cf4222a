#!/usr/bin/env bash
# ACTUS edge cases the public reference cases do not cover, written by hand from the ACTUS
# technical specification (../shared/reference/actus/actus-techspecs.tex) and checked with
# `ballast events --actus` on a case file written here (no reference file is copied).
source "$(dirname "$0")/tap.sh"
plan 9
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# num EXPECTED SEEN DESCRIPTION: numbers equal to 1e-12 relative
num() {
  awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = a < 0 ? -a : a; exit !(d <= 1e-12 * (m > 1 ? m : 1)) }'
  local st=$?
  [ $st -ne 0 ] && diag "expected $1, seen $2"
  ok $st "$3"
}

# 1. CLM maturing on a non-business day under calendar MF and convention SCP. The CLM schedule
#    (techspecs, CLM) sets t^IP = t^MD = Md(t0) directly, not through the shifted schedule S(.),
#    so the maturity and its final interest payment stay on the unadjusted date (the held-out
#    reference results do the same). 2015-09-20 is a Sunday. Interest 2015-08-20 -> 2015-09-20
#    at 12 % on 1,000, AA (actual/actual ISDA, 2015 not a leap year): 1000 * 0.12 * 31/365
#    = 10.191780821917808; then MD pays the notional 1,000.
cat > "$work/clm.json" <<'JSON'
{ "clmmf": { "identifier": "clmmf",
  "terms": { "contractID": "clmmf", "contractType": "CLM", "statusDate": "2015-08-20T00:00:00",
    "contractRole": "RPA", "calendar": "MF", "businessDayConvention": "SCP", "endOfMonthConvention": "SD",
    "cycleOfInterestPayment": "P1ML1", "nominalInterestRate": "0.12", "dayCountConvention": "AA",
    "currency": "CHF", "contractDealDate": "2015-07-18T00:00:00", "initialExchangeDate": "2015-08-20T00:00:00",
    "maturityDate": "2015-09-20T00:00:00", "notionalPrincipal": "1000", "xDayNotice": "P1M" },
  "to": "2015-09-20T00:00:00", "dataObserved": {}, "eventsObserved": [], "results": [] } }
JSON
"$BALLAST" events --actus "$work/clm.json" --case clmmf > "$work/clm.csv" 2> "$work/clm.err"
ok $? "events --actus runs the CLM case"
ip=$(grep ',IP,' "$work/clm.csv" | tail -1)
md=$(grep ',MD,' "$work/clm.csv" | tail -1)
is "2015-09-20" "$(echo "$ip" | cut -d, -f2)" "CLM under MF/SCP: final IP on the unadjusted maturity (Sunday 2015-09-20)"
num 10.191780821917808 "$(echo "$ip" | cut -d, -f4)" "... with 31 days of interest: 1000 x 12 % x 31/365"
is "2015-09-20" "$(echo "$md" | cut -d, -f2)" "... and MD on the unadjusted maturity"
num 1000 "$(echo "$md" | cut -d, -f4)" "... paying the notional"
# a PAM of the same dates is shifted as its schedule says (SCP: payment and calculation on the
# preceding business day, Friday 2015-09-18): the CLM rule is specific to CLM
sed -e 's/"CLM"/"PAM"/' -e 's/"clmmf"/"pammf"/g' -e 's/, "xDayNotice": "P1M"//' -e 's/"cycleOfInterestPayment": "P1ML1", //' "$work/clm.json" > "$work/pam.json"
"$BALLAST" events --actus "$work/pam.json" --case pammf > "$work/pam.csv" 2>&1
is "2015-09-18" "$(grep ',MD,' "$work/pam.csv" | cut -d, -f2)" "a PAM maturing on that Sunday under SCP pays on Friday 2015-09-18"

# 2. FXOUT termination: the termination price of a derivative is its value to the holder, already
#    signed, whatever the contract's role: the reference results pay TD = PTD for a swap held as
#    PF (swppv13: +400) and for an FXOUT held as RPA (fxout06: +100); a liability-side FXOUT
#    (RPL) terminated at PTD = 100 receives +100 too (the role sign is not applied a second time),
#    unlike a stock (stk05, RPL: TD = -PTD).
cat > "$work/fx.json" <<'JSON'
{ "fxl": { "identifier": "fxl",
  "terms": { "contractType": "FXOUT", "contractID": "fxl", "contractRole": "RPL", "currency": "USD",
    "currency2": "EUR", "maturityDate": "2014-12-31T00:00:00", "notionalPrincipal": "2000",
    "notionalPrincipal2": "1000", "calendar": "NOCALENDAR", "endOfMonthConvention": "SD",
    "statusDate": "2013-12-30T00:00:00", "contractDealDate": "2013-12-20T00:00:00",
    "terminationDate": "2014-09-30T00:00:00", "priceAtTerminationDate": "100" },
  "to": "2014-12-31T00:00:00", "dataObserved": {}, "eventsObserved": [], "results": [] } }
JSON
"$BALLAST" events --actus "$work/fx.json" --case fxl > "$work/fx.csv" 2>&1
td=$(grep ',TD,' "$work/fx.csv")
is "2014-09-30" "$(echo "$td" | cut -d, -f2)" "FXOUT RPL: terminated on its termination date"
num 100 "$(echo "$td" | cut -d, -f4)" "... receiving the termination price +100 (value to the holder, not signed again by the role)"
is "" "$(grep -E ',(MD|STD),' "$work/fx.csv")" "... and no settlement after the termination"
