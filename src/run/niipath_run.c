/* New business and NII paths in `ballast run` (include/ballast/irrbb_run.h): the plan's
 * originations projected under every scenario in a projection of their own (new business does not
 * enter EVE, NII or liquidity), added to the run-off book's monthly NII and balances. */
#include <ballast/irrbb_run.h>
#include <ballast/niipath.h>
#include <math.h>

PetscErrorCode BallastNIIPathRun(BallastRunContext *ctx, BallastIRRBBRun *run, BallastNIIPath *book, BallastResults res)
{
  const BallastPlan     *plan = &ctx->cfg.planning.plan;
  BallastContracts       cs   = ctx->contracts;
  BallastNewBusiness     nb;
  BallastSource          src;
  BallastProjectionSetup ps;
  BallastProjection      proj;
  BallastNIIPath         np;
  BallastConsumer        c;
  PetscInt               S = run->nscen, P = cs->nportfolios, C = ctx->market.nfx, M = plan->horizon_months;
  PetscFunctionBeginUser;
  /* the book's principal run-off per scenario, portfolio and month (replace volumes): on every rank */
  PetscCallMPI(MPI_Bcast(book->prin, (int)(S * P * M), MPI_DOUBLE, 0, ctx->comm));
  PetscCall(BallastNewBusinessCreate(plan, ctx->cfg.path, ctx->cfg.as_of, P, cs->portfolio_names, cs->portfolio_owner, ctx->rank, book->prin, ctx->market.fx, &nb, &src));
  PetscCall(BallastIRRBBRunProjectionSetup(ctx, run, &ps));
  ps.nvar = ps.nscen; /* scenarios only: no sensitivities of new business */
  ps.beh  = NULL;     /* originations are contractual (docs/planning.md) */
  PetscCall(BallastProjectionCreate(&ps, &proj));
  PetscCall(BallastNIIPathCreate(S, P, C, M, ctx->cfg.as_of, ctx->market.fx, &np));
  BallastNIIPathConsumer(&np, &c);
  PetscCall(BallastProjectionAddConsumer(proj, &c));
  PetscErrorCode ierr = BallastProjectionRun(proj, ctx->comm, 1, &src);
  PetscCall(BallastProjectionDestroy(&proj));
  PetscCall(BallastNewBusinessDestroy(&nb));
  if (ierr) {
    BallastNIIPathDestroy(&np);
    PetscFunctionReturn(ierr);
  }
  if (ctx->rank == 0) {
    /* dynamic = run-off + new business, summed over portfolios in portfolio order */
    double *path, *runoff, *bal, *mday, *cons, tot[6];
    PetscCall(PetscCalloc4(S * M * C + 1, &path, S * M * C + 1, &runoff, S * M * P + 1, &bal, M + 1, &mday));
    PetscCall(PetscCalloc1(S * M * C + 1, &cons));
    for (PetscInt s = 0; s < S; s++)
      for (PetscInt p = 0; p < P; p++)
        for (PetscInt m = 0; m < M; m++) {
          for (PetscInt k = 0; k < C; k++) {
            PetscInt i = ((s * P + p) * M + m) * C + k;
            path[(s * M + m) * C + k] += book->nii[i] + np.nii[i];
            runoff[(s * M + m) * C + k] += book->nii[i];
            if (run->nii_path_constant) cons[(s * M + m) * C + k] += run->nii_path_constant[i];
          }
          bal[(s * M + m) * P + p] = book->bal[(s * P + p) * M + m] + np.bal[(s * P + p) * M + m];
        }
    for (PetscInt m = 0; m < M; m++) mday[m] = (double)(BallastDateAddMonths(ctx->cfg.as_of, (int)m + 1) - ctx->cfg.as_of);
    /* the variables are over (action, ...): the paths are evaluated for the balance sheet (action
     * none) only; the other actions' entries are NaN = not evaluated (docs/planning.md) */
    PetscInt A = run->actions ? run->actions->nact : 1;
    double  *apath, *acons, *arunoff, *abal;
    PetscCall(PetscMalloc4(A * S * M * C + 1, &apath, A * S * M * C + 1, &acons, A * S * M * C + 1, &arunoff, A * S * M * P + 1, &abal));
    for (PetscInt i = 0; i < A * S * M * C; i++) apath[i] = acons[i] = arunoff[i] = i < S * M * C ? 0.0 : NAN;
    for (PetscInt i = 0; i < A * S * M * P; i++) abal[i] = i < S * M * P ? 0.0 : NAN;
    PetscCall(PetscArraycpy(apath, path, S * M * C));
    PetscCall(PetscArraycpy(acons, cons, S * M * C));
    PetscCall(PetscArraycpy(arunoff, runoff, S * M * C));
    PetscCall(PetscArraycpy(abal, bal, S * M * P));
    const char *asmc[] = {"action", "scenario", "month", "currency"}, *asmp[] = {"action", "scenario", "month", "portfolio"};
    PetscCall(BallastResultsAddDimValues(res, "month", "month_end", M, mday, "end of the month (month m ends on the as-of date plus m months)", "days"));
    PetscCall(BallastResultsAddVar(res, "nii_path", 4, asmc, apath, "NII of the month, dynamic balance sheet (run-off of the book plus new business), accrual basis; action none (other actions NaN: not evaluated)", "local_currency"));
    PetscCall(BallastResultsAddVar(res, "nii_path_constant", 4, asmc, acons, "NII of the month, constant balance sheet (the book with replacement at the par rate, as nii, rolled to the path horizon), accrual basis; action none (other actions NaN: not evaluated)", "local_currency"));
    PetscCall(BallastResultsAddVar(res, "nii_path_runoff", 4, asmc, arunoff, "NII of the month of the book's run-off alone (no replacement, no new business), accrual basis; action none (other actions NaN: not evaluated)", "local_currency"));
    PetscCall(BallastResultsAddVar(res, "balance_path", 4, asmp, abal, "outstanding notional at the month end, dynamic balance sheet (assets positive, liabilities negative), reporting currency; action none (other actions NaN: not evaluated)",
                                   ctx->cfg.reporting_currency));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "NII paths over %" PetscInt_FMT " months (%s; new business: %" PetscInt_FMT " products)\n%-20s %16s %16s %16s %16s %16s %16s\n", M, ctx->cfg.reporting_currency, plan->nproducts, "scenario",
                          "dynamic 12M", "constant 12M", "run-off 12M", "dynamic total", "constant total", "run-off total"));
    for (PetscInt s = 0; s < S; s++) {
      tot[0] = tot[1] = tot[2] = tot[3] = tot[4] = tot[5] = 0;
      for (PetscInt m = 0; m < M; m++)
        for (PetscInt k = 0; k < C; k++) {
          double fx = ctx->market.fx[k], d = path[(s * M + m) * C + k] * fx, r = runoff[(s * M + m) * C + k] * fx, q = cons[(s * M + m) * C + k] * fx;
          if (isnan(fx)) continue;
          if (m < 12) tot[0] += d, tot[1] += q, tot[2] += r;
          tot[3] += d;
          tot[4] += q;
          tot[5] += r;
        }
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-20s %16.0f %16.0f %16.0f %16.0f %16.0f %16.0f\n", ctx->cfg.scenarios[s], tot[0], tot[1], tot[2], tot[3], tot[4], tot[5]));
    }
    PetscCall(PetscFree4(apath, acons, arunoff, abal));
    PetscCall(PetscFree4(path, runoff, bal, mday));
    PetscCall(PetscFree(cons));
  }
  PetscCall(BallastNIIPathDestroy(&np));
  PetscFunctionReturn(0);
}
