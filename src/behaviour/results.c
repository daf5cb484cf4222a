/* Calibration results as variables over the `segment` dimension (spec/interfaces.md: segment-level
 * calibration results are variables over `segment`), and a one-line-per-segment summary. */
#include <ballast/behaviour.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

PetscErrorCode BallastBehaviourAddResults(const BallastBehaviour *b, BallastResults r)
{
  PetscInt     n = b->nseg, nten = 0;
  const char **names, **model, **reason, **tnames;
  double      *v, *w;
  int64_t     *its;
  int          tmonths[256];
  const char  *seg[1] = {"segment"}, *segten[2] = {"segment", "nmd_tenor"};
  PetscFunctionBeginUser;
  if (!n) PetscFunctionReturn(0);
  /* the union of the deposit tranche tenors, in increasing months */
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < b->seg[i].ntenor; j++) {
      int m = b->seg[i].tenor_months[j], k = 0;
      while (k < nten && tmonths[k] < m) k++;
      if (k < nten && tmonths[k] == m) continue;
      if (nten == 256) continue;
      memmove(tmonths + k + 1, tmonths + k, (size_t)(nten - k) * sizeof(int));
      tmonths[k] = m;
      nten++;
    }
  PetscCall(PetscMalloc4(n, &names, n, &model, n, &reason, PetscMax(nten, 1), &tnames));
  PetscCall(PetscMalloc3(n, &v, n * PetscMax(nten, 1), &w, n, &its));
  char (*tbuf)[16];
  PetscCall(PetscMalloc1(PetscMax(nten, 1), &tbuf));
  for (PetscInt k = 0; k < nten; k++) {
    if (tmonths[k] % 12 == 0) snprintf(tbuf[k], sizeof tbuf[k], "%dY", tmonths[k] / 12);
    else snprintf(tbuf[k], sizeof tbuf[k], "%dM", tmonths[k]);
    tnames[k] = tbuf[k];
  }
  for (PetscInt i = 0; i < n; i++) {
    names[i]  = b->seg[i].name;
    model[i]  = BallastBehModelName(b->seg[i].model);
    reason[i] = b->seg[i].reason;
    its[i]    = b->seg[i].iterations;
  }
  PetscCall(BallastResultsAddDimLabels(r, "segment", "segment_name", n, names, "behaviour segment"));
  PetscCall(BallastResultsAddVarText(r, "behaviour_model", "segment", model, "behavioural model (prepayment, deposit, early_redemption)"));
  PetscCall(BallastResultsAddVarText(r, "calibration_reason", "segment", reason, "TAO convergence reason of the calibration, 'fixed' by configuration or 'estimated' in closed form"));
  PetscCall(BallastResultsAddVarInt(r, "calibration_iterations", 1, seg, its, "iterations of the TAO solve the segment was part of", "1"));
#define ADD(name, expr, long_name) \
  do { \
    for (PetscInt i = 0; i < n; i++) { \
      const BallastBehSegment *s = &b->seg[i]; \
      v[i]                       = (expr); \
    } \
    PetscCall(BallastResultsAddVar(r, name, 1, seg, v, long_name, "1")); \
  } while (0)
  ADD("calibration_objective", s->objective, "fit quality: prepayment RMS CPR error, deposits standard deviation of the margin (decimal); NaN if not calibrated");
  ADD("prepayment_a", s->model == BALLAST_BEH_PREPAYMENT ? s->p[0] : NAN, "prepayment S-curve a: CPR = a + b / (1 + exp(-c (i - d))) (constant CPR: a)");
  ADD("prepayment_b", s->model == BALLAST_BEH_PREPAYMENT ? s->p[1] : NAN, "prepayment S-curve b (decimal)");
  ADD("prepayment_c", s->model == BALLAST_BEH_PREPAYMENT ? s->p[2] : NAN, "prepayment S-curve c (per unit of decimal incentive)");
  ADD("prepayment_d", s->model == BALLAST_BEH_PREPAYMENT ? s->p[3] : NAN, "prepayment S-curve d (decimal incentive)");
  ADD("core_share", s->model == BALLAST_BEH_DEPOSIT ? s->core_share : NAN, "core share of the deposit balance (decimal)");
  ADD("core_share_cap", s->model == BALLAST_BEH_DEPOSIT ? s->core_cap : NAN, "regime cap on the core share (decimal)");
  ADD("pass_through_beta", s->model == BALLAST_BEH_DEPOSIT ? s->beta : NAN, "deposit rate pass-through of the short rate (decimal)");
  ADD("early_redemption_rate", s->model == BALLAST_BEH_EARLY_REDEMPTION ? s->rate : NAN, "annual early redemption rate (decimal)");
#undef ADD
  for (PetscInt i = 0; i < n; i++) v[i] = b->seg[i].model == BALLAST_BEH_DEPOSIT ? b->seg[i].average_maturity : NAN;
  PetscCall(BallastResultsAddVar(r, "average_maturity", 1, seg, v, "average maturity of the core replicating tranches", "years"));
  for (PetscInt i = 0; i < n; i++) v[i] = b->seg[i].model == BALLAST_BEH_DEPOSIT ? b->seg[i].maturity_cap : NAN;
  PetscCall(BallastResultsAddVar(r, "average_maturity_cap", 1, seg, v, "regime cap on the average maturity of the core", "years"));
  if (nten) {
    PetscCall(BallastResultsAddDimLabels(r, "nmd_tenor", "nmd_tenor_name", nten, tnames, "tenor of a rolling replicating tranche"));
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt k = 0; k < nten; k++) {
        const BallastBehSegment *s = &b->seg[i];
        double                   x = s->model == BALLAST_BEH_DEPOSIT ? 0.0 : NAN;
        for (PetscInt j = 0; j < s->ntenor; j++)
          if (s->tenor_months[j] == tmonths[k]) x = s->weight[j];
        w[i * nten + k] = x;
      }
    PetscCall(BallastResultsAddVar(r, "replicating_weight", 2, segten, w, "weight of the tranche in the core replicating portfolio (0 if not a tranche of the segment)", "1"));
  }
  PetscCall(PetscFree(tbuf));
  PetscCall(PetscFree3(v, w, its));
  PetscCall(PetscFree4(names, model, reason, tnames));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastBehaviourView(MPI_Comm comm, const BallastBehaviour *b)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < b->nseg; i++) {
    const BallastBehSegment *s = &b->seg[i];
    if (s->model == BALLAST_BEH_PREPAYMENT && s->type == BALLAST_PREPAY_CONSTANT)
      PetscCall(PetscPrintf(comm, "  %-28s prepayment  constant CPR %.4f  (%s)\n", s->name, s->cpr, s->reason));
    else if (s->model == BALLAST_BEH_PREPAYMENT)
      PetscCall(PetscPrintf(comm, "  %-28s prepayment  a %.4f b %.4f c %.1f d %.5f  rms %.5f  %s, %" PetscInt_FMT " it\n", s->name, s->p[0], s->p[1], s->p[2], s->p[3], s->objective, s->reason,
                            s->iterations));
    else if (s->model == BALLAST_BEH_DEPOSIT) {
      PetscCall(PetscPrintf(comm, "  %-28s deposit     core %.3f (cap %.2f)  avg maturity %.2f y (cap %.1f)  margin sd %.6f  %s, %" PetscInt_FMT " it\n   ", s->name, s->core_share, s->core_cap,
                            s->average_maturity, s->maturity_cap, s->objective, s->reason, s->iterations));
      for (PetscInt j = 0; j < s->ntenor; j++) PetscCall(PetscPrintf(comm, " %s %.4f", s->tenor_text[j], s->weight[j]));
      PetscCall(PetscPrintf(comm, "\n"));
    } else PetscCall(PetscPrintf(comm, "  %-28s early_redemption  rate %.4f  (%s)\n", s->name, s->rate, s->reason));
  }
  PetscFunctionReturn(0);
}
