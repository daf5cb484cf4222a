/* The new-business plan as a source of originations (include/ballast/niipath.h). */
#include <ballast/niipath.h>
#include <ballast/par.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static PetscInt nb_count(void *ctx) { return ((BallastNewBusiness *)ctx)->nitem; }

/* The product's volume in month m under scenario s and the run-off of action slot a (its contract currency). */
static double volume(const BallastNewBusiness *nb, const BallastProduct *pr, PetscInt s, PetscInt a, PetscInt m)
{
  if (pr->volume == BALLAST_VOLUME_MONTHLY) return pr->amounts[m - 1 < pr->namounts ? m - 1 : pr->namounts - 1];
  double r = nb->runoff[((s * nb->nact + a) * nb->nport + pr->replace_id) * nb->plan->horizon_months + m - 1];
  return fabs(r) * pow(1.0 + pr->growth, (double)m / 12.0) / nb->fx[pr->terms.currency];
}

static PetscErrorCode nb_get(void *ctx, PetscInt k, BallastProjContract *pc)
{
  BallastNewBusiness *nb = (BallastNewBusiness *)ctx;
  PetscFunctionBeginUser;
  PetscCheck(k >= 0 && k < nb->nitem, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "origination index %" PetscInt_FMT " out of range", k);
  const BallastNBItem  *it    = &nb->item[k];
  const BallastProduct *pr    = &nb->plan->products[it->q];
  BallastDate           start = BallastDateAddMonths(nb->as_of, (int)it->m);
  pc->index                   = k;
  snprintf(nb->id, sizeof nb->id, "%s#%d", pr->name, (int)it->m);
  pc->id                    = nb->id;
  pc->file                  = NULL;
  pc->line                  = pr->line;
  pc->t                     = pr->terms;
  pc->t.statusDate          = nb->as_of;
  pc->t.initialExchangeDate = start;
  pc->t.maturityDate        = BallastDateAddTenor(start, pr->term_n, pr->term_unit);
  pc->t.notionalPrincipal   = volume(nb, pr, 0, it->vol_action, it->m);
  pc->t.nominalInterestRate = 0.0; /* set per variant (a rate must be set for the schedule's interest events) */
  pc->t.accruedInterest     = NAN;
  if (pr->pricing == BALLAST_PRICING_FLOATING) {
    pc->t.marketObjectCodeOfRateReset = pr->curve_id;
    pc->t.rateSpread                  = pr->spread;
    if (!pc->t.cycleOfRateReset.n) pc->t.cycleOfRateReset = pc->t.cycleOfInterestPayment;
  }
  pc->alm    = &nb->alm[it->q];
  pc->p      = nb->port[it->q];
  pc->c      = pc->t.currency;
  pc->action = it->action;
  pc->weight = it->weight;
  PetscFunctionReturn(0);
}

/* The origination's rate under variant v: par on the pricing curve seen at the origination date
 * plus spread, or the index forward over the first reset period plus spread. */
static PetscErrorCode nb_variant(void *ctx, PetscInt k, PetscInt v, const BallastDFTable *df, BallastProjContract *pc)
{
  BallastNewBusiness   *nb = (BallastNewBusiness *)ctx;
  const BallastNBItem  *it = &nb->item[k];
  const BallastProduct *pr = &nb->plan->products[it->q];
  BallastDate           start = pc->t.initialExchangeDate;
  double                r;
  PetscFunctionBeginUser;
  if (pr->volume == BALLAST_VOLUME_REPLACE) pc->t.notionalPrincipal = volume(nb, pr, v, it->vol_action, it->m);
  if (pr->pricing == BALLAST_PRICING_FIXED) {
    PetscCall(BallastParRate(&pc->t, start, df, pr->curve_id, NULL, &r));
    pc->t.nominalInterestRate = r + pr->spread;
  } else {
    BallastCycle c = pc->t.cycleOfRateReset;
    pc->t.nominalInterestRate = BallastDFTableForward(df, pr->curve_id, start, c.n > 0 ? BallastCycleAdd(start, c, 1) : start + 1) + pr->spread;
  }
  PetscFunctionReturn(0);
}

/* Whether the run-off of portfolio p differs between action slot a and slot 0 in some scenario and month. */
static PetscBool runoff_differs(const double *runoff, PetscInt nscen, PetscInt nact, PetscInt nport, PetscInt H, PetscInt p, PetscInt a)
{
  for (PetscInt s = 0; s < nscen; s++)
    for (PetscInt m = 0; m < H; m++)
      if (runoff[((s * nact + a) * nport + p) * H + m] != runoff[((s * nact) * nport + p) * H + m]) return PETSC_TRUE;
  return PETSC_FALSE;
}

PetscErrorCode BallastNewBusinessCreate(const BallastPlan *plan, const char *cfg, BallastDate as_of, PetscInt nport, char *const *portfolio_names, const int *owner, int rank,
                                        PetscInt nact, PetscInt nscen, const double *runoff, const double *fx, BallastNewBusiness *nb, BallastSource *src)
{
  PetscInt H = plan->horizon_months, cap;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(nb, sizeof *nb));
  nb->runoff = runoff;
  nb->nport  = nport;
  nb->nact   = nact > 0 ? nact : 1;
  nb->fx     = fx;
  nb->plan   = plan;
  nb->as_of  = as_of;
  PetscCall(PetscMalloc2(plan->nproducts + 1, &nb->port, plan->nproducts + 1, &nb->alm));
  for (PetscInt q = 0; q < plan->nproducts; q++) {
    const BallastProduct *pr = &plan->products[q];
    nb->port[q]              = -1;
    for (PetscInt p = 0; p < nport; p++)
      if (!strcmp(portfolio_names[p], pr->portfolio)) nb->port[q] = p;
    PetscCheck(nb->port[q] >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s:%d: product '%s': portfolio '%s' was not added to the run's portfolios (BallastRunNewBusinessPrepare)", cfg, pr->line, pr->name, pr->portfolio);
    PetscCheck(pr->volume == BALLAST_VOLUME_REPLACE || pr->namounts > 0, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "%s:%d: product '%s': no monthly amounts", cfg, pr->line, pr->name);
    PetscCheck(pr->volume != BALLAST_VOLUME_REPLACE || (pr->replace_id >= 0 && pr->replace_id < nport && runoff), PETSC_COMM_SELF, BALLAST_ERR_USAGE, "%s:%d: product '%s': no run-off of portfolio '%s'", cfg, pr->line,
               pr->name, pr->replace_portfolio);
    nb->alm[q]           = pr->alm; /* behaviourSegment, legalEntity: this rank's ids (BallastRunNewBusinessPrepare) */
    nb->alm[q].portfolio = (int32_t)nb->port[q];
  }
  /* the items: slot 0 for every owned product, then per action the replace products whose run-off differs */
  cap = plan->nproducts * H * (1 + 2 * (nb->nact - 1)) + 1;
  PetscCall(PetscMalloc1(cap, &nb->item));
  for (PetscInt q = 0; q < plan->nproducts; q++)
    if (owner[nb->port[q]] == rank)
      for (PetscInt m = 1; m <= H; m++) nb->item[nb->nitem++] = (BallastNBItem){(int32_t)q, (int32_t)m, 0, 0, 1.0};
  for (PetscInt a = 1; a < nb->nact; a++)
    for (PetscInt q = 0; q < plan->nproducts; q++) {
      const BallastProduct *pr = &plan->products[q];
      if (owner[nb->port[q]] != rank || pr->volume != BALLAST_VOLUME_REPLACE || !runoff_differs(runoff, nscen, nb->nact, nport, H, pr->replace_id, a)) continue;
      for (PetscInt m = 1; m <= H; m++) {
        nb->item[nb->nitem++] = (BallastNBItem){(int32_t)q, (int32_t)m, (int32_t)a, 0, -1.0};
        nb->item[nb->nitem++] = (BallastNBItem){(int32_t)q, (int32_t)m, (int32_t)a, (int32_t)a, 1.0};
      }
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
  PetscCall(PetscFree2(nb->port, nb->alm));
  PetscCall(PetscFree(nb->item));
  PetscFunctionReturn(0);
}
