/* Par rates by the engine itself (include/ballast/par.h). */
#include <ballast/par.h>
#include <math.h>

typedef struct {
  const BallastDFTable *df;
  PetscInt              kdisc;
  BallastDate           start;
  double                dfs; /* DF(start) */
  double                pv;
} ParSum;

/* Value at `start` of the events on or after it (the exchange of principal at start included). */
static void par_event(void *ctx, const BallastEvent *ev)
{
  ParSum *s = (ParSum *)ctx;
  if (ev->date < s->start || ev->payoff == 0.0) return;
  s->pv += ev->payoff * (ev->date <= s->start ? 1.0 : BallastDFTableGet(s->df, s->kdisc, ev->date) / s->dfs);
}

/* The driver's market when the caller gives none: forwards of df over each reset period. */
static PetscErrorCode par_observe(void *ctx, int32_t moc, BallastDate d, BallastCycle period, double *value)
{
  const BallastDFTable *df = (const BallastDFTable *)ctx;
  PetscFunctionBeginUser;
  PetscCheck(moc >= 0 && moc < df->ncurves, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "par rate: rate reset on an unknown curve (index %d)", (int)moc);
  *value = BallastDFTableForward(df, moc, d, period.n > 0 ? BallastCycleAdd(d, period, 1) : d + 1);
  PetscFunctionReturn(0);
}

static PetscErrorCode pv_at(BallastSchedule ws, BallastTerms *u, const BallastMarket *m, ParSum *s, double r, double *pv)
{
  PetscFunctionBeginUser;
  u->nominalInterestRate = r;
  s->pv                  = 0.0;
  PetscCall(BallastProject(ws, u, m, par_event, s));
  *pv = s->pv;
  PetscFunctionReturn(0);
}

/* The instrument as new at start (issued there, nothing accrued, no purchase or termination)
 * and the horizon of its schedule: what BallastParRate builds, also for a caller that keeps the
 * schedule (BallastParRateOnSchedule). */
static PetscErrorCode par_instrument(const BallastTerms *t, BallastDate start, PetscInt kdisc, const BallastDFTable *df, BallastTerms *u, BallastDate *horizon)
{
  const int ct = (int)t->contractType;
  PetscFunctionBeginUser;
  PetscCheck(ct == BALLAST_CT_PAM || ct == BALLAST_CT_ANN || ct == BALLAST_CT_LAM || ct == BALLAST_CT_NAM || ct == BALLAST_CT_CLM || ct == BALLAST_CT_SWPPV, PETSC_COMM_SELF,
             BALLAST_ERR_INPUT, "par rate: a %s has no par rate", BallastContractTypeName((BallastContractType)ct));
  PetscCheck(t->maturityDate != BALLAST_DATE_NONE || (ct != BALLAST_CT_PAM && ct != BALLAST_CT_CLM && ct != BALLAST_CT_SWPPV), PETSC_COMM_SELF, BALLAST_ERR_INPUT,
             "par rate: a %s without maturityDate has no par rate", BallastContractTypeName((BallastContractType)ct));
  PetscCheck(start != BALLAST_DATE_NONE && kdisc >= 0 && kdisc < df->ncurves, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "par rate: no start date or discount curve");
  *u                     = *t;
  u->initialExchangeDate = start;
  u->statusDate          = start - 1; /* the engine emits events after statusDate: the IED at start too */
  u->contractDealDate    = BALLAST_DATE_NONE;
  u->purchaseDate        = BALLAST_DATE_NONE;
  u->terminationDate     = BALLAST_DATE_NONE;
  u->accruedInterest     = NAN;
  u->premiumDiscountAtIED = NAN;
  u->nominalInterestRate = 0.0; /* the schedule has interest events only for a contract with a rate */
  if (isnan(u->notionalPrincipal) || u->notionalPrincipal == 0.0) u->notionalPrincipal = 1.0; /* the rate does not depend on the size */
  *horizon = u->maturityDate != BALLAST_DATE_NONE ? u->maturityDate + 1 : start + 366 * 60;
  PetscFunctionReturn(0);
}

/* The secant iteration on the instrument u whose schedule is in ws. */
static PetscErrorCode par_solve(BallastSchedule ws, BallastTerms *u, BallastDate start, const BallastDFTable *df, PetscInt kdisc, const BallastMarket *m, double *rate)
{
  ParSum s = {df, kdisc, start, BallastDFTableGet(df, kdisc, start), 0.0};
  double N = fabs(u->notionalPrincipal), r0 = 0.0, r1 = 1.0, f0 = 0.0, f1 = 0.0;
  PetscFunctionBeginUser;
  PetscCall(pv_at(ws, u, m, &s, r0, &f0));
  PetscCall(pv_at(ws, u, m, &s, r1, &f1));
  /* secant: exact after one step where the flows are affine in the rate (PAM, LAM, SWPPV) */
  int ok = 0;
  for (int it = 0; it < 60; it++) {
    if (f1 == f0) break;
    double r2 = r1 - f1 * (r1 - r0) / (f1 - f0), f2 = 0.0;
    PetscCall(pv_at(ws, u, m, &s, r2, &f2));
    r0 = r1;
    f0 = f1;
    r1 = r2;
    f1 = f2;
    if (fabs(f1) <= 1e-14 * N || fabs(r1 - r0) <= 1e-15) {
      ok = 1;
      break;
    }
  }
  PetscCheck(ok && isfinite(r1), PETSC_COMM_SELF, BALLAST_ERR_NUMERIC, "par rate of a %s from %d to %d did not converge", BallastContractTypeName((BallastContractType)u->contractType), (int)start,
             (int)u->maturityDate);
  *rate = r1;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastParRate(const BallastTerms *t, BallastDate start, const BallastDFTable *df, PetscInt kdisc, const BallastMarket *m, double *rate)
{
  BallastTerms    u;
  BallastDate     horizon;
  BallastSchedule ws  = NULL;
  BallastMarket   own = {(void *)df, par_observe, NULL};
  PetscErrorCode  ierr;

  PetscFunctionBeginUser;
  PetscCall(par_instrument(t, start, kdisc, df, &u, &horizon));
  if (!m) m = &own;
  /* the floating leg's first period, before its first reset (one reset cycle after the start,
   * ACTUS's default anchor), runs at the forward observed at the start */
  if (u.contractType == BALLAST_CT_SWPPV) {
    u.cycleAnchorDateOfRateReset = BALLAST_DATE_NONE;
    u.nextResetRate              = NAN;
    PetscCheck(u.marketObjectCodeOfRateReset >= 0, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "par rate: a SWPPV needs marketObjectCodeOfRateReset");
    PetscCall(m->observe(m->ctx, u.marketObjectCodeOfRateReset, start, u.cycleOfRateReset, &u.nominalInterestRate2));
  }
  PetscCall(BallastScheduleCreate(&ws));
  PetscCall(BallastScheduleBuild(ws, &u, horizon));
  ierr = par_solve(ws, &u, start, df, kdisc, m, rate);
  PetscCall(BallastScheduleDestroy(&ws));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode BallastParRateOnSchedule(BallastSchedule ws, PetscBool build, const BallastTerms *t, BallastDate start, const BallastDFTable *df, PetscInt kdisc, double *rate)
{
  BallastTerms  u;
  BallastDate   horizon;
  BallastMarket own = {(void *)df, par_observe, NULL};
  PetscFunctionBeginUser;
  PetscCheck(t->contractType != BALLAST_CT_SWPPV, PETSC_COMM_SELF, PETSC_ERR_SUP, "BallastParRateOnSchedule: a swap's par rate is BallastParRate's");
  PetscCall(par_instrument(t, start, kdisc, df, &u, &horizon));
  if (build) PetscCall(BallastScheduleBuild(ws, &u, horizon));
  PetscCall(par_solve(ws, &u, start, df, kdisc, &own, rate));
  PetscFunctionReturn(0);
}
