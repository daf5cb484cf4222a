#!/usr/bin/env bash
# `ballast run --cash-flows`: cashflows.nc of the example run (issue 12 item 4).
# - the sum of pv over events, per contract currency and scenario, is alm.nc's eve (computed by
#   the driver contract by contract, then reduced per portfolio and currency: another path) to
#   1e-9 relative; per portfolio, pv x spot FX is alm.nc's eve_portfolio;
# - cash at face value is one row per contract: event_type AD, filter face_value, date 0,
#   discount factor 1, pv = payoff; other rows: pv = scenario_payoff x discount_factor (same
#   currency) and 0 on or before the as-of date;
# - ladder_bucket agrees with the ladder's edges in alm.nc (ladder_bucket_end_day); irrbb_bucket,
#   of which alm.nc publishes the midpoints only, grows with the date and puts each flow between
#   its neighbouring buckets' midpoints; both -1 on or before the as-of date;
# - date decodes (xarray, CF "days since AS_OF") to the same day as date_iso;
# - the file's data (every variable, every attribute) of a generated bank are identical on 1 and 3 ranks, events in
#   (portfolio index, contract row) order on both although the ranks hold the portfolios in
#   another order.
source "$(dirname "$0")/tap.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" -c "import xarray, netCDF4" 2> /dev/null || skip_all "python3-xarray / python3-netcdf4 not installed (scripts/setup)"
plan 12
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cfg="$BALLAST_SOURCE_DIR/config/example.cfg"
"$MPIRUN" -np 3 "$BALLAST" run "$cfg" --output "$work/r3" --cash-flows > "$work/log3" 2> "$work/err3"
ok $? "the example run with --cash-flows on 3 ranks"
test -s "$work/r3/cashflows.nc" && ! ls "$work/r3" | grep -q -e '\.tmp$' -e spill
ok $? "... writes cashflows.nc and leaves no temporary or spill file"
contains "$work/err3" "cashflows.nc" "... and says on stderr how many events it wrote"
# rank independence on a small generated bank (the example's file is 750 MB: written once only)
"$BALLAST" generate --contracts 1500 --portfolios 6 --seed 5 --out "$work/gen" > /dev/null 2>&1
"$BALLAST" run "$work/gen/run.cfg" --output "$work/r1" --cash-flows > "$work/log1" 2> "$work/err1" &&
  "$MPIRUN" -np 3 "$BALLAST" run "$work/gen/run.cfg" --output "$work/g3" --cash-flows > "$work/logg3" 2> "$work/errg3"
ok $? "a generated bank (1,500 contracts) with --cash-flows on 1 and on 3 ranks"

"$PY" - "$work/r3" > "$work/check" 2>&1 <<'PY'
import sys, numpy as np, netCDF4, xarray
d = sys.argv[1]
c = netCDF4.Dataset(d + "/cashflows.nc"); c.set_auto_mask(False)
a = netCDF4.Dataset(d + "/alm.nc")
pv, sp, df = c["pv"][:], c["scenario_payoff"][:], c["discount_factor"][:]
cc, ccy = c["contract_currency"][:], c["currency"][:]
day, filt = c["date"][:], c["filter"][:]
codes = list(a["currency_code"][:])
eve = a["eve"][0]  # action 0: no action
worst = 0.0
for j, code in enumerate(codes):
    s = pv[cc == code].sum(axis=0)
    worst = max(worst, float(np.max(np.abs(s - eve[:, j]) / np.maximum(np.abs(eve[:, j]), 1.0))))
print("eve", "ok" if worst < 1e-9 else "BAD %g" % worst)
fx = dict(zip(codes, a["fx_rate"][:]))
rate = np.array([fx[x] for x in cc])
pidx = c["portfolio_index"][:]
ep = a["eve_portfolio"][0]  # [scenario, portfolio], reporting currency
worst = 0.0
for p in range(ep.shape[1]):
    s = (pv[pidx == p] * rate[pidx == p, None]).sum(axis=0)
    worst = max(worst, float(np.max(np.abs(s - ep[:, p]) / np.maximum(np.abs(ep[:, p]), 1.0))))
print("eve_portfolio", "ok" if worst < 1e-9 else "BAD %g" % worst)
fv = filt == 3  # face_value
types = c["event_type"][:]
good = fv.sum() > 0 and np.all(types[fv] == "AD") and np.all(day[fv] == 0) and np.all(df[fv] == 1.0) and np.all(pv[fv] == sp[fv])
print("face_value", "ok %d rows" % fv.sum() if good else "BAD")
later = (day > 0) & (ccy == cc)
past = day <= 0
good = np.allclose(pv[later], sp[later] * df[later], rtol=1e-15, atol=0) and np.all(pv[past & ~fv] == 0) and np.all(np.isnan(df[past & ~fv]))
print("pv", "ok" if good else "BAD")
# bucket indices against the edges published in alm.nc
mid = np.array(a["irrbb_bucket_midpoint"][:], dtype=float)  # alm.nc publishes the midpoints: bucket k's edges lie between mid[k-1] and mid[k+1]
ib, lb = c["irrbb_bucket"][:], c["ladder_bucket"][:]
t = day / 365.0
k = ib[day > 0]
up = np.where(k + 1 < len(mid), mid[np.minimum(k + 1, len(mid) - 1)], np.inf)
lo = np.where(k > 0, mid[np.maximum(k - 1, 0)], 0)
o = np.argsort(day[day > 0], kind="stable")
good = np.all(ib[day <= 0] == -1) and np.all(k >= 0) and np.all(t[day > 0] < up) and np.all(t[day > 0] > lo) and np.all(np.diff(k[o]) >= 0)
print("irrbb_bucket", "ok" if good else "BAD")
end = np.array(a["ladder_bucket_end_day"][:], dtype=float)
k = lb[day > 0]
lo = np.where(k > 0, end[np.maximum(k - 1, 0)], 0)
good = np.all(lb[day <= 0] == -1) and np.all(day[day > 0] <= end[k]) and np.all(day[day > 0] > lo)
print("ladder_bucket", "ok" if good else "BAD")
x = xarray.open_dataset(d + "/cashflows.nc")
iso = np.array(x["date"].values[:1000]).astype("datetime64[D]").astype(str)
print("date", "ok" if np.all(iso == x["date_iso"].values[:1000]) else "BAD")
print("order", "ok" if np.all(np.diff(pidx) >= 0) else "BAD")
PY
is "eve ok" "$(grep '^eve ' "$work/check")" "sum of pv per contract currency and scenario = alm.nc eve (1e-9 relative)"
is "eve_portfolio ok" "$(grep '^eve_portfolio' "$work/check")" "sum of pv x fx per portfolio = alm.nc eve_portfolio"
contains "$work/check" "face_value ok" "cash at face value: one AD row at the as-of date, discount factor 1, pv = payoff"
is "pv ok" "$(grep '^pv' "$work/check")" "pv = scenario_payoff x discount_factor; 0 (discount factor NaN) on or before the as-of date"
is "irrbb_bucket ok ladder_bucket ok" "$(grep -e '^irrbb_bucket' -e '^ladder_bucket' "$work/check" | tr '\n' ' ' | sed 's/ $//')" "IRRBB and ladder bucket indices agree with alm.nc's buckets"
is "date ok" "$(grep '^date' "$work/check")" "date decodes (CF days since the as-of date) to date_iso"
is "order ok" "$(grep '^order' "$work/check")" "events in portfolio order"
[ -s "$work/check" ] && grep -q BAD "$work/check" && sed 's/^/# /' "$work/check"

rm -f "$work/r3/cashflows.nc"
"$PY" - "$work/r1/cashflows.nc" "$work/g3/cashflows.nc" > "$work/same" 2>&1 <<'PY'
import sys, numpy as np, netCDF4
a, b = (netCDF4.Dataset(p) for p in sys.argv[1:3])
for x in (a, b): x.set_auto_mask(False)
bad = [n for n in a.variables if n not in b.variables or not np.array_equal(a[n][:], b[n][:], equal_nan=a[n].dtype.kind == "f")
       or a[n].ncattrs() != b[n].ncattrs()]
bad += ["attr " + n for n in a.ncattrs() if a.getncattr(n) != b.getncattr(n)]
print("identical" if not bad and set(a.variables) == set(b.variables) else "differ: " + " ".join(bad))
PY
is "identical" "$(cat "$work/same")" "cashflows.nc data identical on 1 and 3 ranks"
