/* Limit statuses at, below and above each level (include/ballast/planning.h: a value AT a level is
 * on the safe side; NaN is a breach). Expected statuses written out by hand. */
#include "tap/basic.h"
#include <ballast/planning.h>
#include <math.h>

static BallastLimit lim(BallastLimitKind k, double level, PetscBool w, double warning)
{
  BallastLimit l = {0};
  l.kind = k; l.level = level; l.has_warning = w; l.warning = warning;
  return l;
}

int main(int argc, char **argv)
{
  PetscInitialize(&argc, &argv, NULL, NULL);
  plan(20);
  BallastLimit lcr = lim(BALLAST_LIMIT_MIN, 1.0, PETSC_TRUE, 1.2);
  is_int(2, BallastLimitStatus(&lcr, 0.999), "LCR min 1.0: 0.999 is a breach");
  is_int(1, BallastLimitStatus(&lcr, 1.0), "LCR min 1.0: 1.0 is within the breach level (warning below 1.2)");
  is_int(1, BallastLimitStatus(&lcr, 1.1999), "LCR: 1.1999 below the warning 1.2");
  is_int(0, BallastLimitStatus(&lcr, 1.2), "LCR: at the warning 1.2 is within");
  is_int(0, BallastLimitStatus(&lcr, 1.5), "LCR: 1.5 within");
  BallastLimit eve = lim(BALLAST_LIMIT_MAX, 0.15, PETSC_TRUE, 0.12);
  is_int(0, BallastLimitStatus(&eve, 0.10), "EVE SOT max 0.15: 0.10 within");
  is_int(0, BallastLimitStatus(&eve, 0.12), "EVE SOT: at the warning 0.12 within");
  is_int(1, BallastLimitStatus(&eve, 0.1201), "EVE SOT: 0.1201 warning");
  is_int(1, BallastLimitStatus(&eve, 0.15), "EVE SOT: at the breach level 0.15 is a warning, not a breach");
  is_int(2, BallastLimitStatus(&eve, 0.1501), "EVE SOT: 0.1501 breach");
  BallastLimit pv = lim(BALLAST_LIMIT_MAX_ABS, 1.5e5, PETSC_TRUE, 1.2e5);
  is_int(0, BallastLimitStatus(&pv, -1.2e5), "PV01 max_abs: -120000 at the warning: within");
  is_int(1, BallastLimitStatus(&pv, -1.2e5 - 1), "PV01 max_abs: -120001 warning");
  is_int(1, BallastLimitStatus(&pv, 1.5e5), "PV01 max_abs: +150000 at the level: warning");
  is_int(2, BallastLimitStatus(&pv, -1.5e5 - 1), "PV01 max_abs: -150001 breach");
  is_int(2, BallastLimitStatus(&pv, 1.5e5 + 1), "PV01 max_abs: +150001 breach");
  BallastLimit surv = lim(BALLAST_LIMIT_MIN, 30, PETSC_FALSE, 0);
  is_int(0, BallastLimitStatus(&surv, 30), "survival min 30, no warning: 30 within");
  is_int(2, BallastLimitStatus(&surv, 29), "survival: 29 breach");
  is_int(0, BallastLimitStatus(&surv, 365), "survival: 365 within");
  is_int(2, BallastLimitStatus(&eve, NAN), "a value not computed (NaN) is a breach");
  BallastLimit dn = lim(BALLAST_LIMIT_MIN, -1.5e7, PETSC_TRUE, -1.0e7);
  is_int(1, BallastLimitStatus(&dn, -1.2e7), "delta_nii min -15 M warning -10 M: -12 M warning");
  PetscFinalize();
  return 0;
}
