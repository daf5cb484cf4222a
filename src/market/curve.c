#include <ballast/curve.h>
#include <math.h>
#include <string.h>

double BallastInterpLinear(PetscInt n, const double *T, const double *Z, double t)
{
  if (t <= T[0]) return Z[0];
  if (t >= T[n - 1]) return Z[n - 1];
  /* binary search for the interval [T[lo], T[lo+1]] holding t */
  PetscInt lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    PetscInt mid = (lo + hi) / 2;
    if (T[mid] <= t) lo = mid;
    else hi = mid;
  }
  double w = (t - T[lo]) / (T[hi] - T[lo]);
  return Z[lo] + w * (Z[hi] - Z[lo]);
}

double BallastCurvePillarZero(const BallastCurve *c, double t) { return BallastInterpLinear(c->n, c->t, c->z, t); }

double BallastCurveRampIntegral(const BallastCurve *c, double t)
{
  if (c->ramp_shift == 0.0 || t <= 0) return 0.0;
  double T = c->ramp_years;
  return t <= T ? c->ramp_shift * t * t / (2.0 * T) : c->ramp_shift * (t - 0.5 * T);
}

double BallastCurveZero(const BallastCurve *c, double t)
{
  double z = BallastInterpLinear(c->n, c->t, c->z, t);
  return t > 0 && c->ramp_shift != 0.0 ? z + BallastCurveRampIntegral(c, t) / t : z;
}

/* exp(-z t - I(t)) rather than exp(-zero * t): the ramp's factor exactly, without dividing by t */
double BallastCurveDiscount(const BallastCurve *c, double t) { return exp(-BallastInterpLinear(c->n, c->t, c->z, t) * t - BallastCurveRampIntegral(c, t)); }

double BallastCurveForward(const BallastCurve *c, BallastDate as_of, BallastDate d, BallastDate e)
{
  double td = BallastYearsFrom(as_of, d), te = BallastYearsFrom(as_of, e);
  if (e <= d) return BallastCurveZero(c, td > 0 ? td : 0); /* degenerate period: the zero rate */
  double pd = BallastCurveDiscount(c, td > 0 ? td : 0), pe = BallastCurveDiscount(c, te);
  return (pd / pe - 1.0) / ((double)(e - d) / 365.0);
}

PetscInt BallastMarketFindCurve(const BallastMarketData *m, const char *name)
{
  for (PetscInt i = 0; i < m->ncurves; i++)
    if (!strcmp(m->curves[i].name, name)) return i;
  return -1;
}

PetscErrorCode BallastMarketDataDuplicate(const BallastMarketData *src, BallastMarketData *dst)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(dst, sizeof(*dst)));
  dst->as_of   = src->as_of;
  dst->ncurves = src->ncurves;
  PetscCall(PetscCalloc1(src->ncurves, &dst->curves));
  for (PetscInt i = 0; i < src->ncurves; i++) {
    const BallastCurve *s = &src->curves[i];
    BallastCurve       *d = &dst->curves[i];
    PetscCall(PetscStrallocpy(s->name, &d->name));
    d->currency   = s->currency;
    d->n          = s->n;
    d->ramp_shift = s->ramp_shift;
    d->ramp_years = s->ramp_years;
    PetscCall(PetscMalloc2(s->n, &d->t, s->n, &d->z));
    PetscCall(PetscArraycpy(d->t, s->t, s->n));
    PetscCall(PetscArraycpy(d->z, s->z, s->n));
  }
  PetscCheck(BallastNamesCreate(&dst->currencies) == 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  for (int32_t i = 0; i < BallastNamesCount(src->currencies); i++) BallastNamesIntern(dst->currencies, BallastNamesGet(src->currencies, i));
  dst->nfx = src->nfx;
  PetscCall(PetscMalloc1(src->nfx + 1, &dst->fx));
  PetscCall(PetscArraycpy(dst->fx, src->fx, src->nfx));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastMarketDataDestroy(BallastMarketData *m)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < m->ncurves; i++) {
    PetscCall(PetscFree(m->curves[i].name));
    PetscCall(PetscFree2(m->curves[i].t, m->curves[i].z));
  }
  PetscCall(PetscFree(m->curves));
  PetscCall(PetscFree(m->fx));
  BallastNamesDestroy(&m->currencies);
  PetscCall(PetscMemzero(m, sizeof(*m)));
  PetscFunctionReturn(0);
}
