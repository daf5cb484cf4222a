/* Progress summed over the ranks (include/ballast/progress.h). */
#include <ballast/progress.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

PetscErrorCode BallastProgressBegin(MPI_Comm comm, const char *phase, const char *unit, int64_t total, BallastProgress *g)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(g, sizeof *g));
  g->comm  = comm;
  g->total = total;
  PetscCallMPI(MPI_Comm_rank(comm, &g->rank));
  PetscCallMPI(MPI_Comm_size(comm, &g->size));
  PetscCall(PetscStrncpy(g->phase, phase, sizeof g->phase));
  PetscCall(PetscStrncpy(g->unit, unit, sizeof g->unit));
  g->t0 = g->last = MPI_Wtime();
  g->every        = BALLAST_PROGRESS_EVERY;
  g->scale        = 1.0;
  {
    /* BALLAST_PROGRESS_EVERY=seconds in the environment overrides the interval (tests use 0: a
     * round at every poll, so that the rounds themselves are exercised) */
    const char *e = getenv("BALLAST_PROGRESS_EVERY");
    if (e && *e) g->every = atof(e);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode report(BallastProgress *g)
{
  PetscFunctionBeginUser;
  double el = MPI_Wtime() - g->t0;
  if (g->rank == 0 && g->recv[2] < g->size && g->recv[0] > 0 && g->recv[0] < g->recv[1] && el > 0) { /* no line before a rate is known */
    double rate = (double)g->recv[0] / el;
    PetscCall(PetscFPrintf(PETSC_COMM_SELF, PETSC_STDERR, "%s: %5.1f %% of %.0f %s (all ranks), %.0f %s/s, about %.0f s left\n", g->phase, 100.0 * (double)g->recv[0] / (double)g->recv[1], (double)g->recv[1] / g->scale,
                           g->unit, rate / g->scale, g->unit, rate > 0 ? (double)(g->recv[1] - g->recv[0]) / rate : 0.0));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastProgressPoll(BallastProgress *g, int64_t done)
{
  int flag = 0;
  PetscFunctionBeginUser;
  if (g->active) {
    PetscCallMPI(MPI_Test(&g->req, &flag, MPI_STATUS_IGNORE));
    if (!flag) PetscFunctionReturn(0);
    g->active = 0;
    if (g->recv[3] > 0) g->stop = 1;
    PetscCall(report(g));
  }
  double now = MPI_Wtime();
  int    sig = g->requested ? g->requested(done) : 0;
  /* a signal starts a round at once (the others join at their next poll): no wait for the interval */
  if (now - g->last < g->every && !(sig && !g->sent_flag)) PetscFunctionReturn(0);
  if (sig && !g->sent_flag) {
    g->sent_flag = 1;
    g->signo     = sig;
    PetscCall(PetscFPrintf(PETSC_COMM_SELF, PETSC_STDERR, "%s: rank %d: signal %d: finishing the portfolio at hand, then a checkpoint\n", g->phase, (int)g->rank, sig));
  }
  g->last    = now;
  g->send[0] = done;
  g->send[1] = g->total;
  g->send[2] = 0;
  g->send[3] = sig ? 1 : 0;
  PetscCallMPI(MPI_Iallreduce(g->send, g->recv, 4, MPI_INT64_T, MPI_SUM, g->comm, &g->req));
  g->active = 1;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastProgressFinish(BallastProgress *g, int64_t done)
{
  PetscFunctionBeginUser;
  if (g->active) {
    PetscCallMPI(MPI_Wait(&g->req, MPI_STATUS_IGNORE));
    g->active = 0;
    if (g->recv[2] == g->size) PetscFunctionReturn(0);
    PetscCall(report(g));
  }
  for (;;) {
    g->send[0] = done;
    g->send[1] = g->total;
    g->send[2] = 1;
    g->send[3] = 0;
    PetscCallMPI(MPI_Iallreduce(g->send, g->recv, 4, MPI_INT64_T, MPI_SUM, g->comm, &g->req));
    PetscCallMPI(MPI_Wait(&g->req, MPI_STATUS_IGNORE));
    if (g->recv[2] == g->size) break;
    PetscCall(report(g));
  }
  PetscFunctionReturn(0);
}
