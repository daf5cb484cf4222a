/* `ballast events`: the dispatch of the subcommand. `--actus FILE.json` prints the engine's
 * events of ACTUS test cases (read by src/io/actus_json.c); `CONFIG --contract ID` is
 * BallastEventsFromConfig (include/ballast/commands.h). */
#include <ballast/actus_case.h>
#include <ballast/commands.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const char  *id;
  BallastNames names;
} PrintCtx;

static void print_event(void *ctx, const BallastEvent *ev)
{
  PrintCtx *p = ctx;
  char      d[11];
  BallastDateFormat(ev->date, d);
  (void)p->names;
  printf("%s,%s,%s,%.17g,%.17g,%.17g,%.17g\n", p->id, d, BallastEventTypeName(ev->type), ev->payoff, ev->notional, ev->rate, ev->accrued);
}

static const char events_usage[] = "usage: ballast events --actus FILE.json [--case ID]\n"
                                   "  Runs ACTUS test cases through the engine (their dataObserved serve the rate resets) and\n"
                                   "  prints case,eventDate,eventType,payoff,notionalPrincipal,nominalInterestRate,accruedInterest\n"
                                   "usage: ballast events CONFIG --contract ID [--scenario NAME] [--contractual]\n"
                                   "  The cash-flow audit: one contract of the run's balance sheet, exactly as the consumers\n"
                                   "  see it, with two more columns: stream (contractual | behavioural) and filter (the filter\n"
                                   "  that made the row: contractual, synthetic_call, cash_on_demand, prepayment,\n"
                                   "  early_redemption, deposit_slotting). See ballast events CONFIG --help.\n";

/* Rank 0's part of `ballast events --actus`. Not collective. */
static PetscErrorCode events_actus_serial(const char *file, const char *want)
{
  BallastActusFile f;
  PetscFunctionBeginUser;
  PetscCall(BallastActusFileOpen(file, &f));
  PetscBool found = PETSC_FALSE;
  for (PetscInt i = 0; want && i < BallastActusFileCount(f); i++) found = found || !strcmp(want, BallastActusCaseId(f, i));
  if (want && !found) {
    PetscCall(BallastActusFileClose(&f));
    SETERRQ(PETSC_COMM_SELF, BALLAST_ERR_USAGE, "no case '%s' in %s", want, file);
  }
  printf("case,eventDate,eventType,payoff,notionalPrincipal,nominalInterestRate,accruedInterest\n");
  for (PetscInt i = 0; i < BallastActusFileCount(f); i++) {
    BallastActusCase c;
    if (want && strcmp(want, BallastActusCaseId(f, i))) continue;
    found = PETSC_TRUE;
    PetscCall(BallastActusCaseLoad(f, i, &c));
    PrintCtx p = {c.id, c.names};
    PetscCall(BallastActusCaseRun(&c, print_event, &p));
    PetscCall(BallastActusCaseFree(&c));
  }
  PetscCall(BallastActusFileClose(&f));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastCmdEvents(int argc, char **argv)
{
  const char      *file = NULL, *want = NULL;
  PetscMPIInt      rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      /* with a configuration, the config form's own help */
      if (argc > 1 && argv[1][0] != '-') break;
      if (rank == 0) printf("%s", events_usage);
      PetscFunctionReturn(0);
    }
  if (argc < 2 || strcmp(argv[1], "--actus")) {
    PetscCall(BallastEventsFromConfig(argc, argv));
    PetscFunctionReturn(0);
  }
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--actus")) {
      PetscCheck(i + 1 < argc, PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "--actus needs a FILE.json\n%s", events_usage);
      file = argv[++i];
    } else if (!strcmp(argv[i], "--case")) {
      PetscCheck(i + 1 < argc, PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "--case needs an ID\n%s", events_usage);
      want = argv[++i];
    } else SETERRQ(PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "unknown argument '%s'\n%s", argv[i], events_usage);
  }
  /* small, serial work: rank 0 reads and prints; then every rank learns its status, so the
   * command exits the same way on every rank (design.md invariant 5) */
  PetscErrorCode ierr = 0;
  if (rank == 0) ierr = events_actus_serial(file, want);
  PetscCall(BallastAgreeError(PETSC_COMM_WORLD, ierr, NULL));
  PetscFunctionReturn(0);
}
