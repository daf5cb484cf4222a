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

/* The principal an event repays: ACTUS MD pays the notional plus the interest accrued since the
 * last IP (a PAM without an interest cycle pays all its interest there), so only the notional
 * repaid is principal (not for swaps and FX, md_split = 0). */
static inline int BallastEventIsPrincipal(int type) { return type == BALLAST_EV_PR || type == BALLAST_EV_MD || type == BALLAST_EV_PP; }

#endif
