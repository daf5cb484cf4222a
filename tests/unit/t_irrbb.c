/* IRRBB metrics of `ballast run` against INDEPENDENT expected values (project issue 4, item 5).
 *
 * Every case writes a tiny balance sheet (contracts, curves, FX, run configuration) into a temp
 * directory, runs `ballast run` in-process (BallastCmdRun) and reads alm.nc with the NetCDF C API.
 * The expected values never come from Ballast's functions: this file has its own calendar
 * (days from civil), its own curve (linear in zero rate between pillars, flat beyond; pillar time =
 * ACT/365F days from the as-of date to as-of + tenor / 365), its own regulatory shocks written out
 * from ../shared/spec/metrics.md and the regime files, and its own discounting exp(-z(t) t).
 *
 * Shocks (metrics.md): z_s(t_i) = z_0(t_i) + dR(t_i) at the PILLARS, linear in between; every cash
 * flow of cases 1, 6 and 7 falls exactly ON a pillar (maturity = as-of + pillar tenor), so there
 * z_s(T) = z_0(T) + dR(T) with no interpolation question. S(t) = exp(-t/4), L(t) = 1 - S(t);
 *   parallel_up/down  +/- R_par;   short_up/down  +/- R_short S(t);
 *   steepener  -0.65 |R_short S| + 0.9 |R_long L|;   flattener  +0.8 |R_short S| - 0.6 |R_long L|.
 * Sizes (bp, parallel/short/long): EUR 200/250/100, USD 200/300/150.
 *
 * As-of date of every case: 2026-01-15 (all payment days are the 15th: no end-of-month clamping,
 * 30E360 months are exactly 1/12). */
#define _POSIX_C_SOURCE 200809L
#include "tap/basic.h"
#include <ballast/commands.h>
#include <limits.h>
#include <math.h>
#include <netcdf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ calendar (independent) */

/* days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm) */
static long civil(int y, int m, int d)
{
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void from_days(long z, int *y, int *m, int *d)
{
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp  = (5 * doy + 2) / 153;
  *d       = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m       = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y       = (int)(yoe + era * 400 + (*m <= 2));
}

static long add_months(long day, int n)
{
  int y, m, d;
  from_days(day, &y, &m, &d);
  int k = (y * 12 + (m - 1)) + n;
  y     = k / 12;
  m     = k % 12 + 1;
  static const int ml[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int              last = ml[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
  return civil(y, m, d > last ? last : d);
}

static const char *fmt(long day)
{
  static char buf[8][16];
  static int  k;
  int         y, m, d;
  from_days(day, &y, &m, &d);
  k = (k + 1) % 8;
  snprintf(buf[k], sizeof buf[k], "%04d-%02d-%02d", y, m, d);
  return buf[k];
}

static const long ASOF_Y = 2026, ASOF_M = 1, ASOF_D = 15;
static long       ASOF; /* civil(2026, 1, 15) */

/* ACT/365F years from the as-of date */
static double yrs(long day) { return (double)(day - ASOF) / 365.0; }

/* ------------------------------------------------------------------ curves and shocks */

typedef struct {
  int    n;
  double t[16], z[16];
} Curve;

/* pillar times from tenors in months; zero rates as given */
static Curve curve(int n, const int *months, const double *z)
{
  Curve c;
  c.n = n;
  for (int i = 0; i < n; i++) {
    c.t[i] = yrs(add_months(ASOF, months[i]));
    c.z[i] = z[i];
  }
  return c;
}

static double zero(const Curve *c, double t)
{
  if (t <= c->t[0]) return c->z[0];
  if (t >= c->t[c->n - 1]) return c->z[c->n - 1];
  int i = 0;
  while (c->t[i + 1] < t) i++;
  double w = (t - c->t[i]) / (c->t[i + 1] - c->t[i]);
  return c->z[i] + w * (c->z[i + 1] - c->z[i]);
}

static double P(const Curve *c, double t) { return exp(-zero(c, t) * t); }

/* simply compounded ACT/365F forward over [d, e] (contracts.md) */
static double fwd(const Curve *c, long d, long e) { return (P(c, yrs(d)) / P(c, yrs(e)) - 1.0) / ((double)(e - d) / 365.0); }

typedef struct {
  double par, shrt, lng; /* decimals */
} Sizes;
static const Sizes EUR = {0.0200, 0.0250, 0.0100}, USD = {0.0200, 0.0300, 0.0150};

/* scenario order as configured below; index 0 = base */
enum { BASE, PAR_UP, PAR_DOWN, STEEP, FLAT, SHORT_UP, SHORT_DOWN, NSCEN };
static const char *SCEN[NSCEN] = {"base", "parallel_up", "parallel_down", "steepener", "flattener", "short_up", "short_down"};

static double dR(const Sizes *sz, int s, double t)
{
  double S = exp(-t / 4.0), L = 1.0 - S;
  switch (s) {
  case PAR_UP: return sz->par;
  case PAR_DOWN: return -sz->par;
  case STEEP: return -0.65 * fabs(sz->shrt * S) + 0.9 * fabs(sz->lng * L);
  case FLAT: return 0.8 * fabs(sz->shrt * S) - 0.6 * fabs(sz->lng * L);
  case SHORT_UP: return sz->shrt * S;
  case SHORT_DOWN: return -sz->shrt * S;
  default: return 0.0;
  }
}

/* Post-shock lower bound (regime files): none (BCBS 2016), or EU 2024/856 Art 3(7) as configured
 * in config/regimes/eu-2024-856.cfg: b(t) = min(0, -150 bp + 3 bp t); where the unshocked rate is
 * already below b(t), the bound is the observed rate (below_bound = "observed"). */
typedef struct {
  int    on;
  double at0, slope, max;
} Floor;
static const Floor NOFLOOR = {0, 0, 0, 0}, EBA = {1, -0.0150, 0.0003, 0.0};

static Curve shocked(const Curve *c0, const Sizes *sz, int s, const Floor *fl)
{
  Curve c = *c0;
  for (int i = 0; i < c.n; i++) {
    c.z[i] = c0->z[i] + dR(sz, s, c.t[i]);
    if (fl->on && s != BASE) {
      double b = fmin(fl->max, fl->at0 + fl->slope * c.t[i]);
      if (c0->z[i] < b) b = c0->z[i]; /* observed rate below the bound: it is the bound */
      if (c.z[i] < b) c.z[i] = b;
    }
  }
  return c;
}

/* ------------------------------------------------------------------ inputs and the run */

static char SRC[PATH_MAX], TMP[PATH_MAX - 128];

static const char *HEADER =
  "contractID,portfolio,legalEntity,contractType,contractRole,currency,statusDate,initialExchangeDate,maturityDate,notionalPrincipal,nominalInterestRate,dayCountConvention,"
  "cycleAnchorDateOfInterestPayment,cycleOfInterestPayment,cycleAnchorDateOfPrincipalRedemption,cycleOfPrincipalRedemption,nextPrincipalRedemptionPayment,"
  "cycleAnchorDateOfRateReset,cycleOfRateReset,rateSpread,marketObjectCodeOfRateReset,lifeCap,lifeFloor,nominalInterestRate2,accruedInterest,xDayNotice,counterpartyType,"
  "depositStability,operational,insured,hqlaLevel,encumberedUntil,riskWeight,undrawnCommitment,facilityType,behaviourSegment";

/* One contract row: "column", "value", ..., NULL; the other columns empty. */
static void row(FILE *f, ...)
{
  char    hdr[2048], *save = NULL;
  int     first = 1;
  va_list ap;
  snprintf(hdr, sizeof hdr, "%s", HEADER);
  for (char *col = strtok_r(hdr, ",", &save); col; col = strtok_r(NULL, ",", &save)) {
    const char *v = "", *k;
    va_start(ap, f);
    while ((k = va_arg(ap, const char *))) {
      const char *val = va_arg(ap, const char *);
      if (!strcmp(k, col)) v = val;
    }
    va_end(ap);
    fprintf(f, "%s%s", first ? "" : ",", v);
    first = 0;
  }
  fputc('\n', f);
}

static char DIR_[PATH_MAX];
static FILE *contracts_open(const char *name)
{
  char p[PATH_MAX + 128];
  snprintf(DIR_, sizeof DIR_, "%s/%s", TMP, name);
  mkdir(DIR_, 0777);
  snprintf(p, sizeof p, "%s/contracts.csv", DIR_);
  FILE *f = fopen(p, "w");
  if (!f) bail("cannot write %s", p);
  fprintf(f, "%s\n", HEADER);
  return f;
}

static void write_curve(FILE *f, const char *id, const char *ccy, const Curve *c, const int *months)
{
  for (int i = 0; i < c->n; i++) {
    if (months[i] % 12 == 0) fprintf(f, "%s,%s,%dY,%.17g\n", id, ccy, months[i] / 12, c->z[i]);
    else fprintf(f, "%s,%s,%dM,%.17g\n", id, ccy, months[i], c->z[i]);
  }
}

/* Finish the case in DIR_: curves (already written by the caller to curves.csv), fx, config; run. */
static int run_case(const char *regime, const char *discount, double tier1)
{
  char  p[PATH_MAX + 128], out[PATH_MAX + 128];
  FILE *f;
  snprintf(p, sizeof p, "%s/fx.csv", DIR_);
  if (!(f = fopen(p, "w"))) bail("cannot write %s", p);
  fprintf(f, "currency,rate\nEUR,1.0\nUSD,0.9\n");
  fclose(f);
  snprintf(p, sizeof p, "%s/run.cfg", DIR_);
  if (!(f = fopen(p, "w"))) bail("cannot write %s", p);
  fprintf(f,
          "run = { name = \"irrbb\"; as_of = \"%s\"; reporting_currency = \"EUR\"; group = \"BANK\"; };\n"
          "input = { contracts = [\"%s/contracts.csv\"]; curves = \"%s/curves.csv\"; fx = \"%s/fx.csv\"; };\n"
          "output = { dir = \"%s/unused\"; };\n"
          "regime = \"%s/config/regimes/%s\";\n"
          "scenarios = [\"base\", \"parallel_up\", \"parallel_down\", \"steepener\", \"flattener\", \"short_up\", \"short_down\"];\n"
          "discount_curves = { %s };\n"
          "capital = { tier1 = %.17g; tier2 = 0.0; };\n"
          "nii = { horizon_months = 12; };\n",
          fmt(ASOF), DIR_, DIR_, DIR_, DIR_, SRC, regime, discount, tier1);
  fclose(f);
  snprintf(out, sizeof out, "%s/out", DIR_);
  char *argv[] = {(char *)"run", p, (char *)"--output", out, NULL};
  /* the run's report goes to run.log, not into the TAP stream */
  char log[PATH_MAX + 128];
  snprintf(log, sizeof log, "%s/run.log", DIR_);
  fflush(stdout);
  int saved = dup(1), fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (saved < 0 || fd < 0) bail("cannot redirect the run's output to %s", log);
  dup2(fd, 1);
  close(fd);
  int rc = (int)BallastCmdRun(4, argv);
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  if (rc) diag("ballast run failed with %d: see %s", rc, log);
  return rc;
}

/* ------------------------------------------------------------------ alm.nc */

typedef struct {
  int    ncid;
  size_t nscen, nccy, nport;
  char **scen, **ccy, **port;
} Out;

static char **labels(int ncid, const char *var, size_t *n)
{
  int vid, did;
  if (nc_inq_varid(ncid, var, &vid) || nc_inq_vardimid(ncid, vid, &did) || nc_inq_dimlen(ncid, did, n)) bail("alm.nc: no %s", var);
  char **v = calloc(*n, sizeof *v);
  if (nc_get_var_string(ncid, vid, v)) bail("alm.nc: cannot read %s", var);
  return v;
}

static int open_out(Out *o)
{
  char p[PATH_MAX + 128];
  snprintf(p, sizeof p, "%s/out/alm.nc", DIR_);
  memset(o, 0, sizeof *o);
  if (nc_open(p, NC_NOWRITE, &o->ncid)) return -1;
  o->scen = labels(o->ncid, "scenario_name", &o->nscen);
  o->ccy  = labels(o->ncid, "currency_code", &o->nccy);
  o->port = labels(o->ncid, "portfolio_name", &o->nport);
  return 0;
}

static void close_out(Out *o)
{
  nc_free_string(o->nscen, o->scen);
  nc_free_string(o->nccy, o->ccy);
  nc_free_string(o->nport, o->port);
  free(o->scen);
  free(o->ccy);
  free(o->port);
  nc_close(o->ncid);
}

static size_t find(char **l, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (!strcmp(l[i], name)) return i;
  bail("label %s not in alm.nc", name);
}

static double get(const Out *o, const char *var, int nidx, const size_t *idx)
{
  int    vid, nd;
  double v = NAN;
  if (nc_inq_varid(o->ncid, var, &vid) || nc_inq_varndims(o->ncid, vid, &nd) || nd != nidx || nc_get_var1_double(o->ncid, vid, idx, &v)) bail("alm.nc: cannot read %s", var);
  return v;
}

/* var(action 0, scenario s, currency c) */
static double asc(const Out *o, const char *var, int s, const char *c)
{
  size_t i[3] = {0, find(o->scen, o->nscen, SCEN[s]), find(o->ccy, o->nccy, c)};
  return get(o, var, 3, i);
}
/* var(action 0, scenario s) */
static double as(const Out *o, const char *var, int s)
{
  size_t i[2] = {0, find(o->scen, o->nscen, SCEN[s])};
  return get(o, var, 2, i);
}
/* var(action 0, scenario s, portfolio p) */
static double asp(const Out *o, const char *var, int s, const char *p)
{
  size_t i[3] = {0, find(o->scen, o->nscen, SCEN[s]), find(o->port, o->nport, p)};
  return get(o, var, 3, i);
}
static double c1(const Out *o, const char *var, const char *c)
{
  size_t i[1] = {find(o->ccy, o->nccy, c)};
  return get(o, var, 1, i);
}
static double c2(const Out *o, const char *var, const char *c, size_t k)
{
  size_t i[2] = {find(o->ccy, o->nccy, c), k};
  return get(o, var, 2, i);
}


static const char *num(double x)
{
  static char buf[16][40];
  static int  k;
  k = (k + 1) % 16;
  snprintf(buf[k], sizeof buf[k], "%.17g", x);
  return buf[k];
}

/* run the case and open its alm.nc; one test point for the run itself */
static int run_and_open(const char *name, const char *regime, const char *discount, double tier1, Out *o)
{
  int rc = run_case(regime, discount, tier1);
  ok(rc == 0, "%s: ballast run exits 0", name);
  if (rc) return -1;
  int st = open_out(o);
  ok(st == 0, "%s: alm.nc opens", name);
  return st;
}

/* The common EUR curve: pillars 3M 1.8 %, 1Y 2.0 %, 5Y 2.6 %, 10Y 3.0 % (continuously compounded). */
static const int    EUR_M[] = {3, 12, 60, 120};
static const double EUR_Z[] = {0.018, 0.020, 0.026, 0.030};
/* The USD curve of case 6: 3M 4.0 %, 1Y 4.2 %, 5Y 4.0 %, 10Y 4.1 %. */
static const int    USD_M[] = {3, 12, 60, 120};
static const double USD_Z[] = {0.040, 0.042, 0.040, 0.041};

static FILE *curves_open(void)
{
  char p[PATH_MAX + 128];
  snprintf(p, sizeof p, "%s/curves.csv", DIR_);
  FILE *f = fopen(p, "w");
  if (!f) bail("cannot write %s", p);
  fprintf(f, "curveID,currency,tenor,rate\n");
  return f;
}

/* The zero-coupon bond of cases 1, 4, 6, 7: PAM, rate 0, issued a year before the as-of date,
 * maturing at as-of + `months` (a pillar of the curve), bullet repayment of N. */
static void zcb(FILE *f, const char *id, const char *port, const char *ccy, const char *role, double N, int months)
{
  row(f, "contractID", id, "portfolio", port, "legalEntity", "BANK", "contractType", "PAM", "contractRole", role, "currency", ccy, "statusDate", fmt(ASOF), "initialExchangeDate",
      fmt(add_months(ASOF, -12)), "maturityDate", fmt(add_months(ASOF, months)), "notionalPrincipal", num(N), "nominalInterestRate", "0", "dayCountConvention", "A365",
      "accruedInterest", "0", NULL);
}

/* ---- the annuity of cases 2 and 4: 10 years monthly, 30E360, originated on the as-of date ---- */
#define ANN_N 200000.0
#define ANN_R 0.04
#define ANN_K 120
static double ann_instalment(void)
{
  /* closed form: A = N i / (1 - (1 + i)^-n), i = r / 12 (every 30E360 month between the 15ths is 30/360) */
  double i = ANN_R / 12.0;
  return ANN_N * i / (1.0 - pow(1.0 + i, -ANN_K));
}
static void ann(FILE *f, const char *id, const char *port)
{
  row(f, "contractID", id, "portfolio", port, "legalEntity", "BANK", "contractType", "ANN", "contractRole", "RPA", "currency", "EUR", "statusDate", fmt(ASOF), "initialExchangeDate",
      fmt(ASOF), "maturityDate", fmt(add_months(ASOF, ANN_K)), "notionalPrincipal", num(ANN_N), "nominalInterestRate", num(ANN_R), "dayCountConvention", "30E360",
      "cycleAnchorDateOfInterestPayment", fmt(add_months(ASOF, 1)), "cycleOfInterestPayment", "P1ML0", "cycleAnchorDateOfPrincipalRedemption", fmt(add_months(ASOF, 1)),
      "cycleOfPrincipalRedemption", "P1ML0", "nextPrincipalRedemptionPayment", num(ann_instalment()), NULL);
}
/* Independent amortisation: month k pays interest B r/12 and principal A - B r/12; the last
 * month pays the remaining balance plus its interest. Cash flow k at as-of + k months. */
static void ann_flows(double *flow, long *day)
{
  double A = ann_instalment(), B = ANN_N;
  for (int k = 1; k <= ANN_K; k++) {
    double in = B * ANN_R / 12.0;
    flow[k - 1] = k < ANN_K ? A : B + in;
    B -= A - in;
    day[k - 1] = add_months(ASOF, k);
  }
}
/* PV of the annuity on curve c, optionally bumped by 1e-4 w(t) (w NULL: no bump) */
static double ann_pv(const Curve *c, double (*w)(double, int), int key)
{
  double flow[ANN_K], pv = 0;
  long   day[ANN_K];
  ann_flows(flow, day);
  for (int k = 0; k < ANN_K; k++) {
    double t = yrs(day[k]);
    pv += flow[k] * exp(-(zero(c, t) + (w ? 1e-4 * w(t, key) : 0.0)) * t);
  }
  return pv;
}

/* ---- the floating note of cases 3 and 4: PAM, quarterly resets on the discount curve itself,
 * rateSpread 0, issued 2025-01-15, maturing 2031-01-15, loaded on its reset date 2026-01-15 (the
 * as-of date) with the coupon of the current quarter fixed at the base forward F0 over
 * [as-of, as-of + 3M]. ---- */
#define FRN_N 1000000.0
static double frn_F0(const Curve *c) { return fwd(c, ASOF, add_months(ASOF, 3)); }
static void   frn(FILE *f, const char *id, const char *port, const Curve *c)
{
  row(f, "contractID", id, "portfolio", port, "legalEntity", "BANK", "contractType", "PAM", "contractRole", "RPA", "currency", "EUR", "statusDate", fmt(ASOF), "initialExchangeDate",
      fmt(add_months(ASOF, -12)), "maturityDate", fmt(add_months(ASOF, 60)), "notionalPrincipal", num(FRN_N), "nominalInterestRate", num(frn_F0(c)), "dayCountConvention", "A365",
      "cycleAnchorDateOfInterestPayment", fmt(add_months(ASOF, -9)), "cycleOfInterestPayment", "P3ML0", "cycleAnchorDateOfRateReset", fmt(add_months(ASOF, -9)), "cycleOfRateReset",
      "P3ML0", "rateSpread", "0", "marketObjectCodeOfRateReset", "EUR_C", "accruedInterest", "0", NULL);
}
/* Closed form: every later coupon N F_i tau_i = N (P(d_i)/P(d_i+1) - 1) on the same curve that
 * discounts, so the coupons and the repayment telescope to N P(d_1): PV = N (1 + F0 tau_1) P(t_1)
 * with d_1 = as-of + 3M, for any curve (shocked or bumped) used for both. */
static double frn_pv(const Curve *c, double F0, double bump)
{
  double t1 = yrs(add_months(ASOF, 3));
  return FRN_N * (1.0 + F0 * t1) * exp(-(zero(c, t1) + bump) * t1);
}

/* ---- key rates: regime key tenors 3M 6M 1Y 2Y 3Y 5Y 7Y 10Y 15Y 20Y 30Y; triangles 1 at the key
 * time, 0 at the neighbours, the first flat to the left, the last flat to the right ---- */
#define NKEY 11
static const int KEY_M[NKEY] = {3, 6, 12, 24, 36, 60, 84, 120, 180, 240, 360};
static double    key_w(double t, int k)
{
  double tk[NKEY];
  for (int j = 0; j < NKEY; j++) tk[j] = yrs(add_months(ASOF, KEY_M[j]));
  if (t <= tk[0]) return k == 0;
  if (t >= tk[NKEY - 1]) return k == NKEY - 1;
  if (k > 0 && t > tk[k - 1] && t <= tk[k]) return (t - tk[k - 1]) / (tk[k] - tk[k - 1]);
  if (k < NKEY - 1 && t > tk[k] && t < tk[k + 1]) return (tk[k + 1] - t) / (tk[k + 1] - tk[k]);
  return 0.0;
}
static double one(double t, int k)
{
  (void)t;
  (void)k;
  return 1.0;
}

/* ================================================================== case 1: zero-coupon bond */
static void case_zcb(void)
{
  Curve  c = curve(4, EUR_M, EUR_Z);
  double N = 1e6;
  FILE  *f = contracts_open("zcb");
  zcb(f, "ZCB-5Y", "ZCB", "EUR", "RPA", N, 60);
  fclose(f);
  f = curves_open();
  write_curve(f, "EUR_C", "EUR", &c, EUR_M);
  fclose(f);
  Out o;
  if (run_and_open("case 1 (zero-coupon bond)", "bcbs-2016.cfg", "EUR = \"EUR_C\";", 1e9, &o)) return;
  /* T = ACT/365F(2026-01-15, 2031-01-15) = 1826/365 (2028 is a leap year) = the 5Y pillar's time,
   * so z_s(T) = 2.6 % + dR_s(T) exactly; EVE_s = N exp(-z_s(T) T). E.g. base 1e6 exp(-0.026 *
   * 5.0027397) = 878,032.88; parallel_up 1e6 exp(-0.046 T) = 794,433.48. */
  double T = yrs(add_months(ASOF, 60));
  is_int(1826, add_months(ASOF, 60) - ASOF, "case 1: maturity 1826 days after the as-of date");
  double base = N * exp(-0.026 * T);
  for (int s = 0; s < NSCEN; s++) {
    double want = N * exp(-(0.026 + dR(&EUR, s, T)) * T);
    is_close(want, asc(&o, "eve", s, "EUR"), 1e-12, 1e-6, "case 1: eve[%s] = N exp(-(2.6%% + dR(T)) T) = %.4f", SCEN[s], want);
    is_close(want - base, asc(&o, "delta_eve", s, "EUR"), 1e-9, 1e-6, "case 1: delta_eve[%s] = %.4f", SCEN[s], want - base);
    /* standardised: the repayment sits in the (4Y,5Y] bucket, midpoint 4.5 y; the shocked rate at
     * the midpoint is z_0(4.5) + dR(4.5) with z_0 interpolated between the 1Y and 5Y pillars
     * (docs/decisions.md: R_s(t_k) evaluated exactly at the midpoint) */
    double zm = zero(&c, 4.5) + dR(&EUR, s, 4.5), wstd = N * exp(-zm * 4.5);
    is_close(wstd, asc(&o, "eve_standardised", s, "EUR"), 1e-12, 1e-6, "case 1: eve_standardised[%s] = N exp(-R_s(4.5) 4.5) = %.4f", SCEN[s], wstd);
  }
  /* repricing gap: the principal reprices at maturity, bucket (4Y,5Y] = index 10 */
  double other = 0;
  for (size_t k = 0; k < 19; k++)
    if (k != 10) other += fabs(c2(&o, "repricing_gap", "EUR", k));
  is_close(N, c2(&o, "repricing_gap", "EUR", 10), 1e-15, 0, "case 1: repricing_gap[EUR, (4Y,5Y]] = N");
  is_double(0.0, other, 0.0, "case 1: nothing else in the repricing gap");
  /* PV01: +1 bp everywhere: N (exp(-(z + 1e-4) T) - exp(-z T)) = -439.147; the 5Y key triangle is 1
   * at T (key time = pillar time), every other key triangle 0 at T */
  double pv01 = N * (exp(-(0.026 + 1e-4) * T) - exp(-0.026 * T));
  is_close(pv01, c1(&o, "pv01", "EUR"), 1e-8, 1e-9, "case 1: pv01 = N (exp(-(z+1bp)T) - exp(-zT)) = %.6f", pv01);
  for (size_t k = 0; k < NKEY; k++) {
    double want = k == 5 ? pv01 : 0.0;
    is_close(want, c2(&o, "key_rate_pv01", "EUR", k), 1e-8, 1e-9, "case 1: key_rate_pv01[%d months] = %.6f", KEY_M[k], want);
  }
  close_out(&o);
}

/* ================================================================== case 2: annuity */
static void case_ann(void)
{
  /* flat 3 %: pillars 1M 1Y 5Y 10Y 30Y all at 0.03 */
  static const int    M[] = {1, 12, 60, 120, 360};
  static const double Z[] = {0.03, 0.03, 0.03, 0.03, 0.03};
  Curve               c   = curve(5, M, Z);
  FILE               *f   = contracts_open("ann");
  ann(f, "ANN-10Y", "ANN");
  fclose(f);
  f = curves_open();
  write_curve(f, "EUR_C", "EUR", &c, M);
  fclose(f);
  Out o;
  if (run_and_open("case 2 (annuity)", "bcbs-2016.cfg", "EUR = \"EUR_C\";", 1e9, &o)) return;
  /* base, closed form on the flat curve: A sum_k exp(-0.03 t_k), t_k = ACT/365F(as-of, as-of + k
   * months), A = 200000 (0.04/12) / (1 - (1 + 0.04/12)^-120) = 2024.9 */
  double flow[ANN_K], A = ann_instalment(), closed = 0;
  long   day[ANN_K];
  ann_flows(flow, day);
  for (int k = 0; k < ANN_K; k++) closed += A * exp(-0.03 * yrs(day[k]));
  is_close(closed, asc(&o, "eve", BASE, "EUR"), 1e-9, 1e-6, "case 2: eve[base] = A sum exp(-3%% t_k) = %.4f (A = %.6f)", closed, A);
  is_close(flow[ANN_K - 1], A, 1e-9, 0, "case 2: (the independent amortisation repays the loan with the last instalment)");
  /* every scenario: the independent amortisation's flows on the shocked flat curve (shocks at the
   * pillars, linear in between) */
  for (int s = 0; s < NSCEN; s++) {
    Curve  cs   = shocked(&c, &EUR, s, &NOFLOOR);
    double want = ann_pv(&cs, NULL, 0);
    is_close(want, asc(&o, "eve", s, "EUR"), 1e-10, 1e-6, "case 2: eve[%s] = sum f_k exp(-z_s(t_k) t_k) = %.4f", SCEN[s], want);
  }
  close_out(&o);
}

/* ================================================================== case 3: floating note */
static void case_frn(void)
{
  Curve c = curve(4, EUR_M, EUR_Z);
  FILE *f = contracts_open("frn");
  frn(f, "FRN-5Y", "FRN", &c);
  fclose(f);
  f = curves_open();
  write_curve(f, "EUR_C", "EUR", &c, EUR_M);
  fclose(f);
  Out o;
  if (run_and_open("case 3 (floating note)", "bcbs-2016.cfg", "EUR = \"EUR_C\";", 1e9, &o)) return;
  /* Base: the current coupon is the base forward F0 = (1/P(t1) - 1)/t1 and the index curve is
   * the discount curve, so PV = N (1 + F0 t1) P(t1) = N exactly; the tolerance 1e-10 relative
   * allows only floating-point rounding: any real difference would mean the resets and the
   * discounting used different curves, days or periods. */
  double F0 = frn_F0(&c), t1 = yrs(add_months(ASOF, 3));
  is_close(FRN_N, asc(&o, "eve", BASE, "EUR"), 1e-10, 0, "case 3: eve[base] = notional (rtol 1e-10: same curve for index and discounting)");
  /* Scenarios: the current coupon stays F0 (fixed at the reset on the as-of date), the later ones
   * reset on the shocked curve that also discounts: PV_s = N (1 + F0 t1) exp(-z_s(t1) t1), t1 =
   * 90/365 = the 3M pillar, z_s(t1) = 1.8 % + dR(t1). */
  for (int s = 0; s < NSCEN; s++) {
    double want = FRN_N * (1 + F0 * t1) * exp(-(0.018 + dR(&EUR, s, t1)) * t1);
    is_close(want, asc(&o, "eve", s, "EUR"), 1e-10, 1e-6, "case 3: eve[%s] = N (1 + F0 t1) exp(-z_s(t1) t1) = %.4f", SCEN[s], want);
  }
  /* NII (horizon H = as-of + 12 months = 2027-01-15): no principal before H; four coupons, the
   * first N F0 t1, then N F_s(d_i, d_i+1) tau_i = N (P_s(d_i)/P_s(d_i+1) - 1) for d_i = as-of + 3i
   * months, i = 1..3. The last one is paid ON the horizon end and covers [2026-10-15, 2027-01-15],
   * wholly inside the horizon: it counts in full, and the accrued interest at H is then 0.
   * Base: 4,448.22 + 4,827.48 + 5,217.81 + 5,556.92 = 20,050.43. */
  for (int s = 0; s < NSCEN; s++) {
    Curve  cs   = shocked(&c, &EUR, s, &NOFLOOR);
    double want = FRN_N * F0 * t1;
    for (int i = 1; i <= 3; i++) want += FRN_N * (P(&cs, yrs(add_months(ASOF, 3 * i))) / P(&cs, yrs(add_months(ASOF, 3 * i + 3))) - 1.0);
    is_close(want, asc(&o, "nii", s, "EUR"), 1e-10, 1e-6, "case 3: nii[%s] = four coupons, the last paid on the horizon end = %.4f", SCEN[s], want);
  }
  close_out(&o);
}

/* ================================================================== case 4: key-rate PV01 */
static void case_keyrate(void)
{
  Curve c = curve(4, EUR_M, EUR_Z);
  FILE *f = contracts_open("keyrate");
  zcb(f, "ZCB-5Y", "P1", "EUR", "RPA", 1e6, 60);
  ann(f, "ANN-10Y", "P2");
  frn(f, "FRN-5Y", "P3", &c);
  zcb(f, "ZCB-10Y-L", "P4", "EUR", "RPL", 5e5, 120);
  fclose(f);
  f = curves_open();
  write_curve(f, "EUR_C", "EUR", &c, EUR_M);
  fclose(f);
  Out o;
  if (run_and_open("case 4 (key-rate PV01)", "bcbs-2016.cfg", "EUR = \"EUR_C\";", 1e9, &o)) return;
  /* PV under the curve bumped by 1e-4 w(t) (w = 1: parallel; w = key triangle k), minus base:
   * ZCBs N (exp(-(z(T) + 1e-4 w(T)) T) - exp(-z(T) T)); the annuity's fixed flows likewise; the
   * floater by its closed form N (1 + F0 t1) P_bumped(t1) (its later resets move with the bump). */
  double F0 = frn_F0(&c), T5 = yrs(add_months(ASOF, 60)), T10 = yrs(add_months(ASOF, 120)), t1 = yrs(add_months(ASOF, 3));
  double base = 1e6 * exp(-0.026 * T5) + ann_pv(&c, NULL, 0) + frn_pv(&c, F0, 0) - 5e5 * exp(-0.030 * T10);
  is_close(base, asc(&o, "eve", BASE, "EUR"), 1e-10, 1e-6, "case 4: eve[base] of the four contracts = %.4f", base);
  double want_pv01 = 1e6 * exp(-(0.026 + 1e-4) * T5) + ann_pv(&c, one, 0) + frn_pv(&c, F0, 1e-4) - 5e5 * exp(-(0.030 + 1e-4) * T10) - base;
  double pv01 = c1(&o, "pv01", "EUR"), sum = 0;
  is_close(want_pv01, pv01, 1e-7, 1e-6, "case 4: pv01 = %.6f", want_pv01);
  for (int k = 0; k < NKEY; k++) {
    double want = 1e6 * exp(-(0.026 + 1e-4 * key_w(T5, k)) * T5) + ann_pv(&c, key_w, k) + frn_pv(&c, F0, 1e-4 * key_w(t1, k)) - 5e5 * exp(-(0.030 + 1e-4 * key_w(T10, k)) * T10) - base;
    double seen = c2(&o, "key_rate_pv01", "EUR", (size_t)k);
    is_close(want, seen, 1e-6, 1e-6, "case 4: key_rate_pv01[%d months] = %.6f", KEY_M[k], want);
    sum += seen;
  }
  is_close(pv01, sum, 0.01, 0, "case 4: sum of key_rate_pv01 = %.6f within 1 %% of pv01 = %.6f", sum, pv01);
  close_out(&o);
}

/* ================================================================== case 5: NII with a maturity inside the horizon */
static void case_nii(void)
{
  Curve  c = curve(4, EUR_M, EUR_Z);
  double N = 1e6, r = 0.035;
  long   mat = add_months(ASOF, 6); /* 2026-07-15: 181 days */
  FILE  *f   = contracts_open("nii");
  row(f, "contractID", "LOAN-6M", "portfolio", "LOANS", "legalEntity", "BANK", "contractType", "PAM", "contractRole", "RPA", "currency", "EUR", "statusDate", fmt(ASOF),
      "initialExchangeDate", fmt(ASOF), "maturityDate", fmt(mat), "notionalPrincipal", num(N), "nominalInterestRate", num(r), "dayCountConvention", "A365", NULL);
  fclose(f);
  f = curves_open();
  write_curve(f, "EUR_C", "EUR", &c, EUR_M);
  fclose(f);
  Out o;
  if (run_and_open("case 5 (NII)", "bcbs-2016.cfg", "EUR = \"EUR_C\";", 1e9, &o)) return;
  /* Horizon H = 2027-01-15. Original term T = 181 days (IED to maturity).
   *  (a) the loan's own interest, paid at maturity: N r 181/365 = 17,356.16 (scenario-invariant);
   *  (b) the repayment on d = 2026-07-15 is replaced by the same loan over [d, d+181] =
   *      [2026-07-15, 2027-01-12] at F_s(d, d+181) + m, m = r - F_base(as-of, as-of+181), A365;
   *  (c) it rolls on 2027-01-12 for another 181 days, of which 3 days fall before H:
   *      N (F_s(2027-01-12, 2027-07-12) + m) 3/365.
   * Forwards are simply compounded ACT/365F on the shocked EUR curve (shocks at pillars 3M 1Y 5Y
   * 10Y, linear in between; these dates lie between the 3M and 1Y pillars, and beyond 1Y).
   * Base: 17,356.16 + 18,674.71 + 317.35 = 36,348.22 (before the fix of src/metrics/irrbb.c, Ballast
   * gave 19,321.69: it took the MD payoff 1,017,356.16 for principal, lost the interest and
   * replaced 1.7 % too much). */
  long   H = add_months(ASOF, 12), d = mat, e = d + 181, e2 = e + 181;
  double m = r - fwd(&c, ASOF, ASOF + 181), base = 0;
  is_int(181, mat - ASOF, "case 5: the loan runs 181 days");
  ok(e < H && e2 > H, "case 5: the replacement rolls once before the horizon (%s < %s < %s)", fmt(e), fmt(H), fmt(e2));
  for (int s = 0; s < NSCEN; s++) {
    Curve  cs   = shocked(&c, &EUR, s, &NOFLOOR);
    /* the replacement's rate is the par rate at the end of its replacement month (src/metrics/nii.c),
     * for this bullet paying interest at maturity the forward over the term: d is a month end; the
     * roll on e = 2027-01-12 falls in month 12, which ends on H */
    double want = N * r * 181 / 365.0 + N * (fwd(&cs, d, e) + m) * (e - d) / 365.0 + N * (fwd(&cs, H, H + 181) + m) * (H - e) / 365.0;
    if (s == BASE) base = want;
    is_close(want, asc(&o, "nii", s, "EUR"), 1e-10, 1e-6, "case 5: nii[%s] = %.4f", SCEN[s], want);
    is_close(want - base, asc(&o, "delta_nii", s, "EUR"), 1e-8, 1e-6, "case 5: delta_nii[%s] = %.4f", SCEN[s], want - base);
    is_close(want, asp(&o, "nii_portfolio", s, "LOANS"), 1e-10, 1e-6, "case 5: nii_portfolio[%s, LOANS]", SCEN[s]);
    double dn = want - base;
    is_close((dn < 0 ? 1.0 : 0.5) * dn, as(&o, "delta_nii_weighted", s), 1e-8, 1e-6, "case 5: delta_nii_weighted[%s] = %s x delta_nii", SCEN[s], dn < 0 ? "1" : "0.5");
  }
  /* The engine pays this loan's interest inside its MD event (ACTUS: MD pays Nt + accrued, there is
   * no interest cycle): the repricing gap holds the principal only, 1e6 at 181 days = the 6M
   * bucket's upper bound, bucket (3M,6M] = index 3 (not 1,017,356.16 with the interest). */
  is_close(N, c2(&o, "repricing_gap", "EUR", 3), 1e-15, 0, "case 5: repricing_gap[EUR, (3M,6M]] = principal only");
  close_out(&o);
}

/* ================================================================== case 6: two currencies */
static void case_ccy(void)
{
  Curve  ce = curve(4, EUR_M, EUR_Z), cu = curve(4, USD_M, USD_Z);
  double N = 1e6, fxu = 0.9, tier1 = 4e5;
  FILE  *f = contracts_open("ccy");
  zcb(f, "EUR-ASSET", "EURA", "EUR", "RPA", N, 60);
  zcb(f, "USD-LIAB", "USDL", "USD", "RPL", N, 60);
  fclose(f);
  f = curves_open();
  write_curve(f, "EUR_C", "EUR", &ce, EUR_M);
  write_curve(f, "USD_C", "USD", &cu, USD_M);
  fclose(f);
  Out o;
  if (run_and_open("case 6 (currency aggregation)", "bcbs-2016.cfg", "EUR = \"EUR_C\"; USD = \"USD_C\";", tier1, &o)) return;
  /* EUR asset: EVE_E = N exp(-(2.6 % + dR_EUR(T)) T); USD liability: EVE_U = -N exp(-(4.0 % +
   * dR_USD(T)) T), both at the 5Y pillar T = 1826/365; FX USD = 0.9 EUR.
   * eve_loss_s = max(0, -dE) + max(0, -dU) 0.9 (gains do not offset);
   * delta_eve_weighted_s = sum_c w_c d_c fx_c, w = 1 for a loss, 0.5 for a gain.
   * parallel_up: dE = -83,599.41 (loss), dU = +77,944.58 USD (gain): eve_loss = 83,599.41,
   * weighted = -83,599.41 + 0.5 * 0.9 * 77,944.58 = -48,524.35. */
  double T = yrs(add_months(ASOF, 60)), E0 = N * exp(-0.026 * T), U0 = -N * exp(-0.040 * T), worst = -INFINITY;
  for (int s = 0; s < NSCEN; s++) {
    double E = N * exp(-(0.026 + dR(&EUR, s, T)) * T), U = -N * exp(-(0.040 + dR(&USD, s, T)) * T), dE = E - E0, dU = U - U0;
    double loss = fmax(0, -dE) + fmax(0, -dU) * fxu;
    double w    = (dE < 0 ? 1.0 : 0.5) * dE + (dU < 0 ? 1.0 : 0.5) * dU * fxu;
    if (s == PAR_UP) ok(dE < 0 && dU > 0, "case 6: parallel_up: the EUR asset loses (%.2f), the USD liability gains (%.2f)", dE, dU);
    if (s == PAR_DOWN) ok(dE > 0 && dU < 0, "case 6: parallel_down: the EUR asset gains (%.2f), the USD liability loses (%.2f)", dE, dU);
    is_close(U, asc(&o, "eve", s, "USD"), 1e-12, 1e-6, "case 6: eve[%s, USD] = %.4f (liability: negative)", SCEN[s], U);
    is_close(dU, asc(&o, "delta_eve", s, "USD"), 1e-9, 1e-6, "case 6: delta_eve[%s, USD] = %.4f", SCEN[s], dU);
    is_close(dE, asc(&o, "delta_eve", s, "EUR"), 1e-9, 1e-6, "case 6: delta_eve[%s, EUR] = %.4f", SCEN[s], dE);
    is_close(loss, as(&o, "eve_loss", s), 1e-9, 1e-6, "case 6: eve_loss[%s] = %.4f", SCEN[s], loss);
    is_close(w, as(&o, "delta_eve_weighted", s), 1e-9, 1e-6, "case 6: delta_eve_weighted[%s] = %.4f", SCEN[s], w);
    is_close(U * fxu, asp(&o, "eve_portfolio", s, "USDL"), 1e-12, 1e-6, "case 6: eve_portfolio[%s, USDL] = EVE_U x 0.9", SCEN[s]);
    if (s != BASE && loss > worst) worst = loss;
  }
  /* BCBS outlier test: worst over the six scenarios of the losses-only aggregate, against 15 % of
   * Tier 1 */
  size_t i0[1] = {0};
  is_close(worst, get(&o, "outlier_test_decline", 1, i0), 1e-9, 1e-6, "case 6: outlier_test_decline = max_s eve_loss = %.4f", worst);
  is_close(worst / tier1, get(&o, "outlier_test_ratio", 1, i0), 1e-9, 0, "case 6: outlier_test_ratio = %.6f", worst / tier1);
  is_double(worst / tier1 > 0.15 ? 1 : 0, get(&o, "outlier_test_flag", 1, i0), 0, "case 6: outlier_test_flag = %d", worst / tier1 > 0.15);
  close_out(&o);
}

/* ================================================================== case 7: post-shock floor (EU 2024/856) */
static void case_floor(void)
{
  /* low rates: 1Y -1.6 % (below the bound -1.47 % there), 5Y 0.5 %, 10Y 0.8 % */
  static const int    M[] = {12, 60, 120};
  static const double Z[] = {-0.016, 0.005, 0.008};
  Curve               c   = curve(3, M, Z);
  double              N   = 1e6;
  FILE               *f   = contracts_open("floor");
  zcb(f, "ZCB-5Y", "A5Y", "EUR", "RPA", N, 60);
  zcb(f, "ZCB-1Y", "B1Y", "EUR", "RPA", N, 12);
  fclose(f);
  f = curves_open();
  write_curve(f, "EUR_C", "EUR", &c, M);
  fclose(f);
  Out o;
  if (run_and_open("case 7 (post-shock floor)", "eu-2024-856.cfg", "EUR = \"EUR_C\";", 1e9, &o)) return;
  /* eu-2024-856.cfg: lower_bound linear, at_zero -150 bp, +3 bp/year, max 0, below_bound
   * "observed" (2024/856 Art 3(7)). 5Y: T = 1826/365, b(T) = -1.5 % + 0.03 % T = -1.34992 %;
   * parallel_down gives 0.5 % - 2 % = -1.5 % < b: floored at b, EVE = N exp(-b T) = 1,069,865.8
   * instead of N exp(0.015 T). 1Y: t = 1, b = -1.47 %, the unshocked -1.6 % is already below: the
   * bound is the observed rate, parallel_down -3.6 % is floored at -1.6 %, EVE = N exp(0.016). */
  double T5 = yrs(add_months(ASOF, 60)), T1 = yrs(add_months(ASOF, 12)), b5 = -0.015 + 0.0003 * T5;
  ok(0.005 - 0.02 < b5, "case 7: parallel_down at 5Y (%.5f) is below the bound (%.5f): the floor binds", 0.005 - 0.02, b5);
  is_close(N * exp(-b5 * T5), asp(&o, "eve_portfolio", PAR_DOWN, "A5Y"), 1e-12, 1e-6, "case 7: parallel_down 5Y bond discounted at the floor: %.4f", N * exp(-b5 * T5));
  is_close(N * exp(0.016 * T1), asp(&o, "eve_portfolio", PAR_DOWN, "B1Y"), 1e-12, 1e-6, "case 7: parallel_down 1Y bond floored at the observed rate: %.4f", N * exp(0.016 * T1));
  for (int s = 0; s < NSCEN; s++) {
    Curve  cs = shocked(&c, &EUR, s, &EBA);
    double w5 = N * exp(-zero(&cs, T5) * T5), w1 = N * exp(-zero(&cs, T1) * T1);
    is_close(w5, asp(&o, "eve_portfolio", s, "A5Y"), 1e-12, 1e-6, "case 7: eve[%s] of the 5Y bond = %.4f (z = %.5f)", SCEN[s], w5, zero(&cs, T5));
    is_close(w1, asp(&o, "eve_portfolio", s, "B1Y"), 1e-12, 1e-6, "case 7: eve[%s] of the 1Y bond = %.4f (z = %.5f)", SCEN[s], w1, zero(&cs, T1));
    is_close(w5 + w1, asc(&o, "eve", s, "EUR"), 1e-12, 1e-6, "case 7: eve[%s, EUR] = sum", SCEN[s]);
  }
  close_out(&o);
}

int main(int argc, char **argv)
{
  const char *src = getenv("BALLAST_SOURCE_DIR");
  if (!realpath(src ? src : ".", SRC)) bail("cannot resolve the source dir %s", src ? src : ".");
  {
    char p[PATH_MAX + 128];
    struct stat sb;
    snprintf(p, sizeof p, "%s/config/regimes/bcbs-2016.cfg", SRC);
    if (stat(p, &sb)) skip_all("%s not found: set BALLAST_SOURCE_DIR to the repository", p);
  }
  ASOF = civil((int)ASOF_Y, (int)ASOF_M, (int)ASOF_D);
  snprintf(TMP, sizeof TMP, "/tmp/t_irrbb.XXXXXX");
  if (!mkdtemp(TMP)) bail("mkdtemp failed");
  if (PetscInitialize(&argc, &argv, NULL, NULL)) bail("PetscInitialize failed");
  plan_lazy();
  case_zcb();
  case_ann();
  case_frn();
  case_keyrate();
  case_nii();
  case_ccy();
  case_floor();
  PetscFinalize();
  if (!tap_failed()) {
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", TMP);
    if (system(cmd)) diag("could not remove %s", TMP);
  } else diag("inputs and results kept in %s", TMP);
  return 0;
}
