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

PetscErrorCode BallastIRRBBHeadlinesDestroy(BallastIRRBBHeadlines *h)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree5(h->eve0, h->nii0, h->deve, h->dnii, h->dew));
  PetscCall(PetscFree5(h->dnw, h->eve_ratio, h->nii_ratio, h->deve_rep, h->dnii_rep));
  PetscCall(PetscFree2(h->pv01, h->krpv01));
  PetscCall(PetscMemzero(h, sizeof *h));
  PetscFunctionReturn(0);
}

/* The regime's outlier tests per action from delta EVE and delta NII [a][s][c] (currency of c):
 * for each test the worst aggregated decline over those of its scenarios the run has (losses at
 * weight 1, gains at the test's gain weight, at FX), as a ratio of Tier 1 and flagged above the
 * threshold. Outputs [a][test]; worst points into scenario_names (or ""). Not collective; also
 * used by `ballast combine` on the deltas of the combined parts (src/app/combine.c). */
PetscErrorCode BallastIRRBBOutlierTests(const BallastRegime *r, PetscInt NA, PetscInt ns, const char *const *scenario_names, PetscInt nc, const double *fx, double tier1, const double *deve, const double *dnii,
                                        const char **worst, double *val, double *ratio, int64_t *flag)
{
  PetscInt T = r->ntests;
  PetscFunctionBeginUser;
  for (PetscInt a = 0; a < NA; a++)
    for (PetscInt i = 0; i < T; i++) {
      const BallastOutlierTest *t = &r->test[i];
      double                    decline = -INFINITY;
      PetscInt                  ai = a * T + i;
      worst[ai]                    = "";
      for (PetscInt j = 0; j < t->nscenarios; j++) {
        const char *nm = BallastRegScenarioName(t->scenarios[j]);
        PetscInt    s;
        for (s = 0; s < ns; s++)
          if (!strcmp(scenario_names[s], nm)) break;
        if (s == ns) continue; /* scenario not run */
        double agg = 0;
        for (PetscInt c = 0; c < nc; c++) {
          double d = t->measure == BALLAST_MEASURE_DELTA_EVE ? deve[(a * ns + s) * nc + c] : dnii[(a * ns + s) * nc + c];
          agg += (d < 0 ? 1.0 : t->gain_weight) * d * (isnan(fx[c]) ? 0.0 : fx[c]);
        }
        if (-agg > decline) {
          decline   = -agg;
          worst[ai] = scenario_names[s];
        }
      }
      val[ai]   = isinf(decline) ? NAN : decline;
      ratio[ai] = tier1 > 0 && !isnan(val[ai]) ? val[ai] / tier1 : NAN;
      flag[ai]  = !isnan(ratio[ai]) && ratio[ai] > t->threshold_tier1;
    }
  PetscFunctionReturn(0);
}

/* Rank 0: group metrics from the per-portfolio partials, combined in portfolio order, per action
 * slot (layouts [v][a][p][c], include/ballast/irrbb.h). Every variable has the action dimension
 * of size nact; pv01, key_rate_pv01, repricing_gap and the outlier tests get a leading action
 * dimension only when actions are configured (nact > 1). */
PetscErrorCode BallastIRRBBGroupResults(const BallastIRRBBGroup *run, BallastResults res, BallastIRRBBHeadlines *head)
{
  const BallastRegime *r  = run->regime;
  PetscInt             np = run->nport, nc = run->nccy, ns = run->nscen, nb = run->nbucket, nk = run->nkey, NA = run->nact > 0 ? run->nact : 1;
  const double        *fx = run->market->fx;
  double *eve, *evestd, *deve, *nii, *dnii, *loss, *dew, *dnw, *evep, *niip, *pv01, *krpv01, *gap;
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc5(NA * ns * nc, &eve, NA * ns * nc, &evestd, NA * ns * nc, &deve, NA * ns * nc, &nii, NA * ns * nc, &dnii));
  PetscCall(PetscCalloc5(NA * ns, &loss, NA * ns, &dew, NA * ns, &dnw, NA * ns * np, &evep, NA * ns * np, &niip));
  PetscCall(PetscCalloc3(NA * nc, &pv01, NA * nc * (nk ? nk : 1), &krpv01, NA * nc * nb, &gap));
  for (PetscInt a = 0; a < NA; a++) {
    double *eve_a = eve + a * ns * nc, *evestd_a = evestd + a * ns * nc, *deve_a = deve + a * ns * nc, *nii_a = nii + a * ns * nc, *dnii_a = dnii + a * ns * nc;
    double *loss_a = loss + a * ns, *dew_a = dew + a * ns, *dnw_a = dnw + a * ns, *evep_a = evep + a * ns * np, *niip_a = niip + a * ns * np;
    double *pv01_a = pv01 + a * nc, *krpv01_a = krpv01 + a * nc * (nk ? nk : 1), *gap_a = gap + a * nc * nb;
#define EVE_AT(v, p, c) run->eve[(((v) * NA + a) * np + (p)) * nc + (c)]
    for (PetscInt s = 0; s < ns; s++)
      for (PetscInt p = 0; p < np; p++)
        for (PetscInt c = 0; c < nc; c++) {
          double e = EVE_AT(s, p, c), n = run->nii[((s * NA + a) * np + p) * nc + c];
          eve_a[s * nc + c] += e;
          nii_a[s * nc + c] += n;
          if (!isnan(fx[c])) {
            evep_a[s * np + p] += e * fx[c];
            niip_a[s * np + p] += n * fx[c];
          }
        }
    /* standardised EVE: bucket cash flows discounted at the midpoints, exp(-R_s(t_k) t_k) */
    for (PetscInt s = 0; s < ns; s++)
      for (PetscInt c = 0; c < nc; c++) {
        if (run->disc[c] < 0) continue;
        double acc = 0;
        for (PetscInt k = 0; k < nb; k++) {
          double cf = 0, z, tk = run->bucket_mid[k];
          for (PetscInt p = 0; p < np; p++) cf += run->evecf[(((s * NA + a) * np + p) * nc + c) * nb + k];
          if (cf == 0.0) continue;
          PetscCall(BallastScenarioZero(r, &run->def[s], run->market, run->disc[c], tk, &z));
          acc += cf * exp(-z * tk);
        }
        evestd_a[s * nc + c] = acc;
      }
    for (PetscInt s = 0; s < ns; s++) {
      for (PetscInt c = 0; c < nc; c++) {
        deve_a[s * nc + c] = eve_a[s * nc + c] - eve_a[c];
        dnii_a[s * nc + c] = nii_a[s * nc + c] - nii_a[c];
        double f = isnan(fx[c]) ? 0.0 : fx[c];
        loss_a[s] += PetscMax(0.0, -deve_a[s * nc + c]) * f;
        dew_a[s] += (deve_a[s * nc + c] < 0 ? r->loss_weight : r->gain_weight) * deve_a[s * nc + c] * f;
        dnw_a[s] += (dnii_a[s * nc + c] < 0 ? r->loss_weight : r->gain_weight) * dnii_a[s * nc + c] * f;
      }
    }
    if (run->nvar > ns) {
      for (PetscInt c = 0; c < nc; c++) {
        double b = 0, up = 0;
        for (PetscInt p = 0; p < np; p++) {
          b += EVE_AT(0, p, c);
          up += EVE_AT(ns, p, c);
        }
        pv01_a[c] = up - b;
        for (PetscInt k = 0; k < nk; k++) {
          double kv = 0;
          for (PetscInt p = 0; p < np; p++) kv += EVE_AT(ns + 1 + k, p, c);
          krpv01_a[c * nk + k] = kv - b;
        }
      }
    } else
      for (PetscInt c = 0; c < nc; c++) pv01_a[c] = NAN;
#undef EVE_AT
    for (PetscInt p = 0; p < np; p++)
      for (PetscInt c = 0; c < nc; c++)
        for (PetscInt k = 0; k < nb; k++) gap_a[c * nb + k] += run->gap[((a * np + p) * nc + c) * nb + k];
  }
  if (head) {
    PetscCall(PetscMemzero(head, sizeof *head));
    head->nact = NA, head->nscen = ns, head->nccy = nc, head->nkey = nk;
    PetscCall(PetscCalloc5(NA, &head->eve0, NA, &head->nii0, NA * ns * nc, &head->deve, NA * ns * nc, &head->dnii, NA * ns, &head->dew));
    PetscCall(PetscCalloc5(NA * ns, &head->dnw, NA, &head->eve_ratio, NA, &head->nii_ratio, NA * ns, &head->deve_rep, NA * ns, &head->dnii_rep));
    PetscCall(PetscCalloc2(NA * nc, &head->pv01, NA * nc * (nk ? nk : 1), &head->krpv01));
    PetscCall(PetscArraycpy(head->deve, deve, NA * ns * nc));
    PetscCall(PetscArraycpy(head->dnii, dnii, NA * ns * nc));
    PetscCall(PetscArraycpy(head->dew, dew, NA * ns));
    PetscCall(PetscArraycpy(head->dnw, dnw, NA * ns));
    PetscCall(PetscArraycpy(head->pv01, pv01, NA * nc));
    PetscCall(PetscArraycpy(head->krpv01, krpv01, NA * nc * (nk ? nk : 1)));
    for (PetscInt a = 0; a < NA; a++) {
      for (PetscInt c = 0; c < nc; c++) {
        double f = isnan(fx[c]) ? 0 : fx[c];
        head->eve0[a] += eve[a * ns * nc + c] * f;
        head->nii0[a] += nii[a * ns * nc + c] * f;
        for (PetscInt s = 0; s < ns; s++) {
          head->deve_rep[a * ns + s] += deve[(a * ns + s) * nc + c] * f;
          head->dnii_rep[a * ns + s] += dnii[(a * ns + s) * nc + c] * f;
        }
      }
      /* fallback of the outlier ratios: the worst weighted delta over the run's scenarios */
      double we = 0, wn = 0;
      for (PetscInt s = 1; s < ns; s++) {
        we = PetscMax(we, -dew[a * ns + s]);
        wn = PetscMax(wn, -dnw[a * ns + s]);
      }
      head->eve_ratio[a] = run->tier1 > 0 ? we / run->tier1 : NAN;
      head->nii_ratio[a] = run->tier1 > 0 ? wn / run->tier1 : NAN;
    }
  }

  /* dimensions */
  const char *none = "none";
  PetscCall(BallastResultsAddDimLabels(res, "action", "action_name", NA, NA > 1 ? (const char **)run->action_names : &none, "management action (index 0 = none)"));
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
  int         xa = NA > 1; /* pv01, key rates, gap, outlier tests: over action only when actions are configured */
  const char *cdim0[] = {"action", "currency"}, *ck0[] = {"action", "currency", "key_tenor"}, *cb0[] = {"action", "currency", "irrbb_bucket"};
  const char **cdim = cdim0 + !xa, **ck = ck0 + !xa, **cb = cb0 + !xa;
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
    PetscCall(BallastResultsAddVar(res, "pv01", 1 + xa, cdim, pv01, "EVE change for +1 bp on every curve of the currency", u));
    PetscCall(BallastResultsAddVar(res, "key_rate_pv01", 2 + xa, ck, krpv01, "EVE change for a triangular +1 bp bump at the key tenor", u));
  }
  PetscCall(BallastResultsAddVar(res, "repricing_gap", 2 + xa, cb, gap, "principal repricing in the bucket (assets positive, liabilities negative), base scenario", u));
  /* outlier tests of the regime, per action */
  if (r->ntests) {
    PetscInt     T = r->ntests;
    const char **tn, **worst;
    double      *val, *ratio;
    int64_t     *flag;
    PetscCall(PetscMalloc5(T, &tn, NA * T, &worst, NA * T, &val, NA * T, &ratio, NA * T, &flag));
    if (head)
      for (PetscInt a = 0; a < NA; a++) head->eve_ratio[a] = head->nii_ratio[a] = -INFINITY;
    PetscBool has_eve = PETSC_FALSE, has_nii = PETSC_FALSE;
    PetscCall(BallastIRRBBOutlierTests(r, NA, ns, run->scenario_names, nc, fx, run->tier1, deve, dnii, worst, val, ratio, flag));
    for (PetscInt a = 0; a < NA; a++)
      for (PetscInt i = 0; i < T; i++) {
        PetscInt ai = a * T + i;
        tn[i]       = r->test[i].name;
        if (head && !isnan(ratio[ai])) {
          if (r->test[i].measure == BALLAST_MEASURE_DELTA_EVE) head->eve_ratio[a] = PetscMax(head->eve_ratio[a], ratio[ai]), has_eve = PETSC_TRUE;
          else head->nii_ratio[a] = PetscMax(head->nii_ratio[a], ratio[ai]), has_nii = PETSC_TRUE;
        }
      }
    if (head)
      for (PetscInt a = 0; a < NA; a++) {
        /* no test of that measure: the fallback (worst weighted delta / Tier 1) */
        if (!has_eve || isinf(head->eve_ratio[a])) {
          double we = 0;
          for (PetscInt s = 1; s < ns; s++) we = PetscMax(we, -dew[a * ns + s]);
          head->eve_ratio[a] = run->tier1 > 0 ? we / run->tier1 : NAN;
        }
        if (!has_nii || isinf(head->nii_ratio[a])) {
          double wn = 0;
          for (PetscInt s = 1; s < ns; s++) wn = PetscMax(wn, -dnw[a * ns + s]);
          head->nii_ratio[a] = run->tier1 > 0 ? wn / run->tier1 : NAN;
        }
      }
    PetscCall(BallastResultsAddDimLabels(res, "outlier_test", "outlier_test_name", T, tn, "supervisory outlier test of the regime"));
    const char *od0[] = {"action", "outlier_test"}, **od = od0 + !xa;
    PetscCall(BallastResultsAddVar(res, "outlier_test_decline", 1 + xa, od, val, "worst aggregated decline over the test's scenarios (positive = loss)", ur));
    PetscCall(BallastResultsAddVar(res, "outlier_test_ratio", 1 + xa, od, ratio, "decline as a fraction of Tier 1 capital", "1"));
    PetscCall(BallastResultsAddVarInt(res, "outlier_test_flag", 1 + xa, od, flag, "1 where the decline exceeds the regime's threshold", "1"));
    if (xa) {
      /* text variables are one-dimensional: the worst scenario of each (action, test) pair over a
       * flattened dimension would confuse readers; the action-0 row keeps the established name */
      PetscCall(BallastResultsAddVarText(res, "outlier_test_worst_scenario", "outlier_test", worst, "scenario with the largest decline (no action)"));
    } else PetscCall(BallastResultsAddVarText(res, "outlier_test_worst_scenario", "outlier_test", worst, "scenario with the largest decline"));
    /* summary on standard output: the balance sheet as loaded */
    for (PetscInt i = 0; i < T; i++)
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "outlier test %-28s worst %-14s decline %16.0f %s = %6.2f %% of Tier 1 (threshold %.0f %%): %s\n", tn[i], worst[i], val[i], ur, 100 * ratio[i],
                            100 * r->test[i].threshold_tier1, flag[i] ? "OUTLIER" : "pass"));
    for (PetscInt i = 0; i < T; i++) val[i] = r->test[i].threshold_tier1; /* (val was copied above) the threshold, for reports */
    const char *od1[] = {"outlier_test"};
    PetscCall(BallastResultsAddVar(res, "outlier_test_threshold", 1, od1, val, "the regime's outlier threshold: decline above which the test fails, fraction of Tier 1 capital", "1"));
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
