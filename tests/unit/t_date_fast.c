/* The loader's fixed-width date parser (BallastDateParseN: digit arithmetic and a table of years)
 * against BallastDateParse: every day from 1890 to 2310 (the table covers 1900-2299), invalid
 * days and months, non-digits of every byte value in every position, other lengths and ISO
 * datetimes; the same status and the same day number. */
#include "tap/basic.h"
#include <ballast/date.h>
#include <stdio.h>
#include <string.h>

static int same(const char *s)
{
  BallastDate a = -12345, b = -12345;
  int         ra = BallastDateParse(s, &a), rb = BallastDateParseN(s, strlen(s), &b);
  return ra == rb && (ra || a == b);
}

int main(void)
{
  int  bad = 0, n = 0;
  char s[64];
  plan(4);
  for (BallastDate d = BallastDateFromYMD(1890, 1, 1); d <= BallastDateFromYMD(2310, 12, 31); d++, n++) {
    BallastDateFormat(d, s);
    BallastDate x = 0;
    if (BallastDateParseN(s, 10, &x) || x != d || !same(s)) bad++;
  }
  is_int(0, bad, "every one of %d days 1890..2310 parses to its day number", n);
  bad = 0;
  for (int y = 1895; y <= 2305; y += 5)
    for (int m = 0; m <= 13; m++)
      for (int dd = 0; dd <= 32; dd++) {
        snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, dd);
        bad += !same(s);
      }
  is_int(0, bad, "days 0..32 of months 0..13: the same status as BallastDateParse");
  bad = 0;
  for (int pos = 0; pos < 10; pos++)
    for (int c = 1; c < 256; c++) {
      strcpy(s, "2024-02-29");
      s[pos] = (char)c;
      bad += !same(s);
    }
  is_int(0, bad, "every byte value in every position of a date");
  bad = 0;
  const char *other[] = {"2024-02-29T12:30", "2024-02-29T12:30:59", "2024-2-29", "24-02-29", " 2024-02-29", "2024-02-29 ", "2024-02-290", "", "2023-02-29", "9999-12-31", "0000-01-01"};
  for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) bad += !same(other[i]);
  is_int(0, bad, "datetimes, short fields, blanks, other lengths, the ends of the range");
  return 0;
}
