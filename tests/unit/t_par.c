/* Par rates (include/ballast/par.h, metrics.md "NII": replacement at the par rate). Expected values
 * by hand on an upward curve (zero rates linear between 1 y 2.0 %, 10 y 3.0 %, 30 y 3.2 %), the
 * instrument starting after the as-of date so DF(t)/DF(start) is exercised:
 *   (1) annual-coupon bullet, 30E/360 (every coupon period is exactly one year):
 *       r = (1 - D_n) / sum_i D_i,  D_i = DF(t_i) / DF(start);
 *   (2) monthly annuity, 30E/360 (q = r/12 per period): instalment A(r) = N q / (1 - (1+q)^-n),
 *       par when A(r) sum_k D_k = N, solved here by bisection;
 *   (3) payer swap fixed vs the curve's 12M forward, A/365F on both legs: the floating leg
 *       telescopes to 1 - D_n, so s = (1 - D_n) / sum_i tau_i D_i;
 *   (4) issue 10: the simply compounded forward over the whole term, the old NII replacement
 *       coupon, against the par rate of a 25-year annual bullet and a 25-year annuity. */
#include "tap/basic.h"
#include <ballast/par.h>
#include <math.h>
#include <string.h>

static double T0[3] = {1.0, 10.0, 30.0}, Z0[3] = {0.020, 0.030, 0.032};

static BallastDate asof;
static BallastDFTable tab;

static double D(BallastDate d, BallastDate s) { return BallastDFTableGet(&tab, 0, d) / BallastDFTableGet(&tab, 0, s); }

static void base_terms(BallastTerms *t, BallastContractType ct, BallastRole role, BallastDayCount dcc, BallastDate start, BallastDate md)
{
  BallastTermsInit(t);
  t->contractType        = ct;
  t->contractRole        = role;
  t->dayCountConvention  = dcc;
  t->currency            = 0;
  t->statusDate          = asof;
  t->initialExchangeDate = start;
  t->maturityDate        = md;
  t->notionalPrincipal   = 1.0e6;
}

/* annuity par condition by hand: A(r) sum D_k - N */
static double ann_gap(double r, int n, const double *Dk)
{
  double q = r / 12.0, A = q == 0.0 ? 1.0 / n : q / (1.0 - pow(1.0 + q, -n)), s = 0;
  for (int k = 0; k < n; k++) s += Dk[k];
  return A * s - 1.0;
}

static double ann_par_by_bisection(BallastDate start, int years)
{
  int     n = 12 * years;
  double *Dk = malloc(sizeof(double) * n), lo = 0.0, hi = 0.5;
  for (int k = 0; k < n; k++) Dk[k] = D(BallastDateAddMonths(start, k + 1), start);
  for (int it = 0; it < 200; it++) {
    double mid = 0.5 * (lo + hi);
    if (ann_gap(mid, n, Dk) > 0) hi = mid;
    else lo = mid;
  }
  free(Dk);
  return 0.5 * (lo + hi);
}

int main(int argc, char **argv)
{
  BallastMarketData m;
  BallastTerms      t;
  double            r;

  PetscInitialize(&argc, &argv, NULL, NULL);
  plan(20);
  asof = BallastDateFromYMD(2026, 10, 30);
  PetscMemzero(&m, sizeof m);
  m.as_of   = asof;
  m.ncurves = 1;
  PetscCalloc1(1, &m.curves);
  PetscStrallocpy("EUR_OIS", &m.curves[0].name);
  m.curves[0].n = 3;
  PetscMalloc2(3, &m.curves[0].t, 3, &m.curves[0].z);
  memcpy(m.curves[0].t, T0, sizeof T0);
  memcpy(m.curves[0].z, Z0, sizeof Z0);
  BallastNamesCreate(&m.currencies);
  m.curves[0].currency = BallastNamesIntern(m.currencies, "EUR");
  m.nfx                = 1;
  PetscMalloc1(1, &m.fx);
  m.fx[0] = 1.0;
  BallastDFTableCreate(&m, 366 * 40, &tab);

  const BallastDate start = BallastDateFromYMD(2027, 1, 15);

  /* (1) 5-year annual bullet */
  {
    BallastDate md = BallastDateFromYMD(2032, 1, 15);
    base_terms(&t, BALLAST_CT_PAM, BALLAST_ROLE_RPA, BALLAST_DCC_30E360, start, md);
    t.cycleOfInterestPayment = (BallastCycle){1, 'Y', 1};
    double sum = 0;
    for (int i = 1; i <= 5; i++) sum += D(BallastDateFromYMD(2027 + i, 1, 15), start);
    double want = (1.0 - D(md, start)) / sum;
    ok(BallastParRate(&t, start, &tab, 0, NULL, &r) == 0, "PAM 5Y annual: par rate computed");
    is_double(want, r, 1e-14, "PAM 5Y annual: r = (1 - D_5)/sum D_i = %.12f", want);
    t.contractRole = BALLAST_ROLE_RPL;
    ok(BallastParRate(&t, start, &tab, 0, NULL, &r) == 0 && fabs(r - want) < 1e-14, "the same for a liability (role does not change the par rate)");
    t.contractRole      = BALLAST_ROLE_RPA;
    t.notionalPrincipal = NAN;
    ok(BallastParRate(&t, start, &tab, 0, NULL, &r) == 0 && fabs(r - want) < 1e-14, "no notional given: the same rate (notional 1)");
  }
  /* starting at the as-of date: D_i = DF(t_i) */
  {
    BallastDate s0 = asof, md = BallastDateFromYMD(2029, 10, 30);
    base_terms(&t, BALLAST_CT_PAM, BALLAST_ROLE_RPA, BALLAST_DCC_30E360, s0, md);
    t.cycleOfInterestPayment = (BallastCycle){1, 'Y', 1};
    double sum = 0;
    for (int i = 1; i <= 3; i++) sum += BallastDFTableGet(&tab, 0, BallastDateFromYMD(2026 + i, 10, 30));
    double want = (1.0 - BallastDFTableGet(&tab, 0, md)) / sum;
    ok(BallastParRate(&t, s0, &tab, 0, NULL, &r) == 0, "PAM 3Y annual from the as-of date");
    is_double(want, r, 1e-14, "PAM 3Y from the as-of date: D_i = DF(t_i), r = %.12f", want);
  }
  /* (2) 20-year monthly annuity */
  {
    BallastDate md = BallastDateFromYMD(2047, 1, 15);
    base_terms(&t, BALLAST_CT_ANN, BALLAST_ROLE_RPA, BALLAST_DCC_30E360, start, md);
    t.cycleOfInterestPayment     = (BallastCycle){1, 'M', 1};
    t.cycleOfPrincipalRedemption = (BallastCycle){1, 'M', 1};
    double want = ann_par_by_bisection(start, 20);
    ok(BallastParRate(&t, start, &tab, 0, NULL, &r) == 0, "ANN 20Y monthly: par rate computed (not affine in the rate: secant)");
    is_double(want, r, 1e-12, "ANN 20Y monthly: A(r) sum D_k = N by bisection on the closed form: %.12f", want);
  }
  /* (3) 10-year payer swap, annual fixed vs 12M forwards, A365 */
  {
    BallastDate md = BallastDateFromYMD(2037, 1, 15);
    base_terms(&t, BALLAST_CT_SWPPV, BALLAST_ROLE_PFL, BALLAST_DCC_A365, start, md);
    t.cycleOfInterestPayment      = (BallastCycle){1, 'Y', 1};
    t.cycleOfRateReset            = (BallastCycle){1, 'Y', 1};
    t.marketObjectCodeOfRateReset = 0;
    t.nominalInterestRate2        = 0.0;
    t.deliverySettlement          = BALLAST_DS_D;
    double sum = 0;
    for (int i = 1; i <= 10; i++) {
      BallastDate a = BallastDateFromYMD(2026 + i, 1, 15), b = BallastDateFromYMD(2027 + i, 1, 15);
      sum += (double)(b - a) / 365.0 * D(b, start);
    }
    double want = (1.0 - D(md, start)) / sum;
    ok(BallastParRate(&t, start, &tab, 0, NULL, &r) == 0, "SWPPV 10Y payer: par rate computed");
    is_double(want, r, 1e-13, "SWPPV 10Y payer: s = (1 - D_n)/sum tau_i D_i = %.12f", want);
    t.contractRole = BALLAST_ROLE_RFL;
    ok(BallastParRate(&t, start, &tab, 0, NULL, &r) == 0 && fabs(r - want) < 1e-13, "receiver swap: the same rate");
    t.deliverySettlement = BALLAST_DS_S;
    ok(BallastParRate(&t, start, &tab, 0, NULL, &r) == 0 && fabs(r - want) < 1e-13, "net settled: the same rate");
  }
  /* (4) issue 10: 25 years, the simple forward over the term against the par rates */
  {
    BallastDate md = BallastDateFromYMD(2052, 1, 15);
    double      F  = (1.0 / D(md, start) - 1.0) / ((double)(md - start) / 365.0);
    base_terms(&t, BALLAST_CT_PAM, BALLAST_ROLE_RPA, BALLAST_DCC_30E360, start, md);
    t.cycleOfInterestPayment = (BallastCycle){1, 'Y', 1};
    double sum = 0;
    for (int i = 1; i <= 25; i++) sum += D(BallastDateFromYMD(2027 + i, 1, 15), start);
    double want = (1.0 - D(md, start)) / sum, rb, ra;
    ok(BallastParRate(&t, start, &tab, 0, NULL, &rb) == 0, "PAM 25Y annual");
    is_double(want, rb, 1e-14, "PAM 25Y annual par rate %.6f %% by hand", 100 * want);
    base_terms(&t, BALLAST_CT_ANN, BALLAST_ROLE_RPA, BALLAST_DCC_30E360, start, md);
    t.cycleOfInterestPayment     = (BallastCycle){1, 'M', 1};
    t.cycleOfPrincipalRedemption = (BallastCycle){1, 'M', 1};
    double wa = ann_par_by_bisection(start, 25);
    ok(BallastParRate(&t, start, &tab, 0, NULL, &ra) == 0, "ANN 25Y monthly");
    is_double(wa, ra, 1e-12, "ANN 25Y monthly par rate %.6f %% by bisection", 100 * wa);
    diag("25-year term from 2027-01-15: simple forward over the term %.4f %% (the old replacement coupon), bullet par %.4f %%, annuity par %.4f %%", 100 * F, 100 * rb, 100 * ra);
    ok(F - rb > 0.01, "the simple forward over 25 years overstates the bullet's par rate by %.2f pp", 100 * (F - rb));
    ok(rb > ra, "an annuity's par rate lies below the bullet's on an upward curve (shorter average life)");
  }
  /* errors */
  {
    PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
    base_terms(&t, BALLAST_CT_UMP, BALLAST_ROLE_RPL, BALLAST_DCC_A365, start, BALLAST_DATE_NONE);
    ok(BallastParRate(&t, start, &tab, 0, NULL, &r) == BALLAST_ERR_INPUT, "UMP (no maturity): no par rate, input error");
    base_terms(&t, BALLAST_CT_CSH, BALLAST_ROLE_RPA, BALLAST_DCC_A365, start, BALLAST_DATE_NONE);
    ok(BallastParRate(&t, start, &tab, 0, NULL, &r) == BALLAST_ERR_INPUT, "CSH: no par rate, input error");
    PetscPopErrorHandler();
  }
  BallastDFTableDestroy(&tab);
  BallastMarketDataDestroy(&m);
  PetscFinalize();
  return 0;
}
