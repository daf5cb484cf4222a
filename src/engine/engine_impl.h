/* Private to src/engine: the schedule workspace shared by the build (schedule.c) and the numeric
 * pass (project.c). */
#ifndef BALLAST_ENGINE_IMPL_H
#define BALLAST_ENGINE_IMPL_H

#include <ballast/engine.h>

/* Event flags */
#define EVF_SILENT 1 /* evaluated but not emitted (before purchaseDate: ACTUS removes them from the output only) */
#define EVF_LEG2   2 /* FXOUT: second-currency leg */
#define EVF_MDFIX  4 /* FXOUT: STD observes the FX at maturity, not at the settlement date */

typedef struct {
  BallastDate date;  /* event date (shifted) */
  BallastDate calc;  /* calculation date (unshifted for CS* conventions) */
  int8_t      type;  /* BallastEventType */
  int8_t      prio;  /* order of events on the same date */
  uint8_t     flags;
  int32_t     ann;   /* ANN/NAM: first annuity-chain index with date > calc; -1 otherwise */
  double      yf;    /* year fraction from the previous state date (Sd) to calc */
  double      yfa;   /* ANN PRF: year fraction from the start of the interest period to chain date `ann` */
} EngineEvent;

struct BallastSchedule_s {
  EngineEvent *ev;
  PetscInt     n, cap;
  EngineEvent *mbuf; /* scratch of the merge of the event streams (swapped with ev) */
  PetscInt     capmbuf;
  int          legacy; /* test-only: build as before (qsort, date conversions per cycle date) */
  /* annuity chain: principal redemption dates (calc) after statusDate, up to amortisation end */
  BallastDate *anndate;
  double      *annyf; /* annyf[k] = Y(anndate[k-1], anndate[k]); annyf[0] unused */
  PetscInt     nann, capann;
  /* scratch for schedule generation */
  BallastDate *tmp;
  PetscInt     ntmp, captmp;
  int          tmp_end; /* the last tmp date is the schedule's end date (a term's date) */
  /* scenario-invariant facts used at initialisation */
  int          ct;
  double       sign;      /* contract role sign R */
  BallastDate  t0;        /* statusDate */
  BallastDate  md;        /* maturity used (BALLAST_DATE_NONE if open-ended) */
  int          preIED;    /* statusDate before IED: state starts at zero, IED event initialises */
  double       ipac0;     /* initial accrued (signed) */
  int          ann0;      /* annuity-chain index for a mid-life annuity at t0 (-1: none) */
  double       yfa0;      /* Y(t0, anndate[ann0]) */
  int          terms_ok;  /* build succeeded */
  BallastScheduleOptions opt;
};

/* Order of events on the same date (ACTUS event sequence as in the reference results). */
int BallastEngineEventPriority(int type);

/* Test-only: the schedule built the way it was before the stream merge (every event appended,
 * then qsort; cycle dates by BallastDateAddMonths per date; year fractions by
 * BallastYearFraction), kept as the independent check of the builder (tests/unit/t_schedule_merge.c). */
PetscErrorCode BallastScheduleBuildLegacy(BallastSchedule ws, const BallastTerms *t, BallastDate horizon, const BallastScheduleOptions *opt, PetscInt nobs,
                                          const BallastObservedEvent *obs);

#endif
