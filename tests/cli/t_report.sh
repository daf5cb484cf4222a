#!/usr/bin/env bash
# The ALCO pack as a person would look at it: the example monthly close is run (behavioural flows,
# and once more with --contractual as "the previous run"), `ballast report` draws the pack, headless
# Chromium renders index.html (a screenshot that must not be blank; the DOM after load must hold
# every section and every chart decoded by the browser), the CSV tables carry exactly the numbers
# of alm.nc (read independently with ncdump), and --compare shows now, before and the change.
source "$(dirname "$0")/tap.sh"
command -v chromium > /dev/null || skip_all "chromium not installed (scripts/setup installs it)"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
plan 29
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cfg="$BALLAST_SOURCE_DIR/config/example.cfg"

"$MPIRUN" -np 2 "$BALLAST" run "$cfg" --output "$work/now" > "$work/run.log" 2>&1
ok $? "the example run (2 ranks)"
"$BALLAST" run "$cfg" --output "$work/before" --contractual > "$work/run2.log" 2>&1
ok $? "the example run with contractual flows (the previous run for --compare)"
"$BALLAST" report "$work/now" > "$work/report.out" 2> "$work/report.err"
ok $? "ballast report RESULTS_DIR exits 0"
contains "$work/report.out" "$work/now/alco/index.html" "it prints the path of index.html"
pack="$work/now/alco"

# --- what the browser shows -------------------------------------------------------------------
chrome() { # chrome ACTION-FLAGS... : headless, offline, a fresh profile each time
  local prof
  prof=$(mktemp -d)
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$prof" "$@" 2> "$work/chrome.err"
  local st=$?
  rm -rf "$prof"
  return $st
}
chrome --screenshot="$work/shot.png" --window-size=1280,4000 "file://$pack/index.html" > /dev/null
ok $? "Chromium renders index.html to a screenshot"
# non-blank: a PNG of the window size in which a good share of pixels is not background and
# many colours appear (text, traffic lights, charts)
"$PY" - "$work/shot.png" > "$work/shot.txt" << 'PY'
import sys
import matplotlib.image as mpimg
import numpy as np
with open(sys.argv[1], "rb") as f:
    assert f.read(8) == b"\x89PNG\r\n\x1a\n", "not a PNG"
im = mpimg.imread(sys.argv[1])[..., :3]
h, w = im.shape[:2]
ink = float((im.sum(axis=2) < 2.9).mean())
colours = len(np.unique((im * 255).astype(np.uint8).reshape(-1, 3), axis=0))
red = float(((im[..., 0] > 0.7) & (im[..., 1] < 0.3) & (im[..., 2] < 0.3)).mean())
print(w, h, "%.4f" % ink, colours, "%.5f" % red)
PY
read -r sw sh ink ncol red < "$work/shot.txt"
is "1280x4000" "${sw}x${sh}" "the screenshot is 1280 x 4000"
awk -v i="$ink" -v c="$ncol" 'BEGIN { exit !(i > 0.05 && c > 200) }'
ok $? "the screenshot is not blank ($ink of pixels inked, $ncol colours)"
awk -v r="$red" 'BEGIN { exit !(r > 0.0005) }'
ok $? "red traffic lights are visible (share of red pixels $red)"

chrome --dump-dom --virtual-time-budget=10000 "file://$pack/index.html" > "$work/dom.html"
ok $? "Chromium dumps the DOM after load"
"$PY" - "$work/dom.html" > "$work/dom.txt" << 'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
want = ["traffic-lights", "eve", "pv01", "nii", "repricing-gap", "liquidity", "actions", "calibration", "provenance"]
missing = [s for s in want if not re.search(r'<section id="%s"' % s, dom)]
charts = ["eve_delta", "key_rate_pv01", "nii", "repricing_gap", "ladder_contractual", "ladder_stressed", "lcr_nsfr"]
bad = []
for c in charts:
    m = re.search(r'<img id="chart-%s"[^>]*>' % c, dom)
    if not m or not re.search(r'data-decoded="([1-9][0-9]*)x([1-9][0-9]*)"', m.group(0)):
        bad.append(c)
n = re.search(r'data-charts-decoded="(\d+)"', dom)
print("missing_sections=" + ",".join(missing))
print("undecoded_charts=" + ",".join(bad))
print("decoded=%s" % (n.group(1) if n else "none"))
print("network=%d" % len(re.findall(r'(src|href)="https?:', dom)))
PY
contains "$work/dom.txt" "missing_sections=" "DOM read"
is "missing_sections=" "$(grep missing_sections "$work/dom.txt")" "every section is in the page (traffic lights, EVE, PV01, NII, gap, liquidity, actions, calibration, provenance)"
is "undecoded_charts=" "$(grep undecoded_charts "$work/dom.txt")" "every chart image is present and decoded by the browser"
is "decoded=7" "$(grep decoded= "$work/dom.txt" | grep -v undecoded)" "seven charts decoded"
is "network=0" "$(grep network= "$work/dom.txt")" "no network reference (self-contained)"
contains "$work/dom.html" "not configured in this run" "sections of issue 11 say they are not configured"
contains "$work/dom.html" "page-break-before: always" "a print stylesheet breaks pages per section"

# printable: Chromium's print to PDF gives at least one page per section (the print stylesheet
# starts every section on a new page); the page count is the PDF's root /Count
chrome --print-to-pdf="$work/pack.pdf" --no-pdf-header-footer "file://$pack/index.html" > /dev/null
pages=$(grep -a -o '/Count [0-9]*' "$work/pack.pdf" | awk '{ if ($2 > m) m = $2 } END { print m + 0 }')
awk -v p="$pages" 'BEGIN { exit !(p >= 9) }'
ok $? "printed, the pack has a page per section ($pages pages for 9 sections)"

# --- the files beside the page ----------------------------------------------------------------
n=0
for f in eve_delta key_rate_pv01 nii repricing_gap ladder_contractual ladder_stressed lcr_nsfr; do
  head -c 8 "$pack/$f.png" | od -An -tx1 | tr -d ' \n' | grep -q '^89504e470d0a1a0a$' && n=$((n + 1))
done
is 7 "$n" "every chart is also a PNG file"

# --- the CSVs carry alm.nc's numbers (read independently with ncdump at 17 digits) ------------
nc="$work/now/alm.nc"
val() { ncdump -p 17,17 -v "$1" "$nc" | sed -n '/^data:/,$p' | tr -d ' ;\n' | sed "s/.*$1=//; s/}//" | cut -d, -f"$2"; }
same() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 == b + 0 && a != "") }'; }
# eve(action, scenario, currency): scenarios base, parallel_up, ...; currencies EUR, USD, GBP:
# parallel_up EUR is field 1*3 + 0 + 1 = 4
csv_eve=$(awk -F, '$2 == "parallel_up" && $3 == "EUR" { print $4 }' "$pack/eve.csv")
same "$(val eve 4)" "$csv_eve"; ok $? "eve.csv: EVE parallel_up EUR = alm.nc ($csv_eve)"
csv_lcr=$(awk -F, '$2 == "total" { print $3 }' "$pack/lcr.csv")
same "$(val lcr 1)" "$csv_lcr"; ok $? "lcr.csv: LCR = alm.nc ($csv_lcr)"
# liquidity_outflow(currency, ladder_bucket): USD (currency 2) bucket 9 (30 days) is field 16 + 9 = 25
csv_lad=$(awk -F, '$1 == "USD" && $2 == 30 { print $4 }' "$pack/ladder_contractual.csv")
same "$(val liquidity_outflow 25)" "$csv_lad"; ok $? "ladder_contractual.csv: USD outflow to 30 days = alm.nc ($csv_lad)"
csv_surv=$(awk -F, '$1 == "combined" { print $2 }' "$pack/survival.csv")
same "$(val survival_days 3)" "$csv_surv"; ok $? "survival.csv: combined survival days = alm.nc ($csv_surv)"

# --- --compare ----------------------------------------------------------------------------------
"$BALLAST" report "$work/now" --compare "$work/before" > /dev/null 2> "$work/cmp.err"
ok $? "ballast report --compare PREVIOUS_DIR exits 0"
ncb="$work/before/alm.nc"
valb() { ncdump -p 17,17 -v "$1" "$ncb" | sed -n '/^data:/,$p' | tr -d ' ;\n' | sed "s/.*$1=//; s/}//" | cut -d, -f"$2"; }
IFS=, read -r _ _ now before change <<< "$(grep '^LCR,' "$pack/compare.csv")"
same "$(val lcr 1)" "$now" && same "$(valb lcr 1)" "$before" && awk -v n="$now" -v b="$before" -v c="$change" 'BEGIN { exit !(n - b == c) }'
ok $? "compare.csv: LCR now $now, before $before, change $change"
IFS=, read -r _ _ now before change <<< "$(grep '^EVE base EUR,' "$pack/compare.csv")"
same "$(val eve 1)" "$now" && same "$(valb eve 1)" "$before" && awk -v n="$now" -v b="$before" 'BEGIN { exit !(n != b) }'
ok $? "compare.csv: EVE base EUR behavioural $now vs contractual $before"

# --- errors ---------------------------------------------------------------------------------------
"$BALLAST" report "$work/nothing" > /dev/null 2> "$work/e3"
st=$?
is 3 "$st" "a missing results file exits 3"
contains "$work/e3" "$work/nothing/alm.nc" "... naming the path"
"$BALLAST" report > /dev/null 2>&1
is 2 "$?" "no RESULTS_DIR exits 2"
mkdir -p "$work/io" && cp "$nc" "$work/io/" && : > "$work/io/alco"
"$BALLAST" report "$work/io" > /dev/null 2>&1
is 5 "$?" "an output directory that cannot be made exits 5"
