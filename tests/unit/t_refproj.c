/* The fast path (BallastScheduleBuildEx + BallastProject) against an independent reference
 * projector (tests/ref/refproj.c, written separately from the ACTUS specification: no schedule
 * reuse, no workspace, its own schedule function, business-day shift, event order and annuity).
 *
 * 1. Every ACTUS reference case of the ten types: the reference equals the case's expected
 *    results (dates, types, and payoff, notional, rate, accrued and currency to 1e-10 relative +
 *    1e-9 absolute; this checks the reference against an independent source), and the fast path
 *    equals the reference (every field to 1e-12 relative, 1e-9 absolute).
 * 2. A generated bank (2,000 contracts, seeds 1 and 2): a deterministic sample of every contract
 *    type it writes (every third row of PAM, ANN, LAM, UMP; every row of CLM, SWPPV, CSH), all
 *    mid-life (statusDate after initialExchangeDate, accruedInterest given), on the base market
 *    of the generated curves (forwards written here from the curve definition of
 *    ../shared/spec/contracts.md), reference vs fast path to 1e-12 relative / 1e-9 absolute.
 * 3. 1,000 varied terms the generator does not write (NAM, STK, FXOUT, ANN without instalment,
 *    NTL interest base, caps and floors, scaling, business days, month ends, forward-starting).
 *
 * It can fail (run by hand on 2026-12-02 with 2636 assertions; each mutation reverted, never
 * committed):
 * - a 1 % error in the IP payoff of the fast path (src/engine/project.c, case BALLAST_EV_IP:
 *   `pay = 1.01 * s.isc * (s.ipac + acc)`): 1521 of the 2636 assertions fail — 99 ACTUS cases
 *   (fast path vs reference; the reference still equals every case's results), 990 sampled
 *   generated contracts (ANN 694, PAM 229, LAM 67) and 432 varied terms (ANN 100, PAM 99,
 *   LAM 98, NAM 98, CLM 37);
 * - 1 % more capitalised interest (case BALLAST_EV_IPCI: `s.nt += 1.01 * (s.ipac + acc)`): 453
 *   fail (22 cases, 197 generated UMP, 234 varied: UMP 100, CLM 89, and the loans with a
 *   capitalizationEndDate);
 * - a 1 % larger LAM instalment (case BALLAST_EV_PR: `1.01 * s.prnxt` for LAM): 181 fail
 *   (25 cases, 62 generated LAM, 94 varied LAM);
 * - a 1 % error in the net swap payment (`pay = 1.01 * s.ipac1 - s.ipac2`): 54 fail (the 4
 *   cash-settled swap cases, 50 varied swaps; the generated swaps are gross settled, IPFX/IPFL).
 * A wider run of the varied part (20,000 terms) found no difference between the two paths.
 * Without a mutation all pass.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, dup, dup2 */
#include "../ref/refproj.c"
#include <ballast/actus_case.h>
#include <tap/basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ballast/commands.h>
#include <fcntl.h>
#include <unistd.h>

#define MAXEV 8192

typedef struct {
  int          n;
  BallastEvent ev[MAXEV];
} Collect;

static void collect(void *ctx, const BallastEvent *ev)
{
  Collect *c = ctx;
  if (c->n < MAXEV) c->ev[c->n] = *ev;
  c->n++;
}

static Collect fast, ref;

typedef struct {
  BallastDate to;
  Collect    *c;
} Trunc;

static void trunc_sink(void *ctx, const BallastEvent *ev)
{
  Trunc *tr = ctx;
  if (tr->to != BALLAST_DATE_NONE && ev->date > tr->to) return;
  collect(tr->c, ev);
}

static int near(double want, double got, double rtol, double atol)
{
  if (isnan(want) && isnan(got)) return 1;
  return fabs(got - want) <= rtol * fabs(want) + atol;
}

/* Compare two event lists: dates, types, payoff, notional, rate, accrued (to rtol relative + atol
 * absolute) and currency. On the first difference, a diagnostic and 0. */
static int same_events(const char *id, const char *what, const BallastEvent *x, int nx, const BallastEvent *y, int ny, double rtol, double atol)
{
  char d1[11], d2[11];
  for (int i = 0; i < nx || i < ny; i++) {
    if (i >= nx || i >= ny) {
      const BallastEvent *e = i >= nx ? &y[i] : &x[i];
      BallastDateFormat(e->date, d1);
      diag("%s (%s): event %d %s %s only in the %s list", id, what, i, d1, BallastEventTypeName(e->type), i >= nx ? "second" : "first");
      return 0;
    }
    BallastDateFormat(x[i].date, d1);
    BallastDateFormat(y[i].date, d2);
    if (x[i].date != y[i].date || x[i].type != y[i].type) {
      diag("%s (%s): event %d: %s %s vs %s %s", id, what, i, d1, BallastEventTypeName(x[i].type), d2, BallastEventTypeName(y[i].type));
      return 0;
    }
    const char *f = NULL;
    double      a = 0, b = 0;
    if (!near(x[i].payoff, y[i].payoff, rtol, atol)) f = "payoff", a = x[i].payoff, b = y[i].payoff;
    else if (!near(x[i].notional, y[i].notional, rtol, atol)) f = "notional", a = x[i].notional, b = y[i].notional;
    else if (!near(x[i].rate, y[i].rate, rtol, atol)) f = "rate", a = x[i].rate, b = y[i].rate;
    else if (!near(x[i].accrued, y[i].accrued, rtol, atol)) f = "accrued", a = x[i].accrued, b = y[i].accrued;
    else if (x[i].currency != y[i].currency) f = "currency", a = x[i].currency, b = y[i].currency;
    if (f) {
      diag("%s (%s): event %d (%s %s): %s %.17g vs %.17g", id, what, i, d1, BallastEventTypeName(x[i].type), f, a, b);
      return 0;
    }
  }
  return 1;
}

/* ------------------------------------------------------------------ 1. ACTUS reference cases */
/* Tolerances against the published results: they are printed with about 15 significant digits
 * (and a few reference values are exact to the cent only), so 1e-10 relative plus 1e-9 absolute. */
#define CASE_RTOL 1e-10
#define CASE_ATOL 1e-9
#define FAST_RTOL 1e-12
#define FAST_ATOL 1e-9

static const struct {
  const char *id, *reason;
} case_skip[] = {
  {"clm08", "reference/actus/README.md lists it as known-imprecise (0 accrued at the exercise, unlike clm09 and clm14)"},
};

static void actus_cases(const char *dir, const char *only)
{
  static const char *types[] = {"pam", "ann", "lam", "nam", "clm", "ump", "swppv", "csh", "stk", "fxout"};
  char               path[4200], err[256];
  int                nref = 0, nfast = 0, nskip = 0, ncases = 0;

  for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
    BallastActusFile f;
    snprintf(path, sizeof path, "%s/actus-tests-%s.json", dir, types[k]);
    if (BallastActusFileOpen(path, &f)) {
      ok(0, "read %s", path);
      continue;
    }
    for (PetscInt i = 0; i < BallastActusFileCount(f); i++) {
      const char      *id = BallastActusCaseId(f, i), *reason = NULL;
      BallastActusCase c;
      if (only && strcmp(only, id)) continue;
      for (size_t s = 0; s < sizeof case_skip / sizeof case_skip[0]; s++)
        if (!strcmp(case_skip[s].id, id)) reason = case_skip[s].reason;
      if (BallastActusCaseLoad(f, i, &c)) {
        ok(0, "%s: load", id);
        continue;
      }
      ncases++;
      /* the reference, with the same horizon and truncation as BallastActusCaseRun */
      BallastDate horizon = c.to != BALLAST_DATE_NONE ? c.to : c.terms.statusDate + 366 * 60;
      Trunc       tr      = {c.to, &ref};
      ref.n               = 0;
      int rc = RefProject(&c.terms, horizon, &c.opt, (int)c.nobs, c.obs, &c.market, trunc_sink, &tr, err, sizeof err);
      fast.n = 0;
      PetscErrorCode ie = BallastActusCaseRun(&c, collect, &fast);
      if (reason) {
        skip("%s: %s", id, reason);
        skip("%s: %s", id, reason);
        nskip += 2;
      } else {
        if (rc) ok(0, "%s: reference vs case results: reference error: %s", id, err);
        else if (ok(same_events(id, "reference vs case", c.expected, (int)c.nexpected, ref.ev, ref.n, CASE_RTOL, CASE_ATOL), "%s: reference = case results (%d events)",
                    id, (int)c.nexpected))
          nref++;
        if (rc || ie) ok(0, "%s: fast path vs reference: %s", id, rc ? "reference failed" : "engine error");
        else if (ok(same_events(id, "fast vs reference", ref.ev, ref.n, fast.ev, fast.n, FAST_RTOL, FAST_ATOL), "%s: fast path = reference", id)) nfast++;
      }
      BallastActusCaseFree(&c);
    }
    BallastActusFileClose(&f);
  }
  diag("ACTUS cases: %d, reference = results %d, fast = reference %d, skipped assertions %d", ncases, nref, nfast, nskip);
}

/* ------------------------------------------------------------------ 2. a generated bank */
/* The base market of the generated bank, written here from the curve definition of
 * ../shared/spec/contracts.md ("Market data"): pillar time = ACT/365F years from the as-of date to
 * as-of + tenor; zero rates linear in time between pillars, flat beyond; P(t) = exp(-z(t) t); a
 * reset at d over the reset period p observes F = (P(d)/P(d+p) - 1) / tau(d, d+p). FX: units of
 * the reporting currency per unit (fx.csv), so `to` per `from` is fx[from] / fx[to]. */
#define MAXCURVES 32
#define MAXPILLARS 64
typedef struct {
  int32_t id; /* name id of the curveID */
  int     n;
  double  t[MAXPILLARS], z[MAXPILLARS];
} RefCurve;

typedef struct {
  BallastDate  as_of;
  BallastNames names; /* curve ids first (so that a market object code id is the curve's index), then currencies */
  int          ncurves;
  RefCurve     curve[MAXCURVES];
  double       fx[256]; /* by name id; NaN = absent */
} RefMarket;

static double zero_at(const RefCurve *c, double t)
{
  if (t <= c->t[0]) return c->z[0];
  for (int i = 1; i < c->n; i++)
    if (t <= c->t[i]) return c->z[i - 1] + (c->z[i] - c->z[i - 1]) * (t - c->t[i - 1]) / (c->t[i] - c->t[i - 1]);
  return c->z[c->n - 1];
}

static double disc_at(const RefCurve *c, double t) { return exp(-zero_at(c, t) * t); }

static PetscErrorCode ref_observe(void *ctx, int32_t moc, BallastDate d, BallastCycle period, double *value)
{
  RefMarket *rm = ctx;
  for (int k = 0; k < rm->ncurves; k++) {
    const RefCurve *c = &rm->curve[k];
    if (c->id != moc) continue;
    BallastDate e  = period.n > 0 ? plus_cycles(d, period, 1) : d + 1;
    double      td = (double)(d - rm->as_of) / 365.0, te = (double)(e - rm->as_of) / 365.0;
    if (td < 0) td = 0; /* a reset before the as-of date sees today's curve */
    *value = e > d ? (disc_at(c, td) / disc_at(c, te) - 1.0) / ((double)(e - d) / 365.0) : zero_at(c, td);
    return 0;
  }
  return BALLAST_ERR_INPUT;
}

static PetscErrorCode ref_fx(void *ctx, int32_t from, int32_t to, BallastDate d, double *value)
{
  RefMarket *rm = ctx;
  (void)d;
  if (from < 0 || to < 0 || from >= 256 || to >= 256 || isnan(rm->fx[from]) || isnan(rm->fx[to])) return BALLAST_ERR_INPUT;
  *value = rm->fx[from] / rm->fx[to];
  return 0;
}

/* Split a CSV line (the generator writes no quotes) in place; returns the field count. */
static int split(char *line, char **f, int max)
{
  int n = 0;
  line[strcspn(line, "\r\n")] = 0;
  f[n++] = line;
  for (char *p = line; *p && n < max; p++)
    if (*p == ',') {
      *p     = 0;
      f[n++] = p + 1;
    }
  return n;
}

static int read_market(const char *dir, RefMarket *rm)
{
  char  path[4200], line[1024], *f[8];
  FILE *fp;
  for (int i = 0; i < 256; i++) rm->fx[i] = NAN;
  snprintf(path, sizeof path, "%s/curves.csv", dir);
  if (!(fp = fopen(path, "r"))) return -1;
  if (!fgets(line, sizeof line, fp)) return fclose(fp), -1;
  while (fgets(line, sizeof line, fp)) {
    if (split(line, f, 8) != 4) continue;
    int32_t id = BallastNamesIntern(rm->names, f[0]);
    int     k  = 0;
    while (k < rm->ncurves && rm->curve[k].id != id) k++;
    if (k == rm->ncurves) {
      if (k == MAXCURVES) return fclose(fp), -1;
      rm->curve[rm->ncurves++] = (RefCurve){.id = id};
    }
    RefCurve *c = &rm->curve[k];
    int       n;
    char      unit;
    if (c->n == MAXPILLARS || BallastTenorParse(f[2], &n, &unit) || BallastParseDouble(f[3], &c->z[c->n])) return fclose(fp), -1;
    c->t[c->n++] = (double)(BallastDateAddTenor(rm->as_of, n, unit) - rm->as_of) / 365.0;
  }
  fclose(fp);
  snprintf(path, sizeof path, "%s/fx.csv", dir);
  if (!(fp = fopen(path, "r"))) return -1;
  if (!fgets(line, sizeof line, fp)) return fclose(fp), -1;
  while (fgets(line, sizeof line, fp)) {
    if (split(line, f, 8) != 2) continue;
    int32_t id = BallastNamesIntern(rm->names, f[0]);
    if (id < 0 || id >= 256 || BallastParseDouble(f[1], &rm->fx[id])) return fclose(fp), -1;
  }
  fclose(fp);
  return 0;
}

/* Run `ballast generate` in-process with its progress lines sent to /dev/null (they are not TAP). */
static int generate(const char *out, const char *seed)
{
  char *argv[] = {"generate", "--contracts", "2000", "--portfolios", "6", "--seed", (char *)seed, "--as-of", "2026-10-30", "--out", (char *)out, NULL};
  fflush(stdout);
  int saved = dup(1), null = open("/dev/null", O_WRONLY);
  dup2(null, 1);
  PetscErrorCode ierr = BallastCmdGenerate(11, argv);
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  close(null);
  return ierr ? -1 : 0;
}

/* Contracts sampled: every 3rd row of a type with many rows, every row of the rarer types
 * (fewer than 60 in the file), so that every type the generator writes is covered. */
static void generated_bank(const char *seed)
{
  char        dir[] = "/tmp/ballast-refproj-XXXXXX", path[4200], err[256];
  static char line[1 << 16];
  char       *f[128], *hdr[128], hbuf[1 << 14];
  int         per_type[BALLAST_CT_COUNT] = {0}, seen[BALLAST_CT_COUNT] = {0}, pass[BALLAST_CT_COUNT] = {0}, midlife = 0;
  RefMarket   rm;

  memset(&rm, 0, sizeof rm);
  rm.as_of = BallastDateFromYMD(2026, 10, 30);
  if (!mkdtemp(dir) || generate(dir, seed)) {
    ok(0, "seed %s: ballast generate into %s", seed, dir);
    return;
  }
  BallastNamesCreate(&rm.names);
  if (read_market(dir, &rm)) {
    ok(0, "seed %s: read curves.csv and fx.csv", seed);
    BallastNamesDestroy(&rm.names);
    return;
  }
  BallastMarket   market = {&rm, ref_observe, ref_fx};
  BallastSchedule ws;
  BallastScheduleCreate(&ws);
  const BallastDate horizon = rm.as_of + 366 * 30; /* open-ended schedules (UMP, CLM, ...) */

  snprintf(path, sizeof path, "%s/contracts.csv", dir);
  FILE *fp = fopen(path, "r");
  for (int pass_no = 0; pass_no < 2 && fp; pass_no++) {
    /* pass 0 counts rows per type, pass 1 projects the sample */
    rewind(fp);
    if (!fgets(hbuf, sizeof hbuf, fp)) break;
    int nh = split(hbuf, hdr, 128), ict = -1;
    for (int k = 0; k < nh; k++)
      if (!strcmp(hdr[k], "contractType")) ict = k;
    while (fgets(line, sizeof line, fp)) {
      int nf = split(line, f, 128);
      int ct = ict >= 0 && ict < nf ? BallastContractTypeParse(f[ict]) : -1;
      if (ct < 0) continue;
      if (pass_no == 0) {
        per_type[ct]++;
        continue;
      }
      int k = seen[ct]++;
      if (per_type[ct] >= 60 && k % 3) continue;
      BallastTerms t;
      int          bad = 0;
      BallastTermsInit(&t);
      for (int j = 0; j < nf && j < nh; j++)
        if (BallastTermsSet(&t, rm.names, hdr[j], f[j], err, sizeof err) == BALLAST_TERM_BAD_VALUE) bad = 1;
      const char *id = f[0];
      if (bad) {
        ok(0, "seed %s %s: terms parse", seed, id);
        continue;
      }
      midlife += t.initialExchangeDate != BALLAST_DATE_NONE && t.initialExchangeDate < t.statusDate;
      ref.n  = 0;
      fast.n = 0;
      int            rc = RefProject(&t, horizon, NULL, 0, NULL, &market, collect, &ref, err, sizeof err);
      PetscErrorCode ie = BallastScheduleBuildEx(ws, &t, horizon, NULL, 0, NULL);
      if (!ie) ie = BallastProject(ws, &t, &market, collect, &fast);
      if (rc || ie) ok(0, "seed %s %s (%s): %s", seed, id, f[ict], rc ? err : "engine error");
      else if (ref.n > MAXEV) ok(0, "seed %s %s: more than %d events", seed, id, MAXEV);
      else if (ok(same_events(id, "fast vs reference", ref.ev, ref.n, fast.ev, fast.n, FAST_RTOL, FAST_ATOL), "seed %s %s (%s): fast path = reference, %d events",
                  seed, id, f[ict], ref.n))
        pass[ct]++;
    }
  }
  if (fp) fclose(fp);
  else ok(0, "seed %s: open %s", seed, path);
  for (int ct = 0; ct < BALLAST_CT_COUNT; ct++)
    if (per_type[ct]) diag("seed %s %-5s %4d rows, %4d sampled and equal", seed, BallastContractTypeName((BallastContractType)ct), per_type[ct], pass[ct]);
  diag("seed %s: %d sampled contracts are mid-life (initialExchangeDate before statusDate)", seed, midlife);
  BallastScheduleDestroy(&ws);
  BallastNamesDestroy(&rm.names);
  /* remove the generated files */
  snprintf(path, sizeof path, "rm -rf '%s'", dir);
  if (system(path)) diag("could not remove %s", dir);
}

/* ------------------------------------------------------------------ 3. terms the generator does not write */
/* The generator writes no NAM, STK or FXOUT, every ANN with its instalment, business days NOS and
 * anchors on days 1..28. A deterministic set of varied terms covers the rest, mid-life and
 * forward-starting: ANN without instalment (annuity recomputed at statusDate and after resets),
 * NAM, LAM on a fixed interest base (NTL), caps, floors and period caps, rate multipliers,
 * scaling (SC), every business-day convention on a Monday-Friday calendar, month-end anchors
 * with end-of-month, short and long stubs, maturities off the cycle, day and week cycles,
 * purchase and termination, capitalisation end, ANN amortising beyond maturity, the day counts
 * AA, A360, A365, 30E360ISDA and 30E360, cash-settled swaps, STK dividends, FXOUT delivered and
 * cash settled, CLM and UMP. The market: one hand-made curve. */
static uint64_t lcg_state = 88172645463325252ull;
static int      rnd(int n)
{
  lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
  return (int)((lcg_state >> 33) % (uint64_t)n);
}

static BallastCycle cyc(int n, char unit, int stub) { return (BallastCycle){(int16_t)n, unit, (int8_t)stub}; }

static void varied_terms(void)
{
  RefMarket rm;
  char      err[256], id[64];
  int       pass[BALLAST_CT_COUNT] = {0}, count[BALLAST_CT_COUNT] = {0};
  memset(&rm, 0, sizeof rm);
  rm.as_of = BallastDateFromYMD(2026, 10, 30);
  BallastNamesCreate(&rm.names);
  for (int i = 0; i < 256; i++) rm.fx[i] = NAN;
  static const char *ten[] = {"ON", "1M", "3M", "6M", "1Y", "2Y", "5Y", "10Y", "30Y"};
  static const double z[] = {0.019, 0.0193, 0.0197, 0.0203, 0.0212, 0.0225, 0.0251, 0.0283, 0.0302};
  rm.ncurves        = 1;
  rm.curve[0].id    = BallastNamesIntern(rm.names, "EUR_X");
  for (int k = 0; k < 9; k++) {
    int  n;
    char u;
    BallastTenorParse(ten[k], &n, &u);
    rm.curve[0].t[k] = (double)(BallastDateAddTenor(rm.as_of, n, u) - rm.as_of) / 365.0;
    rm.curve[0].z[k] = z[k];
  }
  rm.curve[0].n = 9;
  int32_t eur = BallastNamesIntern(rm.names, "EUR"), usd = BallastNamesIntern(rm.names, "USD");
  rm.fx[eur] = 1.0;
  rm.fx[usd] = 0.9215;
  BallastMarket   market = {&rm, ref_observe, ref_fx};
  BallastSchedule ws;
  BallastScheduleCreate(&ws);
  const BallastDate  as_of   = rm.as_of, horizon = as_of + 366 * 30;
  static const int   types[] = {BALLAST_CT_PAM, BALLAST_CT_ANN, BALLAST_CT_LAM, BALLAST_CT_NAM, BALLAST_CT_CLM,
                                BALLAST_CT_UMP, BALLAST_CT_SWPPV, BALLAST_CT_CSH, BALLAST_CT_STK, BALLAST_CT_FXOUT};
  static const char *mon[]   = {"P1ML1", "P3ML1", "P6ML0", "P1YL1", "P1ML0", "P3ML0"};

  for (int k = 0; k < 1000; k++) {
    BallastTerms t;
    BallastTermsInit(&t);
    int ct = types[k % 10];
    t.contractType          = (BallastContractType)ct;
    t.contractRole          = rnd(2) ? BALLAST_ROLE_RPA : BALLAST_ROLE_RPL;
    t.currency              = eur;
    t.statusDate            = as_of;
    t.dayCountConvention    = (BallastDayCount)rnd(5); /* AA, A360, A365, 30E360ISDA, 30E360 */
    t.businessDayConvention = (BallastBusinessDay)(rnd(3) ? 0 : rnd(BALLAST_BDC_COUNT));
    t.calendar              = t.businessDayConvention ? BALLAST_CAL_MF : BALLAST_CAL_NC;
    int eom                 = rnd(3) == 0;
    t.endOfMonthConvention  = eom ? BALLAST_EOM_EOM : BALLAST_EOM_SD;
    int forward             = rnd(6) == 0; /* forward-starting: IED after statusDate */
    BallastDate ied         = forward ? as_of + 1 + rnd(90) : as_of - 30 - rnd(3000);
    if (eom) ied = month_end(ied);
    int years          = 1 + rnd(15);
    t.notionalPrincipal = 1000.0 * (10 + rnd(5000));
    t.nominalInterestRate = 0.001 * (5 + rnd(60));
    BallastCycle ipc   = {0};
    BallastCycleParse(mon[rnd(6)], &ipc);
    if ((ct == BALLAST_CT_PAM || ct == BALLAST_CT_CLM || ct == BALLAST_CT_UMP) && rnd(8) == 0) ipc = rnd(2) ? cyc(2, 'W', 1) : cyc(10, 'D', 0);
    switch (ct) {
    case BALLAST_CT_PAM:
    case BALLAST_CT_ANN:
    case BALLAST_CT_LAM:
    case BALLAST_CT_NAM: {
      t.initialExchangeDate = ied;
      t.maturityDate        = BallastDateAddMonths(ied, 12 * years + rnd(5));
      if (eom) t.maturityDate = month_end(t.maturityDate);
      if (t.maturityDate <= as_of) t.maturityDate = BallastDateAddMonths(as_of, 1 + rnd(60));
      t.cycleOfInterestPayment = ipc;
      if (rnd(2)) t.cycleAnchorDateOfInterestPayment = plus_cycles(ied, ipc, 1);
      if (ct != BALLAST_CT_PAM) {
        t.cycleOfPrincipalRedemption = ct == BALLAST_CT_LAM ? ipc : cyc(ipc.n, ipc.unit, 1);
        t.cycleAnchorDateOfPrincipalRedemption = plus_cycles(ied, t.cycleOfPrincipalRedemption, 1 + rnd(2));
        if (eom) t.cycleAnchorDateOfPrincipalRedemption = month_end(t.cycleAnchorDateOfPrincipalRedemption);
        if (ct == BALLAST_CT_NAM || (ct == BALLAST_CT_LAM && rnd(2)) || (ct == BALLAST_CT_ANN && rnd(3) == 0))
          t.nextPrincipalRedemptionPayment = t.notionalPrincipal / (2.0 + 4.0 * years);
        if (ct == BALLAST_CT_LAM && rnd(2)) {
          t.interestCalculationBase                  = BALLAST_IPCB_NTL;
          t.cycleOfInterestCalculationBase           = cyc(1, 'Y', 1);
          t.cycleAnchorDateOfInterestCalculationBase = plus_cycles(ied, t.cycleOfInterestCalculationBase, 1);
          t.interestCalculationBaseAmount            = t.notionalPrincipal;
        }
      }
      if (rnd(2)) {
        t.marketObjectCodeOfRateReset = rm.curve[0].id;
        t.cycleOfRateReset            = rnd(2) ? cyc(6, 'M', 1) : cyc(1, 'Y', 1);
        t.cycleAnchorDateOfRateReset  = plus_cycles(ied, t.cycleOfRateReset, 1);
        t.rateSpread                  = 0.0001 * rnd(300);
        if (rnd(3) == 0) t.rateMultiplier = 0.5 + 0.1 * rnd(10);
        if (rnd(2)) t.lifeFloor = 0.0;
        if (rnd(3) == 0) t.lifeCap = 0.03;
        if (rnd(3) == 0) t.periodCap = 0.002, t.periodFloor = 0.002;
        if (rnd(4) == 0) t.nextResetRate = 0.025;
      }
      if (ct == BALLAST_CT_PAM && rnd(6) == 0) {
        t.scalingEffect                  = BALLAST_SCEF_IN0;
        t.marketObjectCodeOfScalingIndex = rm.curve[0].id;
        t.cycleOfScalingIndex            = cyc(1, 'Y', 1);
        t.cycleAnchorDateOfScalingIndex  = plus_cycles(ied, t.cycleOfScalingIndex, 1);
        t.scalingIndexAtContractDealDate = 0.02;
      }
      if (ct == BALLAST_CT_PAM && rnd(8) == 0) t.premiumDiscountAtIED = -0.01 * t.notionalPrincipal;
      /* maturity off the cycle (stubs), purchase and termination, capitalisation, ANN amortising
       * beyond its maturity */
      if (rnd(4) == 0) t.maturityDate += 1 + rnd(40);
      if (rnd(8) == 0) t.purchaseDate = as_of + 1 + rnd(200), t.priceAtPurchaseDate = 0.98 * t.notionalPrincipal;
      if (rnd(8) == 0) t.terminationDate = as_of + 100 + rnd(1500), t.priceAtTerminationDate = 0.99 * t.notionalPrincipal;
      if (rnd(10) == 0) t.capitalizationEndDate = as_of + 1 + rnd(500);
      if (ct == BALLAST_CT_ANN && rnd(5) == 0) t.amortizationDate = BallastDateAddMonths(t.maturityDate, 12 * (1 + rnd(5)));
      break;
    }
    case BALLAST_CT_CLM:
    case BALLAST_CT_UMP:
      t.initialExchangeDate    = ied;
      t.cycleOfInterestPayment = ipc;
      if (rnd(2)) t.cycleAnchorDateOfInterestPayment = plus_cycles(ied, ipc, 1);
      if (ct == BALLAST_CT_CLM && rnd(2)) t.maturityDate = as_of + 1 + rnd(400);
      t.xDayNotice = cyc(1, 'M', 1);
      if (rnd(2)) {
        t.marketObjectCodeOfRateReset = rm.curve[0].id;
        t.cycleOfRateReset            = cyc(3, 'M', 1);
        t.cycleAnchorDateOfRateReset  = plus_cycles(ied, t.cycleOfRateReset, 1);
      }
      break;
    case BALLAST_CT_SWPPV:
      t.contractRole                = rnd(2) ? BALLAST_ROLE_RFL : BALLAST_ROLE_PFL;
      t.initialExchangeDate         = ied;
      t.maturityDate                = BallastDateAddMonths(ied, 12 * years);
      if (t.maturityDate <= as_of) t.maturityDate = BallastDateAddMonths(as_of, 6 + rnd(60));
      t.cycleOfInterestPayment      = cyc(6, 'M', 1);
      t.cycleAnchorDateOfInterestPayment = plus_cycles(ied, t.cycleOfInterestPayment, 1);
      t.marketObjectCodeOfRateReset = rm.curve[0].id;
      t.cycleOfRateReset            = cyc(6, 'M', 1);
      t.cycleAnchorDateOfRateReset  = ied;
      t.nominalInterestRate2        = 0.021;
      t.rateSpread                  = 0.001;
      t.deliverySettlement          = rnd(2) ? BALLAST_DS_S : BALLAST_DS_D;
      if (!forward) t.accruedInterest = 10.0 * rnd(100) - 500.0;
      break;
    case BALLAST_CT_CSH: break;
    case BALLAST_CT_STK:
      t.contractRole                     = rnd(2) ? BALLAST_ROLE_RPA : BALLAST_ROLE_RPL;
      t.cycleOfDividendPayment           = cyc(rnd(2) ? 3 : 12, 'M', 1);
      t.cycleAnchorDateOfDividendPayment = as_of + 1 + rnd(200);
      t.marketObjectCodeOfDividends      = rm.curve[0].id;
      if (rnd(2)) t.terminationDate = as_of + 300 + rnd(3000), t.priceAtTerminationDate = 95.0;
      if (rnd(3) == 0) t.purchaseDate = as_of + 1 + rnd(100), t.priceAtPurchaseDate = 90.0;
      break;
    case BALLAST_CT_FXOUT:
      t.contractRole       = rnd(2) ? BALLAST_ROLE_BUY : BALLAST_ROLE_SEL;
      t.currency2          = usd;
      t.maturityDate       = as_of + 1 + rnd(700);
      t.notionalPrincipal2 = t.notionalPrincipal * 1.08;
      if (rnd(2)) t.deliverySettlement = BALLAST_DS_S, t.settlementPeriod = cyc(2, 'D', 1);
      else t.deliverySettlement = BALLAST_DS_D;
      break;
    }
    if (!forward && ct != BALLAST_CT_CSH && ct != BALLAST_CT_STK && ct != BALLAST_CT_FXOUT && ct != BALLAST_CT_SWPPV && rnd(4))
      t.accruedInterest = 0.01 * rnd(100000);
    snprintf(id, sizeof id, "varied-%03d-%s", k, BallastContractTypeName((BallastContractType)ct));
    count[ct]++;
    ref.n  = 0;
    fast.n = 0;
    int            rc = RefProject(&t, horizon, NULL, 0, NULL, &market, collect, &ref, err, sizeof err);
    PetscErrorCode ie = BallastScheduleBuildEx(ws, &t, horizon, NULL, 0, NULL);
    if (!ie) ie = BallastProject(ws, &t, &market, collect, &fast);
    if (rc || ie) {
      /* both must refuse the same terms */
      if (ok(rc && ie, "%s: both refuse the terms (reference: %s)", id, rc ? err : "accepted")) pass[ct]++;
    } else if (ref.n > MAXEV) ok(0, "%s: more than %d events", id, MAXEV);
    else if (ok(same_events(id, "fast vs reference", ref.ev, ref.n, fast.ev, fast.n, FAST_RTOL, FAST_ATOL), "%s: fast path = reference, %d events", id, ref.n))
      pass[ct]++;
  }
  for (int ct = 0; ct < BALLAST_CT_COUNT; ct++)
    diag("varied %-5s %3d contracts, %3d equal", BallastContractTypeName((BallastContractType)ct), count[ct], pass[ct]);
  BallastScheduleDestroy(&ws);
  BallastNamesDestroy(&rm.names);
}

int main(int argc, char **argv)
{
  char        dir[4096];
  const char *env  = getenv("BALLAST_ACTUS_DIR");
  const char *only = argc > 1 ? argv[1] : NULL;

  if (env && env[0]) snprintf(dir, sizeof dir, "%s", env);
  else {
    const char *src = getenv("BALLAST_SOURCE_DIR");
    snprintf(dir, sizeof dir, "%s/../shared/reference/actus/tests", src && src[0] ? src : ".");
  }
  if (PetscInitializeNoArguments()) bail("PetscInitialize failed");
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  plan_lazy();
  char probe[4200];
  snprintf(probe, sizeof probe, "%s/actus-tests-pam.json", dir);
  if (access(probe, R_OK)) skip("ACTUS reference cases not found in %s (set BALLAST_ACTUS_DIR)", dir);
  else actus_cases(dir, only);
  if (!only) {
    generated_bank("1");
    generated_bank("2");
    varied_terms();
  }
  PetscFinalize();
  return 0;
}
