/* IRRBB scenarios on zero curves: the six BCBS scenarios, the EU post-shock lower bound (binding,
 * and not applied where the unshocked rate is already below it), user scenarios (parallel, tenor
 * shifts, replacement curves), the standardised-EVE zero R_s(t), PV01 bumps and the partition of
 * unity of key-rate bumps, and the user_scenarios parser. Expected values by hand from
 *   dR(t) = a R_par + b R_short S(t) + c R_long L(t),  S(t) = exp(-t/4),  L(t) = 1 - S(t):
 *   S(0.5) = exp(-0.125) = 0.88249690258459546   L(0.5) = 0.11750309741540454
 *   S(2)   = exp(-0.5)   = 0.60653065971263342   L(2)   = 0.39346934028736658
 *   S(10)  = exp(-2.5)   = 0.08208499862389880   L(10)  = 0.91791500137610116 */
#include "tap/basic.h"
#include "config/scenario_cfg.h"
#include <ballast/scenario.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char msg[2048];

static const char *regime_path(const char *name)
{
  static char buf[4096];
  const char *s = getenv("BALLAST_SOURCE_DIR");
  if (!s) bail("BALLAST_SOURCE_DIR is not set (the repository root, where config/regimes/ lives)");
  snprintf(buf, sizeof buf, "%s/config/regimes/%s", s, name);
  return buf;
}

static void errmsg(PetscErrorCode ierr)
{
  msg[0] = 0;
  if (ierr) {
    const char *t;
    char       *s = NULL;
    PetscErrorMessage(ierr, &t, &s);
    snprintf(msg, sizeof msg, "%s", s ? s : "");
  }
}

/* Market data built by hand: up to 8 curves. */
static void market_init(BallastMarketData *m, BallastDate as_of)
{
  memset(m, 0, sizeof(*m));
  m->as_of = as_of;
  BallastNamesCreate(&m->currencies);
  PetscCalloc1(8, &m->curves);
  PetscCalloc1(1, &m->fx);
}

static void market_add(BallastMarketData *m, const char *name, const char *ccy, PetscInt n, const double *t, const double *z)
{
  BallastCurve *c = &m->curves[m->ncurves++];
  PetscStrallocpy(name, &c->name);
  c->currency = BallastNamesIntern(m->currencies, ccy);
  c->n        = n;
  PetscMalloc2(n, &c->t, n, &c->z);
  memcpy(c->t, t, n * sizeof(double));
  memcpy(c->z, z, n * sizeof(double));
}

/* Shock a one-curve market (pillars 0.5, 2, 10 in `ccy`, rates z) with `name` and return pillar i. */
static double shocked_pillar(const BallastRegime *r, const char *name, const char *ccy, const double *z, PetscInt i)
{
  double             t[3] = {0.5, 2.0, 10.0}, v;
  BallastMarketData  m, s;
  BallastScenarioDef d;
  market_init(&m, BallastDateFromYMD(2026, 10, 30));
  market_add(&m, "C", ccy, 3, t, z);
  BallastScenarioDefRegulatory(r, name, &d);
  PetscErrorCode ierr = BallastScenarioApply(r, &d, &m, &s);
  v                   = ierr ? NAN : s.curves[0].z[i];
  if (!ierr) BallastMarketDataDestroy(&s);
  BallastScenarioDefDestroy(&d);
  BallastMarketDataDestroy(&m);
  return v;
}

static PetscErrorCode parse_text(const char *text, PetscInt *n, BallastScenarioDef **defs)
{
  config_t cfg;
  config_init(&cfg);
  if (config_read_string(&cfg, text) != CONFIG_TRUE) bail("fixture does not parse: %s line %d", config_error_text(&cfg), config_error_line(&cfg));
  PetscErrorCode ierr = BallastScenarioDefsParse(PETSC_COMM_SELF, "run.cfg", "/data/run", config_lookup(&cfg, "user_scenarios"), n, defs);
  errmsg(ierr);
  config_destroy(&cfg);
  return ierr;
}

int main(int argc, char **argv)
{
  BallastRegime      bcbs, eu, obs;
  BallastMarketData  m, s;
  BallastScenarioDef d;
  BallastDate        asof = BallastDateFromYMD(2026, 10, 30);
  const double       z0[3] = {0.01, 0.015, 0.02}; /* base EUR/GBP zero rates at 0.5, 2, 10 years */
  PetscErrorCode     ierr;

  PetscInitialize(&argc, &argv, NULL, NULL);
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  plan(109);
  if (BallastRegimeLoad(PETSC_COMM_WORLD, regime_path("bcbs-2016.cfg"), &bcbs) || BallastRegimeLoad(PETSC_COMM_WORLD, regime_path("eu-2024-856.cfg"), &eu) ||
      BallastRegimeLoad(PETSC_COMM_WORLD, test_data("regime-default-observed.cfg"), &obs))
    bail("regime files do not load");

  /* ---- BCBS, EUR 200/250/100 bp, base 1 %, 1.5 %, 2 % at t = 0.5, 2, 10 ---- */
  /* parallel_up: z + 0.02 */
  is_double(0.03, shocked_pillar(&bcbs, "parallel_up", "EUR", z0, 0), 1e-16, "parallel_up EUR t=0.5: 1 %% + 2 %% = 3 %%");
  is_double(0.035, shocked_pillar(&bcbs, "parallel_up", "EUR", z0, 1), 1e-16, "parallel_up EUR t=2: 3.5 %%");
  is_double(0.04, shocked_pillar(&bcbs, "parallel_up", "EUR", z0, 2), 1e-16, "parallel_up EUR t=10: 4 %%");
  /* parallel_down: z - 0.02 (BCBS: no floor, negative rates kept) */
  is_double(-0.01, shocked_pillar(&bcbs, "parallel_down", "EUR", z0, 0), 1e-16, "parallel_down EUR t=0.5: -1 %% (no floor in BCBS)");
  is_double(-0.005, shocked_pillar(&bcbs, "parallel_down", "EUR", z0, 1), 1e-16, "parallel_down EUR t=2: -0.5 %%");
  is_double(0.0, shocked_pillar(&bcbs, "parallel_down", "EUR", z0, 2), 1e-16, "parallel_down EUR t=10: 0 %%");
  /* short_up: z + 0.025 S(t): 0.025 * 0.88249690258459546 = 0.022062422564614888 etc. */
  is_double(0.01 + 0.022062422564614888, shocked_pillar(&bcbs, "short_up", "EUR", z0, 0), 1e-15, "short_up EUR t=0.5: 1 %% + 2.2062 %%");
  is_double(0.015 + 0.015163266492815837, shocked_pillar(&bcbs, "short_up", "EUR", z0, 1), 1e-15, "short_up EUR t=2: 1.5 %% + 1.5163 %%");
  is_double(0.02 + 0.0020521249655974703, shocked_pillar(&bcbs, "short_up", "EUR", z0, 2), 1e-15, "short_up EUR t=10: 2 %% + 0.2052 %%");
  /* short_down: z - 0.025 S(t) */
  is_double(0.01 - 0.022062422564614888, shocked_pillar(&bcbs, "short_down", "EUR", z0, 0), 1e-15, "short_down EUR t=0.5: -1.2062 %%");
  is_double(0.015 - 0.015163266492815837, shocked_pillar(&bcbs, "short_down", "EUR", z0, 1), 1e-15, "short_down EUR t=2: -0.0163 %%");
  is_double(0.02 - 0.0020521249655974703, shocked_pillar(&bcbs, "short_down", "EUR", z0, 2), 1e-15, "short_down EUR t=10: 1.7948 %%");
  /* steepener: -0.65 * 0.025 S + 0.9 * 0.01 L = -0.01625 S + 0.009 L
   *   t=0.5: -0.014340574666999676 + 0.0010575278767386408 = -0.013283046790261035
   *   t=2:   -0.0098561232203302936 + 0.0035412240625862989 = -0.0063148991577439947
   *   t=10:  -0.0013338812276383555 + 0.0082612350123849095 = +0.006927353784746554 */
  is_double(0.01 - 0.013283046790261035, shocked_pillar(&bcbs, "steepener", "EUR", z0, 0), 1e-15, "steepener EUR t=0.5: -0.3283 %%");
  is_double(0.015 - 0.0063148991577439947, shocked_pillar(&bcbs, "steepener", "EUR", z0, 1), 1e-15, "steepener EUR t=2: 0.8685 %%");
  is_double(0.02 + 0.006927353784746554, shocked_pillar(&bcbs, "steepener", "EUR", z0, 2), 1e-15, "steepener EUR t=10: 2.6927 %%");
  /* flattener: +0.8 * 0.025 S - 0.6 * 0.01 L = 0.02 S - 0.006 L
   *   t=0.5: 0.017649938051691908 - 0.0007050185844924273 = 0.016944919467199481
   *   t=2:   0.012130613194252668 - 0.0023608160417241996 = 0.0097697971525284684
   *   t=10:  0.0016416999724779761 - 0.0055074900082566066 = -0.0038657900357786305 */
  is_double(0.01 + 0.016944919467199481, shocked_pillar(&bcbs, "flattener", "EUR", z0, 0), 1e-15, "flattener EUR t=0.5: 2.6945 %%");
  is_double(0.015 + 0.0097697971525284684, shocked_pillar(&bcbs, "flattener", "EUR", z0, 1), 1e-15, "flattener EUR t=2: 2.4770 %%");
  is_double(0.02 - 0.0038657900357786305, shocked_pillar(&bcbs, "flattener", "EUR", z0, 2), 1e-15, "flattener EUR t=10: 1.6134 %%");
  /* GBP 250/300/150: steepener = -0.65 * 0.03 S + 0.9 * 0.015 L = -0.0195 S + 0.0135 L
   *   t=0.5: -0.017208689600399611 + 0.0015862918151079613 = -0.015622397785291651
   *   t=2:   -0.011827347864396352 + 0.0053118360938794488 = -0.0065155117705169028
   *   t=10:  -0.0016006574731660267 + 0.012391852518577365 = +0.010791195045411338 */
  is_double(0.01 - 0.015622397785291651, shocked_pillar(&bcbs, "steepener", "GBP", z0, 0), 1e-15, "steepener GBP t=0.5: -0.5622 %%");
  is_double(0.015 - 0.0065155117705169028, shocked_pillar(&bcbs, "steepener", "GBP", z0, 1), 1e-15, "steepener GBP t=2: 0.8484 %%");
  is_double(0.02 + 0.010791195045411338, shocked_pillar(&bcbs, "steepener", "GBP", z0, 2), 1e-15, "steepener GBP t=10: 3.0791 %%");
  /* the EU regime has the same EUR sizes: same steepener where the bound does not bind */
  is_double(0.02 + 0.006927353784746554, shocked_pillar(&eu, "steepener", "EUR", z0, 2), 1e-15, "EU steepener EUR t=10 equals BCBS");

  /* BallastScenarioShift: dR alone, and R_s(t) exact between pillars (standardised EVE) */
  BallastScenarioDefRegulatory(&bcbs, "steepener", &d);
  double dR;
  is_int(0, BallastScenarioShift(&bcbs, &d, "EUR", asof, 2.0, &dR), "dR for (regime, scenario, currency, t)");
  is_double(-0.0063148991577439947, dR, 1e-16, "... steepener EUR dR(2) = -0.6315 %%");
  {
    double t[3] = {0.5, 2.0, 10.0}, zs, interp;
    market_init(&m, asof);
    market_add(&m, "EUR_OIS", "EUR", 3, t, z0);
    /* t = 6: z0(6) = 1.5 % + (4/8) 0.5 % = 1.75 %; S(6) = exp(-1.5) = 0.22313016014842982,
     * dR = -0.01625 * 0.22313016014842982 + 0.009 * (1 - 0.22313016014842982)
     *    = -0.0036258651024119846 + 0.0069918285586641316 = 0.003365963456252147 */
    is_int(0, BallastScenarioZero(&bcbs, &d, &m, 0, 6.0, &zs), "R_s(t) at a bucket midpoint");
    is_double(0.0175 + 0.003365963456252147, zs, 1e-15, "... steepener EUR R_s(6) = z0(6) + dR(6) = 2.1116 %%");
    BallastScenarioApply(&bcbs, &d, &m, &s);
    interp = BallastCurveZero(&s.curves[0], 6.0);
    /* shocked pillars interpolated: (0.8685 % + 2.6927 %)/2 = 1.7806 %: not R_s(6) (the shock is curved) */
    is_double((0.015 - 0.0063148991577439947 + 0.02 + 0.006927353784746554) / 2, interp, 1e-15, "shocked curve between pillars: linear in shocked pillars");
    ok(fabs(interp - zs) > 1e-3, "... which differs from the exact R_s(6) (%.6f vs %.6f)", interp, zs);
    BallastMarketDataDestroy(&s);
    BallastMarketDataDestroy(&m);
  }
  BallastScenarioDefDestroy(&d);
  /* behavioural scalars travel with the definition */
  BallastScenarioDefRegulatory(&bcbs, "parallel_down", &d);
  ok(d.prepayment_scalar == 1.2 && d.term_deposit_scalar == 0.8 && d.floor, "parallel_down: prepayment 1.2, term deposits 0.8, floor on");
  BallastScenarioDefDestroy(&d);
  BallastScenarioDefRegulatory(NULL, "base", &d);
  ok(d.kind == BALLAST_SCENARIO_BASE && d.prepayment_scalar == 1 && !d.floor, "base: no scalars, no floor");
  BallastScenarioDefDestroy(&d);
  ierr = BallastScenarioDefRegulatory(&bcbs, "parallel_sideways", &d);
  errmsg(ierr);
  is_int(BALLAST_ERR_USAGE, ierr, "unknown scenario name is an error");
  contains(msg, "parallel_sideways", "... naming it");

  /* ---- EU lower bound, 2024/856 Art 3(7): b(t) = min(0, -1.5 % + 0.03 % t); where the unshocked
   * rate is below b(t), the observed rate is the bound ---- */
  {
    /* base: t=0.5 at -0.9 % (above b(0.5) = -1.485 %), t=1 at -1.6 % (below b(1) = -1.47 %),
     * t=10 at 0.3 % (above b(10) = -1.2 %), t=30 at 0.5 % (b(30) = -0.6 %) */
    double t[4] = {0.5, 1.0, 10.0, 30.0}, z[4] = {-0.009, -0.016, 0.003, 0.005};
    market_init(&m, asof);
    market_add(&m, "EUR_OIS", "EUR", 4, t, z);
    BallastScenarioDefRegulatory(&eu, "parallel_down", &d);
    is_int(0, BallastScenarioApply(&eu, &d, &m, &s), "EU parallel_down applies");
    /* -0.9 % - 2 % = -2.9 % < b(0.5) = -1.5 % + 0.015 % = -1.485 %  -> floored at -1.485 % */
    is_double(-0.01485, s.curves[0].z[0], 1e-16, "floor binds: -0.9 %% - 2 %% floored at b(0.5) = -1.485 %%");
    /* unshocked -1.6 % is below b(1) = -1.47 %: the observed rate is the bound, -3.6 % stops at -1.6 % */
    is_double(-0.016, s.curves[0].z[1], 1e-16, "unshocked -1.6 %% below the bound (-1.47 %%): -3.6 %% stops at the observed rate");
    /* 0.3 % - 2 % = -1.7 % < b(10) = -1.2 % -> -1.2 % */
    is_double(-0.012, s.curves[0].z[2], 1e-16, "floor at 10 years: -1.2 %%");
    /* 0.5 % - 2 % = -1.5 % < b(30) = -1.5 % + 0.9 % = -0.6 % -> -0.6 % */
    is_double(-0.006, s.curves[0].z[3], 1e-16, "floor at 30 years: -0.6 %%");
    BallastMarketDataDestroy(&s);
    /* the same at a non-pillar time for the standardised EVE: t = 0.75, z0 = -1.25 % (halfway
     * between -0.9 % and -1.6 %), b(0.75) = -1.4775 %: z0 above b, -3.25 % floored at b */
    double zs;
    BallastScenarioZero(&eu, &d, &m, 0, 0.75, &zs);
    is_double(-0.014775, zs, 1e-15, "R_s(0.75): -1.25 %% - 2 %% floored at b = -1.4775 %%");
    /* t = 5: z0 = -1.6 % + (4/9) 1.9 % = -0.75556 %, b(5) = -1.35 %: floored at -1.35 % */
    BallastScenarioZero(&eu, &d, &m, 0, 5.0, &zs);
    is_double(-0.0135, zs, 1e-15, "R_s(5): floored at b(5) = -1.35 %%");
    BallastScenarioDefDestroy(&d);
    /* 50 years and beyond: the bound is 0 */
    is_double(0.0, BallastScenarioFloor(&eu, 50.0, 0.01, -0.01), 0, "b(50) = 0: -1 %% floored at 0");
    is_double(0.0, BallastScenarioFloor(&eu, 60.0, 0.01, -0.01), 0, "b(60) = 0");
    /* the "unfloored" rule of a regime that chooses it: the bound is not applied where z0 < b */
    {
      BallastRegime un = eu;
      un.floor.below   = BALLAST_FLOOR_BELOW_UNFLOORED;
      is_double(-0.036, BallastScenarioFloor(&un, 1.0, -0.016, -0.036), 0, "below_bound = unfloored: -3.6 %% kept where z0 < b");
      is_double(-0.01485, BallastScenarioFloor(&un, 0.5, -0.009, -0.029), 1e-17, "... and the bound binds where z0 is above it");
    }
    /* parallel_up is never floored from above */
    BallastScenarioDefRegulatory(&eu, "parallel_up", &d);
    BallastScenarioApply(&eu, &d, &m, &s);
    is_double(0.004, s.curves[0].z[1], 1e-16, "parallel_up: -1.6 %% + 2 %% = 0.4 %%");
    BallastMarketDataDestroy(&s);
    BallastScenarioDefDestroy(&d);
    /* fixture regime (-100 bp, +5 bp/year, observed): where z0 < b, the shocked rate stops at z0 */
    BallastScenarioDefRegulatory(&obs, "parallel_down", &d);
    BallastScenarioApply(&obs, &d, &m, &s);
    is_double(-0.016, s.curves[0].z[1], 1e-16, "below_bound = observed: -3.6 %% stops at the unshocked -1.6 %%");
    is_double(-0.00975, s.curves[0].z[0], 1e-16, "... and the bound (-1 %% + 0.025 %%) still binds where z0 is above it");
    BallastMarketDataDestroy(&s);
    BallastScenarioDefDestroy(&d);
    BallastMarketDataDestroy(&m);
  }

  /* ---- currencies without shock sizes ---- */
  {
    double t[1] = {1.0}, z[1] = {0.05};
    market_init(&m, asof);
    market_add(&m, "EUR_OIS", "EUR", 1, t, z);
    market_add(&m, "TRY_ZERO", "TRY", 1, t, z);
    BallastScenarioDefRegulatory(&bcbs, "parallel_up", &d);
    memset(&s, 0, sizeof s);
    ierr = BallastScenarioApply(&bcbs, &d, &m, &s);
    errmsg(ierr);
    is_int(BALLAST_ERR_USAGE, ierr, "a curve in a currency the regime does not list is an error");
    contains(msg, "no shock sizes for currency TRY of curve TRY_ZERO", "... naming currency and curve");
    ok(s.curves == NULL, "... and nothing is allocated");
    BallastScenarioDefDestroy(&d);
    BallastScenarioDefRegulatory(&obs, "parallel_up", &d);
    is_int(0, BallastScenarioApply(&obs, &d, &m, &s), "with default_currency = USD it applies");
    is_double(0.07, s.curves[1].z[0], 1e-16, "... TRY gets the USD 200 bp parallel: 5 %% + 2 %%");
    BallastMarketDataDestroy(&s);
    BallastScenarioDefDestroy(&d);
    BallastMarketDataDestroy(&m);
  }

  /* ---- user scenarios ---- */
  {
    double t[3] = {0.5, 2.0, 10.0}, zs;
    market_init(&m, asof);
    market_add(&m, "EUR_OIS", "EUR", 3, t, z0);
    market_add(&m, "USD_SOFR", "USD", 3, t, z0);
    BallastScenarioDefParallel("up50", 50.0, &d);
    is_int(0, BallastScenarioApply(NULL, &d, &m, &s), "parallel user shift without a regime");
    is_double(0.015, s.curves[0].z[0], 1e-16, "+50 bp: 1 %% -> 1.5 %%");
    is_double(0.025, s.curves[1].z[2], 1e-16, "+50 bp on every currency: USD 2 %% -> 2.5 %%");
    BallastScenarioZero(NULL, &d, &m, 0, 1.0, &zs);
    /* z0(1) = 1 % + (0.5/1.5) 0.5 % = 1.16667 %, + 0.5 % */
    is_double(0.01 + 0.005 / 3 + 0.005, zs, 1e-15, "R_s(1) = z0(1) + 50 bp");
    BallastMarketDataDestroy(&s);
    BallastScenarioDefDestroy(&d);

    /* tenor shifts 1Y +25, 5Y 0, 10Y -25 bp. From 2026-10-30: 1Y = 365/365 = 1, 5Y = 1826/365
     * = 5.0027397 (2028-02-29), 10Y = 3653/365 = 10.0082192 (2028, 2032, 2036) */
    const char  *tn[3] = {"1Y", "5Y", "10Y"};
    const double bp[3] = {25.0, 0.0, -25.0};
    is_int(0, BallastScenarioDefTenorShifts("twist", 3, tn, bp, &d), "tenor shifts defined");
    is_int(0, BallastScenarioApply(NULL, &d, &m, &s), "tenor shifts apply");
    is_int(6, s.curves[0].n, "the three tenors are inserted as pillars (0.5 1 2 5.003 10 10.008)");
    is_double(0.01 + 0.0025, s.curves[0].z[0], 1e-16, "t=0.5 before the first tenor: flat +25 bp");
    /* t = 3: w = (3 - 1)/(1826/365 - 1) = 2/4.0027397 = 0.49965776, shift = 25 (1 - w) = 12.508556 bp;
     * z0(3) = 1.5 % + (1/8) 0.5 % = 1.5625 % */
    double w = 2.0 / (1826.0 / 365.0 - 1.0);
    is_double(0.015625 + 25e-4 * (1 - w), BallastCurveZero(&s.curves[0], 3.0), 1e-15, "t=3 interpolated: 1.5625 %% + 12.51 bp");
    BallastScenarioShift(NULL, &d, "EUR", asof, 3.0, &dR);
    is_double(25e-4 * (1 - w), dR, 1e-16, "dR(3) = 12.51 bp");
    /* t = 7.5 (not a pillar, between 5Y and 10Y): exact thanks to the inserted pillars */
    double w2 = (7.5 - 1826.0 / 365.0) / (3653.0 / 365.0 - 1826.0 / 365.0);
    is_double(BallastCurveZero(&m.curves[0], 7.5) - 25e-4 * w2, BallastCurveZero(&s.curves[0], 7.5), 1e-15, "t=7.5: z0 + shift exactly (piecewise linear)");
    is_double(0.02 - 0.0025, BallastCurveZero(&s.curves[0], 20.0), 1e-16, "beyond the last tenor: flat -25 bp");
    BallastMarketDataDestroy(&s);
    BallastScenarioDefDestroy(&d);

    /* replacement curves */
    BallastMarketData repl;
    double            rz[2] = {0.04, 0.05}, rt[2] = {1.0, 5.0};
    BallastScenarioDefCurves("custom", "/data/stress.csv", &d);
    ierr = BallastScenarioApply(NULL, &d, &m, &s);
    is_int(BALLAST_ERR_USAGE, ierr, "replacement curves not loaded: error");
    market_init(&repl, asof);
    market_add(&repl, "EUR_OIS", "EUR", 2, rt, rz);
    PetscNew(&d.curves);
    *d.curves = repl;
    ierr      = BallastScenarioApply(NULL, &d, &m, &s);
    errmsg(ierr);
    is_int(BALLAST_ERR_INPUT, ierr, "a base curve missing from the replacement set");
    contains(msg, "no curve 'USD_SOFR'", "... names it");
    market_add(d.curves, "USD_SOFR", "USD", 2, rt, rz);
    is_int(0, BallastScenarioApply(NULL, &d, &m, &s), "replacement set applies");
    ok(s.curves[0].n == 2 && s.curves[0].z[1] == 0.05 && s.curves[1].t[0] == 1.0, "curves replaced by name");
    BallastScenarioZero(NULL, &d, &m, 1, 3.0, &zs);
    is_double(0.045, zs, 1e-16, "R_s(3) from the replacement curve: 4.5 %%");
    BallastMarketDataDestroy(&s);
    BallastScenarioDefDestroy(&d);
    BallastMarketDataDestroy(&m);
  }

  /* ---- PV01 bumps: BCBS key tenors 3M 6M 1Y 2Y 3Y 5Y 7Y 10Y 15Y 20Y 30Y ---- */
  {
    double t[8] = {1.0 / 365, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0}, z[8] = {0.019, 0.0195, 0.0198, 0.0203, 0.0211, 0.0232, 0.0258, 0.0276};
    double tk[11], probe[6] = {0.1, 0.8, 4.2, 12.0, 25.0, 40.0};
    market_init(&m, asof);
    for (int i = 0; i < 8; i++) t[i] = BallastYearsFrom(asof, BallastDateAddTenor(asof, i == 0 ? 1 : i == 1 ? 3 : i == 2 ? 6 : 12 * (int)t[i], i == 0 ? 'D' : 'M'));
    market_add(&m, "EUR_OIS", "EUR", 8, t, z);
    market_add(&m, "EUR_EURIBOR6M", "EUR", 8, t, z);
    market_add(&m, "USD_SOFR", "USD", 8, t, z);
    BallastScenarioKeyTimes(&bcbs, asof, tk);
    is_double(1.0, tk[2], 0, "key tenor 1Y at 365/365 = 1 year");
    /* parallel */
    is_int(0, BallastScenarioBump(&bcbs, &m, "EUR", -1, 1e-4, &s), "parallel +1 bp on EUR");
    ok(s.curves[0].z[0] == z[0] + 1e-4 && s.curves[1].z[7] == z[7] + 1e-4, "every EUR curve +1 bp");
    ok(s.curves[2].z[3] == z[3] && s.curves[2].n == 8, "USD untouched");
    BallastMarketDataDestroy(&s);
    /* the triangle at 5Y (k = 5): 1 bp at 5Y, 0 at 3Y and 7Y, 0.5 bp halfway */
    is_int(0, BallastScenarioBump(&bcbs, &m, "EUR", 5, 1e-4, &s), "key-rate bump at 5Y");
    is_double(z[5] + 1e-4, BallastCurveZero(&s.curves[0], tk[5]), 1e-16, "1 bp at 5Y");
    is_double(BallastCurveZero(&m.curves[0], tk[4]), BallastCurveZero(&s.curves[0], tk[4]), 1e-16, "0 at 3Y");
    is_double(BallastCurveZero(&m.curves[0], tk[6]), BallastCurveZero(&s.curves[0], tk[6]), 1e-16, "0 at 7Y");
    double mid = (tk[4] + tk[5]) / 2;
    is_double(BallastCurveZero(&m.curves[0], mid) + 0.5e-4, BallastCurveZero(&s.curves[0], mid), 1e-16, "0.5 bp halfway between 3Y and 5Y (exact: key tenors are pillars)");
    ok(s.curves[2].n == 8, "USD curve not given extra pillars");
    BallastMarketDataDestroy(&s);
    /* flat ends */
    BallastScenarioBump(&bcbs, &m, "EUR", 0, 1e-4, &s);
    is_double(z[0] + 1e-4, s.curves[0].z[0], 1e-16, "first key tenor (3M) flat to the left: +1 bp at O/N");
    BallastMarketDataDestroy(&s);
    BallastScenarioBump(&bcbs, &m, "EUR", 10, 1e-4, &s);
    is_double(z[7] + 1e-4, BallastCurveZero(&s.curves[0], 50.0), 1e-16, "last key tenor (30Y) flat to the right: +1 bp at 50Y");
    is_double(z[7] + 1e-4 * (25.0 - tk[9]) / (tk[10] - tk[9]), BallastCurveZero(&s.curves[0], 25.0), 1e-15, "30Y triangle at 25Y beyond the last pillar");
    BallastMarketDataDestroy(&s);
    /* partition of unity: sum over k of (bumped_k - base) = parallel bump at every pillar between
     * the first and last key tenor, and at other times too */
    double sum_p[8] = {0}, sum_x[6] = {0};
    for (PetscInt k = 0; k < bcbs.nkey; k++) {
      BallastScenarioBump(&bcbs, &m, "EUR", k, 1e-4, &s);
      for (int i = 0; i < 8; i++) sum_p[i] += BallastCurveZero(&s.curves[1], t[i]) - BallastCurveZero(&m.curves[1], t[i]);
      for (int i = 0; i < 6; i++) sum_x[i] += BallastCurveZero(&s.curves[1], probe[i]) - BallastCurveZero(&m.curves[1], probe[i]);
      BallastMarketDataDestroy(&s);
    }
    int allp = 1, allx = 1;
    for (int i = 0; i < 8; i++)
      if (t[i] >= tk[0] && t[i] <= tk[10] && fabs(sum_p[i] - 1e-4) > 1e-15) allp = 0, diag("pillar %g: sum %.17g", t[i], sum_p[i]);
    for (int i = 0; i < 6; i++)
      if (fabs(sum_x[i] - 1e-4) > 1e-15) allx = 0, diag("t %g: sum %.17g", probe[i], sum_x[i]);
    ok(allp, "key-rate bumps sum to the parallel +1 bp at every pillar from 3M to 30Y");
    ok(allx, "... and at times between pillars, before 3M and beyond 30Y");
    double wsum = 0;
    for (PetscInt k = 0; k < bcbs.nkey; k++) wsum += BallastKeyRateWeight(bcbs.nkey, tk, k, 4.2);
    is_double(1.0, wsum, 1e-15, "key-rate weights sum to 1");
    ierr = BallastScenarioBump(&bcbs, &m, "GBP", -1, 1e-4, &s);
    is_int(BALLAST_ERR_USAGE, ierr, "bumping a currency without curves is an error");
    ierr = BallastScenarioBump(&bcbs, &m, "EUR", 11, 1e-4, &s);
    is_int(BALLAST_ERR_USAGE, ierr, "a key tenor index out of range is an error");
    BallastMarketDataDestroy(&m);
  }

  /* ---- user_scenarios in the run configuration ---- */
  {
    PetscInt            n;
    BallastScenarioDef *defs;
    const char *ok_text = "user_scenarios = (\n"
                          "  { name = \"up50\"; type = \"parallel\"; shift_bp = 50.0; },\n"
                          "  { name = \"twist\"; type = \"tenor_shifts\"; tenors = [\"1Y\",\"5Y\",\"10Y\"]; shifts_bp = [25.0, 0.0, -25.0]; },\n"
                          "  { name = \"custom\"; type = \"curves\"; file = \"stress-curves.csv\"; floor = true; prepayment_scalar = 1.1; }\n"
                          ");\n";
    is_int(0, parse_text(ok_text, &n, &defs), "the three kinds of user scenario parse");
    is_int(3, n, "... three definitions");
    ok(defs[0].kind == BALLAST_SCENARIO_PARALLEL && fabs(defs[0].shift - 0.005) < 1e-17, "up50: parallel +0.005");
    ok(defs[1].kind == BALLAST_SCENARIO_TENOR_SHIFTS && defs[1].ntenors == 3 && fabs(defs[1].tenor_shift[2] + 0.0025) < 1e-17 && defs[1].tenor[1].n == 5, "twist: 3 tenor shifts");
    is_string("/data/run/stress-curves.csv", defs[2].curves_file, "custom: file resolved against the configuration's directory");
    ok(defs[2].floor && defs[2].prepayment_scalar == 1.1 && defs[2].term_deposit_scalar == 1.0 && !defs[0].floor, "optional floor and scalars");
    is_int(2, BallastScenarioDefsFind(n, defs, "custom"), "find by name");
    BallastScenarioDefsDestroy(n, &defs);
    ok(defs == NULL, "destroyed");
    is_int(0, parse_text("other = 1;\n", &n, &defs), "no user_scenarios: none");
    is_int(0, n, "... zero definitions");

    is_int(BALLAST_ERR_USAGE, parse_text("user_scenarios = (\n{ name = \"a\"; type = \"parallel\"; shift_bp = 5.0; tenors = [\"1Y\"]; }\n);\n", &n, &defs), "a key of another type");
    contains(msg, "run.cfg:2: user scenario 'a': unknown key 'tenors' for type parallel", "... named with file and line");
    BallastScenarioDefsDestroy(n, &defs);
    is_int(BALLAST_ERR_USAGE, parse_text("user_scenarios = (\n{ name = \"a\";\n type = \"parallel\";\n shift_bp = \"50\"; }\n);\n", &n, &defs), "wrong type");
    contains(msg, "run.cfg:4: user scenario 'a': key 'shift_bp' must be a number, not a string", "... names line 4");
    BallastScenarioDefsDestroy(n, &defs);
    is_int(BALLAST_ERR_USAGE, parse_text("user_scenarios = ( { name = \"parallel_up\"; type = \"parallel\"; shift_bp = 5.0; } );\n", &n, &defs), "a reserved name");
    BallastScenarioDefsDestroy(n, &defs);
    is_int(BALLAST_ERR_USAGE,
           parse_text("user_scenarios = (\n{ name = \"a\"; type = \"parallel\"; shift_bp = 5.0; },\n{ name = \"a\"; type = \"parallel\"; shift_bp = 6.0; }\n);\n", &n, &defs), "a name twice");
    contains(msg, "run.cfg:3: user scenario 'a' defined twice", "... names the second");
    BallastScenarioDefsDestroy(n, &defs);
    is_int(BALLAST_ERR_USAGE, parse_text("user_scenarios = (\n{ name = \"t\"; type = \"tenor_shifts\"; tenors = [\"5Y\", \"1Y\"]; shifts_bp = [1.0, 2.0]; }\n);\n", &n, &defs),
           "tenors out of order");
    contains(msg, "run.cfg:2: user scenario 't': tenors must be strictly increasing", "... says so");
    BallastScenarioDefsDestroy(n, &defs);
    is_int(BALLAST_ERR_USAGE, parse_text("user_scenarios = (\n{ name = \"t\"; type = \"tenor_shifts\"; tenors = [\"1Y\", \"5X\"]; shifts_bp = [1.0, 2.0]; }\n);\n", &n, &defs),
           "a bad tenor");
    BallastScenarioDefsDestroy(n, &defs);
    is_int(BALLAST_ERR_USAGE, parse_text("user_scenarios = (\n{ name = \"t\"; type = \"shock\"; }\n);\n", &n, &defs), "an unknown type");
    contains(msg, "type 'shock' must be", "... lists the types");
    BallastScenarioDefsDestroy(n, &defs);
  }

  BallastRegimeDestroy(&bcbs);
  BallastRegimeDestroy(&eu);
  BallastRegimeDestroy(&obs);
  PetscFinalize();
  return 0;
}
