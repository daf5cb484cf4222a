/* Synthetic events of contracts the engine does not schedule (metrics.md EVE, docs/liquidity.md):
 * filters of the contractual stream, named "synthetic_call" and "cash_on_demand", and the value
 * of cash at face value ("face_value"). See include/ballast/projection.h. */
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
