#include <ballast/daycount.h>
#include <math.h>

/* ACT/ACT ISDA: days falling in leap years over 366, the others over 365. */
static double act_act(BallastDate s, BallastDate t)
{
  int ys, ms, ds, yt, mt, dt;
  BallastDateToYMD(s, &ys, &ms, &ds);
  BallastDateToYMD(t, &yt, &mt, &dt);
  if (ys == yt) return (double)(t - s) / (BallastIsLeapYear(ys) ? 366.0 : 365.0);
  double      yf   = 0;
  BallastDate ends = BallastDateFromYMD(ys + 1, 1, 1);
  yf += (double)(ends - s) / (BallastIsLeapYear(ys) ? 366.0 : 365.0);
  yf += (double)(yt - ys - 1);
  BallastDate begt = BallastDateFromYMD(yt, 1, 1);
  yf += (double)(t - begt) / (BallastIsLeapYear(yt) ? 366.0 : 365.0);
  return yf;
}

/* The 30/360 family on dates already split into year, month and day (t_maturity: the end date is
 * the maturity, which 30E/360 ISDA does not move to the 30th in February). */
double BallastYearFraction30(BallastDayCount dcc, int y1, int m1, int d1, int y2, int m2, int d2, int t_maturity)
{
  switch (dcc) {
  case BALLAST_DCC_30E360:
    if (d1 == 31) d1 = 30;
    if (d2 == 31) d2 = 30;
    return (360.0 * (y2 - y1) + 30.0 * (m2 - m1) + (d2 - d1)) / 360.0;
  case BALLAST_DCC_30E360ISDA:
    if (d1 == BallastDaysInMonth(y1, m1)) d1 = 30;
    if (d2 == BallastDaysInMonth(y2, m2) && !(t_maturity && m2 == 2)) d2 = 30;
    return (360.0 * (y2 - y1) + 30.0 * (m2 - m1) + (d2 - d1)) / 360.0;
  case BALLAST_DCC_28E336:
    if (d1 == BallastDaysInMonth(y1, m1) || d1 > 28) d1 = 28;
    if (d2 == BallastDaysInMonth(y2, m2) || d2 > 28) d2 = 28;
    return (336.0 * (y2 - y1) + 28.0 * (m2 - m1) + (d2 - d1)) / 336.0;
  default: return NAN;
  }
}

double BallastYearFraction(BallastDayCount dcc, BallastDate s, BallastDate t, BallastDate maturity)
{
  int y1, m1, d1, y2, m2, d2;
  if (t <= s) return 0.0;
  switch (dcc) {
  case BALLAST_DCC_A360: return (double)(t - s) / 360.0;
  case BALLAST_DCC_A365: return (double)(t - s) / 365.0;
  case BALLAST_DCC_AA: return act_act(s, t);
  case BALLAST_DCC_30E360:
    BallastDateToYMD(s, &y1, &m1, &d1);
    BallastDateToYMD(t, &y2, &m2, &d2);
    if (d1 == 31) d1 = 30;
    if (d2 == 31) d2 = 30;
    return (360.0 * (y2 - y1) + 30.0 * (m2 - m1) + (d2 - d1)) / 360.0;
  case BALLAST_DCC_30E360ISDA:
    BallastDateToYMD(s, &y1, &m1, &d1);
    BallastDateToYMD(t, &y2, &m2, &d2);
    if (d1 == BallastDaysInMonth(y1, m1)) d1 = 30;
    if (d2 == BallastDaysInMonth(y2, m2) && !(t == maturity && m2 == 2)) d2 = 30;
    return (360.0 * (y2 - y1) + 30.0 * (m2 - m1) + (d2 - d1)) / 360.0;
  case BALLAST_DCC_28E336:
    BallastDateToYMD(s, &y1, &m1, &d1);
    BallastDateToYMD(t, &y2, &m2, &d2);
    if (d1 == BallastDaysInMonth(y1, m1) || d1 > 28) d1 = 28;
    if (d2 == BallastDaysInMonth(y2, m2) || d2 > 28) d2 = 28;
    return (336.0 * (y2 - y1) + 28.0 * (m2 - m1) + (d2 - d1)) / 336.0;
  default: return (double)(t - s) / 365.0;
  }
}
