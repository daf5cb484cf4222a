/* Private to src/metrics: the exact reduction of per-portfolio partials (each portfolio has one
 * owner, the other ranks hold exact zeros, so MPI_SUM gives the owner's value on any number of
 * ranks). */
#ifndef BALLAST_METRICS_REDUCE_H
#define BALLAST_METRICS_REDUCE_H

#include <ballast/ballast.h>
#include <ballast/engine.h>

/* Collective: replace *a (n doubles) by its sum over ranks, valid on rank 0. */
static inline PetscErrorCode BallastReducePartials(MPI_Comm comm, PetscInt n, double **a)
{
  double *r;
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(n + 1, &r));
  PetscCallMPI(MPI_Reduce(*a, r, (int)n, MPI_DOUBLE, MPI_SUM, 0, comm));
  PetscCall(PetscFree(*a));
  *a = r;
  PetscFunctionReturn(0);
}

/* Not collective. Management actions (include/ballast/actions.h): arrays laid out [outer][nact][inner]
 * hold the base partials in action slot 0 and each action's changes in slot a; before the merge
 * slot 0 is added into every slot a > 0 on each rank (owner-only partials: the fold is local and
 * rank-independent). */
static inline void BallastFoldActions(double *x, PetscInt outer, PetscInt nact, PetscInt inner)
{
  for (PetscInt o = 0; o < outer; o++)
    for (PetscInt a = 1; a < nact; a++) {
      const double *b = x + (o * nact) * inner;
      double       *d = x + (o * nact + a) * inner;
      for (PetscInt i = 0; i < inner; i++) d[i] += b[i];
    }
}

/* The principal an event repays: ACTUS MD pays the notional plus the interest accrued since the
 * last IP (a PAM without an interest cycle pays all its interest there), so only the notional
 * repaid is principal (not for swaps and FX, md_split = 0). */
static inline int BallastEventIsPrincipal(int type) { return type == BALLAST_EV_PR || type == BALLAST_EV_MD || type == BALLAST_EV_PP; }

#endif
