/* The contract CSV column table (include/ballast/columns.h). The ACTUS terms are those of the
 * term parser (src/core/terms.c), in its order; t_columns checks that every term column resolves
 * there. */
#include <ballast/columns.h>
#include <string.h>

static const BallastColumnDef columns[BALLAST_COLUMN_COUNT] = {
  {"contractID", BALLAST_FILL_ID, BALLAST_COLUMN_KIND_TEXT},
  {"portfolio", BALLAST_FILL_PORTFOLIO, BALLAST_COLUMN_KIND_TEXT},
  {"legalEntity", BALLAST_FILL_ENTITY, BALLAST_COLUMN_KIND_TEXT},
  {"contractType", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_ENUM},
  {"contractRole", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_ENUM},
  {"dayCountConvention", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_ENUM},
  {"businessDayConvention", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_ENUM},
  {"calendar", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_ENUM},
  {"endOfMonthConvention", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_ENUM},
  {"interestCalculationBase", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_ENUM},
  {"scalingEffect", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_ENUM},
  {"deliverySettlement", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_ENUM},
  {"currency", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_TEXT},
  {"currency2", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_TEXT},
  {"marketObjectCodeOfRateReset", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_TEXT},
  {"marketObjectCodeOfScalingIndex", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_TEXT},
  {"marketObjectCodeOfDividends", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_TEXT},
  {"statusDate", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_DATE},
  {"contractDealDate", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_DATE},
  {"initialExchangeDate", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_DATE},
  {"maturityDate", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_DATE},
  {"purchaseDate", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_DATE},
  {"terminationDate", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_DATE},
  {"capitalizationEndDate", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_DATE},
  {"amortizationDate", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_DATE},
  {"cycleAnchorDateOfInterestPayment", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_DATE},
  {"cycleAnchorDateOfPrincipalRedemption", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_DATE},
  {"cycleAnchorDateOfRateReset", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_DATE},
  {"cycleAnchorDateOfInterestCalculationBase", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_DATE},
  {"cycleAnchorDateOfScalingIndex", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_DATE},
  {"cycleAnchorDateOfDividendPayment", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_DATE},
  {"cycleOfInterestPayment", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_CYCLE},
  {"cycleOfPrincipalRedemption", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_CYCLE},
  {"cycleOfRateReset", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_CYCLE},
  {"cycleOfInterestCalculationBase", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_CYCLE},
  {"cycleOfScalingIndex", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_CYCLE},
  {"cycleOfDividendPayment", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_CYCLE},
  {"fixingDays", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_CYCLE},
  {"fixingPeriod", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_CYCLE},
  {"settlementPeriod", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_CYCLE},
  {"xDayNotice", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_CYCLE},
  {"notionalPrincipal", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"notionalPrincipal2", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"nominalInterestRate", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"nominalInterestRate2", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"accruedInterest", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"nextPrincipalRedemptionPayment", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"interestCalculationBaseAmount", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"premiumDiscountAtIED", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"priceAtPurchaseDate", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"priceAtTerminationDate", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"rateSpread", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"rateMultiplier", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"nextResetRate", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"lifeCap", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"lifeFloor", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"periodCap", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"periodFloor", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"notionalScalingMultiplier", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"interestScalingMultiplier", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"scalingIndexAtContractDealDate", BALLAST_FILL_TERM, BALLAST_COLUMN_KIND_NUMBER},
  {"counterpartyType", BALLAST_FILL_COUNTERPARTY, BALLAST_COLUMN_KIND_ENUM},
  {"depositStability", BALLAST_FILL_STABILITY, BALLAST_COLUMN_KIND_ENUM},
  {"operational", BALLAST_FILL_OPERATIONAL, BALLAST_COLUMN_KIND_BOOL},
  {"insured", BALLAST_FILL_INSURED, BALLAST_COLUMN_KIND_BOOL},
  {"hqlaLevel", BALLAST_FILL_HQLA, BALLAST_COLUMN_KIND_ENUM},
  {"encumberedUntil", BALLAST_FILL_ENCUMBERED, BALLAST_COLUMN_KIND_DATE},
  {"riskWeight", BALLAST_FILL_RISK_WEIGHT, BALLAST_COLUMN_KIND_NUMBER},
  {"undrawnCommitment", BALLAST_FILL_UNDRAWN, BALLAST_COLUMN_KIND_NUMBER},
  {"facilityType", BALLAST_FILL_FACILITY, BALLAST_COLUMN_KIND_ENUM},
  {"behaviourSegment", BALLAST_FILL_SEGMENT, BALLAST_COLUMN_KIND_TEXT},
};

const BallastColumnDef *BallastColumnsGet(BallastColumnId id) { return (int)id >= 0 && id < BALLAST_COLUMN_COUNT ? &columns[id] : NULL; }

int BallastColumnsFind(const char *name)
{
  for (int i = 0; i < BALLAST_COLUMN_COUNT; i++)
    if (!strcmp(columns[i].name, name)) return i;
  return -1;
}

void BallastColumnsHeader(const BallastColumnId *ids, int n, BallastText *t)
{
  for (int i = 0; i < n; i++) {
    const BallastColumnDef *c = BallastColumnsGet(ids[i]);
    if (i) BallastTextAppend(t, ",", 1);
    if (c) BallastTextAppend(t, c->name, strlen(c->name));
  }
  BallastTextAppend(t, "\n", 1);
}
