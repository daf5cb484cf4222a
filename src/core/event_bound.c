/* The estimate of a contract's number of schedule events (include/ballast/terms.h). */
#include <ballast/terms.h>

static double period_days(BallastCycle c)
{
  double u = c.unit == 'D' ? 1.0 : c.unit == 'W' ? 7.0 : c.unit == 'M' ? 365.25 / 12 : c.unit == 'Q' ? 365.25 / 4 : c.unit == 'H' ? 365.25 / 2 : c.unit == 'Y' ? 365.25 : 0.0;
  return u * (double)c.n;
}

double BallastTermsEventEstimate(const BallastTerms *t, const char **which)
{
  struct {
    BallastCycle c;
    BallastDate  anchor;
    const char  *name;
  } cy[] = {{t->cycleOfInterestPayment, t->cycleAnchorDateOfInterestPayment, "cycleOfInterestPayment"},
            {t->cycleOfPrincipalRedemption, t->cycleAnchorDateOfPrincipalRedemption, "cycleOfPrincipalRedemption"},
            {t->cycleOfRateReset, t->cycleAnchorDateOfRateReset, "cycleOfRateReset"},
            {t->cycleOfInterestCalculationBase, t->cycleAnchorDateOfInterestCalculationBase, "cycleOfInterestCalculationBase"},
            {t->cycleOfScalingIndex, t->cycleAnchorDateOfScalingIndex, "cycleOfScalingIndex"},
            {t->cycleOfDividendPayment, t->cycleAnchorDateOfDividendPayment, "cycleOfDividendPayment"}};
  double total = 4, most = 0; /* exchanges, maturity, analysis events */
  if (which) *which = NULL;
  BallastDate end = t->maturityDate;
  if (end == BALLAST_DATE_NONE) end = t->amortizationDate;
  for (size_t k = 0; k < sizeof cy / sizeof cy[0]; k++) {
    double per = period_days(cy[k].c);
    if (cy[k].c.n <= 0 || per <= 0) continue;
    BallastDate start = cy[k].anchor != BALLAST_DATE_NONE ? cy[k].anchor : t->initialExchangeDate != BALLAST_DATE_NONE ? t->initialExchangeDate : t->statusDate;
    if (start == BALLAST_DATE_NONE || end == BALLAST_DATE_NONE || end <= start) continue;
    double n = ((double)end - (double)start) / per + 1.0;
    total += n;
    if (n > most) {
      most = n;
      if (which) *which = cy[k].name;
    }
  }
  return total;
}
