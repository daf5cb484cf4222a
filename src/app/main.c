/* ballast: the thin executable. PETSc is the program's entry so PETSc options (-log_view,
 * -tao_*) work for every subcommand; the work is in the library (include/ballast/commands.h). */
#include <ballast/commands.h>
#include <stdio.h>
#include <string.h>

static const char help[] = "Ballast: asset & liability management engine.\n";

static void usage(FILE *f)
{
  fprintf(f, "usage: ballast COMMAND [ARGS] [PETSc options]\n"
             "  run CONFIG [--output DIR] [--position-detail]   the batch job: results in <output>/alm.nc\n"
             "  validate CONFIG                                 load and check every input, print control totals\n"
             "  events --actus FILE.json [--case ID]            ACTUS test-case events as CSV\n"
             "  events CONFIG --contract ID [--scenario NAME]   one contract's projected events as CSV\n"
             "  report RESULTS_DIR [--compare PREVIOUS_DIR]     the ALCO pack: RESULTS_DIR/alco/index.html, PNG, CSV\n"
             "  generate --contracts N --portfolios P --seed S --out DIR   synthetic balance sheet\n"
             "Every command has --help.\n");
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;
  PetscMPIInt    rank;

  ierr = PetscInitialize(&argc, &argv, NULL, help);
  if (ierr) return 1;
  /* Errors come back as codes; main prints one clear line instead of a stack of traces. */
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  size_t off = 0;
  for (int i = 0; i < argc && off < sizeof(BallastCommandLine) - 1; i++)
    off += (size_t)snprintf(BallastCommandLine + off, sizeof(BallastCommandLine) - off, "%s%s", i ? " " : "", argv[i]);

  const char *cmd = argc > 1 ? argv[1] : NULL;
  if (!cmd || !strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    if (rank == 0) usage(cmd ? stdout : stderr);
    PetscFinalize();
    return cmd ? 0 : BALLAST_EXIT_USAGE;
  }
  if (!strcmp(cmd, "--version")) {
    if (rank == 0) printf("ballast %s\n", BALLAST_VERSION);
    PetscFinalize();
    return 0;
  }
  if (!strcmp(cmd, "run")) ierr = BallastCmdRun(argc - 1, argv + 1);
  else if (!strcmp(cmd, "validate")) ierr = BallastCmdValidate(argc - 1, argv + 1);
  else if (!strcmp(cmd, "events")) ierr = BallastCmdEvents(argc - 1, argv + 1);
  else if (!strcmp(cmd, "generate")) ierr = BallastCmdGenerate(argc - 1, argv + 1);
  else if (!strcmp(cmd, "report")) ierr = BallastCmdReport(argc - 1, argv + 1);
  else {
    if (rank == 0) {
      fprintf(stderr, "ballast: unknown command '%s'\n", cmd);
      usage(stderr);
    }
    PetscFinalize();
    return BALLAST_EXIT_USAGE;
  }
  int status = BallastExitCode(ierr);
  if (ierr) {
    const char *text = NULL;
    char       *specific = NULL;
    PetscErrorMessage(ierr, &text, &specific);
    if (rank == 0) {
      fprintf(stderr, "ballast %s: error: %s\n", cmd, specific && specific[0] ? specific : (text ? text : "failed"));
      fflush(stderr);
    }
  }
  PetscFinalize();
  return status;
}
