#!/usr/bin/python3
"""The ALCO pack of a Ballast run: RESULTS_DIR/alco/index.html (self-contained: charts embedded as
base64 PNG, inline CSS, no network, printable one section per page), every chart as PNG and every
table as CSV.

Usage: report.py RESULTS_DIR [--compare PREVIOUS_DIR]

Every figure is read from RESULTS_DIR/alm.nc; this script only presents (formats, colours, draws,
and sums for a cumulative line or a total over currencies at the run's own fx_rate). Sections that
read variables a run does not have yet (limits, NII paths, balance paths, actions beyond "none")
say "not configured in this run" and name the variable they would read. docs/report.md tells how
to read the pack.

Exit status: 0 done; 2 usage; 3 missing or unreadable results file (the path is named); 5 I/O.
"""
import base64
import csv
import html
import io
import math
import os
import sys

EXIT_USAGE, EXIT_DATA, EXIT_IO = 2, 3, 5
USAGE = "usage: ballast report RESULTS_DIR [--compare PREVIOUS_DIR]\n"


class ResultsError(Exception):
    """A results file that is missing, unreadable or lacks a variable the pack needs (exit 3)."""


def fail(status, msg):
    sys.stderr.write("ballast report: error: %s\n" % msg)
    sys.exit(status)


try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import netCDF4
except ImportError as e:  # the set-up script installs them
    fail(EXIT_IO, "missing Python package (%s): install python3-matplotlib python3-numpy python3-netcdf4 (scripts/setup)" % e)

GREEN, AMBER, RED, GREY = "#1a7f37", "#b7791f", "#c62828", "#6b7280"
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]


# ---------------------------------------------------------------------------------------------
# reading alm.nc


class Run:
    """The variables and attributes of one alm.nc, as numpy arrays and Python strings."""

    def __init__(self, results_dir):
        self.dir = results_dir
        self.path = os.path.join(results_dir, "alm.nc")
        if not os.path.isfile(self.path):
            raise ResultsError("%s: no such results file (run `ballast run` first)" % self.path)
        try:
            ds = netCDF4.Dataset(self.path, "r")
        except (OSError, RuntimeError) as e:
            raise ResultsError("%s: not a readable NetCDF file (%s)" % (self.path, e))
        try:
            ds.set_auto_mask(False)
            self.attrs = {k: ds.getncattr(k) for k in ds.ncattrs()}
            self.vars = {}
            self.meta = {}
            self.dims = {}
            for name, v in ds.variables.items():
                self.vars[name] = v[...]
                self.dims[name] = tuple(v.dimensions)
                self.meta[name] = {k: v.getncattr(k) for k in v.ncattrs()}
        finally:
            ds.close()
        for need in ("eve", "delta_eve", "nii", "scenario_name", "currency_code"):
            if need not in self.vars:
                raise ResultsError("%s: variable %s missing: not a Ballast results file" % (self.path, need))
        self.scen = self.labels("scenario_name")
        self.ccy = self.labels("currency_code")
        self.actions = self.labels("action_name") if "action_name" in self.vars else ["none"]
        self.rc = str(self.attrs.get("reporting_currency", ""))
        self.as_of = str(self.attrs.get("as_of_date", "?"))
        self.name = str(self.attrs.get("run_name", os.path.basename(os.path.abspath(results_dir))))

    def has(self, name):
        return name in self.vars

    def labels(self, name):
        return [str(x) for x in np.ravel(self.vars[name])]

    # variables that carry a leading action dimension only when actions are configured
    # (interfaces.md): the sections that show one value per measure read action 0 (none)
    ACTION_WHEN_CONFIGURED = ("pv01", "key_rate_pv01", "repricing_gap", "liquidity_", "counterbalancing_capacity", "survival_days", "outlier_test_")

    def get(self, name):
        if name not in self.vars:
            raise ResultsError("%s: variable %s missing" % (self.path, name))
        x = np.asarray(self.vars[name])
        d = self.dims.get(name, ())
        if len(d) > 1 and d[0] == "action" and name.startswith(self.ACTION_WHEN_CONFIGURED):
            return x[0]
        return x

    def units(self, name, ccy=None):
        u = str(self.meta.get(name, {}).get("units", ""))
        if u == "local_currency":
            return ccy if ccy else "currency of the row"
        return u

    def long_name(self, name):
        return str(self.meta.get(name, {}).get("long_name", name))

    def fx(self):
        """Spot rates to the reporting currency as written by the run (NaN where absent)."""
        if self.has("fx_rate"):
            return self.get("fx_rate").astype(float)
        return np.array([1.0 if c == self.rc else math.nan for c in self.ccy])


# ---------------------------------------------------------------------------------------------
# formatting


def fmt_amount(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if isinstance(x, float) and math.isinf(x):
        return "beyond" if x > 0 else "-inf"
    return "{:,.0f}".format(x)


def fmt_pct(x, digits=1):
    if x is None or math.isnan(x):
        return "n/a"
    return "{:.{d}f} %".format(100.0 * x, d=digits)


def fmt_num(x, digits=4):
    if x is None:
        return "n/a"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if math.isnan(x):
        return "n/a"
    return "{:.{d}g}".format(x, d=digits)


def esc(s):
    return html.escape(str(s))


def bucket_labels(ends):
    out, prev = [], 0.0
    for e in ends:
        if math.isinf(e):
            out.append("> %d d" % prev)
        else:
            out.append("%d d" % e)
            prev = e
    return out


def light(status, words):
    """A traffic light: colour and the status in words (readable in black and white too)."""
    col = {"green": GREEN, "amber": AMBER, "red": RED}.get(status, GREY)
    return '<span class="light" style="background:%s">%s</span> %s' % (col, esc(status.upper()), esc(words))


def min_status(value, red_below, amber_below):
    if value is None or math.isnan(value):
        return "n/a"
    return "red" if value < red_below else "amber" if value < amber_below else "green"


# ---------------------------------------------------------------------------------------------
# the pack


class Pack:
    def __init__(self, run, out_dir, prev=None):
        self.r, self.out, self.prev = run, out_dir, prev
        self.sections = []  # (id, title, html)
        self.charts = []  # file names
        self.tables = []  # file names

    # -- outputs -----------------------------------------------------------------------------
    def csv(self, name, header, rows):
        path = os.path.join(self.out, name)
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            for row in rows:
                w.writerow([repr(float(x)) if isinstance(x, (float, np.floating)) else x for x in row])
        self.tables.append(name)
        return name

    def chart(self, fig, name, alt):
        path = os.path.join(self.out, name)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
        plt.close(fig)
        data = buf.getvalue()
        with open(path, "wb") as f:
            f.write(data)
        self.charts.append(name)
        cid = "chart-" + name[:-4]
        return '<figure><img id="%s" class="chart" alt="%s" src="data:image/png;base64,%s"><figcaption>%s (<a href="%s">%s</a>)</figcaption></figure>' % (
            cid, esc(alt), base64.b64encode(data).decode("ascii"), esc(alt), esc(name), esc(name))

    def table(self, header, rows, cls=""):
        h = "".join("<th>%s</th>" % esc(x) for x in header)
        body = "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % c for c in row) for row in rows)
        return '<table class="%s"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>' % (cls, h, body)

    def section(self, sid, title, body, units):
        head = '<p class="meta">%s &middot; as of %s &middot; units: %s</p>' % (esc(self.r.name), esc(self.r.as_of), esc(units))
        self.sections.append((sid, title, head + body))

    def missing(self, what, variables):
        return '<p class="missing">%s: not configured in this run (would read %s).</p>' % (esc(what), ", ".join("<code>%s</code>" % esc(v) for v in variables))

    # -- sections ----------------------------------------------------------------------------
    def traffic_lights(self):
        r = self.r
        rows, csvrows = [], []
        # limits per action (issue 11): limit_value, limit_status over (action, limit)
        if r.has("limit_value") and r.has("limit_status") and r.has("limit_name"):
            names = r.labels("limit_name")
            val, st = r.get("limit_value"), r.get("limit_status")
            words = {0: "green", 1: "amber", 2: "red"}
            for a, an in enumerate(r.actions):
                for k, ln in enumerate(names):
                    s = st[a, k]
                    s = words.get(int(s), "n/a") if not isinstance(s, str) else s
                    rows.append(["limit", esc(ln), esc(an), fmt_num(float(val[a, k]), 6), light(s, "")])
                    csvrows.append(["limit", ln, an, float(val[a, k]), s])
            limits_html = ""
        else:
            limits_html = self.missing("Limits", ["limit_name", "limit_value", "limit_status"])
        if r.has("outlier_test_ratio"):
            tn = r.labels("outlier_test_name")
            ratio, flag = r.get("outlier_test_ratio"), r.get("outlier_test_flag")
            thr = r.get("outlier_test_threshold") if r.has("outlier_test_threshold") else None
            worst = r.labels("outlier_test_worst_scenario") if r.has("outlier_test_worst_scenario") else [""] * len(tn)
            for i, t in enumerate(tn):
                th = float(thr[i]) if thr is not None else math.nan
                s = "red" if int(flag[i]) else ("amber" if not math.isnan(th) and ratio[i] > 0.8 * th else "green")
                w = "%s of Tier 1, threshold %s, worst scenario %s" % (fmt_pct(float(ratio[i]), 2), fmt_pct(th, 0), worst[i])
                rows.append(["outlier test", esc(t), "none", fmt_pct(float(ratio[i]), 2), light(s, w)])
                csvrows.append(["outlier_test", t, "none", float(ratio[i]), s])
        for var, label in (("lcr", "LCR"), ("nsfr", "NSFR")):
            if r.has(var):
                for a, an in enumerate(r.actions):
                    v = float(r.get(var)[a])
                    s = min_status(v, 1.0, 1.1)
                    rows.append([label, label + " (total)", esc(an), fmt_pct(v), light(s, "minimum 100 %, amber below 110 %")])
                    csvrows.append([var, label, an, v, s])
        if r.has("lcr_by_currency"):
            sig = r.get("lcr_significant_currency") if r.has("lcr_significant_currency") else np.ones(len(r.ccy))
            for c, cc in enumerate(r.ccy):
                if sig[c] > 0:
                    v = float(r.get("lcr_by_currency")[0, c])
                    s = min_status(v, 1.0, 1.1)
                    rows.append(["LCR", "LCR in significant currency " + cc, "none", fmt_pct(v), light(s, "monitoring: 100 %, amber below 110 %")])
                    csvrows.append(["lcr_by_currency", cc, "none", v, s])
        if r.has("survival_days"):
            for j, ls in enumerate(r.labels("liquidity_scenario_name")):
                v = float(r.get("survival_days")[j])
                s = min_status(v, 30.0, 90.0)
                rows.append(["survival", "survival days, " + ls, "none", "%g days" % v, light(s, "red below 30 days, amber below 90")])
                csvrows.append(["survival_days", ls, "none", v, s])
        self.csv("traffic_lights.csv", ["kind", "name", "action", "value", "status"], csvrows)
        body = limits_html + self.table(["kind", "measure", "action", "value", "status"], rows, "lights")
        body += ('<p class="note">Outlier tests: red when the run flags the test (outlier_test_flag), amber above 80 % of the threshold. '
                 "LCR and NSFR: red below 100 %, amber below 110 %. Survival: red below 30 days, amber below 90 (docs/report.md). "
                 "Configured limits (issue 11) replace these defaults when present.</p>")
        self.section("traffic-lights", "Where the bank stands", body, "ratios in %, survival in days")

    def eve(self):
        r = self.r
        eve, deve, evs = r.get("eve"), r.get("delta_eve"), r.get("eve_standardised") if r.has("eve_standardised") else None
        rows, csvrows = [], []
        for s, sn in enumerate(r.scen):
            for c, cc in enumerate(r.ccy):
                rows.append([esc(sn), esc(cc), fmt_amount(eve[0, s, c]), fmt_amount(deve[0, s, c]), fmt_amount(evs[0, s, c]) if evs is not None else "n/a"])
                for a, an in enumerate(r.actions):
                    csvrows.append([an, sn, cc, eve[a, s, c], deve[a, s, c], evs[a, s, c] if evs is not None else "", cc])
        self.csv("eve.csv", ["action", "scenario", "currency", "eve", "delta_eve", "eve_standardised", "units"], csvrows)
        agg_rows, agg_csv = [], []
        have_w = r.has("delta_eve_weighted")
        if have_w:
            dew, loss = r.get("delta_eve_weighted"), r.get("eve_loss")
            for s, sn in enumerate(r.scen):
                agg_rows.append([esc(sn), fmt_amount(dew[0, s]), fmt_amount(loss[0, s])])
                agg_csv.append([sn, dew[0, s], loss[0, s], r.rc])
            self.csv("eve_aggregate.csv", ["scenario", "delta_eve_weighted", "eve_loss", "units"], agg_csv)
        # chart: weighted delta EVE with the outlier threshold, and delta EVE per currency
        ncc = len(r.ccy)
        fig, axes = plt.subplots(1, 1 + ncc, figsize=(4.2 * (1 + ncc), 4.2), constrained_layout=True)
        x = np.arange(len(r.scen))
        ax = axes[0]
        if have_w:
            ax.bar(x, dew[0] / 1e6, color=[RED if v < 0 else GREEN for v in dew[0]])
            thr = r.get("outlier_test_threshold") if r.has("outlier_test_threshold") else None
            t1 = float(r.attrs.get("tier1_capital", math.nan))
            if thr is not None and not math.isnan(t1):
                for i, tn in enumerate(r.labels("outlier_test_name")):
                    ax.axhline(-float(thr[i]) * t1 / 1e6, color=RED, ls="--", lw=1.2, label="outlier threshold (%s): -%s of Tier 1" % (tn, fmt_pct(float(thr[i]), 0)))
                ax.legend(fontsize=7, loc="lower left")
            ax.set_title("weighted ΔEVE, all currencies (%s m)" % r.rc, fontsize=9)
        ax.set_xticks(x, r.scen, rotation=45, ha="right", fontsize=8)
        ax.axhline(0, color="black", lw=0.6)
        for c, cc in enumerate(r.ccy):
            ax = axes[1 + c]
            ax.bar(x, deve[0, :, c] / 1e6, color=COLOURS[c % len(COLOURS)])
            ax.axhline(0, color="black", lw=0.6)
            ax.set_title("ΔEVE %s (%s m)" % (cc, cc), fontsize=9)
            ax.set_xticks(x, r.scen, rotation=45, ha="right", fontsize=8)
        fig.suptitle("ΔEVE by scenario, as of %s" % r.as_of, fontsize=10)
        img = self.chart(fig, "eve_delta.png", "ΔEVE by scenario and currency with the outlier threshold")
        body = img + "<h3>EVE by scenario and currency (local currency)</h3>" + self.table(["scenario", "currency", "EVE", "ΔEVE", "EVE standardised"], rows, "num")
        if have_w:
            body += "<h3>Aggregated over currencies (%s)</h3>" % esc(r.rc) + self.table(["scenario", "weighted ΔEVE", "EVE loss"], agg_rows, "num")
        self.section("eve", "EVE and ΔEVE", body, "amounts in the currency of the row; aggregates in %s" % r.rc)

    def pv01(self):
        r = self.r
        if not r.has("key_rate_pv01"):
            self.section("pv01", "Key-rate PV01", self.missing("Key-rate PV01", ["key_rate_pv01"]), "-")
            return
        kr, pv = r.get("key_rate_pv01"), r.get("pv01")
        ten = r.get("key_tenor_years")
        fig, ax = plt.subplots(figsize=(10, 4))
        for c, cc in enumerate(r.ccy):
            ax.plot(ten, kr[c] / 1e3, marker="o", color=COLOURS[c % len(COLOURS)], label="%s (%s thousand)" % (cc, cc))
        ax.axhline(0, color="black", lw=0.6)
        ax.set_xscale("log")
        ax.set_xticks(ten, ["%g" % t for t in ten], fontsize=8)
        ax.set_xlabel("key tenor (years)")
        ax.set_ylabel("EVE change for +1 bp (thousand, local currency)")
        ax.legend(fontsize=8)
        ax.set_title("Key-rate PV01 profile, as of %s" % r.as_of, fontsize=10)
        img = self.chart(fig, "key_rate_pv01.png", "key-rate PV01 profile per currency")
        rows = [[esc(cc), fmt_amount(pv[c])] + [fmt_amount(kr[c, k]) for k in range(len(ten))] for c, cc in enumerate(r.ccy)]
        self.csv("key_rate_pv01.csv", ["currency", "pv01"] + ["key_%gy" % t for t in ten], [[cc, pv[c]] + list(kr[c]) for c, cc in enumerate(r.ccy)])
        body = img + self.table(["currency", "PV01 (parallel)"] + ["%gy" % t for t in ten], rows, "num small")
        self.section("pv01", "Key-rate PV01", body, "EVE change for +1 bp, in the currency of the row")

    def nii(self):
        r = self.r
        nii, dnii = r.get("nii"), r.get("delta_nii")
        x = np.arange(len(r.scen))
        ncc = len(r.ccy)
        fig, axes = plt.subplots(1, ncc, figsize=(4.2 * ncc, 4.0), squeeze=False, constrained_layout=True)
        for c, cc in enumerate(r.ccy):
            ax = axes[0, c]
            ax.bar(x, nii[0, :, c] / 1e6, color=COLOURS[c % len(COLOURS)])
            ax.set_title("NII %s (%s m)" % (cc, cc), fontsize=9)
            ax.set_xticks(x, r.scen, rotation=45, ha="right", fontsize=8)
        fig.suptitle("NII over the horizon by scenario (constant balance sheet), as of %s" % r.as_of, fontsize=10)
        img = self.chart(fig, "nii.png", "NII by scenario and currency")
        rows, csvrows = [], []
        for s, sn in enumerate(r.scen):
            for c, cc in enumerate(r.ccy):
                rows.append([esc(sn), esc(cc), fmt_amount(nii[0, s, c]), fmt_amount(dnii[0, s, c])])
                for a, an in enumerate(r.actions):
                    csvrows.append([an, sn, cc, nii[a, s, c], dnii[a, s, c], cc])
        self.csv("nii.csv", ["action", "scenario", "currency", "nii", "delta_nii", "units"], csvrows)
        body = img + self.table(["scenario", "currency", "NII", "ΔNII"], rows, "num")
        if r.has("delta_nii_weighted"):
            dnw = r.get("delta_nii_weighted")
            body += "<h3>Weighted ΔNII over currencies (%s)</h3>" % esc(r.rc) + self.table(["scenario", "weighted ΔNII"], [[esc(sn), fmt_amount(dnw[0, s])] for s, sn in enumerate(r.scen)], "num")
        if r.has("nii_path"):
            path = r.get("nii_path")
            fig, ax = plt.subplots(figsize=(10, 4))
            for s, sn in enumerate(r.scen):
                ax.plot(np.arange(1, path.shape[2] + 1), path[0, s, :, r.ccy.index(r.rc) if r.rc in r.ccy else 0] / 1e6, label=sn)
            ax.set_xlabel("month")
            ax.set_ylabel("NII (%s m)" % r.rc)
            ax.legend(fontsize=7)
            body += self.chart(fig, "nii_paths.png", "NII paths over the horizon")
        else:
            body += self.missing("NII paths (dynamic and constant balance sheet) and ramps", ["nii_path", "nii_path_constant", "balance_path"])
        self.section("nii", "NII by scenario", body, "amounts in the currency of the row over the NII horizon")

    def gap(self):
        r = self.r
        if not r.has("repricing_gap"):
            self.section("repricing-gap", "Repricing gap", self.missing("Repricing gap", ["repricing_gap"]), "-")
            return
        g = r.get("repricing_gap")
        mid = r.get("irrbb_bucket_midpoint")
        ncc = len(r.ccy)
        fig, axes = plt.subplots(ncc, 1, figsize=(10, 3.0 * ncc), squeeze=False, constrained_layout=True)
        x = np.arange(len(mid))
        csvrows = []
        for c, cc in enumerate(r.ccy):
            ax = axes[c, 0]
            cum = np.cumsum(g[c])
            ax.bar(x, g[c] / 1e6, color=[GREEN if v >= 0 else RED for v in g[c]], label="gap in bucket")
            ax.plot(x, cum / 1e6, color="black", marker=".", label="cumulative")
            ax.axhline(0, color="black", lw=0.5)
            ax.set_title("%s repricing gap (%s m; assets +, liabilities -)" % (cc, cc), fontsize=9)
            ax.set_xticks(x, ["%g" % m for m in mid], fontsize=7)
            ax.legend(fontsize=7)
            for k in range(len(mid)):
                csvrows.append([cc, mid[k], g[c, k], cum[k], cc])
        axes[-1, 0].set_xlabel("bucket midpoint (years)")
        fig.suptitle("Repricing gap per bucket and cumulative, as of %s" % r.as_of, fontsize=10)
        img = self.chart(fig, "repricing_gap.png", "repricing gap per bucket and cumulative per currency")
        self.csv("repricing_gap.csv", ["currency", "bucket_midpoint_years", "gap", "cumulative_gap", "units"], csvrows)
        rows = [[esc(cc)] + ["{:,.1f}".format(v / 1e6) for v in g[c]] for c, cc in enumerate(r.ccy)]
        body = img + "<h3>Gap per bucket (millions of the row's currency; bucket midpoints in years)</h3>" + self.table(["currency"] + ["%gy" % m for m in mid], rows, "num small")
        self.section("repricing-gap", "Repricing gap", body, "principal in the currency of the row; buckets by midpoint in years")

    def liquidity(self):
        r = self.r
        body = ""
        if r.has("liquidity_inflow"):
            ends = r.get("ladder_bucket_end_day")
            lab = bucket_labels(ends)
            inf, outf, cum = r.get("liquidity_inflow"), r.get("liquidity_outflow"), r.get("liquidity_gap_cumulative")
            ncc = len(r.ccy)
            fig, axes = plt.subplots(ncc, 1, figsize=(10, 3.0 * ncc), squeeze=False, constrained_layout=True)
            x = np.arange(len(ends))
            csvrows = []
            for c, cc in enumerate(r.ccy):
                ax = axes[c, 0]
                ax.bar(x - 0.2, inf[c] / 1e6, 0.4, color=GREEN, label="inflows")
                ax.bar(x + 0.2, -outf[c] / 1e6, 0.4, color=RED, label="outflows")
                ax.plot(x, cum[c] / 1e6, color="black", marker=".", label="cumulative gap")
                ax.axhline(0, color="black", lw=0.5)
                ax.set_xticks(x, lab, fontsize=7, rotation=30)
                ax.set_title("%s contractual ladder (%s m)" % (cc, cc), fontsize=9)
                ax.legend(fontsize=7)
                for k in range(len(ends)):
                    csvrows.append([cc, ends[k], inf[c, k], outf[c, k], cum[c, k], cc])
            fig.suptitle("Contractual maturity ladder, as of %s" % r.as_of, fontsize=10)
            body += "<h3>Contractual ladder</h3>" + self.chart(fig, "ladder_contractual.png", "contractual liquidity ladder per currency")
            self.csv("ladder_contractual.csv", ["currency", "bucket_end_day", "inflow", "outflow", "gap_cumulative", "units"], csvrows)
        else:
            body += self.missing("Contractual ladder", ["liquidity_inflow", "liquidity_outflow"])
        if r.has("liquidity_stressed_inflow"):
            ends = r.get("ladder_bucket_end_day")
            lab = bucket_labels(ends)
            ls = r.labels("liquidity_scenario_name")
            sin, sout = r.get("liquidity_stressed_inflow"), r.get("liquidity_stressed_outflow")
            cbc = r.get("counterbalancing_capacity")
            surv = r.get("survival_days") if r.has("survival_days") else None
            fx = np.nan_to_num(r.fx())
            fig, axes = plt.subplots(1, len(ls), figsize=(4.4 * len(ls), 4.4), squeeze=False, constrained_layout=True)
            x = np.arange(len(ends))
            csvrows = []
            for j, sn in enumerate(ls):
                ax = axes[0, j]
                # net outflow per bucket, all currencies at the run's spot rates (presentation)
                net = ((sout[j] - sin[j]) * fx[:, None]).sum(axis=0)
                cumnet = np.cumsum(net)
                ax.bar(x, net / 1e6, color=AMBER, label="net stressed outflow in bucket")
                ax.plot(x, cumnet / 1e6, color="black", marker=".", label="cumulative net outflow")
                ax.axhline(cbc[j] / 1e6, color=GREEN, lw=2, label="counterbalancing capacity")
                ttl = "%s (%s m)" % (sn, r.rc)
                if surv is not None:
                    ttl += ": survival %g days" % surv[j]
                ax.set_title(ttl, fontsize=9)
                ax.set_xticks(x, lab, fontsize=6, rotation=60)
                ax.legend(fontsize=6, loc="upper left")
                for k in range(len(ends)):
                    csvrows.append([sn, ends[k], ((sin[j, :, k]) * fx).sum(), ((sout[j, :, k]) * fx).sum(), cumnet[k], cbc[j], r.rc])
            fig.suptitle("Stressed ladders with the counterbalancing capacity, as of %s" % r.as_of, fontsize=10)
            body += "<h3>Stressed ladders</h3>" + self.chart(fig, "ladder_stressed.png", "stressed liquidity ladders with the counterbalancing capacity")
            self.csv("ladder_stressed.csv", ["liquidity_scenario", "bucket_end_day", "inflow", "outflow", "cumulative_net_outflow", "counterbalancing_capacity", "units"], csvrows)
            if surv is not None:
                self.csv("survival.csv", ["liquidity_scenario", "survival_days", "counterbalancing_capacity", "units"], [[sn, surv[j], cbc[j], r.rc] for j, sn in enumerate(ls)])
                body += self.table(["liquidity scenario", "counterbalancing capacity (%s)" % r.rc, "survival (days)"], [[esc(sn), fmt_amount(cbc[j]), "%g" % surv[j]] for j, sn in enumerate(ls)], "num")
        else:
            body += self.missing("Stressed ladders", ["liquidity_stressed_inflow", "liquidity_stressed_outflow", "counterbalancing_capacity"])
        # LCR and NSFR with components
        if r.has("lcr"):
            lr, ncsv = [], []
            for a, an in enumerate(r.actions):
                lr.append([esc(an), "total", fmt_pct(float(r.get("lcr")[a])), fmt_amount(r.get("hqla")[a]), fmt_amount(r.get("lcr_outflows")[a]), fmt_amount(r.get("lcr_inflows")[a]), esc(r.rc)])
                ncsv.append([an, "total", r.get("lcr")[a], r.get("hqla")[a], r.get("lcr_outflows")[a], r.get("lcr_inflows")[a], 1, r.rc])
                if r.has("lcr_by_currency"):
                    sig = r.get("lcr_significant_currency") if r.has("lcr_significant_currency") else np.ones(len(r.ccy))
                    for c, cc in enumerate(r.ccy):
                        lr.append([esc(an), esc(cc) + (" (significant)" if sig[c] > 0 else ""), fmt_pct(float(r.get("lcr_by_currency")[a, c])), fmt_amount(r.get("hqla_by_currency")[a, c]),
                                   fmt_amount(r.get("lcr_outflows_by_currency")[a, c]), fmt_amount(r.get("lcr_inflows_by_currency")[a, c]), esc(cc)])
                        ncsv.append([an, cc, r.get("lcr_by_currency")[a, c], r.get("hqla_by_currency")[a, c], r.get("lcr_outflows_by_currency")[a, c], r.get("lcr_inflows_by_currency")[a, c], int(sig[c] > 0), cc])
            self.csv("lcr.csv", ["action", "scope", "lcr", "hqla", "outflows", "inflows_before_cap", "significant", "units"], ncsv)
            fig, ax = plt.subplots(figsize=(10, 3.5))
            labels = ["total"] + list(r.ccy)
            vals = [float(r.get("lcr")[0])] + ([float(v) for v in r.get("lcr_by_currency")[0]] if r.has("lcr_by_currency") else [])
            ax.bar(np.arange(len(vals)), [100 * v for v in vals], color=[GREEN if v >= 1.1 else AMBER if v >= 1.0 else RED for v in vals])
            ax.axhline(100, color=RED, ls="--", lw=1.2, label="100 % minimum")
            if r.has("nsfr"):
                ax.bar([len(vals)], [100 * float(r.get("nsfr")[0])], color=GREEN if r.get("nsfr")[0] >= 1.1 else AMBER if r.get("nsfr")[0] >= 1.0 else RED)
                labels.append("NSFR")
            ax.set_xticks(np.arange(len(labels)), ["LCR " + l if l != "NSFR" else l for l in labels], fontsize=8)
            ax.set_ylabel("%")
            ax.legend(fontsize=8)
            ax.set_title("LCR (total and per currency) and NSFR, as of %s" % r.as_of, fontsize=10)
            body += "<h3>LCR</h3>" + self.chart(fig, "lcr_nsfr.png", "LCR total and per currency, NSFR")
            body += self.table(["action", "scope", "LCR", "HQLA", "outflows", "inflows (before cap)", "units"], lr, "num")
        else:
            body += self.missing("LCR", ["lcr", "hqla", "lcr_outflows", "lcr_inflows"])
        if r.has("nsfr"):
            nr = [[esc(an), fmt_pct(float(r.get("nsfr")[a])), fmt_amount(r.get("asf")[a]), fmt_amount(r.get("rsf")[a])] for a, an in enumerate(r.actions)]
            self.csv("nsfr.csv", ["action", "nsfr", "asf", "rsf", "units"], [[an, r.get("nsfr")[a], r.get("asf")[a], r.get("rsf")[a], r.rc] for a, an in enumerate(r.actions)])
            body += "<h3>NSFR</h3>" + self.table(["action", "NSFR", "available stable funding", "required stable funding"], nr, "num")
        self.section("liquidity", "Liquidity: ladders, LCR, NSFR", body, "amounts in the currency of the row (ladders per currency) or %s; ratios in %%" % r.rc)

    def headline(self, run):
        """Headline metrics (name, units, value) of one run, read from its alm.nc."""
        out = []
        a = 0
        for s, sn in enumerate(run.scen):
            for c, cc in enumerate(run.ccy):
                out.append(("EVE %s %s" % (sn, cc), cc, float(run.get("eve")[a, s, c])))
        for s, sn in enumerate(run.scen):
            if run.has("delta_eve_weighted"):
                out.append(("weighted ΔEVE %s" % sn, run.rc, float(run.get("delta_eve_weighted")[a, s])))
        for s, sn in enumerate(run.scen):
            for c, cc in enumerate(run.ccy):
                out.append(("NII %s %s" % (sn, cc), cc, float(run.get("nii")[a, s, c])))
        if run.has("delta_nii_weighted"):
            for s, sn in enumerate(run.scen):
                out.append(("weighted ΔNII %s" % sn, run.rc, float(run.get("delta_nii_weighted")[a, s])))
        if run.has("outlier_test_ratio"):
            for i, t in enumerate(run.labels("outlier_test_name")):
                out.append(("outlier ratio %s" % t, "1", float(run.get("outlier_test_ratio")[i])))
        if run.has("pv01"):
            for c, cc in enumerate(run.ccy):
                out.append(("PV01 %s" % cc, cc, float(run.get("pv01")[c])))
        for v in ("lcr", "hqla", "lcr_outflows", "lcr_inflows", "nsfr", "asf", "rsf"):
            if run.has(v):
                out.append((v.upper() if v in ("lcr", "nsfr", "hqla", "asf", "rsf") else v, "1" if v in ("lcr", "nsfr") else run.rc, float(run.get(v)[a])))
        if run.has("lcr_by_currency"):
            for c, cc in enumerate(run.ccy):
                out.append(("LCR %s" % cc, "1", float(run.get("lcr_by_currency")[a, c])))
        if run.has("survival_days"):
            for j, ls in enumerate(run.labels("liquidity_scenario_name")):
                out.append(("survival days %s" % ls, "day", float(run.get("survival_days")[j])))
        return out

    def actions(self):
        r = self.r
        cols = [("LCR", lambda a: float(r.get("lcr")[a]) if r.has("lcr") else math.nan, fmt_pct),
                ("NSFR", lambda a: float(r.get("nsfr")[a]) if r.has("nsfr") else math.nan, fmt_pct),
                ("worst weighted ΔEVE (%s)" % r.rc, lambda a: float(np.min(r.get("delta_eve_weighted")[a])) if r.has("delta_eve_weighted") else math.nan, fmt_amount),
                ("worst weighted ΔNII (%s)" % r.rc, lambda a: float(np.min(r.get("delta_nii_weighted")[a])) if r.has("delta_nii_weighted") else math.nan, fmt_amount),
                ("base EVE, all portfolios (%s)" % r.rc, lambda a: float(np.sum(r.get("eve_portfolio")[a, 0])) if r.has("eve_portfolio") else math.nan, fmt_amount),
                ("base NII, all portfolios (%s)" % r.rc, lambda a: float(np.sum(r.get("nii_portfolio")[a, 0])) if r.has("nii_portfolio") else math.nan, fmt_amount)]
        rows, csvrows = [], []
        for a, an in enumerate(r.actions):
            row, crow = [esc(an)], [an]
            for name, f, fm in cols:
                v, v0 = f(a), f(0)
                cell = fm(v)
                if a > 0:
                    cell += ' <span class="delta">(%s%s)</span>' % ("+" if v - v0 >= 0 else "", fm(v - v0))
                row.append(cell)
                crow += [v, v - v0]
            rows.append(row)
            csvrows.append(crow)
        hdr = ["action"] + [c[0] for c in cols]
        self.csv("actions.csv", ["action"] + sum([[c[0], c[0] + " change vs none"] for c in cols], []), csvrows)
        body = self.table(hdr, rows, "num")
        if len(r.actions) <= 1:
            body += self.missing("Management actions beyond no action", ["action_name (more than 'none')", "limit_value", "limit_status"])
        self.section("actions", "Management actions compared", body, "as in each column; change against no action in brackets")

    def calibration(self):
        r = self.r
        if not r.has("segment_name"):
            self.section("calibration", "Behavioural calibration", self.missing("Behavioural calibration", ["segment_name", "calibration_reason"]), "-")
            return
        seg = r.labels("segment_name")
        params = [p for p in ("prepayment_a", "prepayment_b", "prepayment_c", "prepayment_d", "core_share", "core_share_cap", "pass_through_beta", "early_redemption_rate", "average_maturity", "average_maturity_cap") if r.has(p)]
        model = r.labels("behaviour_model") if r.has("behaviour_model") else [""] * len(seg)
        reason = r.labels("calibration_reason") if r.has("calibration_reason") else [""] * len(seg)
        it = r.get("calibration_iterations") if r.has("calibration_iterations") else np.zeros(len(seg), dtype=int)
        obj = r.get("calibration_objective") if r.has("calibration_objective") else np.full(len(seg), math.nan)
        rows, csvrows = [], []
        for i, sn in enumerate(seg):
            conv = reason[i]
            s = "green" if conv.startswith("CONVERGED") or conv in ("fixed", "estimated") else "red"
            vals = [float(r.get(p)[i]) for p in params]
            shown = ", ".join("%s = %s" % (p, fmt_num(v)) for p, v in zip(params, vals) if not math.isnan(v))
            rows.append([esc(sn), esc(model[i]), light(s, conv), str(int(it[i])), fmt_num(float(obj[i])), esc(shown)])
            csvrows.append([sn, model[i], conv, int(it[i]), float(obj[i])] + vals)
        self.csv("calibration.csv", ["segment", "model", "convergence", "iterations", "objective"] + params, csvrows)
        body = self.table(["segment", "model", "convergence", "iterations", "fit (objective)", "parameters (decimal; maturities in years)"], rows, "num small calib")
        if r.has("replicating_weight") and r.has("nmd_tenor_name"):
            ten = r.labels("nmd_tenor_name")
            w = r.get("replicating_weight")
            wr = [[esc(sn)] + [fmt_num(float(w[i, k]), 3) for k in range(len(ten))] for i, sn in enumerate(seg) if model[i] == "deposit"]
            self.csv("replicating_weights.csv", ["segment"] + ten, [[sn] + [float(w[i, k]) for k in range(len(ten))] for i, sn in enumerate(seg)])
            body += "<h3>Replicating portfolio weights (deposits)</h3>" + self.table(["segment"] + ten, wr, "num small")
        body += '<p class="note">Fit: prepayment RMS CPR error; deposits: standard deviation of the margin (decimal). Units of every parameter: decimal (1) or years.</p>'
        self.section("calibration", "Behavioural calibration", body, "decimals (1), years for maturities")

    def provenance(self):
        r = self.r
        keys = ["run_name", "as_of_date", "reporting_currency", "regime", "regime_name", "regime_version", "cash_flow_view", "software_version", "source",
                "mpi_ranks", "wall_seconds", "created_utc", "history", "command_line", "config_file", "config_sha256", "contracts_sha256", "curves_sha256",
                "fx_sha256", "regime_sha256", "input_sha256", "tier1_capital", "tier2_capital", "Conventions"]
        rows = [[esc(k), "<code>%s</code>" % esc(r.attrs[k]).replace("\n", "<br>")] for k in keys if k in r.attrs]
        self.csv("provenance.csv", ["attribute", "value"], [[k, str(r.attrs[k])] for k in keys if k in r.attrs])
        body = self.table(["attribute", "value"], rows, "prov") + "<p>Results file: <code>%s</code></p>" % esc(os.path.abspath(r.path))
        self.section("provenance", "Provenance", body, "wall time in seconds")

    def compare(self):
        p = self.prev
        now = {n: (u, v) for n, u, v in self.headline(self.r)}
        before = {n: (u, v) for n, u, v in self.headline(p)}
        names = [n for n, _, _ in self.headline(self.r)] + [n for n, _, _ in self.headline(p) if n not in now]
        rows, csvrows = [], []
        for n in names:
            u, vn = now.get(n, (before.get(n, ("", None))[0], None))
            vb = before.get(n, (u, None))[1]
            ch = vn - vb if vn is not None and vb is not None else None
            f = fmt_pct if u == "1" else (lambda x: "%g" % x) if u == "day" else fmt_amount
            rows.append([esc(n), esc("%" if u == "1" else u), f(vn) if vn is not None else "n/a", f(vb) if vb is not None else "n/a",
                         ("+" if ch is not None and ch >= 0 else "") + (f(ch) if ch is not None else "n/a")])
            csvrows.append([n, u, vn if vn is not None else "", vb if vb is not None else "", ch if ch is not None else ""])
        self.csv("compare.csv", ["metric", "units", "now", "before", "change"], csvrows)
        ident = self.table(["", "this run", "previous run"], [[esc(k), "<code>%s</code>" % esc(self.r.attrs.get(k, "")).replace("\n", "<br>"), "<code>%s</code>" % esc(p.attrs.get(k, "")).replace("\n", "<br>")]
                                                            for k in ("run_name", "as_of_date", "regime", "cash_flow_view", "created_utc", "config_sha256", "input_sha256", "software_version")], "prov")
        body = ident + self.table(["metric", "units", "now", "before", "change"], rows, "num")
        self.section("compare", "Change since the previous run", body, "as in each row (%% for ratios); now as of %s, before as of %s" % (self.r.as_of, p.as_of))

    # -- the page ----------------------------------------------------------------------------
    def write_html(self):
        r = self.r
        nav = " &middot; ".join('<a href="#%s">%s</a>' % (sid, esc(t)) for sid, t, _ in self.sections)
        parts = []
        for sid, title, body in self.sections:
            parts.append('<section id="%s"><h2>%s</h2>%s</section>' % (sid, esc(title), body))
        tables = ", ".join('<a href="%s">%s</a>' % (esc(t), esc(t)) for t in self.tables)
        page = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ALCO pack: %(name)s, as of %(asof)s</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 0 auto; max-width: 1200px; padding: 1em 2em; color: #1f2933; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #1f2933; padding-bottom: 0.2em; } h3 { font-size: 1.05em; }
nav { font-size: 0.9em; margin: 0.5em 0 1.5em; } .meta { color: #52606d; font-size: 0.85em; margin-top: -0.5em; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.85em; }
th, td { border: 1px solid #cbd2d9; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f0f4f8; } table.num td { text-align: right; } table.num td:first-child, table.num td:nth-child(2) { text-align: left; }
table.small { font-size: 0.75em; } table.calib td:last-child, table.calib td:nth-child(3) { text-align: left; max-width: 36em; } table.prov code { word-break: break-all; font-size: 0.9em; }
.light { display: inline-block; min-width: 4.5em; text-align: center; color: white; font-weight: bold; border-radius: 0.8em; padding: 0.05em 0.6em; }
.missing { background: #fff8e1; border-left: 4px solid #b7791f; padding: 0.4em 0.8em; } .note { font-size: 0.8em; color: #52606d; }
.delta { color: #52606d; } figure { margin: 0.5em 0; } img.chart { max-width: 100%%; height: auto; } figcaption { font-size: 0.8em; color: #52606d; }
section { margin-bottom: 2em; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; } nav { display: none; }
  section { page-break-before: always; break-before: page; } section:first-of-type { page-break-before: avoid; break-before: avoid; }
  figure, table { page-break-inside: avoid; break-inside: avoid; } a { color: inherit; text-decoration: none; }
  .light { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style></head><body>
<header><h1>ALCO pack: %(name)s</h1>
<p class="meta">as of %(asof)s &middot; reporting currency %(rc)s &middot; regime %(regime)s &middot; %(soft)s</p>
<nav>%(nav)s</nav></header>
%(body)s
<footer><p class="note">Tables as CSV beside this page: %(tables)s. Read with docs/report.md.</p></footer>
<script>
/* marks every chart the browser decoded (data-decoded = its pixel size): what a test checks */
window.addEventListener("load", function () {
  var n = 0;
  document.querySelectorAll("img.chart").forEach(function (i) {
    if (i.complete && i.naturalWidth > 0) { i.setAttribute("data-decoded", i.naturalWidth + "x" + i.naturalHeight); n++; }
  });
  document.body.setAttribute("data-charts-decoded", String(n));
});
</script>
</body></html>
""" % {"name": esc(r.name), "asof": esc(r.as_of), "rc": esc(r.rc), "regime": esc(r.attrs.get("regime_name", r.attrs.get("regime", "?"))),
       "soft": esc(r.attrs.get("software_version", "")), "nav": nav, "body": "\n".join(parts), "tables": tables}
        tmp = os.path.join(self.out, ".index.html.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(page)
        os.replace(tmp, os.path.join(self.out, "index.html"))


def main(argv):
    args, prev_dir = [], None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help"):
            sys.stdout.write(USAGE + "  writes RESULTS_DIR/alco/: index.html (self-contained), the charts as PNG, the tables as CSV\n"
                             "  --compare PREVIOUS_DIR   adds every headline metric now, before and the change\n")
            return 0
        if a == "--compare":
            if i + 1 >= len(argv):
                fail(EXIT_USAGE, "--compare needs a PREVIOUS_DIR\n" + USAGE)
            prev_dir = argv[i + 1]
            i += 2
            continue
        if a.startswith("-"):
            fail(EXIT_USAGE, "unknown option '%s'\n%s" % (a, USAGE))
        args.append(a)
        i += 1
    if len(args) != 1:
        fail(EXIT_USAGE, "expected one RESULTS_DIR\n" + USAGE)
    try:
        run = Run(args[0])
        prev = Run(prev_dir) if prev_dir else None
    except ResultsError as e:
        fail(EXIT_DATA, str(e))
    out = os.path.join(args[0], "alco")
    try:
        os.makedirs(out, exist_ok=True)
        pack = Pack(run, out, prev)
        pack.traffic_lights()
        pack.eve()
        pack.pv01()
        pack.nii()
        pack.gap()
        pack.liquidity()
        pack.actions()
        pack.calibration()
        pack.provenance()
        if prev:
            pack.compare()
        pack.write_html()
    except ResultsError as e:
        fail(EXIT_DATA, str(e))
    except OSError as e:
        fail(EXIT_IO, "%s: %s" % (e.filename or out, e.strerror or e))
    sys.stdout.write("%s\n" % os.path.join(out, "index.html"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
