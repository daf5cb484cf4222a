/* `ballast convert CONFIG --out STORE.nc`: the configuration's contract files, loaded and
 * validated exactly as `ballast run` loads them (same messages, same exit codes), written as one
 * columnar NetCDF-4 contract store (src/io/contracts_store.c, docs/store.md) that later runs
 * read by hyperslab instead of parsing the CSV again. Runs on any number of ranks. */
#include <ballast/commands.h>
#include <ballast/io.h>
#include <ballast/run.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#ifndef BALLAST_GIT_COMMIT
#define BALLAST_GIT_COMMIT "unknown"
#endif

PetscErrorCode BallastCmdConvert(int argc, char **argv)
{
  const char       *config = NULL, *out = NULL;
  PetscBool         help = PETSC_FALSE, deflate = PETSC_FALSE;
  BallastRunContext ctx;
  PetscFunctionBeginUser;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) help = PETSC_TRUE;
    else if (!strcmp(argv[i], "--deflate")) deflate = PETSC_TRUE;
    else if (!strcmp(argv[i], "--out") || !strcmp(argv[i], "--output")) {
      PetscCheck(i + 1 < argc, PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "%s needs a file name (the store to write)", argv[i]);
      out = argv[++i];
    } else if (argv[i][0] == '-') SETERRQ(PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "unknown option '%s' (see ballast convert --help)", argv[i]);
    else {
      PetscCheck(!config, PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "one configuration file expected, got '%s' and '%s'", config, argv[i]);
      config = argv[i];
    }
  }
  if (help) {
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "usage: ballast convert CONFIG --out STORE.nc [--deflate]\n"
                                            "  Loads and validates the contract files of CONFIG exactly as `ballast run` does (same errors,\n"
                                            "  exit 3 for bad data) and writes them as one columnar NetCDF-4 contract store. A configuration\n"
                                            "  whose input.contracts names the store runs without parsing CSV, with the same results\n"
                                            "  (docs/store.md). Runs under mpirun on any number of ranks; the store is the same.\n"
                                            "  --deflate  compress the per-contract variables (about 4x smaller, slower to read)\n"
                                            "  Exit 0 written, 2 usage or configuration error, 3 bad input data, 5 cannot write.\n"));
    PetscFunctionReturn(0);
  }
  PetscCheck(config, PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "usage: ballast convert CONFIG --out STORE.nc (see --help)");
  PetscCheck(out, PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "ballast convert: --out STORE.nc is required (the store to write)");
  double t0 = MPI_Wtime();
  PetscCall(BallastRunSetup(PETSC_COMM_WORLD, config, &ctx));
  PetscCheck(!ctx.cfg.contracts_store, PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "%s: input.contracts names a contract store (%s) already: convert reads CSV files", config, ctx.cfg.contracts_store);
  double t1 = MPI_Wtime();
  PetscCall(BallastRunHashInputs(&ctx));
  int64_t bytes = 0, n = 0, nloc = (int64_t)ctx.contracts->n;
  PetscCall(BallastContractsStoreWrite(&ctx, out, "ballast " BALLAST_VERSION " (" BALLAST_GIT_COMMIT ")", deflate, &bytes));
  double t2 = MPI_Wtime();
  PetscCallMPI(MPI_Allreduce(&nloc, &n, 1, MPI_INT64_T, MPI_SUM, ctx.comm));
  PetscCall(PetscPrintf(ctx.comm, "%s: %" PRId64 " contracts in %" PetscInt_FMT " portfolios from %" PetscInt_FMT " file%s -> %s: %" PRId64 " bytes (%.1f per contract); load %.2f s, write %.2f s; %d rank%s\n", config, n,
                        ctx.contracts->nportfolios, ctx.cfg.ncontract_files, ctx.cfg.ncontract_files == 1 ? "" : "s", out, bytes, n ? (double)bytes / (double)n : 0.0, t1 - t0, t2 - t1, ctx.size,
                        ctx.size > 1 ? "s" : ""));
  PetscCall(BallastRunTeardown(&ctx));
  PetscFunctionReturn(0);
}
