/* ballast generate, private to src/generate: the vocabulary shared by its files.
 *
 * Where things are (read generate.c first):
 *   generate.c      the command: options, the driver (BallastGenerate), files renamed into place
 *   recipe.c        the balance-sheet recipe: categories and their shares, business lines and the
 *                   portfolio mix, the row permutation (BallastGenCreate / BallastGenDestroy)
 *   market.c        market data: the curves, FX rates, index fixings at the as-of date, and the
 *                   text of curves.csv and fx.csv
 *   draw.c          one contract drawn per product (mortgages, deposits, swaps, ...): a Row
 *   shards.c        a Row as a CSV line (header from the shared column table), the exact totals,
 *                   the contract files written in parallel with MPI-IO
 *   runcfg.c        the run.cfg written beside the data
 *   behaviour_gen.c, history.c  the behavioural histories and the `behaviour` section of run.cfg */
#ifndef BALLAST_GENERATE_GEN_IMPL_H
#define BALLAST_GENERATE_GEN_IMPL_H

#include <ballast/daycount.h>
#include <ballast/generate.h>
#include <ballast/text.h>
#include "behaviour_gen.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------ counter-based random numbers */
static inline uint64_t mix64(uint64_t z)
{
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Keyed bijection of [0, n): balanced Feistel network on 2*half bits, cycle-walking into [0, n)
 * (recipe.c). Row r of the contract file holds logical contract BallastGenPermApply(r). */
typedef struct {
  uint64_t n, mask, keys[4];
  int      half;
} BallastGenPerm;

void     BallastGenPermInit(BallastGenPerm *p, uint64_t n, uint64_t seedkey);
uint64_t BallastGenPermApply(const BallastGenPerm *p, uint64_t x);

/* ------------------------------------------------------------------ the bank's vocabulary */
enum { CCY_EUR, CCY_USD, CCY_GBP, NCCY };
enum { ENT_DE, ENT_ES, ENT_UK, NENT };
#define NPILLARS 13
enum { CV_EUR_ESTR, CV_EUR_E3M, CV_EUR_E6M, CV_USD_SOFR, CV_USD_TS3M, CV_GBP_SONIA, CV_GBP_ST3M, NCURVES };
enum { L_MORTGAGES, L_RETAIL_DEP, L_TREASURY, L_CORPORATE, L_HEDGES, L_CONSUMER, L_CORP_DEP, L_WHOLESALE, L_INTERBANK, NLINES };
enum { C_MTG, C_CONS, C_CORP, C_BOND, C_CALL, C_CASH, C_SIGHT, C_SAV, C_CDEP, C_TD, C_WSF, C_IRS, NCAT };

/* market.c */
extern const char  *const BallastGenCurrencyName[NCCY];
extern const double       BallastGenFxRate[NCCY]; /* EUR per unit */
extern const char  *const BallastGenPillarTenor[NPILLARS];
typedef struct {
  const char *id;
  int         ccy;
  double      z[NPILLARS]; /* continuously compounded zero rates at the pillars */
} BallastGenCurveDef;
extern const BallastGenCurveDef BallastGenCurves[NCURVES];
extern const int                BallastGenDiscountCurve[NCCY]; /* overnight curve of a currency */
extern const int                BallastGenIndex3Curve[NCCY];   /* its 3-month index curve */

/* recipe.c */
extern const char *const BallastGenEntityName[NENT];
typedef struct {
  const char *name;
  int         parent, weight, retail;
} BallastGenLineDef;
extern const BallastGenLineDef BallastGenLines[NLINES];
typedef struct {
  const char *prefix, *what;
  int         bp; /* share of the contract count, basis points (the shares sum to 10000) */
} BallastGenCategoryDef;
extern const BallastGenCategoryDef BallastGenCategories[NCAT];

/* ------------------------------------------------------------------ generator state */
typedef struct {
  BallastDate    as_of;
  int            ay, am, ad;
  uint64_t       seedkey;
  int64_t        n;
  int64_t        count[NCAT], start[NCAT + 1];
  BallastGenPerm perm;
  int            idwidth;
  /* portfolios */
  int64_t  nport;
  char   **pname;
  int     *pentity;
  int      eff_line[NLINES];
  int64_t  lfirst[NLINES], lcount[NLINES];
  double  *pcum; /* per portfolio: cumulative Zipf weight within its line, last = 1 */
  /* index rates at the as-of date: simply compounded forwards over 1 day, 1M, 3M, 6M, 12M */
  double fwd[NCURVES][5];
} BallastGen;

/* Not collective (every rank computes the same state from the options). recipe.c */
PetscErrorCode BallastGenCreate(const BallastGenerateOptions *o, BallastGen *g);
PetscErrorCode BallastGenDestroy(BallastGen *g);
/* Which behaviour segments the balance sheet uses (categories with contracts). recipe.c */
void BallastGenSegmentsInUse(const BallastGen *g, BallastGenBehUse *use);
/* g->fwd: the index fixings observed at the as-of date, as the engine reads a reset. market.c */
void BallastGenIndexFixings(BallastGen *g);
/* The text of curves.csv and fx.csv. Not collective. market.c */
void BallastGenCurvesText(BallastText *t);
void BallastGenFxText(BallastText *t);

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
} BallastGenRow;

/* Row `row` of the file (0-based, header excluded): a pure function of the seed and the row.
 * Not collective. draw.c */
void BallastGenDrawRow(const BallastGen *g, int64_t row, BallastGenRow *w);

/* ------------------------------------------------------------------ writing the contract files */
/* Exact totals (integers, so any reduction order gives the same sums). */
typedef struct {
  int64_t  assets, liabilities, swaps, rwa; /* EUR cents, each row converted and rounded on its own;
                                             rwa: riskWeight x (notional + 50 % of undrawnCommitment) */
  int64_t  ccy[NCCY];                  /* contracts per currency */
  int64_t *port;                       /* contracts per portfolio */
} BallastGenTotals;

#define BALLAST_GEN_CHUNK_ROWS 8192
#define BALLAST_GEN_MAX_ROW_BYTES 1024 /* a row is at most ~500 bytes (portfolio names are < 40) */

/* Collective: rows [r0, r1) into the file `path` (created or truncated), with the header; buf
 * holds BALLAST_GEN_CHUNK_ROWS * BALLAST_GEN_MAX_ROW_BYTES bytes; tot accumulates this rank's
 * rows. I/O failures return BALLAST_ERR_IO on every rank. shards.c */
PetscErrorCode BallastGenWriteShard(MPI_Comm comm, const BallastGen *g, const char *path, int64_t r0, int64_t r1, char *buf, BallastGenTotals *tot);

/* ------------------------------------------------------------------ run.cfg */
/* Not collective. The run.cfg of the generated balance sheet (totals of every rank). runcfg.c */
PetscErrorCode BallastGenRunCfgText(const BallastGenerateOptions *o, const BallastGen *g, int nshards, const BallastGenTotals *tot, BallastText *t);

/* ------------------------------------------------------------------ number formatting */
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

#endif
