/* Cash flows users can take away (`ballast run --cash-flows`, docs/decisions.md "cashflows.nc").
 *
 * The consumer (src/metrics/cashflows.c) takes the behavioural stream of every scenario (what
 * IRRBB's EVE consumes) and, per contract, lines up the scenarios' events in rows: one row per
 * event (date, type and its occurrence on that date), with the base scenario's payoff, notional and
 * rate and every scenario's payoff, discount factor and PV. It keeps one contract's rows at a time
 * and hands them to a sink (the writer of src/io/cashflows_nc.c spills them to a rank-local
 * temporary file), so memory is bounded by the largest contract, never the balance sheet.
 *
 * Rows that reconcile with EVE: the PV of a row is exactly the term the driver adds to the
 * contract's value (payoff, converted at spot for a leg in another currency, times the discount
 * factor on the leg currency's curve), 0 for an event on or before the as-of date or without
 * payoff; cash valued at face value (BALLAST_FILTER_FACE_VALUE) has no event and appears as one row
 * dated at the as-of date, type AD, payoff = face value, discount factor 1 and PV = face value. */
#ifndef BALLAST_CASHFLOWS_H
#define BALLAST_CASHFLOWS_H

#include <ballast/projection.h>

/* One row as the consumer hands it to the sink. sp/sdf/spv point to nscen doubles each. */
typedef struct {
  PetscInt    row;          /* the contract's row in the source (the store's local row) */
  PetscInt    p;            /* portfolio index */
  int32_t     ccy;          /* currency of the event */
  int32_t     contract_ccy; /* currency of the contract (the PV's currency, alm.nc's currency of eve) */
  int32_t     day;          /* days after the as-of date */
  int32_t     type;         /* BallastEventType */
  int32_t     label;        /* BALLAST_LABEL(stream, filter) */
  int32_t     irrbb_bucket; /* regime bucket of the flow, -1 on or before the as-of date */
  int32_t     ladder_bucket;/* liquidity ladder bucket, -1 on or before the as-of date */
  double      payoff, notional, rate; /* base scenario (NaN where the event does not occur under base) */
  const double *sp, *sdf, *spv;       /* [nscen] payoff, discount factor, PV per scenario (PV 0, payoff NaN where absent) */
} BallastCashFlowRow;

typedef struct {
  void *ctx;
  /* Not collective: n rows of one contract, in order. */
  PetscErrorCode (*rows)(void *ctx, PetscInt nscen, PetscInt n, const BallastCashFlowRow *row);
} BallastCashFlowSink;

typedef struct {
  PetscInt       nscen;
  BallastDate    as_of;
  /* IRRBB buckets (years, last +inf) */
  PetscInt       nbucket;
  const double  *bucket_hi;
  /* liquidity ladder: bucket b < nladder ends on day ladder_end[b] (inclusive); nladder = beyond */
  PetscInt        nladder;
  const PetscInt *ladder_end;
  const PetscInt *disc_curve; /* [currency id] discount curve */
  const double   *fx;         /* [currency id] spot, units of the reporting currency */
} BallastCashFlowsSetup;

typedef struct BallastCashFlows_s *BallastCashFlows;

/* Not collective. */
PetscErrorCode BallastCashFlowsCreate(const BallastCashFlowsSetup *s, BallastCashFlowSink sink, BallastCashFlows *cf);
PetscErrorCode BallastCashFlowsDestroy(BallastCashFlows *cf);
/* The consumer (scenarios' behavioural stream; no merge: the writer is collective). */
void BallastCashFlowsConsumer(BallastCashFlows cf, BallastConsumer *c);
/* Events of this rank handed to the sink (rows). */
int64_t BallastCashFlowsRows(BallastCashFlows cf);

#endif
