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
 * repeating), statusDate = as-of date, contractual behaviour; its rate set per variant by the
 * source's variant() callback: fixed, the par rate (BallastParRate) on the pricing curve of the
 * variant's table seen at the origination date plus spread; floating, the index's forward over the
 * first reset period plus spread, resetting on the index plus spread (rateSpread). */
typedef struct {
  const BallastPlan *plan;
  BallastDate        as_of;
  PetscInt           nown;    /* products of this rank */
  PetscInt          *own;     /* [nown] product index */
  PetscInt          *port;    /* [nproducts] global portfolio index */
  BallastAlm        *alm;     /* [nproducts] */
  /* REPLACE volumes: the book's principal run-off [scenario][portfolio][month], reporting currency
   * (BallastNIIPath.prin after merge, on every rank), and the FX rates [currency] */
  const double      *runoff;
  PetscInt           nport;
  const double      *fx;
  char               id[64];
} BallastNewBusiness;
/* Not collective. portfolio_names[nport] and owner[nport] of the store; every product's portfolio
 * must be one of them (else BALLAST_ERR_USAGE naming cfg:line). A `replace` volume originates in
 * month m under scenario s |runoff[s][replaced portfolio][m]| (1 + growth)^(m/12), converted
 * from the reporting currency at fx. */
PetscErrorCode BallastNewBusinessCreate(const BallastPlan *plan, const char *cfg, BallastDate as_of, PetscInt nport, char *const *portfolio_names, const int *owner, int rank,
                                        const double *runoff, const double *fx, BallastNewBusiness *nb, BallastSource *src);
PetscErrorCode BallastNewBusinessDestroy(BallastNewBusiness *nb);

/* Monthly NII and balances of the contracts the consumer sees (scenarios only), per portfolio:
 * nii[((s nport + p) nmonths + m) nccy + c] interest earned minus paid in month m, accrual basis
 * (each interest amount spread over its accrual period by days, the interest accrued before the
 * as-of date excluded), contract currency; bal[(s nport + p) nmonths + m] outstanding notional at
 * month m's end, reporting currency (fx). After merge: reduced to rank 0. */
typedef struct {
  PetscInt     nscen, nport, nccy, nmonths;
  BallastDate  as_of;
  BallastDate *mend;      /* [nmonths + 1]: mend[0] = as_of, mend[m] = as_of + m months */
  const double *fx;       /* [nccy] */
  double      *nii, *bal;
  double      *prin;      /* [(s nport + p) nmonths + m]: principal repaid in month m (run-off), reporting currency */
  /* the contract-variant being projected */
  double      *row_nii, *cbal, *row_prin;
  double       last_notional, pending_a0, fxc;
  BallastDate  last, prev; /* last interest date, start of its period */
  PetscInt     next_m;
  int          md_split, active, skip; /* skip: a management action's contract (paths are action none's) */
} BallastNIIPath;
PetscErrorCode BallastNIIPathCreate(PetscInt nscen, PetscInt nport, PetscInt nccy, PetscInt nmonths, BallastDate as_of, const double *fx, BallastNIIPath *np);
PetscErrorCode BallastNIIPathDestroy(BallastNIIPath *np);
void           BallastNIIPathConsumer(BallastNIIPath *np, BallastConsumer *c);

#endif
