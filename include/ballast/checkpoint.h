/* Checkpoint and resume of `ballast run` (../shared/spec/interfaces.md "Interruption",
 * docs/checkpoint.md).
 *
 * On SIGTERM or SIGUSR1 the signal handler only sets a flag. The projection driver's ranks agree
 * on it in their progress rounds (non-blocking, at most every few seconds; never a per-contract
 * collective), each rank finishes the portfolio at hand and stops at the next portfolio boundary;
 * then every consumer packs the per-portfolio partials of the portfolios finished
 * (BallastConsumer.pack), rank 0 gathers them in portfolio order and writes
 * <output>/ballast-checkpoint.bin (under a temporary name, fsync, rename), and the run exits 75.
 * The same command run again finds the checkpoint, checks its key (SHA-256 of the software
 * version, the configuration's and every input file's SHA-256, the flags and PETSc options that
 * change results), and if it matches, each portfolio's owner (on any number of ranks) unpacks
 * that portfolio's partials and the driver skips its contracts: each portfolio is processed whole
 * by one rank and rank 0 combines the partials in portfolio order, so alm.nc is bitwise the same
 * as an uninterrupted run's. A checkpoint of other inputs is reported on stderr and ignored; the
 * checkpoint is removed after the results are written. */
#ifndef BALLAST_CHECKPOINT_H
#define BALLAST_CHECKPOINT_H

#include <ballast/projection.h>
#include <string.h>

/* An interrupted run that wrote its checkpoint returns BALLAST_ERR_INTERRUPTED: exit status
 * BALLAST_EXIT_INTERRUPTED = 75 (EX_TEMPFAIL, "try again"; include/ballast/ballast.h). */

/* Install the handlers of SIGTERM and SIGUSR1 (they replace PETSc's for those two signals only):
 * the handler records the signal in a sig_atomic_t and returns. Not collective. */
PetscErrorCode BallastInterruptInstall(void);
/* The signal received (SIGTERM, SIGUSR1) or 0. Async-signal safe to read; not collective. */
int BallastInterruptRequested(void);
/* For tests: as if the signal had arrived (0 clears). Not collective. */
void BallastInterruptSet(int signo);

/* ---------------------------------------------------------------------------------------------
 * Helpers for the consumers' pack/unpack (include/ballast/projection.h): nblk blocks of len
 * doubles, block j at base[j * stride], copied to (pack) or from (unpack) a byte cursor. */
static inline void BallastPackDoubles(unsigned char **cur, const double *base, PetscInt nblk, PetscInt stride, PetscInt len)
{
  for (PetscInt j = 0; j < nblk; j++) {
    memcpy(*cur, base + j * stride, (size_t)len * sizeof(double));
    *cur += (size_t)len * sizeof(double);
  }
}
static inline void BallastUnpackDoubles(const unsigned char **cur, double *base, PetscInt nblk, PetscInt stride, PetscInt len)
{
  for (PetscInt j = 0; j < nblk; j++) {
    memcpy(base + j * stride, *cur, (size_t)len * sizeof(double));
    *cur += (size_t)len * sizeof(double);
  }
}

/* ---------------------------------------------------------------------------------------------
 * The checkpoint of a run */
typedef struct BallastCheckpoint_s *BallastCheckpoint;

/* Collective. The checkpoint of the run whose key (64 hex digits, see BallastCheckpointKey) and
 * portfolios (nport names, global order) are given, in directory dir. Rank 0 reads
 * dir/ballast-checkpoint.bin if it exists: a checkpoint of another key (other inputs,
 * configuration, software or options) or of other portfolios is reported on stderr and ignored; a
 * damaged one is an I/O error (exit 5) naming the file. Every rank receives the checkpoint read. */
PetscErrorCode BallastCheckpointOpen(MPI_Comm comm, const char *dir, const char *key, PetscInt nport, char *const *names, BallastCheckpoint *ck);
/* Not collective: per portfolio the number of sources of the projection already done (NULL: no
 * checkpoint to resume from), and how many portfolios have anything done. */
PetscErrorCode BallastCheckpointStages(BallastCheckpoint ck, const int **stage, PetscInt *nresumed);
/* Collective: the projection resumes from the checkpoint (every consumer of proj unpacks the
 * partials of the portfolios this rank owns, owner[nport]; rank 0 the totals) and becomes
 * interruptible (BallastProjectionSetCheckpoint). Call after the consumers are added. */
PetscErrorCode BallastCheckpointAttach(BallastCheckpoint ck, BallastProjection proj, const int *owner);
/* Collective, after BallastProjectionRun stopped on an interruption (BallastProjectionGetInterrupted):
 * every consumer packs its finished portfolios (those this rank owns), rank 0 writes the checkpoint
 * (temporary name, fsync, rename) and every rank returns BALLAST_ERR_INTERRUPTED with a message
 * naming the signal, the file and the portfolios done. */
PetscErrorCode BallastCheckpointSave(BallastCheckpoint ck, BallastProjection proj, const int *owner);
/* Collective: remove the checkpoint file (after the results are written). */
PetscErrorCode BallastCheckpointRemove(BallastCheckpoint ck);
PetscErrorCode BallastCheckpointDestroy(BallastCheckpoint *ck);

/* Not collective: the checkpoint key of a run, SHA-256 (hex) of `text`, a description of
 * everything the results depend on (built by src/run/run.c). */
PetscErrorCode BallastCheckpointKey(const char *text, char key[65]);

#endif
