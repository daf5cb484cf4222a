/* IRRBB metrics as consumers of the one event stream (design.md invariant 1): EVE (exact-time and
 * standardised), NII on a constant balance sheet, repricing gap, PV01 and key-rate PV01.
 *
 * A run projects each contract once per "variant": the configured scenarios (base first), then
 * the +1 bp parallel bump, then one triangular +1 bp bump per key tenor. Each variant has its own
 * shocked market data and discount-factor table. Accumulators are kept per portfolio, filled by
 * the portfolio's one owner in file order, so group totals never depend on the number of ranks.
 *
 * Sign convention: amounts as ACTUS payoffs from the bank's side (assets positive, liabilities
 * negative), in the contract's currency; the reporting-currency aggregates multiply by FX. */
#ifndef BALLAST_IRRBB_H
#define BALLAST_IRRBB_H

#include <ballast/contracts.h>
#include <ballast/dftable.h>
#include <ballast/engine.h>
#include <ballast/behaviour.h>

typedef struct {
  /* variants */
  PetscInt                  nscen;     /* configured scenarios, base = 0 */
  PetscInt                  nkey;      /* key tenors */
  PetscInt                  nvar;      /* nscen + 1 + nkey (or nscen when no sensitivities) */
  const BallastMarketData **market;    /* [nvar] shocked curves */
  const BallastDFTable     *df;        /* [nvar] */
  const BallastDFTable     *df_base;   /* the base scenario's table (margins, deposit pass-through); NULL = df[0] */
  /* buckets (years): upper bounds (last = +inf) and midpoints */
  PetscInt      nbucket;
  const double *bucket_hi, *bucket_mid;
  /* bucket of a flow d days after the as-of date, for d < nbucket_days (a lookup in the hot loop) */
  const uint8_t *bucket_of_day;
  PetscInt       nbucket_days;
  /* per currency id: discount curve index in the market data, -1 = none configured */
  const PetscInt *disc_curve;
  PetscInt        nccy;
  PetscInt        nport;
  BallastDate     as_of, nii_end;      /* NII horizon end */
  BallastDate     horizon;             /* schedule horizon for open-ended contracts */
  /* Behavioural overlay (NULL: contractual view). seg_of[id] maps a contract's local segment id
   * (BallastContracts.segments) to a calibrated segment of beh, -1 = contractual. Scalars per
   * scenario variant (1 for sensitivity variants). */
  const BallastBehaviour *beh;
  const PetscInt         *seg_of;
  const double           *prepay_scalar, *td_scalar; /* [nvar] */
  /* optional second consumer of the base scenario's events (e.g. the liquidity ladder) */
  BallastEventSink base_sink;
  void            *base_ctx;
  PetscBool        base_sink_contractual_deposits; /* base_sink sees deposits' contractual flows (liquidity) instead of their slotting */
} BallastIRRBBSetup;

typedef struct {
  BallastIRRBBSetup s;
  /* per-portfolio accumulators (zero for portfolios this rank does not own) */
  double *eve;    /* [v][p][c] */
  double *evecf;  /* [s][p][c][k] cash flows per bucket (scenarios only) */
  double *nii;    /* [s][p][c] */
  double *gap;    /* [p][c][k] base repricing gap */
  double *pv;     /* [s][i] per contract PV for contracts.nc (NULL when not requested) */
  PetscInt ncontracts_done;
  double   last_pv_base; /* base PV of the contract last added (contract currency) */
  int64_t  nevents;
  /* workspace */
  BallastSchedule ws;
  void           *endcache; /* memo of reset period end dates (irrbb.c) */
  double         *slot_amount; /* deposit slotting of the contract being projected */
  BallastDate    *slot_date;
  PetscInt        slot_cap;
} BallastIRRBB;

/* Not collective. `s` is copied (arrays referenced). pv_ncontracts > 0 keeps per-contract PVs. */
PetscErrorCode BallastIRRBBCreate(const BallastIRRBBSetup *s, PetscInt pv_ncontracts, BallastIRRBB *acc);
PetscErrorCode BallastIRRBBDestroy(BallastIRRBB *acc);
/* Project contract i of cs under every variant and accumulate. Not collective. */
PetscErrorCode BallastIRRBBAddContract(BallastIRRBB *acc, BallastContracts cs, PetscInt i);
/* Index of the bucket holding a flow at t years (bucket 0 = overnight: t <= 1/365). */
PetscInt BallastIRRBBBucket(const BallastIRRBBSetup *s, double t);
/* The same for a flow `days` after the as-of date, by table lookup. */
static inline PetscInt BallastIRRBBBucketDay(const BallastIRRBBSetup *s, PetscInt days)
{
  return days < s->nbucket_days ? (PetscInt)s->bucket_of_day[days] : BallastIRRBBBucket(s, (double)days / 365.0);
}

#endif
