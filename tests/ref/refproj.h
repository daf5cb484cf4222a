/* An independent reference projector for the tests: the ACTUS schedule, state transition and
 * payoff functions of PAM, ANN, LAM, NAM, CLM, UMP, SWPPV, CSH, STK and FXOUT written out again,
 * deliberately simply (one call per contract, a fresh event list, every quantity recomputed where
 * it is used: no schedule reuse, no workspace, no memoised year fractions or annuity chains).
 *
 * It uses only the date and day-count primitives of src/core (BallastDateAddMonths,
 * BallastYearFraction, ...) and the terms struct; it does not call src/engine (its own cycle
 * arithmetic, business-day shift, schedule function and event order). See tests/ref/README.md
 * for what it is and is not. */
#ifndef BALLAST_TESTS_REFPROJ_H
#define BALLAST_TESTS_REFPROJ_H

#include <ballast/engine.h>
#include <stddef.h>

/* Project contract `t` (events strictly after statusDate; open-ended schedules stop at
 * `horizon`), with the observed events and 24:00 dates of `opt` (either may be NULL/0), under
 * market `m` (may be NULL when no reset is needed). Every event goes to `sink`, in order.
 * Returns 0, or -1 with a message in err. Not collective. */
int RefProject(const BallastTerms *t, BallastDate horizon, const BallastScheduleOptions *opt, int nobs, const BallastObservedEvent *obs,
               const BallastMarket *m, BallastEventSink sink, void *ctx, char *err, size_t errlen);

#endif
