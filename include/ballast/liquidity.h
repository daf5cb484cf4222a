/* Liquidity metrics as consumers of the one event stream (design.md invariant 1): the contractual
 * maturity ladder, the behavioural (stressed) ladder per liquidity stress scenario, the
 * counterbalancing capacity and the survival horizon, the LCR (BCBS 238) and the NSFR (BCBS 295).
 * Definitions: ../shared/spec/metrics.md "Liquidity"; every category a contract falls into is
 * decided by one function, BallastLiquidityClassify (the table is docs/liquidity.md); every
 * factor is regime data (config/regimes/README.md, sections lcr, nsfr, liquidity), parsed by
 * src/config/liquidity_cfg.c. No libconfig, CSV or NetCDF here.
 *
 * Life cycle, per rank: Create; for every contract of the rank in (portfolio, file, line) order:
 * ContractBegin, the base scenario's events through BallastLiquiditySink, ContractEnd (with the
 * base PV) -- the projection driver does this through BallastLiquidityConsumer; then Reduce
 * (collective), AddResults, Summary, Destroy.
 *
 * Signs and units: events are ACTUS payoffs from the bank's side (received > 0, paid < 0) in the
 * event's currency. Ladder inflows and outflows are reported as positive amounts in the currency
 * of the currency dimension; the cumulative gap is inflows minus outflows. LCR, NSFR and survival
 * amounts are in the reporting currency (each currency's amount times its FX rate), except the
 * *_by_currency variables, which are in the currency of the currency dimension.
 *
 * Rank independence (design.md invariant 4): amounts are accumulated per portfolio (each
 * portfolio is processed whole by one rank, in file order), summed over ranks with MPI_SUM where
 * only the owner is non-zero (exact), and combined in portfolio order on rank 0; the daily
 * survival profiles are accumulated in integer cents of the reporting currency (exact, so their
 * sum does not depend on the order). Caps, ratios and the survival search come after. */
#ifndef BALLAST_LIQUIDITY_H
#define BALLAST_LIQUIDITY_H

#include <ballast/contracts.h>
#include <ballast/engine.h>
#include <ballast/projection.h>
#include <ballast/regime.h>
#include <ballast/results.h>

/* HQLA levels, indexed by BallastHQLA (0 = not HQLA: used for cash held outside the HQLA stock). */
#define BALLAST_LIQ_NLEVEL 5

/* LCR outflow (run-off) categories of liabilities; also the deposit categories of the stress
 * scenarios. Regime keys: lcr.outflow_rates.<name>, liquidity.scenarios[].deposit_runoff.<name>. */
typedef enum {
  BALLAST_LIQ_DEP_RETAIL_STABLE,
  BALLAST_LIQ_DEP_RETAIL_LESS_STABLE,
  BALLAST_LIQ_DEP_OPERATIONAL,
  BALLAST_LIQ_DEP_OPERATIONAL_INSURED,
  BALLAST_LIQ_DEP_NON_FINANCIAL,
  BALLAST_LIQ_DEP_NON_FINANCIAL_INSURED,
  BALLAST_LIQ_DEP_FINANCIAL,
  BALLAST_LIQ_DEP_OTHER,
  BALLAST_LIQ_DEP_COUNT
} BallastLiqDeposit;

/* LCR inflow categories of assets (regime keys lcr.inflow_rates.<name>, scenarios[].inflow_rates). */
typedef enum {
  BALLAST_LIQ_IN_RETAIL,
  BALLAST_LIQ_IN_NON_FINANCIAL,
  BALLAST_LIQ_IN_FINANCIAL,
  BALLAST_LIQ_IN_OPERATIONAL,
  BALLAST_LIQ_IN_OTHER,
  BALLAST_LIQ_IN_DERIVATIVES,
  BALLAST_LIQ_IN_COUNT
} BallastLiqInflow;

/* Committed facilities granted by the bank (undrawnCommitment), by counterparty and facilityType
 * (regime keys lcr.drawdown_rates.<name>, scenarios[].facility_drawdown.<name>). */
typedef enum {
  BALLAST_LIQ_FAC_RETAIL_CREDIT,
  BALLAST_LIQ_FAC_RETAIL_LIQUIDITY,
  BALLAST_LIQ_FAC_NON_FINANCIAL_CREDIT,
  BALLAST_LIQ_FAC_NON_FINANCIAL_LIQUIDITY,
  BALLAST_LIQ_FAC_FINANCIAL_CREDIT,
  BALLAST_LIQ_FAC_FINANCIAL_LIQUIDITY,
  BALLAST_LIQ_FAC_OTHER_CREDIT,
  BALLAST_LIQ_FAC_OTHER_LIQUIDITY,
  BALLAST_LIQ_FAC_COUNT
} BallastLiqFacility;

/* NSFR available stable funding rows (regime nsfr.asf.<name> = [< 6M, 6-12M, >= 1Y]). */
typedef enum {
  BALLAST_LIQ_ASF_RETAIL_STABLE,
  BALLAST_LIQ_ASF_RETAIL_LESS_STABLE,
  BALLAST_LIQ_ASF_OPERATIONAL,
  BALLAST_LIQ_ASF_NON_FINANCIAL,
  BALLAST_LIQ_ASF_FINANCIAL,
  BALLAST_LIQ_ASF_OTHER,
  BALLAST_LIQ_ASF_COUNT
} BallastLiqASF;

/* NSFR required stable funding rows (regime nsfr.rsf.<name> = [< 6M, 6-12M, >= 1Y]). */
typedef enum {
  BALLAST_LIQ_RSF_CASH,
  BALLAST_LIQ_RSF_LEVEL1,
  BALLAST_LIQ_RSF_LEVEL2A,
  BALLAST_LIQ_RSF_LEVEL2B,
  BALLAST_LIQ_RSF_CENTRAL_BANK,
  BALLAST_LIQ_RSF_FINANCIAL,
  BALLAST_LIQ_RSF_OPERATIONAL_DEPOSITS,
  BALLAST_LIQ_RSF_LOANS_LOW_RW,
  BALLAST_LIQ_RSF_LOANS_HIGH_RW,
  BALLAST_LIQ_RSF_EQUITY,
  BALLAST_LIQ_RSF_COUNT
} BallastLiqRSF;

/* Names of the categories as written in the regime file ("retail_stable", ...); NULL if out of range. */
const char *BallastLiqDepositName(int k);
const char *BallastLiqInflowName(int k);
const char *BallastLiqFacilityName(int k);
const char *BallastLiqASFName(int k);
const char *BallastLiqRSFName(int k);

/* A cumulative fraction as a function of the day after the as-of date: piecewise linear through
 * (0, 0) and (day[i], cum[i]), flat after the last point. Days strictly increasing, cum
 * non-decreasing in [0, 1]. */
typedef struct {
  PetscInt n;
  double  *day, *cum;
} BallastLiqCurve;

/* Cumulative fraction at day d (d >= 0; +INFINITY gives the last value). Not collective. */
double BallastLiqCurveEval(const BallastLiqCurve *c, double d);

/* One liquidity stress scenario (liquidity.scenarios). */
typedef struct {
  char           *name;
  BallastLiqCurve runoff[BALLAST_LIQ_DEP_COUNT];     /* cumulative share of the non-maturity balance withdrawn */
  BallastLiqCurve drawdown[BALLAST_LIQ_FAC_COUNT];   /* cumulative share of the undrawn commitment drawn */
  double          inflow_rate[BALLAST_LIQ_IN_COUNT]; /* share of contractual inflows received */
  double          haircut_add[BALLAST_LIQ_NLEVEL];   /* added to the base haircut of the counterbalancing capacity */
} BallastLiqScenario;

/* Liquidity parameters of a regime (sections lcr, nsfr, liquidity); every rate a decimal. */
typedef struct BallastLiquidityParams {
  char *path; /* the regime file (messages) */
  /* LCR (BCBS 238) */
  PetscInt lcr_horizon_days;                          /* 30 */
  double   haircut[BALLAST_LIQ_NLEVEL];               /* by BallastHQLA; [0] = cash outside HQLA (counterbalancing only) */
  double   level2_max_share, level2b_max_share;       /* 0.40, 0.15: Adj15/Adj40 ratios derived from them */
  double   outflow_rate[BALLAST_LIQ_DEP_COUNT];
  double   outflow_rate_derivatives;                  /* net derivative outflows */
  double   outflow_rate_other;                        /* other contractual outflows (interest on term funding, asset-side payments) */
  double   inflow_rate[BALLAST_LIQ_IN_COUNT];
  double   inflow_cap;                                /* 0.75 of outflows */
  double   drawdown_rate[BALLAST_LIQ_FAC_COUNT];
  double   significant_currency_share;                /* 0.05 of total liabilities */
  /* NSFR (BCBS 295) */
  int    band_months[2];                              /* 6, 12: residual maturity < 6M, 6-12M, >= 1Y */
  double asf[BALLAST_LIQ_ASF_COUNT][3], asf_capital;
  double rsf[BALLAST_LIQ_RSF_COUNT][3];
  double rsf_undrawn, rsf_derivative_assets, rsf_derivative_liabilities;
  double rsf_encumbered_6m_1y, rsf_encumbered_1y;     /* floor for 6-12M encumbrance; >= 1Y */
  double loan_risk_weight_threshold;                  /* 0.35: loans >= 1Y at or below it use loans_low_rw */
  /* maturity ladder: bucket b < nbucket ends on day bucket_end[b] (inclusive); bucket nbucket is "beyond" */
  PetscInt  nbucket;
  PetscInt *bucket_end;
  /* stress scenarios */
  PetscInt            nscen;
  BallastLiqScenario *scen;
} BallastLiquidityParams;

/* Collective (every rank parses the same document). Reads the lcr, nsfr and liquidity sections of
 * a loaded regime; errors (BALLAST_ERR_USAGE) name the regime file and line. */
PetscErrorCode BallastLiquidityParamsLoad(MPI_Comm comm, const BallastRegime *r, BallastLiquidityParams *lp);
/* Not collective. Frees and zeroes. */
PetscErrorCode BallastLiquidityParamsDestroy(BallastLiquidityParams *lp);

/* Side of a contract for liquidity purposes. */
typedef enum { BALLAST_LIQ_ASSET, BALLAST_LIQ_LIABILITY, BALLAST_LIQ_DERIVATIVE } BallastLiqSide;

/* The categories of one contract: THE mapping from contract attributes to LCR/NSFR/stress
 * categories (docs/liquidity.md). -1 = does not apply. */
typedef struct {
  BallastLiqSide side;
  int nmd;       /* liability without contractual maturity (UMP, CLM without maturityDate, CSH liability): run-off by category, NSFR < 6M */
  int hqla;      /* BallastHQLA level counted in the LCR stock (unencumbered HQLA asset), else BALLAST_HQLA_NONE */
  int cbc;       /* level (0..4) in the counterbalancing capacity (HQLA assets, encumbered or not; cash outside HQLA at level 0), -1 none */
  int dep;       /* BallastLiqDeposit (liabilities) */
  int in;        /* BallastLiqInflow (assets and derivatives) */
  int fac;       /* BallastLiqFacility (assets with undrawnCommitment > 0) */
  int asf;       /* BallastLiqASF (liabilities) */
  int rsf;       /* BallastLiqRSF row (assets; the row holds one factor per residual maturity band) */
} BallastLiqClass;

/* Not collective. Classify a contract (terms + ALM attributes) at the as-of date. */
void BallastLiquidityClassify(const BallastLiquidityParams *lp, const BallastTerms *t, const BallastAlm *a, BallastDate as_of, BallastLiqClass *cl);

typedef struct {
  BallastDate   as_of;
  PetscInt      nport, nccy;
  PetscInt      nact;         /* management action slots (0 or 1: none only; include/ballast/actions.h) */
  const char *const *action_names; /* [nact] when nact > 1 */
  const double *fx;           /* [nccy] units of reporting currency per unit of currency id c */
  double        tier1, tier2; /* regulatory capital, reporting currency */
  const char *const *currency_codes; /* optional [nccy], for the summary (NULL: ids) */
  const char        *reporting_currency; /* optional, units of the reporting-currency variables (NULL: "reporting currency") */
} BallastLiquiditySetup;

/* Results after BallastLiquidityReduce (the same on every rank). */
typedef struct {
  double *inflow, *outflow, *gap_cum;              /* [c][b], currency of c; inflow/outflow >= 0 */
  double *s_inflow, *s_outflow, *s_gap_cum;        /* [l][c][b] stressed ladder */
  double *cbc;                                     /* [l] counterbalancing capacity at the as-of date, reporting currency */
  double *survival_days;                           /* [l] */
  double  lcr, hqla, lcr_outflows, lcr_inflows;    /* reporting currency; hqla after haircuts and caps; inflows before the cap */
  double  hqla_level[BALLAST_LIQ_NLEVEL];          /* stock by level before haircuts (market value), reporting currency */
  double *lcr_c, *hqla_c, *out_c, *in_c;           /* [c] by currency, currency of c */
  double *significant;                             /* [c] 1 if liabilities in c >= significant_currency_share of all liabilities */
  double  nsfr, asf, rsf;                          /* reporting currency */
} BallastLiquidityMetrics;

typedef struct {
  const BallastLiquidityParams *lp;
  BallastLiquiditySetup         s;
  PetscInt                      nb;         /* ladder buckets, "beyond" included */
  PetscInt                      H;          /* survival horizon (days): the ladder's last finite bucket end */
  int32_t                      *bucket_of_day; /* [H + 1]: the ladder bucket of day d (a day after H: bucket nbucket) */
  PetscInt                      nw;         /* doubles per portfolio block */
  PetscInt                      off[16];    /* offsets of the blocks' parts (liquidity.c) */
  PetscInt                      nact;       /* action slots (>= 1) */
  double                       *acc;        /* [nact][nport][nw] per-(action, portfolio) accumulators */
  int64_t                      *day;        /* daily profiles, cents of the reporting currency [nact][(1 + IN_COUNT + NLEVEL) * (H + 1)] */
  int64_t                      *dayc;       /* the current contract's action slot of day */
  int                           err;        /* an event the sink could not take (reported by ContractEnd) */
  char                          errmsg[160];
  /* the contract being processed */
  struct {
    int             on;
    PetscInt        p, c;                       /* p: the (action, portfolio) row */
    double          w;                          /* the contract's weight (+1, -1) */
    const char     *id;
    BallastTerms    t;
    BallastAlm      alm;
    BallastLiqClass cl;
    int             no_stress_inflows;          /* in the counterbalancing capacity within the horizon */
    int             stress_behavioural;         /* the stressed ladder takes the behavioural stream (early-redeemed liabilities) */
    double          notional;                   /* outstanding notional at as-of (>= 0), contract currency */
    double          princ_band[2];              /* principal falling due in NSFR band 0, 1 (>= 0) */
    int32_t         ccy[2];                     /* currency slots: the contract's, a second one (FXOUT) */
    double          in30[2], out30_princ[2], out30_int[2], net30[2]; /* LCR-horizon flows per slot (>= 0; net signed) */
    int             fwd, settle30;              /* a forward start (initial exchange after the as-of date); settling inside the LCR window */
    double          xchg[2], df_settle;         /* its initial exchange per slot (signed: < 0 paid by the bank), the base DF at settlement */
    BallastDate     six, one;                   /* as-of + NSFR band months */
  } cur;
  BallastLiquidityMetrics m;      /* action 0 (none) */
  BallastLiquidityMetrics *mact;  /* [nact - 1]: actions 1 .. nact-1 */
  int                     reduced;
} BallastLiquidity;

/* Not collective. `lp` and `s->fx` are referenced, not copied. */
PetscErrorCode BallastLiquidityCreate(const BallastLiquidityParams *lp, const BallastLiquiditySetup *s, BallastLiquidity *acc);
/* Not collective. Start contract i of cs (every contract of the rank, STK and CSH included). The
 * on-demand repayment of a cash liability is an event of the contractual stream
 * (BallastCashOnDemand, src/engine/synthetic.c), not added here. */
PetscErrorCode BallastLiquidityContractBegin(BallastLiquidity *acc, BallastContracts cs, PetscInt i);
/* Not collective. One base-scenario event of the current contract (matches BallastEventSink). */
void BallastLiquiditySink(void *acc, const BallastEvent *ev);
/* Not collective. End the current contract; pv_base = base-scenario PV in the contract currency
 * (market value of securities; NaN when not projected, e.g. STK: the notional is used). */
PetscErrorCode BallastLiquidityContractEnd(BallastLiquidity *acc, double pv_base);
/* The liquidity ladders, LCR and NSFR inputs as a consumer of the projection (projection.h):
 * base scenario, every contract, both streams: the contractual one for the contractual ladder,
 * LCR and NSFR (whatever behaviour the run applies), the behavioural one for the stressed ladder
 * of early-redeemed liabilities only (docs/liquidity.md); the driver's base PV in end().
 * merge = BallastLiquidityReduce. */
void BallastLiquidityConsumer(BallastLiquidity *acc, BallastConsumer *c);
/* Collective: combine the portfolios in index order on rank 0, compute the metrics, broadcast them. */
PetscErrorCode BallastLiquidityReduce(MPI_Comm comm, BallastLiquidity *acc);
/* Not collective (after Reduce). Adds dimensions ladder_bucket, liquidity_scenario, action (if
 * absent) and the liquidity variables to res, which must already have the currency dimension. */
PetscErrorCode BallastLiquidityAddResults(BallastLiquidity *acc, BallastResults res);
/* Not collective (after Reduce): the metrics of action slot a (0 = none). */
static inline BallastLiquidityMetrics *BallastLiquidityGetMetrics(BallastLiquidity *acc, PetscInt a) { return a == 0 ? &acc->m : &acc->mact[a - 1]; }
/* Collective (after Reduce): rank 0 prints LCR, NSFR and the survival horizon per scenario. */
PetscErrorCode BallastLiquiditySummary(MPI_Comm comm, BallastLiquidity *acc);
/* Not collective. */
PetscErrorCode BallastLiquidityDestroy(BallastLiquidity *acc);

#endif
