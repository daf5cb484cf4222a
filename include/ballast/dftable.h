/* Discount factors of every curve of one scenario tabulated on a day grid from the as-of date,
 * so that the hot loop (discounting each event of each contract under each scenario) does a
 * lookup instead of an interpolation and an exp (design.md invariant 2). Beyond the grid the
 * curve is evaluated directly. Numerical core: no I/O. */
#ifndef BALLAST_DFTABLE_H
#define BALLAST_DFTABLE_H

#include <ballast/curve.h>
#include <math.h>

typedef struct {
  BallastDate               as_of;
  PetscInt                  ndays;   /* grid: as_of + 0 .. ndays-1 */
  PetscInt                  ncurves;
  double                   *df;      /* [curve * ndays + day] */
  const BallastMarketData *market;  /* the curves tabulated (for dates beyond the grid) */
} BallastDFTable;

/* Not collective. The table refers to m (which must outlive it). */
PetscErrorCode BallastDFTableCreate(const BallastMarketData *m, PetscInt ndays, BallastDFTable *t);
PetscErrorCode BallastDFTableDestroy(BallastDFTable *t);

/* Discount factor of curve k for a payment on date d (1 on or before the as-of date). */
static inline double BallastDFTableGet(const BallastDFTable *t, PetscInt k, BallastDate d)
{
  PetscInt day = d - t->as_of;
  if (day <= 0) return 1.0;
  if (day < t->ndays) return t->df[k * t->ndays + day];
  return BallastCurveDiscount(&t->market->curves[k], (double)day / 365.0);
}

/* Simply compounded forward of curve k over [d, e], ACT/365F (a reset's observation). */
static inline double BallastDFTableForward(const BallastDFTable *t, PetscInt k, BallastDate d, BallastDate e)
{
  if (e <= d) return BallastCurveZero(&t->market->curves[k], (double)(d > t->as_of ? d - t->as_of : 0) / 365.0);
  return (BallastDFTableGet(t, k, d) / BallastDFTableGet(t, k, e) - 1.0) / ((double)(e - d) / 365.0);
}

#endif
