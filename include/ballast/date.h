/* Dates as day numbers: days since 1970-01-01 in the proleptic Gregorian calendar (int32).
 * Everything that compares, sorts or stores dates uses day numbers; only I/O sees text. */
#ifndef BALLAST_DATE_H
#define BALLAST_DATE_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t BallastDate;
#define BALLAST_DATE_NONE INT32_MIN /* "not set" */

BallastDate BallastDateFromYMD(int y, int m, int d);
void        BallastDateToYMD(BallastDate t, int *y, int *m, int *d);
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
