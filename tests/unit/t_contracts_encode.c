/* The loader's compact staging (docs/loading.md, "Memory"): a contract encoded with
 * BallastContractsEncode decodes to every stored term and ALM attribute bit for bit, with the
 * size and sparse count its masks give; a store filled per portfolio with BallastContractsPut
 * (rows out of (file, line) order within a portfolio, as records of several ranks interleave)
 * sorts to the same store as BallastContractsAppend + BallastContractsSort. The expected values
 * are the inputs themselves. */
#include "tap/basic.h"
#include <ballast/contracts.h>
#include <math.h>
#include <string.h>

/* the stored terms of t and u are equal bit for bit */
static int same_stored(const BallastTerms *t, const BallastTerms *u)
{
#define X(f) if ((uint8_t)t->f != (uint8_t)u->f) return 0;
  BALLAST_SOA_ENUMS(X)
#undef X
#define X(f) if (memcmp(&t->f, &u->f, sizeof t->f)) return 0;
  BALLAST_SOA_IDS(X) BALLAST_SOA_DATES(X) BALLAST_SOA_CYCLES(X) BALLAST_SOA_DOUBLES(X)
#undef X
#define X(f) if (isnan(t->f) != isnan(u->f) || (!isnan(t->f) && memcmp(&t->f, &u->f, 8))) return 0;
  BALLAST_SOA_SPARSE(X)
#undef X
  return 1;
}

static int same_alm(const BallastAlm *a, const BallastAlm *b)
{
  return a->counterpartyType == b->counterpartyType && a->depositStability == b->depositStability && a->operational == b->operational && a->insured == b->insured &&
         a->hqlaLevel == b->hqlaLevel && a->facilityType == b->facilityType && a->encumberedUntil == b->encumberedUntil && !memcmp(&a->riskWeight, &b->riskWeight, 8) &&
         !memcmp(&a->undrawnCommitment, &b->undrawnCommitment, 8);
}

int main(int argc, char **argv)
{
  BallastTerms d, t[4], got;
  BallastAlm   a[4], ga;
  char         buf[BALLAST_CONTRACTS_ENCODED_MAX];
  PetscInitialize(&argc, &argv, NULL, NULL);
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  plan(14);
  BallastTermsInit(&d);
  for (int k = 0; k < 4; k++) {
    t[k] = d;
    memset(&a[k], 0, sizeof a[k]);
    a[k].legalEntity = a[k].behaviourSegment = -1;
    a[k].encumberedUntil = BALLAST_DATE_NONE;
    a[k].riskWeight      = NAN;
  }
  /* 0: nothing but the defaults and a notional */
  t[0].notionalPrincipal = 420e6;
  t[0].contractType      = BALLAST_CT_CSH;
  t[0].contractRole      = BALLAST_ROLE_RPA;
  /* 1: every kind of term set, the ALM extras too, a negative zero */
  t[1].contractType = BALLAST_CT_ANN, t[1].contractRole = BALLAST_ROLE_RPL, t[1].dayCountConvention = BALLAST_DCC_COUNT - 1;
  t[1].notionalPrincipal = 182340.55, t[1].nominalInterestRate = 0.0215, t[1].accruedInterest = 163.35, t[1].lifeFloor = -0.0, t[1].scalingIndexAtContractDealDate = 101.5;
  t[1].statusDate = 20391, t[1].initialExchangeDate = 19000, t[1].maturityDate = 30000, t[1].cycleAnchorDateOfDividendPayment = 21000;
  t[1].currency = 2, t[1].marketObjectCodeOfRateReset = 0, t[1].marketObjectCodeOfDividends = 7;
  t[1].cycleOfInterestPayment.n = 1, t[1].cycleOfInterestPayment.unit = 'M', t[1].cycleOfInterestPayment.stub = 1;
  t[1].xDayNotice.n = 31, t[1].xDayNotice.unit = 'D';
  a[1].counterpartyType = BALLAST_CP_SME, a[1].depositStability = BALLAST_STAB_STABLE, a[1].operational = 1, a[1].insured = 1, a[1].hqlaLevel = BALLAST_HQLA_2B, a[1].facilityType = BALLAST_FAC_LIQUIDITY;
  a[1].encumberedUntil = 20500, a[1].riskWeight = 0.35, a[1].undrawnCommitment = -0.0;
  /* 2: all nineteen sparse terms */
  t[2].notionalPrincipal = 1;
  {
    double v = 0.5;
#define X(f) t[2].f = (v += 0.25);
    BALLAST_SOA_SPARSE(X)
#undef X
  }
  a[2].undrawnCommitment = 5e5;
  /* 3: like 0 in another portfolio */
  t[3] = t[0];
  for (int k = 0; k < 3; k++) {
    size_t n = BallastContractsEncode(buf, &t[k], &a[k], &d);
    ok(n <= sizeof buf && n == BallastContractsEncodedSize(buf), "contract %d: %zu bytes encoded, the size its masks give", k, n);
    size_t m = BallastContractsDecode(buf, &got, &ga, &d);
    ok(m == n && same_stored(&got, &t[k]) && same_alm(&ga, &a[k]), "contract %d: decoded bit for bit", k);
  }
  is_int(0, (int)BallastContractsEncodedSparse((BallastContractsEncode(buf, &t[0], &a[0], &d), buf)), "no sparse value in a cash contract");
  is_int(19, (int)BallastContractsEncodedSparse((BallastContractsEncode(buf, &t[2], &a[2], &d), buf)), "nineteen in the full one");
  ok(BallastContractsEncode(buf, &t[0], &a[0], &d) < 48, "a contract of defaults encodes in under 48 bytes");
  {
    /* the same rows appended then sorted, and put per portfolio out of line order then sorted */
    BallastContracts x, y;
    const int        pf[4] = {1, 0, 1, 0};
    const int64_t    ln[4] = {5, 9, 2, 3}; /* portfolio 0: lines 9, 3 (out of order); portfolio 1: lines 5, 2 */
    const char      *id[4] = {"A", "B", "C", "D"};
    PetscCall(BallastContractsCreate(&x));
    PetscCall(BallastContractsCreate(&y));
    for (int k = 0; k < 4; k++) {
      a[k].portfolio = pf[k];
      PetscCall(BallastContractsAppend(x, &t[k], &a[k], id[k], 0, ln[k]));
    }
    PetscCall(BallastContractsSort(x));
    PetscCall(BallastContractsReserve(y, 4, 16));
    int64_t next[2] = {0, 2};
    for (int k = 0; k < 4; k++) PetscCall(BallastContractsPut(y, (PetscInt)next[pf[k]]++, &t[k], &a[k], id[k], 0, ln[k]));
    is_int(4, (int)y->n, "four rows put");
    PetscCall(BallastContractsSort(y));
    int same = 1;
    for (PetscInt i = 0; i < 4; i++) {
      BallastTerms u, v;
      BallastContractsGetTerms(x, i, &u);
      BallastContractsGetTerms(y, i, &v);
      same &= same_stored(&u, &v) && same_alm(&x->alm[i], &y->alm[i]) && x->alm[i].portfolio == y->alm[i].portfolio && x->line[i] == y->line[i] &&
              !strcmp(BallastContractsID(x, i), BallastContractsID(y, i));
    }
    ok(same, "put per portfolio and sorted: the same store as appended and sorted");
    is_string("D", BallastContractsID(y, 0), "row 0: portfolio 0, line 3");
    is_string("C", BallastContractsID(y, 2), "row 2: portfolio 1, line 2");
    ok(BallastContractsPut(y, 4, &t[0], &a[0], "E", 0, 1) != 0, "a row past the reserved ones is refused");
    PetscCall(BallastContractsDestroy(&x));
    PetscCall(BallastContractsDestroy(&y));
  }
  PetscFinalize();
  return 0;
}
