/* ACTUS year-fraction conventions (techspecs "Year Fraction Convention", dictionary
 * dayCountConvention). Not collective; pure functions of day numbers. */
#ifndef BALLAST_DAYCOUNT_H
#define BALLAST_DAYCOUNT_H

#include <ballast/date.h>
#include <ballast/terms.h>

/* Year fraction from s to t (t >= s) under dcc. maturity is used by 30E360ISDA only (the last
 * day of February is not moved to 30 when it is the maturity date); pass BALLAST_DATE_NONE if
 * unknown. */
double BallastYearFraction(BallastDayCount dcc, BallastDate s, BallastDate t, BallastDate maturity);

/* The same for the 30/360 family (30E360, 30E360ISDA, 28E336) on dates given as year, month, day
 * (t_maturity: the end date is the maturity); NAN for another dcc. For callers that walk a date
 * sequence and convert each date once (the schedule builder). */
double BallastYearFraction30(BallastDayCount dcc, int y1, int m1, int d1, int y2, int m2, int d2, int t_maturity);

#endif
