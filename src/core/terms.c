#include <ballast/terms.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- interned names */
struct BallastNames_s {
  char   **s;
  int32_t  n, cap;
  int32_t *hash; /* open addressing, size hcap, -1 empty */
  int32_t  hcap;
  int32_t  last; /* the id found last (-1 none): a column's value often repeats the previous row's */
};

static uint32_t strhash(const char *s)
{
  uint32_t h = 2166136261u; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

int BallastNamesCreate(BallastNames *names)
{
  BallastNames n = calloc(1, sizeof(*n));
  if (!n) return -1;
  n->hcap = 64;
  n->last = -1;
  n->hash = malloc(sizeof(int32_t) * (size_t)n->hcap);
  if (!n->hash) { free(n); return -1; }
  for (int32_t i = 0; i < n->hcap; i++) n->hash[i] = -1;
  *names = n;
  return 0;
}

void BallastNamesDestroy(BallastNames *names)
{
  if (!names || !*names) return;
  for (int32_t i = 0; i < (*names)->n; i++) free((*names)->s[i]);
  free((*names)->s);
  free((*names)->hash);
  free(*names);
  *names = NULL;
}

int32_t BallastNamesFind(BallastNames n, const char *s)
{
  if (n->last >= 0 && !strcmp(n->s[n->last], s)) return n->last;
  uint32_t h = strhash(s) & (uint32_t)(n->hcap - 1);
  for (;;) {
    int32_t id = n->hash[h];
    if (id < 0) return -1;
    if (!strcmp(n->s[id], s)) return n->last = id;
    h = (h + 1) & (uint32_t)(n->hcap - 1);
  }
}

int32_t BallastNamesIntern(BallastNames n, const char *s)
{
  int32_t id = BallastNamesFind(n, s);
  if (id >= 0) return id;
  if (n->n == n->cap) {
    int32_t cap = n->cap ? 2 * n->cap : 16;
    char  **ns  = realloc(n->s, sizeof(char *) * (size_t)cap);
    if (!ns) return -1;
    n->s   = ns;
    n->cap = cap;
  }
  if (2 * (n->n + 1) > n->hcap) { /* grow and rehash */
    int32_t  hcap = 2 * n->hcap;
    int32_t *nh   = malloc(sizeof(int32_t) * (size_t)hcap);
    if (!nh) return -1;
    for (int32_t i = 0; i < hcap; i++) nh[i] = -1;
    for (int32_t i = 0; i < n->n; i++) {
      uint32_t h = strhash(n->s[i]) & (uint32_t)(hcap - 1);
      while (nh[h] >= 0) h = (h + 1) & (uint32_t)(hcap - 1);
      nh[h] = i;
    }
    free(n->hash);
    n->hash = nh;
    n->hcap = hcap;
  }
  size_t len  = strlen(s) + 1;
  char  *copy = malloc(len);
  if (!copy) return -1;
  memcpy(copy, s, len);
  id         = n->n++;
  n->s[id]   = copy;
  uint32_t h = strhash(s) & (uint32_t)(n->hcap - 1);
  while (n->hash[h] >= 0) h = (h + 1) & (uint32_t)(n->hcap - 1);
  n->hash[h] = id;
  return id;
}

const char *BallastNamesGet(BallastNames n, int32_t id) { return id >= 0 && id < n->n ? n->s[id] : NULL; }
int32_t     BallastNamesCount(BallastNames n) { return n->n; }

/* ---------------------------------------------------------------- value parsers */
/* Exact powers of ten (10^0 .. 10^22 are exactly representable as doubles). */
static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

int BallastParseNumber(const char *s, size_t len, double *v)
{
  const char *p = s, *e = s + len;
  if (!len) return -1;
  /* Fastest path, the common cell: [+-]digits[.digits] with at most 15 digits in all. The same
   * integer m and decimal count as the fast path below (which accepts a superset), so the same
   * double. */
  if (len <= 17) {
    const char *q   = s;
    int         neg = 0;
    uint64_t    m   = 0;
    if (*q == '-' || *q == '+') neg = *q++ == '-';
    const char *d0 = q;
    while (q < e && (unsigned)(unsigned char)*q - '0' <= 9) m = m * 10 + (uint64_t)((unsigned char)*q++ - '0');
    int ni = (int)(q - d0), nf = 0;
    if (q < e && *q == '.') {
      const char *f0 = ++q;
      while (q < e && (unsigned)(unsigned char)*q - '0' <= 9) m = m * 10 + (uint64_t)((unsigned char)*q++ - '0');
      nf = (int)(q - f0);
    }
    if (q == e && ni + nf >= 1 && ni + nf <= 15) {
      double x = (double)m / pow10_exact[nf];
      *v       = neg ? -x : x;
      return 0;
    }
  }
  /* Fast path, exact: [+-]digits[.digits] with at most 15 significant digits and at most 22
   * decimals. The digits form an integer m < 10^15 < 2^53 (exact), 10^k is exact for k <= 22,
   * and one IEEE division is correctly rounded, so m / 10^k is the correctly rounded value of
   * the decimal: the same double as strtod (tests/unit/t_numbers.c checks this on random
   * tokens). Anything else (exponents, more digits) goes to strtod on the whole token. */
  {
    int      neg = 0, sig = 0, frac = 0, ndig = 0, dot = 0;
    uint64_t m = 0;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    for (; p < e; p++) {
      unsigned d = (unsigned)(unsigned char)*p - '0';
      if (d <= 9) {
        ndig++;
        if (m || d) sig++;
        m = m * 10 + d;
        frac += dot;
        if (sig > 15) break;
      } else if (*p == '.' && !dot) dot = 1;
      else break;
    }
    if (p == e && ndig && sig <= 15 && frac <= 22) {
      double x = (double)m / pow10_exact[frac];
      *v       = neg ? -x : x;
      return 0;
    }
  }
  /* strtod on the whole token: it stops at the NUL at s[len] or at the first character that is
   * not part of a number, which is then an error (no fixed-size buffer: any length is read) */
  for (p = s; p < e; p++) /* hexadecimal floats, "inf", "nan" are not amounts */
    if (*p == 'x' || *p == 'X' || *p == 'n' || *p == 'N' || *p == 'i' || *p == 'I') return -1;
  char  *end;
  char   small[64], *buf = small, *heap = NULL;
  if (s[len] != 0) { /* not NUL-terminated at len: copy (any length) */
    if (len >= sizeof small) {
      heap = malloc(len + 1);
      if (!heap) return -1;
      buf = heap;
    }
    memcpy(buf, s, len);
    buf[len] = 0;
  } else buf = (char *)s;
  errno    = 0;
  double x = strtod(buf, &end);
  int    r = 0;
  if (end == buf || end != buf + len) r = -1;
  else if (errno == ERANGE || !isfinite(x)) r = -2; /* overflow to inf, or underflow of a non-zero value */
  free(heap);
  if (!r) *v = x;
  return r;
}

int BallastParseDouble(const char *s, double *v)
{
  while (*s == ' ' || *s == '\t') s++;
  size_t l = strlen(s);
  while (l && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\r')) l--;
  return BallastParseNumber(s, l, v) ? -1 : 0;
}

int BallastCycleParse(const char *s, BallastCycle *c)
{
  while (*s == ' ') s++;
  if (*s != 'P') return -1;
  s++;
  if (!isdigit((unsigned char)*s)) return -1;
  long n = 0;
  while (isdigit((unsigned char)*s)) {
    n = n * 10 + (*s++ - '0');
    if (n > 9999) return -1;
  }
  char u = *s++;
  if (u != 'D' && u != 'W' && u != 'M' && u != 'Q' && u != 'H' && u != 'Y') return -1;
  int8_t stub = 1;
  if (*s == 'L') {
    if (s[1] != '0' && s[1] != '1') return -1;
    stub = (int8_t)(s[1] - '0');
    s += 2;
  }
  while (*s == ' ' || *s == '\r') s++;
  if (*s) return -1;
  c->n    = (int16_t)n;
  c->unit = u;
  c->stub = stub;
  return 0;
}

static const char *ct_names[BALLAST_CT_COUNT] = {"PAM", "ANN", "LAM", "NAM", "CLM", "UMP", "SWPPV", "CSH", "STK", "FXOUT"};
static const char *role_names[]  = {"RPA", "RPL", "RFL", "PFL", "RF", "PF", "BUY", "SEL", "COL", "CNO", "UDL", "UDLP", "UDLM", NULL};
static const char *dcc_names[]   = {"AA", "A360", "A365", "30E360ISDA", "30E360", "28E336", NULL};
static const char *bdc_names[]   = {"NOS", "SCF", "SCMF", "CSF", "CSMF", "SCP", "SCMP", "CSP", "CSMP", NULL};
static const char *cal_names[]   = {"NC", "MF", NULL};
static const char *eom_names[]   = {"SD", "EOM", NULL};
static const char *ipcb_names[]  = {"NT", "NTIED", "NTL", NULL};
static const char *scef_names[]  = {"000", "I00", "0N0", "IN0", NULL};
static const char *ds_names[]    = {"D", "S", NULL};

static int enum_lookup(const char *const *names, const char *s)
{
  for (int i = 0; names[i]; i++)
    if (!strcmp(names[i], s)) return i;
  return -1;
}

int BallastContractTypeParse(const char *s)
{
  for (int i = 0; i < BALLAST_CT_COUNT; i++)
    if (!strcmp(ct_names[i], s)) return i;
  return -1;
}
const char *BallastContractTypeName(BallastContractType ct) { return ct >= 0 && ct < BALLAST_CT_COUNT ? ct_names[ct] : "?"; }

/* ---------------------------------------------------------------- term table */
typedef enum { K_ENUM, K_DATE, K_CYCLE, K_DOUBLE, K_NAME, K_IGNORE } Kind;

typedef struct {
  const char         *name;
  Kind                kind;
  size_t              off;
  const char *const  *values; /* K_ENUM */
  double              bound;  /* K_DOUBLE: largest accepted magnitude (docs/loading.md, "Number bounds") */
} TermDef;

/* Bounds of the numeric terms: a value beyond them is an input error, not a number to compute
 * with (a rate of 1e308 would give Infinity in alm.nc). Rates are decimals: 10 = 1,000 % a year;
 * amounts in the contract's currency: 1e15 (a thousand times the balance sheet of the largest
 * bank); multipliers and indices: 1e6. */
#define BOUND_RATE 10.0
#define BOUND_AMOUNT 1e15
#define BOUND_FACTOR 1e6

#define T(field, kind, vals) {#field, kind, offsetof(BallastTerms, field), vals, 0}
#define TD(field, bound) {#field, K_DOUBLE, offsetof(BallastTerms, field), NULL, bound}
static const char *const ct_list[] = {"PAM", "ANN", "LAM", "NAM", "CLM", "UMP", "SWPPV", "CSH", "STK", "FXOUT", NULL};

static const TermDef terms[] = {
  T(contractType, K_ENUM, ct_list),
  T(contractRole, K_ENUM, role_names),
  T(dayCountConvention, K_ENUM, dcc_names),
  T(businessDayConvention, K_ENUM, bdc_names),
  T(calendar, K_ENUM, cal_names),
  T(endOfMonthConvention, K_ENUM, eom_names),
  T(interestCalculationBase, K_ENUM, ipcb_names),
  T(scalingEffect, K_ENUM, scef_names),
  T(deliverySettlement, K_ENUM, ds_names),
  T(currency, K_NAME, NULL),
  T(currency2, K_NAME, NULL),
  T(marketObjectCodeOfRateReset, K_NAME, NULL),
  T(marketObjectCodeOfScalingIndex, K_NAME, NULL),
  T(marketObjectCodeOfDividends, K_NAME, NULL),
  T(statusDate, K_DATE, NULL),
  T(contractDealDate, K_DATE, NULL),
  T(initialExchangeDate, K_DATE, NULL),
  T(maturityDate, K_DATE, NULL),
  T(purchaseDate, K_DATE, NULL),
  T(terminationDate, K_DATE, NULL),
  T(capitalizationEndDate, K_DATE, NULL),
  T(amortizationDate, K_DATE, NULL),
  T(cycleAnchorDateOfInterestPayment, K_DATE, NULL),
  T(cycleAnchorDateOfPrincipalRedemption, K_DATE, NULL),
  T(cycleAnchorDateOfRateReset, K_DATE, NULL),
  T(cycleAnchorDateOfInterestCalculationBase, K_DATE, NULL),
  T(cycleAnchorDateOfScalingIndex, K_DATE, NULL),
  T(cycleAnchorDateOfDividendPayment, K_DATE, NULL),
  T(cycleOfInterestPayment, K_CYCLE, NULL),
  T(cycleOfPrincipalRedemption, K_CYCLE, NULL),
  T(cycleOfRateReset, K_CYCLE, NULL),
  T(cycleOfInterestCalculationBase, K_CYCLE, NULL),
  T(cycleOfScalingIndex, K_CYCLE, NULL),
  T(cycleOfDividendPayment, K_CYCLE, NULL),
  T(fixingDays, K_CYCLE, NULL),
  T(fixingPeriod, K_CYCLE, NULL),
  T(settlementPeriod, K_CYCLE, NULL),
  T(xDayNotice, K_CYCLE, NULL),
  TD(notionalPrincipal, BOUND_AMOUNT),
  TD(notionalPrincipal2, BOUND_AMOUNT),
  TD(nominalInterestRate, BOUND_RATE),
  TD(nominalInterestRate2, BOUND_RATE),
  TD(accruedInterest, BOUND_AMOUNT),
  TD(nextPrincipalRedemptionPayment, BOUND_AMOUNT),
  TD(interestCalculationBaseAmount, BOUND_AMOUNT),
  TD(premiumDiscountAtIED, BOUND_AMOUNT),
  TD(priceAtPurchaseDate, BOUND_AMOUNT),
  TD(priceAtTerminationDate, BOUND_AMOUNT),
  TD(rateSpread, BOUND_RATE),
  TD(rateMultiplier, BOUND_FACTOR),
  TD(nextResetRate, BOUND_RATE),
  TD(lifeCap, BOUND_RATE),
  TD(lifeFloor, BOUND_RATE),
  TD(periodCap, BOUND_RATE),
  TD(periodFloor, BOUND_RATE),
  TD(notionalScalingMultiplier, BOUND_FACTOR),
  TD(interestScalingMultiplier, BOUND_FACTOR),
  TD(scalingIndexAtContractDealDate, BOUND_FACTOR),
  /* Identification terms carried elsewhere (contractID is kept by the loader). */
  {"contractID", K_IGNORE, 0, NULL, 0},
};
#undef T
#undef TD

/* ACTUS dictionary terms that Ballast does not model: accepted as columns when empty, an error
 * when set (a value that would be silently ignored would change the cash flows). */
static const char *unsupported[] = {
  "marketValueObserved", "counterpartyID", "creatorID", "contractPerformance", "seniority",
  "nonPerformingDate", "prepaymentPeriod", "gracePeriod", "delinquencyPeriod", "delinquencyRate",
  "guaranteedExposure", "coverageOfCreditEnhancement", "creditEventTypeCovered", "feeBasis",
  "feeRate", "feeAccrued", "cycleAnchorDateOfFee", "cycleOfFee", "marketObjectCode",
  "penaltyType", "penaltyRate", "prepaymentEffect", "cycleOfOptionality",
  "cycleAnchorDateOfOptionality", "optionType", "optionStrike1", "optionStrike2",
  "optionExerciseType", "optionExerciseEndDate", "exerciseDate", "exerciseAmount",
  "futuresPrice", "quantity", "unit", "marketObjectCodeOfRateReset2", "creditLineAmount",
  "maximumPenaltyFreeDisbursement", "arrayCycleAnchorDateOfInterestPayment",
  "arrayCycleOfInterestPayment", "arrayCycleAnchorDateOfPrincipalRedemption",
  "arrayCycleOfPrincipalRedemption", "arrayNextPrincipalRedemptionPayment",
  "arrayIncreaseDecrease", "arrayCycleAnchorDateOfRateReset", "arrayCycleOfRateReset",
  "arrayRate", "arrayFixedVariable", "cyclePointOfInterestPayment", "cyclePointOfRateReset",
  "boundaryValue", "boundaryDirection", "boundaryEffect", "boundaryLegInitiallyActive",
  "boundaryMonitoringAnchorDate", "boundaryMonitoringEndDate", "boundaryMonitoringCycle",
  "boundaryCrossedFlag", "contractStructure", "settlementCurrency", "nextDividendPaymentAmount",
  "exDividendDate", "marketObjectCodeOfDividendRate", "exerciseQuantity",
  "creditEventTypeCovered", "lifeCapOfInterestRate", "maturityDateAtStart", "contractDealDate2",
  "priceAtTerminationDate2", "x_placeholder_never_used", NULL};

void BallastTermsInit(BallastTerms *t)
{
  memset(t, 0, sizeof(*t));
  for (size_t i = 0; i < sizeof(terms) / sizeof(terms[0]); i++) {
    char *p = (char *)t + terms[i].off;
    switch (terms[i].kind) {
    case K_DATE: *(BallastDate *)p = BALLAST_DATE_NONE; break;
    case K_DOUBLE: *(double *)p = NAN; break;
    case K_NAME: *(int32_t *)p = -1; break;
    default: break;
    }
  }
  /* ACTUS defaults of the enumerations (dictionary "default"); enums are int-sized */
  t->contractType            = BALLAST_CT_COUNT; /* required: "not set" */
  t->contractRole            = BALLAST_ROLE_COUNT;
  t->dayCountConvention      = BALLAST_DCC_COUNT;
  t->businessDayConvention   = BALLAST_BDC_NOS;
  t->calendar                = BALLAST_CAL_NC;
  t->endOfMonthConvention    = BALLAST_EOM_SD;
  t->interestCalculationBase = BALLAST_IPCB_NT;
  t->scalingEffect           = BALLAST_SCEF_000;
  t->deliverySettlement      = BALLAST_DS_D;
}

static void joinvals(const char *const *v, char *buf, size_t len)
{
  buf[0] = 0;
  for (int i = 0; v[i]; i++) {
    size_t l = strlen(buf);
    snprintf(buf + l, len - l, "%s%s", i ? ", " : "", v[i]);
  }
}

int BallastTermsLookup(const char *name)
{
  for (size_t i = 0; i < sizeof(terms) / sizeof(terms[0]); i++)
    if (!strcmp(terms[i].name, name)) return (int)i;
  for (int i = 0; unsupported[i]; i++)
    if (!strcmp(unsupported[i], name)) return -2;
  return -1;
}

BallastTermKind BallastTermsDescribe(int index, size_t *offset, double *bound)
{
  const TermDef *def = &terms[index];
  *offset            = def->off;
  *bound             = def->bound;
  switch (def->kind) {
  case K_ENUM: return BALLAST_TERMKIND_ENUM;
  case K_DATE: return BALLAST_TERMKIND_DATE;
  case K_CYCLE: return BALLAST_TERMKIND_CYCLE;
  case K_DOUBLE: return BALLAST_TERMKIND_NUMBER;
  case K_NAME: return BALLAST_TERMKIND_NAME;
  default: return BALLAST_TERMKIND_IGNORE;
  }
}

BallastTermStatus BallastTermsSet(BallastTerms *t, BallastNames names, const char *name, const char *value, char *err, size_t errlen)
{
  int idx = BallastTermsLookup(name);
  if (idx == -1) return BALLAST_TERM_UNKNOWN;
  if (idx == -2) {
    while (*value == ' ' || *value == '\t' || *value == '\r') value++;
    if (!*value) return BALLAST_TERM_OK;
    snprintf(err, errlen, "ACTUS term '%s' is not supported by Ballast; leave it empty", name);
    return BALLAST_TERM_UNSUPPORTED;
  }
  return BallastTermsSetIndex(t, names, idx, value, err, errlen);
}

BallastTermStatus BallastTermsSetIndex(BallastTerms *t, BallastNames names, int index, const char *value, char *err, size_t errlen)
{
  /* trim blanks; a value that needs trimming at its end is copied whole (any length) */
  while (*value == ' ' || *value == '\t') value++;
  size_t l = strlen(value), l0 = l;
  while (l && (value[l - 1] == ' ' || value[l - 1] == '\t' || value[l - 1] == '\r')) l--;
  if (l == l0) return BallastTermsSetTrimmed(t, names, index, value, l, err, errlen);
  char  small[256], *buf = small;
  if (l >= sizeof small && !(buf = malloc(l + 1))) {
    snprintf(err, errlen, "out of memory");
    return BALLAST_TERM_BAD_VALUE;
  }
  memcpy(buf, value, l);
  buf[l]              = 0;
  BallastTermStatus r = BallastTermsSetTrimmed(t, names, index, buf, l, err, errlen);
  if (buf != small) free(buf);
  return r;
}

BallastTermStatus BallastTermsSetTrimmed(BallastTerms *t, BallastNames names, int index, const char *buf, size_t len, char *err, size_t errlen)
{
  const TermDef *def = &terms[index];
  if (!len || def->kind == K_IGNORE) return BALLAST_TERM_OK;
  char *p = (char *)t + def->off;
  switch (def->kind) {
  case K_ENUM: {
    int v = enum_lookup(def->values, buf);
    /* ACTUS spells "no calendar" both as NC and NOCALENDAR; Monday-to-Friday as MF or MONDAYTOFRIDAY */
    if (v < 0 && def->values == cal_names) {
      if (!strcmp(buf, "NOCALENDAR")) v = BALLAST_CAL_NC;
      else if (!strcmp(buf, "MONDAYTOFRIDAY")) v = BALLAST_CAL_MF;
    }
    if (v < 0) {
      char vals[256];
      joinvals(def->values, vals, sizeof vals);
      snprintf(err, errlen, "expected one of %s", vals);
      return BALLAST_TERM_BAD_VALUE;
    }
    *(int *)p = v;
    break;
  }
  case K_DATE:
    if (BallastDateParse(buf, (BallastDate *)p)) {
      snprintf(err, errlen, "expected a date YYYY-MM-DD");
      return BALLAST_TERM_BAD_VALUE;
    }
    break;
  case K_CYCLE:
    if (BallastCycleParse(buf, (BallastCycle *)p)) {
      snprintf(err, errlen, "expected an ACTUS period such as P1ML0, P3M or P2D");
      return BALLAST_TERM_BAD_VALUE;
    }
    break;
  case K_DOUBLE: {
    double x;
    int    r = BallastParseNumber(buf, len, &x);
    if (r == -1) {
      snprintf(err, errlen, "expected a decimal number");
      return BALLAST_TERM_BAD_VALUE;
    }
    if (r == -2 || fabs(x) > def->bound) {
      snprintf(err, errlen, "out of range: %s magnitude is at most %g", def->bound == BOUND_RATE ? "a rate's (decimal, 10 = 1,000 %)" : def->bound == BOUND_AMOUNT ? "an amount's" : "a factor's",
               def->bound);
      return BALLAST_TERM_BAD_VALUE;
    }
    *(double *)p = x;
    break;
  }
  case K_NAME: {
    int32_t id = BallastNamesIntern(names, buf);
    if (id < 0) {
      snprintf(err, errlen, "out of memory");
      return BALLAST_TERM_BAD_VALUE;
    }
    *(int32_t *)p = id;
    break;
  }
  case K_IGNORE: break;
  }
  return BALLAST_TERM_OK;
}
