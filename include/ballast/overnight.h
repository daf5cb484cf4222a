/* NII of an overnight balance rolled every day (a UMP sight deposit replaced overnight, NII's
 * constant balance sheet) in closed form instead of day by day (issue 14 item 2; src/engine/
 * synthetic.c; docs/schedule-and-balance.md). Numerical core: no I/O. Not collective. */
#ifndef BALLAST_OVERNIGHT_H
#define BALLAST_OVERNIGHT_H

#include <ballast/daycount.h>
#include <ballast/dftable.h>

/* Prefix sums of the daily growth of one curve of one table: G[j] = sum_{i<j} (P(i)/P(i+1) - 1),
 * P(i) the table's discount factor on day as_of + i. Built once per (table, curve). */
typedef struct {
  const BallastDFTable *df;
  const double         *data; /* df->df when built (with df, as_of, ndays: the key) */
  BallastDate           as_of;
  PetscInt              ndays, curve, n;
  double               *G; /* [n + 1] */
} BallastOvernightCurve;

typedef struct {
  PetscInt               n, cap;
  BallastOvernightCurve *c;
} BallastOvernightRoll; /* zero-initialised = empty */

PetscErrorCode BallastOvernightRollDestroy(BallastOvernightRoll *r);

/* nii = sum over the days D = a, ..., b-1 of A (F(D, D+1) + m) Y(D, D+1): the balance A rolled
 * overnight from a to b at curve k's overnight forward F(D, D+1) = (P(D)/P(D+1) - 1) / (1/365)
 * (BallastDFTableForward) plus margin m, accrued with day count dcc. Closed form:
 *   sum_D A (F_D + m) Y_D = A [ 365 sum_D g_D Y_D + m sum_D Y_D ],  g_D = P(D)/P(D+1) - 1,
 * and on a stretch of days where Y_D is a constant y (ACT/365: 1/365, ACT/360: 1/360, ACT/ACT:
 * 1/365 or 1/366 within a calendar year, the 30/360 family: 1/360 (28E336: 1/336) from the 1st to
 * the 26th of a month) the stretch contributes A y [365 (G[j1] - G[j0]) + m (j1 - j0)]; the
 * 30/360 family's days from the 27th on (where the day is moved to the 30th or the 28th and
 * Y_D is 0, 1, 2 or 3 days) are added one by one. For a flat curve (P(i) = exp(-z i / 365))
 * g_D = e^{z/365} - 1 for every day and ACT/365 gives the simple closed form
 *   A n (365 (e^{z/365} - 1) + m) / 365  over n days.
 * Cost: O(1) per contract (O(months) for 30/360, O(years) for ACT/ACT) after O(days) per
 * (table, curve) once. *done = PETSC_FALSE (nii untouched) when [a, b] is not inside the table's
 * grid (the caller rolls day by day then). */
PetscErrorCode BallastOvernightRollNII(BallastOvernightRoll *r, const BallastDFTable *df, PetscInt k, BallastDayCount dcc, BallastDate a, BallastDate b, double A,
                                       double m, double *nii, PetscBool *done);

#endif
