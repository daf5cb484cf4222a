/* Synthetic events of contracts the engine does not schedule (metrics.md EVE, docs/liquidity.md):
 * filters of the contractual stream, named "synthetic_call" and "cash_on_demand", and the value
 * of cash at face value ("face_value"). See include/ballast/projection.h. */
#include <ballast/overnight.h>
#include <ballast/projection.h>
#include <math.h>

static double role_sign(int role)
{
  return (role == BALLAST_ROLE_RPL || role == BALLAST_ROLE_PFL || role == BALLAST_ROLE_PF || role == BALLAST_ROLE_SEL) ? -1.0 : 1.0;
}

/* UMP balances are repayable overnight, a CLM without maturity at the end of its notice period:
 * one interest payment (the accrued interest plus the interest from the as-of date) and the
 * repayment of the balance on the call date. Not collective. */
void BallastSyntheticCall(const BallastTerms *t, BallastDate as_of, BallastDate due, BallastEventTarget out)
{
  double       sgn = role_sign(t->contractRole), N = sgn * t->notionalPrincipal;
  double       r   = isnan(t->nominalInterestRate) ? 0.0 : t->nominalInterestRate;
  double       a0  = isnan(t->accruedInterest) ? 0.0 : sgn * t->accruedInterest;
  BallastEvent ev  = {0};
  ev.date          = due;
  ev.type          = BALLAST_EV_IP;
  ev.payoff        = a0 + N * r * BallastYearFraction(t->dayCountConvention, as_of, due, BALLAST_DATE_NONE);
  ev.notional      = N;
  ev.rate          = r;
  ev.currency      = t->currency;
  out.event(out.ctx, &ev);
  ev.type     = BALLAST_EV_MD;
  ev.payoff   = N;
  ev.notional = 0;
  out.event(out.ctx, &ev);
}

/* A cash liability (CSH on the liability side) has no ACTUS events: it is repayable on demand,
 * the next day, at its outstanding balance (0 before its initial exchange). Cash held (asset
 * side) has no contractual flow. Not collective. */
void BallastCashOnDemand(const BallastTerms *t, BallastDate as_of, BallastEventTarget out)
{
  if (role_sign(t->contractRole) > 0) return;
  double N = (isfinite(t->notionalPrincipal) && !(t->initialExchangeDate != BALLAST_DATE_NONE && t->initialExchangeDate > as_of)) ? fabs(t->notionalPrincipal) : 0.0;
  if (!(N > 0)) return;
  BallastEvent ev = {0};
  ev.date         = as_of + 1;
  ev.type         = BALLAST_EV_MD;
  ev.payoff       = -N;
  ev.currency     = t->currency;
  out.event(out.ctx, &ev);
}

/* Cash and reserves in the valuation: face value at the as-of date (signed by role), no event. */
double BallastFaceValue(const BallastTerms *t) { return role_sign(t->contractRole) * t->notionalPrincipal; }

/* ---- overnight roll in closed form (include/ballast/overnight.h) */
PetscErrorCode BallastOvernightRollDestroy(BallastOvernightRoll *r)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < r->n; i++) PetscCall(PetscFree(r->c[i].G));
  PetscCall(PetscFree(r->c));
  r->n = r->cap = 0;
  PetscFunctionReturn(0);
}

/* The prefix sums of (df, k) up to day index n at least (built or extended). */
static PetscErrorCode overnight_curve(BallastOvernightRoll *r, const BallastDFTable *df, PetscInt k, PetscInt n, const double **G)
{
  BallastOvernightCurve *c = NULL;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < r->n && !c; i++)
    if (r->c[i].df == df && r->c[i].data == df->df && r->c[i].as_of == df->as_of && r->c[i].ndays == df->ndays && r->c[i].curve == k) c = &r->c[i];
  if (!c) {
    if (r->n == r->cap) {
      PetscInt cap = r->cap ? 2 * r->cap : 16;
      PetscCall(PetscRealloc(sizeof(BallastOvernightCurve) * (size_t)cap, &r->c));
      r->cap = cap;
    }
    c = &r->c[r->n++];
    *c = (BallastOvernightCurve){df, df->df, df->as_of, df->ndays, k, 0, NULL};
  }
  if (c->n < n || !c->G) {
    PetscInt m = PetscMax(n, PetscMin(2 * c->n, df->ndays - 1));
    PetscCall(PetscRealloc(sizeof(double) * (size_t)(m + 1), &c->G));
    if (!c->n) c->G[0] = 0.0;
    for (PetscInt j = c->n; j < m; j++) {
      BallastDate D = df->as_of + (BallastDate)j;
      c->G[j + 1]   = c->G[j] + (BallastDFTableGet(df, k, D) / BallastDFTableGet(df, k, D + 1) - 1.0);
    }
    c->n = m;
  }
  *G = c->G;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastOvernightRollNII(BallastOvernightRoll *r, const BallastDFTable *df, PetscInt k, BallastDayCount dcc, BallastDate a, BallastDate b, double A,
                                       double m, double *nii, PetscBool *done)
{
  const double *G = NULL;

  PetscFunctionBeginUser;
  *done = PETSC_FALSE;
  if (b <= a) {
    *done = PETSC_TRUE;
    *nii  = 0.0;
    PetscFunctionReturn(0);
  }
  if (a < df->as_of || b - df->as_of > df->ndays - 1) PetscFunctionReturn(0); /* D + 1 beyond the grid */
  PetscCall(overnight_curve(r, df, k, b - df->as_of, &G));
  double s = 0.0; /* sum of (F_D + m) Y_D */
#define STRETCH(y, lo, hi) (y) * (365.0 * (G[(hi)-df->as_of] - G[(lo)-df->as_of]) + m * (double)((hi) - (lo)))
  switch (dcc) {
  case BALLAST_DCC_A365: s = STRETCH(1.0 / 365.0, a, b); break;
  case BALLAST_DCC_A360: s = STRETCH(1.0 / 360.0, a, b); break;
  case BALLAST_DCC_AA: {
    int y, mo, d;
    BallastDateToYMD(a, &y, &mo, &d);
    for (BallastDate lo = a; lo < b; y++) {
      BallastDate hi = BallastDateFromYMD(y + 1, 1, 1);
      if (hi > b) hi = b;
      s += STRETCH(1.0 / (BallastIsLeapYear(y) ? 366.0 : 365.0), lo, hi);
      lo = hi;
    }
    break;
  }
  case BALLAST_DCC_30E360:
  case BALLAST_DCC_30E360ISDA:
  case BALLAST_DCC_28E336: {
    const double y0 = dcc == BALLAST_DCC_28E336 ? 1.0 / 336.0 : 1.0 / 360.0;
    int          y, mo, d;
    BallastDateToYMD(a, &y, &mo, &d);
    BallastDate ms = a - (d - 1); /* first of a's month */
    while (ms < b) {
      int         dim = BallastDaysInMonth(y, mo);
      BallastDate d27 = ms + 26, next = ms + dim;
      BallastDate lo = ms > a ? ms : a, hi = d27 < b ? d27 : b;
      if (hi > lo) s += STRETCH(y0, lo, hi); /* the 1st to the 26th: one day each */
      for (BallastDate D = d27 > a ? d27 : a; D < next && D < b; D++) /* the 27th on, day by day */
        s += (BallastDFTableForward(df, k, D, D + 1) + m) * BallastYearFraction(dcc, D, D + 1, BALLAST_DATE_NONE);
      ms = next;
      if (++mo > 12) {
        mo = 1;
        y++;
      }
    }
    break;
  }
  default: PetscFunctionReturn(0);
  }
#undef STRETCH
  *nii  = A * s;
  *done = PETSC_TRUE;
  PetscFunctionReturn(0);
}
