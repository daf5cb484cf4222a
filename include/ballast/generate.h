/* `ballast generate`: a synthetic, realistic balance sheet of a mid-size European bank in the
 * input format of ../shared/spec/contracts.md (contracts CSV, curves.csv, fx.csv) plus run.cfg,
 * deterministic for a seed whatever the number of MPI ranks. Proportions and conventions are
 * documented in src/generate/recipe.c (what the balance sheet looks like), src/generate/draw.c
 * (how one contract is drawn) and docs/generator.md; src/generate/gen_impl.h maps the files. */
#ifndef BALLAST_GENERATE_H
#define BALLAST_GENERATE_H

#include <ballast/ballast.h>
#include <ballast/date.h>

/* Default size of one contract shard: more contracts than this are written as
 * contracts-000.csv, contracts-001.csv, ... of this many rows each (the last may be shorter). */
#define BALLAST_GENERATE_SHARD_ROWS 1000000

typedef struct {
  int64_t     ncontracts;  /* --contracts N (required, > 0) */
  int64_t     nportfolios; /* --portfolios P (default 24) */
  uint64_t    seed;        /* --seed S (default 1) */
  BallastDate as_of;       /* --as-of YYYY-MM-DD (default 2026-10-30): statusDate of every contract */
  int64_t     shard_rows;  /* --shard-rows R (default BALLAST_GENERATE_SHARD_ROWS) */
  char       *out;         /* --out DIR (required; created if missing) */
  char       *results;     /* --results DIR: output.dir written in run.cfg (default "results") */
  char       *regime;      /* regime key of run.cfg: --regime PATH (from the current directory) or the default, absolute */
  char       *command;     /* the command line, echoed in run.cfg */
} BallastGenerateOptions;

/* Collective (every rank parses the same argv and reaches the same verdict). argv[0] is
 * "generate". Usage errors return BALLAST_ERR_USAGE with a message naming the option; *help is
 * set when --help was given (nothing else is checked then). Free with BallastGenerateOptionsFree. */
PetscErrorCode BallastGenerateOptionsParse(MPI_Comm comm, int argc, char **argv, BallastGenerateOptions *opt, PetscBool *help);
PetscErrorCode BallastGenerateOptionsFree(BallastGenerateOptions *opt);

/* Collective. Generates the balance sheet into opt->out: contracts are generated in parallel (each
 * row is a pure function of seed and row number) and written with MPI-IO; the bytes of every file
 * are identical on any number of ranks. Files are written under a temporary name and renamed.
 * I/O failures return BALLAST_ERR_IO on every rank. Rank 0 prints what it wrote. */
PetscErrorCode BallastGenerate(MPI_Comm comm, const BallastGenerateOptions *opt);

#endif
