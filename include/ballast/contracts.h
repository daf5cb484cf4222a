/* The balance sheet held by one rank: the contracts of the portfolios this rank owns, in a compact
 * structure-of-arrays form (narrow integer types for enumerations, day numbers for dates, ids for
 * text), sorted by (portfolio, file, line) so that every portfolio is processed whole, in file
 * order, by its one owner: the order of floating-point sums never depends on the number of ranks.
 *
 * Bytes per contract: see BallastContractsBytesPerContract() (printed by `ballast validate`). */
#ifndef BALLAST_CONTRACTS_H
#define BALLAST_CONTRACTS_H

#include <ballast/ballast.h>
#include <ballast/terms.h>

typedef enum {
  BALLAST_CP_RETAIL, BALLAST_CP_SME, BALLAST_CP_CORPORATE, BALLAST_CP_FINANCIAL, BALLAST_CP_SOVEREIGN,
  BALLAST_CP_CENTRAL_BANK, BALLAST_CP_PSE, BALLAST_CP_MDB, BALLAST_CP_OTHER, BALLAST_CP_COUNT
} BallastCounterparty;
typedef enum { BALLAST_STAB_LESS_STABLE, BALLAST_STAB_STABLE } BallastStability;
typedef enum { BALLAST_HQLA_NONE, BALLAST_HQLA_1, BALLAST_HQLA_2A, BALLAST_HQLA_2B_RMBS, BALLAST_HQLA_2B } BallastHQLA;
typedef enum { BALLAST_FAC_CREDIT, BALLAST_FAC_LIQUIDITY } BallastFacility;

/* ALM attributes that ACTUS does not carry (../shared/spec/contracts.md). */
typedef struct {
  int32_t     portfolio;        /* global portfolio index (same on every rank) */
  int32_t     legalEntity;      /* id in BallastContracts.entities, -1 = the run's group */
  int32_t     behaviourSegment; /* id in BallastContracts.segments, -1 = contractual */
  uint8_t     counterpartyType, depositStability, operational, insured, hqlaLevel, facilityType;
  BallastDate encumberedUntil;  /* BALLAST_DATE_NONE = unencumbered */
  double      riskWeight;       /* NaN = not given */
  double      undrawnCommitment;
} BallastAlm;

/* Structure of arrays. The X-macro lists every stored ACTUS term with its storage type; adding a
 * term to BallastTerms means adding a line here. */
#define BALLAST_SOA_ENUMS(X) \
  X(contractType) X(contractRole) X(dayCountConvention) X(businessDayConvention) X(calendar) \
  X(endOfMonthConvention) X(interestCalculationBase) X(scalingEffect) X(deliverySettlement)
#define BALLAST_SOA_IDS(X) \
  X(currency) X(currency2) X(marketObjectCodeOfRateReset) X(marketObjectCodeOfScalingIndex) X(marketObjectCodeOfDividends)
#define BALLAST_SOA_DATES(X) \
  X(statusDate) X(contractDealDate) X(initialExchangeDate) X(maturityDate) X(purchaseDate) X(terminationDate) \
  X(capitalizationEndDate) X(amortizationDate) X(cycleAnchorDateOfInterestPayment) \
  X(cycleAnchorDateOfPrincipalRedemption) X(cycleAnchorDateOfRateReset) \
  X(cycleAnchorDateOfInterestCalculationBase) X(cycleAnchorDateOfScalingIndex) X(cycleAnchorDateOfDividendPayment)
#define BALLAST_SOA_CYCLES(X) \
  X(cycleOfInterestPayment) X(cycleOfPrincipalRedemption) X(cycleOfRateReset) X(cycleOfInterestCalculationBase) \
  X(cycleOfScalingIndex) X(cycleOfDividendPayment) X(fixingDays) X(fixingPeriod) X(settlementPeriod) X(xDayNotice)
/* notionalPrincipal is a dense array (read directly by the consumers); every other double term is
 * stored sparsely (most are not set on most contracts): per contract a bit mask of the set terms
 * and the index of its first set value in one pool, values in the order of the list. */
#define BALLAST_SOA_DOUBLES(X) X(notionalPrincipal)
#define BALLAST_SOA_SPARSE(X) \
  X(notionalPrincipal2) X(nominalInterestRate) X(nominalInterestRate2) X(accruedInterest) \
  X(nextPrincipalRedemptionPayment) X(interestCalculationBaseAmount) X(premiumDiscountAtIED) \
  X(priceAtPurchaseDate) X(priceAtTerminationDate) X(rateSpread) X(rateMultiplier) X(nextResetRate) \
  X(lifeCap) X(lifeFloor) X(periodCap) X(periodFloor) X(notionalScalingMultiplier) \
  X(interestScalingMultiplier) X(scalingIndexAtContractDealDate)

typedef struct _n_BallastContracts *BallastContracts;
struct _n_BallastContracts {
  PetscInt n, cap;
#define X(f) uint8_t *f;
  BALLAST_SOA_ENUMS(X)
#undef X
#define X(f) int32_t *f;
  BALLAST_SOA_IDS(X)
#undef X
#define X(f) BallastDate *f;
  BALLAST_SOA_DATES(X)
#undef X
#define X(f) BallastCycle *f;
  BALLAST_SOA_CYCLES(X)
#undef X
#define X(f) double *f;
  BALLAST_SOA_DOUBLES(X)
#undef X
  uint32_t *xmask;  /* bit k: the k-th term of BALLAST_SOA_SPARSE is set */
  uint32_t *xstart; /* index in xval of the contract's first set sparse value */
  double   *xval;
  size_t    xlen, xcap;
  BallastAlm *alm;
  /* source position: file index in the configuration's list, 1-based line number */
  uint16_t *file;
  int64_t  *line;
  /* contractID: offsets into one string pool */
  int64_t *id_off;
  char    *id_pool;
  size_t   id_len, id_cap;
  /* text tables: currencies and market object codes are the market data's ids (curve index for
   * marketObjectCodeOfRateReset); entities and segments are local to this rank */
  BallastNames entities, segments;
  /* portfolios of the whole run (same on every rank) and which rank owns each */
  PetscInt  nportfolios;
  char    **portfolio_names;
  int64_t  *portfolio_count; /* contracts per portfolio (global) */
  int      *portfolio_owner;
  /* warnings of the whole run (same on every rank): mid-life contracts whose accruedInterest is
   * inconsistent with their schedule (src/io/contracts_csv.c) */
  int64_t nwarn_accrued;
};

PetscErrorCode BallastContractsCreate(BallastContracts *cs);
PetscErrorCode BallastContractsDestroy(BallastContracts *cs);
/* Append one contract (Not collective). */
PetscErrorCode BallastContractsAppend(BallastContracts cs, const BallastTerms *t, const BallastAlm *a, const char *id, uint16_t file, int64_t line);
/* Make room for n contracts and id_bytes of contractID text, exactly (Not collective). */
PetscErrorCode BallastContractsReserve(BallastContracts cs, PetscInt n, size_t id_bytes);
/* Write row i of a store reserved for at least i + 1 rows, in any order (n becomes at least
 * i + 1; the loader fills every row of 0..n-1 this way, placed per portfolio) (Not collective). */
PetscErrorCode BallastContractsPut(BallastContracts cs, PetscInt i, const BallastTerms *t, const BallastAlm *a, const char *id, uint16_t file, int64_t line);
/* Make room for nvals sparse values in all, exactly (Not collective). */
PetscErrorCode BallastContractsReserveSparse(BallastContracts cs, size_t nvals);
/* Fill a BallastTerms from row i (Not collective). */
void BallastContractsGetTerms(BallastContracts cs, PetscInt i, BallastTerms *t);
static inline const char *BallastContractsID(BallastContracts cs, PetscInt i) { return cs->id_pool + cs->id_off[i]; }
/* Sort rows by (portfolio, file, line) (Not collective). Rows already grouped by portfolio are
 * sorted within each portfolio only, with temporaries of the portfolio's size. */
PetscErrorCode BallastContractsSort(BallastContracts cs);
/* Storage per contract in the arrays (excluding the contractID text and the sparse values, 8 bytes
 * per set sparse term: BallastContractsBytesSparse). */
size_t BallastContractsBytesPerContract(void);
/* Bytes of sparse values held (Not collective). */
size_t BallastContractsBytesSparse(BallastContracts cs);

/* The compact encoding of one contract's stored terms and ALM attributes (the loader stages
 * parsed rows in it; docs/loading.md, "Memory"): a uint32 mask of the sparse doubles set, a uint32
 * mask of the rest (the dates of BALLAST_SOA_DATES, then the ids, the cycles, encumberedUntil,
 * riskWeight, undrawnCommitment: set where they differ from the defaults), the enumerations and
 * the six ALM bytes (one byte each), the notional, the values of the set bits in that order, the
 * sparse values; unaligned, at most BALLAST_CONTRACTS_ENCODED_MAX bytes. Encode relative to the
 * defaults d (BallastTermsInit, the same when decoding): decoding gives back every stored term
 * and attribute bit for bit (a NaN sparse term as NAN), the ALM ids (portfolio, entity, segment)
 * zero: the caller's. Each returns the bytes written / read (Not collective). */
#define BALLAST_CONTRACTS_ONE_(f) +1
#define BALLAST_CONTRACTS_NENUM (0 BALLAST_SOA_ENUMS(BALLAST_CONTRACTS_ONE_))
#define BALLAST_CONTRACTS_NDATE (0 BALLAST_SOA_DATES(BALLAST_CONTRACTS_ONE_))
#define BALLAST_CONTRACTS_NID (0 BALLAST_SOA_IDS(BALLAST_CONTRACTS_ONE_))
#define BALLAST_CONTRACTS_NCYC (0 BALLAST_SOA_CYCLES(BALLAST_CONTRACTS_ONE_))
#define BALLAST_CONTRACTS_ENCODED_MAX (8 + BALLAST_CONTRACTS_NENUM + 6 + 8 + 4 * (BALLAST_CONTRACTS_NDATE + BALLAST_CONTRACTS_NID + BALLAST_CONTRACTS_NCYC + 1) + 16 + 8 * 32)
size_t   BallastContractsEncode(char *p, const BallastTerms *t, const BallastAlm *a, const BallastTerms *d);
size_t   BallastContractsDecode(const char *p, BallastTerms *t, BallastAlm *a, const BallastTerms *d);
/* Bytes of an encoding, and its number of sparse values, from its masks. */
size_t   BallastContractsEncodedSize(const char *p);
uint32_t BallastContractsEncodedSparse(const char *p);

const char *BallastCounterpartyName(int c);
const char *BallastHQLAName(int h);

#endif
