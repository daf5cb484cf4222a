#!/usr/bin/env bash
# Behavioural cash flows (metrics.md "Behavioural models"), checked by hand through the audit
# command: a prepaying annuity (constant CPR) and a deposit slotted along its replicating tranches.
source "$(dirname "$0")/tap.sh"
plan 16
cfg="$BALLAST_SOURCE_DIR/tests/data/overlay/run.cfg"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$BALLAST" events "$cfg" --contract ANN-1 > "$work/ann1all.csv"
ok $? "events of the prepaying annuity"
# both streams are printed: the contractual one, then the behavioural one (column 8), each row
# labelled with the filter that made it (column 9); the checks below read the behavioural stream
awk -F, '$8 == "behavioural"' "$work/ann1all.csv" > "$work/ann1.csv"
"$BALLAST" events "$cfg" --contract ANN-1 --contractual > "$work/ann1c.csv"
is "$(tail -n +2 "$work/ann1c.csv")" "$(awk -F, '$8 == "contractual"' "$work/ann1all.csv")" "the contractual stream printed with behaviour is the --contractual one"
is "prepayment" "$(cut -d, -f9 "$work/ann1.csv" | sort -u)" "every behavioural row is made by the prepayment filter"
"$BALLAST" events "$cfg" --contract ANN-2 > "$work/ann2.csv"
# ANN-2 has no behaviour segment: its events are the contractual ones (the same terms as ANN-1)
is "$(cut -d, -f2- "$work/ann1c.csv")" "$(cut -d, -f2- "$work/ann2.csv")" "--contractual gives the contract without behaviour"
# Hand calculation. 120,000 at 6 % (30E360, monthly 0.5 %), 12 instalments left on 2026-10-15:
#   A  = 120000 * 0.005 / (1 - 1.005^-12) = 10327.9716 (the annuity recomputed on the outstanding)
#   N1 = 120000 - (A - 600) = 110272.0284 after the first instalment (2026-11-15)
#   SMM = 1 - (1 - 0.12)^(1/12) = 0.0105965; PP1 = SMM * N1, dated the monthly checkpoint 2026-11-15
#   S1 = 1 - SMM; the 2nd instalment's principal scales by S1: (A - 0.005 N1) * S1
want=$(awk 'BEGIN { N = 120000; i = 0.005; A = N * i / (1 - (1 + i) ^ -12); N1 = N - (A - N * i);
  smm = 1 - 0.88 ^ (1 / 12); printf "%.6f %.6f %.6f", smm * N1, (A - i * N1) * (1 - smm), N1 * (1 - smm) }')
read -r pp1 pr2 n1 <<< "$want"
seen_pp1=$(awk -F, '$3 == "PP" { printf "%.6f", $4; exit }' "$work/ann1.csv")
seen_pp1_date=$(awk -F, '$3 == "PP" { print $2; exit }' "$work/ann1.csv")
seen_pr2=$(awk -F, '$3 == "PR" { n++; if (n == 2) { printf "%.6f", $4; exit } }' "$work/ann1.csv")
seen_n1=$(awk -F, '$3 == "PP" { printf "%.6f", $5; exit }' "$work/ann1.csv")
is "$pp1" "$seen_pp1" "first prepayment = SMM x outstanding after the first instalment"
is "2026-11-15" "$seen_pp1_date" "... on the first monthly checkpoint"
is "$n1" "$seen_n1" "notional after the prepayment"
is "$pr2" "$seen_pr2" "the next instalment's principal scales by the surviving share (maturity kept)"
last=$(grep -v ',AD,' "$work/ann1.csv" | tail -1 | cut -d, -f2,3,5)
is "2027-10-15,MD,0" "$last" "the contract still ends at its maturity, fully repaid"
# every prepayment and principal payment adds up to the outstanding 120,000
sum=$(awk -F, '$3 == "PR" || $3 == "PP" || $3 == "MD" { s += $4 } END { printf "%.6f", s }' "$work/ann1.csv")
is "120000.000000" "$sum" "principal repaid and prepaid sums to the outstanding notional"

# Deposit: 1,000,000 sight deposit, core share 60 %, tranches 1M and 3M with weights 0.5/0.5:
#   non-core 400,000 overnight; 1M tranche 300,000 in one monthly slice; 3M tranche 300,000 in three
#   slices of 100,000 at 1, 2 and 3 months.
"$BALLAST" events "$cfg" --contract SIGHT-1 --scenario parallel_up > "$work/depall.csv"
awk -F, '$8 == "behavioural"' "$work/depall.csv" > "$work/dep.csv"
is "deposit_slotting" "$(cut -d, -f9 "$work/dep.csv" | sort -u)" "the deposit's behavioural stream is made by deposit slotting"
# its contractual stream (what liquidity consumes): the overnight call, interest then balance
is "IP,synthetic_call MD,synthetic_call" "$(awk -F, '$8 == "contractual" { printf "%s%s,%s", n++ ? " " : "", $3, $9 }' "$work/depall.csv")" "... its contractual stream the synthetic call"
is "-400000 -300000 -100000 -100000 -100000" "$(awk -F, '$3 == "MD" { printf "%s%.0f", n++ ? " " : "", $4 }' "$work/dep.csv")" "deposit slotted: non-core overnight, core along the tranches"
is "2026-10-16 2026-11-15 2026-11-15 2026-12-15 2027-01-15" "$(awk -F, '$3 == "MD" { printf "%s%s", n++ ? " " : "", $2 }' "$work/dep.csv")" "... on the slot dates"
# deposit rate under parallel_up: 0 % + beta 0.5 x (rise of the one-month forward, ~ 200 bp) ~ 1.0 %
rate=$(awk -F, 'NR == 1 { printf "%.3f", $6 }' "$work/dep.csv")
is "0.010" "$rate" "deposit rate passes half the short-rate shock through"
"$BALLAST" events "$cfg" --contract SIGHT-1 --scenario base > "$work/dep0.csv"
is "0.000" "$(awk -F, '$8 == "behavioural" { printf "%.3f", $6; exit }' "$work/dep0.csv")" "... and stays at 0 % in base"
