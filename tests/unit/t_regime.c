/* Regime files: both shipped regimes load with their values; every kind of bad file is an error
 * (BALLAST_ERR_USAGE) whose message names the file and the line. Expected values are the
 * regulatory numbers of the files in config/regimes/, converted from bp to decimals by hand. */
#include "tap/basic.h"
#include <ballast/regime.h>
#include <ballast/scenario.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char msg[2048];
static char tmp[256];

static const char *regime_path(const char *name)
{
  static char buf[4096];
  const char *s = getenv("BALLAST_SOURCE_DIR");
  if (!s) bail("BALLAST_SOURCE_DIR is not set (the repository root, where config/regimes/ lives)");
  snprintf(buf, sizeof buf, "%s/config/regimes/%s", s, name);
  return buf;
}

static PetscErrorCode load_path(const char *path, BallastRegime *r)
{
  PetscErrorCode ierr = BallastRegimeLoad(PETSC_COMM_WORLD, path, r);
  msg[0]              = 0;
  if (ierr) {
    const char *t;
    char       *s = NULL;
    PetscErrorMessage(ierr, &t, &s);
    snprintf(msg, sizeof msg, "%s", s ? s : "");
    BallastRegimeDestroy(r); /* frees what a failed load allocated */
  }
  return ierr;
}

/* Write `text` to a temporary file and load it. */
static PetscErrorCode load_text(const char *text, BallastRegime *r)
{
  FILE *f = fopen(tmp, "w");
  fputs(text, f);
  fclose(f);
  return load_path(tmp, r);
}

/* A valid regime; line numbers matter for the error tests (line 1 = NAME, ...). */
#define NAME "name = \"t\"; version = \"1\"; source = \"test\";\n"                                       /* line 1 */
#define SHOCKS "shocks = { short_decay_years = 4.0; currencies = { EUR = [200.0, 250.0, 100.0]; }; };\n" /* line 2 */
#define SC(n) #n " = { parallel = 1.0; short = 0.0; long = 0.0; prepayment_scalar = 1.0; term_deposit_scalar = 1.0; };\n"
#define SCEN "scenarios = {\n" SC(parallel_up) SC(parallel_down) SC(steepener) SC(flattener) SC(short_up) SC(short_down) "};\n" /* lines 3-10 */
#define FLOOR "lower_bound = { type = \"none\"; };\n"                                                     /* line 11 */
#define BUCKETS "buckets = { upper = [\"1Y\"]; midpoint_years = [0.5, 2.0]; };\n"                        /* line 12 */
#define KEYS "key_tenors = [\"1Y\", \"5Y\"];\n"                                                         /* line 13 */
#define TESTS "outlier_tests = ( { name = \"eve\"; measure = \"delta_eve\"; scenarios = [\"parallel_up\"]; threshold_tier1 = 0.15; gain_weight = 0.0; } );\n" /* 14 */
#define AGG "aggregation = { loss_weight = 1.0; gain_weight = 0.5; };\n"                                 /* line 15 */
#define REST SCEN FLOOR BUCKETS KEYS TESTS AGG

int main(int argc, char **argv)
{
  BallastRegime r;
  PetscInitialize(&argc, &argv, NULL, NULL);
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  snprintf(tmp, sizeof tmp, "/tmp/ballast-t_regime-%d.cfg", (int)getpid());
  plan(89);

  /* ---- BCBS 2016 ---- */
  is_int(0, load_path(regime_path("bcbs-2016.cfg"), &r), "bcbs-2016.cfg loads");
  is_string("BCBS 2016", r.name, "name");
  is_string("d368-2016-04", r.version, "version");
  contains(r.source, "d368", "source cites BCBS d368");
  is_int(64, (long long)strlen(r.sha256), "SHA-256 of the file recorded");
  is_int(14, r.ncurrencies, "14 currencies (spec's 8 + HKD SGD INR BRL MXN ZAR)");
  is_int(-1, r.default_currency, "no default currency: an unlisted currency is an error");
  const BallastRegimeShock *eur = BallastRegimeShockFind(&r, "EUR"), *gbp = BallastRegimeShockFind(&r, "GBP"), *aud = BallastRegimeShockFind(&r, "AUD");
  ok(eur && gbp && aud, "EUR, GBP, AUD found");
  /* EUR 200/250/100 bp = 0.02/0.025/0.01 */
  is_double(0.02, eur->parallel, 1e-17, "EUR parallel 200 bp");
  is_double(0.025, eur->shrt, 1e-17, "EUR short 250 bp");
  is_double(0.01, eur->lng, 1e-17, "EUR long 100 bp");
  /* GBP 250/300/150 */
  is_double(0.025, gbp->parallel, 1e-17, "GBP parallel 250 bp");
  is_double(0.015, gbp->lng, 1e-17, "GBP long 150 bp");
  /* AUD 300/450/200 */
  is_double(0.045, aud->shrt, 1e-17, "AUD short 450 bp");
  ok(BallastRegimeShockFind(&r, "XYZ") == NULL, "unlisted currency: no sizes");
  is_double(4.0, r.short_decay, 0, "x = 4 in S(t) = exp(-t/x)");
  is_double(-0.65, r.scenario[BALLAST_REG_STEEPENER].shrt, 0, "steepener short coefficient -0.65");
  is_double(0.9, r.scenario[BALLAST_REG_STEEPENER].lng, 0, "steepener long coefficient +0.9");
  is_double(0.8, r.scenario[BALLAST_REG_FLATTENER].shrt, 0, "flattener short coefficient +0.8");
  is_double(-0.6, r.scenario[BALLAST_REG_FLATTENER].lng, 0, "flattener long coefficient -0.6");
  is_double(-1.0, r.scenario[BALLAST_REG_PARALLEL_DOWN].parallel, 0, "parallel_down coefficient -1");
  is_double(0.8, r.scenario[BALLAST_REG_PARALLEL_UP].prepayment_scalar, 0, "prepayment scalar 0.8 in parallel_up");
  is_double(1.2, r.scenario[BALLAST_REG_PARALLEL_DOWN].prepayment_scalar, 0, "prepayment scalar 1.2 in parallel_down");
  is_double(1.2, r.scenario[BALLAST_REG_SHORT_UP].term_deposit_scalar, 0, "term deposit scalar 1.2 in short_up");
  is_double(0.8, r.scenario[BALLAST_REG_SHORT_DOWN].term_deposit_scalar, 0, "term deposit scalar 0.8 in short_down");
  is_int(BALLAST_FLOOR_NONE, r.floor.type, "BCBS: no post-shock lower bound");
  ok(isinf(BallastRegimeLowerBound(&r, 1.0)) && BallastRegimeLowerBound(&r, 1.0) < 0, "... the bound is -infinity");
  is_int(19, r.nbuckets, "19 time buckets");
  is_string("18M", r.bucket_upper[6].text, "bucket 7 ends at 1.5Y");
  is_string("20Y", r.bucket_upper[17].text, "bucket 18 ends at 20Y, bucket 19 open-ended");
  is_double(0.0028, r.bucket_mid[0], 0, "overnight midpoint 0.0028");
  is_double(12.5, r.bucket_mid[16], 0, "(10Y,15Y] midpoint 12.5");
  is_double(25.0, r.bucket_mid[18], 0, ">20Y midpoint 25");
  is_int(11, r.nkey, "11 key tenors");
  is_string("3M", r.key_tenor[0].text, "first key tenor 3M");
  ok(r.key_tenor[10].n == 30 && r.key_tenor[10].unit == 'Y', "last key tenor 30Y");
  is_int(1, r.ntests, "BCBS: one outlier test (EVE)");
  is_int(6, r.test[0].nscenarios, "... over the six scenarios");
  is_double(0.15, r.test[0].threshold_tier1, 0, "... 15 %% of Tier 1");
  is_double(0.0, r.test[0].gain_weight, 0, "... gains do not offset losses");
  is_double(0.5, r.gain_weight, 0, "delta_eve_weighted: gains weighted 0.5");
  is_double(1.0, r.loss_weight, 0, "delta_eve_weighted: losses weighted 1");
  BallastRegimeDestroy(&r);
  ok(r.name == NULL && r.shock == NULL, "destroy zeroes the struct");

  /* ---- EU 2024/856 ---- */
  is_int(0, load_path(regime_path("eu-2024-856.cfg"), &r), "eu-2024-856.cfg loads");
  is_string("EU 2024/856", r.name, "name");
  is_int(8, r.ncurrencies, "the spec's 8 currencies");
  is_double(0.03, BallastRegimeShockFind(&r, "USD")->shrt, 1e-17, "USD short 300 bp");
  is_int(BALLAST_FLOOR_LINEAR, r.floor.type, "EU: linear lower bound");
  is_int(BALLAST_FLOOR_BELOW_OBSERVED, r.floor.below, "... the observed rate where it is below the bound (2024/856 Art 3(7))");
  /* 2024/856 Art 3(7): -150 bp for immediate maturities, +3 bp a year, 0 % at 50 years:
   * b(0) = -0.015, b(10) = -0.015 + 10 x 0.0003 = -0.012, b(50) = -0.015 + 0.015 = 0, b(60) = 0 */
  is_double(-0.015, BallastRegimeLowerBound(&r, 0.0), 1e-17, "bound -150 bp at t = 0");
  is_double(-0.012, BallastRegimeLowerBound(&r, 10.0), 1e-16, "bound -120 bp at 10 years");
  is_double(0.0, BallastRegimeLowerBound(&r, 50.0), 1e-16, "bound 0 at 50 years");
  is_double(0.0, BallastRegimeLowerBound(&r, 60.0), 0, "bound stays 0 beyond 50 years");
  /* the floor applied to a shocked rate (BallastScenarioFloor(r, t, z0, zs)): */
  is_double(-0.012, BallastScenarioFloor(&r, 10.0, 0.01, -0.03), 1e-16, "10Y: 1 %% shocked to -3 %% is floored at -1.2 %%");
  is_double(-0.005, BallastScenarioFloor(&r, 10.0, 0.01, -0.005), 0, "10Y: a shocked rate above the bound is kept");
  is_double(-0.02, BallastScenarioFloor(&r, 0.0, -0.02, -0.04), 0, "0Y: observed -2 %% below the bound: floored at the observed rate");
  is_double(-0.01, BallastScenarioFloor(&r, 0.0, -0.02, -0.01), 0, "0Y: observed below the bound, shocked up: kept");
  is_double(0.0, BallastScenarioFloor(&r, 60.0, 0.02, -0.01), 0, "60Y: floored at 0");
  is_int(2, r.ntests, "EU: EVE and NII outlier tests");
  ok(r.test[1].measure == BALLAST_MEASURE_DELTA_NII && r.test[1].nscenarios == 2 && r.test[1].scenarios[0] == BALLAST_REG_PARALLEL_UP &&
       r.test[1].scenarios[1] == BALLAST_REG_PARALLEL_DOWN,
     "NII test on the two parallel scenarios");
  is_double(0.05, r.test[1].threshold_tier1, 0, "NII: 5 %% of Tier 1");
  is_double(0.5, r.test[0].gain_weight, 0, "EVE: gains weighted 50 %%");
  BallastRegimeDestroy(&r);

  /* ---- fixture: default currency ---- */
  is_int(0, load_path(test_data("regime-default-observed.cfg"), &r), "fixture with default_currency loads");
  ok(BallastRegimeShockFind(&r, "XYZ") == &r.shock[1], "an unlisted currency takes the default (USD) sizes");
  is_int(BALLAST_FLOOR_BELOW_OBSERVED, r.floor.below, "below_bound = observed");
  BallastRegimeDestroy(&r);

  /* ---- errors name file and line ---- */
  is_int(0, load_text(NAME SHOCKS REST, &r), "minimal valid regime loads");
  BallastRegimeDestroy(&r);
  is_int(BALLAST_ERR_USAGE, load_text(NAME SHOCKS REST "shock = 1;\n", &r), "unknown top-level key");
  char want[512];
  snprintf(want, sizeof want, "%s:16: unknown key 'shock'", tmp);
  contains(msg, want, "... message names file, line 16 and key");
  is_int(BALLAST_ERR_USAGE,
         load_text(NAME SHOCKS "scenarios = {\n" SC(parallel_up) SC(parallel_down) "steepener = { parallel = 1.0; shrt = 0.0; long = 0.0; prepayment_scalar = 1.0; term_deposit_scalar = 1.0; };\n" SC(flattener)
                     SC(short_up) SC(short_down) "};\n" FLOOR BUCKETS KEYS TESTS AGG,
                   &r),
         "unknown key inside a scenario");
  contains(msg, ":6: unknown key 'shrt' in steepener", "... names line 6 and the group");
  is_int(BALLAST_ERR_USAGE, load_text(NAME "shocks = { short_decay_years = \"4\"; currencies = { EUR = [200.0, 250.0, 100.0]; }; };\n" REST, &r), "wrong type (string for a number)");
  contains(msg, ":2: key 'short_decay_years' must be a number, not a string", "... names line 2, key and expected type");
  is_int(BALLAST_ERR_USAGE, load_text(NAME "shocks = { short_decay_years = 4.0; currencies = { EUR = [\"200\", \"250\", \"100\"]; }; };\n" REST, &r), "wrong type in shock sizes");
  contains(msg, ":2: shocks.currencies.EUR must hold numbers", "... names the currency");
  is_int(BALLAST_ERR_USAGE, load_text(NAME "shocks = { short_decay_years = 4.0; currencies = { EUR = [200.0, -250.0, 100.0]; }; };\n" REST, &r), "negative shock size");
  is_int(BALLAST_ERR_USAGE, load_text(NAME "shocks = { short_decay_years = 4.0; currencies = { EUR = [200.0, 250.0, 100.0]; }; default_currency = \"USD\"; };\n" REST, &r),
         "default currency not listed");
  contains(msg, ":2: shocks.default_currency 'USD' is not listed", "... says so");
  is_int(BALLAST_ERR_USAGE, load_text(NAME SHOCKS "scenarios = {\n" SC(parallel_up) SC(parallel_down) SC(steepener) SC(flattener) SC(short_up) "};\n" FLOOR BUCKETS KEYS TESTS AGG, &r),
         "a regulatory scenario missing");
  contains(msg, "missing required key 'short_down' in scenarios", "... names it");
  is_int(BALLAST_ERR_USAGE, load_text(NAME SHOCKS SCEN "lower_bound = { type = \"zero\"; };\n" BUCKETS KEYS TESTS AGG, &r), "unknown lower bound type");
  is_int(BALLAST_ERR_USAGE, load_text(NAME SHOCKS SCEN FLOOR "buckets = { upper = [\"1Y\"]; midpoint_years = [0.5]; };\n" KEYS TESTS AGG, &r), "midpoints: one per bucket");
  contains(msg, ":12: buckets.midpoint_years has 1 values; expected 2", "... names line 12 and the counts");
  is_int(BALLAST_ERR_USAGE, load_text(NAME SHOCKS SCEN FLOOR BUCKETS "key_tenors = [\"5Y\", \"1Y\"];\n" TESTS AGG, &r), "key tenors must increase");
  is_int(BALLAST_ERR_USAGE,
         load_text(NAME SHOCKS SCEN FLOOR BUCKETS KEYS
                   "outlier_tests = ( { name = \"eve\"; measure = \"delta_eve\"; scenarios = [\"parallel_up\"]; threshold = 0.15; gain_weight = 0.0; } );\n" AGG,
                   &r),
         "unknown key in an outlier test");
  contains(msg, ":14: unknown key 'threshold' in an entry of outlier_tests", "... names line 14 and the list");
  is_int(BALLAST_ERR_USAGE, load_text(NAME SHOCKS SCEN FLOOR BUCKETS KEYS TESTS "aggregation = { loss_weight = 1.0 };\n", &r), "syntax error");
  contains(msg, ":15:", "... reported with its line");
  is_int(BALLAST_ERR_IO, load_path("/nonexistent/regime.cfg", &r), "a missing file is an I/O error");
  contains(msg, "/nonexistent/regime.cfg", "... naming the file");

  unlink(tmp);
  PetscFinalize();
  return 0;
}
