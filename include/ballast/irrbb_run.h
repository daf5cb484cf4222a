/* The IRRBB phases of `ballast run` (src/run/irrbb_run.c): scenario variants built from the regime
 * and user definitions, the projection through the consumers, the group metrics. */
#ifndef BALLAST_IRRBB_RUN_H
#define BALLAST_IRRBB_RUN_H

#include <ballast/dftable.h>
#include <ballast/engine.h>
#include <ballast/behaviour.h>
#include <ballast/regime.h>
#include <ballast/run.h>
#include <ballast/scenario.h>
#include <ballast/projection.h>
#include <ballast/niipath.h>
#include <ballast/actions.h>
#include <ballast/irrbb.h>

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
  double              *margin_count; /* [portfolio][nmargins + 1]: NII replacement margins used (0 own, k+1 nii.margins entry k) */
  PetscInt             nmargins;
  double              *reserves;     /* [currency id] nii.reserves_rate, NaN = none */
  PetscInt             path_months;  /* > 0: also the constant balance sheet's NII month by month (set before Compute) */
  double              *nii_path_constant; /* [scenario][action][portfolio][month][currency], rank 0 */
  double              *pv;       /* [nscen][local contracts] with keep_pv */
  /* behavioural filters (NULL: contractual), see BallastProjectionSetup */
  const BallastBehaviour *beh;
  const PetscInt         *seg_of;
  const double           *prepay_scalar, *td_scalar;
  /* management actions (NULL: none): the action pass after the balance sheet */
  BallastActionSet      *actions;
  /* checkpoint and resume (NULL: neither; include/ballast/checkpoint.h): Compute resumes from it
   * and, interrupted, writes it and returns BALLAST_ERR_INTERRUPTED */
  struct BallastCheckpoint_s *ckpt;
  BallastIRRBBHeadlines  head;     /* per action, after BallastIRRBBRunResults (rank 0) */
  int64_t              ncontracts, nevents;
  double               seconds, core_seconds, min_seconds, max_seconds; /* projection time: this rank, sum, min and max over ranks */
} BallastIRRBBRun;

/* Collective (all ranks build the same variants). user: definitions parsed from the configuration. */
PetscErrorCode BallastIRRBBRunSetup(BallastRunContext *ctx, const BallastRegime *r, PetscInt nuser, BallastScenarioDef *user, PetscBool sensitivities, BallastIRRBBRun *run);
/* Not collective: the projection driver's setup for every variant of the run. */
PetscErrorCode BallastIRRBBRunProjectionSetup(BallastRunContext *ctx, BallastIRRBBRun *run, BallastProjectionSetup *ps);
/* Collective: project every local contract under every variant through the IRRBB consumers (EVE,
 * NII, gap, position detail with keep_pv) and the `extra` consumers (liquidity), then merge:
 * the reduced partials are in run (rank 0), the per-contract PVs in run->pv. On a failure every
 * rank returns the first failing contract's error (file:line, contract id). */
PetscErrorCode BallastIRRBBRunCompute(BallastRunContext *ctx, BallastIRRBBRun *run, PetscBool keep_pv, PetscInt nextra, const BallastConsumer *extra);
/* Rank 0 only: group metrics into res and the summary on standard output (src/metrics/irrbb_group.c). */
PetscErrorCode BallastIRRBBRunResults(BallastRunContext *ctx, BallastIRRBBRun *run, BallastResults res);
PetscErrorCode BallastIRRBBRunDestroy(BallastIRRBBRun *run);
/* Collective: the new-business plan's originations projected under every scenario (a projection
 * of their own: new business enters no run-off metric), added on rank 0 to `book` (the run-off
 * book's monthly NII and balances, a consumer of BallastIRRBBRunCompute, merged): nii_path,
 * nii_path_runoff, balance_path and the month dimension into res, the summary on rank 0
 * (src/run/niipath_run.c). */
PetscErrorCode BallastNIIPathRun(BallastRunContext *ctx, BallastIRRBBRun *run, BallastNIIPath *book, BallastResults res);
/* Collective. The management actions of ctx->cfg.planning (validated) as an action set: each
 * action's added contract files loaded on every rank (few contracts), the touched and added items
 * of this rank (include/ballast/actions.h). Must run before the control totals and the segment
 * map: new portfolios and segments of added contracts are appended to the balance sheet's tables.
 * Instruments from templates priced at par on the base curves (BallastParRate) plus their spread. */
PetscErrorCode BallastRunActionsCreate(BallastRunContext *ctx, BallastActionSet *as);

#endif
