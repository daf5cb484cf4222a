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

#endif
