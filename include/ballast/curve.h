/* Market data: zero curves and FX rates (../shared/spec/contracts.md "Market data").
 *
 * A curve is a set of pillars (t_i, z_i): t the ACT/365F year fraction from the as-of date to
 * as-of + tenor (months added with end-of-month clamping), z a continuously compounded zero rate.
 * Between pillars z is linear in t; beyond them flat. P(t) = exp(-z(t) t). Pillars are sorted by
 * time and unique. Numerical core: no I/O here (the CSV reader is in src/io). */
#ifndef BALLAST_CURVE_H
#define BALLAST_CURVE_H

#include <ballast/ballast.h>
#include <ballast/date.h>
#include <ballast/terms.h>

typedef struct {
  char    *name;     /* curveID */
  int32_t  currency; /* id in BallastMarketData.currencies */
  PetscInt n;        /* number of pillars */
  double  *t;        /* pillar times, years ACT/365F from the as-of date, strictly increasing */
  double  *z;        /* continuously compounded zero rates (decimal) */
  /* Analytic overlay of a gradual (ramp) scenario, 0 = none: the instantaneous forwards are
   * shifted by s(t) = ramp_shift * min(1, t / ramp_years), so that
   * P(t) = exp(-z(t) t - I(t)), I(t) = ramp_shift t^2 / (2 ramp_years) for t <= ramp_years and
   * ramp_shift (t - ramp_years / 2) after (exact at every t, not only at the pillars, which keep
   * the unshifted zero rates z). ramp_years > 0 when ramp_shift != 0. */
  double   ramp_shift; /* decimal */
  double   ramp_years;
} BallastCurve;

typedef struct {
  BallastDate   as_of;
  PetscInt      ncurves;
  BallastCurve *curves;
  BallastNames  currencies; /* currency codes seen in curves or FX */
  double       *fx;         /* per currency id: units of reporting currency per unit; NaN = absent */
  PetscInt      nfx;        /* length of fx (== number of currency ids at load time) */
} BallastMarketData;

/* Linear interpolation in t between nodes (t[i], v[i]) (t strictly increasing), flat beyond. Not collective. */
double BallastInterpLinear(PetscInt n, const double *t, const double *v, double x);
/* Zero rate and discount factor at time t (years), the ramp overlay included (the zero rate is
 * z(t) + I(t)/t, z(0) at t = 0). Not collective. */
double BallastCurveZero(const BallastCurve *c, double t);
double BallastCurveDiscount(const BallastCurve *c, double t);
/* The pillar interpolation alone (no ramp overlay): what inserting a pillar must preserve. */
double BallastCurvePillarZero(const BallastCurve *c, double t);
/* The ramp overlay's integral I(t) = int_0^t s(u) du (0 without a ramp, and for t <= 0). */
double BallastCurveRampIntegral(const BallastCurve *c, double t);
/* Simply compounded forward over [d, e] (ACT/365F), the rate a reset at d for a period ending at
 * e observes: F = (P(d)/P(e) - 1) / tau(d, e). Not collective. */
double BallastCurveForward(const BallastCurve *c, BallastDate as_of, BallastDate d, BallastDate e);
/* ACT/365F year fraction from the as-of date (negative before it). */
static inline double BallastYearsFrom(BallastDate as_of, BallastDate d) { return (double)(d - as_of) / 365.0; }

/* Index of the curve named `name`, or -1. Not collective. */
PetscInt BallastMarketFindCurve(const BallastMarketData *m, const char *name);
/* Deep copy (e.g. to shock a scenario's curves). Not collective. */
PetscErrorCode BallastMarketDataDuplicate(const BallastMarketData *src, BallastMarketData *dst);
PetscErrorCode BallastMarketDataDestroy(BallastMarketData *m);

#endif
