/* ballast: the thin executable. PETSc is the program's entry so PETSc options (-log_view,
 * -tao_*) work for every subcommand; the work is in the library (include/ballast/commands.h). */
#include <ballast/commands.h>
#include <petsctao.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const char help[] = "Ballast: asset & liability management engine.\n";

static void usage(FILE *f)
{
  fprintf(f, "usage: ballast COMMAND [ARGS] [PETSc options]\n"
             "  run CONFIG [--output DIR] [--position-detail] [--cash-flows] [--scenario-set K/N]\n"
             "                                                  the batch job: results in <output>/alm.nc\n"
             "  combine OUT PART...                             a stress array's parts (--scenario-set) into OUT/alm.nc\n"
             "  validate CONFIG                                 load and check every input, print control totals\n"
             "  convert CONFIG --out STORE.nc                   the contract files as one NetCDF-4 contract store\n"
             "  events --actus FILE.json [--case ID]            ACTUS test-case events as CSV\n"
             "  events CONFIG --contract ID [--scenario NAME]   one contract's projected events as CSV\n"
             "  report RESULTS_DIR [--compare PREVIOUS_DIR]     the ALCO pack: RESULTS_DIR/alco/index.html, PNG, CSV\n"
             "  generate --contracts N --portfolios P --seed S --out DIR   synthetic balance sheet\n"
             "Every command has --help. Progress on stderr, results on stdout; PETSc options (-log_view,\n"
             "-tao_* for every calibration solve, -prepay_tao_*, -nmd_tao_* for one kind) are checked: one\n"
             "nothing reads is an error (exit 2).\n");
}

/* PETSc options nothing reads are misspellings (-tao_monitr, -prepay_tao_monitr) or options of no
 * object of Ballast. Unprefixed -tao_* options apply to both calibration solvers (-prepay_tao_*,
 * -nmd_tao_*). Checked before any
 * work: solvers configured as the calibration configures them read their options here (and are
 * destroyed), PETSc's start-up options (-log_view, -malloc_debug, ...) were read by
 * PetscInitialize; whatever is left is an error naming it (exit 2). Collective. */
static PetscErrorCode check_petsc_options(const char *cmd, int argc, char **argv)
{
  Tao       tao, sub;
  PetscInt  n;
  char    **names, **values;
  PetscFunctionBeginUser;
  /* An unprefixed -tao_* option (interfaces.md: -tao_monitor passes through) applies to every TAO
   * solve of the run: it is copied to both calibration prefixes where they do not set it themselves,
   * and counts as read. */
  char copied[2048] = ","; /* ",name,name," of the unprefixed options copied */
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n; i++) {
    if (strncmp(names[i], "tao_", 4)) continue;
    if (strlen(copied) + strlen(names[i]) + 2 < sizeof copied) strcat(strcat(copied, names[i]), ",");
    static const char *prefix[] = {"prepay_", "nmd_"};
    char               opt[512];
    PetscBool          has;
    for (int k = 0; k < 2; k++) {
      snprintf(opt, sizeof opt, "-%s%s", prefix[k], names[i]);
      PetscCall(PetscOptionsHasName(NULL, NULL, opt, &has));
      if (!has) PetscCall(PetscOptionsSetValue(NULL, opt, values[i]));
    }
    snprintf(opt, sizeof opt, "-%s", names[i]);
    PetscCall(PetscOptionsHasName(NULL, NULL, opt, &has)); /* marks it read */
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscCall(TaoCreate(PETSC_COMM_WORLD, &tao));
  PetscCall(TaoSetType(tao, TAOBRGN));
  PetscCall(TaoSetOptionsPrefix(tao, "prepay_"));
  PetscCall(TaoBRGNGetSubsolver(tao, &sub));
  PetscCall(TaoSetOptionsPrefix(sub, "prepay_tao_brgn_subsolver_"));
  PetscCall(TaoSetFromOptions(tao));
  PetscCall(TaoDestroy(&tao));
  PetscCall(TaoCreate(PETSC_COMM_WORLD, &tao));
  PetscCall(TaoSetType(tao, TAOPDIPM));
  PetscCall(TaoSetOptionsPrefix(tao, "nmd_"));
  PetscCall(TaoSetFromOptions(tao));
  PetscCall(TaoDestroy(&tao));
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  char     list[1024] = "";
  PetscInt left       = 0;
  for (PetscInt i = 0; i < n; i++) {
    /* PETSc also takes in --name and -h: those are the subcommand's own (it rejects unknown ones) */
    int own = !strcmp(names[i], "h");
    for (int k = 1; k < argc && !own; k++) own = argv[k][0] == '-' && argv[k][1] == '-' && !strcmp(argv[k] + 1, names[i]);
    if (own) continue;
    /* a copy of an unprefixed -tao_* option that no solver read: report the option as given, once */
    const char *nm = names[i];
    char        key[512];
    if (!strncmp(nm, "prepay_tao_", 11) || !strncmp(nm, "nmd_tao_", 8)) {
      const char *base = strchr(nm, '_') + 1;
      snprintf(key, sizeof key, ",%s,", base);
      if (strstr(copied, key)) {
        if (!strncmp(nm, "nmd_", 4)) {
          char pp[512];
          snprintf(pp, sizeof pp, "prepay_%s", base);
          int dup = 0;
          for (PetscInt j = 0; j < n; j++) dup = dup || !strcmp(names[j], pp);
          if (dup) continue; /* reported with its prepay_ copy */
        }
        nm = base;
      }
    }
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s-%s", left ? ", " : "", nm);
    left++;
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  n = left;
  PetscCheck(n == 0, PETSC_COMM_WORLD, BALLAST_ERR_USAGE,
             "unknown option%s %s: no PETSc object of ballast %s reads %s (misspelt? the calibration's solvers take -prepay_tao_* and -nmd_tao_*; see ballast %s --help)", n > 1 ? "s" : "", list, cmd,
             n > 1 ? "them" : "it", cmd);
  PetscFunctionReturn(0);
}

/* Ballast's own stages in -log_view (pushed by src/run and src/projection). */
static PetscErrorCode register_stages(void)
{
  PetscLogStage st;
  const char   *names[] = {"load", "calibrate", "project", "reduce", "write"};
  PetscFunctionBeginUser;
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) PetscCall(PetscLogStageRegister(names[k], &st));
  PetscFunctionReturn(0);
}

/* stdout closed by the reader (ballast ... | head): a quiet end, not an error */
static int stdout_gone(void)
{
  if (fflush(stdout) == 0 && !ferror(stdout)) return 0;
  return errno == EPIPE || ferror(stdout);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;
  PetscMPIInt    rank;

  ierr = PetscInitialize(&argc, &argv, NULL, help);
  if (ierr) return 1;
  /* a closed pipe on stdout (| head) must not kill the run through PETSc's signal handler (exit
   * 59 and a trace): ignored, the write fails with EPIPE and the end is quiet (stdout_gone) */
  signal(SIGPIPE, SIG_IGN);
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
  int known = !strcmp(cmd, "run") || !strcmp(cmd, "validate") || !strcmp(cmd, "events") || !strcmp(cmd, "generate") || !strcmp(cmd, "report") || !strcmp(cmd, "combine") || !strcmp(cmd, "convert");
  ierr      = known ? register_stages() : 0;
  if (!ierr && known) ierr = check_petsc_options(cmd, argc, argv);
  if (ierr) ;
  else if (!strcmp(cmd, "run")) ierr = BallastCmdRun(argc - 1, argv + 1);
  else if (!strcmp(cmd, "validate")) ierr = BallastCmdValidate(argc - 1, argv + 1);
  else if (!strcmp(cmd, "events")) ierr = BallastCmdEvents(argc - 1, argv + 1);
  else if (!strcmp(cmd, "generate")) ierr = BallastCmdGenerate(argc - 1, argv + 1);
  else if (!strcmp(cmd, "report")) ierr = BallastCmdReport(argc - 1, argv + 1);
  else if (!strcmp(cmd, "combine")) ierr = BallastCmdCombine(argc - 1, argv + 1);
  else if (!strcmp(cmd, "convert")) ierr = BallastCmdConvert(argc - 1, argv + 1);
  else {
    if (rank == 0) {
      fprintf(stderr, "ballast: unknown command '%s'\n", cmd);
      usage(stderr);
    }
    PetscFinalize();
    return BALLAST_EXIT_USAGE;
  }
  int status = BallastExitCode(ierr);
  if (stdout_gone()) {
    /* the reader has what it wanted: no message, status 0 (a failure before is still reported) */
    if (!ierr) status = 0;
    else if (ierr) {
      const char *text = NULL;
      char       *specific = NULL;
      PetscErrorMessage(ierr, &text, &specific);
      if (rank == 0 && !(specific && strstr(specific, "Broken pipe"))) fprintf(stderr, "ballast %s: error: %s\n", cmd, specific && specific[0] ? specific : (text ? text : "failed"));
    }
    PetscFinalize();
    return ierr ? status : 0;
  }
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
