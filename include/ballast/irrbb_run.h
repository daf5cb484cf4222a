/* The IRRBB phase of `ballast run` (src/run/irrbb_run.c): scenario variants built from the regime
 * and user definitions, projection, exact reduction, group metrics. */
#ifndef BALLAST_IRRBB_RUN_H
#define BALLAST_IRRBB_RUN_H

#include <ballast/dftable.h>
#include <ballast/engine.h>
#include <ballast/behaviour.h>
#include <ballast/regime.h>
#include <ballast/run.h>
#include <ballast/scenario.h>

typedef struct {
  const BallastRegime *regime;
  PetscInt             nscen, nkey, nvar, nbucket;
  BallastScenarioDef  *def;      /* [nscen] */
  PetscBool            borrowed;
  BallastMarketData   *market;   /* [nvar] */
  BallastMarketData  **mptr;
  BallastDFTable      *df;       /* [nvar] */
  double              *bucket_hi, *bucket_mid, *key_years;
  uint8_t             *bucket_of_day;
  PetscInt             nbucket_days;
  PetscInt            *disc;     /* per currency id: discount curve index or -1 */
  /* reduced per-portfolio partials, rank 0 */
  double              *eve, *evecf, *nii, *gap;
  double              *pv;       /* [nscen][local contracts] with keep_pv */
  /* behavioural overlay (NULL: contractual), see BallastIRRBBSetup */
  const BallastBehaviour *beh;
  const PetscInt         *seg_of;
  const double           *prepay_scalar, *td_scalar;
  int64_t              ncontracts, nevents;
  double               seconds, core_seconds, min_seconds, max_seconds; /* projection time: this rank, sum, min and max over ranks */
} BallastIRRBBRun;

/* Collective (all ranks build the same variants). user: definitions parsed from the configuration. */
PetscErrorCode BallastIRRBBRunSetup(BallastRunContext *ctx, const BallastRegime *r, PetscInt nuser, BallastScenarioDef *user, PetscBool sensitivities, BallastIRRBBRun *run);
/* Collective. extra/extra_begin/extra_end (optional): another consumer of the base scenario's
 * events (liquidity), called around each contract; extra_end receives the contract's base PV. */
PetscErrorCode BallastIRRBBRunCompute(BallastRunContext *ctx, BallastIRRBBRun *run, PetscBool keep_pv, BallastEventSink extra, void *extra_ctx,
                                      PetscErrorCode (*extra_begin)(void *, BallastContracts, PetscInt), PetscErrorCode (*extra_end)(void *, double));
/* Rank 0 only: group metrics into res and the summary on standard output. */
PetscErrorCode BallastIRRBBRunResults(BallastRunContext *ctx, BallastIRRBBRun *run, BallastResults res);
PetscErrorCode BallastIRRBBRunDestroy(BallastIRRBBRun *run);

#endif
