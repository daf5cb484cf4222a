/* Projection helpers: the behavioural quantities the IRRBB and liquidity consumers apply to a
 * contract's cash flows (include/ballast/behaviour.h). Pure functions of a calibrated segment. */
#include <ballast/behaviour.h>
#include <math.h>

static double clamp01(double x) { return x < 0 ? 0 : x > 1 ? 1 : x; }

double BallastPrepaymentCPR(const BallastBehSegment *s, double incentive, double scalar)
{
  double cpr = s->type == BALLAST_PREPAY_CONSTANT ? s->cpr : BallastSCurve(s->p, incentive);
  return clamp01(scalar * cpr);
}

double BallastPeriodFraction(double annual, double years)
{
  if (years <= 0) return 0;
  annual = clamp01(annual);
  return annual >= 1 ? 1.0 : 1.0 - pow(1.0 - annual, years);
}

double BallastSMM(double cpr) { return BallastPeriodFraction(cpr, 1.0 / 12.0); }

double BallastEarlyRedemptionRate(const BallastBehSegment *s, double scalar) { return clamp01(scalar * s->rate); }

double BallastDepositRate(const BallastBehSegment *s, double rate0, double short_0, double short_s)
{
  double r = rate0 + s->beta * (short_s - short_0);
  return r < s->rate_floor ? s->rate_floor : r;
}

PetscInt BallastDepositSlotCount(const BallastBehSegment *s)
{
  PetscInt n = 1;
  for (PetscInt j = 0; j < s->ntenor; j++) n += s->tenor_months[j];
  return n;
}

double BallastDepositTrancheYears(int months, BallastDate as_of)
{
  if (months <= 0) return 0.0;
  double days = 0;
  for (int u = 1; u <= months; u++) days += (double)(BallastDateAddMonths(as_of, u) - as_of);
  return days / months / 365.0;
}

PetscErrorCode BallastDepositSlot(const BallastBehSegment *s, BallastDate as_of, double balance, double amount[], BallastDate date[], PetscInt tranche[])
{
  PetscFunctionBeginUser;
  PetscCheck(s->model == BALLAST_BEH_DEPOSIT, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "segment '%s' is not a deposit segment", s->name);
  double   core = s->core_share * balance, placed = 0;
  PetscInt k    = 1;
  amount[0]     = balance - core;
  date[0]       = as_of + 1;
  if (tranche) tranche[0] = -1;
  for (PetscInt j = 0; j < s->ntenor; j++) {
    int    m     = s->tenor_months[j];
    double slice = core * s->weight[j] / m;
    for (int u = 1; u <= m; u++, k++) {
      amount[k] = slice;
      date[k]   = BallastDateAddMonths(as_of, u);
      if (tranche) tranche[k] = j;
      placed += slice;
    }
  }
  /* the slices sum to the core amount up to rounding: give the rounding to the non-core slot so
   * that the slotting sums to the balance */
  amount[0] = balance - placed;
  PetscFunctionReturn(0);
}
