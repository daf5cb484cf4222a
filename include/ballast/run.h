/* The batch job's phases, shared by `run`, `validate` and `events CONFIG`. */
#ifndef BALLAST_RUN_H
#define BALLAST_RUN_H

#include <ballast/behaviour.h>
#include <ballast/config.h>
#include <ballast/contracts.h>
#include <ballast/curve.h>
#include <ballast/regime.h>
#include <ballast/results.h>

typedef struct {
  MPI_Comm          comm;
  PetscMPIInt       rank, size;
  BallastConfig     cfg;
  BallastMarketData market;
  BallastContracts  contracts;
  BallastRegime    *regime;  /* NULL when the configuration names none */
  double            t_start; /* MPI_Wtime at start */
  /* SHA-256 of every input file: contracts (in configuration order), curves, fx, regime, then every other file read */
  PetscInt          ninputs;
  char            **input_path;
  char            (*input_sha)[65];
} BallastRunContext;

/* Collective: configuration, market data, contracts (all validated). */
PetscErrorCode BallastRunSetup(MPI_Comm comm, const char *config_path, BallastRunContext *ctx);
PetscErrorCode BallastRunTeardown(BallastRunContext *ctx);
/* Collective: every contract of cs within run.max_events_per_contract, else BALLAST_ERR_INPUT on
 * every rank naming each contract's file (cfg->contract_files) and line. */
PetscErrorCode BallastRunCheckEventBound(MPI_Comm comm, const BallastConfig *cfg, BallastContracts cs);
/* Collective: SHA-256 of every input file, hashed in parallel (file i on rank i mod size):
 * contracts, curves, fx, regime (in this order, first), then the user scenarios' curve files, the
 * behaviour histories of beh (may be NULL) and nextra further files (e.g. the contract files of
 * management actions), each path once. Replaces an earlier list. */
PetscErrorCode BallastRunHashInputs(BallastRunContext *ctx);
PetscErrorCode BallastRunHashInputsEx(BallastRunContext *ctx, const BallastBehaviour *beh, PetscInt nextra, const char *const *extra);
/* Collective: control totals per portfolio and currency, reduced exactly to rank 0 (every
 * portfolio is summed whole, in file order, by its owner). Arrays are [portfolio][currency]
 * with currency ids of the market data; valid on rank 0. */
PetscErrorCode BallastRunControlTotals(BallastRunContext *ctx, double **notional, int64_t **count);
/* Add dimensions portfolio and currency and the provenance attributes. */
PetscErrorCode BallastRunResultsBase(BallastRunContext *ctx, BallastResults res);

/* Collective: load the behaviour configuration and histories, calibrate (PETSc/TAO across the
 * ranks), round the parameters (bitwise the same on any number of ranks); view prints them. */
PetscErrorCode BallastRunBehaviour(BallastRunContext *ctx, PetscBool view, BallastBehaviour *beh);
/* Not collective: map the store's segment ids to calibrated segments (-1 = none); PetscFree it. */
PetscErrorCode BallastRunSegmentMap(BallastRunContext *ctx, const BallastBehaviour *beh, PetscInt **seg_of);

/* Collective: contracts.nc with pv(scenario, contract), written in parallel (src/io/contracts_nc.c):
 * each rank writes the slices of the portfolios it owns; contracts ordered by (portfolio, file,
 * line), so the file is the same on any number of ranks. pv is [nscen][local contracts]. */
PetscErrorCode BallastWriteContractsNC(BallastRunContext *ctx, PetscInt nscen, const double *pv, const char *path);

#endif
