/* Behavioural models (../shared/spec/metrics.md "Behavioural models"): prepayment (constant CPR or
 * a refinancing-incentive S-curve), non-maturity deposits (core/non-core split under the regime's
 * caps and a replicating portfolio of rolling tranches) and term-deposit early redemption.
 *
 * Life cycle: BallastBehaviourLoad (include/ballast/config.h, src/config/behaviour_cfg.c: the run
 * configuration's `behaviour` section, the regime's `nmd` caps, and on each segment's owner rank the
 * segment's history CSV, src/io/history_csv.c),
 * BallastBehaviourCalibrate (src/behaviour/calibrate.c: one TAO solve per segment on its owner
 * rank, PETSC_COMM_SELF; every rank gets every segment's result, bitwise the same on any number of
 * ranks), BallastBehaviourAddResults
 * (variables over the `segment` dimension), the projection helpers below (plain functions of a
 * calibrated segment), BallastBehaviourDestroy. The numerical core sees only these structs.
 *
 * Units and signs: rates, CPRs, betas and shares are decimals (0.05 = 5 %); CPR and early
 * redemption rates are annual; incentive = contract rate - market rate for the remaining term
 * (decimal, positive when refinancing pays); maturities in years; amounts keep the sign of the
 * balance they split (liabilities negative, as ACTUS payoffs from the bank's side). */
#ifndef BALLAST_BEHAVIOUR_H
#define BALLAST_BEHAVIOUR_H

#include <ballast/ballast.h>
#include <ballast/date.h>
#include <ballast/regime.h>
#include <ballast/results.h>

typedef enum { BALLAST_BEH_PREPAYMENT, BALLAST_BEH_DEPOSIT, BALLAST_BEH_EARLY_REDEMPTION, BALLAST_BEH_NMODELS } BallastBehModel;
typedef enum { BALLAST_PREPAY_CONSTANT, BALLAST_PREPAY_SCURVE } BallastPrepayType;
/* Deposit categories of the regime caps (regime keys nmd.<name>, run config key `category`). */
typedef enum { BALLAST_NMD_RETAIL_TRANSACTIONAL, BALLAST_NMD_RETAIL_NON_TRANSACTIONAL, BALLAST_NMD_WHOLESALE, BALLAST_NMD_NCAT } BallastNMDCategory;

#define BALLAST_BEH_MAX_TENORS 24
#define BALLAST_BEH_NAME_LEN   64

/* "prepayment", "deposit", "early_redemption"; "retail_transactional", ... (src/behaviour/segments.c). Not collective. */
const char *BallastBehModelName(BallastBehModel m);
const char *BallastNMDCategoryName(BallastNMDCategory c);

/* Regime caps on core deposits (BCBS d368 Table 2 and the EU equivalent): per category, the largest
 * core share of the balance and the largest average maturity of the core tranches (years). */
typedef struct BallastNMDCaps {
  double core_share_max[BALLAST_NMD_NCAT];
  double average_maturity_max[BALLAST_NMD_NCAT];
} BallastNMDCaps;

/* A monthly calibration history (one segment). Only the columns of the segment's model are set. */
typedef struct {
  PetscInt     n;                             /* months, oldest first */
  BallastDate *date;                          /* [n] observation dates */
  /* prepayment */
  double *contract_rate, *market_rate, *cpr;  /* [n]: pool rate, market rate for its remaining term, observed annual CPR */
  /* deposits */
  PetscInt ntenor;                            /* market tenors in the file */
  int      tenor_months[BALLAST_BEH_MAX_TENORS];
  double  *market;                            /* [n * ntenor], row t = month t: market rate of each tenor */
  double  *deposit_rate, *balance;            /* [n]: client rate paid, balance (positive amount); balance also for early redemption */
  /* early redemption */
  double *redeemed;                           /* [n]: amount redeemed early during the month (positive) */
} BallastBehHistory;

/* One behaviour segment: the configuration, then (after calibration) its parameters and fit. */
typedef struct {
  char            name[BALLAST_BEH_NAME_LEN];
  BallastBehModel model;
  char           *history_path;               /* resolved; NULL = fixed by configuration */
  int             line;                       /* line of the entry in the configuration (messages) */
  BallastBehHistory *hist;                    /* loaded on the owner rank only, NULL elsewhere */
  /* prepayment */
  BallastPrepayType type;
  double            cpr;                      /* constant annual CPR */
  double            p[4];                     /* S-curve a, b (decimal), c (per unit of decimal incentive), d (decimal) */
  double            lower[4], upper[4];       /* calibration bounds on a, b, c, d */
  /* deposits */
  BallastNMDCategory category;
  PetscInt           ntenor;                  /* tranches */
  int                tenor_months[BALLAST_BEH_MAX_TENORS];
  char               tenor_text[BALLAST_BEH_MAX_TENORS][8];
  double             weight[BALLAST_BEH_MAX_TENORS]; /* core tranche weights: >= 0, sum 1 */
  PetscBool          weights_fixed, core_fixed;
  double             beta;                    /* pass-through of the short rate to the deposit rate */
  double             rate_floor;              /* lowest deposit rate (decimal) */
  double             core_share;              /* core share of the balance, <= cap */
  double             core_cap, maturity_cap;  /* regime caps of the category */
  double             average_maturity;        /* sum_j w_j tenor_j, years */
  /* early redemption */
  double rate;                                /* annual early redemption rate */
  /* calibration outcome (every rank, after BallastBehaviourCalibrate) */
  double   objective;                         /* prepayment: RMS CPR error; deposits: st. dev. of the margin (decimal); NaN if not calibrated */
  PetscInt iterations;                        /* of the segment's TAO solve, 0 if none */
  char     reason[48];                        /* TAO convergence reason, "fixed" (configuration) or "estimated" (closed form) */
  PetscBool converged;
} BallastBehSegment;

typedef struct {
  PetscInt           nseg;
  BallastBehSegment *seg;                     /* in configuration order */
  PetscBool          accept_nonconvergence;
  BallastNMDCaps     caps;
  PetscBool          have_caps;
  char              *file;                    /* the configuration file (messages) */
} BallastBehaviour;

/* Not collective. Frees everything and zeroes the struct. */
PetscErrorCode BallastBehaviourDestroy(BallastBehaviour *b);
/* Not collective. Rank (of `size`) owning segment `i` of b: the calibrated segments of one model
 * are dealt in configuration order in contiguous blocks (k-th of K on rank floor(k size / K)), so
 * a distributed Vec laid out by owner holds them in configuration order. -1 if not calibrated. */
PetscMPIInt BallastBehaviourOwner(const BallastBehaviour *b, PetscInt i, PetscMPIInt size);

/* Collective. Calibrates every segment with a history, each on its owner rank alone
 * (PETSC_COMM_SELF): an S-curve by a bounded nonlinear least squares TaoSolve (TAOBRGN, options
 * prefix -prepay_), a replicating portfolio by a constrained TaoSolve (TAOPDIPM, prefix -nmd_),
 * core shares and early-redemption rates in closed form; then every rank holds every segment's
 * parameters, bitwise the same whatever the number of ranks. A solve that does not converge
 * (unless accept_nonconvergence is set) or fails returns BALLAST_ERR_NUMERIC on every rank, with
 * the message of the lowest-numbered failing segment ("FILE:LINE: behaviour segment 'NAME': ..."). */
PetscErrorCode BallastBehaviourCalibrate(MPI_Comm comm, BallastBehaviour *b);
/* Not collective (call on every rank or on rank 0). Adds the `segment` dimension (segment_name),
 * the `nmd_tenor` dimension (nmd_tenor_name) and the calibration results over them. */
PetscErrorCode BallastBehaviourAddResults(const BallastBehaviour *b, BallastResults r);
/* Not collective. Prints one line per segment (rank 0 of comm prints). */
PetscErrorCode BallastBehaviourView(MPI_Comm comm, const BallastBehaviour *b);
/* Segment index by name, -1 if none. Not collective. */
PetscInt BallastBehaviourFind(const BallastBehaviour *b, const char *name);

/* ---- numerical kernels (Not collective; used by the calibration and by the tests) */
/* S-curve a + b / (1 + exp(-c (i - d))) at incentive i (decimal). */
double BallastSCurve(const double p[4], double incentive);
/* Replicating-portfolio statistics of a deposit history over the months where every tranche has a
 * full window: C[j*nt+k] = cov(Y_j, Y_k), c[j] = cov(Y_j, D), *vd = var(D), with Y_j(t) the yield of
 * a rolling portfolio of tenor m_j (mean of the m_j-month rate over the last m_j months) and D the
 * deposit rate; all in squared percentage points. *T = number of months used. */
PetscErrorCode BallastNMDMoments(const BallastBehHistory *h, PetscInt nt, const int tenor_months[], double *C, double *c, double *vd, PetscInt *T);
/* Variance of the margin sum_j w_j Y_j - D from the moments (squared percentage points). */
double BallastNMDMarginVariance(PetscInt nt, const double *C, const double *c, double vd, const double *w);
/* Core share estimate: 1 - the largest relative fall of the balance within 12 months, over the history. */
double BallastNMDCoreEstimate(const BallastBehHistory *h);
/* Annual early redemption rate 1 - (1 - sum redeemed / sum balance)^12 of a history. */
double BallastEarlyRedemptionEstimate(const BallastBehHistory *h);

/* ---- projection helpers (Not collective; pure functions of a calibrated segment) */
/* Annual CPR of a contract of prepayment segment s with refinancing incentive `incentive`
 * (contract rate - market rate for its remaining term, decimal) under a scenario whose regime
 * prepayment scalar is `scalar` (1 in the base scenario); clamped to [0, 1]. */
double BallastPrepaymentCPR(const BallastBehSegment *s, double incentive, double scalar);
/* Fraction of the outstanding principal that leaves over a period of `years` at annual rate
 * `annual` (CPR or early redemption): 1 - (1 - annual)^years. years = 1/12 gives the monthly
 * single mortality rate (SMM). */
double BallastPeriodFraction(double annual, double years);
/* Single monthly mortality of an annual CPR: 1 - (1 - cpr)^(1/12). */
double BallastSMM(double cpr);
/* Annual early redemption rate of term-deposit segment s under a scenario's term deposit scalar, in [0, 1]. */
double BallastEarlyRedemptionRate(const BallastBehSegment *s, double scalar);
/* Deposit rate of deposit segment s under a scenario: rate0 + beta (short_s - short_0), not below
 * the segment's floor. rate0 = today's client rate, short_0 / short_s = the short market rate of the
 * base / shocked scenario at the same date (decimals). */
double BallastDepositRate(const BallastBehSegment *s, double rate0, double short_0, double short_s);
/* Number of slots of the deposit slotting of s: 1 (non-core) + sum_j tenor_months_j. */
PetscInt BallastDepositSlotCount(const BallastBehSegment *s);
/* Behavioural slotting of a deposit balance at as_of: slot 0 = the non-core part (1 - core_share)
 * repricing and maturing overnight (as_of + 1 day); then for each tranche j, in order, the core
 * amount core_share w_j balance as a rolling portfolio of m_j equal monthly slices maturing (and
 * repricing) at as_of + 1, ..., m_j months. amount[], date[] (and tranche[], optional, -1 for the
 * non-core slot) hold BallastDepositSlotCount(s) entries; amounts keep the sign of `balance` and
 * sum to it. */
PetscErrorCode BallastDepositSlot(const BallastBehSegment *s, BallastDate as_of, double balance, double amount[], BallastDate date[], PetscInt tranche[]);

/* ---- synthetic histories (src/generate/history.c; used by `ballast generate` and the tests) */
/* The true parameters a synthetic history is drawn from. */
typedef struct {
  BallastBehModel model;
  double          p[4];                       /* prepayment S-curve a, b, c, d */
  PetscInt        ntenor;                     /* deposits: tranches of the true replicating portfolio */
  int             tenor_months[BALLAST_BEH_MAX_TENORS];
  double          weight[BALLAST_BEH_MAX_TENORS];
  double          core_share, margin;         /* core share; deposit rate = portfolio yield - margin */
  double          rate;                       /* early redemption: annual rate */
  double          noise;                      /* observation noise: CPR (decimal), deposit rate (decimal), redemptions (relative) */
} BallastBehTruth;
/* Not collective. A monthly history of `nmonths` months ending at `end` (end-of-month dates), drawn
 * from `truth` plus noise: market rates (tenors 1M..10Y of a three-factor curve model) depend on
 * `seed` only, the segment's noise on (seed, stream). Deterministic; free with BallastBehHistoryFree. */
PetscErrorCode BallastBehHistorySynthesize(uint64_t seed, uint64_t stream, BallastDate end, PetscInt nmonths, const BallastBehTruth *truth, BallastBehHistory *h);
PetscErrorCode BallastBehHistoryFree(BallastBehHistory *h);
/* Not collective. Allocates the columns of a history of n months for `model` (ntenor market tenors for deposits). */
PetscErrorCode BallastBehHistoryAlloc(BallastBehModel model, PetscInt n, PetscInt ntenor, BallastBehHistory *h);

#endif
