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
  PetscInt               S = run->nscen, P = cs->nportfolios, C = ctx->market.nfx, M = plan->horizon_months, A = run->actions ? run->actions->nact : 1;
  PetscFunctionBeginUser;
  /* the book's principal run-off per scenario, action, portfolio and month (replace volumes): on every rank */
  PetscCallMPI(MPI_Bcast(book->prin, (int)(S * A * P * M), MPI_DOUBLE, 0, ctx->comm));
  PetscCall(BallastNewBusinessCreate(plan, ctx->cfg.path, ctx->cfg.as_of, P, cs->portfolio_names, cs->portfolio_owner, ctx->rank, A, S, book->prin, ctx->market.fx, &nb, &src));
  PetscCall(BallastIRRBBRunProjectionSetup(ctx, run, &ps));
  ps.nvar = ps.nscen; /* scenarios only: no sensitivities of new business; behaviour as the book's */
  PetscCall(BallastProjectionCreate(&ps, &proj));
  PetscCall(BallastNIIPathCreate(S, A, P, C, M, ctx->cfg.as_of, ctx->market.fx, &np));
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
    /* per action: dynamic = run-off + new business, summed over portfolios in portfolio order;
     * layouts of the partials [s][a][p][m][c] (nii), [s][a][p][m] (balances), of the variables
     * (action, scenario, month, currency | portfolio) */
    double *apath, *acons, *arunoff, *abal, *mday, tot[6];
    PetscCall(PetscCalloc4(A * S * M * C + 1, &apath, A * S * M * C + 1, &acons, A * S * M * C + 1, &arunoff, A * S * M * P + 1, &abal));
    PetscCall(PetscCalloc1(M + 1, &mday));
    for (PetscInt a = 0; a < A; a++)
      for (PetscInt s = 0; s < S; s++)
        for (PetscInt p = 0; p < P; p++) {
          PetscInt row = (s * A + a) * P + p;
          for (PetscInt m = 0; m < M; m++) {
            for (PetscInt k = 0; k < C; k++) {
              PetscInt i = (row * M + m) * C + k, o = ((a * S + s) * M + m) * C + k;
              apath[o] += book->nii[i] + np.nii[i];
              arunoff[o] += book->nii[i];
              if (run->nii_path_constant) acons[o] += run->nii_path_constant[i];
            }
            abal[((a * S + s) * M + m) * P + p] = book->bal[row * M + m] + np.bal[row * M + m];
          }
        }
    for (PetscInt m = 0; m < M; m++) mday[m] = (double)(BallastDateAddMonths(ctx->cfg.as_of, (int)m + 1) - ctx->cfg.as_of);
    const char *asmc[] = {"action", "scenario", "month", "currency"}, *asmp[] = {"action", "scenario", "month", "portfolio"};
    PetscCall(BallastResultsAddDimValues(res, "month", "month_end", M, mday, "end of the month (month m ends on the as-of date plus m months)", "days"));
    PetscCall(BallastResultsAddVar(res, "nii_path", 4, asmc, apath, "NII of the month, dynamic balance sheet (run-off of the book plus new business), accrual basis; per action (incremental: the balance sheet's plus the action's contracts)", "local_currency"));
    PetscCall(BallastResultsAddVar(res, "nii_path_constant", 4, asmc, acons, "NII of the month, constant balance sheet (the book with replacement at the par rate, as nii, rolled to the path horizon), accrual basis; per action (incremental: the balance sheet's plus the action's contracts)", "local_currency"));
    PetscCall(BallastResultsAddVar(res, "nii_path_runoff", 4, asmc, arunoff, "NII of the month of the book's run-off alone (no replacement, no new business), accrual basis; per action (incremental: the balance sheet's plus the action's contracts)", "local_currency"));
    PetscCall(BallastResultsAddVar(res, "balance_path", 4, asmp, abal, "outstanding notional at the month end, dynamic balance sheet (assets positive, liabilities negative), reporting currency; per action (incremental: the balance sheet's plus the action's contracts)",
                                   ctx->cfg.reporting_currency));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "NII paths over %" PetscInt_FMT " months (%s; new business: %" PetscInt_FMT " products)\n%-20s %16s %16s %16s %16s %16s %16s\n", M, ctx->cfg.reporting_currency, plan->nproducts, "scenario",
                          "dynamic 12M", "constant 12M", "run-off 12M", "dynamic total", "constant total", "run-off total"));
    for (PetscInt s = 0; s < S; s++) {
      tot[0] = tot[1] = tot[2] = tot[3] = tot[4] = tot[5] = 0;
      for (PetscInt m = 0; m < M; m++)
        for (PetscInt k = 0; k < C; k++) {
          double fx = ctx->market.fx[k], d = apath[(s * M + m) * C + k] * fx, r = arunoff[(s * M + m) * C + k] * fx, q = acons[(s * M + m) * C + k] * fx;
          if (isnan(fx)) continue;
          if (m < 12) tot[0] += d, tot[1] += q, tot[2] += r;
          tot[3] += d;
          tot[4] += q;
          tot[5] += r;
        }
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-20s %16.0f %16.0f %16.0f %16.0f %16.0f %16.0f\n", ctx->cfg.scenarios[s], tot[0], tot[1], tot[2], tot[3], tot[4], tot[5]));
    }
    if (A > 1) { /* per action, the base scenario's 12-month sums and their change against none */
      double t0[2] = {0, 0};
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "NII paths per action, scenario %s (%s; change against none)\n%-24s %16s %16s %16s %16s\n", ctx->cfg.scenarios[0], ctx->cfg.reporting_currency, "action", "dynamic 12M", "change",
                            "constant 12M", "change"));
      for (PetscInt a = 0; a < A; a++) {
        double t[2] = {0, 0};
        for (PetscInt m = 0; m < M && m < 12; m++)
          for (PetscInt k = 0; k < C; k++) {
            double fx = ctx->market.fx[k];
            if (isnan(fx)) continue;
            t[0] += apath[((a * S) * M + m) * C + k] * fx;
            t[1] += acons[((a * S) * M + m) * C + k] * fx;
          }
        if (a == 0) t0[0] = t[0], t0[1] = t[1];
        PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-24s %16.0f %16.0f %16.0f %16.0f\n", run->actions->names[a], t[0], t[0] - t0[0], t[1], t[1] - t0[1]));
      }
    }
    PetscCall(PetscFree4(apath, acons, arunoff, abal));
    PetscCall(PetscFree(mday));
  }
  PetscCall(BallastNIIPathDestroy(&np));
  PetscFunctionReturn(0);
}
