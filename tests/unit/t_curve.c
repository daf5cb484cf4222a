/* Curve interpolation: linear in zero rate between pillars, flat beyond; P(t) = exp(-z t);
 * simply compounded forwards ACT/365F. Expected values by hand. */
#include "tap/basic.h"
#include <ballast/curve.h>
#include <math.h>

int main(int argc, char **argv)
{
  double       t[3] = {0.5, 1.0, 5.0}, z[3] = {0.02, 0.025, 0.03};
  BallastCurve c    = {(char *)"EUR_TEST", 0, 3, t, z, 0, 0};
  BallastDate  asof = BallastDateFromYMD(2026, 10, 30);

  PetscInitialize(&argc, &argv, NULL, NULL);
  plan(9);
  is_double(0.02, BallastCurveZero(&c, 0.1), 0, "flat before the first pillar");
  is_double(0.03, BallastCurveZero(&c, 30.0), 0, "flat beyond the last pillar");
  is_double(0.025, BallastCurveZero(&c, 1.0), 0, "exact at a pillar");
  /* t = 0.75: halfway between 0.5 (2 %) and 1.0 (2.5 %) -> 2.25 % */
  is_double(0.0225, BallastCurveZero(&c, 0.75), 1e-15, "linear between pillars (0.75y -> 2.25 %%)");
  /* t = 2: 1/4 of the way from 1 (2.5 %) to 5 (3 %) -> 2.625 % */
  is_double(0.02625, BallastCurveZero(&c, 2.0), 1e-15, "linear between pillars (2y -> 2.625 %%)");
  /* P(2) = exp(-0.02625 * 2) = exp(-0.0525) = 0.94885432105580125 */
  is_double(0.94885432105580125, BallastCurveDiscount(&c, 2.0), 1e-15, "discount factor exp(-z t)");
  /* forward 2027-10-30 .. 2028-10-30: t1 = 365/365 = 1, t2 = 731/365 = 2.0027397...
   * z(t2) = 0.025 + (1.0027397/4) * 0.005 = 0.025 + 0.0012534247 = 0.0262534247
   * P1 = exp(-0.025), P2 = exp(-0.0262534247 * 2.0027397) ; F = (P1/P2 - 1) / (366/365) */
  BallastDate d1 = BallastDateFromYMD(2027, 10, 30), d2 = BallastDateFromYMD(2028, 10, 30);
  double      t2 = 731.0 / 365.0, z2 = 0.025 + (t2 - 1.0) / 4.0 * 0.005;
  double      F  = (exp(-0.025) / exp(-z2 * t2) - 1.0) / (366.0 / 365.0);
  is_double(F, BallastCurveForward(&c, asof, d1, d2), 1e-15, "simply compounded forward ACT/365F");
  diag("forward 1y1y = %.10f", F);
  /* continuously compounded 1y1y ~ (z2 t2 - z1 t1)/(t2 - t1) = 2.751 %; simple over 366/365 ~ 2.789 % */
  ok(F > 0.0278 && F < 0.0280, "1y1y forward near 2.79 %% (continuous 2.75 %% as a simple rate)");
  is_double(1.0, BallastYearsFrom(asof, BallastDateFromYMD(2027, 10, 30)), 0, "ACT/365F year fraction of a non-leap year");
  PetscFinalize();
  return 0;
}
