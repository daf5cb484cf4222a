#include <ballast/dftable.h>

PetscErrorCode BallastDFTableCreate(const BallastMarketData *m, PetscInt ndays, BallastDFTable *t)
{
  PetscFunctionBeginUser;
  t->as_of   = m->as_of;
  t->ndays   = ndays;
  t->ncurves = m->ncurves;
  t->market  = m;
  PetscCall(PetscMalloc1(ndays * m->ncurves + 1, &t->df));
  for (PetscInt k = 0; k < m->ncurves; k++)
    for (PetscInt d = 0; d < ndays; d++) t->df[k * ndays + d] = BallastCurveDiscount(&m->curves[k], (double)d / 365.0);
  PetscFunctionReturn(0);
}

PetscErrorCode BallastDFTableDestroy(BallastDFTable *t)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(t->df));
  t->ndays = t->ncurves = 0;
  PetscFunctionReturn(0);
}
