/* A regulatory regime (BCBS 2016, EU 2024/856, ...) as plain data: shock sizes per currency, the
 * six IRRBB scenario coefficients, the post-shock lower bound, the 19 time buckets, key tenors,
 * behavioural scalars, outlier-test thresholds and aggregation weights (design.md invariant 7:
 * code knows formulas, the regime file knows numbers). Loaded by src/config/regime.c from a
 * libconfig file (format: config/regimes/README.md), every section at load time; the struct is
 * plain data (no parsed document) and the numerical core sees only it.
 *
 * Units: every rate or shock here is a decimal (1 bp = 1e-4), converted from the file's bp;
 * times are years (ACT/365F from the as-of date); thresholds are fractions of Tier 1. */
#ifndef BALLAST_REGIME_H
#define BALLAST_REGIME_H

#include <ballast/ballast.h>
#include <ballast/date.h>

/* The six regulatory scenarios, in the order of BallastRegScenarioName. */
typedef enum {
  BALLAST_REG_PARALLEL_UP,
  BALLAST_REG_PARALLEL_DOWN,
  BALLAST_REG_STEEPENER,
  BALLAST_REG_FLATTENER,
  BALLAST_REG_SHORT_UP,
  BALLAST_REG_SHORT_DOWN,
  BALLAST_REG_COUNT
} BallastRegScenario;

/* "parallel_up", ... (the names used in every output and on the command line); NULL if out of range. */
const char *BallastRegScenarioName(BallastRegScenario s);
/* Index of a regulatory scenario name, or -1 (also for "base" and user names). Not collective. */
int BallastRegScenarioFind(const char *name);

/* A tenor as written ("3M", "18M", "ON"): n units of 'D', 'W', 'M' or 'Y' ("ON" is 1 D). Its time
 * is ACT/365F from the as-of date to as-of + tenor (months end-of-month clamped), like curve pillars. */
typedef struct {
  int  n;
  char unit;
  char text[16];
} BallastRegimeTenor;

typedef struct {
  char   code[8];                   /* ISO 4217 code */
  double parallel, shrt, lng;       /* R_par, R_short, R_long: decimals, >= 0 */
} BallastRegimeShock;

/* dR(t) = parallel R_par + shrt R_short S(t) + lng R_long L(t), S(t) = exp(-t/x), L = 1 - S.
 * (The spec's |R S(t)| equals R S(t) since sizes are >= 0 and S, L >= 0 for t >= 0.) */
typedef struct {
  double parallel, shrt, lng;       /* dimensionless coefficients, e.g. steepener 0, -0.65, +0.9 */
  double prepayment_scalar;         /* multiplies the conditional prepayment rate (1 = none) */
  double term_deposit_scalar;       /* multiplies the term deposit early redemption rate (1 = none) */
} BallastRegimeScenario;

typedef enum { BALLAST_FLOOR_NONE, BALLAST_FLOOR_LINEAR } BallastFloorType;
/* Where the unshocked rate z0(t) is already below the bound b(t): UNFLOORED leaves the shocked
 * rate as is; OBSERVED uses z0(t) as the bound (the shocked rate never goes below z0). */
typedef enum { BALLAST_FLOOR_BELOW_UNFLOORED, BALLAST_FLOOR_BELOW_OBSERVED } BallastFloorBelow;

/* Post-shock lower bound b(t) = min(max, at_zero + slope t) (decimals; slope per year), applied
 * to the shocked zero rate where z0(t) >= b(t): z_s = max(z0 + dR, b). */
typedef struct {
  BallastFloorType  type;
  double            at_zero, slope, max;
  BallastFloorBelow below;
} BallastRegimeFloor;

typedef enum { BALLAST_MEASURE_DELTA_EVE, BALLAST_MEASURE_DELTA_NII } BallastOutlierMeasure;

/* Supervisory outlier test: flag when the worst aggregated decline of `measure` over `scenarios`
 * exceeds threshold_tier1 * Tier 1; currency gains enter the aggregate with gain_weight (losses 1). */
typedef struct {
  char                 *name;
  BallastOutlierMeasure measure;
  PetscInt              nscenarios;
  BallastRegScenario   *scenarios;
  double                threshold_tier1; /* fraction of Tier 1, e.g. 0.15 */
  double                gain_weight;     /* 0 = gains ignored (BCBS), 0.5 = EBA */
} BallastOutlierTest;

typedef struct {
  char *path, *name, *version, *source;
  char  sha256[65];                       /* of the file's bytes (provenance) */

  PetscInt            ncurrencies;
  BallastRegimeShock *shock;              /* [ncurrencies] */
  PetscInt            default_currency;   /* index into shock for unlisted currencies, -1 = error */
  double              short_decay;        /* x in S(t) = exp(-t/x), years */

  BallastRegimeScenario scenario[BALLAST_REG_COUNT];
  BallastRegimeFloor    floor;

  /* IRRBB time buckets: nbuckets (19) buckets; bucket k < nbuckets-1 ends at bucket_upper[k]
   * (inclusive), the last is open-ended. bucket_mid[k] in years. */
  PetscInt            nbuckets;
  BallastRegimeTenor *bucket_upper;       /* [nbuckets - 1] */
  double             *bucket_mid;         /* [nbuckets] */

  PetscInt            nkey;
  BallastRegimeTenor *key_tenor;          /* [nkey], strictly increasing */

  PetscInt            ntests;
  BallastOutlierTest *test;               /* [ntests] */

  double loss_weight, gain_weight;        /* delta_eve_weighted: w = loss_weight for losses, gain_weight for gains */

  /* Sections of other modules' parameters, parsed at load time into plain data (the regime keeps
   * no document). A section that is absent or bad does not fail the load, since a run may not need
   * it: its status and message ("file:line: ...") are kept and returned by the loader that needs
   * it (BallastLiquidityParamsLoad, include/ballast/liquidity.h; BallastNMDCapsLoad,
   * include/ballast/config.h). */
  struct BallastLiquidityParams *liquidity;  /* lcr, nsfr, liquidity; NULL when liquidity_status != 0 */
  PetscErrorCode                 liquidity_status;
  char                           liquidity_error[1024];
  struct BallastNMDCaps         *nmd;        /* nmd deposit caps; NULL when nmd_status != 0 */
  PetscErrorCode                 nmd_status;
  char                           nmd_error[1024];
} BallastRegime;

/* Collective. Rank 0 reads `path` and broadcasts the bytes; every rank parses them, so all ranks
 * accept or reject the file together. Errors (BALLAST_ERR_USAGE) name the file and line: syntax,
 * unknown keys, wrong types, missing keys, bad values. */
PetscErrorCode BallastRegimeLoad(MPI_Comm comm, const char *path, BallastRegime *r);
/* Not collective. Frees everything and zeroes the struct. */
PetscErrorCode BallastRegimeDestroy(BallastRegime *r);

/* Shock sizes for currency `code`: its own, else the default currency's; NULL if neither (the
 * caller reports the currency). Not collective. */
const BallastRegimeShock *BallastRegimeShockFind(const BallastRegime *r, const char *code);
/* The lower bound b(t) (decimal) at time t (years); -INFINITY when the regime has none. Not collective. */
double BallastRegimeLowerBound(const BallastRegime *r, double t);

#endif
