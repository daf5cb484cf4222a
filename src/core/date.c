#include <ballast/date.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Civil-from-days and days-from-civil: Howard Hinnant's public-domain algorithms, exact for the
 * whole int32 range used here. */
/* The arithmetic (the definition; the tables below are filled from it). */
static BallastDate from_ymd(int y, int m, int d)
{
  y -= m <= 2;
  const int      era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (BallastDate)(era * 146097 + (int)doe - 719468);
}

static void to_ymd(BallastDate t, int *y, int *m, int *d)
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

/* Day-to-date and month-start tables for 1900-01-01 .. 2299-12-31 (issue 14 item 2: the schedule
 * build, NII roll dates and the behavioural checkpoints convert dates millions of times): filled
 * once from the arithmetic above, so they return exactly what it returns; dates outside the range
 * take the arithmetic. 146,097 packed dates (584 KiB) and 4,800 month starts. The lookups are
 * inline (include/ballast/date.h). */
#define TAB_Y0 1900
#define TAB_NY 400
const uint32_t    *BallastDateYMDTable_;
const BallastDate *BallastDateMonthTable_;
BallastDate        BallastDateTable0_;
uint32_t           BallastDateTableN_;
static int         tab_state; /* 0: not built, 1: built, -1: no memory (arithmetic only) */

static int tables(void)
{
  if (tab_state) return tab_state > 0;
  BallastDate  d0 = from_ymd(TAB_Y0, 1, 1), n = from_ymd(TAB_Y0 + TAB_NY, 1, 1) - d0;
  uint32_t    *ymd = (uint32_t *)malloc((size_t)n * sizeof *ymd);
  BallastDate *ms  = (BallastDate *)malloc((size_t)TAB_NY * 12 * sizeof *ms);
  if (!ymd || !ms) {
    free(ymd);
    free(ms);
    tab_state = -1;
    return 0;
  }
  for (BallastDate i = 0; i < n; i++) {
    int y, m, d;
    to_ymd(d0 + i, &y, &m, &d);
    ymd[i] = (uint32_t)y << 9 | (uint32_t)m << 5 | (uint32_t)d;
  }
  for (int k = 0; k < TAB_NY * 12; k++) ms[k] = from_ymd(TAB_Y0 + k / 12, k % 12 + 1, 1);
  BallastDateYMDTable_   = ymd;
  BallastDateMonthTable_ = ms;
  BallastDateTable0_     = d0;
  BallastDateTableN_     = (uint32_t)n;
  tab_state              = 1;
  return 1;
}

BallastDate BallastDateFromYMDSlow(int y, int m, int d)
{
  if (!tab_state && tables()) return BallastDateFromYMD(y, m, d);
  return from_ymd(y, m, d);
}

void BallastDateToYMDSlow(BallastDate t, int *y, int *m, int *d)
{
  if (!tab_state && tables()) {
    BallastDateToYMD(t, y, m, d);
    return;
  }
  to_ymd(t, y, m, d);
}

int BallastIsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int BallastDaysInMonth(int y, int m)
{
  static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && BallastIsLeapYear(y) ? 29 : dim[m - 1];
}

int BallastDateWeekday(BallastDate t)
{
  /* 1970-01-01 was a Thursday (3 with Monday = 0) */
  int w = (int)((t + 3) % 7);
  return w < 0 ? w + 7 : w;
}

BallastDate BallastDateAddMonths(BallastDate t, int n)
{
  int y, m, d;
  BallastDateToYMD(t, &y, &m, &d);
  int idx = y * 12 + (m - 1) + n;
  y       = idx >= 0 ? idx / 12 : -((-idx + 11) / 12);
  m       = idx - y * 12 + 1;
  int dim = BallastDaysInMonth(y, m);
  return BallastDateFromYMD(y, m, d > dim ? dim : d);
}

int BallastDateIsEndOfMonth(BallastDate t)
{
  int y, m, d;
  BallastDateToYMD(t, &y, &m, &d);
  return d == BallastDaysInMonth(y, m);
}

static int digits(const char *s, int n, int *v)
{
  *v = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)s[i])) return -1;
    *v = *v * 10 + (s[i] - '0');
  }
  return 0;
}

int BallastDateParse(const char *s, BallastDate *t)
{
  int y, m, d;
  while (*s == ' ' || *s == '\t') s++;
  if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) || s[7] != '-' || digits(s + 8, 2, &d)) return -1;
  if (m < 1 || m > 12 || d < 1 || d > BallastDaysInMonth(y, m)) return -1;
  s += 10;
  if (*s == 'T' || *s == 't') {
    int hh, mi, ss;
    if (digits(s + 1, 2, &hh) || s[3] != ':' || digits(s + 4, 2, &mi) || hh > 23 || mi > 59) return -1;
    s += 6;
    if (*s == ':') {
      if (digits(s + 1, 2, &ss) || ss > 60) return -1;
      s += 3;
    }
  }
  while (*s == ' ' || *s == '\t' || *s == '\r') s++;
  if (*s) return -1;
  *t = BallastDateFromYMD(y, m, d);
  return 0;
}

/* BallastDateParseN's table: the day number of January 1 of each year from 1900 to 2299. */
#define DAYTAB_Y0 1900
#define DAYTAB_N 400
static const int dim_tab[2][12]  = {{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}, {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}};
static const int cum_days[2][12] = {{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334}, {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335}};
static BallastDate   year_tab[DAYTAB_N];
static unsigned char leap_tab[DAYTAB_N];
static int           year_tab_done; /* (filled the same by any thread that races here) */
static void          year_tab_fill(void)
{
  for (int i = 0; i < DAYTAB_N; i++) {
    year_tab[i] = BallastDateFromYMD(DAYTAB_Y0 + i, 1, 1);
    leap_tab[i] = (unsigned char)BallastIsLeapYear(DAYTAB_Y0 + i);
  }
  year_tab_done = 1;
}

int BallastDateParseN(const char *s, size_t len, BallastDate *t)
{
  if (len == 10 && s[4] == '-' && s[7] == '-') {
    unsigned d0 = (unsigned)(unsigned char)s[0] - '0', d1 = (unsigned)(unsigned char)s[1] - '0', d2 = (unsigned)(unsigned char)s[2] - '0', d3 = (unsigned)(unsigned char)s[3] - '0';
    unsigned m0 = (unsigned)(unsigned char)s[5] - '0', m1 = (unsigned)(unsigned char)s[6] - '0', a0 = (unsigned)(unsigned char)s[8] - '0', a1 = (unsigned)(unsigned char)s[9] - '0';
    /* every one a digit (a non-digit below '0' wraps to a large unsigned value) */
    if (!((d0 > 9) | (d1 > 9) | (d2 > 9) | (d3 > 9) | (m0 > 9) | (m1 > 9) | (a0 > 9) | (a1 > 9))) {
      int y = (int)(d0 * 1000 + d1 * 100 + d2 * 10 + d3), m = (int)(m0 * 10 + m1), d = (int)(a0 * 10 + a1);
      if (m < 1 || m > 12 || d < 1) return -1;
      if (y >= DAYTAB_Y0 && y < DAYTAB_Y0 + DAYTAB_N) { /* the day number from a table of years (the same as BallastDateFromYMD) */
        if (!year_tab_done) year_tab_fill();
        int leap = leap_tab[y - DAYTAB_Y0];
        if (d > dim_tab[leap][m - 1]) return -1;
        *t = (BallastDate)(year_tab[y - DAYTAB_Y0] + cum_days[leap][m - 1] + d - 1);
        return 0;
      }
      if (d > BallastDaysInMonth(y, m)) return -1;
      *t = BallastDateFromYMD(y, m, d);
      return 0;
    }
  }
  return BallastDateParse(s, t);
}

void BallastDateFormat(BallastDate t, char buf[11])
{
  int y, m, d;
  BallastDateToYMD(t, &y, &m, &d);
  unsigned uy = (unsigned)((y % 10000 + 10000) % 10000), um = (unsigned)m, ud = (unsigned)d;
  buf[0]  = (char)('0' + uy / 1000);
  buf[1]  = (char)('0' + uy / 100 % 10);
  buf[2]  = (char)('0' + uy / 10 % 10);
  buf[3]  = (char)('0' + uy % 10);
  buf[4]  = '-';
  buf[5]  = (char)('0' + um / 10);
  buf[6]  = (char)('0' + um % 10);
  buf[7]  = '-';
  buf[8]  = (char)('0' + ud / 10);
  buf[9]  = (char)('0' + ud % 10);
  buf[10] = 0;
}

int BallastTenorParse(const char *s, int *n, char *unit)
{
  while (*s == ' ') s++;
  if ((s[0] == 'O' || s[0] == 'o') && (s[1] == 'N' || s[1] == 'n') && s[2] == 0) {
    *n    = 1;
    *unit = 'D';
    return 0;
  }
  if (!isdigit((unsigned char)*s)) return -1;
  long v = 0;
  while (isdigit((unsigned char)*s)) {
    v = v * 10 + (*s++ - '0');
    if (v > 100000) return -1;
  }
  char u = (char)toupper((unsigned char)*s);
  if ((u != 'D' && u != 'W' && u != 'M' && u != 'Y') || s[1] != 0) return -1;
  *n    = (int)v;
  *unit = u;
  return 0;
}

BallastDate BallastDateAddTenor(BallastDate t, int n, char unit)
{
  switch (unit) {
  case 'D': return t + n;
  case 'W': return t + 7 * n;
  case 'M': return BallastDateAddMonths(t, n);
  case 'Y': return BallastDateAddMonths(t, 12 * n);
  default: return BALLAST_DATE_NONE;
  }
}
