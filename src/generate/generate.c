/* ballast generate: a synthetic balance sheet of a mid-size European bank.
 *
 * What it looks like (by number of contracts; amounts are means of lognormal draws, so a 1M-contract
 * book is a bank of about EUR 80 bn total assets; see docs/generator.md for the measured totals):
 *
 *   share   prefix  contracts                        ACTUS          business line (portfolio)
 *   34.0 %  MTG     residential mortgages            ANN RPA        RETAIL-MORTGAGES
 *                   monthly P1ML0, 15-30 y, 30E360 (DE, 60 % ES) / A365; fixed (DE 90 %, ES 55 %,
 *                   UK 75 %) or floating on EURIBOR 6M / SONIA 3M with floor (and some caps);
 *                   riskWeight 0.35; behaviourSegment mortgages_fixed / mortgages_floating
 *   18.0 %  CONS    consumer instalment loans        ANN RPA        CONSUMER-LOANS
 *                   monthly, 2-7 y, fixed; riskWeight 0.75; behaviourSegment consumer_loans
 *   10.0 %  CORP    SME and corporate loans          LAM 55 % / PAM RPA  CORPORATE
 *                   quarterly/semi-annual/annual; 60 % floating on EURIBOR 3M/6M, TERM SOFR 3M,
 *                   SONIA 3M (+ spread, 50 % with a zero floor); 40 % of bullets and 10 % of
 *                   amortising loans with undrawnCommitment (credit), loans to financials are
 *                   liquidity facilities; riskWeight 0.75 (SME), 0.5/1.0/1.5 (corporate)
 *    0.4 %  BOND    bonds held                       PAM RPA        TREASURY-HQLA
 *                   annual (EUR) / semi-annual coupons, AA; sovereign and MDB (hqlaLevel 1),
 *                   covered (2A), RMBS (2B_RMBS), corporate (2B); 25 % encumbered (repo, central
 *                   bank collateral) until a date within two years
 *    0.3 %  CALL    interbank call money             CLM RPA 55 % / RPL  INTERBANK
 *                   xDayNotice P1D/P2D/P1W/P1M, A360/A365, interest accrued since the deal
 *    0.05 % CASH    central bank reserves, vault cash CSH RPA       TREASURY-HQLA
 *   14.0 %  SIGHT   retail sight accounts (pools)    UMP RPL        RETAIL-DEPOSITS
 *                   quarterly interest, nmd_retail_transactional, 75 % stable, 90 % insured
 *    8.0 %  SAV     retail savings accounts (pools)  UMP RPL        RETAIL-DEPOSITS
 *                   annual/quarterly interest, nmd_retail_savings, some with notice periods
 *    3.0 %  CDEP    corporate sight deposits         UMP RPL        CORPORATE-DEPOSITS
 *                   monthly interest, nmd_wholesale, operational for part of them
 *   11.3 %  TD      term deposits                    PAM RPL        RETAIL-DEPOSITS (85 %,
 *                   behaviourSegment term_deposits, insured up to 100k) / CORPORATE-DEPOSITS
 *    0.45 % WSF     wholesale funding                PAM RPL        WHOLESALE-FUNDING
 *                   covered bonds and senior bonds issued (fixed; 30 % of seniors floating),
 *                   interbank term borrowing, central bank term funding on ESTR
 *    0.5 %  IRS     interest rate swaps (hedges)     SWPPV PFL 65 % / RFL 35 %  ALM-HEDGES
 *                   fixed vs EURIBOR 6M/3M, TERM SOFR 3M, SONIA 3M; 2-30 y
 *
 * Legal entities BANK-DE, BANK-ES, BANK-UK, one per portfolio (the entity pattern over a line's
 * portfolios is DE, ES, DE, UK, ES, DE, ...). Currency: retail books in the entity's currency (EUR,
 * GBP for BANK-UK); wholesale books of DE/ES 80 % EUR, 14 % USD, 6 % GBP, of UK 70 % GBP, 20 % USD,
 * 10 % EUR: about 80 % EUR overall. Portfolios per line: one each, the rest shared by line weights;
 * contracts inside a line drawn with Zipf weights 1/(q+1)^0.8, so portfolio sizes are unequal.
 *
 * Mid-life loading (statusDate = as-of date): every schedule is anchored on a day 1..28 (no
 * end-of-month ambiguity, schedule = anchor + j cycles), the last payment date is <= statusDate <
 * the next one; notionalPrincipal is the outstanding principal after the payments made so far,
 * accruedInterest the interest from the last payment date (or initialExchangeDate) to statusDate
 * on that principal with the contract's day count (BallastYearFraction). Annuities: the instalment
 * A of an original amount L with period year fractions Y_j (day count of the contract) is
 * A = L / sum_i 1/D_i, D_i = prod_{j<=i} (1 + r Y_j), so that the balance B_k after k payments
 * (B_j = B_{j-1}(1 + r Y_j) - A) is repaid exactly at maturity; equivalently A = B_k / sum_{i>k}
 * D_k/D_i, which a reader can check from the row alone. Floating contracts carry the current rate
 * index + spread (caps/floors applied), the index being the simply compounded forward of its curve
 * over the reset period starting at the as-of date; the past life of a floating annuity is
 * computed at that rate (historical fixings are not modelled). Fixed rates follow the vintage:
 * swap rates of the year of initialExchangeDate plus a product margin.
 *
 * Determinism: row r of the file holds logical contract k = perm(r) (a keyed Feistel bijection
 * of [0, N) with cycle walking); k fixes the category (exact counts by largest remainder) and
 * every draw of the contract is splitmix64(seed, k, draw number). No state is carried from row to
 * row, so any rank can format any row: the bytes never depend on the number of ranks. */
#define _POSIX_C_SOURCE 200809L
#include <ballast/commands.h>
#include <ballast/curve.h>
#include <ballast/daycount.h>
#include <ballast/generate.h>
#include "behaviour_gen.h"
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GEN_PI 3.14159265358979323846

/* ------------------------------------------------------------------ counter-based random numbers */
static inline uint64_t mix64(uint64_t z)
{
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

typedef struct {
  uint64_t key; /* hash of (seed, contract) */
  uint64_t n;   /* draw number */
} Rng;

static inline double unif(Rng *r) { return (double)(mix64(r->key + (++r->n) * 0xd1b54a32d192ed03ULL) >> 11) * 0x1.0p-53; }
static inline int    rint_below(Rng *r, int n) { int k = (int)(unif(r) * n); return k < n ? k : n - 1; }
static inline double urange(Rng *r, double a, double b) { return a + (b - a) * unif(r); }
static inline int    coin(Rng *r, double p) { return unif(r) < p; }
static double normal(Rng *r)
{
  double u1 = unif(r), u2 = unif(r);
  if (u1 < 1e-300) u1 = 1e-300;
  return sqrt(-2.0 * log(u1)) * cos(2.0 * GEN_PI * u2);
}
static double lognorm(Rng *r, double median, double sigma) { return median * exp(sigma * normal(r)); }
/* index drawn from weights w[0..n-1] (need not sum to 1) */
static int pick(Rng *r, const double *w, int n)
{
  double s = 0, u;
  for (int i = 0; i < n; i++) s += w[i];
  u = unif(r) * s;
  for (int i = 0; i < n; i++) {
    if (u < w[i]) return i;
    u -= w[i];
  }
  return n - 1;
}

static inline double round2(double x) { return (double)llround(x * 100.0) / 100.0; }
static inline double round6(double x) { return (double)llround(x * 1e6) / 1e6; }
static inline double roundto(double x, double q) { return (double)llround(x / q) * q; }

/* Keyed bijection of [0, n): balanced Feistel network on 2*half bits, cycle-walking into [0, n). */
typedef struct {
  uint64_t n, mask, keys[4];
  int      half;
} Perm;

static void perm_init(Perm *p, uint64_t n, uint64_t seedkey)
{
  int bits = 2;
  while (bits < 62 && ((uint64_t)1 << bits) < n) bits += 2;
  p->n    = n;
  p->half = bits / 2;
  p->mask = ((uint64_t)1 << p->half) - 1;
  for (int i = 0; i < 4; i++) p->keys[i] = mix64(seedkey ^ (0x5851f42d4c957f2dULL * (uint64_t)(i + 1)));
}

static uint64_t perm_apply(const Perm *p, uint64_t x)
{
  do {
    uint64_t L = x >> p->half, R = x & p->mask;
    for (int i = 0; i < 4; i++) {
      uint64_t F = mix64(R ^ p->keys[i]) & p->mask, nL = R;
      R = L ^ F;
      L = nL;
    }
    x = (L << p->half) | R;
  } while (x >= p->n);
  return x;
}

/* ------------------------------------------------------------------ the bank's vocabulary */
enum { CCY_EUR, CCY_USD, CCY_GBP, NCCY };
static const char  *ccy_name[NCCY] = {"EUR", "USD", "GBP"};
static const double fx_rate[NCCY]  = {1.0, 0.9215, 1.1540}; /* EUR per unit */

enum { ENT_DE, ENT_ES, ENT_UK, NENT };
static const char *entity_name[NENT] = {"BANK-DE", "BANK-ES", "BANK-UK"};
static const int   entity_pattern[6] = {ENT_DE, ENT_ES, ENT_DE, ENT_UK, ENT_ES, ENT_DE};

/* Curves: continuously compounded zero rates, late 2026 (ECB deposit rate ~2 %, Fed ~3.4 %,
 * BoE ~3.4 %). Index curves sit a basis above the overnight (discount) curve of their currency. */
#define NPILLARS 13
static const char *pillar_tenor[NPILLARS] = {"ON", "1M", "3M", "6M", "1Y", "2Y", "3Y", "5Y", "7Y", "10Y", "15Y", "20Y", "30Y"};
enum { CV_EUR_ESTR, CV_EUR_E3M, CV_EUR_E6M, CV_USD_SOFR, CV_USD_TS3M, CV_GBP_SONIA, CV_GBP_ST3M, NCURVES };
static const struct {
  const char *id;
  int         ccy;
  double      z[NPILLARS];
} curve_def[NCURVES] = {
  {"EUR_ESTR", CCY_EUR, {0.0192, 0.0193, 0.0195, 0.0198, 0.0203, 0.0211, 0.0219, 0.0232, 0.0244, 0.0258, 0.0271, 0.0276, 0.0270}},
  {"EUR_EURIBOR3M", CCY_EUR, {0.0204, 0.0206, 0.0211, 0.0214, 0.0219, 0.0226, 0.0233, 0.0248, 0.0259, 0.0272, 0.0284, 0.0289, 0.0283}},
  {"EUR_EURIBOR6M", CCY_EUR, {0.0209, 0.0211, 0.0216, 0.0218, 0.0224, 0.0231, 0.0238, 0.0254, 0.0265, 0.0278, 0.0290, 0.0295, 0.0289}},
  {"USD_SOFR", CCY_USD, {0.0345, 0.0343, 0.0338, 0.0332, 0.0325, 0.0320, 0.0322, 0.0333, 0.0345, 0.0360, 0.0378, 0.0388, 0.0385}},
  {"USD_TERM_SOFR3M", CCY_USD, {0.0350, 0.0349, 0.0345, 0.0339, 0.0331, 0.0326, 0.0328, 0.0339, 0.0351, 0.0366, 0.0384, 0.0394, 0.0391}},
  {"GBP_SONIA", CCY_GBP, {0.0340, 0.0339, 0.0335, 0.0330, 0.0324, 0.0320, 0.0323, 0.0335, 0.0348, 0.0365, 0.0385, 0.0395, 0.0390}},
  {"GBP_SONIA_TERM3M", CCY_GBP, {0.0345, 0.0344, 0.0340, 0.0335, 0.0329, 0.0325, 0.0328, 0.0340, 0.0353, 0.0370, 0.0390, 0.0400, 0.0395}},
};
static const int disc_curve[NCCY] = {CV_EUR_ESTR, CV_USD_SOFR, CV_GBP_SONIA};
static const int idx3_curve[NCCY] = {CV_EUR_E3M, CV_USD_TS3M, CV_GBP_ST3M};

/* Vintage rates (EUR): 10-year swap and 1-year rate in the year a contract started; other
 * currencies add a spread. Fixed contract rates = vintage rate + product margin. */
#define VINTAGE0 1996
#define NVINTAGE 31
static const double vint10[NVINTAGE] = {0.065, 0.058, 0.048, 0.050, 0.058, 0.052, 0.050, 0.042, 0.041, 0.034, 0.040, 0.046, 0.044, 0.036, 0.030, 0.029,
                                        0.019, 0.020, 0.013, 0.009, 0.005, 0.008, 0.009, 0.002, -0.001, 0.001, 0.022, 0.030, 0.026, 0.025, 0.026};
static const double vint1[NVINTAGE]  = {0.032, 0.037, 0.036, 0.031, 0.048, 0.040, 0.033, 0.022, 0.022, 0.024, 0.036, 0.044, 0.038, 0.012, 0.013, 0.017,
                                        0.004, 0.003, 0.002, -0.001, -0.002, -0.002, -0.002, -0.003, -0.004, -0.005, 0.012, 0.036, 0.030, 0.021, 0.020};
static const double vint10_ccy[NCCY] = {0.0, 0.010, 0.008};
static const double vint1_ccy[NCCY]  = {0.0, 0.012, 0.010};

/* Business lines: a portfolio belongs to exactly one. With fewer portfolios than lines, a line is
 * booked in its parent's portfolio (the first P lines are kept). weight: share of the extra
 * portfolios when P > NLINES. */
enum { L_MORTGAGES, L_RETAIL_DEP, L_TREASURY, L_CORPORATE, L_HEDGES, L_CONSUMER, L_CORP_DEP, L_WHOLESALE, L_INTERBANK, NLINES };
static const struct {
  const char *name;
  int         parent, weight, retail;
} line_def[NLINES] = {
  {"RETAIL-MORTGAGES", -1, 24, 1}, {"RETAIL-DEPOSITS", L_MORTGAGES, 20, 1}, {"TREASURY-HQLA", L_MORTGAGES, 6, 0},
  {"CORPORATE", L_MORTGAGES, 20, 0}, {"ALM-HEDGES", L_TREASURY, 3, 0},     {"CONSUMER-LOANS", L_MORTGAGES, 10, 1},
  {"CORPORATE-DEPOSITS", L_RETAIL_DEP, 10, 0}, {"WHOLESALE-FUNDING", L_TREASURY, 4, 0}, {"INTERBANK", L_TREASURY, 3, 0},
};

/* Categories: exact shares of the contract count (basis points, sum 10000). */
enum { C_MTG, C_CONS, C_CORP, C_BOND, C_CALL, C_CASH, C_SIGHT, C_SAV, C_CDEP, C_TD, C_WSF, C_IRS, NCAT };
static const struct {
  const char *prefix, *what;
  int         bp;
} cat_def[NCAT] = {
  {"MTG", "residential mortgages (ANN)", 3400},    {"CONS", "consumer loans (ANN)", 1800},
  {"CORP", "SME and corporate loans (LAM/PAM)", 1000}, {"BOND", "bonds held (PAM)", 40},
  {"CALL", "interbank call money (CLM)", 30},      {"CASH", "cash and central bank reserves (CSH)", 5},
  {"SIGHT", "retail sight deposits (UMP)", 1400},  {"SAV", "retail savings deposits (UMP)", 800},
  {"CDEP", "corporate sight deposits (UMP)", 300}, {"TD", "term deposits (PAM RPL)", 1130},
  {"WSF", "wholesale funding and issued bonds (PAM RPL)", 45}, {"IRS", "interest rate swaps (SWPPV)", 50},
};

/* ------------------------------------------------------------------ generator state */
typedef struct {
  BallastDate as_of;
  int         ay, am, ad;
  uint64_t    seedkey;
  int64_t     n;
  int64_t     count[NCAT], start[NCAT + 1];
  Perm        perm;
  int         idwidth;
  /* portfolios */
  int64_t  nport;
  char   **pname;
  int     *pentity;
  int      eff_line[NLINES];
  int64_t  lfirst[NLINES], lcount[NLINES];
  double  *pcum; /* per portfolio: cumulative Zipf weight within its line, last = 1 */
  /* index rates at the as-of date: simply compounded forwards over 1 day, 1M, 3M, 6M, 12M */
  double fwd[NCURVES][5];
} Gen;

static int fwd_slot(int months) { return months <= 0 ? 0 : months == 1 ? 1 : months <= 3 ? 2 : months <= 6 ? 3 : 4; }
static double index_rate(const Gen *g, int curve, int months) { return g->fwd[curve][fwd_slot(months)]; }
static double vintage10(int year, int ccy) { int i = year - VINTAGE0; i = i < 0 ? 0 : i >= NVINTAGE ? NVINTAGE - 1 : i; return vint10[i] + vint10_ccy[ccy]; }
static double vintage1(int year, int ccy) { int i = year - VINTAGE0; i = i < 0 ? 0 : i >= NVINTAGE ? NVINTAGE - 1 : i; return vint1[i] + vint1_ccy[ccy]; }
static int    year_of(BallastDate t) { int y, m, d; BallastDateToYMD(t, &y, &m, &d); return y; }

static PetscErrorCode gen_setup(const BallastGenerateOptions *o, Gen *g)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(g, sizeof(*g)));
  g->as_of = o->as_of;
  BallastDateToYMD(o->as_of, &g->ay, &g->am, &g->ad);
  g->seedkey = mix64(o->seed ^ 0x42616c6c61737421ULL); /* "Ballast!" */
  g->n       = o->ncontracts;
  perm_init(&g->perm, (uint64_t)g->n, mix64(g->seedkey + 1));

  /* exact counts: largest remainder, then at least one of each category when N allows */
  int64_t left = g->n, rem[NCAT];
  for (int c = 0; c < NCAT; c++) {
    g->count[c] = g->n / 10000 * cat_def[c].bp + (g->n % 10000) * cat_def[c].bp / 10000;
    rem[c]      = ((g->n % 10000) * cat_def[c].bp) % 10000;
    left -= g->count[c];
  }
  while (left > 0) {
    int best = 0;
    for (int c = 1; c < NCAT; c++)
      if (rem[c] > rem[best]) best = c;
    g->count[best]++;
    rem[best] = -1;
    left--;
  }
  if (g->n >= NCAT)
    for (int c = 0; c < NCAT; c++)
      if (!g->count[c]) {
        int big = 0;
        for (int b = 1; b < NCAT; b++)
          if (g->count[b] > g->count[big]) big = b;
        g->count[big]--;
        g->count[c]++;
      }
  g->start[0] = 0;
  for (int c = 0; c < NCAT; c++) g->start[c + 1] = g->start[c] + g->count[c];
  int64_t maxc = 1;
  for (int c = 0; c < NCAT; c++) maxc = PetscMax(maxc, g->count[c]);
  g->idwidth = 1;
  for (int64_t x = maxc; x >= 10; x /= 10) g->idwidth++;
  g->idwidth = PetscMax(7, g->idwidth);

  /* portfolios per line */
  int64_t P      = o->nportfolios;
  int     active = (int)PetscMin(P, (int64_t)NLINES);
  for (int l = 0; l < NLINES; l++) {
    int e = l;
    while (e >= active) e = line_def[e].parent;
    g->eff_line[l] = e;
    g->lcount[l]   = e == l ? 1 : 0;
  }
  if (P > NLINES) {
    int64_t extra = P - NLINES, given = 0, r[NLINES];
    for (int l = 0; l < NLINES; l++) {
      g->lcount[l] += extra * line_def[l].weight / 100;
      given += extra * line_def[l].weight / 100;
      r[l] = (extra * line_def[l].weight) % 100;
    }
    while (given < extra) {
      int best = 0;
      for (int l = 1; l < NLINES; l++)
        if (r[l] > r[best]) best = l;
      g->lcount[best]++;
      r[best] = -1;
      given++;
    }
  }
  g->nport = P;
  PetscCall(PetscCalloc1(P, &g->pname));
  PetscCall(PetscMalloc1(P, &g->pentity));
  PetscCall(PetscMalloc1(P, &g->pcum));
  int64_t id = 0;
  for (int l = 0; l < NLINES; l++) {
    g->lfirst[l] = id;
    double tot = 0;
    for (int64_t q = 0; q < g->lcount[l]; q++) tot += pow((double)(q + 1), -0.8);
    double cum = 0;
    for (int64_t q = 0; q < g->lcount[l]; q++, id++) {
      char name[64];
      cum += pow((double)(q + 1), -0.8);
      g->pcum[id] = q + 1 == g->lcount[l] ? 1.0 : cum / tot;
      if (P == 1) snprintf(name, sizeof name, "BANKING-BOOK-%03" PRId64, q + 1);
      else snprintf(name, sizeof name, "%s-%03" PRId64, line_def[l].name, q + 1);
      PetscCall(PetscStrallocpy(name, &g->pname[id]));
      g->pentity[id] = entity_pattern[q % 6];
    }
  }

  /* index fixings observed at the as-of date, as the engine reads a reset (curve.h) */
  for (int k = 0; k < NCURVES; k++) {
    double       t[NPILLARS], z[NPILLARS];
    BallastCurve cv = {0};
    for (int i = 0; i < NPILLARS; i++) {
      int  n;
      char unit;
      (void)BallastTenorParse(pillar_tenor[i], &n, &unit);
      t[i] = BallastYearsFrom(g->as_of, BallastDateAddTenor(g->as_of, n, unit));
      z[i] = curve_def[k].z[i];
    }
    cv.name     = (char *)curve_def[k].id;
    cv.currency = curve_def[k].ccy;
    cv.n        = NPILLARS;
    cv.t        = t;
    cv.z        = z;
    static const int months[5] = {0, 1, 3, 6, 12};
    for (int s = 0; s < 5; s++) {
      BallastDate e = months[s] ? BallastDateAddMonths(g->as_of, months[s]) : g->as_of + 1;
      g->fwd[k][s]  = BallastCurveForward(&cv, g->as_of, g->as_of, e);
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode gen_destroy(Gen *g)
{
  PetscFunctionBeginUser;
  for (int64_t i = 0; i < g->nport; i++) PetscCall(PetscFree(g->pname[i]));
  PetscCall(PetscFree(g->pname));
  PetscCall(PetscFree(g->pentity));
  PetscCall(PetscFree(g->pcum));
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ one contract */
/* Every cell of a row; NULL text, NaN numbers and BALLAST_DATE_NONE dates are empty cells.
 * Amounts are rounded to cents and rates to 1e-6 before they are used in any other value, so that
 * what is printed is what was computed with. */
typedef struct {
  int         cat;
  int64_t     j; /* number within the category */
  int64_t     portfolio;
  int         entity, ccy;
  const char *type, *role, *dcc, *ipcyc, *prcyc, *rrcyc, *moc, *xdn, *cpty, *stab, *oper, *ins, *hqla, *fac, *seg;
  BallastDate ied, md, ipanc, pranc, rranc, encumbered;
  double      notional, rate, prnxt, spread, cap, floor, rate2, accrued, riskweight, undrawn;
} Row;

static void row_init(Row *w)
{
  memset(w, 0, sizeof(*w));
  w->ied = w->md = w->ipanc = w->pranc = w->rranc = w->encumbered = BALLAST_DATE_NONE;
  w->notional = w->rate = w->prnxt = w->spread = w->cap = w->floor = w->rate2 = w->accrued = w->riskweight = w->undrawn = NAN;
}

static const char *dcc_text(BallastDayCount d)
{
  switch (d) {
  case BALLAST_DCC_A360: return "A360";
  case BALLAST_DCC_A365: return "A365";
  case BALLAST_DCC_30E360: return "30E360";
  case BALLAST_DCC_AA: return "AA";
  default: return "A365";
  }
}
static const BallastDayCount mm_dcc[NCCY] = {BALLAST_DCC_A360, BALLAST_DCC_A360, BALLAST_DCC_A365};

static const char *cycle_text(int months)
{
  switch (months) {
  case 1: return "P1ML0";
  case 3: return "P3ML0";
  case 6: return "P6ML0";
  case 12: return "P1YL0";
  default: return "P1ML0";
  }
}

/* A regular schedule of m periods of c months anchored on day d <= 28, with k periods paid at
 * the as-of date: ied + j*c months, t_k = last payment (<= as-of; ied if k = 0) < t_{k+1}. */
typedef struct {
  BallastDate ied, t1, tk, md;
  int         c, m, k, d;
} Sched;

static void sched_build(const Gen *g, Rng *r, int c, int m, int k, Sched *s)
{
  int         d  = 1 + rint_below(r, 28);
  int         ph = rint_below(r, c);
  BallastDate last_d; /* latest date on day d <= as-of */
  if (d <= g->ad) last_d = BallastDateFromYMD(g->ay, g->am, d);
  else last_d = g->am == 1 ? BallastDateFromYMD(g->ay - 1, 12, d) : BallastDateFromYMD(g->ay, g->am - 1, d);
  BallastDate Ls = BallastDateAddMonths(last_d, -ph);
  if (k >= m) k = m - 1;
  if (k == 0 && Ls >= g->as_of) k = 1; /* the contract must start before the as-of date (m >= 2) */
  s->c   = c;
  s->m   = m;
  s->k   = k;
  s->d   = d;
  s->ied = BallastDateAddMonths(Ls, -k * c);
  s->t1  = BallastDateAddMonths(s->ied, c);
  s->md  = BallastDateAddMonths(s->ied, m * c);
  s->tk  = k ? Ls : s->ied;
}

static inline BallastDate sched_date(const Sched *s, int j) { return BallastDateAddMonths(s->ied, j * s->c); }

/* Annuity of original amount L at rate r on schedule s (see the comment at the top): outstanding
 * after k payments and the instalment, both rounded to cents. */
#define MAXPERIODS 480
static void annuity(const Sched *s, BallastDayCount dcc, double r, double L, double *B, double *A)
{
  double      Y[MAXPERIODS + 1], D = 1.0, S = 0.0, b = L, a;
  BallastDate prev = s->ied;
  int         y, mo, d;
  BallastDateToYMD(s->ied, &y, &mo, &d);
  /* Anchor days are <= 28, so a period of c months is c calendar months exactly: the year
   * fractions of the day counts used for annuities follow without converting dates (the same
   * arithmetic as BallastYearFraction, so the same values). */
  for (int j = 1; j <= s->m; j++) {
    if (dcc == BALLAST_DCC_30E360 && d <= 28) Y[j] = (30.0 * s->c) / 360.0;
    else if ((dcc == BALLAST_DCC_A365 || dcc == BALLAST_DCC_A360) && d <= 28) {
      int days = 0;
      for (int i = 0; i < s->c; i++) {
        days += BallastDaysInMonth(y, mo);
        if (++mo > 12) mo = 1, y++;
      }
      Y[j] = (double)days / (dcc == BALLAST_DCC_A365 ? 365.0 : 360.0);
    } else {
      BallastDate t = sched_date(s, j);
      Y[j]          = BallastYearFraction(dcc, prev, t, s->md);
      prev          = t;
    }
    D *= 1.0 + r * Y[j];
    S += 1.0 / D;
  }
  a = L / S;
  for (int j = 1; j <= s->k; j++) b = b * (1.0 + r * Y[j]) - a;
  *B = round2(b);
  *A = round2(a);
}

static double accrue(BallastDayCount dcc, double notional, double rate, BallastDate from, BallastDate to, BallastDate md)
{
  return round2(notional * rate * BallastYearFraction(dcc, from, to, md));
}

static int64_t choose_portfolio(const Gen *g, Rng *r, int line, Row *w)
{
  int     l  = g->eff_line[line];
  int64_t lo = g->lfirst[l], hi = lo + g->lcount[l] - 1;
  double  u  = unif(r);
  while (lo < hi) { /* first portfolio whose cumulative weight exceeds u */
    int64_t mid = lo + (hi - lo) / 2;
    if (g->pcum[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  w->portfolio = lo;
  w->entity    = g->pentity[lo];
  return lo;
}

/* Currency of a contract booked by entity e: retail books in the entity's currency. */
static int choose_ccy(Rng *r, int entity, int retail)
{
  double u = unif(r);
  if (retail) return entity == ENT_UK ? CCY_GBP : CCY_EUR;
  if (entity == ENT_UK) return u < 0.70 ? CCY_GBP : u < 0.90 ? CCY_USD : CCY_EUR;
  return u < 0.80 ? CCY_EUR : u < 0.94 ? CCY_USD : CCY_GBP;
}

static void book(const Gen *g, Rng *r, int line, Row *w)
{
  (void)choose_portfolio(g, r, line, w);
  w->ccy = choose_ccy(r, w->entity, line_def[line].retail);
}

static void gen_mortgage(const Gen *g, Rng *r, Row *w)
{
  static const double wy[4] = {0.15, 0.30, 0.30, 0.25};
  static const int    yrs[4] = {15, 20, 25, 30};
  static const double median[NENT] = {190000, 140000, 210000}, pfloat[NENT] = {0.10, 0.45, 0.25};
  Sched               s;
  book(g, r, L_MORTGAGES, w);
  int m = yrs[pick(r, wy, 4)] * 12;
  int k = (int)(m * pow(unif(r), 1.5));
  sched_build(g, r, 1, m, k, &s);
  double          L   = round2(fmin(2.5e6, fmax(25000.0, lognorm(r, median[w->entity], 0.45))));
  BallastDayCount dcc = w->entity == ENT_DE ? BALLAST_DCC_30E360 : w->entity == ENT_UK ? BALLAST_DCC_A365 : coin(r, 0.6) ? BALLAST_DCC_30E360 : BALLAST_DCC_A365;
  int             flt = coin(r, pfloat[w->entity]);
  double          rate;
  if (flt) {
    int rc      = w->ccy == CCY_EUR ? 6 : 3;
    int curve   = w->ccy == CCY_EUR ? CV_EUR_E6M : idx3_curve[w->ccy];
    w->spread   = round6(urange(r, 0.006, 0.015));
    w->floor    = coin(r, 0.6) ? 0.0 : NAN;
    w->cap      = coin(r, 0.3) ? round6(roundto(urange(r, 0.06, 0.10), 0.005)) : NAN;
    rate        = index_rate(g, curve, rc) + w->spread;
    if (!isnan(w->floor)) rate = fmax(rate, w->floor);
    if (!isnan(w->cap)) rate = fmin(rate, w->cap);
    w->moc      = curve_def[curve].id;
    w->rrcyc    = cycle_text(rc);
    w->rranc    = BallastDateAddMonths(s.ied, rc);
    w->seg      = "mortgages_floating";
  } else {
    rate   = fmax(0.006, vintage10(year_of(s.ied), w->ccy) + urange(r, 0.009, 0.018));
    w->seg = "mortgages_fixed";
  }
  rate = round6(rate);
  annuity(&s, dcc, rate, L, &w->notional, &w->prnxt);
  w->type = "ANN";
  w->role = "RPA";
  w->dcc  = dcc_text(dcc);
  w->rate = rate;
  w->ied  = s.ied;
  w->md   = s.md;
  w->ipanc = w->pranc = s.t1;
  w->ipcyc = w->prcyc = cycle_text(1);
  w->accrued    = accrue(dcc, w->notional, rate, s.tk, g->as_of, s.md);
  w->cpty       = "retail";
  w->riskweight = 0.35;
}

static void gen_consumer(const Gen *g, Rng *r, Row *w)
{
  Sched s;
  book(g, r, L_CONSUMER, w);
  int m = (2 + rint_below(r, 6)) * 12;
  int k = (int)(m * pow(unif(r), 1.2));
  sched_build(g, r, 1, m, k, &s);
  BallastDayCount dcc  = coin(r, 0.5) ? BALLAST_DCC_30E360 : BALLAST_DCC_A365;
  double          L    = round2(fmin(100000.0, fmax(1000.0, lognorm(r, w->ccy == CCY_GBP ? 10000 : 12000, 0.6))));
  double          rate = round6(fmax(0.02, vintage1(year_of(s.ied), w->ccy) + urange(r, 0.035, 0.075)));
  annuity(&s, dcc, rate, L, &w->notional, &w->prnxt);
  w->type  = "ANN";
  w->role  = "RPA";
  w->dcc   = dcc_text(dcc);
  w->rate  = rate;
  w->ied   = s.ied;
  w->md    = s.md;
  w->ipanc = w->pranc = s.t1;
  w->ipcyc = w->prcyc = cycle_text(1);
  w->accrued    = accrue(dcc, w->notional, rate, s.tk, g->as_of, s.md);
  w->cpty       = "retail";
  w->riskweight = 0.75;
  w->seg        = "consumer_loans";
}

static void gen_corporate(const Gen *g, Rng *r, Row *w)
{
  static const double wc[3] = {0.5, 0.3, 0.2};
  static const int    cm[3] = {3, 6, 12};
  Sched               s;
  book(g, r, L_CORPORATE, w);
  double u   = unif(r);
  int    cp  = u < 0.62 ? 0 : u < 0.95 ? 1 : 2; /* sme, corporate, financial */
  int    lam = cp != 2 && coin(r, 0.55);
  int    flt = coin(r, 0.60);
  int    c, curve = -1;
  if (flt) {
    curve = w->ccy == CCY_EUR && coin(r, 0.3) ? CV_EUR_E6M : idx3_curve[w->ccy];
    c     = curve == CV_EUR_E6M ? 6 : 3;
  } else c = cm[pick(r, wc, 3)];
  int years = lam ? 3 + rint_below(r, 8) : 1 + rint_below(r, 7);
  int m     = years * 12 / c;
  if (m < 2) m = 2;
  sched_build(g, r, c, m, rint_below(r, m), &s);
  BallastDayCount dcc = mm_dcc[w->ccy];
  double          L;
  if (cp == 0) L = lognorm(r, 120000, 0.9);
  else if (cp == 1) L = lognorm(r, 400000, 1.0);
  else L = lognorm(r, 1000000, 0.8);
  L = roundto(fmin(2.5e8, fmax(10000.0, L)), 1000.0);
  double rate;
  if (flt) {
    w->spread = round6(urange(r, cp == 0 ? 0.015 : 0.009, cp == 0 ? 0.032 : 0.022));
    w->floor  = coin(r, 0.5) ? 0.0 : NAN;
    rate      = index_rate(g, curve, c) + w->spread;
    if (!isnan(w->floor)) rate = fmax(rate, w->floor);
    w->moc   = curve_def[curve].id;
    w->rrcyc = cycle_text(c);
    w->rranc = s.t1;
  } else rate = fmax(0.01, vintage10(year_of(s.ied), w->ccy) - 0.004 + urange(r, cp == 0 ? 0.018 : 0.012, cp == 0 ? 0.035 : 0.025));
  rate = round6(rate);
  if (lam) {
    double R    = round2(L / m);
    w->notional = round2(L - s.k * R);
    w->prnxt    = R;
    w->pranc    = s.t1;
    w->prcyc    = cycle_text(c);
    w->type     = "LAM";
  } else {
    w->notional = L;
    w->type     = "PAM";
  }
  w->role    = "RPA";
  w->dcc     = dcc_text(dcc);
  w->rate    = rate;
  w->ied     = s.ied;
  w->md      = s.md;
  w->ipanc   = s.t1;
  w->ipcyc   = cycle_text(c);
  w->accrued = accrue(dcc, w->notional, rate, s.tk, g->as_of, s.md);
  if (cp == 2) {
    w->cpty       = "financial";
    w->riskweight = 0.5;
    w->undrawn    = round2(L * urange(r, 0.5, 2.0));
    w->fac        = "liquidity";
  } else {
    static const double wrw[3] = {0.2, 0.7, 0.1};
    static const double rws[3] = {0.5, 1.0, 1.5};
    w->cpty       = cp == 0 ? "sme" : "corporate";
    w->riskweight = cp == 0 ? 0.75 : rws[pick(r, wrw, 3)];
    if (coin(r, lam ? 0.10 : 0.40)) {
      w->undrawn = round2(L * urange(r, 0.2, 1.5));
      w->fac     = "credit";
    }
  }
}

static void gen_bond(const Gen *g, Rng *r, Row *w)
{
  static const double wy[8]  = {0.10, 0.12, 0.22, 0.15, 0.22, 0.08, 0.06, 0.05};
  static const int    yrs[8] = {2, 3, 5, 7, 10, 15, 20, 30};
  Sched               s;
  book(g, r, L_TREASURY, w);
  double u = unif(r), spread;
  if (u < 0.55) w->cpty = "sovereign", w->hqla = "1", w->riskweight = 0.0, spread = urange(r, -0.002, 0.006);
  else if (u < 0.60) w->cpty = "mdb", w->hqla = "1", w->riskweight = 0.0, spread = urange(r, 0.0, 0.003);
  else if (u < 0.85) w->cpty = "financial", w->hqla = "2A", w->riskweight = 0.1, spread = urange(r, 0.001, 0.006);
  else if (u < 0.90) w->cpty = "financial", w->hqla = "2B_RMBS", w->riskweight = 0.2, spread = urange(r, 0.004, 0.010);
  else w->cpty = "corporate", w->hqla = "2B", w->riskweight = 1.0, spread = urange(r, 0.008, 0.020);
  int c = w->ccy == CCY_EUR ? 12 : 6;
  int m = yrs[pick(r, wy, 8)] * 12 / c;
  sched_build(g, r, c, m, rint_below(r, m), &s);
  double face   = roundto(fmin(5e8, fmax(100000.0, lognorm(r, 2.2e6, 0.75))), 1000.0);
  double coupon = round6(fmax(0.0, roundto(vintage10(year_of(s.ied), w->ccy) + spread, 0.00125)));
  w->type       = "PAM";
  w->role       = "RPA";
  w->dcc        = "AA";
  w->notional   = face;
  w->rate       = coupon;
  w->ied        = s.ied;
  w->md         = s.md;
  w->ipanc      = s.t1;
  w->ipcyc      = cycle_text(c);
  w->accrued    = accrue(BALLAST_DCC_AA, face, coupon, s.tk, g->as_of, s.md);
  if (coin(r, 0.25)) w->encumbered = g->as_of + 7 + rint_below(r, 714);
}

static const char *notice(Rng *r)
{
  static const double wn[4] = {0.4, 0.2, 0.2, 0.2};
  static const char  *nn[4] = {"P1D", "P2D", "P1W", "P1M"};
  return nn[pick(r, wn, 4)];
}

static void gen_call(const Gen *g, Rng *r, Row *w)
{
  book(g, r, L_INTERBANK, w);
  BallastDayCount dcc = mm_dcc[w->ccy];
  w->type             = "CLM";
  w->role             = coin(r, 0.55) ? "RPA" : "RPL";
  w->dcc              = dcc_text(dcc);
  w->ied              = g->as_of - 1 - rint_below(r, 120);
  w->notional         = roundto(fmin(5e8, fmax(100000.0, lognorm(r, 1.0e6, 0.9))), 1000.0);
  w->rate             = round6(fmax(0.0, index_rate(g, disc_curve[w->ccy], 0) + urange(r, -0.001, 0.0025)));
  w->accrued          = accrue(dcc, w->notional, w->rate, w->ied, g->as_of, BALLAST_DATE_NONE);
  w->xdn              = notice(r);
  w->cpty             = "financial";
}

static void gen_cash(const Gen *g, Rng *r, Row *w)
{
  (void)g;
  book(g, r, L_TREASURY, w);
  w->type     = "CSH";
  w->role     = "RPA";
  w->notional = round2(fmax(10000.0, lognorm(r, 8.0e6, 0.85)));
  w->cpty     = coin(r, 0.8) ? "central_bank" : "other";
  w->hqla     = "1";
}

/* Non-maturity deposit pool: interest credited every c months on the 1st of the month (calendar
 * quarters/years); opened `years` ago on such a date. */
static void nmd_schedule(const Gen *g, Rng *r, Row *w, int c, BallastDayCount dcc)
{
  int         mo  = c == 12 ? 1 : c == 3 ? ((g->am - 1) / 3) * 3 + 1 : g->am;
  BallastDate Ls  = BallastDateFromYMD(g->ay, mo, 1); /* last crediting date <= as-of */
  int         k   = (12 + rint_below(r, 24 * 12)) / c + 1;
  w->type         = "UMP";
  w->role         = "RPL";
  w->dcc          = dcc_text(dcc);
  w->ied          = BallastDateAddMonths(Ls, -k * c);
  w->ipanc        = BallastDateAddMonths(w->ied, c);
  w->ipcyc        = cycle_text(c);
  w->accrued      = accrue(dcc, w->notional, w->rate, Ls, g->as_of, BALLAST_DATE_NONE);
}

static void gen_sight(const Gen *g, Rng *r, Row *w)
{
  book(g, r, L_RETAIL_DEP, w);
  w->notional = round2(fmax(1000.0, lognorm(r, 125000, 0.9)));
  w->rate     = coin(r, 0.7) ? 0.0 : round6(urange(r, 0.0001, 0.0025));
  nmd_schedule(g, r, w, 3, BALLAST_DCC_A365);
  w->xdn  = "P0D";
  w->cpty = "retail";
  w->stab = coin(r, 0.75) ? "stable" : "less_stable";
  w->oper = "false";
  w->ins  = coin(r, 0.90) ? "true" : "false";
  w->seg  = "nmd_retail_transactional";
}

static void gen_savings(const Gen *g, Rng *r, Row *w)
{
  static const double wn[3] = {0.7, 0.2, 0.1};
  static const char  *nn[3] = {"P0D", "P1M", "P3M"};
  book(g, r, L_RETAIL_DEP, w);
  w->notional = round2(fmax(1000.0, lognorm(r, 160000, 0.9)));
  w->rate     = round6(fmax(0.0, index_rate(g, disc_curve[w->ccy], 0) - urange(r, 0.004, 0.014)));
  nmd_schedule(g, r, w, coin(r, 0.6) ? 12 : 3, BALLAST_DCC_A365);
  w->xdn  = nn[pick(r, wn, 3)];
  w->cpty = "retail";
  w->stab = coin(r, 0.60) ? "stable" : "less_stable";
  w->oper = "false";
  w->ins  = coin(r, 0.85) ? "true" : "false";
  w->seg  = "nmd_retail_savings";
}

static void gen_corpdep(const Gen *g, Rng *r, Row *w)
{
  static const double wc[4] = {0.50, 0.30, 0.15, 0.05};
  static const char  *cn[4] = {"corporate", "sme", "financial", "pse"};
  book(g, r, L_CORP_DEP, w);
  int cp      = pick(r, wc, 4);
  w->notional = round2(fmax(1000.0, lognorm(r, 210000, 1.05)));
  w->rate     = round6(fmax(0.0, index_rate(g, disc_curve[w->ccy], 0) - urange(r, 0.005, 0.02)));
  nmd_schedule(g, r, w, 1, mm_dcc[w->ccy]);
  w->xdn  = "P0D";
  w->cpty = cn[cp];
  w->oper = coin(r, cp == 1 ? 0.20 : 0.45) ? "true" : "false";
  w->ins  = cp == 1 && coin(r, 0.25) ? "true" : "false";
  w->seg  = "nmd_wholesale";
}

/* A deposit or borrowing of `term` months dealt before the as-of date and maturing after it;
 * interest at maturity up to a year, annually (from the deal date) beyond. Sets the dates and
 * returns the last interest date <= as-of (the deal date if none). */
static BallastDate term_placement(const Gen *g, Rng *r, Row *w, int term)
{
  BallastDate lo  = BallastDateAddMonths(g->as_of, -term);
  BallastDate ied = lo + 1 + rint_below(r, (int)(g->as_of - lo - 1));
  int         y, m, d;
  BallastDateToYMD(ied, &y, &m, &d);
  if (d > 28) ied = BallastDateFromYMD(y, m, 28); /* anchor days <= 28: no end-of-month rules */
  if (BallastDateAddMonths(ied, term) <= g->as_of) ied = g->as_of - 1;
  BallastDateToYMD(ied, &y, &m, &d);
  if (d > 28) ied = BallastDateFromYMD(y, m, 28);
  w->ied         = ied;
  w->md          = BallastDateAddMonths(ied, term);
  BallastDate tk = ied;
  if (term <= 12) w->ipanc = w->md;
  else {
    w->ipanc = BallastDateAddMonths(ied, 12);
    w->ipcyc = cycle_text(12);
    for (int j = 1; BallastDateAddMonths(ied, 12 * j) <= g->as_of; j++) tk = BallastDateAddMonths(ied, 12 * j);
  }
  return tk;
}

static void gen_term_deposit(const Gen *g, Rng *r, Row *w)
{
  BallastDayCount dcc;
  BallastDate     tk;
  w->type = "PAM";
  w->role = "RPL";
  if (coin(r, 0.85)) {
    static const double wt[6] = {0.15, 0.20, 0.30, 0.15, 0.12, 0.08};
    static const int    tm[6] = {3, 6, 12, 24, 36, 60};
    book(g, r, L_RETAIL_DEP, w);
    int term    = tm[pick(r, wt, 6)];
    dcc         = BALLAST_DCC_A365;
    w->notional = roundto(fmin(2e6, fmax(1000.0, lognorm(r, 30000, 0.8))), 100.0);
    tk          = term_placement(g, r, w, term);
    w->rate     = round6(fmax(0.0005, vintage1(year_of(w->ied), w->ccy) - 0.003 + 0.002 * (term / 12) + urange(r, -0.0015, 0.0015)));
    double eur  = w->notional * fx_rate[w->ccy];
    w->cpty     = "retail";
    w->ins      = eur <= 100000.0 ? "true" : "false";
    w->stab     = eur <= 100000.0 ? "stable" : "less_stable";
    w->oper     = "false";
    w->seg      = "term_deposits";
  } else {
    static const double wt[4] = {0.30, 0.35, 0.25, 0.10};
    static const int    tm[4] = {1, 3, 6, 12};
    static const double wc[3] = {0.40, 0.45, 0.15};
    static const char  *cn[3] = {"sme", "corporate", "financial"};
    book(g, r, L_CORP_DEP, w);
    int term    = tm[pick(r, wt, 4)];
    dcc         = mm_dcc[w->ccy];
    w->cpty     = cn[pick(r, wc, 3)];
    w->notional = roundto(fmin(5e8, fmax(10000.0, lognorm(r, 300000, 1.0))), 1000.0);
    tk          = term_placement(g, r, w, term);
    w->rate     = round6(fmax(0.0, vintage1(year_of(w->ied), w->ccy) + urange(r, -0.006, -0.001)));
    w->oper     = "false";
    w->ins      = "false";
  }
  w->dcc     = dcc_text(dcc);
  w->accrued = accrue(dcc, w->notional, w->rate, tk, g->as_of, w->md);
}

static void gen_wholesale(const Gen *g, Rng *r, Row *w)
{
  Sched s;
  book(g, r, L_WHOLESALE, w);
  double u   = unif(r);
  int    sub = u < 0.30 ? 0 : u < 0.60 ? 1 : u < 0.85 ? 2 : 3; /* covered, senior, interbank term, central bank */
  if (sub == 3 && w->ccy != CCY_EUR) sub = 2;
  w->type = "PAM";
  w->role = "RPL";
  w->cpty = "financial";
  if (sub <= 1) {
    static const double wcv[4] = {0.2, 0.3, 0.25, 0.25}, wsn[5] = {0.15, 0.25, 0.2, 0.25, 0.15};
    static const int    ycv[4] = {3, 5, 7, 10}, ysn[5] = {2, 3, 4, 5, 7};
    int                 years = sub == 0 ? ycv[pick(r, wcv, 4)] : ysn[pick(r, wsn, 5)];
    int                 flt   = sub == 1 && coin(r, 0.3);
    int                 c     = flt ? 3 : w->ccy == CCY_EUR ? 12 : 6;
    int                 m     = years * 12 / c;
    sched_build(g, r, c, m, rint_below(r, m), &s);
    BallastDayCount dcc = flt ? mm_dcc[w->ccy] : BALLAST_DCC_AA;
    w->notional         = roundto(fmax(1e5, lognorm(r, sub == 0 ? 5.5e6 : 3e6, sub == 0 ? 0.5 : 0.6)), 1e5);
    if (flt) {
      int curve = idx3_curve[w->ccy];
      w->spread = round6(urange(r, 0.006, 0.015));
      w->rate   = round6(index_rate(g, curve, 3) + w->spread);
      w->moc    = curve_def[curve].id;
      w->rrcyc  = cycle_text(3);
      w->rranc  = s.t1;
    } else w->rate = round6(fmax(0.0, roundto(vintage10(year_of(s.ied), w->ccy) + (sub == 0 ? urange(r, 0.002, 0.006) : urange(r, 0.008, 0.018)), 0.00125)));
    w->dcc     = dcc_text(dcc);
    w->ied     = s.ied;
    w->md      = s.md;
    w->ipanc   = s.t1;
    w->ipcyc   = cycle_text(c);
    w->accrued = accrue(dcc, w->notional, w->rate, s.tk, g->as_of, s.md);
  } else if (sub == 2) {
    static const double wt[4] = {0.25, 0.35, 0.25, 0.15};
    static const int    tm[4] = {1, 3, 6, 12};
    int                 term  = tm[pick(r, wt, 4)];
    BallastDayCount     dcc   = mm_dcc[w->ccy];
    w->notional               = roundto(fmax(1e5, lognorm(r, 1.2e6, 0.8)), 1e5);
    BallastDate tk            = term_placement(g, r, w, term);
    w->rate                   = round6(fmax(0.0, index_rate(g, disc_curve[w->ccy], term) + urange(r, 0.0, 0.003)));
    w->dcc                    = dcc_text(dcc);
    w->accrued                = accrue(dcc, w->notional, w->rate, tk, g->as_of, w->md);
  } else {
    sched_build(g, r, 3, 12, rint_below(r, 12), &s);
    w->cpty     = "central_bank";
    w->notional = roundto(fmax(1e5, lognorm(r, 1.5e6, 0.5)), 1e5);
    w->spread   = 0.0;
    w->rate     = round6(index_rate(g, CV_EUR_ESTR, 3));
    w->moc      = curve_def[CV_EUR_ESTR].id;
    w->rrcyc    = cycle_text(3);
    w->rranc    = s.t1;
    w->dcc      = dcc_text(BALLAST_DCC_A360);
    w->ied      = s.ied;
    w->md       = s.md;
    w->ipanc    = s.t1;
    w->ipcyc    = cycle_text(3);
    w->accrued  = accrue(BALLAST_DCC_A360, w->notional, w->rate, s.tk, g->as_of, s.md);
  }
}

static void gen_swap(const Gen *g, Rng *r, Row *w)
{
  static const double wy[8]  = {0.08, 0.10, 0.20, 0.15, 0.25, 0.10, 0.07, 0.05};
  static const int    yrs[8] = {2, 3, 5, 7, 10, 15, 20, 30};
  Sched               s;
  int                 curve, c;
  book(g, r, L_HEDGES, w);
  if (w->ccy == CCY_EUR && coin(r, 0.7)) curve = CV_EUR_E6M, c = 6;
  else curve = idx3_curve[w->ccy], c = 3;
  int years = yrs[pick(r, wy, 8)];
  int m     = years * 12 / c;
  sched_build(g, r, c, m, rint_below(r, m), &s);
  BallastDayCount dcc = mm_dcc[w->ccy];
  w->type             = "SWPPV";
  w->role             = coin(r, 0.65) ? "PFL" : "RFL";
  w->notional         = roundto(fmax(1e5, lognorm(r, 3e6, 0.8)), 1e5);
  w->rate             = round6(fmax(-0.005, vintage10(year_of(s.ied), w->ccy) + 0.0008 * (years - 10) + 0.001 * normal(r)));
  w->rate2            = round6(index_rate(g, curve, c));
  w->spread           = 0.0;
  w->moc              = curve_def[curve].id;
  w->rrcyc            = cycle_text(c);
  w->rranc            = s.ied;
  w->dcc              = dcc_text(dcc);
  w->ied              = s.ied;
  w->md               = s.md;
  w->ipanc            = s.t1;
  w->ipcyc            = cycle_text(c);
  /* the bank's side: receive-fixed earns fixed and pays floating, pay-fixed the reverse */
  double fixed_acc = accrue(dcc, w->notional, w->rate, s.tk, g->as_of, s.md);
  double float_acc = accrue(dcc, w->notional, w->rate2, s.tk, g->as_of, s.md);
  w->accrued       = round2(w->role[0] == 'R' ? fixed_acc - float_acc : float_acc - fixed_acc);
  w->cpty          = "financial";
}

/* Row `row` of the file (0-based, header excluded): a pure function of the seed and the row. */
static void gen_contract(const Gen *g, int64_t row, Row *w)
{
  uint64_t k = perm_apply(&g->perm, (uint64_t)row);
  int      c = 0;
  while (k >= (uint64_t)g->start[c + 1]) c++;
  Rng r = {mix64(g->seedkey ^ mix64(k * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL)), 0};
  row_init(w);
  w->cat = c;
  w->j   = (int64_t)k - g->start[c];
  switch (c) {
  case C_MTG: gen_mortgage(g, &r, w); break;
  case C_CONS: gen_consumer(g, &r, w); break;
  case C_CORP: gen_corporate(g, &r, w); break;
  case C_BOND: gen_bond(g, &r, w); break;
  case C_CALL: gen_call(g, &r, w); break;
  case C_CASH: gen_cash(g, &r, w); break;
  case C_SIGHT: gen_sight(g, &r, w); break;
  case C_SAV: gen_savings(g, &r, w); break;
  case C_CDEP: gen_corpdep(g, &r, w); break;
  case C_TD: gen_term_deposit(g, &r, w); break;
  case C_WSF: gen_wholesale(g, &r, w); break;
  default: gen_swap(g, &r, w); break;
  }
}

/* ------------------------------------------------------------------ fast CSV formatting */
static const char header[] =
  "contractID,portfolio,legalEntity,contractType,contractRole,currency,statusDate,initialExchangeDate,maturityDate,"
  "notionalPrincipal,nominalInterestRate,dayCountConvention,cycleAnchorDateOfInterestPayment,cycleOfInterestPayment,"
  "cycleAnchorDateOfPrincipalRedemption,cycleOfPrincipalRedemption,nextPrincipalRedemptionPayment,"
  "cycleAnchorDateOfRateReset,cycleOfRateReset,rateSpread,marketObjectCodeOfRateReset,lifeCap,lifeFloor,"
  "nominalInterestRate2,accruedInterest,xDayNotice,counterpartyType,depositStability,operational,insured,hqlaLevel,"
  "encumberedUntil,riskWeight,undrawnCommitment,facilityType,behaviourSegment\n";

static inline char *put_str(char *p, const char *s)
{
  if (s)
    while (*s) *p++ = *s++;
  return p;
}

static inline char *put_uint(char *p, uint64_t v, int width)
{
  char t[24];
  int  n = 0;
  do {
    t[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n < width) t[n++] = '0';
  while (n) *p++ = t[--n];
  return p;
}

/* x with `dec` decimals (2 for amounts, 6 for rates); trim: drop trailing zeros (keep one). */
static inline char *put_fixed(char *p, double x, int dec, int trim)
{
  if (isnan(x)) return p;
  int64_t scale = dec == 2 ? 100 : 1000000;
  int64_t v     = llround(x * (double)scale);
  if (v < 0) {
    *p++ = '-';
    v    = -v;
  }
  p    = put_uint(p, (uint64_t)(v / scale), 1);
  *p++ = '.';
  char    t[8];
  int64_t f = v % scale;
  for (int i = dec - 1; i >= 0; i--, f /= 10) t[i] = (char)('0' + f % 10);
  int n = dec;
  if (trim)
    while (n > 1 && t[n - 1] == '0') n--;
  memcpy(p, t, (size_t)n);
  return p + n;
}

static inline char *put_date(char *p, BallastDate t)
{
  int y, m, d;
  if (t == BALLAST_DATE_NONE) return p;
  BallastDateToYMD(t, &y, &m, &d);
  p    = put_uint(p, (uint64_t)y, 4);
  *p++ = '-';
  p    = put_uint(p, (uint64_t)m, 2);
  *p++ = '-';
  return put_uint(p, (uint64_t)d, 2);
}

#define MAX_ROW_BYTES 1024 /* a row is at most ~500 bytes (portfolio names are < 40) */

static char *format_row(const Gen *g, const Row *w, char *p)
{
#define SEP (*p++ = ',')
  p = put_str(p, cat_def[w->cat].prefix);
  *p++ = '-';
  p    = put_uint(p, (uint64_t)w->j + 1, g->idwidth);
  SEP;
  p = put_str(p, g->pname[w->portfolio]);
  SEP;
  p = put_str(p, entity_name[w->entity]);
  SEP;
  p = put_str(p, w->type);
  SEP;
  p = put_str(p, w->role);
  SEP;
  p = put_str(p, ccy_name[w->ccy]);
  SEP;
  p = put_date(p, g->as_of);
  SEP;
  p = put_date(p, w->ied);
  SEP;
  p = put_date(p, w->md);
  SEP;
  p = put_fixed(p, w->notional, 2, 0);
  SEP;
  p = put_fixed(p, w->rate, 6, 1);
  SEP;
  p = put_str(p, w->dcc);
  SEP;
  p = put_date(p, w->ipanc);
  SEP;
  p = put_str(p, w->ipcyc);
  SEP;
  p = put_date(p, w->pranc);
  SEP;
  p = put_str(p, w->prcyc);
  SEP;
  p = put_fixed(p, w->prnxt, 2, 0);
  SEP;
  p = put_date(p, w->rranc);
  SEP;
  p = put_str(p, w->rrcyc);
  SEP;
  p = put_fixed(p, w->spread, 6, 1);
  SEP;
  p = put_str(p, w->moc);
  SEP;
  p = put_fixed(p, w->cap, 6, 1);
  SEP;
  p = put_fixed(p, w->floor, 6, 1);
  SEP;
  p = put_fixed(p, w->rate2, 6, 1);
  SEP;
  p = put_fixed(p, w->accrued, 2, 0);
  SEP;
  p = put_str(p, w->xdn);
  SEP;
  p = put_str(p, w->cpty);
  SEP;
  p = put_str(p, w->stab);
  SEP;
  p = put_str(p, w->oper);
  SEP;
  p = put_str(p, w->ins);
  SEP;
  p = put_str(p, w->hqla);
  SEP;
  p = put_date(p, w->encumbered);
  SEP;
  p = put_fixed(p, w->riskweight, 6, 1);
  SEP;
  p = put_fixed(p, w->undrawn, 2, 0);
  SEP;
  p = put_str(p, w->fac);
  SEP;
  p    = put_str(p, w->seg);
  *p++ = '\n';
#undef SEP
  return p;
}

/* ------------------------------------------------------------------ totals (exact, any rank count) */
typedef struct {
  int64_t assets, liabilities, swaps; /* EUR cents, each row converted and rounded on its own */
  int64_t ccy[NCCY];                  /* contracts per currency */
  int64_t *port;                      /* contracts per portfolio */
} Totals;

static void totals_add(Totals *t, const Row *w)
{
  int64_t eur = llround(w->notional * 100.0 * fx_rate[w->ccy]);
  if (w->type[0] == 'S' && w->type[1] == 'W') t->swaps += eur;
  else if (w->role[2] == 'A') t->assets += eur; /* RPA */
  else t->liabilities += eur;
  t->ccy[w->ccy]++;
  t->port[w->portfolio]++;
}

/* ------------------------------------------------------------------ I/O */
/* Collective: every rank learns whether any failed; the lowest failing rank's message is raised
 * on every rank as BALLAST_ERR_IO. */
static PetscErrorCode agree_io(MPI_Comm comm, PetscBool failed, const char *msg)
{
  PetscMPIInt rank, size;
  int         mine, first;
  char        text[1024];
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  mine = failed ? size - rank : 0;
  PetscCallMPI(MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MAX, comm));
  if (!first) PetscFunctionReturn(0);
  if (failed) snprintf(text, sizeof text, "%s", msg ? msg : "I/O error");
  PetscCallMPI(MPI_Bcast(text, (int)sizeof text, MPI_CHAR, size - first, comm));
  SETERRQ(comm, BALLAST_ERR_IO, "%s", text);
}

static void mpi_error_text(int rc, char *buf, size_t len)
{
  char s[MPI_MAX_ERROR_STRING];
  int  l = 0;
  if (MPI_Error_string(rc, s, &l) != MPI_SUCCESS) snprintf(s, sizeof s, "MPI error %d", rc);
  snprintf(buf, len, "%s", s);
}

#define CHUNK_ROWS 8192

/* Collective: rows [r0, r1) into the file `path` (created or truncated), with the header. Round by
 * round, each rank formats CHUNK_ROWS consecutive rows, the offsets come from a prefix sum of the
 * byte counts, and all ranks write together: the file is the rows in order whatever the ranks. */
static PetscErrorCode write_rows(MPI_Comm comm, const Gen *g, const char *path, int64_t r0, int64_t r1, char *buf, Totals *tot)
{
  PetscMPIInt rank, size;
  MPI_File    fh;
  MPI_Status  st;
  char        msg[1024] = "";
  PetscBool   failed    = PETSC_FALSE;
  int         rc;
  Row         w;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  rc = MPI_File_open(comm, path, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh);
  if (rc != MPI_SUCCESS) {
    char e[512];
    mpi_error_text(rc, e, sizeof e);
    snprintf(msg, sizeof msg, "%s: cannot create: %s", path, e);
  }
  PetscCall(agree_io(comm, rc != MPI_SUCCESS, msg));
  rc = MPI_File_set_size(fh, 0);
  if (rc != MPI_SUCCESS) failed = PETSC_TRUE;
  MPI_Offset base = (MPI_Offset)strlen(header);
  if (rank == 0) {
    rc = MPI_File_write_at(fh, 0, header, (int)strlen(header), MPI_BYTE, &st);
    if (rc != MPI_SUCCESS) failed = PETSC_TRUE;
  }
  for (int64_t rs = r0; rs < r1; rs += (int64_t)size * CHUNK_ROWS) {
    int64_t a = PetscMin(rs + (int64_t)rank * CHUNK_ROWS, r1), b = PetscMin(a + CHUNK_ROWS, r1);
    char   *p = buf;
    for (int64_t row = a; row < b; row++) {
      gen_contract(g, row, &w);
      p = format_row(g, &w, p);
      totals_add(tot, &w);
    }
    long long len = (long long)(p - buf), off = 0, all = 0;
    PetscCallMPI(MPI_Exscan(&len, &off, 1, MPI_LONG_LONG, MPI_SUM, comm));
    if (rank == 0) off = 0;
    PetscCallMPI(MPI_Allreduce(&len, &all, 1, MPI_LONG_LONG, MPI_SUM, comm));
    rc = MPI_File_write_at_all(fh, base + (MPI_Offset)off, buf, (int)len, MPI_BYTE, &st);
    if (rc != MPI_SUCCESS) failed = PETSC_TRUE;
    base += (MPI_Offset)all;
  }
  rc = MPI_File_close(&fh);
  if (rc != MPI_SUCCESS) failed = PETSC_TRUE;
  if (failed) snprintf(msg, sizeof msg, "%s: write failed (disk full or no permission?)", path);
  PetscCall(agree_io(comm, failed, msg));
  PetscFunctionReturn(0);
}

/* Not collective: write a whole small text file (rank 0 only). */
static int write_text(const char *path, const char *text, char *msg, size_t len)
{
  FILE *f = fopen(path, "w");
  if (!f) {
    snprintf(msg, len, "%s: cannot create: %s", path, strerror(errno));
    return -1;
  }
  size_t n  = strlen(text);
  int    ok = fwrite(text, 1, n, f) == n;
  if (fclose(f) != 0) ok = 0;
  if (!ok) {
    snprintf(msg, len, "%s: write failed: %s", path, strerror(errno));
    return -1;
  }
  return 0;
}

/* Append to a growing text buffer (rank 0's small files). */
typedef struct {
  char  *s;
  size_t len, cap;
} Text;

static PetscErrorCode text_printf(Text *t, const char *fmt, ...) PETSC_ATTRIBUTE_FORMAT(2, 3);
static PetscErrorCode text_printf(Text *t, const char *fmt, ...)
{
  va_list ap;
  PetscFunctionBeginUser;
  for (;;) {
    size_t room = t->cap - t->len;
    va_start(ap, fmt);
    int n = t->s ? vsnprintf(t->s + t->len, room, fmt, ap) : -1;
    va_end(ap);
    if (t->s && n >= 0 && (size_t)n < room) {
      t->len += (size_t)n;
      break;
    }
    size_t cap = t->cap ? 2 * t->cap : 4096;
    char  *s;
    PetscCall(PetscMalloc1(cap, &s));
    if (t->s) memcpy(s, t->s, t->len + 1);
    PetscCall(PetscFree(t->s));
    t->s   = s;
    t->cap = cap;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode curves_text(const Gen *g, Text *t)
{
  PetscFunctionBeginUser;
  (void)g;
  PetscCall(text_printf(t, "curveID,currency,tenor,rate\n"));
  for (int k = 0; k < NCURVES; k++)
    for (int i = 0; i < NPILLARS; i++) {
      char num[32], *e = put_fixed(num, curve_def[k].z[i], 6, 1);
      *e               = 0;
      PetscCall(text_printf(t, "%s,%s,%s,%s\n", curve_def[k].id, ccy_name[curve_def[k].ccy], pillar_tenor[i], num));
    }
  PetscFunctionReturn(0);
}

static PetscErrorCode fx_text(Text *t)
{
  PetscFunctionBeginUser;
  PetscCall(text_printf(t, "currency,rate\n"));
  for (int c = 0; c < NCCY; c++) {
    char num[32], *e = put_fixed(num, fx_rate[c], 6, 1);
    *e               = 0;
    PetscCall(text_printf(t, "%s,%s\n", ccy_name[c], num));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode runcfg_text(const BallastGenerateOptions *o, const Gen *g, int nshards, const Totals *tot, Text *t)
{
  char date[11];
  PetscFunctionBeginUser;
  BallastDateFormat(o->as_of, date);
  /* capital: tier 1 = 6 % and tier 2 = 1.5 % of total assets, rounded to EUR 0.1 m */
  double assets = (double)tot->assets / 100.0;
  double tier1  = PetscMax(1e6, (double)llround(assets * 0.06 / 1e5) * 1e5);
  double tier2  = PetscMax(2.5e5, (double)llround(assets * 0.015 / 1e5) * 1e5);
  PetscCall(text_printf(t, "# Generated by ballast generate: %" PRId64 " synthetic contracts in %" PRId64 " portfolios, seed %" PRIu64 ", as of %s.\n",
                        o->ncontracts, o->nportfolios, o->seed, date));
  PetscCall(text_printf(t, "# Command: %s\n", o->command));
  PetscCall(text_printf(t, "# Total assets EUR %.2f, liabilities EUR %.2f, swap notional EUR %.2f;\n", assets, (double)tot->liabilities / 100.0,
                        (double)tot->swaps / 100.0));
  PetscCall(text_printf(t, "# capital below = 6 %% (tier 1) and 1.5 %% (tier 2) of total assets. See docs/generator.md.\n"));
  PetscCall(text_printf(t, "run = { name = \"example-%.7s\"; as_of = \"%s\"; reporting_currency = \"EUR\"; group = \"BANK\"; };\n", date, date));
  if (nshards == 0) PetscCall(text_printf(t, "input = { contracts = [\"contracts.csv\"]; curves = \"curves.csv\"; fx = \"fx.csv\"; };\n"));
  else {
    PetscCall(text_printf(t, "input = {\n  contracts = ["));
    for (int s = 0; s < nshards; s++) PetscCall(text_printf(t, "%s\"contracts-%03d.csv\"", s ? ", " : "", s));
    PetscCall(text_printf(t, "];\n  curves = \"curves.csv\";\n  fx = \"fx.csv\";\n};\n"));
  }
  PetscCall(text_printf(t, "output = { dir = \"%s\"; };\n", o->results ? o->results : "results"));
  if (o->regime) PetscCall(text_printf(t, "regime = \"%s\";\n", o->regime));
  PetscCall(text_printf(t, "scenarios = [\"base\", \"parallel_up\", \"parallel_down\", \"steepener\", \"flattener\", \"short_up\", \"short_down\"];\n"));
  PetscCall(text_printf(t, "discount_curves = { EUR = \"EUR_ESTR\"; USD = \"USD_SOFR\"; GBP = \"GBP_SONIA\"; };\n"));
  PetscCall(text_printf(t, "capital = { tier1 = %.1f; tier2 = %.1f; };\n", tier1, tier2));
  PetscCall(text_printf(t, "nii = { horizon_months = 12; };\n"));
  {
    BallastGenBehUse use = {g->count[C_MTG] > 0, g->count[C_CONS] > 0, g->count[C_SIGHT] > 0, g->count[C_SAV] > 0, g->count[C_CDEP] > 0, g->count[C_TD] > 0};
    char            *beh;
    PetscCall(BallastGenerateBehaviourSection(&use, o->regime ? PETSC_TRUE : PETSC_FALSE, &beh));
    PetscCall(text_printf(t, "%s", beh));
    PetscCall(PetscFree(beh));
  }
  PetscFunctionReturn(0);
}

/* mkdir -p (rank 0). Returns 0 or -1 with msg. */
static int make_dirs(const char *dir, char *msg, size_t len)
{
  char   path[PETSC_MAX_PATH_LEN];
  size_t n = strlen(dir);
  if (n >= sizeof path) {
    snprintf(msg, len, "%.900s: path too long", dir);
    return -1;
  }
  memcpy(path, dir, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (path[i] == '/' || path[i] == 0) {
      char c = path[i];
      path[i] = 0;
      if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        snprintf(msg, len, "%.900s: cannot create directory: %s", path, strerror(errno));
        return -1;
      }
      path[i] = c;
    }
  }
  struct stat sb;
  if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    snprintf(msg, len, "%s: not a directory", dir);
    return -1;
  }
  return 0;
}

/* Rank 0, best effort: remove the temporary files of a failed run. */
static void remove_temporaries(const char *dir, int ncontract_files, int nshards)
{
  char        p[PETSC_MAX_PATH_LEN + 64];
  const char *names[3] = {"curves.csv", "fx.csv", "run.cfg"};
  for (int s = 0; s < ncontract_files; s++) {
    if (nshards) snprintf(p, sizeof p, "%s/.contracts-%03d.csv.tmp", dir, s);
    else snprintf(p, sizeof p, "%s/.contracts.csv.tmp", dir);
    (void)remove(p);
  }
  for (int i = 0; i < 3; i++) {
    snprintf(p, sizeof p, "%s/.%s.tmp", dir, names[i]);
    (void)remove(p);
  }
}

/* Rank 0: contract files of an earlier run into the same directory that this run's run.cfg does
 * not name (contracts.csv when sharding, shards beyond the new count) would confuse a reader of
 * the directory: remove them. */
static void remove_stale(const char *dir, int nshards)
{
  char p[PETSC_MAX_PATH_LEN + 64];
  if (nshards) {
    snprintf(p, sizeof p, "%s/contracts.csv", dir);
    (void)remove(p);
  }
  for (int s = nshards; s < 1000; s++) {
    snprintf(p, sizeof p, "%s/contracts-%03d.csv", dir, s);
    if (remove(p) != 0) break;
  }
}

/* ------------------------------------------------------------------ the command */
PetscErrorCode BallastGenerate(MPI_Comm comm, const BallastGenerateOptions *o)
{
  PetscMPIInt rank, size;
  Gen         g;
  Totals      tot;
  char        msg[1024] = "", *buf;
  double      t0        = MPI_Wtime();
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  int failed = 0;
  if (rank == 0) failed = make_dirs(o->out, msg, sizeof msg) != 0;
  PetscCall(agree_io(comm, failed ? PETSC_TRUE : PETSC_FALSE, msg));

  PetscCall(gen_setup(o, &g));
  PetscCall(PetscMemzero(&tot, sizeof tot));
  PetscCall(PetscCalloc1(g.nport, &tot.port));
  PetscCall(PetscMalloc1((size_t)CHUNK_ROWS * MAX_ROW_BYTES, &buf));

  /* contracts: one file, or shards of a fixed number of rows (independent of the rank count) */
  int64_t N = o->ncontracts, S = o->shard_rows;
  int     nshards = N <= S ? 0 : (int)((N + S - 1) / S);
  size_t  plen    = strlen(o->out) + 64;
  char   *tmp, *fin;
  PetscCall(PetscMalloc2(plen, &tmp, plen, &fin));
  for (int s = 0; s < PetscMax(nshards, 1); s++) {
    if (nshards) snprintf(tmp, plen, "%s/.contracts-%03d.csv.tmp", o->out, s);
    else snprintf(tmp, plen, "%s/.contracts.csv.tmp", o->out);
    PetscErrorCode ierr = write_rows(comm, &g, tmp, (int64_t)s * S, PetscMin(N, (int64_t)(s + 1) * S), buf, &tot);
    if (ierr) { /* every rank failed together (write_rows agrees); leave no partial file behind */
      if (rank == 0) remove_temporaries(o->out, s + 1, nshards);
      PetscCall(ierr);
    }
  }
  PetscCall(PetscFree(buf));

  /* exact totals: integers, so the reduction order does not matter */
  Totals all;
  PetscCall(PetscMemzero(&all, sizeof all));
  PetscCall(PetscCalloc1(g.nport, &all.port));
  PetscCallMPI(MPI_Allreduce(&tot.assets, &all.assets, 3, MPI_INT64_T, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(tot.ccy, all.ccy, NCCY, MPI_INT64_T, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(tot.port, all.port, (int)g.nport, MPI_INT64_T, MPI_SUM, comm));

  /* market data and configuration (rank 0), then every file renamed into place */
  failed = 0;
  if (rank == 0) {
    Text        tc = {0}, tf = {0}, tr = {0};
    const char *names[3] = {"curves.csv", "fx.csv", "run.cfg"};
    Text       *texts[3] = {&tc, &tf, &tr};
    PetscCall(curves_text(&g, &tc));
    PetscCall(fx_text(&tf));
    PetscCall(runcfg_text(o, &g, nshards, &all, &tr));
    /* behavioural histories (renamed into place before run.cfg, which names them) */
    BallastGenBehUse use = {g.count[C_MTG] > 0, g.count[C_CONS] > 0, g.count[C_SIGHT] > 0, g.count[C_SAV] > 0, g.count[C_CDEP] > 0, g.count[C_TD] > 0};
    PetscCall(BallastGenerateHistories(o->out, o->as_of, o->seed, &use, &failed, msg, sizeof msg));
    for (int i = 0; i < 3 && !failed; i++) {
      snprintf(tmp, plen, "%s/.%s.tmp", o->out, names[i]);
      failed = write_text(tmp, texts[i]->s, msg, sizeof msg) != 0;
    }
    /* contracts first, run.cfg last: a configuration never names files that are not there */
    for (int s = 0; s < PetscMax(nshards, 1) && !failed; s++) {
      if (nshards) {
        snprintf(tmp, plen, "%s/.contracts-%03d.csv.tmp", o->out, s);
        snprintf(fin, plen, "%s/contracts-%03d.csv", o->out, s);
      } else {
        snprintf(tmp, plen, "%s/.contracts.csv.tmp", o->out);
        snprintf(fin, plen, "%s/contracts.csv", o->out);
      }
      if (rename(tmp, fin) != 0) failed = 1, snprintf(msg, sizeof msg, "%s: cannot rename to %s: %s", tmp, fin, strerror(errno));
    }
    for (int i = 0; i < 3 && !failed; i++) {
      snprintf(tmp, plen, "%s/.%s.tmp", o->out, names[i]);
      snprintf(fin, plen, "%s/%s", o->out, names[i]);
      if (rename(tmp, fin) != 0) failed = 1, snprintf(msg, sizeof msg, "%s: cannot rename to %s: %s", tmp, fin, strerror(errno));
    }
    for (int i = 0; i < 3; i++) PetscCall(PetscFree(texts[i]->s));
    if (failed) remove_temporaries(o->out, PetscMax(nshards, 1), nshards);
    else remove_stale(o->out, nshards);
  }
  PetscCall(agree_io(comm, failed ? PETSC_TRUE : PETSC_FALSE, msg));

  /* report */
  int64_t nonempty = 0;
  for (int64_t p = 0; p < g.nport; p++) nonempty += all.port[p] > 0;
  if (nshards) PetscCall(PetscPrintf(comm, "ballast generate: wrote %" PRId64 " contracts to %s/contracts-000.csv .. contracts-%03d.csv (%d shards of %" PRId64 " rows)\n", N, o->out, nshards - 1, nshards, S));
  else PetscCall(PetscPrintf(comm, "ballast generate: wrote %" PRId64 " contracts to %s/contracts.csv\n", N, o->out));
  PetscCall(PetscPrintf(comm, "  %" PRId64 " portfolios (%" PRId64 " with contracts), legal entities BANK-DE/BANK-ES/BANK-UK; seed %" PRIu64 "\n", g.nport, nonempty, o->seed));
  for (int c = 0; c < NCAT; c++) PetscCall(PetscPrintf(comm, "  %-6s %10" PRId64 "  %s\n", cat_def[c].prefix, g.count[c], cat_def[c].what));
  PetscCall(PetscPrintf(comm, "  currencies: EUR %" PRId64 ", USD %" PRId64 ", GBP %" PRId64 " contracts\n", all.ccy[CCY_EUR], all.ccy[CCY_USD], all.ccy[CCY_GBP]));
  PetscCall(PetscPrintf(comm, "  total assets EUR %.1f m, liabilities EUR %.1f m, swap notional EUR %.1f m\n", (double)all.assets / 1e8, (double)all.liabilities / 1e8, (double)all.swaps / 1e8));
  PetscCall(PetscPrintf(comm, "  also wrote %s/curves.csv (%d curves x %d pillars), %s/fx.csv, %s/run.cfg\n", o->out, NCURVES, NPILLARS, o->out, o->out));
  PetscCall(PetscPrintf(comm, "  and the behavioural histories %s/history-*.csv (240 months; true parameters in history-true-parameters.csv)\n", o->out));
  PetscCall(PetscPrintf(comm, "  %.2f s on %d rank%s\n", MPI_Wtime() - t0, size, size > 1 ? "s" : ""));

  PetscCall(PetscFree2(tmp, fin));
  PetscCall(PetscFree(tot.port));
  PetscCall(PetscFree(all.port));
  PetscCall(gen_destroy(&g));
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ options */
static const char usage_text[] =
  "usage: ballast generate --contracts N --out DIR [options]\n"
  "  A synthetic, realistic balance sheet of a mid-size European bank (contracts, curves, FX) and a\n"
  "  ready-to-run configuration, deterministic for a seed whatever the number of MPI ranks.\n"
  "  --contracts N       number of contracts (positive integer, required)\n"
  "  --out DIR           output directory (created if missing, required)\n"
  "  --portfolios P      number of portfolios, each one business line (positive integer, default 24)\n"
  "  --seed S            random seed (non-negative integer < 2^64, default 1)\n"
  "  --as-of YYYY-MM-DD  status date of every contract and the run's as-of date (default 2026-10-30)\n"
  "  --results DIR       output.dir written in run.cfg (default \"results\")\n"
  "  --regime PATH       regime file named in run.cfg (written as given; default: none)\n"
  "  --shard-rows R      rows per contract file; more contracts are written as contracts-NNN.csv\n"
  "                      shards of R rows (default 1000000)\n"
  "  --help              this text\n"
  "Writes DIR/contracts.csv (or DIR/contracts-000.csv, ...), DIR/curves.csv, DIR/fx.csv, DIR/run.cfg.\n";

static int parse_u64(const char *s, uint64_t *v)
{
  if (!s || !*s) return -1;
  uint64_t x = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9') return -1;
    uint64_t d = (uint64_t)(*p - '0');
    if (x > (UINT64_MAX - d) / 10) return -1;
    x = x * 10 + d;
  }
  *v = x;
  return 0;
}

static int safe_text(const char *s)
{
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == '"' || *p == '\\' || *p == 0x7f) return 0;
  return 1;
}

PetscErrorCode BallastGenerateOptionsParse(MPI_Comm comm, int argc, char **argv, BallastGenerateOptions *opt, PetscBool *help)
{
  const char *v_contracts = NULL, *v_portfolios = NULL, *v_seed = NULL, *v_asof = NULL, *v_out = NULL, *v_results = NULL, *v_regime = NULL, *v_shard = NULL;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(opt, sizeof(*opt)));
  *help = PETSC_FALSE;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      *help = PETSC_TRUE;
      PetscFunctionReturn(0);
    }
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *val = NULL;
    char        name[64];
    if (a[0] == '-' && a[1] != '-' && a[1]) { /* a PETSc option (-log_view, -options_file F): not ours */
      if (i + 1 < argc && argv[i + 1][0] != '-') i++;
      continue;
    }
    PetscCheck(a[0] == '-' && a[1] == '-' && a[2], comm, BALLAST_ERR_USAGE, "generate: unexpected argument '%s' (see ballast generate --help)", a);
    const char *eq = strchr(a, '=');
    size_t      nl = eq ? (size_t)(eq - a) : strlen(a);
    PetscCheck(nl < sizeof name, comm, BALLAST_ERR_USAGE, "generate: unknown option '%s' (see ballast generate --help)", a);
    memcpy(name, a, nl);
    name[nl] = 0;
    const char **slot = !strcmp(name, "--contracts") ? &v_contracts : !strcmp(name, "--portfolios") ? &v_portfolios : !strcmp(name, "--seed") ? &v_seed
                      : !strcmp(name, "--as-of") ? &v_asof : !strcmp(name, "--out") ? &v_out : !strcmp(name, "--results") ? &v_results
                      : !strcmp(name, "--regime") ? &v_regime : !strcmp(name, "--shard-rows") ? &v_shard : NULL;
    PetscCheck(slot, comm, BALLAST_ERR_USAGE, "generate: unknown option '%s' (see ballast generate --help)", name);
    if (eq) val = eq + 1;
    else {
      PetscCheck(i + 1 < argc, comm, BALLAST_ERR_USAGE, "generate: option %s needs a value", name);
      val = argv[++i];
    }
    PetscCheck(!*slot, comm, BALLAST_ERR_USAGE, "generate: option %s given twice", name);
    *slot = val;
  }
  uint64_t u;
  PetscCheck(v_contracts, comm, BALLAST_ERR_USAGE, "generate: --contracts N is required (see ballast generate --help)");
  PetscCheck(!parse_u64(v_contracts, &u) && u >= 1 && u <= (uint64_t)1 << 40, comm, BALLAST_ERR_USAGE, "generate: --contracts '%s': expected a positive integer (at most 2^40)", v_contracts);
  opt->ncontracts = (int64_t)u;
  opt->nportfolios = 24;
  if (v_portfolios) {
    PetscCheck(!parse_u64(v_portfolios, &u) && u >= 1 && u <= 1000000, comm, BALLAST_ERR_USAGE, "generate: --portfolios '%s': expected a positive integer (at most 1000000)", v_portfolios);
    opt->nportfolios = (int64_t)u;
  }
  opt->seed = 1;
  if (v_seed) {
    PetscCheck(!parse_u64(v_seed, &u), comm, BALLAST_ERR_USAGE, "generate: --seed '%s': expected a non-negative integer below 2^64", v_seed);
    opt->seed = u;
  }
  opt->as_of = BallastDateFromYMD(2026, 10, 30);
  if (v_asof) {
    BallastDate d;
    PetscCheck(!BallastDateParse(v_asof, &d), comm, BALLAST_ERR_USAGE, "generate: --as-of '%s': expected a date YYYY-MM-DD", v_asof);
    int y, m, dd;
    BallastDateToYMD(d, &y, &m, &dd);
    PetscCheck(y >= 2000 && y <= 2100, comm, BALLAST_ERR_USAGE, "generate: --as-of '%s': expected a year between 2000 and 2100", v_asof);
    opt->as_of = d;
  }
  opt->shard_rows = BALLAST_GENERATE_SHARD_ROWS;
  if (v_shard) {
    PetscCheck(!parse_u64(v_shard, &u) && u >= 1 && u <= (uint64_t)1 << 40, comm, BALLAST_ERR_USAGE, "generate: --shard-rows '%s': expected a positive integer", v_shard);
    opt->shard_rows = (int64_t)u;
    PetscCheck((opt->ncontracts + opt->shard_rows - 1) / opt->shard_rows <= 1000, comm, BALLAST_ERR_USAGE, "generate: --shard-rows %s: more than 1000 shards for %" PRId64 " contracts", v_shard, opt->ncontracts);
  }
  PetscCheck(v_out, comm, BALLAST_ERR_USAGE, "generate: --out DIR is required (see ballast generate --help)");
  PetscCheck(v_out[0] && strlen(v_out) < PETSC_MAX_PATH_LEN - 64, comm, BALLAST_ERR_USAGE, "generate: --out '%s': expected a directory path", v_out);
  if (v_results) PetscCheck(v_results[0] && safe_text(v_results), comm, BALLAST_ERR_USAGE, "generate: --results '%s': expected a non-empty path without quotes, backslashes or control characters", v_results);
  if (v_regime) PetscCheck(v_regime[0] && safe_text(v_regime), comm, BALLAST_ERR_USAGE, "generate: --regime '%s': expected a non-empty path without quotes, backslashes or control characters", v_regime);

  /* accepted: keep copies */
  PetscCall(PetscStrallocpy(v_out, &opt->out));
  if (v_results) PetscCall(PetscStrallocpy(v_results, &opt->results));
  if (v_regime) PetscCall(PetscStrallocpy(v_regime, &opt->regime));
  size_t len = strlen("ballast") + 1;
  for (int i = 0; i < argc; i++) len += strlen(argv[i]) + 1;
  PetscCall(PetscMalloc1(len, &opt->command));
  strcpy(opt->command, "ballast");
  for (int i = 0; i < argc; i++) {
    strcat(opt->command, " ");
    strcat(opt->command, argv[i]);
  }
  for (char *p = opt->command; *p; p++)
    if ((unsigned char)*p < 0x20) *p = ' '; /* one comment line */
  PetscFunctionReturn(0);
}

PetscErrorCode BallastGenerateOptionsFree(BallastGenerateOptions *opt)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(opt->out));
  PetscCall(PetscFree(opt->results));
  PetscCall(PetscFree(opt->regime));
  PetscCall(PetscFree(opt->command));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastCmdGenerate(int argc, char **argv)
{
  BallastGenerateOptions opt;
  PetscBool              help;
  PetscFunctionBeginUser;
  PetscCall(BallastGenerateOptionsParse(PETSC_COMM_WORLD, argc, argv, &opt, &help));
  if (help) {
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s", usage_text));
    PetscFunctionReturn(0);
  }
  PetscErrorCode ierr = BallastGenerate(PETSC_COMM_WORLD, &opt);
  PetscCall(BallastGenerateOptionsFree(&opt));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
