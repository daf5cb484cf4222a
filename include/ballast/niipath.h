/* New business and NII paths (metrics.md "New business and NII paths"): the new-business plan as a
 * source of originations (src/projection/newbusiness.c) and the consumer of monthly NII and
 * balances (src/metrics/niipath.c). Months: month m (1 .. nmonths) runs from as_of + (m-1)
 * months (exclusive) to as_of + m months (inclusive); originations on each month's end date. */
#ifndef BALLAST_NIIPATH_H
#define BALLAST_NIIPATH_H

#include <ballast/planning.h>
#include <ballast/projection.h>

/* The plan's originations as a source: for each product owned by this rank (the owner of its
 * portfolio) and month m = 1 .. horizon, one contract from the product's template:
 * initialExchangeDate = month end, maturity = + term, notional = the month's amount (the last
 * repeating), statusDate = as-of date, the behaviour of the template's behaviourSegment (a local
 * segment id interned before the segment map, BallastRunNewBusinessPrepare); its rate set per
 * variant by the source's variant() callback: fixed, the par rate (BallastParRate) on the pricing
 * curve of the variant's table seen at the origination date plus spread; floating, the index's
 * forward over the first reset period plus spread, resetting on the index plus spread
 * (rateSpread). Management actions: every origination is action none's (slot 0, weight +1);
 * a `replace` volume whose replaced portfolio runs off differently under action a (runoff of slot
 * a differs from slot 0 somewhere) is projected again in slot a, once with weight -1 at none's
 * volume and once with +1 at action a's, so that after the fold slot a holds the originations of
 * action a's balance sheet (items in the order: slot 0, then actions in order; per slot products
 * in order, months 1 .. horizon). */
typedef struct {
  int32_t q, m, action, vol_action;
  double  weight;
} BallastNBItem;
typedef struct {
  const BallastPlan *plan;
  BallastDate        as_of;
  PetscInt           nitem;   /* originations of this rank */
  BallastNBItem     *item;
  PetscInt          *port;    /* [nproducts] global portfolio index */
  BallastAlm        *alm;     /* [nproducts] */
  /* REPLACE volumes: the book's principal run-off [scenario][action][portfolio][month], reporting
   * currency (BallastNIIPath.prin after merge and fold, on every rank), and the FX rates [currency] */
  const double      *runoff;
  PetscInt           nport, nact;
  const double      *fx;
  char               id[64];
} BallastNewBusiness;
/* Not collective. portfolio_names[nport] and owner[nport] of the store; every product's portfolio
 * must be one of them (else BALLAST_ERR_USAGE naming cfg:line). A `replace` volume originates in
 * month m under scenario s and action a |runoff[s][a][replaced portfolio][m]| (1 + growth)^(m/12),
 * converted from the reporting currency at fx. */
PetscErrorCode BallastNewBusinessCreate(const BallastPlan *plan, const char *cfg, BallastDate as_of, PetscInt nport, char *const *portfolio_names, const int *owner, int rank,
                                        PetscInt nact, PetscInt nscen, const double *runoff, const double *fx, BallastNewBusiness *nb, BallastSource *src);
PetscErrorCode BallastNewBusinessDestroy(BallastNewBusiness *nb);

/* Monthly NII and balances of the contracts the consumer sees (scenarios only), per action slot
 * and portfolio, row = (s nact + a) nport + p: nii[(row nmonths + m) nccy + c] interest earned
 * minus paid in month m, accrual basis (each interest amount spread over its accrual period by
 * days, the interest accrued before the as-of date excluded), contract currency;
 * bal[row nmonths + m] outstanding notional at month m's end, reporting currency (fx). Every
 * amount times the contract's weight (management actions: docs/planning.md); merge adds slot 0
 * into every slot a > 0 (local: owner-only partials), then reduces to rank 0. */
typedef struct {
  PetscInt     nscen, nact, nport, nccy, nmonths;
  BallastDate  as_of;
  BallastDate *mend;      /* [nmonths + 1]: mend[0] = as_of, mend[m] = as_of + m months */
  const double *fx;       /* [nccy] */
  double      *nii, *bal;
  double      *prin;      /* [row nmonths + m]: principal repaid in month m (run-off), reporting currency */
  /* the contract-variant being projected */
  double      *row_nii, *cbal, *row_prin;
  double       last_notional, pending_a0, fxc, w;
  BallastDate  last, prev; /* last interest date, start of its period */
  PetscInt     next_m;
  int          md_split, active;
} BallastNIIPath;
PetscErrorCode BallastNIIPathCreate(PetscInt nscen, PetscInt nact, PetscInt nport, PetscInt nccy, PetscInt nmonths, BallastDate as_of, const double *fx, BallastNIIPath *np);
PetscErrorCode BallastNIIPathDestroy(BallastNIIPath *np);
void           BallastNIIPathConsumer(BallastNIIPath *np, BallastConsumer *c);

#endif
