/* Par rates: the fixed rate at which an instrument is worth its notional (a swap: zero) at its
 * start on a scenario's discount factors (metrics.md "NII": replacement at the par rate; new
 * business and actions priced at par). Numerical core: no I/O. */
#ifndef BALLAST_PAR_H
#define BALLAST_PAR_H

#include <ballast/dftable.h>
#include <ballast/engine.h>

/* The fixed rate r (decimal) such that the instrument with terms t (type, role, cycles, day count,
 * amortisation, maturity; notional, or 1 if not set), started at `start` (initialExchangeDate =
 * start), has a value of zero at `start` counting its exchange of principal there: every event on
 * or after `start` discounted on curve kdisc of table df as seen at `start`, DF(d)/DF(start).
 * For a swap (SWPPV) the fixed leg's rate (nominalInterestRate) is solved for, the floating leg
 * resetting on m (m NULL: the simply compounded forwards of df over each reset period, as the
 * projection driver's market). The engine itself projects the instrument (the schedule built
 * once, one numeric pass per trial rate): PAM, LAM and SWPPV flows are affine in the rate and
 * the first secant step from r = 0 and r = 1 is exact; ANN (the instalment recomputed from the
 * rate) and NAM are not, and the secant iteration continues until |PV| <= 1e-14 |N| or the step
 * is below 1e-15 (docs/decisions.md, "Par rates"). Error (BALLAST_ERR_INPUT) for a contract
 * without a maturity (UMP, CLM without maturityDate), CSH, STK, FXOUT, or no convergence in 60
 * steps. Not collective. */
PetscErrorCode BallastParRate(const BallastTerms *t, BallastDate start, const BallastDFTable *df, PetscInt kdisc, const BallastMarket *m, double *rate);

/* The same for a contract other than a swap, on a schedule workspace the caller keeps: with build
 * true the instrument's schedule is built into ws first; with build false ws holds the schedule
 * that a call with the same terms t and start built (the schedule does not depend on df: NII
 * replacement shares it between the variants, src/metrics/nii.c). Identical to BallastParRate.
 * Not collective. */
PetscErrorCode BallastParRateOnSchedule(BallastSchedule ws, PetscBool build, const BallastTerms *t, BallastDate start, const BallastDFTable *df, PetscInt kdisc, double *rate);

#endif
