/* The new-business plan as a source of originations (include/ballast/niipath.h). */
#include <ballast/niipath.h>
#include <ballast/par.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static PetscInt nb_count(void *ctx)
{
  BallastNewBusiness *nb = (BallastNewBusiness *)ctx;
  return nb->nown * nb->plan->horizon_months;
}

/* The product's volume in month m under scenario s (its contract currency). */
static double volume(const BallastNewBusiness *nb, const BallastProduct *pr, PetscInt s, PetscInt m)
{
  if (pr->volume == BALLAST_VOLUME_MONTHLY) return pr->amounts[m - 1 < pr->namounts ? m - 1 : pr->namounts - 1];
  double r = nb->runoff[(s * nb->nport + pr->replace_id) * nb->plan->horizon_months + m - 1];
  return fabs(r) * pow(1.0 + pr->growth, (double)m / 12.0) / nb->fx[pr->terms.currency];
}

/* Contract k: product own[k / horizon], month k % horizon + 1. */
static PetscErrorCode nb_get(void *ctx, PetscInt k, BallastProjContract *pc)
{
  BallastNewBusiness   *nb = (BallastNewBusiness *)ctx;
  PetscInt              H  = nb->plan->horizon_months, q = nb->own[k / H], m = k % H + 1;
  const BallastProduct *pr = &nb->plan->products[q];
  BallastDate           start = BallastDateAddMonths(nb->as_of, (int)m);
  PetscFunctionBeginUser;
  PetscCheck(k >= 0 && k < nb_count(ctx), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "origination index %" PetscInt_FMT " out of range", k);
  pc->index = k;
  snprintf(nb->id, sizeof nb->id, "%s#%" PetscInt_FMT, pr->name, m);
  pc->id                    = nb->id;
  pc->file                  = NULL;
  pc->line                  = pr->line;
  pc->t                     = pr->terms;
  pc->t.statusDate          = nb->as_of;
  pc->t.initialExchangeDate = start;
  pc->t.maturityDate        = BallastDateAddTenor(start, pr->term_n, pr->term_unit);
  pc->t.notionalPrincipal   = volume(nb, pr, 0, m);
  pc->t.nominalInterestRate = 0.0; /* set per variant (a rate must be set for the schedule's interest events) */
  pc->t.accruedInterest     = NAN;
  if (pr->pricing == BALLAST_PRICING_FLOATING) {
    pc->t.marketObjectCodeOfRateReset = pr->curve_id;
    pc->t.rateSpread                  = pr->spread;
    if (!pc->t.cycleOfRateReset.n) pc->t.cycleOfRateReset = pc->t.cycleOfInterestPayment;
  }
  pc->alm = &nb->alm[q];
  pc->p   = nb->port[q];
  pc->c   = pc->t.currency;
  PetscFunctionReturn(0);
}

/* The origination's rate under variant v: par on the pricing curve seen at the origination date
 * plus spread, or the index forward over the first reset period plus spread. */
static PetscErrorCode nb_variant(void *ctx, PetscInt k, PetscInt v, const BallastDFTable *df, BallastProjContract *pc)
{
  BallastNewBusiness   *nb = (BallastNewBusiness *)ctx;
  const BallastProduct *pr = &nb->plan->products[nb->own[k / nb->plan->horizon_months]];
  BallastDate           start = pc->t.initialExchangeDate;
  double                r;
  PetscFunctionBeginUser;
  if (pr->volume == BALLAST_VOLUME_REPLACE) pc->t.notionalPrincipal = volume(nb, pr, v, k % nb->plan->horizon_months + 1);
  if (pr->pricing == BALLAST_PRICING_FIXED) {
    PetscCall(BallastParRate(&pc->t, start, df, pr->curve_id, NULL, &r));
    pc->t.nominalInterestRate = r + pr->spread;
  } else {
    BallastCycle c = pc->t.cycleOfRateReset;
    pc->t.nominalInterestRate = BallastDFTableForward(df, pr->curve_id, start, c.n > 0 ? BallastCycleAdd(start, c, 1) : start + 1) + pr->spread;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastNewBusinessCreate(const BallastPlan *plan, const char *cfg, BallastDate as_of, PetscInt nport, char *const *portfolio_names, const int *owner, int rank,
                                        const double *runoff, const double *fx, BallastNewBusiness *nb, BallastSource *src)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(nb, sizeof *nb));
  nb->runoff = runoff;
  nb->nport  = nport;
  nb->fx     = fx;
  nb->plan  = plan;
  nb->as_of = as_of;
  PetscCall(PetscMalloc3(plan->nproducts + 1, &nb->own, plan->nproducts + 1, &nb->port, plan->nproducts + 1, &nb->alm));
  for (PetscInt q = 0; q < plan->nproducts; q++) {
    const BallastProduct *pr = &plan->products[q];
    nb->port[q]              = -1;
    for (PetscInt p = 0; p < nport; p++)
      if (!strcmp(portfolio_names[p], pr->portfolio)) nb->port[q] = p;
    PetscCheck(nb->port[q] >= 0, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "%s:%d: product '%s': a new portfolio '%s' for new business is not evaluated yet: name a portfolio of the balance sheet", cfg, pr->line, pr->name,
               pr->portfolio);
    PetscCheck(pr->volume == BALLAST_VOLUME_REPLACE || pr->namounts > 0, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "%s:%d: product '%s': no monthly amounts", cfg, pr->line, pr->name);
    PetscCheck(pr->volume != BALLAST_VOLUME_REPLACE || (pr->replace_id >= 0 && pr->replace_id < nport && runoff), PETSC_COMM_SELF, BALLAST_ERR_USAGE, "%s:%d: product '%s': no run-off of portfolio '%s'", cfg, pr->line,
               pr->name, pr->replace_portfolio);
    nb->alm[q]                  = pr->alm;
    nb->alm[q].portfolio        = (int32_t)nb->port[q];
    nb->alm[q].behaviourSegment = -1; /* contractual: segment ids are per rank (docs/planning.md) */
    if (owner[nb->port[q]] == rank) nb->own[nb->nown++] = q;
  }
  src->name    = "new_business";
  src->ctx     = nb;
  src->count   = nb_count;
  src->get     = nb_get;
  src->variant = nb_variant;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastNewBusinessDestroy(BallastNewBusiness *nb)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree3(nb->own, nb->port, nb->alm));
  PetscFunctionReturn(0);
}
