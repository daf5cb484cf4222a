/* Progress of a phase summed over the ranks, on stderr (rank 0 prints), without blocking the work:
 * non-blocking reductions (MPI_Iallreduce) of (units done, units, ranks finished, ranks
 * interrupted).
 *
 *   BallastProgress g;
 *   PetscCall(BallastProgressBegin(comm, "calibrate", "segments", my_units, &g));  // not collective
 *   for (...) { work; PetscCall(BallastProgressPoll(&g, my_done)); }              // cheap, local
 *   PetscCall(BallastProgressFinish(&g, my_done));                                // collective
 *
 * A rank starts round r+1 when round r has completed and at least BALLAST_PROGRESS_EVERY seconds
 * have passed; a rank that has finished keeps taking part in rounds (reporting itself finished) in
 * Finish until a round in which every rank is finished, so every rank makes the same reductions in
 * the same order. Finish must be reached on every path, errors included: record a failure, stop
 * the work, call Finish, then agree on the failure (BallastAgreeError). A round's counts are each
 * rank's at the time it joined the round (the figure lags by at most one interval); the rate is the
 * units done over all ranks per second of wall time since Begin, the time left the remaining units
 * at that rate. Nothing is printed for a phase shorter than the interval. */
#ifndef BALLAST_PROGRESS_H
#define BALLAST_PROGRESS_H
#include <ballast/ballast.h>

#define BALLAST_PROGRESS_EVERY 5.0 /* seconds between two progress lines */

typedef struct {
  MPI_Comm    comm;
  PetscMPIInt rank, size;
  MPI_Request req;
  int         active;
  int64_t     total; /* this rank's units */
  int64_t     send[4], recv[4]; /* done, units, ranks finished, ranks interrupted */
  /* interruption (checkpoint, docs/checkpoint.md): set `requested` after Begin to this rank's
   * signal flag (returns the signal number or 0); the flag rides on the rounds, a rank that sees it
   * starts a round at once, and `stop` is set on every rank once a completed round reports it */
  int       (*requested)(int64_t);
  int         sent_flag, stop, signo;
  double      t0, last, every;
  double      scale; /* units shown divided by scale (default 1; e.g. bytes as MB: 1e6) */
  char        phase[32], unit[32];
} BallastProgress;

/* Not collective: starts the clock; `total` is this rank's number of units. */
PetscErrorCode BallastProgressBegin(MPI_Comm comm, const char *phase, const char *unit, int64_t total, BallastProgress *g);
/* Not collective in effect (non-blocking): this rank has done `done` of its units. */
PetscErrorCode BallastProgressPoll(BallastProgress *g, int64_t done);
/* Collective: this rank is done (`done` units, on success its total); returns when every rank is. */
PetscErrorCode BallastProgressFinish(BallastProgress *g, int64_t done);

#endif
