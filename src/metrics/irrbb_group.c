/* The group-level IRRBB mathematics (metrics.md, the regime's parameters): EVE and NII per
 * currency and portfolio from the per-portfolio partials combined in portfolio order, standardised
 * EVE (bucket cash flows discounted at the midpoints on the scenario's curve), delta EVE and delta
 * NII, the loss-only and weighted aggregates over currencies at FX, PV01 and key-rate PV01, the
 * repricing gap, the regime's outlier tests; written into the results and summarised on standard
 * output. */
#include <ballast/irrbb.h>
#include <ballast/scenario.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Rank 0: group metrics from the per-portfolio partials, combined in portfolio order. */
PetscErrorCode BallastIRRBBGroupResults(const BallastIRRBBGroup *run, BallastResults res)
{
  const BallastRegime *r  = run->regime;
  PetscInt             np = run->nport, nc = run->nccy, ns = run->nscen, nb = run->nbucket, nk = run->nkey;
  const double        *fx = run->market->fx;
  double *eve, *evestd, *deve, *nii, *dnii, *loss, *dew, *dnw, *evep, *niip, *pv01, *krpv01, *gap;
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc5(ns * nc, &eve, ns * nc, &evestd, ns * nc, &deve, ns * nc, &nii, ns * nc, &dnii));
  PetscCall(PetscCalloc5(ns, &loss, ns, &dew, ns, &dnw, ns * np, &evep, ns * np, &niip));
  PetscCall(PetscCalloc3(nc, &pv01, nc * (nk ? nk : 1), &krpv01, nc * nb, &gap));
  for (PetscInt s = 0; s < ns; s++)
    for (PetscInt p = 0; p < np; p++)
      for (PetscInt c = 0; c < nc; c++) {
        double e = run->eve[(s * np + p) * nc + c], n = run->nii[(s * np + p) * nc + c];
        eve[s * nc + c] += e;
        nii[s * nc + c] += n;
        if (!isnan(fx[c])) {
          evep[s * np + p] += e * fx[c];
          niip[s * np + p] += n * fx[c];
        }
      }
  /* standardised EVE: bucket cash flows discounted at the midpoints, exp(-R_s(t_k) t_k) */
  for (PetscInt s = 0; s < ns; s++)
    for (PetscInt c = 0; c < nc; c++) {
      if (run->disc[c] < 0) continue;
      double acc = 0;
      for (PetscInt k = 0; k < nb; k++) {
        double cf = 0, z, tk = run->bucket_mid[k];
        for (PetscInt p = 0; p < np; p++) cf += run->evecf[((s * np + p) * nc + c) * nb + k];
        if (cf == 0.0) continue;
        PetscCall(BallastScenarioZero(r, &run->def[s], run->market, run->disc[c], tk, &z));
        acc += cf * exp(-z * tk);
      }
      evestd[s * nc + c] = acc;
    }
  for (PetscInt s = 0; s < ns; s++) {
    for (PetscInt c = 0; c < nc; c++) {
      deve[s * nc + c] = eve[s * nc + c] - eve[c];
      dnii[s * nc + c] = nii[s * nc + c] - nii[c];
      double f = isnan(fx[c]) ? 0.0 : fx[c];
      loss[s] += PetscMax(0.0, -deve[s * nc + c]) * f;
      dew[s] += (deve[s * nc + c] < 0 ? r->loss_weight : r->gain_weight) * deve[s * nc + c] * f;
      dnw[s] += (dnii[s * nc + c] < 0 ? r->loss_weight : r->gain_weight) * dnii[s * nc + c] * f;
    }
  }
  if (run->nvar > ns) {
    for (PetscInt c = 0; c < nc; c++) {
      double b = 0, up = 0;
      for (PetscInt p = 0; p < np; p++) {
        b += run->eve[(0 * np + p) * nc + c];
        up += run->eve[(ns * np + p) * nc + c];
      }
      pv01[c] = up - b;
      for (PetscInt k = 0; k < nk; k++) {
        double kv = 0;
        for (PetscInt p = 0; p < np; p++) kv += run->eve[((ns + 1 + k) * np + p) * nc + c];
        krpv01[c * nk + k] = kv - b;
      }
    }
  }
  for (PetscInt p = 0; p < np; p++)
    for (PetscInt c = 0; c < nc; c++)
      for (PetscInt k = 0; k < nb; k++) gap[c * nb + k] += run->gap[(p * nc + c) * nb + k];

  /* dimensions */
  const char *none = "none";
  PetscCall(BallastResultsAddDimLabels(res, "action", "action_name", 1, &none, "management action (index 0 = none)"));
  const char **sn;
  PetscCall(PetscMalloc1(ns, &sn));
  for (PetscInt s = 0; s < ns; s++) sn[s] = run->scenario_names[s];
  PetscCall(BallastResultsAddDimLabels(res, "scenario", "scenario_name", ns, sn, "interest rate scenario"));
  PetscCall(PetscFree(sn));
  PetscCall(BallastResultsAddDimValues(res, "irrbb_bucket", "irrbb_bucket_midpoint", nb, run->bucket_mid, "BCBS repricing time bucket midpoint", "years"));
  if (nk) {
    double *ky;
    PetscCall(PetscMalloc1(nk, &ky));
    for (PetscInt k = 0; k < nk; k++) ky[k] = BallastTenorNominalYears(&r->key_tenor[k]);
    PetscCall(BallastResultsAddDimValues(res, "key_tenor", "key_tenor_years", nk, ky, "key rate tenor", "years"));
    PetscCall(PetscFree(ky));
  }
  const char *asc[] = {"action", "scenario", "currency"}, *as[] = {"action", "scenario"}, *asp[] = {"action", "scenario", "portfolio"};
  const char *cdim[] = {"currency"}, *ck[] = {"currency", "key_tenor"}, *cb[] = {"currency", "irrbb_bucket"};
  const char *u  = "currency of the currency dimension (currency_code)";
  const char *ur = run->reporting_currency;
  PetscCall(BallastResultsAddVar(res, "eve", 3, asc, eve, "economic value of equity: future cash flows discounted at exact times on the currency's discount curve", u));
  PetscCall(BallastResultsAddVar(res, "eve_standardised", 3, asc, evestd, "EVE with cash flows slotted into the regime's time buckets, discounted at the bucket midpoints", u));
  PetscCall(BallastResultsAddVar(res, "delta_eve", 3, asc, deve, "EVE under the scenario minus EVE under base", u));
  PetscCall(BallastResultsAddVar(res, "nii", 3, asc, nii, "net interest income over the horizon, constant balance sheet, accrual basis", u));
  PetscCall(BallastResultsAddVar(res, "delta_nii", 3, asc, dnii, "NII under the scenario minus NII under base", u));
  PetscCall(BallastResultsAddVar(res, "eve_loss", 2, as, loss, "sum over currencies of EVE declines (gains do not offset), reporting currency", ur));
  PetscCall(BallastResultsAddVar(res, "delta_eve_weighted", 2, as, dew, "sum over currencies of delta_eve, losses weighted by the regime's loss weight and gains by its gain weight", ur));
  PetscCall(BallastResultsAddVar(res, "delta_nii_weighted", 2, as, dnw, "sum over currencies of delta_nii, losses and gains weighted as for EVE", ur));
  PetscCall(BallastResultsAddVar(res, "eve_portfolio", 3, asp, evep, "EVE per portfolio, reporting currency", ur));
  PetscCall(BallastResultsAddVar(res, "nii_portfolio", 3, asp, niip, "NII per portfolio, reporting currency", ur));
  if (nk) {
    PetscCall(BallastResultsAddVar(res, "pv01", 1, cdim, pv01, "EVE change for +1 bp on every curve of the currency", u));
    PetscCall(BallastResultsAddVar(res, "key_rate_pv01", 2, ck, krpv01, "EVE change for a triangular +1 bp bump at the key tenor", u));
  }
  PetscCall(BallastResultsAddVar(res, "repricing_gap", 2, cb, gap, "principal repricing in the bucket (assets positive, liabilities negative), base scenario", u));
  /* outlier tests of the regime */
  if (r->ntests) {
    const char **tn, **worst;
    double      *val, *ratio;
    int64_t     *flag;
    PetscCall(PetscMalloc5(r->ntests, &tn, r->ntests, &worst, r->ntests, &val, r->ntests, &ratio, r->ntests, &flag));
    for (PetscInt i = 0; i < r->ntests; i++) {
      const BallastOutlierTest *t = &r->test[i];
      double                    decline = -INFINITY;
      worst[i]                          = "";
      for (PetscInt j = 0; j < t->nscenarios; j++) {
        const char *nm = BallastRegScenarioName(t->scenarios[j]);
        PetscInt    s;
        for (s = 0; s < ns; s++)
          if (!strcmp(run->scenario_names[s], nm)) break;
        if (s == ns) continue; /* scenario not run */
        double agg = 0;
        for (PetscInt c = 0; c < nc; c++) {
          double d = t->measure == BALLAST_MEASURE_DELTA_EVE ? deve[s * nc + c] : dnii[s * nc + c];
          agg += (d < 0 ? 1.0 : t->gain_weight) * d * (isnan(fx[c]) ? 0.0 : fx[c]);
        }
        if (-agg > decline) {
          decline  = -agg;
          worst[i] = nm;
        }
      }
      tn[i]    = t->name;
      val[i]   = isinf(decline) ? NAN : decline;
      ratio[i] = run->tier1 > 0 && !isnan(val[i]) ? val[i] / run->tier1 : NAN;
      flag[i]  = !isnan(ratio[i]) && ratio[i] > t->threshold_tier1;
    }
    PetscCall(BallastResultsAddDimLabels(res, "outlier_test", "outlier_test_name", r->ntests, tn, "supervisory outlier test of the regime"));
    const char *od[] = {"outlier_test"};
    PetscCall(BallastResultsAddVar(res, "outlier_test_decline", 1, od, val, "worst aggregated decline over the test's scenarios (positive = loss)", ur));
    PetscCall(BallastResultsAddVar(res, "outlier_test_ratio", 1, od, ratio, "decline as a fraction of Tier 1 capital", "1"));
    PetscCall(BallastResultsAddVarInt(res, "outlier_test_flag", 1, od, flag, "1 where the decline exceeds the regime's threshold", "1"));
    PetscCall(BallastResultsAddVarText(res, "outlier_test_worst_scenario", "outlier_test", worst, "scenario with the largest decline"));
    /* summary on standard output */
    for (PetscInt i = 0; i < r->ntests; i++)
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "outlier test %-28s worst %-14s decline %16.0f %s = %6.2f %% of Tier 1 (threshold %.0f %%): %s\n", tn[i], worst[i], val[i], ur, 100 * ratio[i],
                            100 * r->test[i].threshold_tier1, flag[i] ? "OUTLIER" : "pass"));
    for (PetscInt i = 0; i < r->ntests; i++) val[i] = r->test[i].threshold_tier1; /* (val was copied above) the threshold, for reports */
    PetscCall(BallastResultsAddVar(res, "outlier_test_threshold", 1, od, val, "the regime's outlier threshold: decline above which the test fails, fraction of Tier 1 capital", "1"));
    PetscCall(PetscFree5(tn, worst, val, ratio, flag));
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-16s %18s %18s %18s %18s\n", "scenario", "EVE", "delta EVE", "NII", "delta NII"));
  PetscInt worst_s = 0;
  for (PetscInt s = 0; s < ns; s++) {
    double e = 0, n = 0;
    for (PetscInt c = 0; c < nc; c++) {
      double f = isnan(fx[c]) ? 0 : fx[c];
      e += eve[s * nc + c] * f;
      n += nii[s * nc + c] * f;
    }
    double e0 = 0, n0 = 0;
    for (PetscInt c = 0; c < nc; c++) {
      double f = isnan(fx[c]) ? 0 : fx[c];
      e0 += eve[c] * f;
      n0 += nii[c] * f;
    }
    if (dew[s] < dew[worst_s]) worst_s = s;
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-16s %18.0f %18.0f %18.0f %18.0f\n", run->scenario_names[s], e, e - e0, n, n - n0));
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "(%s; delta EVE and delta NII here are plain sums over currencies at FX; alm.nc also has the regulatory weighted aggregates)\n", ur));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "worst scenario for weighted delta EVE: %s (%.0f %s)\n", run->scenario_names[worst_s], dew[worst_s], ur));
  PetscCall(PetscFree5(eve, evestd, deve, nii, dnii));
  PetscCall(PetscFree5(loss, dew, dnw, evep, niip));
  PetscCall(PetscFree3(pv01, krpv01, gap));
  PetscFunctionReturn(0);
}
