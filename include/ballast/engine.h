/* The ACTUS contract engine: cash-flow events of PAM, ANN, LAM, NAM, CLM, UMP, SWPPV, CSH, STK
 * and FXOUT contracts (ACTUS technical specification, ../shared/reference/actus/).
 *
 * Work is split in two so that a scenario run repeats only arithmetic (design.md invariant 2):
 *   1. BallastScheduleBuild: the scenario-invariant part, once per contract — event dates, types,
 *      order, year fractions, annuity date chains — into a reusable workspace (no allocation in
 *      steady state: the workspace keeps its arrays between contracts);
 *   2. BallastProject: the numeric pass per scenario — rates, amounts, state — that streams each
 *      event to a sink callback. Events are never stored for the whole balance sheet.
 * BallastProjectRef is the obviously-right oracle (builds and projects in one call, no reuse)
 * used by the tests to check the fast path.
 *
 * Conventions of every event: amounts in the contract's currency (FXOUT second leg: currency2, see
 * BallastEvent.currency); payoff sign from the contract role (RPA: inflow positive); notional and
 * accrued are ACTUS states after the event, signed by the role (RPL negative).
 *
 * Contracts loaded mid-life (statusDate after initialExchangeDate): outstanding notional =
 * notionalPrincipal, accrued = accruedInterest as given (0 when empty, never estimated: interest
 * accrues from statusDate), rate = nominalInterestRate, next principal payment =
 * nextPrincipalRedemptionPayment or the annuity recomputed on the outstanding notional; only
 * events strictly after statusDate are produced.
 *
 * No NetCDF, CSV or libconfig here: the engine sees terms, dates and a market callback only. */
#ifndef BALLAST_ENGINE_H
#define BALLAST_ENGINE_H

#include <ballast/ballast.h>
#include <ballast/terms.h>
#include <ballast/daycount.h>

/* Event types (ACTUS dictionary acronyms). IPFX/IPFL are the fixed and floating legs of a gross
 * settled SWPPV. The numeric values are stable (they are written to files). */
typedef enum {
  BALLAST_EV_AD, BALLAST_EV_IED, BALLAST_EV_FP, BALLAST_EV_PR, BALLAST_EV_PD, BALLAST_EV_PRF,
  BALLAST_EV_PY, BALLAST_EV_PP, BALLAST_EV_IP, BALLAST_EV_IPFX, BALLAST_EV_IPFL, BALLAST_EV_IPCI,
  BALLAST_EV_CE, BALLAST_EV_RRF, BALLAST_EV_RR, BALLAST_EV_DV, BALLAST_EV_PRD, BALLAST_EV_MR,
  BALLAST_EV_TD, BALLAST_EV_SC, BALLAST_EV_IPCB, BALLAST_EV_MD, BALLAST_EV_XD, BALLAST_EV_STD,
  BALLAST_EV_COUNT
} BallastEventType;

/* One event as streamed to a consumer. */
typedef struct {
  BallastDate date;     /* event (payment) date, after business-day shift */
  int         type;     /* BallastEventType */
  double      payoff;   /* cash flow, in `currency`; + = received by the holder of contractRole */
  double      notional; /* outstanding notional after the event (signed by role) */
  double      rate;     /* nominal interest rate after the event (decimal) */
  double      accrued;  /* accrued interest after the event (signed by role) */
  int32_t     currency; /* BallastNames id of the payoff currency */
  int32_t     day;      /* date - as_of of the run, set by the projection driver and its filters
                           (src/projection) for its consumers, so that none converts a date */
} BallastEvent;

/* "IED", "IP", ... Not collective. */
const char *BallastEventTypeName(int type);
/* Inverse of BallastEventTypeName; -1 if unknown. Not collective. */
int BallastEventTypeParse(const char *s);

/* Market data for resets, scaling, dividends and FX settlement. One interface for the
 * conformance tests (served from a case's dataObserved) and for runs (served from a scenario's
 * forward curves). */
typedef struct {
  void *ctx;
  /* Value of market object code `moc` observed at date d, for a reset period `period` (the
   * contract's reset cycle; n == 0 if none). Rates as decimals. */
  PetscErrorCode (*observe)(void *ctx, int32_t moc, BallastDate d, BallastCycle period, double *value);
  /* Units of currency `to` per unit of currency `from` at date d (FXOUT cash settlement).
   * May be NULL if no FXOUT contract is cash settled. */
  PetscErrorCode (*fx)(void *ctx, int32_t from, int32_t to, BallastDate d, double *value);
} BallastMarket;

/* Receives every event of a projection, in ACTUS order. Must not fail: a consumer that can fail
 * records the failure in its context. */
typedef void (*BallastEventSink)(void *ctx, const BallastEvent *ev);

/* Unscheduled events known at build time: ACTUS "eventsObserved" (CSH/any: AD monitoring;
 * CLM/UMP: XD exercise of the notice, after which the contract settles xDayNotice later). */
typedef struct {
  BallastDate date;
  int         type; /* BALLAST_EV_AD or BALLAST_EV_XD */
} BallastObservedEvent;

/* Build options (scenario-invariant). Zero-initialise, then set what differs. */
typedef struct {
  /* Dates given with the time 24:00 (ACTUS writes 23:59:59, "interpreted as midnight"): the
   * event keeps its date but interest is calculated to the start of the next day. */
  PetscInt    nmidnight;
  BallastDate midnight[8];
} BallastScheduleOptions;

/* Opaque workspace holding one contract's schedule; reused across contracts. */
typedef struct BallastSchedule_s *BallastSchedule;

/* Create an empty workspace. Not collective. */
PetscErrorCode BallastScheduleCreate(BallastSchedule *ws);
/* Free the workspace and set *ws = NULL. Not collective. */
PetscErrorCode BallastScheduleDestroy(BallastSchedule *ws);
/* Build the scenario-invariant schedule of one contract. Open-ended schedules (UMP, CLM without
 * maturity, STK dividends) stop at `horizon`. Errors (BALLAST_ERR_INPUT) name the missing or
 * inconsistent term. Not collective. */
PetscErrorCode BallastScheduleBuild(BallastSchedule ws, const BallastTerms *t, BallastDate horizon);
/* The same with observed events and options (either may be NULL/0). Not collective. */
PetscErrorCode BallastScheduleBuildEx(BallastSchedule ws, const BallastTerms *t, BallastDate horizon, const BallastScheduleOptions *opt,
                                      PetscInt nobs, const BallastObservedEvent *obs);
/* Number of events the last build produced (an upper bound for BallastProject's output). Not collective. */
PetscErrorCode BallastScheduleGetSize(BallastSchedule ws, PetscInt *n);
/* Numeric pass: stream the events of the contract last built into `ws` (with the same terms `t`)
 * under market `m` (may be NULL for contracts without resets). Not collective. */
PetscErrorCode BallastProject(BallastSchedule ws, const BallastTerms *t, const BallastMarket *m, BallastEventSink sink, void *ctx);
/* Reference path: build a fresh schedule and project it (no reuse). Not collective. */
PetscErrorCode BallastProjectRef(const BallastTerms *t, BallastDate horizon, const BallastScheduleOptions *opt, PetscInt nobs,
                                 const BallastObservedEvent *obs, const BallastMarket *m, BallastEventSink sink, void *ctx);

/* ACTUS business-day shift of date d under convention bdc and calendar cal; *calc receives the
 * date used for calculations (the shifted date for SC* conventions, d itself for CS* and NOS).
 * Not collective. */
BallastDate BallastBusinessDayShift(BallastDate d, BallastBusinessDay bdc, BallastCalendar cal, BallastDate *calc);
/* Date plus n cycles (months with end-of-month clamp, or days/weeks). Not collective. */
BallastDate BallastCycleAdd(BallastDate d, BallastCycle c, int n);

#endif
