/* The projection driver: the one loop of a run (design.md invariant 1, docs/architecture.md).
 *
 *   sources  ──►  engine (schedule once, numeric pass per variant)  ──►  filters  ──►  consumers
 *
 * For every contract a source yields (the contract store: the rank's portfolios in file order),
 * the driver builds the scenario-invariant schedule once, then for every variant (scenario, PV01,
 * key rate) runs the numeric pass and streams the events through the contract's filters to the
 * consumers that take that variant. Two streams exist per contract and variant:
 *   - contractual: the engine's events, or the synthetic events of a contract the engine does not
 *     schedule (the call of UMP/CLM without maturity, the on-demand repayment of a cash liability:
 *     src/engine/synthetic.c);
 *   - behavioural: the contractual stream through the behavioural filters of the contract's
 *     segment (prepayment and early redemption as PP events, deposit slotting: src/behaviour/
 *     filters.c), or replaced by cash at face value (CSH). Without behaviour it is the
 *     contractual stream.
 * Every event carries a label: the stream and the filter that made it (BallastFilterName).
 *
 * The driver values every contract under every variant on its currency's discount curve (the PV
 * of the behavioural stream, legs in another currency converted at spot) and hands that value to
 * every consumer in end(): a consumer never calls another (EVE adds it up, position detail keeps
 * it, liquidity uses the base PV as the market value of a security).
 *
 * Rank independence (invariant 4): a consumer accumulates per portfolio; its merge() reduces to
 * rank 0 where each portfolio has one owner and the other ranks contribute exact zeros.
 *
 * Sign convention of every amount: ACTUS payoffs from the bank's side (assets and amounts
 * received positive, liabilities negative), in the event's currency. */
#ifndef BALLAST_PROJECTION_H
#define BALLAST_PROJECTION_H

#include <ballast/behaviour.h>
#include <ballast/contracts.h>
#include <ballast/dftable.h>
#include <ballast/engine.h>

/* Streams and the filters that label an event. Names (BallastFilterName): "contractual",
 * "synthetic_call", "cash_on_demand", "face_value", "prepayment", "early_redemption",
 * "deposit_slotting". */
typedef enum { BALLAST_STREAM_CONTRACTUAL, BALLAST_STREAM_BEHAVIOURAL } BallastStream;
typedef enum {
  BALLAST_FILTER_CONTRACTUAL,     /* the engine's events, unchanged */
  BALLAST_FILTER_SYNTHETIC_CALL,  /* UMP, CLM without maturity: interest and repayment at the call date (src/engine) */
  BALLAST_FILTER_CASH_ON_DEMAND,  /* CSH liability: repayable the next day (src/engine) */
  BALLAST_FILTER_FACE_VALUE,      /* CSH: valued at face value at the as-of date, no event (src/engine) */
  BALLAST_FILTER_PREPAYMENT,      /* PP events of a prepayment segment, later flows scaled (src/behaviour) */
  BALLAST_FILTER_EARLY_REDEMPTION,/* the same for term deposits (src/behaviour) */
  BALLAST_FILTER_DEPOSIT_SLOTTING,/* a deposit along its replicating tranches (src/behaviour) */
  BALLAST_FILTER_COUNT
} BallastFilterKind;
/* An event's label: stream and filter in one small integer (no per-event lookups). */
#define BALLAST_LABEL(stream, filter) ((int)(stream) * BALLAST_FILTER_COUNT + (int)(filter))
#define BALLAST_LABEL_STREAM(label)   ((label) / BALLAST_FILTER_COUNT)
#define BALLAST_LABEL_FILTER(label)   ((label) % BALLAST_FILTER_COUNT)
const char *BallastFilterName(int filter);
const char *BallastStreamName(int stream);

/* A stage of the event stream: where a filter sends its output. */
typedef struct {
  void (*event)(void *ctx, const BallastEvent *ev);
  void *ctx;
} BallastEventTarget;

/* One contract as the driver sees it: what a source yields (terms, ALM attributes, portfolio
 * and currency index, where it came from) and what the driver derives once per contract. */
typedef struct {
  /* from the source */
  PetscInt          index;     /* the source's index of the contract (the store's row) */
  const char       *id;        /* contractID */
  const char       *file;      /* input file and line, for messages (file may be NULL) */
  int64_t           line;
  BallastTerms      t;
  const BallastAlm *alm;
  PetscInt          p, c;      /* portfolio index, currency id */
  PetscInt          action;    /* management action slot: 0 = none (the balance sheet as loaded), a > 0 (include/ballast/actions.h) */
  double            weight;    /* +1 or -1: consumers multiply what they add by it (the driver sets +1 before the source's get) */
  /* derived by the driver */
  int64_t     serial;          /* 1, 2, ... in the order the driver projects contracts (consumers cache per-contract work on it) */
  int         projected;       /* 0: no interest-rate cash flows (STK): only consumers taking BALLAST_TAKE_UNPROJECTED see it */
  PetscInt    kdisc;           /* discount curve of the contract's currency */
  int         callable;        /* UMP, CLM without maturityDate: the synthetic call */
  BallastDate due;             /* call date of a callable contract */
  double      sign;            /* +1 asset side, -1 liability side (contractRole) */
  double      a0;              /* accrued interest at the as-of date, signed (0 before the IED) */
  int         contractual;     /* BallastFilterKind of the contractual stream: CONTRACTUAL, SYNTHETIC_CALL, CASH_ON_DEMAND */
  int         behavioural;     /* BallastFilterKind of the behavioural stream: CONTRACTUAL (= the contractual stream), FACE_VALUE, PREPAYMENT, EARLY_REDEMPTION, DEPOSIT_SLOTTING */
  const BallastBehSegment *seg;/* calibrated behaviour segment (NULL: contractual) */
} BallastProjContract;

/* One variant of a contract: the market it is projected under and what the driver computed. */
typedef struct {
  PetscInt              v;            /* variant index: scenarios first (0 = base), then PV01, key rates */
  int                   scenario;     /* v < nscen */
  const BallastDFTable *df;
  double                pv;           /* in end(): value of the behavioural stream on the contract's discount curve, contract currency */
  double                spot;         /* value settled at the as-of date without an event (cash at face value), included in pv */
  int                   has_spot;
  double                deposit_rate; /* DEPOSIT_SLOTTING: the deposit rate under this variant */
  int64_t               nevents;      /* behavioural events of this variant */
  /* the contract's events are the same under every variant (it observed no market and has no
   * behaviour that depends on the scenario): a consumer taking BALLAST_TAKE_TABLE values it from
   * its per-portfolio cash-flow tables and ignores pv; pv is computed only when a consumer that
   * does not take tables takes the variant (has_pv) */
  int                   invariant;
  int                   has_pv;
} BallastProjVariant;

/* What a consumer takes of a variant (BallastConsumer.subscribe). */
enum {
  BALLAST_TAKE_VALUE       = 1,  /* begin/end with the variant's value */
  BALLAST_TAKE_EVENTS      = 2,  /* the behavioural stream */
  BALLAST_TAKE_CONTRACTUAL = 4,  /* the contractual stream (every contract; before the behavioural one) */
  /* the contractual stream instead of the behavioural one where a filter replaced the contract's
   * events (deposit slotting, face value): liquidity runs deposits off by its own scenarios */
  BALLAST_TAKE_CONTRACTUAL_WHERE_REPLACED = 8,
  BALLAST_TAKE_UNPROJECTED = 16, /* also contracts without projection (begin/end, no events, pv 0) */
  /* the consumer values scenario-invariant contracts itself (BallastProjVariant.invariant): from
   * the events of variant 0 added into per-day tables and discounted once per variant in
   * portfolio_end. Under a variant that only such consumers take, and none takes events of, an
   * invariant contract is not projected and they are not called (begin/end) */
  BALLAST_TAKE_TABLE = 32
};

/* A consumer of the event stream: a small vtable. begin/end bracket each (contract, variant) the
 * consumer takes; event receives each event with its label (BALLAST_LABEL); merge is collective
 * and reduces the per-portfolio partials to rank 0. Any of them may be NULL. event must not fail
 * (record a failure in ctx and return it from end). */
typedef struct {
  const char *name;
  void       *ctx;
  unsigned (*subscribe)(void *ctx, PetscInt v);
  PetscErrorCode (*begin)(void *ctx, const BallastProjContract *pc, const BallastProjVariant *pv);
  void (*event)(void *ctx, const BallastEvent *ev, int label);
  PetscErrorCode (*end)(void *ctx, const BallastProjContract *pc, const BallastProjVariant *pv);
  PetscErrorCode (*merge)(void *ctx, MPI_Comm comm);
  /* after the last contract of a portfolio (in a source's run of contracts), before the next
   * portfolio's first and before merge (NULL = none) */
  PetscErrorCode (*portfolio_end)(void *ctx, PetscInt portfolio);
  /* Checkpoint (include/ballast/checkpoint.h, docs/checkpoint.md); NULL: nothing to keep.
   * pack: the partials of portfolio `portfolio` as they stand between portfolios (every action
   * slot), *size bytes into buf; buf NULL: only *size. unpack: the same bytes back into the
   * partials of a consumer that has not seen the portfolio yet (size checked). portfolio =
   * BALLAST_PACK_TOTALS: the rank's order-free totals instead (an array of int64_t summed over the
   * ranks into the checkpoint and unpacked by rank 0 only: exact, e.g. liquidity's daily
   * profiles in cents), the same size on every rank. Not collective. Set them by member name
   * (c->pack = ...), not positionally. */
  PetscErrorCode (*pack)(void *ctx, PetscInt portfolio, void *buf, size_t *size);
  PetscErrorCode (*unpack)(void *ctx, PetscInt portfolio, const void *buf, size_t size);
} BallastConsumer;
#define BALLAST_PACK_TOTALS ((PetscInt)-1)

/* A source of contracts (the contract store today; management actions and new business later). */
typedef struct {
  const char *name;
  void       *ctx;
  PetscInt (*count)(void *ctx);
  /* Contract k (0 <= k < count): fill the source part of pc. Not collective. */
  PetscErrorCode (*get)(void *ctx, PetscInt k, BallastProjContract *pc);
  /* Optional (NULL: the terms are the same under every variant): set the terms of contract k that
   * depend on variant v (table df), e.g. a new-business origination's rate at the scenario's par
   * rate. Only numbers the numeric pass reads may change (rates, spreads, notional amounts): the
   * schedule is built once from get()'s terms. Not collective. */
  PetscErrorCode (*variant)(void *ctx, PetscInt k, PetscInt v, const BallastDFTable *df, BallastProjContract *pc);
} BallastSource;

/* The contract store as a source, rows in store order (portfolio, file, line). files[] names the
 * contract files for messages (may be NULL). */
typedef struct {
  BallastContracts    cs;
  const char *const *files;
} BallastContractSource;
void BallastContractSourceInit(BallastContractSource *store, BallastContracts cs, const char *const *files, BallastSource *src);

#define BALLAST_PROJ_MAXCONSUMER 16

typedef struct {
  PetscInt                  nscen, nvar;  /* variants: nscen scenarios (base = 0), then sensitivities */
  const BallastMarketData **market;       /* [nvar] */
  const BallastDFTable     *df;           /* [nvar] */
  const BallastDFTable     *df_base;      /* base table (margins, pass-through); NULL = df[0] */
  const PetscInt           *disc_curve;   /* [currency id] discount curve index, -1 = none */
  PetscInt                  nccy;
  const double             *fx;           /* [currency id] units of reporting currency */
  BallastDate               as_of;
  BallastDate               ad_date;      /* an analysis date (AD event) added to every scheduled contract (the NII horizon end) */
  BallastDate               horizon;      /* schedule horizon of open-ended contracts */
  /* behaviour (beh NULL: contractual). seg_of maps a contract's segment id to a calibrated segment. */
  const BallastBehaviour *beh;
  const PetscInt         *seg_of;
  const double           *prepay_scalar, *td_scalar; /* [nvar] */
} BallastProjectionSetup;

typedef struct BallastProjection_s *BallastProjection;

/* Not collective. `s` is copied, its arrays referenced. */
PetscErrorCode BallastProjectionCreate(const BallastProjectionSetup *s, BallastProjection *proj);
PetscErrorCode BallastProjectionDestroy(BallastProjection *proj);
/* Not collective. Consumers are called in the order added. */
PetscErrorCode BallastProjectionAddConsumer(BallastProjection proj, const BallastConsumer *c);
/* Not collective: project contract k of src under every variant through the consumers. */
PetscErrorCode BallastProjectionContract(BallastProjection proj, const BallastSource *src, PetscInt k);
/* Collective: every contract of every source, in order; ranks agree on failure (the first failing
 * contract's file:line and id reach every rank, the same exit code everywhere); then each
 * consumer's merge, in the order added. Progress lines on rank 0 during long runs. */
PetscErrorCode BallastProjectionRun(BallastProjection proj, MPI_Comm comm, PetscInt nsrc, const BallastSource *src);
/* Checkpoint and resume (include/ballast/checkpoint.h). Not collective; before Run. stage[nport]
 * (referenced, may be NULL): per portfolio the number of sources already done (from a checkpoint;
 * Run skips the portfolio's contracts of those sources). requested (may be NULL: not
 * interruptible): this rank's interruption flag (a signal number or 0), asked with the number of
 * contracts this rank has done at each progress poll; the ranks agree on it in the progress
 * rounds, and each stops at a portfolio boundary of the first source (or before a later source
 * starts). */
PetscErrorCode BallastProjectionSetCheckpoint(BallastProjection proj, PetscInt nport, const int *stage, int (*requested)(int64_t done));
/* After Run: whether the ranks stopped on an interruption (then no merge was done, the same on
 * every rank), the signal, and per portfolio the sources done on this rank (meaningful for the
 * portfolios it owns; nsrc everywhere after a complete run). Not collective. */
PetscErrorCode BallastProjectionGetInterrupted(BallastProjection proj, PetscBool *interrupted, int *signo, const int **stage, PetscInt *nsrc);
/* The consumers added, in order. Not collective. */
PetscErrorCode BallastProjectionGetConsumers(BallastProjection proj, PetscInt *n, const BallastConsumer **c);
/* Statistics of this rank: contracts projected, behavioural events, seconds of Run's loop. */
PetscErrorCode BallastProjectionGetStats(BallastProjection proj, int64_t *ncontracts, int64_t *nevents, double *seconds);

/* ---------------------------------------------------------------------------------------------
 * Filters of the event stream. Each writes its events to `out`; none allocates. */

/* src/engine/synthetic.c. Not collective. */
void   BallastSyntheticCall(const BallastTerms *t, BallastDate as_of, BallastDate due, BallastEventTarget out);
void   BallastCashOnDemand(const BallastTerms *t, BallastDate as_of, BallastEventTarget out);
double BallastFaceValue(const BallastTerms *t);

/* src/behaviour/filters.c: prepayment and early redemption (metrics.md "Behavioural models").
 * Between the contractual events, at monthly checkpoints from the as-of date, a fraction
 * f = 1 - (1 - annual)^(1/12) of the outstanding principal leaves as a PP event; the notional is
 * reduced and the maturity kept, so every later contractual flow scales by the surviving share. */
typedef struct {
  BallastEventTarget next;
  double             annual, S;
  double             f;          /* the monthly fraction of annual, once per contract and variant */
  BallastDate        as_of;
  BallastDate        checkpoint, end;
  const BallastDate *cp;         /* the monthly checkpoints of the run (BallastPrepayCheckpoints), NULL: by the calendar */
  PetscInt           ncp, icp;   /* checkpoint = cp[icp] while icp < ncp */
  BallastDate        last_date;
  double             last_notional, last_rate, last_accrued; /* contractual state after the last event */
  BallastDayCount    dcc;
  int32_t            currency;
  /* the checkpoints' year, month and day ([ncp][3], with cp; NULL: converted per checkpoint) and
   * those of last_date, converted once per contractual event (ymd_of: the date they are of) */
  const int         *cp_ymd;
  BallastDate        ymd_of;
  int                ly, lm, ld;
} BallastPrepayFilter;
/* Set up the filter of contract pc (PREPAYMENT or EARLY_REDEMPTION) under variant table df with
 * the variant's behaviour scalar. Not collective. */
void BallastPrepayFilterSetup(BallastPrepayFilter *f, const BallastProjContract *pc, BallastDate as_of, BallastDate horizon, const BallastDFTable *df, double scalar,
                              BallastEventTarget next);
/* The monthly checkpoints from as_of: cp[0] = as_of + 1 month, cp[m+1] = cp[m] + 1 month (the
 * dates the filter visits), n of them, computed once per run. Not collective. */
void BallastPrepayCheckpoints(BallastDate as_of, PetscInt n, BallastDate cp[]);
/* Let the filter take its checkpoints from the run's table (cp of BallastPrepayCheckpoints with
 * the filter's as_of); beyond it, by the calendar. Not collective. */
void BallastPrepayFilterUseCheckpoints(BallastPrepayFilter *f, const BallastDate *cp, PetscInt ncp);
/* The same with the checkpoints' year/month/day (ymd[3 m + 0..2] of cp[m], BallastPrepayCheckpointsYMD):
 * the 30E360-family year fractions at the checkpoints convert only the last event's date (once per
 * event), the result bitwise the same. Not collective. */
void BallastPrepayCheckpointsYMD(const BallastDate cp[], PetscInt n, int ymd[]);
void BallastPrepayFilterUseCheckpointsYMD(BallastPrepayFilter *f, const BallastDate *cp, const int *ymd, PetscInt ncp);

/* The valuation of a stream where no consumer takes its events (the driver's, operation for
 * operation: an event's payoff discounted on the contract's curve at its date, a leg in another
 * currency on that currency's curve converted at spot), for the behavioural filters' value-only
 * paths below. */
typedef struct {
  double                pv;
  int64_t               nevents;
  const BallastDFTable *df;
  PetscInt              kdisc;
  int32_t               ccy;
  BallastDate           as_of;
  const PetscInt       *disc_curve;
  const double         *fx;
} BallastValuer;
static inline void BallastValuerAdd(BallastValuer *f, int32_t currency, BallastDate date, double payoff)
{
  f->nevents++;
  if (date > f->as_of && payoff != 0.0) {
    if (currency == f->ccy || currency < 0) f->pv += payoff * BallastDFTableGet(f->df, f->kdisc, date);
    else {
      PetscInt kd = f->disc_curve[currency];
      double   fx = f->fx[currency] / f->fx[f->ccy];
      f->pv += payoff * fx * BallastDFTableGet(f->df, kd >= 0 ? kd : f->kdisc, date);
    }
  }
}
/* The value of the prepayment/early-redemption stream of the contractual events ev[0..n-1] (the
 * contract's contractual stream under the variant of the filter's setup) without making the
 * events: the same value and event count as BallastPrepayFilterEvent of each event into the
 * driver's valuation, bitwise. Not collective. */
void BallastPrepayFilterValue(BallastPrepayFilter *f, const BallastEvent *ev, PetscInt n, BallastValuer *val);
/* The prepayment stream of a contract whose contractual stream is the same under every variant,
 * prepared once per contract: the checkpoints with a PP event (a principal outstanding), with what
 * the filter computes there that does not depend on the variant (the accrued interest since the
 * last event, in the contract's day count), and for each contractual event the number of those
 * checkpoints before it. Under a variant only the monthly fraction f changes: the survival factor
 * S = (1 - f)^k by the filter's own running product, applied to the prepared stream. The events
 * and values are bitwise those of BallastPrepayFilterEvent. The arrays are the caller's, grown
 * as needed (BallastPrepayPlanDestroy frees them). */
typedef struct {
  PetscInt     n, cap;                 /* checkpoints with a PP event */
  BallastDate *date;
  double      *notional, *rate, *accrued, *base; /* base = notional + accrued (the filter's bracket) */
  PetscInt    *before;                 /* [nev] PP checkpoints before contractual event i */
  PetscInt     nev, evcap;
} BallastPrepayPlan;
/* From the filter f as set up (any variant: only f->f and f->annual depend on it) and the
 * contractual events ev[0..n-1]. Not collective. */
PetscErrorCode BallastPrepayPlanBuild(BallastPrepayPlan *plan, const BallastPrepayFilter *f, const BallastEvent *ev, PetscInt n);
/* The filtered events under the variant of filter f (set up for it), into f->next. */
void BallastPrepayPlanEvents(const BallastPrepayPlan *plan, const BallastPrepayFilter *f, const BallastEvent *ev, PetscInt n);
/* Their value only (the driver's valuation, bitwise). */
void BallastPrepayPlanValue(const BallastPrepayPlan *plan, const BallastPrepayFilter *f, const BallastEvent *ev, PetscInt n, BallastValuer *val);
PetscErrorCode BallastPrepayPlanDestroy(BallastPrepayPlan *plan);

/* The value of the slotted events of BallastDepositSlottingYF in closed form: the flows of the
 * deposits of a segment are linear in (balance, balance x rate), so per (segment, eligibility, day
 * count, discount curve) and variant four sums are taken once (BallastDepositSlottingSums: the
 * discount factor and year fraction of the overnight slot, and over the tranches
 * sum_j w_j/m_j sum_u DF and sum_j w_j/m_j sum_u yf DF on the slots' dates date[], yf[] of
 * BallastDepositSlotContract) and a deposit costs O(1) per variant
 * (BallastDepositSlottingValueSums: balance and amount0 = its slot-0 amount as slotted). The same value as the events'
 * up to the order of the additions (1e-15 relative). Not collective. */
/* The value of the slotted events of BallastDepositSlottingYF without making them (bitwise the
 * same value and event count): where the closed form is not wanted. Not collective. */
void BallastDepositSlottingValue(const BallastProjContract *pc, const double *amount, const BallastDate *date, const double *yf, PetscInt nslot, double rate, BallastValuer *val);
void   BallastDepositSlottingSums(const BallastBehSegment *s, int core, const BallastDate *date, const double *yf, const BallastDFTable *df, PetscInt kdisc, double sums[4]);
double BallastDepositSlottingValueSums(const BallastProjContract *pc, int core, double balance, double amount0, double rate, const double sums[4]);
/* The filter's input (a BallastEventSink). */
void BallastPrepayFilterEvent(void *filter, const BallastEvent *ev);
/* Deposit slotting: the deposit rate of the contract's segment under a variant (the one-month
 * forward at the as-of date passed through with the segment's beta) and the slotted events: each
 * slot repays on its date with the deposit rate's interest since the as-of date. Not collective. */
double BallastDepositSlottingRate(const BallastProjContract *pc, BallastDate as_of, const BallastDFTable *df_base, const BallastDFTable *df);
/* The slotted events, with the year fractions yf[j] from the as-of date to date[j] in the
 * contract's day count given (the same for every deposit of a segment: computed once). */
void BallastDepositSlottingYF(const BallastProjContract *pc, BallastDate as_of, const double *amount, const BallastDate *date, const double *yf, PetscInt nslot, double rate,
                              BallastEventTarget out);
/* Whether a deposit's counterparty may hold core deposits (2024/857 Art 8: retail and
 * non-financial wholesale: retail, sme, corporate, sovereign, pse); NULL = yes. Not collective. */
int BallastDepositCoreEligible(const BallastAlm *a);
/* The slotting of contract pc's balance at as_of: the segment's (BallastDepositSlot), or the whole
 * balance overnight (one slot) for a counterparty that holds no core deposits. amount and date
 * hold BallastDepositSlotCount(pc->seg) slots; *nslot = the slots used. Not collective. */
PetscErrorCode BallastDepositSlotContract(const BallastProjContract *pc, BallastDate as_of, double amount[], BallastDate date[], PetscInt *nslot);
/* The amounts of that slotting only (the dates are the segment's: BallastDepositSlotContract of
 * any deposit of the segment with the same eligibility `core`), as BallastDepositSlotContract
 * computes them. Not collective. */
PetscErrorCode BallastDepositSlotAmounts(const BallastProjContract *pc, int core, double amount[], PetscInt *nslot);

#endif
