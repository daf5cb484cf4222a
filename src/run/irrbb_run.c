/* The IRRBB phase of `ballast run`: scenario variants, projection of every contract under every
 * variant, exact reduction, group metrics, results and summary. */
#include <ballast/io.h>
#include <ballast/irrbb.h>
#include <ballast/irrbb_run.h>
#include <ballast/scenario.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define GRID_DAYS (61 * 366) /* discount factors tabulated for 61 years; beyond: direct evaluation */

PetscErrorCode BallastIRRBBRunSetup(BallastRunContext *ctx, const BallastRegime *r, PetscInt nuser, BallastScenarioDef *user, PetscBool sensitivities, BallastIRRBBRun *run)
{
  const BallastMarketData *base = &ctx->market;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(run, sizeof(*run)));
  run->regime = r;
  run->nscen  = ctx->cfg.nscenarios;
  run->nkey   = sensitivities ? r->nkey : 0;
  run->nvar   = run->nscen + (sensitivities ? 1 + run->nkey : 0);
  PetscCall(PetscCalloc1(run->nscen, &run->def));
  PetscCall(PetscCalloc1(run->nvar, &run->market));
  PetscCall(PetscCalloc1(run->nvar, &run->mptr));
  PetscCall(PetscCalloc1(run->nvar, &run->df));
  /* scenarios: a user definition of that name, else base or a regulatory scenario of the regime */
  for (PetscInt s = 0; s < run->nscen; s++) {
    const char *name = ctx->cfg.scenarios[s];
    PetscInt    u    = BallastScenarioDefsFind(nuser, user, name);
    if (u >= 0) {
      run->def[s] = user[u];
      run->def[s].name = NULL; /* borrowed: not freed here */
      PetscCall(PetscStrallocpy(name, &run->def[s].name));
      run->borrowed = PETSC_TRUE;
    } else {
      PetscErrorCode ierr = BallastScenarioDefRegulatory(r, name, &run->def[s]);
      PetscCheck(!ierr, ctx->comm, BALLAST_ERR_USAGE, "%s: scenario '%s' is neither base, a regulatory scenario of %s, nor a user scenario", ctx->cfg.path, name, r->name);
    }
    PetscCall(BallastScenarioApply(r, &run->def[s], base, &run->market[s]));
  }
  if (sensitivities) {
    /* +1 bp on every curve of every currency at once: a contract only sees the curves of its own
     * currency, so one variant gives pv01 of every currency (the same for each key tenor) */
    for (PetscInt v = run->nscen; v < run->nvar; v++) {
      PetscInt          key = v == run->nscen ? -1 : v - run->nscen - 1;
      BallastMarketData cur, next;
      PetscCall(BallastMarketDataDuplicate(base, &cur));
      for (int32_t c = 0; c < BallastNamesCount(base->currencies); c++) {
        PetscBool has = PETSC_FALSE;
        for (PetscInt k = 0; k < base->ncurves; k++) has = has || base->curves[k].currency == c;
        if (!has) continue;
        PetscCall(BallastScenarioBump(r, &cur, BallastNamesGet(base->currencies, c), key, 1e-4, &next));
        PetscCall(BallastMarketDataDestroy(&cur));
        cur = next;
      }
      run->market[v] = cur;
    }
  }
  for (PetscInt v = 0; v < run->nvar; v++) {
    PetscCheck(run->market[v].ncurves == base->ncurves, PETSC_COMM_SELF, PETSC_ERR_PLIB, "shocked market lost curves");
    run->mptr[v] = &run->market[v];
    PetscCall(BallastDFTableCreate(&run->market[v], GRID_DAYS, &run->df[v]));
  }
  /* buckets from the regime */
  run->nbucket = r->nbuckets;
  PetscCall(PetscMalloc2(r->nbuckets, &run->bucket_hi, r->nbuckets, &run->bucket_mid));
  for (PetscInt k = 0; k < r->nbuckets; k++) {
    run->bucket_hi[k]  = k < r->nbuckets - 1 ? BallastTenorYears(ctx->cfg.as_of, &r->bucket_upper[k]) : INFINITY;
    run->bucket_mid[k] = r->bucket_mid[k];
  }
  {
    BallastIRRBBSetup tmp;
    PetscCall(PetscMemzero(&tmp, sizeof tmp));
    tmp.nbucket       = run->nbucket;
    tmp.bucket_hi     = run->bucket_hi;
    run->nbucket_days = GRID_DAYS;
    PetscCall(PetscMalloc1(GRID_DAYS, &run->bucket_of_day));
    for (PetscInt d = 0; d < GRID_DAYS; d++) run->bucket_of_day[d] = (uint8_t)BallastIRRBBBucket(&tmp, (double)d / 365.0);
  }
  PetscCall(PetscMalloc1(r->nkey + 1, &run->key_years));
  PetscCall(BallastScenarioKeyTimes(r, ctx->cfg.as_of, run->key_years));
  /* discount curve per currency */
  PetscInt nc = base->nfx;
  PetscCall(PetscMalloc1(nc + 1, &run->disc));
  for (PetscInt c = 0; c < nc; c++) {
    const char *nm = BallastConfigDiscountCurve(&ctx->cfg, BallastNamesGet(base->currencies, (int32_t)c));
    run->disc[c]   = nm ? BallastMarketFindCurve(base, nm) : -1;
  }
  /* every currency that holds contracts needs a discount curve: agree before computing */
  PetscInt missing = -1;
  for (PetscInt i = 0; i < ctx->contracts->n && missing < 0; i++)
    if (run->disc[ctx->contracts->currency[i]] < 0 && ctx->contracts->contractType[i] != BALLAST_CT_STK) missing = ctx->contracts->currency[i];
  PetscInt gmissing;
  PetscCallMPI(MPI_Allreduce(&missing, &gmissing, 1, MPIU_INT, MPI_MAX, ctx->comm));
  PetscCheck(gmissing < 0, ctx->comm, BALLAST_ERR_USAGE, "%s: contracts in %s but no discount_curves.%s", ctx->cfg.path, BallastNamesGet(base->currencies, (int32_t)gmissing),
             BallastNamesGet(base->currencies, (int32_t)gmissing));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastIRRBBRunDestroy(BallastIRRBBRun *run)
{
  PetscFunctionBeginUser;
  for (PetscInt v = 0; v < run->nvar; v++) {
    PetscCall(BallastDFTableDestroy(&run->df[v]));
    PetscCall(BallastMarketDataDestroy(&run->market[v]));
  }
  for (PetscInt s = 0; s < run->nscen; s++) {
    if (run->def[s].kind == BALLAST_SCENARIO_BASE || run->def[s].kind == BALLAST_SCENARIO_REGULATORY) PetscCall(BallastScenarioDefDestroy(&run->def[s]));
    else PetscCall(PetscFree(run->def[s].name)); /* user definitions are owned by the caller */
  }
  PetscCall(PetscFree(run->def));
  PetscCall(PetscFree(run->market));
  PetscCall(PetscFree(run->mptr));
  PetscCall(PetscFree(run->df));
  PetscCall(PetscFree2(run->bucket_hi, run->bucket_mid));
  PetscCall(PetscFree(run->key_years));
  PetscCall(PetscFree(run->bucket_of_day));
  PetscCall(PetscFree(run->disc));
  PetscCall(PetscFree(run->eve));
  PetscCall(PetscFree(run->evecf));
  PetscCall(PetscFree(run->nii));
  PetscCall(PetscFree(run->gap));
  PetscFunctionReturn(0);
}

/* Collective: project every local contract under every variant; reduce per-portfolio partials
 * exactly to rank 0 (each portfolio has one owner; the others add exact zeros). */
PetscErrorCode BallastIRRBBRunCompute(BallastRunContext *ctx, BallastIRRBBRun *run, PetscBool keep_pv, BallastEventSink extra, void *extra_ctx,
                                      PetscErrorCode (*extra_begin)(void *, BallastContracts, PetscInt), PetscErrorCode (*extra_end)(void *, double))
{
  BallastContracts  cs = ctx->contracts;
  BallastIRRBBSetup s;
  BallastIRRBB      acc;
  PetscInt          np = cs->nportfolios, nc = ctx->market.nfx;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&s, sizeof s));
  s.nscen      = run->nscen;
  s.nkey       = run->nkey;
  s.nvar       = run->nvar;
  s.market     = (const BallastMarketData **)run->mptr;
  s.df         = run->df;
  s.nbucket    = run->nbucket;
  s.bucket_hi  = run->bucket_hi;
  s.bucket_mid = run->bucket_mid;
  s.bucket_of_day = run->bucket_of_day;
  s.nbucket_days  = run->nbucket_days;
  s.disc_curve = run->disc;
  s.nccy       = nc;
  s.nport      = np;
  s.as_of      = ctx->cfg.as_of;
  s.nii_end    = BallastDateAddMonths(ctx->cfg.as_of, (int)ctx->cfg.nii_horizon_months);
  s.horizon    = BallastDateAddMonths(ctx->cfg.as_of, 12 * 60);
  s.beh           = run->beh;
  s.seg_of        = run->seg_of;
  s.prepay_scalar = run->prepay_scalar;
  s.td_scalar     = run->td_scalar;
  s.base_sink  = extra;
  s.base_sink_contractual_deposits = PETSC_TRUE; /* the liquidity ladder runs deposits off itself */
  s.base_ctx   = extra_ctx;
  PetscCall(BallastIRRBBCreate(&s, keep_pv ? cs->n : 0, &acc));
  double t0 = MPI_Wtime(), last = t0;
  int    failed = 0;
  char   failmsg[512] = "";
  for (PetscInt i = 0; i < cs->n && !failed; i++) {
    PetscErrorCode ierr = 0;
    if (extra_begin) ierr = extra_begin(extra_ctx, cs, i);
    if (!ierr) ierr = BallastIRRBBAddContract(&acc, cs, i);
    if (!ierr && extra_end) ierr = extra_end(extra_ctx, acc.last_pv_base);
    if (ierr) {
      const char *text;
      char       *spec = NULL;
      PetscErrorMessage(ierr, &text, &spec);
      snprintf(failmsg, sizeof failmsg, "%s:%" PRId64 ": contract %s: %s", ctx->cfg.contract_files[cs->file[i]], cs->line[i], BallastContractsID(cs, i), spec ? spec : "projection failed");
      failed = ierr == BALLAST_ERR_INPUT ? 3 : ierr == BALLAST_ERR_USAGE ? 2 : 4;
      break;
    }
    double now = MPI_Wtime();
    if (ctx->rank == 0 && now - last > 5.0) {
      double frac = (double)(i + 1) / (double)cs->n, rate = (double)(i + 1) / (now - t0);
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "progress: %5.1f %% of rank 0's %" PetscInt_FMT " contracts, %.0f contracts/s per rank, about %.0f s left\n", 100 * frac, cs->n, rate,
                            (cs->n - i - 1) / rate));
      last = now;
    }
  }
  run->seconds = MPI_Wtime() - t0; /* before the first collective: this rank's own work */
  /* agree on failure before any collective: rank 0 prints the first failing rank's message */
  int gfailed;
  PetscCallMPI(MPI_Allreduce(&failed, &gfailed, 1, MPI_INT, MPI_MAX, ctx->comm));
  if (gfailed) {
    struct {
      int f, rank;
    } in = {failed, ctx->rank}, out;
    PetscCallMPI(MPI_Allreduce(&in, &out, 1, MPI_2INT, MPI_MAXLOC, ctx->comm));
    PetscCallMPI(MPI_Bcast(failmsg, sizeof failmsg, MPI_CHAR, out.rank, ctx->comm));
    PetscCall(BallastIRRBBDestroy(&acc));
    SETERRQ(ctx->comm, gfailed == 3 ? BALLAST_ERR_INPUT : gfailed == 2 ? BALLAST_ERR_USAGE : BALLAST_ERR_NUMERIC, "%s", failmsg);
  }
  int64_t nev = acc.nevents, ncontract = cs->n;
  PetscCallMPI(MPI_Allreduce(&ncontract, &run->ncontracts, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
  PetscCallMPI(MPI_Allreduce(&nev, &run->nevents, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
  double secs = run->seconds;
  PetscCallMPI(MPI_Allreduce(&secs, &run->core_seconds, 1, MPI_DOUBLE, MPI_SUM, ctx->comm));
  PetscCallMPI(MPI_Allreduce(&secs, &run->max_seconds, 1, MPI_DOUBLE, MPI_MAX, ctx->comm));
  PetscCallMPI(MPI_Allreduce(&secs, &run->min_seconds, 1, MPI_DOUBLE, MPI_MIN, ctx->comm));
  PetscInt n1 = run->nvar * np * nc, n2 = run->nscen * np * nc * run->nbucket, n3 = run->nscen * np * nc, n4 = np * nc * run->nbucket;
  PetscCall(PetscCalloc1(n1 + 1, &run->eve));
  PetscCall(PetscCalloc1(n2 + 1, &run->evecf));
  PetscCall(PetscCalloc1(n3 + 1, &run->nii));
  PetscCall(PetscCalloc1(n4 + 1, &run->gap));
  PetscCallMPI(MPI_Reduce(acc.eve, run->eve, (int)n1, MPI_DOUBLE, MPI_SUM, 0, ctx->comm));
  PetscCallMPI(MPI_Reduce(acc.evecf, run->evecf, (int)n2, MPI_DOUBLE, MPI_SUM, 0, ctx->comm));
  PetscCallMPI(MPI_Reduce(acc.nii, run->nii, (int)n3, MPI_DOUBLE, MPI_SUM, 0, ctx->comm));
  PetscCallMPI(MPI_Reduce(acc.gap, run->gap, (int)n4, MPI_DOUBLE, MPI_SUM, 0, ctx->comm));
  if (keep_pv) {
    run->pv  = acc.pv;
    acc.pv   = NULL;
  }
  PetscCall(BallastIRRBBDestroy(&acc));
  PetscFunctionReturn(0);
}

/* Rank 0: group metrics from the per-portfolio partials, combined in portfolio order. */
PetscErrorCode BallastIRRBBRunResults(BallastRunContext *ctx, BallastIRRBBRun *run, BallastResults res)
{
  const BallastRegime *r  = run->regime;
  PetscInt             np = ctx->contracts->nportfolios, nc = ctx->market.nfx, ns = run->nscen, nb = run->nbucket, nk = run->nkey;
  const double        *fx = ctx->market.fx;
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
        PetscCall(BallastScenarioZero(r, &run->def[s], &ctx->market, run->disc[c], tk, &z));
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
  for (PetscInt s = 0; s < ns; s++) sn[s] = ctx->cfg.scenarios[s];
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
  const char *ur = ctx->cfg.reporting_currency;
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
          if (!strcmp(ctx->cfg.scenarios[s], nm)) break;
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
      ratio[i] = ctx->cfg.tier1 > 0 && !isnan(val[i]) ? val[i] / ctx->cfg.tier1 : NAN;
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
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-16s %18.0f %18.0f %18.0f %18.0f\n", ctx->cfg.scenarios[s], e, e - e0, n, n - n0));
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "(%s; delta EVE and delta NII here are plain sums over currencies at FX; alm.nc also has the regulatory weighted aggregates)\n", ur));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "worst scenario for weighted delta EVE: %s (%.0f %s)\n", ctx->cfg.scenarios[worst_s], dew[worst_s], ur));
  PetscCall(PetscFree5(eve, evestd, deve, nii, dnii));
  PetscCall(PetscFree5(loss, dew, dnw, evep, niip));
  PetscCall(PetscFree3(pv01, krpv01, gap));
  PetscFunctionReturn(0);
}
