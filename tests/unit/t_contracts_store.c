/* The contract store's compact layout (docs/loading.md, "Memory"): double terms other than the
 * notional are kept sparsely (a mask and a pool), so a contract round-trips through
 * BallastContractsAppend / Sort / GetTerms with every set value bit for bit and every unset one
 * NaN; the sort is by (portfolio, file, line). The expected values are the inputs themselves. */
#include "tap/basic.h"
#include <ballast/contracts.h>
#include <math.h>
#include <string.h>

int main(int argc, char **argv)
{
  BallastContracts cs;
  BallastTerms     t[3], got;
  BallastAlm       a[3];
  PetscInitialize(&argc, &argv, NULL, NULL);
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  plan(10);
  for (int k = 0; k < 3; k++) {
    BallastTermsInit(&t[k]);
    memset(&a[k], 0, sizeof a[k]);
    a[k].legalEntity = a[k].behaviourSegment = -1;
  }
  /* contract 0: portfolio 1, a fixed annuity: notional, rate, accrued, instalment */
  t[0].notionalPrincipal = 182340.55, t[0].nominalInterestRate = 0.0215, t[0].accruedInterest = 163.35, t[0].nextPrincipalRedemptionPayment = 1023.87;
  a[0].portfolio = 1;
  /* contract 1: portfolio 0, a floater: spread, caps, the last sparse term, a negative zero */
  t[1].notionalPrincipal = 8e6, t[1].rateSpread = 0.015, t[1].lifeCap = 0.08, t[1].lifeFloor = -0.0, t[1].scalingIndexAtContractDealDate = 101.5;
  a[1].portfolio = 0;
  /* contract 2: portfolio 0, nothing but the notional */
  t[2].notionalPrincipal = 420e6;
  a[2].portfolio = 0;
  PetscCall(BallastContractsCreate(&cs));
  PetscCall(BallastContractsAppend(cs, &t[0], &a[0], "MTG-1", 0, 2));
  PetscCall(BallastContractsAppend(cs, &t[1], &a[1], "CORP-2", 0, 3));
  PetscCall(BallastContractsAppend(cs, &t[2], &a[2], "CASH-3", 0, 4));
  is_int(7 * 8, (int)BallastContractsBytesSparse(cs), "seven sparse values set in all: 56 bytes in the pool");
  PetscCall(BallastContractsSort(cs));
  /* sorted: portfolio 0 (lines 3, 4), then portfolio 1 (line 2) */
  is_string("CORP-2", BallastContractsID(cs, 0), "row 0 after the sort: portfolio 0, line 3");
  is_string("CASH-3", BallastContractsID(cs, 1), "row 1: portfolio 0, line 4");
  is_string("MTG-1", BallastContractsID(cs, 2), "row 2: portfolio 1, line 2");
  const int from[3] = {1, 2, 0};
  for (int r = 0; r < 3; r++) {
    BallastContractsGetTerms(cs, r, &got);
    ok(!memcmp(&got, &t[from[r]], sizeof got), "row %d: every term bit for bit as appended (set values and NaN for the rest)", r);
  }
  BallastContractsGetTerms(cs, 0, &got);
  ok(signbit(got.lifeFloor) && got.lifeFloor == 0, "a negative zero stays negative");
  ok(isnan(got.nominalInterestRate) && isnan(got.accruedInterest), "unset terms are NaN");
  is_double(8e6, cs->notionalPrincipal[0], 0, "the notional is a dense array");
  PetscCall(BallastContractsDestroy(&cs));
  PetscFinalize();
  return 0;
}
