/* The planning layer's inputs as plain data (../shared/spec/metrics.md "Management actions", "New
 * business and NII paths", "Limits"; keys of ../shared/spec/interfaces.md, every key and decision in
 * docs/planning.md): management actions, the new-business plan, limits and the NII keys of new
 * business. Parsed by src/config/planning_cfg.c (the only place that knows libconfig), validated
 * against the balance sheet and the market data by BallastPlanningValidate (src/run/planning.c)
 * before any computation. Numerical core friendly: no libconfig, no I/O types.
 *
 * Units: amounts in the contract's currency, rates and spreads decimals (0.0150 = 150 bp),
 * levels of ratios decimals (LCR 1.0 = 100 %), survival in days, PV01 in currency per bp. */
#ifndef BALLAST_PLANNING_H
#define BALLAST_PLANNING_H

#include <ballast/contracts.h>
#include <ballast/terms.h>

/* ---- filters on contract attributes (equality; a list of values = any of; all attributes given
 * must match) */
typedef enum {
  BALLAST_FILTER_PORTFOLIO,
  BALLAST_FILTER_CONTRACT_TYPE,
  BALLAST_FILTER_CURRENCY,
  BALLAST_FILTER_CONTRACT_ROLE,
  BALLAST_FILTER_BEHAVIOUR_SEGMENT,
  BALLAST_FILTER_LEGAL_ENTITY,
  BALLAST_FILTER_COUNTERPARTY_TYPE,
  BALLAST_FILTER_NATTR
} BallastFilterAttr;

/* Attribute names as in the contract columns ("portfolio", "contractType", ...). */
extern const char *const BallastFilterAttrNames[BALLAST_FILTER_NATTR];

typedef struct {
  PetscInt  nvalues[BALLAST_FILTER_NATTR]; /* 0: attribute not constrained */
  char    **values[BALLAST_FILTER_NATTR];  /* the configured values */
  int32_t  *ids[BALLAST_FILTER_NATTR];     /* resolved by BallastFilterResolve: ids of the contract
                                              store (-2: a value absent from this rank's store) */
  int       line;                          /* configuration line of the filter */
  PetscBool resolved;
} BallastFilter;

/* Not collective. Resolves the filter's values to the ids of store cs once (portfolio: global
 * index; contractType/contractRole/counterpartyType: enumeration; currency: market currency id;
 * behaviourSegment/legalEntity: this rank's ids; the run's group name is the legalEntity of
 * contracts without one). Values that do not occur locally resolve to -2 (match nothing here).
 * `currencies` are the market data's currency names (contract currency ids index them). */
PetscErrorCode BallastFilterResolve(BallastFilter *f, BallastContracts cs, BallastNames currencies, const char *group);
/* Not collective. Whether contract i of cs passes the resolved filter (integer compares only). */
PetscBool BallastFilterMatch(const BallastFilter *f, BallastContracts cs, PetscInt i);

/* ---- management actions */
typedef enum { BALLAST_RATE_PAR, BALLAST_RATE_FIXED } BallastRateKind;

/* An instrument described by a template: terms as in a contract CSV row (keys = columns) plus the
 * dates and rate the action derives: initialExchangeDate = start, maturityDate = start + term,
 * nominalInterestRate = par rate at start on the base curves + spread (or the number given). */
typedef struct {
  BallastTerms    terms;    /* currency and market object codes: market ids after validation */
  BallastAlm      alm;      /* portfolio: -1 (named by `portfolio`), entity/segment: -1 (names below) */
  char           *portfolio, *legal_entity, *segment;
  char           *contract_id;  /* "<action>#<k>" (k from 1) unless the template sets contractID */
  BallastDate     start;
  int             term_n;       /* term: n units of term_unit ('D','W','M','Y') */
  char            term_unit;
  BallastDate     maturity;     /* start + term (end-of-month clamping) */
  BallastRateKind rate_kind;
  double          rate;         /* BALLAST_RATE_FIXED: the rate; PAR: NaN until priced */
  double          spread;       /* added to the par rate (decimal) */
  int             line;
} BallastInstrument;

typedef struct {
  BallastFilter filter;
  double        factor; /* >= 0; every amount of the contract is multiplied by it */
} BallastScale;

typedef struct {
  char              *name;
  int                line;
  PetscInt           nadd;         /* contract files added (resolved paths) */
  char             **add;
  PetscInt           ninstr;
  BallastInstrument *instr;
  PetscInt           nscale;
  BallastScale      *scale;
  PetscInt           nremove;
  BallastFilter     *remove;
  PetscInt           ninclude;     /* included actions as configured */
  char             **include;
  PetscInt           nflat;        /* resolved: indices of the actions whose own components make
                                      this one, in order (itself last), each once, no cycles */
  PetscInt          *flat;
} BallastAction;

/* ---- new business */
typedef enum { BALLAST_PRICING_FIXED, BALLAST_PRICING_FLOATING } BallastPricingKind;
typedef enum { BALLAST_VOLUME_MONTHLY, BALLAST_VOLUME_REPLACE } BallastVolumeKind;

typedef struct {
  char              *name;
  int                line;
  BallastTerms       terms;   /* the contract template (no dates, no notional: each month's origination
                                 is one contract whose notional is that month's volume) */
  BallastAlm         alm;
  char              *portfolio, *legal_entity, *segment;
  int                term_n;
  char               term_unit;
  BallastPricingKind pricing;
  char              *curve;   /* FIXED: par-rate curve; FLOATING: the index (a curveID) */
  int32_t            curve_id; /* market curve index after validation */
  double             spread;
  BallastVolumeKind  volume;
  PetscInt           namounts; /* MONTHLY: amounts per month, the last repeating */
  double            *amounts;
  char              *replace_portfolio; /* REPLACE: the portfolio whose run-off is replaced */
  int32_t            replace_id;        /* its global portfolio index after validation */
  double             growth;            /* REPLACE: yearly growth rate (0.03 = +3 % a year) */
} BallastProduct;

typedef struct {
  PetscInt        horizon_months; /* 1 .. 120; 0 = no plan */
  int             line;
  PetscInt        nproducts;
  BallastProduct *products;
} BallastPlan;

/* ---- limits */
typedef enum {
  BALLAST_METRIC_EVE_OUTLIER_RATIO, BALLAST_METRIC_NII_OUTLIER_RATIO, BALLAST_METRIC_LCR,
  BALLAST_METRIC_NSFR, BALLAST_METRIC_SURVIVAL_DAYS, BALLAST_METRIC_PV01, BALLAST_METRIC_KEY_RATE_PV01,
  BALLAST_METRIC_DELTA_EVE, BALLAST_METRIC_DELTA_NII, BALLAST_METRIC_COUNT
} BallastLimitMetric;
extern const char *const BallastLimitMetricNames[BALLAST_METRIC_COUNT];

typedef enum { BALLAST_LIMIT_MIN, BALLAST_LIMIT_MAX, BALLAST_LIMIT_MAX_ABS } BallastLimitKind;

typedef struct {
  char              *name;
  int                line;
  BallastLimitMetric metric;
  char              *scenario;   /* survival_days: a liquidity scenario; delta_eve/delta_nii: an IRRBB scenario of the run */
  char              *currency;   /* pv01, key_rate_pv01 (required), delta_eve/delta_nii (optional: NULL = reporting-currency total) */
  char              *key_tenor;  /* key_rate_pv01: a key tenor of the regime ("10Y") */
  BallastLimitKind   kind;
  double             level;      /* the breach level */
  PetscBool          has_warning;
  double             warning;    /* warning level: on the safe side of the breach level */
} BallastLimit;

/* Not collective. 0 within, 1 warning, 2 breach. A value AT a level is on the safe side of it:
 *   min:     v <  level -> 2;  else v <  warning -> 1;  else 0   (LCR min 1.0: 1.0 within, 0.999 breach)
 *   max:     v >  level -> 2;  else v >  warning -> 1;  else 0
 *   max_abs: |v| > level -> 2; else |v| > warning -> 1; else 0
 * A NaN value (metric not computed) is a breach: a limit never passes silently. */
int BallastLimitStatus(const BallastLimit *l, double value);

/* ---- NII keys of new business */
typedef struct {
  BallastFilter filter;
  double        margin; /* decimal */
} BallastMargin;

/* Everything the planning keys configure. */
typedef struct {
  PetscInt       nactions;
  BallastAction *actions;
  BallastPlan    plan;
  PetscInt       nlimits;
  BallastLimit  *limits;
  PetscInt       nmargins;
  BallastMargin *margins;
  BallastNames   names;         /* text of the templates' currencies and market object codes
                                   (their terms' ids index it until BallastPlanningValidate maps
                                   them to the market data's ids) */
  PetscInt       nreserves;     /* nii.reserves_rate: rate earned by CSH balances per currency */
  char         **reserves_ccy;
  double        *reserves_rate;
  /* configuration line of each top-level planning key (0 = absent): `ballast run` refuses a key
   * whose evaluation does not exist yet, naming the key and its line */
  int line_actions, line_new_business, line_limits, line_margins, line_reserves;
  PetscBool validated; /* set by BallastPlanningValidate: template ids are market ids from then on */
} BallastPlanning;

/* Not collective. Frees and zeroes. */
PetscErrorCode BallastPlanningDestroy(BallastPlanning *p);
/* Not collective. Index of the action named `name`, or -1. */
PetscInt BallastPlanningFindAction(const BallastPlanning *p, const char *name);
/* Not collective. Frees a filter's values and ids. */
PetscErrorCode BallastFilterDestroy(BallastFilter *f);

#endif
