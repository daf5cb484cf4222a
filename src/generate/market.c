/* ballast generate: the market data of the synthetic bank — zero curves (overnight and index
 * curves of EUR, USD, GBP), FX rates to EUR, the index fixings at the as-of date that floating
 * contracts carry, and the text of curves.csv and fx.csv. */
#include "gen_impl.h"
#include <ballast/curve.h>

const char *const BallastGenCurrencyName[NCCY] = {"EUR", "USD", "GBP"};
const double      BallastGenFxRate[NCCY]       = {1.0, 0.9215, 1.1540}; /* EUR per unit */

/* Curves: continuously compounded zero rates, late 2026 (ECB deposit rate ~2 %, Fed ~3.4 %,
 * BoE ~3.4 %). Index curves sit a basis above the overnight (discount) curve of their currency. */
const char *const BallastGenPillarTenor[NPILLARS] = {"ON", "1M", "3M", "6M", "1Y", "2Y", "3Y", "5Y", "7Y", "10Y", "15Y", "20Y", "30Y"};
const BallastGenCurveDef BallastGenCurves[NCURVES] = {
  {"EUR_ESTR", CCY_EUR, {0.0192, 0.0193, 0.0195, 0.0198, 0.0203, 0.0211, 0.0219, 0.0232, 0.0244, 0.0258, 0.0271, 0.0276, 0.0270}},
  {"EUR_EURIBOR3M", CCY_EUR, {0.0204, 0.0206, 0.0211, 0.0214, 0.0219, 0.0226, 0.0233, 0.0248, 0.0259, 0.0272, 0.0284, 0.0289, 0.0283}},
  {"EUR_EURIBOR6M", CCY_EUR, {0.0209, 0.0211, 0.0216, 0.0218, 0.0224, 0.0231, 0.0238, 0.0254, 0.0265, 0.0278, 0.0290, 0.0295, 0.0289}},
  {"USD_SOFR", CCY_USD, {0.0345, 0.0343, 0.0338, 0.0332, 0.0325, 0.0320, 0.0322, 0.0333, 0.0345, 0.0360, 0.0378, 0.0388, 0.0385}},
  {"USD_TERM_SOFR3M", CCY_USD, {0.0350, 0.0349, 0.0345, 0.0339, 0.0331, 0.0326, 0.0328, 0.0339, 0.0351, 0.0366, 0.0384, 0.0394, 0.0391}},
  {"GBP_SONIA", CCY_GBP, {0.0340, 0.0339, 0.0335, 0.0330, 0.0324, 0.0320, 0.0323, 0.0335, 0.0348, 0.0365, 0.0385, 0.0395, 0.0390}},
  {"GBP_SONIA_TERM3M", CCY_GBP, {0.0345, 0.0344, 0.0340, 0.0335, 0.0329, 0.0325, 0.0328, 0.0340, 0.0353, 0.0370, 0.0390, 0.0400, 0.0395}},
};
const int BallastGenDiscountCurve[NCCY] = {CV_EUR_ESTR, CV_USD_SOFR, CV_GBP_SONIA};
const int BallastGenIndex3Curve[NCCY]   = {CV_EUR_E3M, CV_USD_TS3M, CV_GBP_ST3M};

/* Index fixings observed at the as-of date, as the engine reads a reset (curve.h): simply
 * compounded forwards from the as-of date over 1 day, 1, 3, 6 and 12 months. */
void BallastGenIndexFixings(BallastGen *g)
{
  for (int k = 0; k < NCURVES; k++) {
    double       t[NPILLARS], z[NPILLARS];
    BallastCurve cv = {0}; /* no ramp overlay (curve.h) */
    for (int i = 0; i < NPILLARS; i++) {
      int  n;
      char unit;
      (void)BallastTenorParse(BallastGenPillarTenor[i], &n, &unit);
      t[i] = BallastYearsFrom(g->as_of, BallastDateAddTenor(g->as_of, n, unit));
      z[i] = BallastGenCurves[k].z[i];
    }
    cv.name     = (char *)BallastGenCurves[k].id;
    cv.currency = BallastGenCurves[k].ccy;
    cv.n        = NPILLARS;
    cv.t        = t;
    cv.z        = z;
    static const int months[5] = {0, 1, 3, 6, 12};
    for (int s = 0; s < 5; s++) {
      BallastDate e = months[s] ? BallastDateAddMonths(g->as_of, months[s]) : g->as_of + 1;
      g->fwd[k][s]  = BallastCurveForward(&cv, g->as_of, g->as_of, e);
    }
  }
}

void BallastGenCurvesText(BallastText *t)
{
  BallastTextPrintf(t, "curveID,currency,tenor,rate\n");
  for (int k = 0; k < NCURVES; k++)
    for (int i = 0; i < NPILLARS; i++) {
      char num[32], *e = put_fixed(num, BallastGenCurves[k].z[i], 6, 1);
      *e               = 0;
      BallastTextPrintf(t, "%s,%s,%s,%s\n", BallastGenCurves[k].id, BallastGenCurrencyName[BallastGenCurves[k].ccy], BallastGenPillarTenor[i], num);
    }
}

void BallastGenFxText(BallastText *t)
{
  BallastTextPrintf(t, "currency,rate\n");
  for (int c = 0; c < NCCY; c++) {
    char num[32], *e = put_fixed(num, BallastGenFxRate[c], 6, 1);
    *e               = 0;
    BallastTextPrintf(t, "%s,%s\n", BallastGenCurrencyName[c], num);
  }
}
