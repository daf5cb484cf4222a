/* The overnight roll of NII in closed form (include/ballast/overnight.h, src/engine/synthetic.c)
 * against (1) the day-by-day roll it replaces, written out here as NII did it
 * (sum over days of A (BallastDFTableForward(D, D+1) + m) BallastYearFraction(dcc, D, D+1)), on a
 * curve that is not flat, for every day count, over spans crossing month ends, February and leap
 * years, to 1e-12 relative; and (2) closed forms by hand on a flat curve P(i) = exp(-z i/365):
 * every day's growth is g = e^{z/365} - 1, so
 *   ACT/365 over n days:          A n (365 g + m) / 365
 *   ACT/360 over n days:          A n (365 g + m) / 360
 *   30E/360 over a whole year:    A (365 g + m) * 1   (the days' 30/360 fractions add up to 1)
 *   ACT/ACT over 2024 (leap year): A 366 (365 g + m) / 366 = A (365 g + m). */
#include "tap/basic.h"
#include <ballast/overnight.h>
#include <math.h>
#include <string.h>

#define NDAYS 4000

static double daily(const BallastDFTable *df, PetscInt k, BallastDayCount dcc, BallastDate a, BallastDate b, double A, double m)
{
  double s = 0;
  for (BallastDate D = a; D < b; D++) s += A * (BallastDFTableForward(df, k, D, D + 1) + m) * BallastYearFraction(dcc, D, D + 1, BALLAST_DATE_NONE);
  return s;
}

int main(void)
{
  if (PetscInitializeNoArguments()) bail("PetscInitialize failed");
  static double        data[2 * NDAYS];
  BallastDFTable       df = {0};
  BallastOvernightRoll r  = {0};
  const BallastDate    as_of = BallastDateFromYMD(2023, 11, 28);
  const double         z = 0.035;
  df.as_of   = as_of;
  df.ndays   = NDAYS;
  df.ncurves = 2;
  df.df      = data;
  for (int i = 0; i < NDAYS; i++) {
    double t = i / 365.0;
    data[i]         = exp(-z * t);                                                      /* curve 0: flat 3.5 % */
    data[NDAYS + i] = exp(-(0.01 + 0.03 * (1 - exp(-t / 2)) + 0.004 * sin(7 * t)) * t); /* curve 1: humped */
  }
  plan(6 * 5 + 1 + 4 + 2);

  /* (1) against the daily roll */
  const char *dn[BALLAST_DCC_COUNT] = {"AA", "A360", "A365", "30E360ISDA", "30E360", "28E336"};
  BallastDate spans[5][2]           = {{as_of + 1, as_of + 1 + 365},   /* a year from the day after the as-of date */
                                       {as_of + 1, as_of + 2},         /* one day */
                                       {as_of + 60, as_of + 93},       /* late January to early March 2024 (leap February) */
                                       {as_of + 400, as_of + 400 + 3 * 365}, /* three years */
                                       {BallastDateFromYMD(2025, 2, 26), BallastDateFromYMD(2025, 3, 2)}}; /* February 2025 */
  for (int dcc = 0; dcc < BALLAST_DCC_COUNT; dcc++)
    for (int s = 0; s < 5; s++) {
      double    x = NAN, ref = daily(&df, 1, (BallastDayCount)dcc, spans[s][0], spans[s][1], 1e6, 0.0025);
      PetscBool done;
      if (BallastOvernightRollNII(&r, &df, 1, (BallastDayCount)dcc, spans[s][0], spans[s][1], 1e6, 0.0025, &x, &done) || !done) bail("closed form not applied");
      is_close(ref, x, 1e-12, 0, "%s, span %d (%d days): closed form %.12f = daily roll", dn[dcc], s, (int)(spans[s][1] - spans[s][0]), x);
    }
  ok(r.n == 1, "the 30 rolls on curve 1 share one prefix table (%ld)", (long)r.n);
  /* (2) flat curve by hand */
  double    g = exp(z / 365.0) - 1.0, A = 2.5e6, m = -0.001, x;
  PetscBool done;
  BallastOvernightRollNII(&r, &df, 0, BALLAST_DCC_A365, as_of + 1, as_of + 1 + 200, A, m, &x, &done);
  is_close(A * 200 * (365 * g + m) / 365, x, 1e-12, 0, "flat, ACT/365, 200 days: A n (365 g + m) / 365");
  BallastOvernightRollNII(&r, &df, 0, BALLAST_DCC_A360, as_of + 1, as_of + 1 + 200, A, m, &x, &done);
  is_close(A * 200 * (365 * g + m) / 360, x, 1e-12, 0, "flat, ACT/360, 200 days: A n (365 g + m) / 360");
  BallastOvernightRollNII(&r, &df, 0, BALLAST_DCC_30E360, BallastDateFromYMD(2024, 1, 1), BallastDateFromYMD(2025, 1, 1), A, m, &x, &done);
  is_close(A * (365 * g + m), x, 1e-12, 0, "flat, 30E/360, the year 2024: A (365 g + m)");
  BallastOvernightRollNII(&r, &df, 0, BALLAST_DCC_AA, BallastDateFromYMD(2024, 1, 1), BallastDateFromYMD(2025, 1, 1), A, m, &x, &done);
  is_close(A * (365 * g + m), x, 1e-12, 0, "flat, ACT/ACT, the year 2024 (366 days of 1/366): A (365 g + m)");
  /* outside the grid: not applied, the caller rolls daily */
  x = 42;
  BallastOvernightRollNII(&r, &df, 0, BALLAST_DCC_A365, as_of + 1, as_of + NDAYS, A, m, &x, &done);
  ok(!done && x == 42, "beyond the table's grid: not applied, result untouched");
  BallastOvernightRollNII(&r, &df, 0, BALLAST_DCC_A365, as_of + 5, as_of + 5, A, m, &x, &done);
  ok(done && x == 0, "empty span: 0");
  BallastOvernightRollDestroy(&r);
  PetscFinalize();
  return tap_failed() ? 1 : 0;
}
