/* The columns of the contract CSV (../shared/spec/contracts.md), in one table shared by the loader
 * (src/io/contracts_csv.c resolves each header name through it) and the generator (src/generate
 * writes its header from it): the column's name, what it fills (an ACTUS term of BallastTerms or
 * an ALM attribute of the contract store) and the kind of its values. ACTUS terms that Ballast
 * does not model are not columns here (the loader accepts them empty, terms.h), nor are user tags
 * x_... (accepted and ignored). */
#ifndef BALLAST_COLUMNS_H
#define BALLAST_COLUMNS_H

#include <ballast/text.h>

/* Every known column, in the order of the table (ALM identification, the ACTUS terms in the order
 * of terms.h, the ALM attributes). */
typedef enum {
  BALLAST_COLUMN_CONTRACT_ID = 0,
  BALLAST_COLUMN_PORTFOLIO,
  BALLAST_COLUMN_LEGAL_ENTITY,
  BALLAST_COLUMN_CONTRACT_TYPE,
  BALLAST_COLUMN_CONTRACT_ROLE,
  BALLAST_COLUMN_DAY_COUNT_CONVENTION,
  BALLAST_COLUMN_BUSINESS_DAY_CONVENTION,
  BALLAST_COLUMN_CALENDAR,
  BALLAST_COLUMN_END_OF_MONTH_CONVENTION,
  BALLAST_COLUMN_INTEREST_CALCULATION_BASE,
  BALLAST_COLUMN_SCALING_EFFECT,
  BALLAST_COLUMN_DELIVERY_SETTLEMENT,
  BALLAST_COLUMN_CURRENCY,
  BALLAST_COLUMN_CURRENCY2,
  BALLAST_COLUMN_MARKET_OBJECT_CODE_OF_RATE_RESET,
  BALLAST_COLUMN_MARKET_OBJECT_CODE_OF_SCALING_INDEX,
  BALLAST_COLUMN_MARKET_OBJECT_CODE_OF_DIVIDENDS,
  BALLAST_COLUMN_STATUS_DATE,
  BALLAST_COLUMN_CONTRACT_DEAL_DATE,
  BALLAST_COLUMN_INITIAL_EXCHANGE_DATE,
  BALLAST_COLUMN_MATURITY_DATE,
  BALLAST_COLUMN_PURCHASE_DATE,
  BALLAST_COLUMN_TERMINATION_DATE,
  BALLAST_COLUMN_CAPITALIZATION_END_DATE,
  BALLAST_COLUMN_AMORTIZATION_DATE,
  BALLAST_COLUMN_CYCLE_ANCHOR_DATE_OF_INTEREST_PAYMENT,
  BALLAST_COLUMN_CYCLE_ANCHOR_DATE_OF_PRINCIPAL_REDEMPTION,
  BALLAST_COLUMN_CYCLE_ANCHOR_DATE_OF_RATE_RESET,
  BALLAST_COLUMN_CYCLE_ANCHOR_DATE_OF_INTEREST_CALCULATION_BASE,
  BALLAST_COLUMN_CYCLE_ANCHOR_DATE_OF_SCALING_INDEX,
  BALLAST_COLUMN_CYCLE_ANCHOR_DATE_OF_DIVIDEND_PAYMENT,
  BALLAST_COLUMN_CYCLE_OF_INTEREST_PAYMENT,
  BALLAST_COLUMN_CYCLE_OF_PRINCIPAL_REDEMPTION,
  BALLAST_COLUMN_CYCLE_OF_RATE_RESET,
  BALLAST_COLUMN_CYCLE_OF_INTEREST_CALCULATION_BASE,
  BALLAST_COLUMN_CYCLE_OF_SCALING_INDEX,
  BALLAST_COLUMN_CYCLE_OF_DIVIDEND_PAYMENT,
  BALLAST_COLUMN_FIXING_DAYS,
  BALLAST_COLUMN_FIXING_PERIOD,
  BALLAST_COLUMN_SETTLEMENT_PERIOD,
  BALLAST_COLUMN_X_DAY_NOTICE,
  BALLAST_COLUMN_NOTIONAL_PRINCIPAL,
  BALLAST_COLUMN_NOTIONAL_PRINCIPAL2,
  BALLAST_COLUMN_NOMINAL_INTEREST_RATE,
  BALLAST_COLUMN_NOMINAL_INTEREST_RATE2,
  BALLAST_COLUMN_ACCRUED_INTEREST,
  BALLAST_COLUMN_NEXT_PRINCIPAL_REDEMPTION_PAYMENT,
  BALLAST_COLUMN_INTEREST_CALCULATION_BASE_AMOUNT,
  BALLAST_COLUMN_PREMIUM_DISCOUNT_AT_IED,
  BALLAST_COLUMN_PRICE_AT_PURCHASE_DATE,
  BALLAST_COLUMN_PRICE_AT_TERMINATION_DATE,
  BALLAST_COLUMN_RATE_SPREAD,
  BALLAST_COLUMN_RATE_MULTIPLIER,
  BALLAST_COLUMN_NEXT_RESET_RATE,
  BALLAST_COLUMN_LIFE_CAP,
  BALLAST_COLUMN_LIFE_FLOOR,
  BALLAST_COLUMN_PERIOD_CAP,
  BALLAST_COLUMN_PERIOD_FLOOR,
  BALLAST_COLUMN_NOTIONAL_SCALING_MULTIPLIER,
  BALLAST_COLUMN_INTEREST_SCALING_MULTIPLIER,
  BALLAST_COLUMN_SCALING_INDEX_AT_CONTRACT_DEAL_DATE,
  BALLAST_COLUMN_COUNTERPARTY_TYPE,
  BALLAST_COLUMN_DEPOSIT_STABILITY,
  BALLAST_COLUMN_OPERATIONAL,
  BALLAST_COLUMN_INSURED,
  BALLAST_COLUMN_HQLA_LEVEL,
  BALLAST_COLUMN_ENCUMBERED_UNTIL,
  BALLAST_COLUMN_RISK_WEIGHT,
  BALLAST_COLUMN_UNDRAWN_COMMITMENT,
  BALLAST_COLUMN_FACILITY_TYPE,
  BALLAST_COLUMN_BEHAVIOUR_SEGMENT,
  BALLAST_COLUMN_COUNT
} BallastColumnId;

/* What a column fills. */
typedef enum {
  BALLAST_FILL_TERM,         /* an ACTUS term of BallastTerms (BallastTermsLookup(name) >= 0) */
  BALLAST_FILL_ID,           /* the contract identifier */
  BALLAST_FILL_PORTFOLIO,    /* the portfolio (unit of partitioning and reporting) */
  BALLAST_FILL_ENTITY,       /* BallastAlm.legalEntity */
  BALLAST_FILL_COUNTERPARTY, /* BallastAlm.counterpartyType */
  BALLAST_FILL_STABILITY,    /* BallastAlm.depositStability */
  BALLAST_FILL_OPERATIONAL,  /* BallastAlm.operational */
  BALLAST_FILL_INSURED,      /* BallastAlm.insured */
  BALLAST_FILL_HQLA,         /* BallastAlm.hqlaLevel */
  BALLAST_FILL_ENCUMBERED,   /* BallastAlm.encumberedUntil */
  BALLAST_FILL_RISK_WEIGHT,  /* BallastAlm.riskWeight */
  BALLAST_FILL_UNDRAWN,      /* BallastAlm.undrawnCommitment */
  BALLAST_FILL_FACILITY,     /* BallastAlm.facilityType */
  BALLAST_FILL_SEGMENT       /* BallastAlm.behaviourSegment */
} BallastColumnFill;

/* The kind of a column's values (as the spec writes them). */
typedef enum {
  BALLAST_COLUMN_KIND_TEXT,   /* free text or a code (currency, curve id, portfolio) */
  BALLAST_COLUMN_KIND_DATE,   /* YYYY-MM-DD */
  BALLAST_COLUMN_KIND_NUMBER, /* decimal: amounts, rates (0.035 = 3.5 %), weights */
  BALLAST_COLUMN_KIND_ENUM,   /* one of a fixed list of values */
  BALLAST_COLUMN_KIND_CYCLE,  /* an ACTUS period: P1ML0, P3M, P2D */
  BALLAST_COLUMN_KIND_BOOL    /* true / false */
} BallastColumnKind;

typedef struct {
  const char       *name; /* header name: the ACTUS long name or the spec's ALM attribute */
  BallastColumnFill fill;
  BallastColumnKind kind;
} BallastColumnDef;

/* Not collective. The definition of column id (NULL if out of range). */
const BallastColumnDef *BallastColumnsGet(BallastColumnId id);
/* Not collective. The column of a header name, or -1 if the name is not a column of the table. */
int BallastColumnsFind(const char *name);
/* Not collective. Appends the header line "name,name,...\n" of the n columns ids[] to t. */
void BallastColumnsHeader(const BallastColumnId *ids, int n, BallastText *t);

#endif
