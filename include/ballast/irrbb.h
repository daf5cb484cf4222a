/* IRRBB metrics as consumers of the one event stream (design.md invariant 1, projection.h):
 * EVE (src/metrics/eve.c: exact-time, and the bucketed cash flows of standardised EVE), NII on a
 * constant balance sheet (src/metrics/nii.c), the repricing gap (src/metrics/gap.c), the
 * per-contract PV of position detail (src/metrics/position.c); the group-level mathematics
 * (standardised EVE, deltas, currency aggregation, weighted sums, PV01, key-rate PV01, outlier
 * tests) in src/metrics/irrbb_group.c.
 *
 * A run projects each contract once per "variant": the configured scenarios (base first), then
 * the +1 bp parallel bump, then one triangular +1 bp bump per key tenor. Accumulators are kept per
 * portfolio, filled by the portfolio's one owner in file order, and merged to rank 0 (the other
 * ranks contribute exact zeros), so group totals never depend on the number of ranks.
 *
 * Sign convention: amounts as ACTUS payoffs from the bank's side (assets positive, liabilities
 * negative), in the contract's currency; the reporting-currency aggregates multiply by FX. */
#ifndef BALLAST_IRRBB_H
#define BALLAST_IRRBB_H

#include <ballast/contracts.h>
#include <ballast/dftable.h>
#include <ballast/engine.h>
#include <ballast/overnight.h>
#include <ballast/planning.h>
#include <ballast/projection.h>
#include <ballast/regime.h>
#include <ballast/results.h>
#include <ballast/scenario.h>

typedef struct {
  PetscInt nscen, nvar;  /* scenarios (base = 0), all variants */
  PetscInt nport, nccy;
  PetscInt nact;         /* management action slots (0 or 1: none only); partials are [..][action][portfolio][..] */
  /* buckets (years): upper bounds (last = +inf) and midpoints */
  PetscInt      nbucket;
  const double *bucket_hi, *bucket_mid;
  /* bucket of a flow d days after the as-of date, for d < nbucket_days (a lookup in the hot loop) */
  const uint8_t *bucket_of_day;
  PetscInt       nbucket_days;
  BallastDate    as_of, nii_end;      /* NII horizon end */
  const BallastDFTable *df_base;      /* base scenario's table (NII replacement margins) */
} BallastIRRBBSetup;

/* Index of the bucket holding a flow at t years (bucket 0 = overnight: t <= 1/365). Not collective. */
PetscInt BallastIRRBBBucket(const BallastIRRBBSetup *s, double t);
/* The same for a flow `days` after the as-of date, by table lookup. */
static inline PetscInt BallastIRRBBBucketDay(const BallastIRRBBSetup *s, PetscInt days)
{
  return days < s->nbucket_days ? (PetscInt)s->bucket_of_day[days] : BallastIRRBBBucket(s, (double)days / 365.0);
}

/* Action slots and the (action, portfolio) row of a contract (include/ballast/actions.h). */
static inline PetscInt BallastIRRBBNAct(const BallastIRRBBSetup *s) { return s->nact > 0 ? s->nact : 1; }
static inline PetscInt BallastIRRBBRow(const BallastIRRBBSetup *s, const BallastProjContract *pc) { return pc->action * s->nport + pc->p; }

/* EVE: every variant's value per [v][a][p][c] (the driver's PV), and the scenarios' cash flows per
 * bucket [s][p][c][k]. After merge, eve/evecf on rank 0 hold the reduced partials. */
typedef struct {
  BallastIRRBBSetup s;
  double           *eve, *evecf;
  double           *cf; /* bucket row of the current contract and scenario (NULL: not a scenario) */
  double            w;  /* weight of the current contract */
  /* discount once per table (BallastEVESetDiscount): the flows of scenario-invariant contracts
   * per (action, portfolio) row, currency and day, discounted under every variant at the
   * portfolio's end */
  const BallastDFTable *df;       /* [nvar] */
  const PetscInt       *disc;     /* [nccy] discount curve */
  PetscBool             tables;
  double              **tab;      /* [row * nccy + c] (NULL: no flow), length tab_cap */
  PetscInt             *tab_cap, *tab_hi; /* capacity; 1 + the last day with a flow (0: clean) */
  PetscInt             *dirty, ndirty;
  PetscInt              tcur;     /* table of the current contract (-1: none) */
  int                   err;      /* out of memory in an event */
} BallastEVE;
PetscErrorCode BallastEVECreate(const BallastIRRBBSetup *s, BallastEVE *e);
/* Let EVE value the contracts whose flows do not depend on the scenario from per-day cash-flow
 * tables, discounted once per variant with df[nvar] on curve disc[currency] (instead of the
 * driver's value of each contract). The environment variable BALLAST_EVE_PER_EVENT=1 (a test
 * hook) keeps the value of every contract. Not collective. */
PetscErrorCode BallastEVESetDiscount(BallastEVE *e, const BallastDFTable *df, const PetscInt *disc);
PetscErrorCode BallastEVEDestroy(BallastEVE *e);
void           BallastEVEConsumer(BallastEVE *e, BallastConsumer *c);

/* NII over the horizon on a constant balance sheet, per scenario [s][p][c] (src/metrics/nii.c).
 * A fixed-rate principal repaid before the horizon end is replaced at the scenario's par rate
 * (BallastParRate, memoised per variant, instrument class and replacement month) plus a margin:
 * the first nii.margins entry whose filter matches the contract, else its own (contract rate minus
 * the base par rate at the as-of date for its term); floating ones at the index forward plus
 * rateSpread (or the configured margin). CSH balances earn reserves[currency] moved by the
 * scenario's 1M zero-rate change. Accumulated per scenario, action, portfolio, currency [s][a][p][c]. */
typedef struct {
  int32_t      v, month, ct, dcc, bdc, cal, eom, kdisc, term, ipn, prn;
  char         ipu, pru;
  double       prnxt; /* LAM: instalment per unit of notional */
} BallastParKey;
typedef struct {
  BallastIRRBBSetup s;
  double           *nii;
  /* configuration: new-business margins (first matching filter) and reserves rates [nccy] (NaN: none) */
  PetscInt             nmargins;
  const BallastMargin *margins;
  const double        *reserves;
  double              *margin_count; /* [nport][nmargins + 1]: contracts replaced with their own margin (0) or entry k (k+1), base scenario */
  /* memo of par rates */
  PetscInt       nmemo, cmemo;
  BallastParKey *memo_key;
  double        *memo_rate;
  /* the replacement instruments' schedules, shared by the variants (a par rate of another variant
   * for the same instrument and month solves on the same schedule): direct-mapped on the key
   * without its variant */
  struct BallastNIISched {
    BallastSchedule ws;
    BallastParKey   key; /* v = 0 */
    int32_t         role, ccy;
    BallastDate     start;
    int             valid;
  } *psched;
  int psched_off; /* test hook BALLAST_NII_OWN_SCHEDULE: a schedule per par rate */
  /* a scenario-invariant contract (the same events under every scenario): its additions to the
   * interest and its replacements recorded under its first scenario, replayed in the same order
   * under the others (replace() at each scenario's rates) instead of walking the events again */
  struct BallastNIIOp {
    double      x;       /* an amount added to nii_c, or the principal replaced */
    BallastDate d;       /* the replacement date */
    int         replace;
  } *ops;
  PetscInt nops, cops;
  int64_t  inv_serial;  /* the contract whose ops are recorded */
  int      inv_rec, inv_skip, inv_ok, inv_err, inv_ad_seen;
  double   inv_accrued_H;
  int      inv_off;     /* test hook BALLAST_NII_PER_EVENT: every scenario walks the events */
  PetscErrorCode err; /* first failure inside event() (reported by end()) */
  /* path mode (BallastNIISetPath): the same constant balance sheet month by month to the path
   * horizon, path[(((s nact + a) nport + p) nmonths + m) nccy + c], every interest amount spread
   * over its accrual period by days, times the contract's action weight (nii is then not filled) */
  PetscInt     nmonths;
  BallastDate *mend;
  BallastDate *mtab;  /* as_of + m months, m = 0 .. nmtab-1 (the replacement months, once per run) */
  PetscInt     nmtab;
  int16_t     *mday;  /* [nmday]: the replacement month of day as_of + i (month_of by table) */
  PetscInt     nmday;
  double      *path, *row_path, pending_a0, path_w;
  BallastDate  last_int, prev_int; /* last interest date, start of its period */
  /* the contract being projected (replacement business is scenario-invariant, cached per contract) */
  int64_t         serial;
  int             active, slotted, md_split, ad_seen, par, cash;
  double          nii_c, accrued_H, last_notional, margin;
  PetscInt        repl_curve, v;
  BallastCycle    repl_cycle; /* n > 0: roll by cycle; else by repl_days */
  int             repl_days;
  BallastDayCount dcc;
  BallastTerms    repl_terms; /* the replacement instrument (par: dates set per replacement) */
  BallastParKey   key;
  const BallastDFTable *df;
  double          deposit_N, deposit_rate, a0;
  BallastDayCount deposit_dcc;
  BallastOvernightRoll overnight; /* closed-form overnight roll: prefix sums per (table, curve) */
} BallastNII;
PetscErrorCode BallastNIICreate(const BallastIRRBBSetup *s, BallastNII *n);
PetscErrorCode BallastNIIDestroy(BallastNII *n);
void           BallastNIIConsumer(BallastNII *n, BallastConsumer *c);
/* Not collective: path mode over nmonths months (the horizon becomes as-of + nmonths months). */
PetscErrorCode BallastNIISetPath(BallastNII *n, PetscInt nmonths);
/* Not collective: the NII keys (arrays referenced; before the run). */
PetscErrorCode BallastNIISetPlan(BallastNII *n, PetscInt nmargins, const BallastMargin *margins, const double *reserves);
/* Not collective: the par rate of the instrument class of key (month and variant in the key) from
 * its terms u (dates set here), memoised. */
PetscErrorCode BallastNIIParRate(BallastNII *n, const BallastParKey *key, const BallastTerms *u, BallastDate start, const BallastDFTable *df, double *rate);

/* Repricing gap of the base scenario per [a][p][c][k]. */
typedef struct {
  BallastIRRBBSetup s;
  double           *gap;
  double           *row; /* the current contract's row, NULL when it has no gap by events */
  int               floating, reset_seen, md_split;
  double            last_notional, w;
} BallastGap;
PetscErrorCode BallastGapCreate(const BallastIRRBBSetup *s, BallastGap *g);
PetscErrorCode BallastGapDestroy(BallastGap *g);
void           BallastGapConsumer(BallastGap *g, BallastConsumer *c);

/* Position detail: pv[s][i] of every local contract i (store index) under every scenario, kept
 * on the rank (contracts.nc is written in parallel). */
typedef struct {
  PetscInt nscen, ncontracts;
  double  *pv;
  /* checkpoint (pack/unpack): the store the rows are of (set by the caller), and each
   * portfolio's first local row and row count, built at the first pack/unpack */
  BallastContracts cs;
  PetscInt        *row0, *nrow;
} BallastPositions;
PetscErrorCode BallastPositionsCreate(PetscInt nscen, PetscInt ncontracts, BallastPositions *p);
PetscErrorCode BallastPositionsDestroy(BallastPositions *p);
void           BallastPositionsConsumer(BallastPositions *p, BallastConsumer *c);

/* The reduced partials of a run and what the group metrics need (src/metrics/irrbb_group.c). */
typedef struct {
  const BallastRegime      *regime;
  PetscInt                  nscen, nkey, nvar, nport, nccy, nbucket;
  const BallastScenarioDef *def;            /* [nscen] */
  const char *const        *scenario_names; /* [nscen] */
  const BallastMarketData  *market;         /* base market data (FX, curves for standardised EVE) */
  const PetscInt           *disc;           /* [nccy] discount curve, -1 = none */
  const double             *bucket_mid;     /* [nbucket] years */
  double                    tier1;          /* reporting currency */
  const char               *reporting_currency;
  const double             *eve, *evecf, *nii, *gap; /* reduced partials (rank 0), layouts as in BallastEVE, BallastNII, BallastGap */
  PetscInt                  nact;           /* action slots (0 or 1: none only) */
  const char *const        *action_names;   /* [nact] when nact > 1 */
} BallastIRRBBGroup;

/* Per action, what limits and the action summary read (reporting currency unless said). Filled by
 * BallastIRRBBGroupResults when passed; arrays allocated there, freed by BallastIRRBBHeadlinesDestroy. */
typedef struct {
  PetscInt nact, nscen, nccy, nkey;
  double  *eve0, *nii0;          /* [a] base EVE and NII, plain sums over currencies at FX */
  double  *deve, *dnii;          /* [a][s][c] currency of c */
  double  *dew, *dnw;            /* [a][s] weighted aggregates */
  double  *eve_ratio, *nii_ratio;/* [a] worst decline / Tier 1: the regime's outlier tests of that measure (max), or -min weighted delta / Tier 1 */
  double  *deve_rep, *dnii_rep;  /* [a][s] plain sums over currencies at FX */
  double  *pv01, *krpv01;        /* [a][c], [a][c][k] currency of c (NaN without sensitivities) */
} BallastIRRBBHeadlines;
PetscErrorCode BallastIRRBBHeadlinesDestroy(BallastIRRBBHeadlines *h);
/* Rank 0 only (Not collective): group metrics into res and the summary on standard output. */
PetscErrorCode BallastIRRBBGroupResults(const BallastIRRBBGroup *g, BallastResults res, BallastIRRBBHeadlines *head);

/* Not collective: the regime's outlier tests per action from delta EVE and delta NII [a][s][c];
 * outputs [a][test] (worst: the scenario name with the largest decline, "" if none of the test's
 * scenarios was run). The group results and `ballast combine` (over the combined parts) share it. */
PetscErrorCode BallastIRRBBOutlierTests(const BallastRegime *r, PetscInt nact, PetscInt nscen, const char *const *scenario_names, PetscInt nccy, const double *fx, double tier1, const double *deve,
                                        const double *dnii, const char **worst, double *val, double *ratio, int64_t *flag);

#endif
