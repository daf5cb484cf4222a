/* Portfolio-to-rank assignment: every portfolio is processed whole by one rank (design.md,
 * invariant 4), so the balance of the run is decided by which rank owns which portfolio. */
#ifndef BALLAST_PARTITION_H
#define BALLAST_PARTITION_H

#include <ballast/ballast.h>

/* Not collective (every rank computes the same assignment from the same arrays, so no broadcast
 * is needed). Assigns n portfolios of estimated work work[0..n-1] (any non-negative unit, e.g.
 * event-equivalents) to nranks ranks: portfolios in order of decreasing work (ties: lower index
 * first), each to the rank with the least work assigned so far (ties: lower rank). Writes
 * owner[i] in [0, nranks). Integer arithmetic only: the result is the same on every rank. */
PetscErrorCode BallastPartitionPortfolios(PetscInt n, const int64_t *work, int nranks, int *owner);

#endif
