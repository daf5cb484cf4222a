/* NII as a consumer (include/ballast/irrbb.h, metrics.md NII): interest income over the horizon on
 * a constant balance sheet, accrual basis, per scenario. Interest paid inside the horizon counts
 * (with the interest accrued at the horizon end from the AD event the driver adds there, minus
 * the interest accrued before the as-of date); principal repaid before the horizon end is
 * replaced by the same kind of contract at the scenario's forward plus the contract's margin,
 * rolled until the horizon. A slotted deposit keeps its balance at the scenario's deposit rate. */
#include <ballast/irrbb.h>
#include "reduce.h"
#include <math.h>

PetscErrorCode BallastNIICreate(const BallastIRRBBSetup *s, BallastNII *n)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(n, sizeof *n));
  n->s = *s;
  PetscCall(PetscCalloc1(s->nscen * BallastIRRBBNAct(s) * s->nport * s->nccy + 1, &n->nii));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastNIIDestroy(BallastNII *n)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(n->nii));
  PetscFunctionReturn(0);
}

static inline BallastDate roll(const BallastNII *k, BallastDate d) { return k->repl_cycle.n > 0 ? BallastCycleAdd(d, k->repl_cycle, 1) : d + k->repl_days; }

/* Principal A repaid on d replaced until the horizon end. */
static void replace(BallastNII *k, double A, BallastDate d)
{
  BallastDate H = k->s.nii_end;
  for (BallastDate D = d; D < H;) {
    BallastDate E   = roll(k, D);
    BallastDate end = E < H ? E : H;
    double      F   = BallastDFTableForward(k->df, k->repl_curve, D, E);
    k->nii_c += A * (F + k->margin) * BallastYearFraction(k->dcc, D, end, BALLAST_DATE_NONE);
    if (E <= D) break;
    D = E;
  }
}

/* The replacement business of a contract: scenario-invariant, once per contract. */
static void contract_setup(BallastNII *k, const BallastProjContract *pc)
{
  const BallastTerms *t  = &pc->t;
  int                 ct = (int)t->contractType;
  const BallastDate   as_of = k->s.as_of;
  k->serial     = pc->serial;
  k->dcc        = t->dayCountConvention < BALLAST_DCC_COUNT ? t->dayCountConvention : BALLAST_DCC_A365;
  k->md_split   = ct != BALLAST_CT_SWPPV && ct != BALLAST_CT_FXOUT;
  k->repl_cycle = (BallastCycle){0};
  k->repl_days  = 0;
  if (t->marketObjectCodeOfRateReset >= 0) {
    k->repl_curve = t->marketObjectCodeOfRateReset;
    k->repl_cycle = t->cycleOfRateReset;
    k->repl_days  = 365;
    k->margin     = isnan(t->rateSpread) ? 0.0 : t->rateSpread;
  } else {
    k->repl_curve = pc->kdisc;
    if (pc->callable) {
      if (ct == BALLAST_CT_CLM && t->xDayNotice.n > 0) k->repl_cycle = t->xDayNotice;
      k->repl_days = (int)(pc->due - as_of);
    } else if (t->maturityDate != BALLAST_DATE_NONE && t->initialExchangeDate != BALLAST_DATE_NONE && t->maturityDate > t->initialExchangeDate)
      k->repl_days = (int)(t->maturityDate - t->initialExchangeDate); /* original term */
    else k->repl_days = 365; /* no original term known: one year (documented decision) */
    if (k->repl_days < 1) k->repl_days = 1;
    BallastDate e = roll(k, as_of);
    double      r = isnan(t->nominalInterestRate) ? 0.0 : t->nominalInterestRate;
    k->margin     = r - BallastDFTableForward(k->s.df_base, pc->kdisc, as_of, e);
  }
}

static unsigned nii_subscribe(void *ctx, PetscInt v) { return v < ((BallastNII *)ctx)->s.nscen ? BALLAST_TAKE_VALUE | BALLAST_TAKE_EVENTS : 0; }

static PetscErrorCode nii_begin(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastNII *k = (BallastNII *)ctx;
  if (k->serial != pc->serial) contract_setup(k, pc);
  k->active        = pc->t.contractType != BALLAST_CT_CSH;
  k->slotted       = pc->behavioural == BALLAST_FILTER_DEPOSIT_SLOTTING;
  k->df            = var->df;
  k->nii_c         = 0.0;
  k->accrued_H     = 0.0;
  k->ad_seen       = 0;
  k->last_notional = pc->sign * (isnan(pc->t.notionalPrincipal) ? 0.0 : pc->t.notionalPrincipal);
  return 0;
}

static void nii_event(void *ctx, const BallastEvent *ev, int label)
{
  BallastNII *k = (BallastNII *)ctx;
  BallastDate d = ev->date, H = k->s.nii_end;
  (void)label;
  if (d <= k->s.as_of) {
    k->last_notional = ev->notional; /* keep the state in step (statusDate before the as-of date) */
    return;
  }
  /* interest paid ON the horizon end accrued inside the horizon: it counts (the AD event at the
   * horizon end comes after it on that date and then holds 0) */
  if (k->active && !k->slotted && d <= H) {
    double prin = (ev->type == BALLAST_EV_MD && k->md_split) ? k->last_notional - ev->notional : ev->payoff;
    if (ev->type == BALLAST_EV_IP || ev->type == BALLAST_EV_IPFX || ev->type == BALLAST_EV_IPFL) k->nii_c += ev->payoff;
    else if (ev->type == BALLAST_EV_IPCI) k->nii_c += ev->notional - k->last_notional;
    else if (BallastEventIsPrincipal(ev->type)) {
      k->nii_c += ev->payoff - prin; /* interest paid with the principal */
      if (prin != 0.0 && d < H) replace(k, prin, d);
    } else if (d == H && ev->type == BALLAST_EV_AD) {
      k->accrued_H = ev->accrued;
      k->ad_seen   = 1;
    }
  }
  k->last_notional = ev->notional;
}

static PetscErrorCode nii_end(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastNII              *k = (BallastNII *)ctx;
  const BallastIRRBBSetup *s = &k->s;
  if (!k->active) return 0;
  /* constant balance sheet of a slotted deposit: the balance stays, paying the deposit rate */
  if (k->slotted) k->nii_c += pc->sign * pc->t.notionalPrincipal * var->deposit_rate * BallastYearFraction(pc->t.dayCountConvention, s->as_of, s->nii_end, BALLAST_DATE_NONE) + pc->a0;
  k->nii[(var->v * BallastIRRBBNAct(s) * s->nport + BallastIRRBBRow(s, pc)) * s->nccy + pc->c] += pc->weight * (k->nii_c - pc->a0 + (k->ad_seen ? k->accrued_H : 0.0));
  return 0;
}

static PetscErrorCode nii_merge(void *ctx, MPI_Comm comm)
{
  BallastNII *k = (BallastNII *)ctx;
  PetscFunctionBeginUser;
  BallastFoldActions(k->nii, k->s.nscen, BallastIRRBBNAct(&k->s), k->s.nport * k->s.nccy);
  PetscCall(BallastReducePartials(comm, k->s.nscen * BallastIRRBBNAct(&k->s) * k->s.nport * k->s.nccy, &k->nii));
  PetscFunctionReturn(0);
}

void BallastNIIConsumer(BallastNII *n, BallastConsumer *c)
{
  *c = (BallastConsumer){"nii", n, nii_subscribe, nii_begin, nii_event, nii_end, nii_merge};
}
