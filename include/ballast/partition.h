/* Portfolio-to-rank assignment: every portfolio is processed whole by one rank (design.md,
 * invariant 4), so the balance of the run is decided by which rank owns which portfolio. */
#ifndef BALLAST_PARTITION_H
#define BALLAST_PARTITION_H

#include <ballast/ballast.h>
#include <ballast/terms.h>

/* Not collective (every rank computes the same assignment from the same arrays, so no broadcast
 * is needed). Assigns n portfolios of estimated work work[0..n-1] (any non-negative unit, e.g.
 * event-equivalents) to nranks ranks: portfolios in order of decreasing work (ties: lower index
 * first), each to the rank with the least work assigned so far (ties: lower rank). Writes
 * owner[i] in [0, nranks). Integer arithmetic only: the result is the same on every rank. */
PetscErrorCode BallastPartitionPortfolios(PetscInt n, const int64_t *work, int nranks, int *owner);

/* Estimated projection work of one contract (nanoseconds of the full IRRBB run, from per-type
 * costs measured by scripts/measure-work: src/core/partition.c), summed per portfolio for the
 * partition. has_segment: the contract names a behaviour segment. Under a contractual run
 * (BallastWorkEstimateSetContractual(1), set by `ballast run --contractual` before loading) the
 * behavioural work is not counted. Deterministic: the same on every rank. Not collective. */
int64_t BallastWorkEstimate(const BallastTerms *t, int has_segment);
/* The schedule periods the estimate counts: remaining days over each cycle's length (interest,
 * principal, resets), 0 for contracts without a schedule (UMP, CSH, STK, CLM without maturity). */
int64_t BallastWorkPeriods(const BallastTerms *t);
void    BallastWorkEstimateSetContractual(int contractual);
int     BallastWorkEstimateGetContractual(void); /* the setting (the contract store picks its stored estimate) */

#endif
