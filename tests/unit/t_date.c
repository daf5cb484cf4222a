#include "tap/basic.h"
#include <ballast/date.h>

int main(void)
{
  BallastDate t;
  char        buf[11];
  int         y, m, d;
  plan(14);
  is_int(0, BallastDateFromYMD(1970, 1, 1), "epoch is day 0");
  /* 2000-03-01: 30 years of 365 days + 7 leap days (72..96 + 2000 not yet) + Jan 31 + Feb 29 */
  is_int(30 * 365 + 7 + 31 + 29, BallastDateFromYMD(2000, 3, 1), "2000-03-01 by hand");
  BallastDateToYMD(BallastDateFromYMD(2024, 2, 29), &y, &m, &d);
  ok(y == 2024 && m == 2 && d == 29, "round trip of a leap day");
  is_int(0, BallastDateParse("2026-10-30", &t), "parse plain date");
  BallastDateFormat(t, buf);
  is_string("2026-10-30", buf, "format");
  is_int(0, BallastDateParse("2013-01-01T00:00:00", &t), "time suffix accepted");
  is_int(-1, BallastDateParse("2026-02-29", &t), "2026-02-29 is not a date");
  is_int(-1, BallastDateParse("2026-1-30", &t), "one-digit month rejected");
  is_int(-1, BallastDateParse("2026-10-30x", &t), "trailing text rejected");
  BallastDateFormat(BallastDateAddMonths(BallastDateFromYMD(2026, 1, 31), 1), buf);
  is_string("2026-02-28", buf, "Jan 31 + 1M clamps to Feb 28");
  BallastDateFormat(BallastDateAddMonths(BallastDateFromYMD(2024, 1, 31), 1), buf);
  is_string("2024-02-29", buf, "Jan 31 + 1M clamps to Feb 29 in a leap year");
  BallastDateFormat(BallastDateAddMonths(BallastDateFromYMD(2026, 11, 15), -14), buf);
  is_string("2025-09-15", buf, "negative month offset across a year");
  is_int(4, BallastDateWeekday(BallastDateFromYMD(2026, 10, 30)), "2026-10-30 is a Friday");
  ok(BallastDateIsEndOfMonth(BallastDateFromYMD(2026, 2, 28)), "Feb 28 2026 is end of month");
  return 0;
}
