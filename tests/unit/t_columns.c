/* The contract CSV column table (include/ballast/columns.h): the generator's header line, built
 * from the table, is the header of ../shared/spec/contracts.md's example columns written out by
 * hand below; every ACTUS term column is a term the parser models; the kinds follow the spec. */
#include "tap/basic.h"
#include <ballast/columns.h>
#include <ballast/terms.h>
#include <string.h>

int main(void)
{
  plan(14);
  /* the header `ballast generate` has always written, spelled out */
  static const char expected[] =
    "contractID,portfolio,legalEntity,contractType,contractRole,currency,statusDate,initialExchangeDate,maturityDate,"
    "notionalPrincipal,nominalInterestRate,dayCountConvention,cycleAnchorDateOfInterestPayment,cycleOfInterestPayment,"
    "cycleAnchorDateOfPrincipalRedemption,cycleOfPrincipalRedemption,nextPrincipalRedemptionPayment,"
    "cycleAnchorDateOfRateReset,cycleOfRateReset,rateSpread,marketObjectCodeOfRateReset,lifeCap,lifeFloor,"
    "nominalInterestRate2,accruedInterest,xDayNotice,counterpartyType,depositStability,operational,insured,hqlaLevel,"
    "encumberedUntil,riskWeight,undrawnCommitment,facilityType,behaviourSegment\n";
  static const BallastColumnId ids[] = {
    BALLAST_COLUMN_CONTRACT_ID, BALLAST_COLUMN_PORTFOLIO, BALLAST_COLUMN_LEGAL_ENTITY, BALLAST_COLUMN_CONTRACT_TYPE, BALLAST_COLUMN_CONTRACT_ROLE,
    BALLAST_COLUMN_CURRENCY, BALLAST_COLUMN_STATUS_DATE, BALLAST_COLUMN_INITIAL_EXCHANGE_DATE, BALLAST_COLUMN_MATURITY_DATE,
    BALLAST_COLUMN_NOTIONAL_PRINCIPAL, BALLAST_COLUMN_NOMINAL_INTEREST_RATE, BALLAST_COLUMN_DAY_COUNT_CONVENTION,
    BALLAST_COLUMN_CYCLE_ANCHOR_DATE_OF_INTEREST_PAYMENT, BALLAST_COLUMN_CYCLE_OF_INTEREST_PAYMENT, BALLAST_COLUMN_CYCLE_ANCHOR_DATE_OF_PRINCIPAL_REDEMPTION,
    BALLAST_COLUMN_CYCLE_OF_PRINCIPAL_REDEMPTION, BALLAST_COLUMN_NEXT_PRINCIPAL_REDEMPTION_PAYMENT, BALLAST_COLUMN_CYCLE_ANCHOR_DATE_OF_RATE_RESET,
    BALLAST_COLUMN_CYCLE_OF_RATE_RESET, BALLAST_COLUMN_RATE_SPREAD, BALLAST_COLUMN_MARKET_OBJECT_CODE_OF_RATE_RESET, BALLAST_COLUMN_LIFE_CAP,
    BALLAST_COLUMN_LIFE_FLOOR, BALLAST_COLUMN_NOMINAL_INTEREST_RATE2, BALLAST_COLUMN_ACCRUED_INTEREST, BALLAST_COLUMN_X_DAY_NOTICE,
    BALLAST_COLUMN_COUNTERPARTY_TYPE, BALLAST_COLUMN_DEPOSIT_STABILITY, BALLAST_COLUMN_OPERATIONAL, BALLAST_COLUMN_INSURED, BALLAST_COLUMN_HQLA_LEVEL,
    BALLAST_COLUMN_ENCUMBERED_UNTIL, BALLAST_COLUMN_RISK_WEIGHT, BALLAST_COLUMN_UNDRAWN_COMMITMENT, BALLAST_COLUMN_FACILITY_TYPE,
    BALLAST_COLUMN_BEHAVIOUR_SEGMENT,
  };
  BallastText t = {0};
  BallastColumnsHeader(ids, (int)(sizeof ids / sizeof ids[0]), &t);
  is_string(expected, t.buf, "the generator's 36 columns give the header byte for byte");
  BallastTextFree(&t);

  /* every column is found by its name, at its own index */
  int wrong = 0, bad_term = 0, nterm = 0;
  for (int i = 0; i < BALLAST_COLUMN_COUNT; i++) {
    const BallastColumnDef *c = BallastColumnsGet((BallastColumnId)i);
    if (BallastColumnsFind(c->name) != i) wrong++, diag("%s not found at %d", c->name, i);
    if (c->fill == BALLAST_FILL_TERM) {
      nterm++;
      if (BallastTermsLookup(c->name) < 0) bad_term++, diag("%s: not a term the parser models", c->name);
    } else if (BallastTermsLookup(c->name) >= 0 && strcmp(c->name, "contractID")) bad_term++, diag("%s: an ACTUS term filled as an ALM attribute", c->name);
  }
  is_int(0, wrong, "every column is found at its index");
  is_int(0, bad_term, "term columns are the parser's modelled terms, ALM columns are not terms");
  /* the ALM attributes of the spec's table (13 with contractID) */
  is_int(BALLAST_COLUMN_COUNT - 13, nterm, "13 ALM attributes, the rest ACTUS terms");
  is_int(-1, BallastColumnsFind("x_branch"), "a user tag is not a column of the table");
  is_int(-1, BallastColumnsFind("creatorID"), "an ACTUS term Ballast does not model is not a column");
  ok(BallastColumnsGet(BALLAST_COLUMN_COUNT) == NULL, "out of range: NULL");

  /* kinds, as the spec states the values */
  is_int(BALLAST_COLUMN_KIND_DATE, BallastColumnsGet(BALLAST_COLUMN_STATUS_DATE)->kind, "statusDate is a date");
  is_int(BALLAST_COLUMN_KIND_DATE, BallastColumnsGet(BALLAST_COLUMN_ENCUMBERED_UNTIL)->kind, "encumberedUntil is a date");
  is_int(BALLAST_COLUMN_KIND_CYCLE, BallastColumnsGet(BALLAST_COLUMN_CYCLE_OF_INTEREST_PAYMENT)->kind, "cycleOfInterestPayment is a cycle");
  is_int(BALLAST_COLUMN_KIND_NUMBER, BallastColumnsGet(BALLAST_COLUMN_NOTIONAL_PRINCIPAL)->kind, "notionalPrincipal is a number");
  is_int(BALLAST_COLUMN_KIND_ENUM, BallastColumnsGet(BALLAST_COLUMN_HQLA_LEVEL)->kind, "hqlaLevel is an enumeration");
  is_int(BALLAST_COLUMN_KIND_BOOL, BallastColumnsGet(BALLAST_COLUMN_INSURED)->kind, "insured is true/false");
  is_int(BALLAST_FILL_PORTFOLIO, BallastColumnsGet(BallastColumnsFind("portfolio"))->fill, "portfolio fills the portfolio");
  return 0;
}
