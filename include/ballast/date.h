/* Dates as day numbers: days since 1970-01-01 in the proleptic Gregorian calendar (int32).
 * Everything that compares, sorts or stores dates uses day numbers; only I/O sees text. */
#ifndef BALLAST_DATE_H
#define BALLAST_DATE_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t BallastDate;
#define BALLAST_DATE_NONE INT32_MIN /* "not set" */

/* Day number from year, month, day and back. Inline lookups in tables of 1900-01-01 .. 2299-12-31
 * filled on first use from the arithmetic (src/core/date.c: Howard Hinnant's algorithms), which
 * every other date takes: the same results, without the divisions in the hot loops (schedule
 * build, 30E360 year fractions, NII roll dates, behavioural checkpoints). */
BallastDate BallastDateFromYMDSlow(int y, int m, int d);
void        BallastDateToYMDSlow(BallastDate t, int *y, int *m, int *d);
extern const uint32_t    *BallastDateYMDTable_;   /* [t - BallastDateTable0_]: y << 9 | m << 5 | d (internal) */
extern const BallastDate *BallastDateMonthTable_; /* [(y - 1900) * 12 + m - 1]: the month's first day (internal) */
extern BallastDate        BallastDateTable0_;
extern uint32_t           BallastDateTableN_; /* 0 until the tables are filled */

static inline BallastDate BallastDateFromYMD(int y, int m, int d)
{
  /* the arithmetic is linear in d for any d: the month's first day plus d - 1 */
  if ((unsigned)(y - 1900) < 400u && (unsigned)(m - 1) < 12u && BallastDateTableN_) return BallastDateMonthTable_[(y - 1900) * 12 + m - 1] + (d - 1);
  return BallastDateFromYMDSlow(y, m, d);
}

static inline void BallastDateToYMD(BallastDate t, int *y, int *m, int *d)
{
  uint32_t i = (uint32_t)t - (uint32_t)BallastDateTable0_;
  if (i < BallastDateTableN_) {
    uint32_t v = BallastDateYMDTable_[i];
    *y         = (int)(v >> 9);
    *m         = (int)(v >> 5 & 15);
    *d         = (int)(v & 31);
    return;
  }
  BallastDateToYMDSlow(t, y, m, d);
}
int         BallastIsLeapYear(int y);
int         BallastDaysInMonth(int y, int m);
/* 0 = Monday ... 6 = Sunday */
int         BallastDateWeekday(BallastDate t);
/* Add n months; the day is clamped to the month's last day (2026-01-31 + 1M = 2026-02-28). */
BallastDate BallastDateAddMonths(BallastDate t, int n);
int         BallastDateIsEndOfMonth(BallastDate t);

/* Parse "YYYY-MM-DD" with an optional "THH:MM[:SS]" suffix (ignored). The whole string must be
 * consumed (leading/trailing blanks allowed). Returns 0 on success, -1 if malformed or not a real
 * calendar date. */
int BallastDateParse(const char *s, BallastDate *t);
/* The same for s[0..len) with s[len] == 0 (a CSV cell): "YYYY-MM-DD" by fixed-width digit
 * arithmetic, anything else through BallastDateParse; the same result and status. */
int BallastDateParseN(const char *s, size_t len, BallastDate *t);
/* Write "YYYY-MM-DD" (11 bytes with NUL). */
void BallastDateFormat(BallastDate t, char buf[11]);

/* Tenor/period "ON", "1D", "2W", "3M", "10Y" (case-insensitive). Returns 0 ok, -1 malformed.
 * unit is 'D', 'W', 'M' or 'Y'; "ON" is 1 D. */
int         BallastTenorParse(const char *s, int *n, char *unit);
BallastDate BallastDateAddTenor(BallastDate t, int n, char unit);

#endif
