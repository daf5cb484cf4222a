/* Day count conventions by hand (ACTUS "Year Fraction Convention"). */
#include <ballast/daycount.h>
#include <tap/basic.h>

static BallastDate D(const char *s)
{
  BallastDate d;
  if (BallastDateParse(s, &d)) bail("bad date %s", s);
  return d;
}

#define YF(dcc, a, b, m) BallastYearFraction(dcc, D(a), D(b), m)

int main(void)
{
  plan_lazy();
  /* A360: 2026-01-01 .. 2026-04-01 is 31 + 28 + 31 = 90 days: 90/360 */
  is_double(0.25, YF(BALLAST_DCC_A360, "2026-01-01", "2026-04-01", BALLAST_DATE_NONE), 1e-15, "A360 one quarter");
  /* A365: leap year 2024 has 366 days: 366/365 */
  is_double(366.0 / 365.0, YF(BALLAST_DCC_A365, "2024-01-01", "2025-01-01", BALLAST_DATE_NONE), 1e-15, "A365 over a leap year");
  /* AA (ISDA): 2023-12-01 .. 2024-01-01 = 31 days of 2023 (/365), 2024-01-01 .. 2024-03-01 = 31 + 29 = 60 days of 2024 (/366) */
  is_double(31.0 / 365.0 + 60.0 / 366.0, YF(BALLAST_DCC_AA, "2023-12-01", "2024-03-01", BALLAST_DATE_NONE), 1e-15, "AA across a year end");
  /* AA within a year: 2024-02-01 .. 2024-03-01 = 29 days /366 */
  is_double(29.0 / 366.0, YF(BALLAST_DCC_AA, "2024-02-01", "2024-03-01", BALLAST_DATE_NONE), 1e-15, "AA in a leap year");
  /* AA over whole years: 2023-06-15 .. 2025-06-15 = 200/365 (rest of 2023) + 1 (2024) + 165/365 = 2 */
  is_double(200.0 / 365.0 + 1.0 + 165.0 / 365.0, YF(BALLAST_DCC_AA, "2023-06-15", "2025-06-15", BALLAST_DATE_NONE), 1e-15, "AA over two years");
  /* 30E360: 31st -> 30th on both ends: 01-31 .. 03-31 = (2*30 + 30 - 30)/360 = 60/360 */
  is_double(60.0 / 360.0, YF(BALLAST_DCC_30E360, "2026-01-31", "2026-03-31", BALLAST_DATE_NONE), 1e-15, "30E360 month ends");
  /* 30E360: end of February is not moved: 02-28 .. 03-31 = (30 + 30 - 28)/360 = 32/360 */
  is_double(32.0 / 360.0, YF(BALLAST_DCC_30E360, "2026-02-28", "2026-03-31", BALLAST_DATE_NONE), 1e-15, "30E360 from end of February");
  /* 30E360 over a year: 2025-03-15 .. 2026-03-15 = 1 */
  is_double(1.0, YF(BALLAST_DCC_30E360, "2025-03-15", "2026-03-15", BALLAST_DATE_NONE), 1e-15, "30E360 one year");
  /* 30E360ISDA: last day of February -> 30: 02-28 .. 03-31 = (30 + 30 - 30)/360 = 30/360 */
  is_double(30.0 / 360.0, YF(BALLAST_DCC_30E360ISDA, "2026-02-28", "2026-03-31", BALLAST_DATE_NONE), 1e-15, "30E360ISDA from end of February");
  /* 30E360ISDA: February end not moved when it is the maturity: 01-31 .. 02-28 = (30 + 28 - 30)/360 = 28/360 */
  is_double(28.0 / 360.0, YF(BALLAST_DCC_30E360ISDA, "2026-01-31", "2026-02-28", D("2026-02-28")), 1e-15, "30E360ISDA to a February maturity");
  /* ... and moved otherwise: (30 + 30 - 30)/360 = 30/360 */
  is_double(30.0 / 360.0, YF(BALLAST_DCC_30E360ISDA, "2026-01-31", "2026-02-28", BALLAST_DATE_NONE), 1e-15, "30E360ISDA to end of February");
  /* 28E336: month ends and days after the 28th count as 28: 01-31 .. 02-28 = 28/336 */
  is_double(28.0 / 336.0, YF(BALLAST_DCC_28E336, "2026-01-31", "2026-02-28", BALLAST_DATE_NONE), 1e-15, "28E336 one month");
  /* 28E336 over a year = 336/336 */
  is_double(1.0, YF(BALLAST_DCC_28E336, "2025-05-10", "2026-05-10", BALLAST_DATE_NONE), 1e-15, "28E336 one year");
  /* empty or reversed periods are zero */
  is_double(0.0, YF(BALLAST_DCC_A365, "2026-05-10", "2026-05-10", BALLAST_DATE_NONE), 0, "zero length");
  return 0;
}
