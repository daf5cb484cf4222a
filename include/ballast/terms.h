/* The ACTUS contract terms Ballast understands, as one plain struct (the engine's input), and
 * the parser that turns a term's text (CSV cell, ACTUS test-case JSON) into it.
 *
 * Encodings: dates are day numbers (BALLAST_DATE_NONE = not set), amounts and rates doubles
 * (NaN = not set, the ACTUS default then applies in the engine), enumerations small integers,
 * cycles/periods a 4-byte struct, text (currency, market object codes) an id into a BallastNames
 * table. Amounts are in the contract's currency; rates are decimals. */
#ifndef BALLAST_TERMS_H
#define BALLAST_TERMS_H

#include <ballast/date.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
  BALLAST_CT_PAM, BALLAST_CT_ANN, BALLAST_CT_LAM, BALLAST_CT_NAM, BALLAST_CT_CLM, BALLAST_CT_UMP,
  BALLAST_CT_SWPPV, BALLAST_CT_CSH, BALLAST_CT_STK, BALLAST_CT_FXOUT, BALLAST_CT_COUNT
} BallastContractType;

typedef enum {
  BALLAST_ROLE_RPA, BALLAST_ROLE_RPL, BALLAST_ROLE_RFL, BALLAST_ROLE_PFL, BALLAST_ROLE_RF,
  BALLAST_ROLE_PF, BALLAST_ROLE_BUY, BALLAST_ROLE_SEL, BALLAST_ROLE_COL, BALLAST_ROLE_CNO,
  BALLAST_ROLE_UDL, BALLAST_ROLE_UDLP, BALLAST_ROLE_UDLM, BALLAST_ROLE_COUNT
} BallastRole;

typedef enum {
  BALLAST_DCC_AA, BALLAST_DCC_A360, BALLAST_DCC_A365, BALLAST_DCC_30E360ISDA, BALLAST_DCC_30E360,
  BALLAST_DCC_28E336, BALLAST_DCC_COUNT
} BallastDayCount;

typedef enum {
  BALLAST_BDC_NOS, BALLAST_BDC_SCF, BALLAST_BDC_SCMF, BALLAST_BDC_CSF, BALLAST_BDC_CSMF,
  BALLAST_BDC_SCP, BALLAST_BDC_SCMP, BALLAST_BDC_CSP, BALLAST_BDC_CSMP, BALLAST_BDC_COUNT
} BallastBusinessDay;

typedef enum { BALLAST_CAL_NC, BALLAST_CAL_MF } BallastCalendar; /* no calendar; Monday-Friday */
typedef enum { BALLAST_EOM_SD, BALLAST_EOM_EOM } BallastEndOfMonth;
typedef enum { BALLAST_IPCB_NT, BALLAST_IPCB_NTIED, BALLAST_IPCB_NTL } BallastInterestBase;
typedef enum { BALLAST_SCEF_000, BALLAST_SCEF_I00, BALLAST_SCEF_0N0, BALLAST_SCEF_IN0 } BallastScalingEffect;
typedef enum { BALLAST_DS_D, BALLAST_DS_S } BallastDeliverySettlement;

/* ISO-8601-like period with ACTUS stub flag: "P1ML0" = 1 month, long stub; "P2D" = 2 days.
 * n == 0 means "not set". stub: 0 = long last stub ('L0'), 1 = short last stub ('L1', the ACTUS
 * default when no stub is given). */
typedef struct {
  int16_t n;
  char    unit; /* 'D', 'W', 'M', 'Q', 'H', 'Y' */
  int8_t  stub;
} BallastCycle;

/* Interned text: currency codes, market object codes. Ids are dense from 0 in insertion order. */
typedef struct BallastNames_s *BallastNames;
int         BallastNamesCreate(BallastNames *names);
void        BallastNamesDestroy(BallastNames *names);
int32_t     BallastNamesIntern(BallastNames names, const char *s); /* -1 on allocation failure */
int32_t     BallastNamesFind(BallastNames names, const char *s);   /* -1 if absent */
const char *BallastNamesGet(BallastNames names, int32_t id);
int32_t     BallastNamesCount(BallastNames names);

typedef struct {
  BallastContractType       contractType;
  BallastRole               contractRole;
  BallastDayCount           dayCountConvention;
  BallastBusinessDay        businessDayConvention;
  BallastCalendar           calendar;
  BallastEndOfMonth         endOfMonthConvention;
  BallastInterestBase       interestCalculationBase;
  BallastScalingEffect      scalingEffect;
  BallastDeliverySettlement deliverySettlement;

  int32_t currency, currency2;                    /* BallastNames ids, -1 = not set */
  int32_t marketObjectCodeOfRateReset;            /* -1 = fixed rate */
  int32_t marketObjectCodeOfScalingIndex;
  int32_t marketObjectCodeOfDividends;

  BallastDate statusDate, contractDealDate, initialExchangeDate, maturityDate, purchaseDate,
    terminationDate, capitalizationEndDate, amortizationDate,
    cycleAnchorDateOfInterestPayment, cycleAnchorDateOfPrincipalRedemption,
    cycleAnchorDateOfRateReset, cycleAnchorDateOfInterestCalculationBase,
    cycleAnchorDateOfScalingIndex, cycleAnchorDateOfDividendPayment;

  BallastCycle cycleOfInterestPayment, cycleOfPrincipalRedemption, cycleOfRateReset,
    cycleOfInterestCalculationBase, cycleOfScalingIndex, cycleOfDividendPayment, fixingDays,
    fixingPeriod, settlementPeriod, xDayNotice;

  double notionalPrincipal, notionalPrincipal2, nominalInterestRate, nominalInterestRate2,
    accruedInterest, nextPrincipalRedemptionPayment, interestCalculationBaseAmount,
    premiumDiscountAtIED, priceAtPurchaseDate, priceAtTerminationDate, rateSpread, rateMultiplier,
    nextResetRate, lifeCap, lifeFloor, periodCap, periodFloor, notionalScalingMultiplier,
    interestScalingMultiplier, scalingIndexAtContractDealDate;
} BallastTerms;

/* Every field "not set" (NaN, BALLAST_DATE_NONE, n = 0, id -1; enums at their ACTUS default). */
void BallastTermsInit(BallastTerms *t);

typedef enum {
  BALLAST_TERM_OK = 0,
  BALLAST_TERM_UNKNOWN = 1,      /* not an ACTUS term Ballast knows */
  BALLAST_TERM_UNSUPPORTED = 2,  /* an ACTUS term (dictionary) that Ballast does not model */
  BALLAST_TERM_BAD_VALUE = -1    /* known term, value does not parse; err says what was expected */
} BallastTermStatus;

/* Set term `name` (ACTUS long name) from its text. Empty text (after trimming blanks) leaves the
 * term unset. On BALLAST_TERM_BAD_VALUE, err (errlen bytes) says what was expected. Not collective. */
BallastTermStatus BallastTermsSet(BallastTerms *t, BallastNames names, const char *name, const char *value,
                                  char *err, size_t errlen);

/* The same by index, for hot loops (a CSV column is looked up once): BallastTermsLookup returns
 * the index of a term Ballast models (>= 0), -2 for an ACTUS term it does not model (accepted
 * only when empty), -1 for a name that is not an ACTUS term. Not collective. */
int               BallastTermsLookup(const char *name);
BallastTermStatus BallastTermsSetIndex(BallastTerms *t, BallastNames names, int index, const char *value, char *err, size_t errlen);
/* The same for a value already trimmed: value[0..len) with value[len] == 0 (the CSV loader's
 * cells). Numbers are read whole (any length) and checked against the term's bound (docs/loading.md). */
BallastTermStatus BallastTermsSetTrimmed(BallastTerms *t, BallastNames names, int index, const char *value, size_t len, char *err, size_t errlen);

/* What term `index` (BallastTermsLookup >= 0) holds, for a loader that picks a parser per column
 * once per file: its kind, its byte offset in BallastTerms and, for numbers, the largest accepted
 * magnitude. Enumerations, dates, cycles and names are 4 bytes at that offset. Not collective. */
typedef enum { BALLAST_TERMKIND_ENUM, BALLAST_TERMKIND_DATE, BALLAST_TERMKIND_CYCLE, BALLAST_TERMKIND_NUMBER, BALLAST_TERMKIND_NAME, BALLAST_TERMKIND_IGNORE } BallastTermKind;
BallastTermKind BallastTermsDescribe(int index, size_t *offset, double *bound);

/* Enumeration text <-> value helpers (return -1 if the text is not a valid value). */
int         BallastContractTypeParse(const char *s);
const char *BallastContractTypeName(BallastContractType ct);
int         BallastCycleParse(const char *s, BallastCycle *c); /* 0 ok, -1 malformed */
/* Parse a decimal number (leading/trailing blanks allowed, whole string consumed, finite). */
int         BallastParseDouble(const char *s, double *v);
/* Parse the whole token s[0..len) (no blanks) as a decimal number, correctly rounded (the same
 * double as strtod), any length. 0 ok; -1 not a decimal number (also hex, inf, nan); -2 out of
 * the range of a double (overflow, or a non-zero value that underflows). Not collective. */
int         BallastParseNumber(const char *s, size_t len, double *v);

/* An upper estimate of the number of schedule events of a contract from its cycles and term (one
 * event per cycle period between the cycle's anchor, or the initial exchange, and the maturity,
 * plus the exchanges), computed without building the schedule: the run's bound on the work per
 * contract (run.max_events_per_contract) is checked against it. *which names the cycle with the
 * most events (its ACTUS name), NULL if none. Not collective. */
double BallastTermsEventEstimate(const BallastTerms *t, const char **which);

#endif
