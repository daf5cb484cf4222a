/* The day-to-date and month-start tables of src/core/date.c (issue 14, kernel round 2) against the
 * arithmetic they replace (Howard Hinnant's algorithms, copied here as the independent check),
 * inside the tabulated years 1900-2299, across its edges and far outside it. */
#include "tap/basic.h"
#include <ballast/date.h>

static BallastDate ref_from(int y, int m, int d)
{
  y -= m <= 2;
  const int      era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (BallastDate)(era * 146097 + (int)doe - 719468);
}

static void ref_to(BallastDate t, int *y, int *m, int *d)
{
  int            z   = t + 719468;
  const int      era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int            yy  = (int)yoe + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp  = (5 * doy + 2) / 153;
  const unsigned dd  = doy - (153 * mp + 2) / 5 + 1;
  const unsigned mm  = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (mm <= 2);
  *m = (int)mm;
  *d = (int)dd;
}

int main(void)
{
  plan(4);
  /* every day from 1700 to 2500 (the table's range and 200 years either side), and a few far ones */
  long bad = 0;
  for (BallastDate t = ref_from(1700, 1, 1); t < ref_from(2500, 1, 1); t++) {
    int y, m, d, ry, rm, rd;
    BallastDateToYMD(t, &y, &m, &d);
    ref_to(t, &ry, &rm, &rd);
    bad += y != ry || m != rm || d != rd;
  }
  BallastDate far[] = {-2000000, -719468, 0, 2000000, 100000000, -100000000};
  for (int i = 0; i < 6; i++) {
    int y, m, d, ry, rm, rd;
    BallastDateToYMD(far[i], &y, &m, &d);
    ref_to(far[i], &ry, &rm, &rd);
    bad += y != ry || m != rm || d != rd;
  }
  is_int(0, bad, "BallastDateToYMD equals the arithmetic on every day 1700-2499 and far outside");
  bad = 0;
  for (int y = 1700; y < 2500; y++)
    for (int m = 1; m <= 12; m++)
      for (int d = -40; d <= 70; d++) bad += BallastDateFromYMD(y, m, d) != ref_from(y, m, d); /* out-of-range days too: linear in d */
  is_int(0, bad, "BallastDateFromYMD equals the arithmetic for 1700-2499, days -40..70 of each month");
  bad = 0;
  for (int y = -5000; y < 10000; y += 7)
    for (int m = 1; m <= 12; m++) bad += BallastDateFromYMD(y, m, 15) != ref_from(y, m, 15);
  is_int(0, bad, "and far outside the table");
  int y, m, d;
  BallastDateToYMD(BALLAST_DATE_NONE, &y, &m, &d);
  int ry, rm, rd;
  ref_to(BALLAST_DATE_NONE, &ry, &rm, &rd);
  ok(y == ry && m == rm && d == rd, "BALLAST_DATE_NONE takes the arithmetic");
  return 0;
}
