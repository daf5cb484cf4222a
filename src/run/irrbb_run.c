/* The IRRBB phases of `ballast run`: setup of the scenario variants, the projection (src/projection
 * with the consumers of src/metrics and the caller's), the reduced partials handed to the group
 * metrics (src/metrics/irrbb_group.c). */
#include <ballast/io.h>
#include <ballast/irrbb.h>
#include <ballast/projection.h>
#include <ballast/irrbb_run.h>
#include <ballast/checkpoint.h>
#include <ballast/scenario.h>
#include <ballast/par.h>
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
  PetscCall(PetscFree(run->margin_count));
  PetscCall(PetscFree(run->nii_path_constant));
  PetscCall(PetscFree(run->reserves));
  PetscCall(PetscFree(run->gap));
  PetscCall(PetscFree(run->pv));
  PetscCall(BallastIRRBBHeadlinesDestroy(&run->head));
  PetscFunctionReturn(0);
}

/* The driver's setup for every variant of the run (behaviour as set in run). Not collective. */
PetscErrorCode BallastIRRBBRunProjectionSetup(BallastRunContext *ctx, BallastIRRBBRun *run, BallastProjectionSetup *ps)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(ps, sizeof *ps));
  ps->nscen         = run->nscen;
  ps->nvar          = run->nvar;
  ps->market        = (const BallastMarketData **)run->mptr;
  ps->df            = run->df;
  ps->df_base       = &run->df[0];
  ps->disc_curve    = run->disc;
  ps->nccy          = ctx->market.nfx;
  ps->fx            = run->market[0].fx;
  ps->as_of         = ctx->cfg.as_of;
  ps->ad_date       = BallastDateAddMonths(ctx->cfg.as_of, (int)ctx->cfg.nii_horizon_months);
  ps->horizon       = BallastDateAddMonths(ctx->cfg.as_of, 12 * 60);
  ps->beh           = run->beh;
  ps->seg_of        = run->seg_of;
  ps->prepay_scalar = run->prepay_scalar;
  ps->td_scalar     = run->td_scalar;
  PetscFunctionReturn(0);
}

/* Collective: the project and reduce phases. The IRRBB consumers (EVE, NII, gap, position detail
 * with keep_pv) and the caller's other consumers (liquidity) on one projection of every local
 * contract; each consumer's merge reduces its per-portfolio partials exactly to rank 0. */
PetscErrorCode BallastIRRBBRunCompute(BallastRunContext *ctx, BallastIRRBBRun *run, PetscBool keep_pv, PetscInt nextra, const BallastConsumer *extra)
{
  BallastContracts       cs = ctx->contracts;
  BallastIRRBBSetup      s;
  BallastProjectionSetup ps;
  BallastProjection      proj;
  BallastEVE             eve;
  BallastNII             nii, niic;
  BallastGap             gap;
  BallastPositions       pos = {0};
  BallastConsumer        c;
  BallastContractSource  store;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&s, sizeof s));
  s.nscen         = run->nscen;
  s.nvar          = run->nvar;
  s.nport         = cs->nportfolios;
  s.nccy          = ctx->market.nfx;
  s.nbucket       = run->nbucket;
  s.bucket_hi     = run->bucket_hi;
  s.bucket_mid    = run->bucket_mid;
  s.bucket_of_day = run->bucket_of_day;
  s.nbucket_days  = run->nbucket_days;
  s.as_of         = ctx->cfg.as_of;
  s.nii_end       = BallastDateAddMonths(ctx->cfg.as_of, (int)ctx->cfg.nii_horizon_months);
  s.df_base       = &run->df[0];
  s.nact          = run->actions ? run->actions->nact : 1;
  PetscCall(BallastIRRBBRunProjectionSetup(ctx, run, &ps));
  PetscCall(BallastProjectionCreate(&ps, &proj));
  PetscCall(BallastEVECreate(&s, &eve));
  PetscCall(BallastEVESetDiscount(&eve, ps.df, ps.disc_curve)); /* discount once per table */
  PetscCall(BallastNIICreate(&s, &nii));
  {
    /* NII keys: new-business margins (validated filters) and the reserves rate per currency */
    const BallastPlanning *pl = &ctx->cfg.planning;
    PetscCall(PetscFree(run->reserves));
    PetscCall(PetscMalloc1(s.nccy + 1, &run->reserves));
    for (PetscInt c = 0; c <= s.nccy; c++) run->reserves[c] = NAN;
    for (PetscInt i = 0; i < pl->nreserves; i++) {
      int32_t c = BallastNamesFind(ctx->market.currencies, pl->reserves_ccy[i]);
      if (c >= 0 && c < s.nccy) run->reserves[c] = pl->reserves_rate[i];
    }
    PetscCall(BallastNIISetPlan(&nii, pl->nmargins, pl->margins, run->reserves));
    run->nmargins = pl->nmargins;
  }
  PetscCall(BallastGapCreate(&s, &gap));
  BallastEVEConsumer(&eve, &c);
  PetscCall(BallastProjectionAddConsumer(proj, &c));
  BallastNIIConsumer(&nii, &c);
  PetscCall(BallastProjectionAddConsumer(proj, &c));
  BallastGapConsumer(&gap, &c);
  PetscCall(BallastProjectionAddConsumer(proj, &c));
  if (run->path_months > 0) { /* nii_path_constant: the constant balance sheet month by month */
    PetscCall(BallastNIICreate(&s, &niic));
    PetscCall(BallastNIISetPath(&niic, run->path_months));
    PetscCall(BallastNIISetPlan(&niic, ctx->cfg.planning.nmargins, ctx->cfg.planning.margins, run->reserves));
    BallastNIIConsumer(&niic, &c);
    PetscCall(BallastProjectionAddConsumer(proj, &c));
  }
  if (keep_pv) {
    PetscCall(BallastPositionsCreate(run->nscen, cs->n, &pos));
    pos.cs = cs;
    BallastPositionsConsumer(&pos, &c);
    PetscCall(BallastProjectionAddConsumer(proj, &c));
  }
  for (PetscInt j = 0; j < nextra; j++) PetscCall(BallastProjectionAddConsumer(proj, &extra[j]));
  BallastSource srcs[2];
  BallastContractSourceInit(&store, cs, (const char *const *)ctx->cfg.contract_files, &srcs[0]);
  if (run->actions) BallastActionSourceInit(run->actions, &srcs[1]);
  PetscErrorCode ierr = run->ckpt ? BallastCheckpointAttach(run->ckpt, proj, cs->portfolio_owner) : 0; /* resume: the finished portfolios' partials */
  if (!ierr) ierr = BallastProjectionRun(proj, ctx->comm, run->actions ? 2 : 1, srcs);
  if (!ierr && run->ckpt) {
    PetscBool interrupted;
    PetscCall(BallastProjectionGetInterrupted(proj, &interrupted, NULL, NULL, NULL));
    if (interrupted) ierr = BallastCheckpointSave(run->ckpt, proj, cs->portfolio_owner); /* BALLAST_ERR_INTERRUPTED on every rank */
  }
  if (ierr) {
    /* every rank fails here with the same code and message (the driver agreed on them) */
    BallastProjectionDestroy(&proj);
    BallastEVEDestroy(&eve);
    BallastNIIDestroy(&nii);
    if (run->path_months > 0) BallastNIIDestroy(&niic);
    BallastGapDestroy(&gap);
    BallastPositionsDestroy(&pos);
    PetscFunctionReturn(ierr);
  }
  int64_t nev;
  PetscCall(BallastProjectionGetStats(proj, NULL, &nev, &run->seconds));
  int64_t ncontract = cs->n;
  PetscCallMPI(MPI_Allreduce(&ncontract, &run->ncontracts, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
  PetscCallMPI(MPI_Allreduce(&nev, &run->nevents, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
  double secs = run->seconds;
  PetscCallMPI(MPI_Allreduce(&secs, &run->core_seconds, 1, MPI_DOUBLE, MPI_SUM, ctx->comm));
  PetscCallMPI(MPI_Allreduce(&secs, &run->max_seconds, 1, MPI_DOUBLE, MPI_MAX, ctx->comm));
  PetscCallMPI(MPI_Allreduce(&secs, &run->min_seconds, 1, MPI_DOUBLE, MPI_MIN, ctx->comm));
  /* the reduced partials (rank 0) move to run */
  run->eve   = eve.eve;
  run->evecf = eve.evecf;
  eve.eve    = NULL;
  eve.evecf  = NULL;
  PetscCall(BallastEVEDestroy(&eve)); /* its per-day tables */
  run->nii          = nii.nii;
  run->margin_count = nii.margin_count;
  nii.nii           = NULL;
  nii.margin_count  = NULL;
  PetscCall(BallastNIIDestroy(&nii)); /* the memo of par rates */
  if (run->path_months > 0) {
    run->nii_path_constant = niic.path;
    niic.path              = NULL;
    PetscCall(BallastNIIDestroy(&niic));
  }
  run->gap   = gap.gap;
  run->pv    = pos.pv;
  PetscCall(BallastProjectionDestroy(&proj));
  PetscFunctionReturn(0);
}

/* Rank 0 only: the group metrics of src/metrics/irrbb_group.c on the reduced partials. */
PetscErrorCode BallastIRRBBRunResults(BallastRunContext *ctx, BallastIRRBBRun *run, BallastResults res)
{
  BallastIRRBBGroup g;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&g, sizeof g));
  g.regime             = run->regime;
  g.nscen              = run->nscen;
  g.nkey               = run->nkey;
  g.nvar               = run->nvar;
  g.nport              = ctx->contracts->nportfolios;
  g.nccy               = ctx->market.nfx;
  g.nbucket            = run->nbucket;
  g.def                = run->def;
  g.scenario_names     = (const char *const *)ctx->cfg.scenarios;
  g.market             = &ctx->market;
  g.disc               = run->disc;
  g.bucket_mid         = run->bucket_mid;
  g.tier1              = ctx->cfg.tier1;
  g.reporting_currency = ctx->cfg.reporting_currency;
  g.eve                = run->eve;
  g.evecf              = run->evecf;
  g.nii                = run->nii;
  g.gap                = run->gap;
  g.nact               = run->actions ? run->actions->nact : 1;
  g.action_names       = run->actions ? run->actions->names : NULL;
  PetscCall(BallastIRRBBGroupResults(&g, res, &run->head));
  {
    /* which margin NII's replacements used per portfolio: 0 own, 1 configured, 2 both (some
     * contracts each); the configured margin where one entry served the whole portfolio */
    const BallastPlanning *pl = &ctx->cfg.planning;
    PetscInt               np = ctx->contracts->nportfolios, nm = run->nmargins;
    double                *src, *mv;
    const char            *pd[] = {"portfolio"};
    PetscBool              hasp;
    PetscCall(BallastResultsHasDim(res, "portfolio", &hasp));
    if (!hasp) PetscCall(BallastResultsAddDimLabels(res, "portfolio", "portfolio_name", np, (const char *const *)ctx->contracts->portfolio_names, "portfolio"));
    PetscCall(PetscMalloc2(np + 1, &src, np + 1, &mv));
    for (PetscInt p = 0; p < np; p++) {
      const double *cnt  = run->margin_count ? &run->margin_count[p * (nm + 1)] : NULL;
      double        own  = cnt ? cnt[0] : 0, conf = 0;
      PetscInt      used = -1, nused = 0;
      for (PetscInt k = 0; k < nm; k++)
        if (cnt && cnt[k + 1] > 0) {
          conf += cnt[k + 1];
          used = k;
          nused++;
        }
      src[p] = conf == 0 ? 0.0 : own == 0 ? 1.0 : 2.0;
      mv[p]  = nused == 1 && own == 0 ? pl->margins[used].margin : NAN;
    }
    PetscCall(BallastResultsAddVar(res, "nii_margin_source", 1, pd, src, "margin of NII's replacement business: 0 the contracts' own, 1 configured (nii.margins), 2 both", "1"));
    PetscCall(BallastResultsAddVar(res, "nii_margin", 1, pd, mv, "configured new-business margin used for the whole portfolio (NaN: own margins or several)", "1"));
    PetscCall(PetscFree2(src, mv));
  }
  PetscFunctionReturn(0);
}

/* Not collective (every rank the same). The instruments of action a as a store of one row each:
 * initialExchangeDate = start, maturityDate = start + term, statusDate = the as-of date, the fixed
 * rate at par on the base discount curve of the currency at the start (BallastParRate, the
 * engine's own flows; floating legs on the base forwards) plus the spread, or the rate given. */
static PetscErrorCode instrument_store(BallastRunContext *ctx, const BallastAction *a, const BallastDFTable *df, BallastContracts *out)
{
  BallastContracts cs;
  PetscFunctionBeginUser;
  PetscCall(BallastContractsCreate(&cs));
  PetscCall(PetscMalloc1(a->ninstr, &cs->portfolio_names));
  PetscCall(PetscMalloc2(a->ninstr, &cs->portfolio_count, a->ninstr, &cs->portfolio_owner));
  for (PetscInt k = 0; k < a->ninstr; k++) {
    const BallastInstrument *in = &a->instr[k];
    BallastTerms             t  = in->terms;
    BallastAlm               al = in->alm;
    int32_t                  p  = -1;
    for (PetscInt q = 0; q < cs->nportfolios; q++)
      if (!strcmp(cs->portfolio_names[q], in->portfolio)) p = (int32_t)q;
    if (p < 0) {
      p = (int32_t)cs->nportfolios++;
      PetscCall(PetscStrallocpy(in->portfolio, &cs->portfolio_names[p]));
      cs->portfolio_count[p] = 0;
      cs->portfolio_owner[p] = 0;
    }
    cs->portfolio_count[p]++;
    al.portfolio        = p;
    al.legalEntity      = in->legal_entity ? BallastNamesIntern(cs->entities, in->legal_entity) : -1;
    al.behaviourSegment = in->segment ? BallastNamesIntern(cs->segments, in->segment) : -1;
    t.initialExchangeDate = in->start;
    t.maturityDate        = in->maturity;
    t.statusDate          = ctx->cfg.as_of;
    /* a swap's floating leg runs its first period (before the first reset, one cycle after the
     * start) at the base forward observed at the start, fixed when traded: as BallastParRate
     * prices it, so the swap is worth zero at par on the base curves */
    if (t.contractType == BALLAST_CT_SWPPV && t.marketObjectCodeOfRateReset >= 0 && isnan(t.nominalInterestRate2))
      t.nominalInterestRate2 = BallastDFTableForward(df, t.marketObjectCodeOfRateReset, in->start, t.cycleOfRateReset.n > 0 ? BallastCycleAdd(in->start, t.cycleOfRateReset, 1) : in->start + 1);
    if (in->rate_kind == BALLAST_RATE_PAR) {
      const char *dc    = BallastConfigDiscountCurve(&ctx->cfg, BallastNamesGet(ctx->market.currencies, t.currency));
      PetscInt    kdisc = dc ? BallastMarketFindCurve(&ctx->market, dc) : -1;
      double      r;
      PetscCheck(kdisc >= 0, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "%s:%d: action '%s': no discount curve for the instrument's currency", ctx->cfg.path, in->line, a->name);
      PetscErrorCode ierr = BallastParRate(&t, in->start, df, kdisc, NULL, &r);
      PetscCheck(!ierr, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s:%d: action '%s': instrument %s cannot be priced at par", ctx->cfg.path, in->line, a->name, in->contract_id);
      t.nominalInterestRate = r + in->spread;
      PetscCall(PetscPrintf(ctx->comm, "action %s: instrument %s priced at par %.6f %% + spread %.2f bp\n", a->name, in->contract_id, 100 * r, 1e4 * in->spread));
    } else t.nominalInterestRate = in->rate + (isnan(in->spread) ? 0.0 : in->spread);
    PetscCall(BallastContractsAppend(cs, &t, &al, in->contract_id, 0, in->line));
  }
  *out = cs;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastRunActionsCreate(BallastRunContext *ctx, BallastActionSet *as)
{
  const BallastPlanning *pl = &ctx->cfg.planning;
  PetscInt               n  = 0, k = 0;
  BallastContracts      *added;
  PetscInt              *owner_action;
  char                 **file;
  BallastDFTable         df;
  PetscBool              priced = PETSC_FALSE;
  PetscFunctionBeginUser;
  for (PetscInt a = 0; a < pl->nactions; a++) {
    n += pl->actions[a].nadd + (pl->actions[a].ninstr > 0);
    priced = priced || pl->actions[a].ninstr > 0;
  }
  if (priced) PetscCall(BallastDFTableCreate(&ctx->market, GRID_DAYS, &df)); /* the base curves */
  PetscCall(PetscCalloc1(n + 1, &added));
  PetscCall(PetscCalloc1(n + 1, &owner_action));
  PetscCall(PetscCalloc1(n + 1, &file));
  for (PetscInt a = 0; a < pl->nactions; a++) {
    for (PetscInt f = 0; f < pl->actions[a].nadd; f++, k++) {
      /* every rank loads the whole (small) file: the owner of each contract's portfolio projects it */
      BallastConfig sub = ctx->cfg;
      sub.ncontract_files = 1;
      sub.contract_files  = &pl->actions[a].add[f];
      PetscCall(BallastContractsLoad(PETSC_COMM_SELF, &sub, &ctx->market, &added[k]));
      owner_action[k] = a;
      file[k]         = pl->actions[a].add[f];
    }
    if (pl->actions[a].ninstr > 0) {
      PetscCall(instrument_store(ctx, &pl->actions[a], &df, &added[k]));
      owner_action[k] = a;
      file[k]         = ctx->cfg.path;
      k++;
    }
  }
  if (priced) PetscCall(BallastDFTableDestroy(&df));
  PetscCall(BallastActionSetCreate(ctx->comm, pl, ctx->contracts, (const char *const *)ctx->cfg.contract_files, n, added, owner_action, file, as));
  PetscCall(PetscFree(owner_action));
  PetscFunctionReturn(0);
}
