/* Validation of the planning inputs against the balance sheet, the market data, the regime and
 * the run's scenarios, before any computation (issue 11 deliverable 7; docs/planning.md), and the
 * plan's summary printed by `ballast validate`. */
#include <ballast/io.h>
#include <ballast/liquidity.h>
#include <ballast/planning.h>
#include <ballast/planning_run.h>
#include <ballast/scenario.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Collective. Resolves f on this rank and counts its matches over every rank; an unknown
 * portfolio or currency, or a filter matching no contract, is an error naming file:line. */
static PetscErrorCode check_filter(BallastRunContext *ctx, BallastFilter *f, const char *what, int64_t *matches)
{
  BallastContracts cs = ctx->contracts;
  const char      *file = ctx->cfg.path;
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < f->nvalues[BALLAST_FILTER_PORTFOLIO]; k++) {
    const char *v     = f->values[BALLAST_FILTER_PORTFOLIO][k];
    PetscBool   found = PETSC_FALSE;
    for (PetscInt p = 0; p < cs->nportfolios; p++) found = found || !strcmp(cs->portfolio_names[p], v);
    PetscCheck(found, ctx->comm, BALLAST_ERR_USAGE, "%s:%d: %s: filter portfolio '%s' is not a portfolio of the balance sheet", file, f->line, what, v);
  }
  for (PetscInt k = 0; k < f->nvalues[BALLAST_FILTER_CURRENCY]; k++)
    PetscCheck(BallastNamesFind(ctx->market.currencies, f->values[BALLAST_FILTER_CURRENCY][k]) >= 0, ctx->comm, BALLAST_ERR_USAGE, "%s:%d: %s: filter currency '%s' is not a currency of the market data", file, f->line,
               what, f->values[BALLAST_FILTER_CURRENCY][k]);
  PetscCall(BallastFilterResolve(f, cs, ctx->market.currencies, ctx->cfg.group));
  /* segments and entities are local names: each value must occur on some rank */
  for (int a = BALLAST_FILTER_BEHAVIOUR_SEGMENT; a <= BALLAST_FILTER_LEGAL_ENTITY; a++)
    for (PetscInt k = 0; k < f->nvalues[a]; k++) {
      int here = f->ids[a][k] != -2, any;
      PetscCallMPI(MPI_Allreduce(&here, &any, 1, MPI_INT, MPI_MAX, ctx->comm));
      PetscCheck(any, ctx->comm, BALLAST_ERR_USAGE, "%s:%d: %s: filter %s '%s' is not a %s of any contract of the balance sheet", file, f->line, what, BallastFilterAttrNames[a], f->values[a][k],
                 BallastFilterAttrNames[a]);
    }
  int64_t mine = 0;
  for (PetscInt i = 0; i < cs->n; i++) mine += BallastFilterMatch(f, cs, i);
  PetscCallMPI(MPI_Allreduce(&mine, matches, 1, MPI_INT64_T, MPI_SUM, ctx->comm));
  PetscCheck(*matches > 0, ctx->comm, BALLAST_ERR_USAGE, "%s:%d: %s: the filter matches no contract of the balance sheet", file, f->line, what);
  PetscFunctionReturn(0);
}

/* Not collective (same data on every rank). Template text -> market ids; unknown currency or curve
 * is an error naming file:line. */
static PetscErrorCode check_template(BallastRunContext *ctx, BallastNames names, BallastTerms *t, const char *segment, int line, const char *what)
{
  const char *file = ctx->cfg.path;
  PetscFunctionBeginUser;
  if (t->currency >= 0) {
    const char *ccy = BallastNamesGet(names, t->currency);
    int32_t     mid = BallastNamesFind(ctx->market.currencies, ccy);
    PetscCheck(mid >= 0 && mid < ctx->market.nfx && !isnan(ctx->market.fx[mid]), ctx->comm, BALLAST_ERR_USAGE, "%s:%d: %s: currency '%s' has no FX rate in %s", file, line, what, ccy, ctx->cfg.fx);
    t->currency = mid;
  }
  if (t->currency2 >= 0) {
    const char *ccy = BallastNamesGet(names, t->currency2);
    int32_t     mid = BallastNamesFind(ctx->market.currencies, ccy);
    PetscCheck(mid >= 0 && mid < ctx->market.nfx && !isnan(ctx->market.fx[mid]), ctx->comm, BALLAST_ERR_USAGE, "%s:%d: %s: currency2 '%s' has no FX rate in %s", file, line, what, ccy, ctx->cfg.fx);
    t->currency2 = mid;
  }
  if (t->marketObjectCodeOfRateReset >= 0) {
    const char *moc = BallastNamesGet(names, t->marketObjectCodeOfRateReset);
    PetscInt    k   = BallastMarketFindCurve(&ctx->market, moc);
    PetscCheck(k >= 0, ctx->comm, BALLAST_ERR_USAGE, "%s:%d: %s: marketObjectCodeOfRateReset '%s' is not a curve of %s", file, line, what, moc, ctx->cfg.curves);
    t->marketObjectCodeOfRateReset = (int32_t)k;
  }
  if (segment) {
    int here = ctx->contracts->segments && BallastNamesFind(ctx->contracts->segments, segment) >= 0, any;
    PetscCallMPI(MPI_Allreduce(&here, &any, 1, MPI_INT, MPI_MAX, ctx->comm));
    PetscCheck(any, ctx->comm, BALLAST_ERR_USAGE, "%s:%d: %s: behaviourSegment '%s' is not the segment of any contract of the balance sheet", file, line, what, segment);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode check_added_files(BallastRunContext *ctx, BallastAction *a, int64_t *nadded)
{
  PetscFunctionBeginUser;
  *nadded = 0;
  if (!a->nadd) PetscFunctionReturn(0);
  int bad = -1;
  if (ctx->rank == 0)
    for (PetscInt i = 0; i < a->nadd && bad < 0; i++)
      if (access(a->add[i], R_OK)) bad = (int)i;
  PetscCallMPI(MPI_Bcast(&bad, 1, MPI_INT, 0, ctx->comm));
  PetscCheck(bad < 0, ctx->comm, BALLAST_ERR_INPUT, "%s:%d: action '%s': added contracts file '%s' does not exist or cannot be read", ctx->cfg.path, a->line, a->name, a->add[bad]);
  /* loaded and validated by the contract loader, exactly as the balance sheet (file:line:column) */
  BallastConfig    sub = ctx->cfg;
  BallastContracts cs;
  sub.ncontract_files = a->nadd;
  sub.contract_files  = a->add;
  PetscCall(BallastContractsLoad(ctx->comm, &sub, &ctx->market, &cs));
  {
    PetscErrorCode ierr = BallastRunCheckEventBound(ctx->comm, &sub, cs);
    if (ierr) {
      PetscCall(BallastContractsDestroy(&cs));
      PetscCall(ierr);
    }
  }
  int64_t n = cs->n, dup = 0;
  /* contractIDs against the balance sheet: every rank checks its added rows against every rank's
   * balance-sheet IDs, one rank's IDs at a time (small: an action adds few contracts) */
  size_t len = 0;
  for (PetscInt i = 0; i < cs->n; i++) len += strlen(BallastContractsID(cs, i)) + 1;
  char *mine;
  PetscCall(PetscMalloc1(len + 1, &mine));
  len = 0;
  for (PetscInt i = 0; i < cs->n; i++) {
    strcpy(mine + len, BallastContractsID(cs, i));
    len += strlen(BallastContractsID(cs, i)) + 1;
  }
  char        first[256] = "";
  PetscMPIInt size       = ctx->size;
  for (PetscMPIInt r = 0; r < size; r++) {
    long long l = (long long)len;
    PetscCallMPI(MPI_Bcast(&l, 1, MPI_LONG_LONG, r, ctx->comm));
    char *buf;
    PetscCall(PetscMalloc1(l + 1, &buf));
    if (ctx->rank == r) memcpy(buf, mine, (size_t)l);
    PetscCallMPI(MPI_Bcast(buf, (int)l, MPI_CHAR, r, ctx->comm));
    for (long long o = 0; o < l; o += (long long)strlen(buf + o) + 1)
      for (PetscInt i = 0; i < ctx->contracts->n; i++)
        if (!strcmp(buf + o, BallastContractsID(ctx->contracts, i))) {
          if (!dup) PetscCall(PetscStrncpy(first, buf + o, sizeof first));
          dup++;
          break;
        }
    PetscCall(PetscFree(buf));
  }
  PetscCall(PetscFree(mine));
  int64_t tot[2] = {n, dup}, all[2];
  PetscCallMPI(MPI_Allreduce(tot, all, 2, MPI_INT64_T, MPI_SUM, ctx->comm));
  /* the first duplicate's text: from the lowest rank that found one */
  int who = dup ? (int)ctx->rank : (int)size, lowest;
  PetscCallMPI(MPI_Allreduce(&who, &lowest, 1, MPI_INT, MPI_MIN, ctx->comm));
  if (lowest < size) PetscCallMPI(MPI_Bcast(first, sizeof first, MPI_CHAR, lowest, ctx->comm));
  PetscCall(BallastContractsDestroy(&cs));
  PetscCheck(all[1] == 0, ctx->comm, BALLAST_ERR_INPUT, "%s:%d: action '%s': %" PRId64 " added contractID%s already in the balance sheet (first: '%s')", ctx->cfg.path, a->line, a->name, all[1], all[1] == 1 ? " is" : "s are",
             first);
  *nadded = all[0];
  PetscFunctionReturn(0);
}

PetscErrorCode BallastPlanningValidate(BallastRunContext *ctx, PetscBool summary)
{
  BallastPlanning *p    = &ctx->cfg.planning;
  const char      *file = ctx->cfg.path;
  char             what[256];
  PetscFunctionBeginUser;
  if (p->validated || (!p->nactions && !p->plan.nproducts && !p->nlimits && !p->nmargins && !p->nreserves)) PetscFunctionReturn(0);
  if (summary) PetscCall(PetscPrintf(ctx->comm, "plan: %" PetscInt_FMT " action%s, %" PetscInt_FMT " new-business product%s over %" PetscInt_FMT " months, %" PetscInt_FMT " limit%s\n", p->nactions, p->nactions == 1 ? "" : "s",
                                     p->plan.nproducts, p->plan.nproducts == 1 ? "" : "s", p->plan.horizon_months, p->nlimits, p->nlimits == 1 ? "" : "s"));
  for (PetscInt i = 0; i < p->nactions; i++) {
    BallastAction *a = &p->actions[i];
    int64_t        nadded, mscale = 0, mremove = 0, m;
    PetscCall(check_added_files(ctx, a, &nadded));
    for (PetscInt k = 0; k < a->ninstr; k++) {
      PetscCall(PetscSNPrintf(what, sizeof what, "action '%s' instrument %" PetscInt_FMT, a->name, k + 1));
      PetscCall(check_template(ctx, p->names, &a->instr[k].terms, a->instr[k].segment, a->instr[k].line, what));
      if (a->instr[k].rate_kind == BALLAST_RATE_PAR) { /* priced at par on the base discount curve of its currency */
        const char *ccy = BallastNamesGet(ctx->market.currencies, a->instr[k].terms.currency), *dc = BallastConfigDiscountCurve(&ctx->cfg, ccy);
        PetscCheck(dc && BallastMarketFindCurve(&ctx->market, dc) >= 0, ctx->comm, BALLAST_ERR_USAGE, "%s:%d: %s: rate \"par\" needs the discount curve of %s (key discount_curves) in %s", file, a->instr[k].line, what, ccy,
                   ctx->cfg.curves);
      }
    }
    for (PetscInt k = 0; k < a->nscale; k++) {
      PetscCall(PetscSNPrintf(what, sizeof what, "action '%s' scale %" PetscInt_FMT, a->name, k + 1));
      PetscCall(check_filter(ctx, &a->scale[k].filter, what, &m));
      mscale += m;
    }
    for (PetscInt k = 0; k < a->nremove; k++) {
      PetscCall(PetscSNPrintf(what, sizeof what, "action '%s' remove %" PetscInt_FMT, a->name, k + 1));
      PetscCall(check_filter(ctx, &a->remove[k], what, &m));
      mremove += m;
    }
    if (summary) {
      PetscCall(PetscPrintf(ctx->comm, "  action %-22s %" PetscInt_FMT " file%s (%" PRId64 " contracts), %" PetscInt_FMT " instrument%s, %" PetscInt_FMT " scale (%" PRId64 " matched), %" PetscInt_FMT " remove (%" PRId64 " matched)", a->name,
                            a->nadd, a->nadd == 1 ? "" : "s", nadded, a->ninstr, a->ninstr == 1 ? "" : "s", a->nscale, mscale, a->nremove, mremove));
      if (a->ninclude) {
        PetscCall(PetscPrintf(ctx->comm, "; combines"));
        for (PetscInt k = 0; k < a->nflat; k++)
          if (a->flat[k] != i) PetscCall(PetscPrintf(ctx->comm, " %s", p->actions[a->flat[k]].name));
      }
      PetscCall(PetscPrintf(ctx->comm, "\n"));
    }
  }
  for (PetscInt i = 0; i < p->plan.nproducts; i++) {
    BallastProduct *q = &p->plan.products[i];
    PetscCall(PetscSNPrintf(what, sizeof what, "product '%s'", q->name));
    PetscCall(check_template(ctx, p->names, &q->terms, q->segment, q->line, what));
    q->curve_id = (int32_t)BallastMarketFindCurve(&ctx->market, q->curve);
    PetscCheck(q->curve_id >= 0, ctx->comm, BALLAST_ERR_USAGE, "%s:%d: %s: pricing %s '%s' is not a curve of %s", file, q->line, what, q->pricing == BALLAST_PRICING_FIXED ? "curve" : "index", q->curve, ctx->cfg.curves);
    if (q->volume == BALLAST_VOLUME_REPLACE) {
      q->replace_id = -1;
      for (PetscInt k = 0; k < ctx->contracts->nportfolios; k++)
        if (!strcmp(ctx->contracts->portfolio_names[k], q->replace_portfolio)) q->replace_id = (int32_t)k;
      PetscCheck(q->replace_id >= 0, ctx->comm, BALLAST_ERR_USAGE, "%s:%d: %s: volume replaces portfolio '%s', which is not a portfolio of the balance sheet", file, q->line, what, q->replace_portfolio);
    }
    if (summary)
      PetscCall(PetscPrintf(ctx->comm, "  product %-21s %s %s %d%c, %s on %s %+.0f bp, volume %s\n", q->name, BallastContractTypeName(q->terms.contractType), q->portfolio, q->term_n, q->term_unit,
                            q->pricing == BALLAST_PRICING_FIXED ? "fixed at par" : "floating", q->curve, q->spread * 1e4, q->volume == BALLAST_VOLUME_MONTHLY ? "monthly amounts" : "replaces run-off"));
  }
  for (PetscInt i = 0; i < p->nmargins; i++) {
    int64_t m;
    PetscCall(PetscSNPrintf(what, sizeof what, "nii.margins entry %" PetscInt_FMT, i + 1));
    PetscCall(check_filter(ctx, &p->margins[i].filter, what, &m));
  }
  for (PetscInt i = 0; i < p->nreserves; i++)
    PetscCheck(BallastNamesFind(ctx->market.currencies, p->reserves_ccy[i]) >= 0, ctx->comm, BALLAST_ERR_USAGE, "%s:%d: nii.reserves_rate: currency '%s' is not a currency of the market data", file, p->line_reserves,
               p->reserves_ccy[i]);
  BallastLiquidityParams lp;
  PetscBool              have_lp = PETSC_FALSE;
  for (PetscInt i = 0; i < p->nlimits; i++) {
    BallastLimit *l = &p->limits[i];
    if (l->currency)
      PetscCheck(BallastNamesFind(ctx->market.currencies, l->currency) >= 0, ctx->comm, BALLAST_ERR_USAGE, "%s:%d: limit '%s': currency '%s' is not a currency of the market data", file, l->line, l->name, l->currency);
    if (l->metric == BALLAST_METRIC_DELTA_EVE || l->metric == BALLAST_METRIC_DELTA_NII) {
      PetscBool found = PETSC_FALSE;
      for (PetscInt s = 1; s < ctx->cfg.nscenarios; s++) found = found || !strcmp(ctx->cfg.scenarios[s], l->scenario);
      PetscCheck(found, ctx->comm, BALLAST_ERR_USAGE, "%s:%d: limit '%s': scenario '%s' is not a shocked scenario of the run (key scenarios)", file, l->line, l->name, l->scenario);
    }
    if (l->metric == BALLAST_METRIC_SURVIVAL_DAYS) {
      PetscCheck(ctx->regime, ctx->comm, BALLAST_ERR_USAGE, "%s:%d: limit '%s': survival days need a regime with liquidity scenarios (key regime)", file, l->line, l->name);
      if (!have_lp) PetscCall(BallastLiquidityParamsLoad(ctx->comm, ctx->regime, &lp));
      have_lp         = PETSC_TRUE;
      PetscBool found = PETSC_FALSE;
      for (PetscInt s = 0; s < lp.nscen; s++) found = found || !strcmp(lp.scen[s].name, l->scenario);
      PetscCheck(found, ctx->comm, BALLAST_ERR_USAGE, "%s:%d: limit '%s': '%s' is not a liquidity scenario of the regime %s", file, l->line, l->name, l->scenario, ctx->cfg.regime);
    }
    if (l->metric == BALLAST_METRIC_KEY_RATE_PV01) {
      PetscBool found = PETSC_FALSE;
      for (PetscInt k = 0; ctx->regime && k < ctx->regime->nkey; k++) found = found || !strcmp(ctx->regime->key_tenor[k].text, l->key_tenor);
      PetscCheck(found, ctx->comm, BALLAST_ERR_USAGE, "%s:%d: limit '%s': key_tenor '%s' is not a key tenor of the regime", file, l->line, l->name, l->key_tenor);
    }
    if (summary) {
      const char *kind = l->kind == BALLAST_LIMIT_MIN ? "min" : l->kind == BALLAST_LIMIT_MAX ? "max" : "max_abs";
      char        lv[32], wv[48] = "";
      snprintf(lv, sizeof lv, "%g", l->level); /* plain C formatting (PetscPrintf writes 1. for %g of 1) */
      if (l->has_warning) snprintf(wv, sizeof wv, ", warning %g", l->warning);
      PetscCall(PetscPrintf(ctx->comm, "  limit %-23s %s%s%s%s%s %s %s%s", l->name, BallastLimitMetricNames[l->metric], l->scenario ? " " : "", l->scenario ? l->scenario : "", l->currency ? " " : "", l->currency ? l->currency : "", kind,
                            lv, wv));
      PetscCall(PetscPrintf(ctx->comm, "\n"));
    }
  }
  if (have_lp) PetscCall(BallastLiquidityParamsDestroy(&lp));
  p->validated = PETSC_TRUE; /* the templates' ids were mapped in place: never twice */
  PetscFunctionReturn(0);
}

PetscErrorCode BallastRunNewBusinessPrepare(BallastRunContext *ctx)
{
  BallastPlan     *plan = &ctx->cfg.planning.plan;
  BallastContracts cs   = ctx->contracts;
  PetscFunctionBeginUser;
  if (!plan->nproducts) PetscFunctionReturn(0);
  if (!cs->segments) PetscCheck(BallastNamesCreate(&cs->segments) == 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  if (!cs->entities) PetscCheck(BallastNamesCreate(&cs->entities) == 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  for (PetscInt q = 0; q < plan->nproducts; q++) {
    BallastProduct *pr    = &plan->products[q];
    PetscBool       found = PETSC_FALSE;
    for (PetscInt k = 0; k < cs->nportfolios && !found; k++) found = !strcmp(cs->portfolio_names[k], pr->portfolio);
    if (!found) { /* a new portfolio: appended, owner rank 0, no contracts of the balance sheet */
      PetscInt n = cs->nportfolios;
      char   **names;
      int64_t *count;
      int     *owner;
      PetscCall(PetscMalloc1(n + 1, &names));
      PetscCall(PetscMalloc2(n + 1, &count, n + 1, &owner));
      for (PetscInt k = 0; k < n; k++) {
        names[k] = cs->portfolio_names[k];
        count[k] = cs->portfolio_count[k];
        owner[k] = cs->portfolio_owner[k];
      }
      PetscCall(PetscStrallocpy(pr->portfolio, &names[n]));
      count[n] = 0;
      owner[n] = 0;
      PetscCall(PetscFree(cs->portfolio_names));
      PetscCall(PetscFree2(cs->portfolio_count, cs->portfolio_owner));
      cs->portfolio_names = names;
      cs->portfolio_count = count;
      cs->portfolio_owner = owner;
      cs->nportfolios     = n + 1;
    }
    if (pr->segment) {
      pr->alm.behaviourSegment = BallastNamesIntern(cs->segments, pr->segment);
      PetscCheck(pr->alm.behaviourSegment >= 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
    } else pr->alm.behaviourSegment = -1;
    if (pr->legal_entity) {
      pr->alm.legalEntity = BallastNamesIntern(cs->entities, pr->legal_entity);
      PetscCheck(pr->alm.legalEntity >= 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
    } else pr->alm.legalEntity = -1;
  }
  PetscFunctionReturn(0);
}
