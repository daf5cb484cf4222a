/* Subcommands of the `ballast` executable. Each is Collective on PETSC_COMM_WORLD, parses its own
 * arguments (argv[0] is the subcommand name) and returns a PetscErrorCode whose class gives the
 * exit status (BallastExitCode). They live in the library so tests can drive them directly. */
#ifndef BALLAST_COMMANDS_H
#define BALLAST_COMMANDS_H

#include <ballast/ballast.h>

PetscErrorCode BallastCmdRun(int argc, char **argv);
PetscErrorCode BallastCmdValidate(int argc, char **argv);
PetscErrorCode BallastCmdEvents(int argc, char **argv);
PetscErrorCode BallastCmdGenerate(int argc, char **argv);
/* `ballast events CONFIG --contract ID [--scenario NAME] [--contractual]` (src/app/events_config.c):
 * the events printer as a consumer of the projection driver (the `--actus` branch is
 * BallastCmdEvents itself, src/app/events.c). */
PetscErrorCode BallastEventsFromConfig(int argc, char **argv);
PetscErrorCode BallastCmdReport(int argc, char **argv); /* src/app/report.c: runs scripts/alco/report.py */
/* `ballast combine OUT PART...` (src/app/combine.c): the parts of a stress-scenario array
 * (`ballast run --scenario-set K/N`) into the one alm.nc of a single run (docs/cluster.md). */
PetscErrorCode BallastCmdCombine(int argc, char **argv);
/* `ballast convert CONFIG --out STORE.nc` (src/run/convert.c): the contract files as one columnar
 * NetCDF-4 contract store (docs/store.md). */
PetscErrorCode BallastCmdConvert(int argc, char **argv);

/* The full command line as one string (for provenance), set by main. */
extern char BallastCommandLine[4096];

#endif
