#!/usr/bin/env bash
# The NMD average maturity that is capped and reported is that of the core's cash flows exactly as
# slotted (metrics.md, behavioural models; issue 10 item 2): the run's `average_maturity` of a
# deposit segment equals the amount-weighted mean time of the core slots that `ballast events`
# prints for a deposit of that segment (an independent reading: the events as the consumers see
# them, not the calibration's formula).
source "$(dirname "$0")/tap.sh"
plan 4
command -v ncdump > /dev/null || skip_all "ncdump not installed"
cfg="$BALLAST_SOURCE_DIR/tests/data/overlay/run.cfg"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$BALLAST" run "$cfg" --output "$work/out" > "$work/run.log" 2>&1
ok $? "run of the overlay fixture (a sight deposit: 60 % core over 1M and 3M tranches, weights 0.5 / 0.5)"
# the segment index of "sight" and its average_maturity from alm.nc
names=$(ncdump -v segment_name "$work/out/alm.nc" | sed -n '/^ segment_name =/,/;/p' | tr -d ' ;' | sed 's/segment_name=//' | tr ',' '\n' | tr -d '"' | grep -v '^$')
idx=$(echo "$names" | grep -n '^sight$' | cut -d: -f1)
reported=$(ncdump -p 17,17 -v average_maturity "$work/out/alm.nc" | sed -n '/^ average_maturity =/,/;/p' | tr -d ' ;' | sed 's/average_maturity=//' | tr ',' '\n' | grep -v '^$' | sed -n "${idx}p")
"$BALLAST" events "$cfg" --contract SIGHT-1 > "$work/ev.csv"
ok $? "events of the deposit"
# core slots: the deposit_slotting MD events after the overnight (non-core) one; mean of their
# times in years (ACT/365 from the as-of date 2026-10-15), weighted by the amounts
slotted=$(awk -F, -v asof=2026-10-15 '
  function days(s,  c) { c = "date -u -d " s " +%s"; c | getline t; close(c); return t / 86400 }
  BEGIN { a = days(asof) }
  $8 == "behavioural" && $9 == "deposit_slotting" && $3 == "MD" { n++; if (n == 1) next; w += $4; s += $4 * (days($2) - a) / 365 }
  END { printf "%.15g", s / w }' "$work/ev.csv")
diag "reported average_maturity $reported years, slotted core flows average $slotted years"
awk -v a="$reported" -v b="$slotted" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 1e-12) }'
ok $? "average_maturity in alm.nc equals the mean time of the slotted core flows"
# and by hand: 1M tranche: one slot 31 days out (2026-11-15); 3M tranche: slots at 31, 61, 92 days:
# 0.5 x 31/365 + 0.5 x (31 + 61 + 92)/3/365 = 0.5 x 0.0849315 + 0.5 x 0.1680365 = 0.126484
awk -v a="$reported" 'BEGIN { h = 0.5 * 31 / 365 + 0.5 * (31 + 61 + 92) / 3 / 365; d = a - h; if (d < 0) d = -d; exit !(d < 1e-12) }'
ok $? "... and the hand value 0.5 x 31/365 + 0.5 x (31 + 61 + 92)/(3 x 365) = 0.126484"
