#!/usr/bin/env bash
# alm.nc and contracts.nc as their ecosystem expects (CF conventions, xarray), on the example run
# (2 ranks, --position-detail):
# - the xarray one-liner of issue 12, ds.eve.sel(scenario="parallel_up", currency="EUR"), gives
#   the value ncdump prints (17 digits: exact);
# - ratios stay ratios and day counts stay numbers (xarray decodes units "days" into timedelta64,
#   which is why day counts are written "day"), mpi_ranks is an integer, history and source exist;
# - contracts.nc: Conventions, string contract ids, and each contract's portfolio, currency and
#   fx_rate, so the per-contract PVs of one portfolio, converted at fx_rate and summed, equal that
#   portfolio's eve_portfolio of alm.nc (reduced by the run along another path: per portfolio and
#   currency, then converted) to rounding;
# - a writer that fails names the file and the NetCDF error, exits 5 and leaves no temporary.
source "$(dirname "$0")/tap.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" -c "import xarray, netCDF4" 2> /dev/null || skip_all "python3-xarray / python3-netcdf4 not installed (scripts/setup)"
plan 18
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cfg="$BALLAST_SOURCE_DIR/config/example.cfg"
"$MPIRUN" -np 2 "$BALLAST" run "$cfg" --output "$work/out" --position-detail > "$work/log" 2>&1
ok $? "the example run with --position-detail (2 ranks)"
nc="$work/out/alm.nc"
# eve(action, scenario, currency): parallel_up is scenario 2, EUR currency 1 -> field 4
want=$(ncdump -p 17,17 -v eve "$nc" | sed -n '/^data:/,$p' | tr -d ' ;\n' | sed 's/.*eve=//; s/}//' | cut -d, -f4)
seen=$("$PY" -c "import xarray; print(repr(float(xarray.open_dataset('$nc').eve.sel(scenario='parallel_up', currency='EUR'))))")
awk -v a="$want" -v b="$seen" 'BEGIN { exit !(a != "" && a + 0 == b + 0) }'
ok $? "xarray .eve.sel(scenario=\"parallel_up\", currency=\"EUR\") = ncdump ($seen vs $want)"

"$PY" - "$nc" "$work/out/contracts.nc" > "$work/py.tap" 2>&1 << 'PY'
import sys
import numpy as np
import netCDF4
import xarray as xr

alm, con = sys.argv[1], sys.argv[2]
n = 2  # the shell's tests before these


def ok(cond, what):
    global n
    n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, what))


ds = xr.open_dataset(alm)
ok(ds.survival_days.dtype == np.float64 and ds.ladder_bucket_end_day.dtype == np.float64,
   "day counts stay numbers in xarray (survival_days %s, ladder_bucket_end_day %s)" % (ds.survival_days.dtype, ds.ladder_bucket_end_day.dtype))
ok(ds.lcr.dtype == np.float64 and ds.lcr.attrs.get("units") == "1", "LCR is a ratio with units 1")
ok(ds.eve_loss.attrs.get("units") == ds.attrs["reporting_currency"] == "EUR", "reporting-currency amounts carry the ISO code (EUR)")
ok(list(ds.currency.values) == list(ds.currency_code.values) and list(ds.scenario.values) == list(ds.scenario_name.values),
   "coordinate variables named like their dimensions, beside currency_code and scenario_name")
ok(float(ds.key_rate_pv01.sel(currency="USD", key_tenor=10.0)) == float(ds.key_rate_pv01.isel(currency=1, key_tenor=7)),
   "a numeric coordinate selects too (key_tenor=10 years)")
raw = netCDF4.Dataset(alm)
ok(isinstance(raw.getncattr("mpi_ranks"), (int, np.integer)) and int(raw.getncattr("mpi_ranks")) == 2, "mpi_ranks is the integer 2")
ok(raw.getncattr("source").startswith("ballast ") and raw.getncattr("command_line") in raw.getncattr("history"),
   "source and history (time and command line) attributes")
ok(raw.getncattr("Conventions").startswith("CF-"), "Conventions = CF")
raw.close()

c = xr.open_dataset(con)
ok(c.attrs.get("Conventions", "").startswith("CF-"), "contracts.nc has Conventions")
ok(c.contract.dtype.kind in "OU" and all(isinstance(x, str) for x in c.contract.values[:5]), "contract ids are strings in xarray")
cid = str(c.contract.values[0])
ok(float(c.pv.sel(scenario="base", contract=cid)) == float(c.pv.isel(scenario=0, contract=0)), "pv.sel(contract=%s) works" % cid)
ok(set(np.unique(c.currency.values)) <= set(ds.currency.values) and set(np.unique(c.portfolio.values)) == set(ds.portfolio.values),
   "each contract's currency and portfolio are labels of alm.nc")
# one portfolio, by hand: sum over its contracts of pv(base) * fx_rate vs eve_portfolio(none, base, P)
P = str(ds.portfolio.values[3])
mask = c.portfolio.values == P
mine = float(np.sum(c.pv.sel(scenario="base").values[mask] * c.fx_rate.values[mask]))
theirs = float(ds.eve_portfolio.sel(action="none", scenario="base", portfolio=P))
ok(mask.sum() > 0 and abs(mine - theirs) <= 1e-9 * abs(theirs),
   "portfolio %s: %d contracts, sum of pv * fx_rate %.6f = eve_portfolio %.6f" % (P, mask.sum(), mine, theirs))
PY
cat "$work/py.tap"
_tap_n=$(grep -cE '^(not )?ok ' "$work/py.tap")
_tap_n=$((_tap_n + 2))
grep -q '^not ok' "$work/py.tap" && _tap_fail=1

# a NetCDF call that fails: the temporary name of contracts.nc is taken by a directory
mkdir -p "$work/bad/contracts.nc.tmp"
"$BALLAST" run "$cfg" --output "$work/bad" --position-detail > "$work/bad.log" 2>&1
is 5 "$?" "a NetCDF call that fails exits 5"
contains "$work/bad.log" "$work/bad/contracts.nc: NetCDF: " "... naming the file and the NetCDF error"
rmdir "$work/bad/contracts.nc.tmp"
# alm.nc cannot replace a directory of that name: the temporary is removed
mkdir "$work/bad/alm.nc"
"$BALLAST" run "$cfg" --output "$work/bad" > "$work/bad2.log" 2>&1
st=$?
left=$(ls "$work/bad" | grep -c tmp)
is "5 0" "$st $left" "a rename that fails exits 5 and leaves no temporary file"
