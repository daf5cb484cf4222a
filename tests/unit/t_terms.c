/* Parsing ACTUS term values as they appear in CSV cells and the ACTUS test JSON. */
#include "tap/basic.h"
#include <ballast/terms.h>
#include <math.h>

int main(void)
{
  BallastTerms t;
  BallastNames names;
  char         err[256];
  BallastCycle c;
  BallastNamesCreate(&names);
  BallastTermsInit(&t);
  plan(21);
  ok(isnan(t.notionalPrincipal) && t.maturityDate == BALLAST_DATE_NONE && t.marketObjectCodeOfRateReset == -1, "init: every term not set");
  is_int(BALLAST_TERM_OK, BallastTermsSet(&t, names, "notionalPrincipal", "  5000", err, sizeof err), "number with leading blanks");
  is_double(5000, t.notionalPrincipal, 0, "... value");
  is_int(BALLAST_TERM_BAD_VALUE, BallastTermsSet(&t, names, "notionalPrincipal", "5,000", err, sizeof err), "thousands separator rejected");
  is_int(BALLAST_TERM_BAD_VALUE, BallastTermsSet(&t, names, "nominalInterestRate", "nan", err, sizeof err), "nan is not a rate");
  is_int(BALLAST_TERM_OK, BallastTermsSet(&t, names, "dayCountConvention", "30E360ISDA", err, sizeof err), "enum value");
  is_int(BALLAST_DCC_30E360ISDA, t.dayCountConvention, "... parsed");
  is_int(BALLAST_TERM_BAD_VALUE, BallastTermsSet(&t, names, "dayCountConvention", "ACT/360", err, sizeof err), "unknown enum value");
  contains(err, "expected one of AA, A360, A365", "... lists the allowed values");
  is_int(BALLAST_TERM_OK, BallastTermsSet(&t, names, "calendar", "NOCALENDAR", err, sizeof err), "NOCALENDAR spelling");
  is_int(BALLAST_TERM_OK, BallastTermsSet(&t, names, "maturityDate", "2014-01-01T00:00:00", err, sizeof err), "date with time suffix");
  is_int(0, BallastCycleParse("P1ML0", &c), "cycle P1ML0");
  ok(c.n == 1 && c.unit == 'M' && c.stub == 0, "... 1 month, long stub");
  is_int(0, BallastCycleParse("P3M", &c), "cycle without stub");
  ok(c.n == 3 && c.unit == 'M' && c.stub == 1, "... short stub by default");
  is_int(-1, BallastCycleParse("1M", &c), "cycle without P rejected");
  is_int(BALLAST_TERM_OK, BallastTermsSet(&t, names, "marketObjectCodeOfRateReset", "EUR_EURIBOR3M", err, sizeof err), "market object code");
  is_string("EUR_EURIBOR3M", BallastNamesGet(names, t.marketObjectCodeOfRateReset), "... interned");
  is_int(BALLAST_TERM_UNKNOWN, BallastTermsSet(&t, names, "notionalPrincipel", "1", err, sizeof err), "misspelt term is unknown");
  is_int(BALLAST_TERM_OK, BallastTermsSet(&t, names, "feeRate", "", err, sizeof err), "unsupported ACTUS term accepted when empty");
  is_int(BALLAST_TERM_UNSUPPORTED, BallastTermsSet(&t, names, "feeRate", "0.01", err, sizeof err), "... and refused when set");
  BallastNamesDestroy(&names);
  return 0;
}
