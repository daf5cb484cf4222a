/* `ballast events CONFIG --contract ID [--scenario NAME] [--contractual]`: the cash-flow audit.
 * The events printer is one more consumer on the run's projection driver (src/projection), so it
 * prints exactly what the metrics consume: the contractual stream and, where a behavioural filter
 * applies, the behavioural stream, each row labelled with its stream and the filter that made it. */
#include <ballast/commands.h>
#include <ballast/irrbb.h>
#include <ballast/irrbb_run.h>
#include <ballast/liquidity.h>
#include <ballast/projection.h>
#include <ballast/run.h>
#include <ballast/text.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  BallastText text;
  const char *id;
  int         behavioural; /* print the behavioural stream of the current contract */
  /* valuation of each row under the scenario, as the driver values the behavioural stream */
  BallastDate           as_of;
  const BallastDFTable *df;
  PetscInt              kdisc;
  int32_t               ccy;
  const PetscInt       *disc_curve;
  const double         *fx;
  BallastIRRBBSetup     irrbb;      /* bucket_hi for BallastIRRBBBucket */
  PetscInt              nladder;
  const PetscInt       *ladder_end;
} Printer;

/* The shortest of %.15g, %.16g, %.17g that reads back as the same double (0.0345, not
 * 0.034500000000000003); NaN and infinities as printf writes them. */
static const char *num(char *buf, size_t n, double x)
{
  if (!isfinite(x)) {
    snprintf(buf, n, "%g", x);
    return buf;
  }
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, n, "%.*g", prec, x);
    if (strtod(buf, NULL) == x) break;
  }
  return buf;
}

static unsigned printer_subscribe(void *ctx, PetscInt v)
{
  (void)ctx;
  return v == 0 ? BALLAST_TAKE_VALUE | BALLAST_TAKE_CONTRACTUAL | BALLAST_TAKE_EVENTS : 0;
}

static PetscErrorCode printer_begin(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  Printer *o = (Printer *)ctx;
  o->df      = var->df;
  o->kdisc   = pc->kdisc;
  o->ccy     = (int32_t)pc->c;
  /* without a behavioural filter the behavioural stream is the contractual one: printed once */
  o->behavioural = pc->behavioural != BALLAST_FILTER_CONTRACTUAL;
  return 0;
}

static void printer_event(void *ctx, const BallastEvent *ev, int label)
{
  Printer *o      = (Printer *)ctx;
  int      stream = BALLAST_LABEL_STREAM(label);
  char     d[11], a[32], b[32], c[32], e[32], f[32] = "", g[32];
  if (stream == BALLAST_STREAM_BEHAVIOURAL && !o->behavioural) return;
  BallastDateFormat(ev->date, d);
  /* the driver's valuation of the event (src/projection/projection.c), bucket indices as in
   * cashflows.nc; on or before the as-of date: no discount factor, PV 0, buckets -1 */
  double   pv = 0.0;
  PetscInt ib = -1, lb = -1, days = ev->date - o->as_of;
  if (days > 0) {
    double df, fx = 1.0;
    if (ev->currency == o->ccy || ev->currency < 0) df = BallastDFTableGet(o->df, o->kdisc, ev->date);
    else {
      PetscInt kd = o->disc_curve[ev->currency];
      fx          = o->fx[ev->currency] / o->fx[o->ccy];
      df          = BallastDFTableGet(o->df, kd >= 0 ? kd : o->kdisc, ev->date);
    }
    if (ev->payoff != 0.0) pv = ev->payoff * fx * df;
    num(f, sizeof f, df);
    ib = BallastIRRBBBucket(&o->irrbb, (double)days / 365.0);
    lb = o->nladder;
    for (PetscInt k = 0; k < o->nladder; k++)
      if (days <= o->ladder_end[k]) {
        lb = k;
        break;
      }
  }
  BallastTextPrintf(&o->text, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%" PetscInt_FMT ",%" PetscInt_FMT "\n", o->id, d, BallastEventTypeName(ev->type), num(a, sizeof a, ev->payoff),
                    num(b, sizeof b, ev->notional), num(c, sizeof c, ev->rate), num(e, sizeof e, ev->accrued), BallastStreamName(stream), BallastFilterName(BALLAST_LABEL_FILTER(label)), f,
                    num(g, sizeof g, pv), ib, lb);
}

#define HEADER "case,eventDate,eventType,payoff,notionalPrincipal,nominalInterestRate,accruedInterest,stream,filter,discountFactor,presentValue,irrbbBucket,ladderBucket"

static const char usage[] = "usage: ballast events CONFIG --contract ID [--scenario NAME] [--contractual]\n"
                            "  Prints the projected events of one contract of the run's balance sheet as CSV\n"
                            "  " HEADER "\n"
                            "  (case = the contractID), under the named scenario (default base): the cash-flow audit.\n"
                            "  discountFactor, presentValue: the event on the discount curve of its currency under the\n"
                            "  scenario (PV in the contract's currency; empty and 0 on or before the as-of date),\n"
                            "  irrbbBucket, ladderBucket: indices of alm.nc's irrbb_bucket and ladder_bucket (-1: none),\n"
                            "  as in cashflows.nc (ballast run --cash-flows). Numbers with as many digits as they need.\n"
                            "  stream = contractual (the engine's events, or the synthetic call of a deposit without\n"
                            "  maturity, the on-demand repayment of a cash liability) or behavioural (through the\n"
                            "  behavioural filters of the contract's segment: prepayments as PP events, early\n"
                            "  redemption, deposit slotting), filter = the filter that made the row. The behavioural\n"
                            "  stream is printed where a filter applies, unless --contractual is given.\n"
                            "  ballast events --actus FILE.json [--case ID] runs ACTUS reference cases instead.\n";

PetscErrorCode BallastEventsFromConfig(int argc, char **argv)
{
  const char       *config = NULL, *id = NULL, *scen = "base";
  PetscBool         contractual = PETSC_FALSE;
  BallastRunContext ctx;
  BallastIRRBBRun   run;
  Printer           out;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&out, sizeof out));
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s", usage));
      PetscFunctionReturn(0);
    } else if (!strcmp(argv[i], "--contract")) {
      PetscCheck(i + 1 < argc, PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "--contract needs a contractID");
      id = argv[++i];
    } else if (!strcmp(argv[i], "--scenario")) {
      PetscCheck(i + 1 < argc, PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "--scenario needs a scenario name");
      scen = argv[++i];
    } else if (!strcmp(argv[i], "--contractual")) {
      contractual = PETSC_TRUE;
    } else if (argv[i][0] == '-' && argv[i][1] != '-') {
      if (i + 1 < argc && argv[i + 1][0] != '-') i++;
    } else if (argv[i][0] == '-') SETERRQ(PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "unknown option %s (see ballast events --help)", argv[i]);
    else {
      PetscCheck(!config, PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "one configuration file expected, got %s and %s", config, argv[i]);
      config = argv[i];
    }
  }
  PetscCheck(config && id, PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "usage: ballast events CONFIG --contract ID [--scenario NAME]");
  PetscCall(BallastRunSetup(PETSC_COMM_WORLD, config, &ctx));
  PetscCheck(ctx.regime, ctx.comm, BALLAST_ERR_USAGE, "%s: no regime configured", ctx.cfg.path);
  PetscInt v = -1;
  for (PetscInt s = 0; s < ctx.cfg.nscenarios; s++)
    if (!strcmp(ctx.cfg.scenarios[s], scen)) v = s;
  PetscCheck(v >= 0, ctx.comm, BALLAST_ERR_USAGE, "scenario '%s' is not among the scenarios of %s", scen, ctx.cfg.path);
  PetscCall(BallastIRRBBRunSetup(&ctx, ctx.regime, ctx.cfg.nuser, (BallastScenarioDef *)ctx.cfg.user, PETSC_FALSE, &run));
  BallastLiquidityParams lp;
  PetscCall(BallastLiquidityParamsLoad(ctx.comm, ctx.regime, &lp));
  BallastBehaviour beh;
  PetscInt        *seg_of = NULL;
  double           psc    = run.def[v].prepayment_scalar, tsc = run.def[v].term_deposit_scalar;
  if (contractual) PetscCall(BallastBehaviourLoad(ctx.comm, &ctx.cfg, ctx.regime, &beh)); /* checked, not applied */
  else PetscCall(BallastRunBehaviour(&ctx, PETSC_FALSE, &beh));
  if (beh.nseg > 0 && !contractual) {
    PetscCall(BallastRunSegmentMap(&ctx, &beh, &seg_of));
    run.beh           = &beh;
    run.seg_of        = seg_of;
  }
  PetscInt found = -1;
  for (PetscInt i = 0; i < ctx.contracts->n; i++)
    if (!strcmp(BallastContractsID(ctx.contracts, i), id)) found = i;
  int here = found >= 0, anywhere;
  PetscCallMPI(MPI_Allreduce(&here, &anywhere, 1, MPI_INT, MPI_SUM, ctx.comm));
  PetscCheck(anywhere, ctx.comm, BALLAST_ERR_USAGE, "contract '%s' is not in the balance sheet of %s", id, ctx.cfg.path);
  PetscErrorCode ierr = 0;
  char           why[1024] = "";
  if (here) {
    /* the run's driver restricted to the one variant asked for */
    BallastProjectionSetup ps;
    BallastProjection      proj = NULL;
    BallastContractSource  store;
    BallastSource          src;
    BallastConsumer        c = {.name = "events", .ctx = &out, .subscribe = printer_subscribe, .begin = printer_begin, .event = printer_event, .end = NULL, .merge = NULL};
    PetscCall(BallastIRRBBRunProjectionSetup(&ctx, &run, &ps));
    ps.nscen = ps.nvar = 1;
    ps.market          = (const BallastMarketData **)&run.mptr[v];
    ps.df              = &run.df[v];
    ps.df_base         = &run.df[0]; /* run.def[0] is base */
    ps.fx              = run.market[v].fx;
    ps.prepay_scalar   = &psc;
    ps.td_scalar       = &tsc;
    out.id             = id;
    out.as_of          = ctx.cfg.as_of;
    out.disc_curve     = run.disc;
    out.fx             = run.market[v].fx;
    out.irrbb.nbucket  = run.nbucket;
    out.irrbb.bucket_hi = run.bucket_hi;
    out.nladder        = lp.nbucket;
    out.ladder_end     = lp.bucket_end;
    PetscCall(BallastProjectionCreate(&ps, &proj));
    PetscCall(BallastProjectionAddConsumer(proj, &c));
    BallastContractSourceInit(&store, ctx.contracts, (const char *const *)ctx.cfg.contract_files, &src);
    ierr = BallastProjectionContract(proj, &src, found);
    if (ierr) {
      const char *text;
      char       *spec = NULL;
      PetscErrorMessage(ierr, &text, &spec);
      snprintf(why, sizeof why, "%s:%" PRId64 ": contract %s: %s", ctx.cfg.contract_files[ctx.contracts->file[found]], ctx.contracts->line[found], id, spec ? spec : "projection failed");
      ierr = ierr == BALLAST_ERR_INPUT || ierr == BALLAST_ERR_USAGE ? ierr : BALLAST_ERR_NUMERIC;
    } else if (out.text.err) {
      ierr = PETSC_ERR_MEM;
      snprintf(why, sizeof why, "events of contract %s: out of memory", id);
    }
    PetscCall(BallastProjectionDestroy(&proj));
  }
  PetscCall(BallastAgreeError(ctx.comm, ierr, ierr ? why : NULL));
  /* the owner sends its lines to rank 0, which prints them */
  int len = (int)out.text.len, owner_len;
  PetscCallMPI(MPI_Allreduce(&len, &owner_len, 1, MPI_INT, MPI_MAX, ctx.comm));
  int owner = here ? ctx.rank : -1, gowner;
  PetscCallMPI(MPI_Allreduce(&owner, &gowner, 1, MPI_INT, MPI_MAX, ctx.comm));
  char *text = NULL;
  PetscCall(PetscMalloc1(owner_len + 1, &text));
  if (ctx.rank == gowner && owner_len) memcpy(text, out.text.buf, (size_t)owner_len);
  if (gowner != 0) {
    if (ctx.rank == gowner) PetscCallMPI(MPI_Send(text, owner_len, MPI_CHAR, 0, 7, ctx.comm));
    if (ctx.rank == 0) PetscCallMPI(MPI_Recv(text, owner_len, MPI_CHAR, gowner, 7, ctx.comm, MPI_STATUS_IGNORE));
  }
  text[owner_len] = 0;
  if (ctx.rank == 0) {
    printf(HEADER "\n%s", text);
    fflush(stdout);
  }
  PetscCall(PetscFree(text));
  BallastTextFree(&out.text);
  PetscCall(PetscFree(seg_of));
  PetscCall(BallastBehaviourDestroy(&beh));
  PetscCall(BallastIRRBBRunDestroy(&run));
  PetscCall(BallastLiquidityParamsDestroy(&lp));
  PetscCall(BallastRunTeardown(&ctx));
  PetscFunctionReturn(0);
}
