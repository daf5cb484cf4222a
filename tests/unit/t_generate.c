/* ballast generate: files, columns, unique IDs, mid-life amounts recomputed by hand (annuity,
 * linear amortisation, accrued interest with the day count done here, swaps' net accrued, floating
 * rates = index + spread from curves.csv), determinism for a seed, shards = the single file cut in
 * pieces, the project's loader accepts the output, and bad options are usage errors. */
#define _POSIX_C_SOURCE 200809L
#include "tap/basic.h"
#include <ballast/commands.h>
#include <ballast/config.h>
#include <ballast/io.h>
#include <ballast/terms.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAXCOLS 64

static PetscErrorCode gen(const char *first, ...)
{
  char       *argv[32];
  int         argc = 0;
  va_list     ap;
  const char *a = first;
  va_start(ap, first);
  argv[argc++] = (char *)"generate";
  for (; a; a = va_arg(ap, const char *)) argv[argc++] = (char *)a;
  va_end(ap);
  argv[argc] = NULL;
  return BallastCmdGenerate(argc, argv);
}

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (fread(b, 1, (size_t)n, f) != (size_t)n) n = 0;
  b[n] = 0;
  fclose(f);
  if (len) *len = (size_t)n;
  return b;
}

static int exists(const char *dir, const char *name)
{
  char        p[1024];
  struct stat sb;
  snprintf(p, sizeof p, "%s/%s", dir, name);
  return stat(p, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
}

/* A parsed CSV: rows of field pointers into one buffer. */
typedef struct {
  char  *buf;
  int    ncols, nrows, bad_rows;
  char  *head[MAXCOLS];
  char **cell; /* nrows * ncols */
} Table;

static int table_load(const char *path, Table *t)
{
  memset(t, 0, sizeof(*t));
  t->buf = slurp(path, NULL);
  if (!t->buf) return -1;
  int lines = 0;
  for (char *p = t->buf; *p; p++) lines += *p == '\n';
  t->cell = malloc(sizeof(char *) * (size_t)(lines + 1) * MAXCOLS);
  char *line = t->buf, *nl;
  int   ln   = 0;
  while ((nl = strchr(line, '\n'))) {
    *nl = 0;
    char *f[MAXCOLS + 1];
    int   n = 0;
    for (char *p = line;; p++) {
      if (n <= MAXCOLS) f[n] = p;
      char *c = strchr(p, ',');
      n++;
      if (!c) break;
      *c = 0;
      p  = c;
    }
    if (ln == 0) {
      t->ncols = n;
      for (int i = 0; i < n && i < MAXCOLS; i++) t->head[i] = f[i];
    } else if (n != t->ncols) t->bad_rows++;
    else {
      memcpy(t->cell + (size_t)t->nrows * MAXCOLS, f, sizeof(char *) * (size_t)n);
      t->nrows++;
    }
    ln++;
    line = nl + 1;
  }
  return 0;
}

static const char *cell(const Table *t, int row, int col) { return col < 0 ? "" : t->cell[(size_t)row * MAXCOLS + col]; }
static int         colidx(const Table *t, const char *name)
{
  for (int i = 0; i < t->ncols; i++)
    if (!strcmp(t->head[i], name)) return i;
  return -1;
}
static void table_free(Table *t)
{
  free(t->buf);
  free(t->cell);
}

/* ---- day counts by hand (not the library's) */
static void ymd(BallastDate t, int *y, int *m, int *d) { BallastDateToYMD(t, y, m, d); }
static int  leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
static double yf(const char *dcc, BallastDate s, BallastDate t)
{
  int y1, m1, d1, y2, m2, d2;
  if (!strcmp(dcc, "A365")) return (t - s) / 365.0;
  if (!strcmp(dcc, "A360")) return (t - s) / 360.0;
  ymd(s, &y1, &m1, &d1);
  ymd(t, &y2, &m2, &d2);
  if (!strcmp(dcc, "30E360")) {
    if (d1 == 31) d1 = 30;
    if (d2 == 31) d2 = 30;
    return ((y2 - y1) * 360.0 + (m2 - m1) * 30.0 + (d2 - d1)) / 360.0;
  }
  if (!strcmp(dcc, "AA")) { /* ACT/ACT ISDA: days in each calendar year over that year's length */
    double r = 0;
    for (int y = y1; y <= y2; y++) {
      BallastDate a = y == y1 ? s : BallastDateFromYMD(y, 1, 1), b = y == y2 ? t : BallastDateFromYMD(y + 1, 1, 1);
      r += (b - a) / (leap(y) ? 366.0 : 365.0);
    }
    return r;
  }
  return NAN;
}

static int cycle_months(const char *c)
{
  int n;
  if (!c[0]) return 0;
  if (sscanf(c, "P%dM", &n) == 1 && strchr(c, 'M')) return n;
  if (sscanf(c, "P%dY", &n) == 1) return 12 * n;
  return -1;
}
static BallastDate date(const char *s)
{
  BallastDate t;
  return s[0] && !BallastDateParse(s, &t) ? t : BALLAST_DATE_NONE;
}
static int    cmpstr(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }
static double num(const char *s) { return s[0] ? atof(s) : NAN; }
static double r2(double x) { return round(x * 100.0) / 100.0; }

/* Schedule anchor + j*cycle: the last date <= asof (or `from` if none), number of dates <= asof,
 * number of dates up to maturity. */
static void schedule(BallastDate anchor, int c, BallastDate md, BallastDate asof, BallastDate from, BallastDate *last, int *k, int *m)
{
  *last = from;
  *k = *m = 0;
  for (int j = 0;; j++) {
    BallastDate t = BallastDateAddMonths(anchor, j * c);
    if (md != BALLAST_DATE_NONE && t > md) break;
    if (md == BALLAST_DATE_NONE && t > asof) break;
    (*m)++;
    if (t <= asof) *last = t, (*k)++;
  }
}

/* curves.csv: zero rates per curve, linear in time, flat outside (the spec's rule). */
typedef struct {
  char   id[32];
  int    n;
  double t[32], z[32];
} Curve;
static int curves_load(const char *path, BallastDate asof, Curve *cv, int max)
{
  Table T;
  int   nc = 0;
  if (table_load(path, &T)) return 0;
  for (int i = 0; i < T.nrows; i++) {
    const char *id = cell(&T, i, 0);
    int         k;
    for (k = 0; k < nc; k++)
      if (!strcmp(cv[k].id, id)) break;
    if (k == nc && nc < max) snprintf(cv[nc].id, sizeof cv[nc].id, "%s", id), cv[nc].n = 0, nc++;
    int  n;
    char u;
    BallastTenorParse(cell(&T, i, 2), &n, &u);
    cv[k].t[cv[k].n] = (BallastDateAddTenor(asof, n, u) - asof) / 365.0;
    cv[k].z[cv[k].n] = atof(cell(&T, i, 3));
    cv[k].n++;
  }
  table_free(&T);
  return nc;
}
static double zero(const Curve *c, double t)
{
  if (t <= c->t[0]) return c->z[0];
  for (int i = 1; i < c->n; i++)
    if (t <= c->t[i]) return c->z[i - 1] + (c->z[i] - c->z[i - 1]) * (t - c->t[i - 1]) / (c->t[i] - c->t[i - 1]);
  return c->z[c->n - 1];
}

int main(int argc, char **argv)
{
  char dir[] = "/tmp/t_generate-XXXXXX", a[1100], b[1100], c[1100], s[1100], p[1200];
  PetscInitialize(&argc, &argv, NULL, NULL);
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  PETSC_STDOUT = stderr; /* the command's report must not mix with the TAP stream */
  plan_lazy();
  if (!mkdtemp(dir)) bail("mkdtemp failed");
  snprintf(a, sizeof a, "%s/a", dir);
  snprintf(b, sizeof b, "%s/b", dir);
  snprintf(c, sizeof c, "%s/c", dir);
  snprintf(s, sizeof s, "%s/s", dir);
  BallastDate asof = BallastDateFromYMD(2026, 10, 30);

  /* ---------------------------------------------------------------- files */
  is_int(0, gen("--contracts", "2000", "--portfolios", "20", "--seed", "11", "--out", a, NULL), "generate 2000 contracts");
  ok(exists(a, "contracts.csv") && exists(a, "curves.csv") && exists(a, "fx.csv") && exists(a, "run.cfg"), "contracts.csv, curves.csv, fx.csv, run.cfg written");
  snprintf(p, sizeof p, "%s/.contracts.csv.tmp", a);
  ok(access(p, F_OK) != 0, "no temporary file left behind");

  Table T;
  snprintf(p, sizeof p, "%s/contracts.csv", a);
  if (table_load(p, &T)) bail("cannot read %s", p);
  is_int(2000, T.nrows, "2000 contract rows");
  is_int(0, T.bad_rows, "every row has the header's column count");

  /* header: ACTUS terms (the library's dictionary lookup) or ALM attributes of the spec */
  static const char *alm[] = {"contractID", "portfolio", "legalEntity", "counterpartyType", "depositStability", "operational", "insured", "hqlaLevel",
                              "encumberedUntil", "riskWeight", "undrawnCommitment", "facilityType", "behaviourSegment", NULL};
  int unknown = 0;
  for (int i = 0; i < T.ncols; i++) {
    int is_alm = 0;
    for (int k = 0; alm[k]; k++) is_alm |= !strcmp(alm[k], T.head[i]);
    if (!is_alm && BallastTermsLookup(T.head[i]) == -1) {
      diag("unknown column %s", T.head[i]);
      unknown++;
    }
  }
  is_int(0, unknown, "every column is an ACTUS term or an ALM attribute (%d columns)", T.ncols);

  /* the ACTUS dictionary itself, when the shared reference is at hand */
  {
    char        dict[1200];
    const char *src = getenv("BALLAST_SOURCE_DIR");
    snprintf(dict, sizeof dict, "%s/../shared/reference/actus/actus-dictionary-terms.json", src ? src : "..");
    char *js = slurp(dict, NULL);
    if (!js) js = slurp("/work/shared/reference/actus/actus-dictionary-terms.json", NULL);
    if (js) {
      int missing = 0;
      for (int i = 0; i < T.ncols; i++) {
        int is_alm = 0;
        for (int k = 0; alm[k]; k++) is_alm |= !strcmp(alm[k], T.head[i]);
        char key[128];
        snprintf(key, sizeof key, "\"%s\"", T.head[i]);
        if (!is_alm && !strstr(js, key)) diag("not in the ACTUS dictionary: %s", T.head[i]), missing++;
      }
      is_int(0, missing, "ACTUS columns are long names of actus-dictionary-terms.json");
      free(js);
    } else skip("ACTUS dictionary not found");
  }

  int cID = colidx(&T, "contractID"), cPF = colidx(&T, "portfolio"), cCT = colidx(&T, "contractType"), cRole = colidx(&T, "contractRole");
  int cIED = colidx(&T, "initialExchangeDate"), cMD = colidx(&T, "maturityDate"), cNT = colidx(&T, "notionalPrincipal"), cR = colidx(&T, "nominalInterestRate");
  int cDCC = colidx(&T, "dayCountConvention"), cIPA = colidx(&T, "cycleAnchorDateOfInterestPayment"), cIPC = colidx(&T, "cycleOfInterestPayment");
  int cPRA = colidx(&T, "cycleAnchorDateOfPrincipalRedemption"), cPRC = colidx(&T, "cycleOfPrincipalRedemption"), cPRN = colidx(&T, "nextPrincipalRedemptionPayment");
  int cRRC = colidx(&T, "cycleOfRateReset"), cSP = colidx(&T, "rateSpread"), cMOC = colidx(&T, "marketObjectCodeOfRateReset"), cCAP = colidx(&T, "lifeCap");
  int cFL = colidx(&T, "lifeFloor"), cR2 = colidx(&T, "nominalInterestRate2"), cAI = colidx(&T, "accruedInterest"), cSD = colidx(&T, "statusDate");
  int cLE = colidx(&T, "legalEntity"), cCCY = colidx(&T, "currency"), cSEG = colidx(&T, "behaviourSegment");

  /* IDs unique */
  {
    char **ids = malloc(sizeof(char *) * (size_t)T.nrows);
    for (int i = 0; i < T.nrows; i++) ids[i] = (char *)cell(&T, i, cID);
    qsort(ids, (size_t)T.nrows, sizeof(char *), cmpstr);
    int dup = 0;
    for (int i = 1; i < T.nrows; i++) dup += !strcmp(ids[i - 1], ids[i]);
    is_int(0, dup, "contract IDs are unique");
    free(ids);
  }
  /* dates and sanity */
  int bad_dates = 0, ents = 0, portchanges = 0, nmtg = 0, nfloat_seg = 0;
  for (int i = 0; i < T.nrows; i++) {
    BallastDate ied = date(cell(&T, i, cIED)), md = date(cell(&T, i, cMD));
    if (date(cell(&T, i, cSD)) != asof) bad_dates++;
    if (ied != BALLAST_DATE_NONE && ied >= asof) bad_dates++;
    if (md != BALLAST_DATE_NONE && md <= asof) bad_dates++;
    if (strcmp(cell(&T, i, cLE), "BANK-DE") && strcmp(cell(&T, i, cLE), "BANK-ES") && strcmp(cell(&T, i, cLE), "BANK-UK")) ents++;
    if (i && strcmp(cell(&T, i, cPF), cell(&T, i - 1, cPF))) portchanges++;
    if (!strncmp(cell(&T, i, cID), "MTG-", 4)) nmtg++;
    if (!strcmp(cell(&T, i, cSEG), "mortgages_floating")) nfloat_seg++;
  }
  is_int(0, bad_dates, "statusDate = as-of, initialExchangeDate before it, maturityDate after it");
  is_int(0, ents, "legal entities are BANK-DE, BANK-ES, BANK-UK");
  ok(portchanges > T.nrows / 2, "rows are shuffled: portfolio changes %d times in %d rows", portchanges, T.nrows);
  is_int(2000 * 3670 / 10000, nmtg, "mortgages are exactly 36.7 %% of the contracts (734 of 2,000)");
  ok(nfloat_seg > 0, "some floating-rate mortgages");

  /* ---------------------------------------------------------------- annuities by hand */
  int nann = 0, bad_ann = 0, bad_acc = 0;
  for (int i = 0; i < T.nrows; i++) {
    if (strcmp(cell(&T, i, cCT), "ANN")) continue;
    nann++;
    const char *dcc = cell(&T, i, cDCC);
    BallastDate ied = date(cell(&T, i, cIED)), md = date(cell(&T, i, cMD)), anc = date(cell(&T, i, cPRA)), last;
    int         cm  = cycle_months(cell(&T, i, cPRC)), k, m;
    double      B = num(cell(&T, i, cNT)), A = num(cell(&T, i, cPRN)), r = num(cell(&T, i, cR)), ai = num(cell(&T, i, cAI));
    if (anc != date(cell(&T, i, cIPA)) || cm != cycle_months(cell(&T, i, cIPC)) || cm <= 0) {
      bad_ann++;
      continue;
    }
    schedule(anc, cm, md, asof, ied, &last, &k, &m);
    /* A = B / sum_{i>k} prod_{k<j<=i} 1/(1 + r Y_j) */
    double      sum = 0, disc = 1;
    BallastDate prev = k ? BallastDateAddMonths(anc, (k - 1) * cm) : ied;
    for (int j = k; j < m; j++) {
      BallastDate t = BallastDateAddMonths(anc, j * cm);
      disc /= 1.0 + r * yf(dcc, prev, t);
      sum += disc;
      prev = t;
    }
    double Ahand = B / sum;
    if (!(fabs(Ahand - A) <= 0.011 + 1e-9 * A) || prev != md || !(B > 0)) {
      if (bad_ann++ < 3) diag("%s: instalment %.2f, from outstanding %.2f and %d remaining periods %.4f", cell(&T, i, cID), A, B, m - k, Ahand);
    }
    double acc = r2(B * r * yf(dcc, last, asof));
    if (!(fabs(acc - ai) <= 0.0051)) {
      if (bad_acc++ < 3) diag("%s: accrued %.2f, by hand %.2f", cell(&T, i, cID), ai, acc);
    }
  }
  ok(nann > 900, "%d annuities checked", nann);
  is_int(0, bad_ann, "annuity instalment = outstanding / annuity factor of the remaining schedule");
  is_int(0, bad_acc, "annuity accrued interest = outstanding x rate x day count since the last payment");

  /* ---------------------------------------------------------------- LAM, PAM, swaps, UMP, CLM accrued */
  int nlam = 0, bad_lam = 0, nswap = 0, bad_swap = 0, nother = 0, bad_other = 0;
  for (int i = 0; i < T.nrows; i++) {
    const char *ct = cell(&T, i, cCT), *dcc = cell(&T, i, cDCC);
    BallastDate ied = date(cell(&T, i, cIED)), md = date(cell(&T, i, cMD)), anc = date(cell(&T, i, cIPA)), last;
    int         cm  = cycle_months(cell(&T, i, cIPC)), k, m;
    double      N = num(cell(&T, i, cNT)), r = num(cell(&T, i, cR)), ai = num(cell(&T, i, cAI));
    if (!strcmp(ct, "ANN") || !strcmp(ct, "CSH")) continue;
    if (!strcmp(ct, "CLM")) last = ied;
    else if (anc == BALLAST_DATE_NONE) last = ied;
    else if (cm == 0) last = anc <= asof ? anc : ied; /* single interest payment (at maturity) */
    else schedule(anc, cm, md, asof, ied, &last, &k, &m);
    if (!strcmp(ct, "LAM")) {
      int    pk, pm;
      double R = num(cell(&T, i, cPRN));
      schedule(date(cell(&T, i, cPRA)), cycle_months(cell(&T, i, cPRC)), md, asof, ied, &last, &pk, &pm);
      nlam++;
      if (!(fabs(N - R * (pm - pk)) <= 0.005 * pm + 0.01)) {
        if (bad_lam++ < 3) diag("%s: outstanding %.2f vs %d remaining x %.2f", cell(&T, i, cID), N, pm - pk, R);
      }
    }
    if (!strcmp(ct, "SWPPV")) {
      double y = yf(dcc, last, asof), fx = r2(N * r * y), fl = r2(N * num(cell(&T, i, cR2)) * y);
      double net = !strcmp(cell(&T, i, cRole), "RFL") ? fx - fl : fl - fx;
      nswap++;
      if (!(fabs(net - ai) <= 0.0051) || date(cell(&T, i, colidx(&T, "cycleAnchorDateOfRateReset"))) == BALLAST_DATE_NONE) {
        if (bad_swap++ < 3) diag("%s (%s): accrued %.2f, fixed - floating by hand %.2f", cell(&T, i, cID), cell(&T, i, cRole), ai, net);
      }
      continue;
    }
    nother++;
    double acc = r2(N * r * yf(dcc, last, asof));
    if (!(fabs(acc - ai) <= 0.0051)) {
      if (bad_other++ < 3) diag("%s (%s): accrued %.2f, by hand %.2f since %d", cell(&T, i, cID), ct, ai, acc, (int)last);
    }
  }
  ok(nlam > 0, "%d linear amortisers", nlam);
  is_int(0, bad_lam, "LAM outstanding = remaining redemptions x nextPrincipalRedemptionPayment (within cents)");
  ok(nswap > 0, "%d swaps", nswap);
  is_int(0, bad_swap, "swap accrued = fixed minus floating leg for RFL, floating minus fixed for PFL");
  is_int(0, bad_other, "PAM/LAM/UMP/CLM accrued interest by hand (%d contracts)", nother);

  /* ---------------------------------------------------------------- floating rates vs curves.csv */
  {
    Curve cv[16];
    snprintf(p, sizeof p, "%s/curves.csv", a);
    int nc = curves_load(p, asof, cv, 16), nflt = 0, bad = 0, nocurve = 0, pillars = 1;
    for (int k = 0; k < nc; k++) pillars &= cv[k].n == 13;
    ok(nc >= 7 && pillars, "%d curves with 13 pillars each", nc);
    for (int i = 0; i < T.nrows; i++) {
      const char *moc = cell(&T, i, cMOC);
      if (!moc[0]) continue;
      int k;
      for (k = 0; k < nc; k++)
        if (!strcmp(cv[k].id, moc)) break;
      if (k == nc) {
        nocurve++;
        continue;
      }
      int    pm = cycle_months(cell(&T, i, cRRC));
      double t  = (BallastDateAddMonths(asof, pm) - asof) / 365.0, F = (exp(zero(&cv[k], t) * t) - 1.0) / t;
      double want, got;
      if (!strcmp(cell(&T, i, cCT), "SWPPV")) want = F, got = num(cell(&T, i, cR2));
      else {
        want = F + num(cell(&T, i, cSP));
        if (cell(&T, i, cFL)[0]) want = fmax(want, num(cell(&T, i, cFL)));
        if (cell(&T, i, cCAP)[0]) want = fmin(want, num(cell(&T, i, cCAP)));
        got = num(cell(&T, i, cR));
      }
      nflt++;
      if (!(fabs(want - got) <= 6e-7)) {
        if (bad++ < 3) diag("%s: rate %.6f, index + spread %.6f", cell(&T, i, cID), got, want);
      }
    }
    ok(nflt > 100, "%d floating contracts", nflt);
    is_int(0, nocurve, "every marketObjectCodeOfRateReset names a curve of curves.csv");
    is_int(0, bad, "current rate of floating contracts = forward of the index curve + spread, floors and caps applied");
  }

  /* portfolios: named by business line, unequal */
  {
    char names[64][48];
    int  cnt[64], np = 0, lines_ok = 1;
    for (int i = 0; i < T.nrows; i++) {
      int k;
      for (k = 0; k < np; k++)
        if (!strcmp(names[k], cell(&T, i, cPF))) break;
      if (k == np && np < 64) snprintf(names[np], 48, "%s", cell(&T, i, cPF)), cnt[np++] = 0;
      if (k < 64) cnt[k]++;
      if (!strncmp(cell(&T, i, cID), "MTG-", 4) && strncmp(cell(&T, i, cPF), "RETAIL-MORTGAGES-", 17)) lines_ok = 0;
      if (!strcmp(cell(&T, i, cCT), "SWPPV") && strncmp(cell(&T, i, cPF), "ALM-HEDGES-", 11)) lines_ok = 0;
    }
    int mn = 1 << 30, mx = 0;
    for (int k = 0; k < np; k++) mn = cnt[k] < mn ? cnt[k] : mn, mx = cnt[k] > mx ? cnt[k] : mx;
    ok(np >= 9 && np <= 20, "%d portfolios used (of 20)", np);
    ok(mx >= 5 * mn, "portfolio sizes unequal (largest %d, smallest %d)", mx, mn);
    ok(lines_ok, "each portfolio holds one business line (mortgages, hedges checked)");
  }
  {
    int eur = 0;
    for (int i = 0; i < T.nrows; i++) eur += !strcmp(cell(&T, i, cCCY), "EUR");
    ok(eur > 0.7 * T.nrows && eur < 0.95 * T.nrows, "about 80 %% EUR contracts (%d of %d)", eur, T.nrows);
  }

  /* ---------------------------------------------------------------- the project's loader accepts it */
  {
    BallastConfig     cfg;
    BallastMarketData md;
    BallastContracts  cs = NULL;
    snprintf(p, sizeof p, "%s/run.cfg", a);
    PetscErrorCode e1 = BallastConfigLoad(PETSC_COMM_WORLD, p, &cfg), e2 = 1, e3 = 1;
    if (!e1) e2 = BallastMarketLoad(PETSC_COMM_WORLD, &cfg, &md);
    if (!e1 && !e2) e3 = BallastContractsLoad(PETSC_COMM_WORLD, &cfg, &md, &cs);
    is_int(0, e1, "run.cfg loads as a run configuration");
    ok(!e1 && cfg.nscenarios == 7 && cfg.ndiscount == 3 && cfg.tier1 > 0 && cfg.tier2 > 0 && cfg.nii_horizon_months == 12 && cfg.regime && cfg.regime[0] == '/' &&
         strstr(cfg.regime, "config/regimes/bcbs-2016.cfg"),
       "run.cfg: 7 scenarios, 3 discount curves, capital, NII horizon, the default regime by an absolute path");
    is_int(0, e2, "curves.csv and fx.csv load");
    is_int(0, e3, "contracts.csv passes every input check of the loader");
    if (!e3) {
      is_int(2000, (long long)cs->n, "loader holds the 2000 contracts");
      ok(cs->nportfolios >= 9 && cs->nportfolios <= 20, "loader sees %d portfolios", (int)cs->nportfolios);
    }
    if (!e3) BallastContractsDestroy(&cs);
    if (!e1 && !e2) BallastMarketDataDestroy(&md);
    if (!e1) BallastConfigDestroy(&cfg);
  }

  /* ---------------------------------------------------------------- determinism */
  char h1[65], h2[65], h3[65];
  is_int(0, gen("--contracts=2000", "--portfolios=20", "--seed=11", "--out", b, NULL), "same seed again (--opt=value form)");
  snprintf(p, sizeof p, "%s/contracts.csv", a);
  BallastSHA256File(p, h1);
  snprintf(p, sizeof p, "%s/contracts.csv", b);
  BallastSHA256File(p, h2);
  is_string(h1, h2, "same seed: contracts.csv identical (SHA-256)");
  snprintf(p, sizeof p, "%s/curves.csv", a);
  BallastSHA256File(p, h1);
  snprintf(p, sizeof p, "%s/curves.csv", b);
  BallastSHA256File(p, h2);
  is_string(h1, h2, "same seed: curves.csv identical");
  char regime[1300], want_regime[1400];
  {
    const char *src = getenv("BALLAST_SOURCE_DIR");
    snprintf(regime, sizeof regime, "%s/config/regimes/bcbs-2016.cfg", src ? src : ".");
    char *r = realpath(regime, NULL);
    snprintf(want_regime, sizeof want_regime, "regime = \"%s\";", r ? r : regime);
    free(r);
  }
  is_int(0, gen("--contracts", "2000", "--portfolios", "20", "--seed", "12", "--out", c, "--regime", regime, "--results", "out/r", NULL),
         "different seed, with --regime and --results");
  snprintf(p, sizeof p, "%s/contracts.csv", a);
  BallastSHA256File(p, h1);
  snprintf(p, sizeof p, "%s/contracts.csv", c);
  BallastSHA256File(p, h3);
  ok(strcmp(h1, h3) != 0, "different seed: different contracts.csv");
  {
    snprintf(p, sizeof p, "%s/run.cfg", c);
    char *cfgtext = slurp(p, NULL);
    contains(cfgtext ? cfgtext : "", want_regime, "run.cfg names the regime by its absolute path");
    contains(cfgtext ? cfgtext : "", "output = { dir = \"out/r\"; };", "run.cfg output.dir from --results");
    contains(cfgtext ? cfgtext : "", "seed 12", "run.cfg comment names the seed");
    free(cfgtext);
  }

  /* ---------------------------------------------------------------- shards = the single file in pieces */
  {
    is_int(0, gen("--contracts", "500", "--seed", "5", "--out", s, "--shard-rows", "200", NULL), "500 contracts in shards of 200");
    ok(exists(s, "contracts-000.csv") && exists(s, "contracts-001.csv") && exists(s, "contracts-002.csv") && !exists(s, "contracts-003.csv") && !exists(s, "contracts.csv"),
       "three shards, no single file");
    is_int(0, gen("--contracts", "500", "--seed", "5", "--out", c, NULL), "the same 500 contracts in one file");
    snprintf(p, sizeof p, "%s/contracts.csv", c);
    char  *one = slurp(p, NULL), *joined = calloc(1, strlen(one ? one : "") + 4096);
    size_t hl  = strchr(one, '\n') - one + 1;
    memcpy(joined, one, hl);
    int rows[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) {
      snprintf(p, sizeof p, "%s/contracts-%03d.csv", s, k);
      char *sh = slurp(p, NULL);
      if (!sh) continue;
      for (char *q = sh; *q; q++) rows[k] += *q == '\n';
      strcat(joined, strchr(sh, '\n') + 1);
      free(sh);
    }
    ok(rows[0] == 201 && rows[1] == 201 && rows[2] == 101, "shard rows 200, 200, 100 plus headers");
    ok(!strcmp(one, joined), "shards concatenated = the unsharded file");
    snprintf(p, sizeof p, "%s/run.cfg", s);
    char *cfgtext = slurp(p, NULL);
    contains(cfgtext ? cfgtext : "", "contracts = [\"contracts-000.csv\", \"contracts-001.csv\", \"contracts-002.csv\"];", "run.cfg lists the shards");
    free(cfgtext);
    free(one);
    free(joined);
  }

  /* ---------------------------------------------------------------- bad options */
  is_int(0, gen("--help", NULL), "--help");
  is_int(BALLAST_ERR_USAGE, gen("--out", b, NULL), "missing --contracts");
  is_int(BALLAST_ERR_USAGE, gen("--contracts", "10", NULL), "missing --out");
  is_int(BALLAST_ERR_USAGE, gen("--contracts", "0", "--out", b, NULL), "--contracts 0");
  is_int(BALLAST_ERR_USAGE, gen("--contracts", "-5", "--out", b, NULL), "--contracts -5");
  is_int(BALLAST_ERR_USAGE, gen("--contracts", "12abc", "--out", b, NULL), "--contracts 12abc");
  is_int(BALLAST_ERR_USAGE, gen("--contracts", "10", "--contracts", "20", "--out", b, NULL), "--contracts twice");
  is_int(BALLAST_ERR_USAGE, gen("--contracts", "10", "--portfolios", "0", "--out", b, NULL), "--portfolios 0");
  is_int(BALLAST_ERR_USAGE, gen("--contracts", "10", "--seed", "-1", "--out", b, NULL), "--seed -1");
  is_int(BALLAST_ERR_USAGE, gen("--contracts", "10", "--seed", "99999999999999999999", "--out", b, NULL), "--seed beyond 2^64");
  is_int(BALLAST_ERR_USAGE, gen("--contracts", "10", "--as-of", "2026-02-30", "--out", b, NULL), "--as-of 2026-02-30");
  is_int(BALLAST_ERR_USAGE, gen("--contracts", "10", "--shard-rows", "0", "--out", b, NULL), "--shard-rows 0");
  is_int(BALLAST_ERR_USAGE, gen("--contracts", "10", "--regime", "a\"b", "--out", b, NULL), "--regime with a quote");
  is_int(BALLAST_ERR_USAGE, gen("--contracts", "10", "--frobnicate", "--out", b, NULL), "unknown option");
  is_int(BALLAST_ERR_USAGE, gen("--contracts", "10", "--out", b, "extra", NULL), "stray argument");
  is_int(BALLAST_ERR_USAGE, gen("--contracts", "10", "--out", NULL), "--out without a value");
  snprintf(p, sizeof p, "%s/a/run.cfg/sub", dir);
  is_int(BALLAST_ERR_IO, gen("--contracts", "10", "--out", p, NULL), "output directory under a regular file: I/O error");

  /* a small file that cannot be written (its temporary name is taken by a directory): an I/O
   * error, and the contract file is not renamed into place (curves.csv comes before it) */
  {
    char q[1300];
    snprintf(p, sizeof p, "%s/f", dir);
    snprintf(q, sizeof q, "%s/f/curves.csv.tmp", dir);
    mkdir(p, 0777);
    mkdir(q, 0777);
    is_int(BALLAST_ERR_IO, gen("--contracts", "10", "--out", p, NULL), "curves.csv cannot be written: I/O error");
    ok(!exists(p, "contracts.csv") && !exists(p, "run.cfg") && !exists(p, ".contracts.csv.tmp"), "... no contracts.csv, no run.cfg, no temporary left");
    snprintf(q, sizeof q, "%s/f/run.cfg.tmp", dir);
    mkdir(q, 0777);
    snprintf(q, sizeof q, "%s/f/curves.csv.tmp", dir);
    rmdir(q);
    is_int(BALLAST_ERR_IO, gen("--contracts", "10", "--out", p, NULL), "run.cfg cannot be written: I/O error");
    ok(!exists(p, "run.cfg") && exists(p, "curves.csv"), "... no run.cfg (the files before it are in place)");
  }

  /* other as-of dates and tiny sizes */
  snprintf(p, sizeof p, "%s/t", dir);
  is_int(0, gen("--contracts", "1", "--portfolios", "1", "--as-of", "2024-02-29", "--out", p, NULL), "one contract, one portfolio, as of a leap day");
  is_int(0, gen("--contracts", "13", "--portfolios", "3", "--as-of", "2025-01-01", "--out", p, NULL), "13 contracts, 3 portfolios: one of each category");
  {
    Table U;
    snprintf(p, sizeof p, "%s/t/contracts.csv", dir);
    int ok_load = !table_load(p, &U), types = 0;
    if (ok_load) {
      const char *want[] = {"ANN", "LAM", "PAM", "CLM", "UMP", "SWPPV", "CSH"};
      for (int w = 0; w < 7; w++)
        for (int i = 0; i < U.nrows; i++)
          if (!strcmp(cell(&U, i, colidx(&U, "contractType")), want[w])) {
            types++;
            break;
          }
      table_free(&U);
    }
    ok(types >= 6, "small book still has %d of the 7 contract types", types);
  }

  table_free(&T);
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) diag("could not remove %s", dir);
  PetscFinalize();
  return tap_failed() ? 1 : 0;
}
