/* Gradual (ramp) scenarios, metrics.md "New business and NII paths": the instantaneous forwards of
 * every curve are shifted by s(t) = shift * min(1, 12 t / ramp_months), so
 *   DF_ramp(t) = DF(t) * exp(-int_0^t s(u) du),
 *   int_0^t s = shift t^2 / (2T) for t <= T, shift (t - T/2) after, T = ramp_months / 12.
 * Expected values: (1) that closed form written out here, to 1e-14 relative; (2) a trapezoid
 * integral of the shifted instantaneous forwards f(u) = d/du [z(u) u] + s(u) of the linear-zero
 * curve, on a fine grid written here (independent of the closed form), to 1e-9; (3) the simply
 * compounded forward over a month inside the ramp from those discount factors by hand; (4) the
 * day table of the metrics (src/metrics/dftable.c) carries the same factors. */
#include "tap/basic.h"
#include <ballast/curve.h>
#include <ballast/dftable.h>
#include <ballast/scenario.h>
#include <math.h>
#include <string.h>

/* base curve: pillars 0.25y 1.8 %, 1y 2.2 %, 3y 2.6 %, 10y 3.0 %; linear in zero rate, flat beyond */
static double T0[4] = {0.25, 1.0, 3.0, 10.0}, Z0[4] = {0.018, 0.022, 0.026, 0.030};

static double zlin(double t)
{
  if (t <= T0[0]) return Z0[0];
  if (t >= T0[3]) return Z0[3];
  int i = 0;
  while (t > T0[i + 1]) i++;
  return Z0[i] + (t - T0[i]) / (T0[i + 1] - T0[i]) * (Z0[i + 1] - Z0[i]);
}

/* instantaneous base forward f0(u) = d/du [z(u) u] = z(u) + u z'(u) (piecewise) */
static double f0(double u)
{
  if (u <= T0[0] || u >= T0[3]) return zlin(u);
  int i = 0;
  while (u > T0[i + 1]) i++;
  double slope = (Z0[i + 1] - Z0[i]) / (T0[i + 1] - T0[i]);
  return zlin(u) + u * slope;
}

static double shift_at(double u, double shift, double T) { return shift * (u < T ? u / T : 1.0); }

/* -log DF_ramp(t) by the trapezoid rule of f0 + s on n steps per year, with the grid split at the
 * kinks (pillars and T) so the rule is exact for the piecewise-linear shift */
static double trapezoid(double t, double shift, double T)
{
  double knots[8], a = 0, sum = 0;
  int    nk = 0;
  for (int i = 0; i < 4; i++)
    if (T0[i] < t) knots[nk++] = T0[i];
  if (T < t) knots[nk++] = T;
  knots[nk++] = t;
  for (int i = 0; i < nk; i++) /* insertion sort */
    for (int j = i; j > 0 && knots[j] < knots[j - 1]; j--) {
      double x     = knots[j];
      knots[j]     = knots[j - 1];
      knots[j - 1] = x;
    }
  for (int k = 0; k < nk; k++) {
    double b = knots[k];
    if (b <= a) continue;
    int    n = (int)ceil((b - a) * 200000.0);
    double h = (b - a) / n;
    for (int i = 0; i < n; i++) {
      double u0 = a + i * h, u1 = u0 + h;
      /* f0 is discontinuous only at pillars (knots): evaluate just inside the sub-interval */
      double l = f0(u0 + (i == 0 ? 1e-15 : 0)) + shift_at(u0, shift, T), r = f0(u1 - (i == n - 1 ? 1e-15 : 0)) + shift_at(u1, shift, T);
      sum += 0.5 * h * (l + r);
    }
    a = b;
  }
  return sum;
}

static double closed(double t, double shift, double T)
{
  double Iv = t <= T ? shift * t * t / (2 * T) : shift * (t - T / 2);
  return exp(-zlin(t) * t) * exp(-Iv);
}

int main(int argc, char **argv)
{
  BallastDate       asof = BallastDateFromYMD(2026, 10, 30);
  BallastMarketData base, ramp;
  BallastScenarioDef def;
  const double      shift = 0.02, T = 1.0; /* ramp_up_200: 200 bp over 12 months */

  PetscInitialize(&argc, &argv, NULL, NULL);
  plan(25);
  PetscMemzero(&base, sizeof base);
  base.as_of   = asof;
  base.ncurves = 1;
  PetscCalloc1(1, &base.curves);
  PetscStrallocpy("EUR_OIS", &base.curves[0].name);
  base.curves[0].n = 4;
  PetscMalloc2(4, &base.curves[0].t, 4, &base.curves[0].z);
  memcpy(base.curves[0].t, T0, sizeof T0);
  memcpy(base.curves[0].z, Z0, sizeof Z0);
  BallastNamesCreate(&base.currencies);
  base.curves[0].currency = BallastNamesIntern(base.currencies, "EUR");
  base.nfx                = 1;
  PetscMalloc1(1, &base.fx);
  base.fx[0] = 1.0;

  ok(BallastScenarioDefRamp("ramp_up_200", 200.0, 12, &def) == 0, "ramp definition: 200 bp over 12 months");
  ok(BallastScenarioApply(NULL, &def, &base, &ramp) == 0, "ramp applied to the market data (no regime needed)");
  is_double(Z0[1], ramp.curves[0].z[1], 0, "pillars keep their zero rates (the shift is an overlay)");

  /* days: 1, inside the ramp (45, 200), at its end (365 = T exactly), after (500, 3000, 7300) */
  const int days[7] = {1, 45, 200, 365, 500, 3000, 7300};
  for (int i = 0; i < 7; i++) {
    double t = days[i] / 365.0, df = BallastCurveDiscount(&ramp.curves[0], t), want = closed(t, shift, T);
    is_double(want, df, 1e-14 * want, "day %d: DF_ramp = DF exp(-int s) closed form (%.15f)", days[i], want);
  }
  for (int i = 1; i < 7; i += 2) {
    double t = days[i] / 365.0, df = BallastCurveDiscount(&ramp.curves[0], t), want = exp(-trapezoid(t, shift, T));
    is_double(want, df, 1e-9 * want, "day %d: DF_ramp = exp(-trapezoid of shifted instantaneous forwards)", days[i]);
  }
  {
    double t = 0.5, want = exp(-trapezoid(t, shift, T));
    is_double(want, BallastCurveDiscount(&ramp.curves[0], t), 1e-9 * want, "t = 0.5 y (half-way up the ramp): trapezoid");
  }
  /* the zero rate follows: z_ramp(t) = z(t) + I(t)/t; at t = 0.5: I = 0.02 * 0.25 / 2 = 0.0025 -> +50 bp */
  is_double(zlin(0.5) + 0.005, BallastCurveZero(&ramp.curves[0], 0.5), 1e-15, "zero rate at 0.5 y: +50 bp (I(t)/t = shift t / 2T)");
  is_double(zlin(4.0) + 0.02 * 3.5 / 4.0, BallastCurveZero(&ramp.curves[0], 4.0), 1e-15, "zero rate at 4 y: + shift (t - T/2)/t = 175 bp");
  double dR;
  ok(BallastScenarioShift(NULL, &def, "EUR", asof, 4.0, &dR) == 0 && fabs(dR - 0.0175) < 1e-15, "BallastScenarioShift: the zero-rate change at 4 y is 175 bp");
  {
    double z;
    ok(BallastScenarioZero(NULL, &def, &base, 0, 2.0, &z) == 0 && fabs(z - (zlin(2.0) + 0.02 * 1.5 / 2.0)) < 1e-15, "BallastScenarioZero at 2 y: base + 150 bp");
  }

  /* simply compounded forward over a month inside the ramp: 2027-01-31 .. 2027-02-28 */
  {
    BallastDate d = BallastDateFromYMD(2027, 1, 31), e = BallastDateFromYMD(2027, 2, 28);
    double      td = (double)(d - asof) / 365.0, te = (double)(e - asof) / 365.0; /* 93/365, 121/365 */
    double      Pd = closed(td, shift, T), Pe = closed(te, shift, T), F = (Pd / Pe - 1.0) / (28.0 / 365.0);
    is_double(F, BallastCurveForward(&ramp.curves[0], asof, d, e), 1e-13, "1M forward Jan-Feb 2027 from the ramp DFs by hand (%.10f)", F);
    double Fb = (exp(-zlin(td) * td) / exp(-zlin(te) * te) - 1.0) / (28.0 / 365.0);
    /* the shift's average over the month: 0.02 * (93 + 121) / 2 / 365 = 0.586 % (simple ~ continuous here) */
    ok(fabs((F - Fb) - 0.02 * (107.0 / 365.0)) < 2e-5, "the ramp adds its average shift over the month to the forward (%.6f)", F - Fb);
    BallastDFTable tab;
    BallastDFTableCreate(&ramp, 4000, &tab);
    is_double(Pd, BallastDFTableGet(&tab, 0, d), 1e-14 * Pd, "day table (metrics) carries the ramp DF");
    is_double(closed(7300 / 365.0, shift, T), BallastDFTableGet(&tab, 0, asof + 7300), 1e-14, "beyond the table: the curve with its overlay");
    is_double(F, BallastDFTableForward(&tab, 0, d, e), 1e-13, "day table forward = the forward by hand");
    BallastDFTableDestroy(&tab);
  }
  /* a duplicate keeps the overlay; a key-rate bump of the ramp market keeps it too */
  {
    BallastMarketData dup;
    BallastMarketDataDuplicate(&ramp, &dup);
    is_double(closed(2.0, shift, T), BallastCurveDiscount(&dup.curves[0], 2.0), 1e-14, "duplicate carries the overlay");
    BallastMarketDataDestroy(&dup);
  }
  def.floor = PETSC_TRUE;
  {
    BallastMarketData bad;
    PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
    ok(BallastScenarioApply(NULL, &def, &base, &bad) != 0, "a ramp with a floor is refused");
    PetscPopErrorHandler();
  }
  BallastScenarioDefDestroy(&def);
  BallastMarketDataDestroy(&ramp);
  BallastMarketDataDestroy(&base);
  PetscFinalize();
  return 0;
}
