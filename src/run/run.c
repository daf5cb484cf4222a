/* `ballast run` and `ballast validate`: the batch job in labelled phases
 * (setup, validation, computation, reduction, report), HPCG style. */
#define _POSIX_C_SOURCE 200809L
#include <ballast/commands.h>
#include <ballast/io.h>
#include <ballast/run.h>
#include <ballast/planning_run.h>
#include <ballast/irrbb.h>
#include <ballast/irrbb_run.h>
#include <ballast/liquidity.h>
#include <ballast/limits.h>
#include <ballast/behaviour.h>
#include <ballast/cashflows.h>
#include <ballast/regime.h>
#include <ballast/scenario.h>
#include <ballast/partition.h>
#include <ballast/checkpoint.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

/* the commit the executable was built from (CMake: git describe --always --dirty at configure time) */
#ifndef BALLAST_GIT_COMMIT
#define BALLAST_GIT_COMMIT "unknown"
#endif

char BallastCommandLine[4096];

/* Ballast's -log_view stages (registered by src/app/main.c; nothing happens if they are not) */
static PetscErrorCode stage(const char *name, PetscBool push)
{
  PetscLogStage st = -1;
  PetscFunctionBeginUser;
  PetscCall(PetscLogStageGetId(name, &st));
  if (st >= 0 && push) PetscCall(PetscLogStagePush(st));
  else if (st >= 0) PetscCall(PetscLogStagePop());
  PetscFunctionReturn(0);
}

/* A phase's closing progress line on stderr (results go to stdout). */
static PetscErrorCode phase_done(MPI_Comm comm, const char *phase, double t0, int64_t n, const char *what)
{
  double dt = MPI_Wtime() - t0;
  PetscFunctionBeginUser;
  if (n == 0) PetscCall(PetscFPrintf(comm, PETSC_STDERR, "%s: no %s, %.2f s\n", phase, what, dt));
  else if (n > 0) PetscCall(PetscFPrintf(comm, PETSC_STDERR, "%s: %" PRId64 " %s in %.2f s (%.0f %s/s)\n", phase, n, what, dt, dt > 0 ? (double)n / dt : 0.0, what));
  else PetscCall(PetscFPrintf(comm, PETSC_STDERR, "%s: done in %.2f s\n", phase, dt));
  PetscFunctionReturn(0);
}

/* Collective. The bound on the work per contract (run.max_events_per_contract): each rank checks
 * its contracts' estimated schedules (BallastTermsEventEstimate, from cycles and term, before any
 * schedule is built); the ranks agree and every rank fails with BALLAST_ERR_INPUT, rank 0 listing
 * each contract with file and line. Also applied to the contract files that actions add
 * (src/run/planning.c), with their own file names in cfg. */
PetscErrorCode BallastRunCheckEventBound(MPI_Comm comm, const BallastConfig *cfg, BallastContracts cs)
{
  BallastDiag d;
  PetscInt    tot;
  PetscFunctionBeginUser;
  PetscCall(BallastDiagInit(&d, 20));
  for (PetscInt i = 0; i < cs->n; i++) {
    BallastTerms t;
    const char  *which;
    BallastContractsGetTerms(cs, i, &t);
    double n = BallastTermsEventEstimate(&t, &which);
    if (n > (double)cfg->max_events_per_contract)
      PetscCall(BallastDiagAdd(&d, "%s:%" PRId64 ": contract %s: its schedule would have about %.0f events (%s over its term), more than run.max_events_per_contract = %" PRId64 " (%s)",
                               cfg->contract_files[cs->file[i]], cs->line[i], BallastContractsID(cs, i), n, which ? which : "its cycles", cfg->max_events_per_contract, cfg->path));
  }
  PetscCall(BallastDiagAgree(comm, &d, "event bound", &tot));
  PetscCall(BallastDiagFree(&d));
  PetscCheck(!tot, comm, BALLAST_ERR_INPUT, "%" PetscInt_FMT " contract%s exceed%s the bound on events per contract (run.max_events_per_contract = %" PRId64 " in %s)", tot, tot > 1 ? "s" : "", tot > 1 ? "" : "s", cfg->max_events_per_contract, cfg->path);
  PetscFunctionReturn(0);
}

PetscErrorCode BallastRunSetup(MPI_Comm comm, const char *config_path, BallastRunContext *ctx)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(ctx, sizeof(*ctx)));
  ctx->comm    = comm;
  ctx->t_start = MPI_Wtime();
  PetscCallMPI(MPI_Comm_rank(comm, &ctx->rank));
  PetscCallMPI(MPI_Comm_size(comm, &ctx->size));
  PetscCall(BallastConfigLoad(comm, config_path, &ctx->cfg));
  if (ctx->cfg.regime) {
    PetscCall(PetscNew(&ctx->regime));
    PetscCall(BallastRegimeLoad(comm, ctx->cfg.regime, ctx->regime));
  }
  PetscCall(BallastMarketLoad(comm, &ctx->cfg, &ctx->market));
  /* replacement curve sets of user scenarios */
  for (PetscInt u = 0; u < ctx->cfg.nuser; u++) {
    BallastScenarioDef *d = &((BallastScenarioDef *)ctx->cfg.user)[u];
    if (d->kind != BALLAST_SCENARIO_CURVES) continue;
    PetscCall(PetscNew(&d->curves));
    d->curves->as_of = ctx->cfg.as_of;
    PetscCheck(BallastNamesCreate(&d->curves->currencies) == 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
    /* currency ids as in the base market data, so curves compare one to one */
    for (int32_t c = 0; c < BallastNamesCount(ctx->market.currencies); c++) BallastNamesIntern(d->curves->currencies, BallastNamesGet(ctx->market.currencies, c));
    PetscCall(BallastCurvesRead(comm, d->curves_file, d->curves));
  }
  {
    /* input.contracts: CSV files, or one contract store written by `ballast convert` (detected
     * by the HDF5 signature, not the name: docs/store.md) */
    int kind;
    PetscCall(BallastContractsStoreDetect(comm, &ctx->cfg, &kind));
    PetscCheck(kind != 2, comm, BALLAST_ERR_INPUT, "%s: a classic NetCDF file, not a Ballast contract store (NetCDF-4 written by `ballast convert`) nor a CSV file", ctx->cfg.contract_files[0]);
    PetscCheck(kind != 3, comm, BALLAST_ERR_INPUT, "%s: input.contracts names a NetCDF file among several: a contract store is the only contract input of a run (convert all the CSV files into one store)", ctx->cfg.path);
    double t0 = MPI_Wtime();
    if (kind == 1) PetscCall(BallastContractsStoreRead(comm, &ctx->cfg, &ctx->market, &ctx->contracts));
    else PetscCall(BallastContractsLoad(comm, &ctx->cfg, &ctx->market, &ctx->contracts));
    if (getenv("BALLAST_LOAD_TIMING")) { /* scripts/bench-store: the whole contract load, CSV or store */
      fprintf(stderr, "load-timing: rank %d loaded %" PetscInt_FMT " contracts from %s in %.6f s\n", (int)ctx->rank, ctx->contracts->n, kind == 1 ? "the store" : "CSV", MPI_Wtime() - t0);
      fflush(stderr);
    }
  }
  PetscCall(BallastRunCheckEventBound(comm, &ctx->cfg, ctx->contracts));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastRunTeardown(BallastRunContext *ctx)
{
  PetscFunctionBeginUser;
  PetscCall(BallastContractsDestroy(&ctx->contracts));
  PetscCall(BallastMarketDataDestroy(&ctx->market));
  if (ctx->regime) {
    PetscCall(BallastRegimeDestroy(ctx->regime));
    PetscCall(PetscFree(ctx->regime));
  }
  PetscCall(BallastConfigDestroy(&ctx->cfg));
  for (PetscInt i = 0; i < ctx->ninputs; i++) PetscCall(PetscFree(ctx->input_path[i]));
  PetscCall(PetscFree(ctx->input_path));
  PetscCall(PetscFree(ctx->input_sha));
  PetscFunctionReturn(0);
}

/* add path to the list unless it is there already (a history shared by two segments) */
static PetscErrorCode add_input(BallastRunContext *ctx, PetscInt *n, const char *path)
{
  PetscFunctionBeginUser;
  if (!path) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < *n; i++)
    if (!strcmp(ctx->input_path[i], path)) PetscFunctionReturn(0);
  PetscCall(PetscStrallocpy(path, &ctx->input_path[(*n)++]));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastRunHashInputs(BallastRunContext *ctx) { return BallastRunHashInputsEx(ctx, NULL, 0, NULL); }

PetscErrorCode BallastRunHashInputsEx(BallastRunContext *ctx, const BallastBehaviour *beh, PetscInt nextra, const char *const *extra)
{
  const BallastConfig *cfg = &ctx->cfg;
  const BallastScenarioDef *user = (const BallastScenarioDef *)cfg->user;
  /* contracts (configuration order), curves, fx, regime first: the per-kind attributes index them */
  PetscInt             cap = cfg->ncontract_files + 3 + cfg->nuser + (beh ? beh->nseg : 0) + nextra, n = 0;
  char                *mine;
  int                  failed = 0;
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < ctx->ninputs; i++) PetscCall(PetscFree(ctx->input_path[i]));
  PetscCall(PetscFree(ctx->input_path));
  PetscCall(PetscFree(ctx->input_sha));
  if (cfg->contracts_store) cap++;
  PetscCall(PetscCalloc1(cap, &ctx->input_path));
  for (PetscInt i = 0; i < cfg->ncontract_files; i++) PetscCall(PetscStrallocpy(cfg->contract_files[i], &ctx->input_path[n++]));
  PetscCall(PetscStrallocpy(cfg->curves, &ctx->input_path[n++]));
  PetscCall(PetscStrallocpy(cfg->fx, &ctx->input_path[n++]));
  if (cfg->regime) PetscCall(PetscStrallocpy(cfg->regime, &ctx->input_path[n++]));
  /* every other file the run reads: user-scenario curve files, behaviour histories, the extra
   * files of the caller (management actions' contract files) */
  for (PetscInt k = 0; k < cfg->nuser; k++) PetscCall(add_input(ctx, &n, user[k].curves_file));
  for (PetscInt k = 0; beh && k < beh->nseg; k++) PetscCall(add_input(ctx, &n, beh->seg[k].history_path));
  for (PetscInt k = 0; k < nextra; k++) PetscCall(add_input(ctx, &n, extra[k]));
  /* a contract store: the store itself is an input (hashed); the CSV files it was converted from
   * are named with the hashes it carries (they need not exist any more) */
  if (cfg->contracts_store) PetscCall(add_input(ctx, &n, cfg->contracts_store));
  ctx->ninputs = n;
  PetscCall(PetscCalloc1(n + 1, &ctx->input_sha));
  PetscCall(PetscCalloc1(65 * n + 1, &mine));
  char why[1024] = "";
  if (cfg->contract_sha)
    for (PetscInt i = 0; i < cfg->ncontract_files; i++) memcpy(mine + 65 * i, cfg->contract_sha[i], 65);
  for (PetscInt i = ctx->rank; i < n && !failed; i += ctx->size) {
    if (cfg->contract_sha && i < cfg->ncontract_files) continue;
    PetscErrorCode ierr = BallastSHA256File(ctx->input_path[i], mine + 65 * i);
    if (ierr) {
      failed = 1;
      snprintf(why, sizeof why, "%s: cannot read the input file to hash it", ctx->input_path[i]);
    }
  }
  PetscCall(BallastAgreeError(ctx->comm, failed ? BALLAST_ERR_IO : 0, why));
  /* each entry was filled by exactly one rank, the others are zero bytes: MAX combines them */
  PetscCallMPI(MPI_Allreduce(mine, ctx->input_sha, (int)(65 * n), MPI_CHAR, MPI_MAX, ctx->comm));
  PetscCall(PetscFree(mine));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastRunControlTotals(BallastRunContext *ctx, double **notional, int64_t **count)
{
  BallastContracts cs  = ctx->contracts;
  PetscInt         np  = cs->nportfolios, nc = ctx->market.nfx;
  double          *loc;
  int64_t         *cnt;
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(np * nc + 1, &loc));
  PetscCall(PetscCalloc1(np * nc + 1, &cnt));
  /* rows are sorted by (portfolio, file, line): sums in file order within each portfolio */
  for (PetscInt i = 0; i < cs->n; i++) {
    PetscInt k = (PetscInt)cs->alm[i].portfolio * nc + cs->currency[i];
    if (!isnan(cs->notionalPrincipal[i])) loc[k] += cs->notionalPrincipal[i];
    cnt[k]++;
  }
  PetscCall(PetscCalloc1(np * nc + 1, notional));
  PetscCall(PetscCalloc1(np * nc + 1, count));
  /* each portfolio has exactly one owner and the others contribute exact zeros, so the sum is
   * the owner's value whatever the order of the reduction: rank-independent */
  PetscCallMPI(MPI_Reduce(loc, *notional, (int)(np * nc), MPI_DOUBLE, MPI_SUM, 0, ctx->comm));
  PetscCallMPI(MPI_Reduce(cnt, *count, (int)(np * nc), MPI_INT64_T, MPI_SUM, 0, ctx->comm));
  PetscCall(PetscFree(loc));
  PetscCall(PetscFree(cnt));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastRunResultsBase(BallastRunContext *ctx, BallastResults res)
{
  BallastContracts cs = ctx->contracts;
  const char     **ccy;
  char             date[11], buf[8192];
  PetscFunctionBeginUser;
  PetscCall(BallastResultsAddDimLabels(res, "portfolio", "portfolio_name", cs->nportfolios, (const char *const *)cs->portfolio_names, "portfolio"));
  PetscCall(PetscMalloc1(ctx->market.nfx + 1, &ccy));
  for (PetscInt c = 0; c < ctx->market.nfx; c++) ccy[c] = BallastNamesGet(ctx->market.currencies, (int32_t)c);
  PetscCall(BallastResultsAddDimLabels(res, "currency", "currency_code", ctx->market.nfx, ccy, "ISO 4217 currency code"));
  PetscCall(PetscFree(ccy));
  const char *cd[] = {"currency"};
  PetscCall(BallastResultsAddVar(res, "fx_rate", 1, cd, ctx->market.fx, "spot rate: units of the reporting currency per unit of the currency (as used to aggregate)", "1"));
  BallastDateFormat(ctx->cfg.as_of, date);
  PetscCall(BallastResultsAddAttr(res, "title", "Ballast ALM results"));
  PetscCall(BallastResultsAddAttr(res, "run_name", ctx->cfg.name));
  PetscCall(BallastResultsAddAttr(res, "group", ctx->cfg.group));
  PetscCall(BallastResultsAddAttr(res, "as_of_date", date));
  PetscCall(BallastResultsAddAttr(res, "reporting_currency", ctx->cfg.reporting_currency));
  PetscCall(BallastResultsAddAttr(res, "regime", ctx->cfg.regime ? ctx->cfg.regime : "none"));
  PetscCall(BallastResultsAddAttr(res, "software_version", "ballast " BALLAST_VERSION " (" BALLAST_GIT_COMMIT ")"));
  snprintf(buf, sizeof buf, "PETSc %d.%d.%d, NetCDF-C, Open MPI", PETSC_VERSION_MAJOR, PETSC_VERSION_MINOR, PETSC_VERSION_SUBMINOR);
  PetscCall(BallastResultsAddAttr(res, "software_dependencies", buf));
  PetscCall(BallastResultsAddAttr(res, "config_file", ctx->cfg.path));
  PetscCall(BallastResultsAddAttr(res, "config_sha256", ctx->cfg.sha256));
  /* one line per input file: "sha256  path", as sha256sum prints it (`sha256sum -c` checks it) */
  {
    size_t len = 1;
    for (PetscInt i = 0; i < ctx->ninputs; i++) len += strlen(ctx->input_path[i]) + 68;
    char *all, *q;
    PetscCall(PetscMalloc1(len, &all));
    q  = all;
    *q = 0;
    for (PetscInt i = 0; i < ctx->ninputs; i++) q += sprintf(q, "%s  %s\n", ctx->input_sha[i], ctx->input_path[i]);
    PetscCall(BallastResultsAddAttr(res, "input_sha256", all));
    PetscCall(PetscFree(all));
  }
  PetscCall(BallastResultsAddAttr(res, "curves_sha256", ctx->input_sha[ctx->cfg.ncontract_files]));
  PetscCall(BallastResultsAddAttr(res, "fx_sha256", ctx->input_sha[ctx->cfg.ncontract_files + 1]));
  buf[0] = 0;
  for (PetscInt i = 0; i < ctx->cfg.ncontract_files; i++) snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? " " : "", ctx->input_sha[i]);
  PetscCall(BallastResultsAddAttr(res, "contracts_sha256", buf));
  if (ctx->cfg.regime) PetscCall(BallastResultsAddAttr(res, "regime_sha256", ctx->input_sha[ctx->cfg.ncontract_files + 2]));
  PetscCall(BallastResultsAddAttrInt(res, "mpi_ranks", (int64_t)ctx->size));
  PetscCall(BallastResultsAddAttrDouble(res, "tier1_capital", ctx->cfg.tier1)); /* reporting currency */
  PetscCall(BallastResultsAddAttrDouble(res, "tier2_capital", ctx->cfg.tier2));
  time_t    now = time(NULL);
  struct tm tmv;
  gmtime_r(&now, &tmv);
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tmv);
  PetscCall(BallastResultsAddAttr(res, "created_utc", buf));
  PetscCall(BallastResultsAddAttr(res, "command_line", BallastCommandLine));
  PetscCall(BallastResultsAddAttr(res, "source", "ballast " BALLAST_VERSION " (" BALLAST_GIT_COMMIT ")"));
  snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " %s", BallastCommandLine); /* CF history: "time command" */
  PetscCall(BallastResultsAddAttr(res, "history", buf));
  PetscCall(BallastResultsAddAttr(res, "Conventions", "CF-1.8"));
  PetscFunctionReturn(0);
}

/* The output directory created, checked writable and cleared of stale temporaries (rank 0; all
 * ranks agree on the outcome): BallastOutputDirPrepare. */
static PetscErrorCode make_dir(MPI_Comm comm, const char *dir) { return BallastOutputDirPrepare(comm, dir); }

typedef struct {
  const char *config, *output;
  PetscBool   position_detail, help, contractual, cash_flows;
  PetscInt    set_k, set_n; /* --scenario-set K/N (set_n = 0: every scenario) */
} RunArgs;

static PetscErrorCode parse_args(int argc, char **argv, RunArgs *a, PetscBool allow_output)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(a, sizeof(*a)));
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) a->help = PETSC_TRUE;
    else if (allow_output && !strcmp(argv[i], "--output")) {
      PetscCheck(i + 1 < argc, PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "--output needs a directory");
      a->output = argv[++i];
    } else if (allow_output && !strcmp(argv[i], "--position-detail")) a->position_detail = PETSC_TRUE;
    else if (allow_output && !strcmp(argv[i], "--contractual")) a->contractual = PETSC_TRUE;
    else if (allow_output && !strcmp(argv[i], "--cash-flows")) a->cash_flows = PETSC_TRUE;
    else if (allow_output && !strcmp(argv[i], "--scenario-set")) {
      long long k = -1, n = -1;
      char      end = 0;
      PetscCheck(i + 1 < argc, PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "--scenario-set needs K/N (part K of N, 0 <= K < N)");
      i++;
      PetscCheck(sscanf(argv[i], "%lld/%lld%c", &k, &n, &end) == 2 && n >= 1 && k >= 0 && k < n && n <= 100000, PETSC_COMM_WORLD, BALLAST_ERR_USAGE,
                 "--scenario-set %s: expected K/N with 0 <= K < N (part K of N, e.g. 0/3; SLURM: $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)", argv[i]);
      a->set_k = (PetscInt)k;
      a->set_n = (PetscInt)n;
    }
    else if (argv[i][0] == '-' && argv[i][1] != '-') {
      /* a PETSc option (-log_view, -tao_monitor ...): PETSc has it; skip its value if any */
      if (i + 1 < argc && argv[i + 1][0] != '-') i++;
    } else if (argv[i][0] == '-') SETERRQ(PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "unknown option %s (see ballast %s --help)", argv[i], argv[0]);
    else {
      PetscCheck(!a->config, PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "one configuration file expected, got %s and %s", a->config, argv[i]);
      a->config = argv[i];
    }
  }
  PetscCheck(a->help || a->config, PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "missing CONFIG (see ballast %s --help)", argv[0]);
  PetscFunctionReturn(0);
}

static PetscErrorCode print_totals(BallastRunContext *ctx, const double *notional, const int64_t *count, PetscBool per_portfolio)
{
  BallastContracts cs = ctx->contracts;
  PetscInt         nc = ctx->market.nfx;
  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(ctx->comm, "%-28s %-4s %12s %24s\n", "portfolio", "ccy", "contracts", "notional_total"));
  for (PetscInt p = 0; p < cs->nportfolios && per_portfolio; p++)
    for (PetscInt c = 0; c < nc; c++) {
      if (!count[p * nc + c]) continue;
      PetscCall(PetscPrintf(ctx->comm, "%-28s %-4s %12" PRId64 " %24.2f\n", cs->portfolio_names[p], BallastNamesGet(ctx->market.currencies, (int32_t)c), count[p * nc + c], notional[p * nc + c]));
    }
  for (PetscInt c = 0; c < nc; c++) {
    double  s = 0;
    int64_t k = 0;
    for (PetscInt p = 0; p < cs->nportfolios; p++) { s += notional[p * nc + c]; k += count[p * nc + c]; }
    if (k) PetscCall(PetscPrintf(ctx->comm, "%-28s %-4s %12" PRId64 " %24.2f\n", "TOTAL", BallastNamesGet(ctx->market.currencies, (int32_t)c), k, s));
  }
  PetscFunctionReturn(0);
}

/* Collective. The summary lines that say what the run did not model: UMP contracts without a
 * behaviour segment (they repay overnight: count and balance per currency, summed per portfolio
 * by its owner then in portfolio order, so rank-independent) and the accrued-interest warnings. */
static PetscErrorCode print_notes(BallastRunContext *ctx, PetscBool contractual)
{
  BallastContracts cs = ctx->contracts;
  PetscInt         np = cs->nportfolios, nc = ctx->market.nfx;
  double          *loc, *glob;
  int64_t         *cnt, *gcnt;
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc4(np * nc + 1, &loc, np * nc + 1, &glob, np * nc + 1, &cnt, np * nc + 1, &gcnt));
  for (PetscInt i = 0; i < cs->n; i++) {
    if (cs->contractType[i] != BALLAST_CT_UMP || (cs->alm[i].behaviourSegment >= 0 && !contractual)) continue;
    PetscInt k = (PetscInt)cs->alm[i].portfolio * nc + cs->currency[i];
    if (!isnan(cs->notionalPrincipal[i])) loc[k] += cs->notionalPrincipal[i];
    cnt[k]++;
  }
  PetscCallMPI(MPI_Reduce(loc, glob, (int)(np * nc), MPI_DOUBLE, MPI_SUM, 0, ctx->comm));
  PetscCallMPI(MPI_Reduce(cnt, gcnt, (int)(np * nc), MPI_INT64_T, MPI_SUM, 0, ctx->comm));
  if (ctx->rank == 0) {
    for (PetscInt c = 0; c < nc; c++) {
      double  b = 0;
      int64_t k = 0;
      for (PetscInt p = 0; p < np; p++) b += glob[p * nc + c], k += gcnt[p * nc + c];
      if (k)
        PetscCall(PetscPrintf(PETSC_COMM_SELF, "note: %" PRId64 " UMP contract%s %s (repay%s overnight): balance %s %.2f\n", k, k > 1 ? "s" : "",
                              contractual ? "under --contractual" : "without a behaviour segment", k > 1 ? "" : "s", BallastNamesGet(ctx->market.currencies, (int32_t)c), b));
    }
    if (cs->nwarn_accrued)
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "warnings: %" PRId64 " contract%s whose accruedInterest is inconsistent with the schedule (listed on stderr)\n", cs->nwarn_accrued,
                            cs->nwarn_accrued > 1 ? "s" : ""));
  }
  PetscCall(PetscFree4(loc, glob, cnt, gcnt));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastCmdValidate(int argc, char **argv)
{
  RunArgs           a;
  BallastRunContext ctx;
  double           *notional;
  int64_t          *count, total = 0, nloc;
  PetscFunctionBeginUser;
  PetscCall(parse_args(argc, argv, &a, PETSC_FALSE));
  if (a.help) {
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "usage: ballast validate CONFIG\n  Loads and checks the configuration, market data and every contract; prints counts and control\n  totals per portfolio and currency. Exit 0 when every input is valid, 2 for a configuration\n  error, 3 for bad input data (every error is listed with file, line, column and value).\n"));
    PetscFunctionReturn(0);
  }
  PetscCall(stage("load", PETSC_TRUE));
  PetscCall(BallastRunSetup(PETSC_COMM_WORLD, a.config, &ctx));
  PetscCall(stage("load", PETSC_FALSE));
  {
    /* behaviour configuration and histories are inputs too (checked, not calibrated) */
    BallastBehaviour beh;
    PetscCall(BallastBehaviourLoad(ctx.comm, &ctx.cfg, ctx.regime, &beh));
    PetscCall(PetscPrintf(ctx.comm, "behaviour: %" PetscInt_FMT " segment%s configured\n", beh.nseg, beh.nseg == 1 ? "" : "s"));
    PetscCall(BallastBehaviourDestroy(&beh));
  }
  PetscCall(BallastPlanningValidate(&ctx, PETSC_TRUE)); /* actions, new business, limits (src/run/planning.c) */
  nloc = ctx.contracts->n;
  PetscCallMPI(MPI_Reduce(&nloc, &total, 1, MPI_INT64_T, MPI_SUM, 0, ctx.comm));
  PetscCall(BallastRunControlTotals(&ctx, &notional, &count));
  PetscCall(PetscPrintf(ctx.comm, "%s: valid. %" PRId64 " contracts in %" PetscInt_FMT " portfolios, %" PetscInt_FMT " curves, %" PetscInt_FMT " currencies; %d rank%s\n", a.config, total,
                        ctx.contracts->nportfolios, ctx.market.ncurves, ctx.market.nfx, ctx.size, ctx.size > 1 ? "s" : ""));
  {
    /* the store's bytes over all ranks: the arrays, the sparse double terms set, the contractID text */
    double mine[2] = {(double)BallastContractsBytesSparse(ctx.contracts), (double)ctx.contracts->id_len}, all[2];
    PetscCallMPI(MPI_Allreduce(mine, all, 2, MPI_DOUBLE, MPI_SUM, ctx.comm));
    size_t arr = BallastContractsBytesPerContract();
    double n   = total > 0 ? (double)total : 1;
    PetscCallMPI(MPI_Bcast(&n, 1, MPI_DOUBLE, 0, ctx.comm));
    PetscCall(PetscPrintf(ctx.comm, "contract storage: %.0f bytes per contract (%zu in the arrays, %.0f of sparse terms, %.0f of contractID text)\n", (double)arr + (all[0] + all[1]) / n, arr, all[0] / n,
                          all[1] / n));
  }
  PetscCall(print_totals(&ctx, notional, count, PETSC_TRUE));
  PetscCall(print_notes(&ctx, PETSC_FALSE));
  PetscCall(PetscFree(notional));
  PetscCall(PetscFree(count));
  PetscCall(BallastRunTeardown(&ctx));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastRunBehaviour(BallastRunContext *ctx, PetscBool view, BallastBehaviour *beh)
{
  PetscFunctionBeginUser;
  /* Behavioural models: each segment calibrated by its owner rank (PETSc/TAO on PETSC_COMM_SELF),
   * the results gathered exactly: bitwise the same on any number of ranks, no rounding */
  PetscCall(BallastBehaviourLoad(ctx->comm, &ctx->cfg, ctx->regime, beh));
  if (beh->nseg > 0) {
    PetscCall(BallastBehaviourCalibrate(ctx->comm, beh));
    if (view) PetscCall(BallastBehaviourView(ctx->comm, beh));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastRunSegmentMap(BallastRunContext *ctx, const BallastBehaviour *beh, PetscInt **seg_of)
{
  PetscInt nls = BallastNamesCount(ctx->contracts->segments);
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(nls + 1, seg_of));
  for (PetscInt k = 0; k < nls; k++) (*seg_of)[k] = BallastBehaviourFind(beh, BallastNamesGet(ctx->contracts->segments, (int32_t)k));
  PetscFunctionReturn(0);
}

/* Rank 0: the limits per action into res (limit_value, limit_status over (action, limit),
 * limit_name) and, with actions or limits, the committee's tables: per action the change of each
 * headline metric against `none`, and the limit statuses in words. */
static PetscErrorCode action_summary(BallastRunContext *ctx, BallastIRRBBRun *irr, BallastLiquidity *liq, const BallastLiquidityParams *lp, BallastResults res)
{
  const BallastPlanning       *pl = &ctx->cfg.planning;
  const BallastIRRBBHeadlines *h  = &irr->head;
  PetscInt                     NA = h->nact, NL = pl->nlimits, ns = h->nscen;
  const char                  *ur = ctx->cfg.reporting_currency;
  PetscFunctionBeginUser;
  if (NA > 1) {
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "management actions: change against none (%s; ratios in percentage points; survival = minimum over the liquidity scenarios)\n", ur));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-24s %16s %14s %16s %16s %9s %9s %9s\n", "action", "EVE base", "worst dEVE/T1", "NII base", "worst dNII", "LCR", "NSFR", "survival"));
    for (PetscInt a = 0; a < NA; a++) {
      const BallastLiquidityMetrics *m = BallastLiquidityGetMetrics(liq, a), *m0 = BallastLiquidityGetMetrics(liq, 0);
      double                         sv = INFINITY, sv0 = INFINITY, dn = INFINITY, dn0 = INFINITY;
      for (PetscInt l = 0; l < lp->nscen; l++) sv = PetscMin(sv, m->survival_days[l]), sv0 = PetscMin(sv0, m0->survival_days[l]);
      for (PetscInt s = 1; s < ns; s++) dn = PetscMin(dn, h->dnii_rep[a * ns + s]), dn0 = PetscMin(dn0, h->dnii_rep[s]);
      if (ns < 2) dn = dn0 = 0;
      char name[64];
      snprintf(name, sizeof name, "%s", a == 0 ? "none (level)" : irr->actions->names[a]);
      if (a == 0)
        PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-24s %16.0f %13.2f%% %16.0f %16.0f %8.1f%% %8.1f%% %9.0f\n", name, h->eve0[0], 100 * h->eve_ratio[0], h->nii0[0], dn0, 100 * m0->lcr, 100 * m0->nsfr, sv0));
      else
        PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-24s %+16.0f %+13.2f  %+16.0f %+16.0f %+9.1f %+9.1f %+9.0f\n", name, h->eve0[a] - h->eve0[0], 100 * (h->eve_ratio[a] - h->eve_ratio[0]), h->nii0[a] - h->nii0[0], dn - dn0,
                              100 * (m->lcr - m0->lcr), 100 * (m->nsfr - m0->nsfr), sv - sv0));
    }
  }
  if (!NL) PetscFunctionReturn(0);
  double      *value;
  int64_t     *status;
  const char **names;
  PetscCall(PetscMalloc3(NA * NL, &value, NA * NL, &status, NL, &names));
  BallastLimitInputs in = {h, liq, ctx->market.currencies, (const char *const *)ctx->cfg.scenarios, ctx->regime};
  PetscCall(BallastLimitsEvaluate(&in, NL, pl->limits, value, status));
  for (PetscInt l = 0; l < NL; l++) names[l] = pl->limits[l].name;
  PetscCall(BallastResultsAddDimLabels(res, "limit", "limit_name", NL, names, "configured limit (risk appetite)"));
  const char *al[] = {"action", "limit"};
  PetscCall(BallastResultsAddVar(res, "limit_value", 2, al, value, "value of the limit's metric under the action (units of the metric)", "1"));
  PetscCall(BallastResultsAddVarInt(res, "limit_status", 2, al, status, "0 within the limit (green), 1 warning (amber), 2 breach (red)", "1"));
  static const char *word[] = {"green", "amber", "red"};
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "limits (rows) per action (columns): green within, amber warning, red breach\n%-26s", "limit"));
  for (PetscInt a = 0; a < NA; a++) PetscCall(PetscPrintf(PETSC_COMM_SELF, " %-18.18s", NA > 1 ? irr->actions->names[a] : "none"));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "\n"));
  for (PetscInt l = 0; l < NL; l++) {
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-26.26s", names[l]));
    for (PetscInt a = 0; a < NA; a++) {
      char cell[48];
      snprintf(cell, sizeof cell, "%s %.4g", word[status[a * NL + l]], value[a * NL + l]); /* plain C formatting */
      PetscCall(PetscPrintf(PETSC_COMM_SELF, " %-18.18s", cell));
    }
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "\n"));
  }
  PetscCall(PetscFree3(value, status, names));
  PetscFunctionReturn(0);
}

/* --scenario-set K/N: keep base and the K-th of N contiguous, near-equal blocks of the other
 * configured scenarios (block k: scenarios 1 + k m / N .. 1 + (k + 1) m / N - 1 of m), in
 * configuration order, so the parts' scenarios concatenated in K order are the configuration's.
 * *all: every configured scenario, one per line (for `ballast combine`). Collective (the same on
 * every rank). Refused with what the parts cannot give: limits (evaluated over all scenarios),
 * per-contract and cash-flow files (combine merges alm.nc only). */
static PetscErrorCode select_scenarios(BallastRunContext *ctx, const RunArgs *a, char **all)
{
  BallastConfig *cfg = &ctx->cfg;
  PetscInt       ns = cfg->nscenarios, m = ns - 1, lo = 1 + a->set_k * m / a->set_n, hi = 1 + (a->set_k + 1) * m / a->set_n, n = 1;
  size_t         len = 1;
  PetscFunctionBeginUser;
  PetscCheck(cfg->planning.nlimits == 0, ctx->comm, BALLAST_ERR_USAGE, "%s: --scenario-set with limits: limits are evaluated over all scenarios, which no part has; evaluate them on a single run", cfg->path);
  PetscCheck(!a->position_detail && !a->cash_flows, ctx->comm, BALLAST_ERR_USAGE, "--scenario-set with %s: ballast combine merges alm.nc only; write per-contract or cash-flow files without --scenario-set", a->position_detail ? "--position-detail" : "--cash-flows");
  for (PetscInt s = 0; s < ns; s++) len += strlen(cfg->scenarios[s]) + 1;
  PetscCall(PetscMalloc1(len, all));
  (*all)[0] = 0;
  for (PetscInt s = 0; s < ns; s++) strcat(strcat(*all, cfg->scenarios[s]), s + 1 < ns ? "\n" : "");
  for (PetscInt s = 1; s < ns; s++) {
    if (s >= lo && s < hi) cfg->scenarios[n++] = cfg->scenarios[s];
    else PetscCall(PetscFree(cfg->scenarios[s]));
  }
  cfg->nscenarios = n;
  if (!a->output) { /* the parts of one configuration must not overwrite each other's alm.nc */
    char *dir;
    PetscCall(PetscMalloc1(strlen(cfg->output_dir) + 32, &dir));
    sprintf(dir, "%s/part-%" PetscInt_FMT, cfg->output_dir, a->set_k);
    PetscCall(PetscFree(cfg->output_dir));
    cfg->output_dir = dir;
  }
  PetscCall(PetscFPrintf(ctx->comm, PETSC_STDERR, "scenario set %" PetscInt_FMT "/%" PetscInt_FMT ": base and %" PetscInt_FMT " of the %" PetscInt_FMT " other scenarios\n", a->set_k, a->set_n, n - 1, m));
  PetscFunctionReturn(0);
}

/* The checkpoint key (docs/checkpoint.md): everything the results depend on but the number of
 * ranks: the software, the configuration and every input file (SHA-256), the flags that change
 * the projection's consumers or streams, and the PETSc options (the calibration's solvers). */
static PetscErrorCode checkpoint_key(BallastRunContext *ctx, const RunArgs *a, char key[65])
{
  char  *opts = NULL, *text;
  size_t len  = 4096;
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetAll(NULL, &opts));
  len += strlen(opts ? opts : "");
  for (PetscInt i = 0; i < ctx->ninputs; i++) len += strlen(ctx->input_path[i]) + 70;
  PetscCall(PetscMalloc1(len, &text));
  size_t n = (size_t)snprintf(text, len, "ballast checkpoint key 1\nsoftware ballast %s (%s)\nconfig %s\ncontractual %d\nposition_detail %d\nscenario_set %d/%d\n", BALLAST_VERSION, BALLAST_GIT_COMMIT,
                              ctx->cfg.sha256, (int)a->contractual, (int)a->position_detail, (int)a->set_k, (int)a->set_n);
  for (PetscInt i = 0; i < ctx->ninputs; i++) n += (size_t)snprintf(text + n, len - n, "input %s %s\n", ctx->input_sha[i], ctx->input_path[i]);
  /* the options of the calibration's solvers only (-prepay_*, -nmd_*, -tao_*): not --output or
   * -log_view, which PETSc holds too and which change no result */
  n += (size_t)snprintf(text + n, len - n, "petsc_options");
  int keep = 0;
  for (char *tok = opts ? strtok(opts, " ") : NULL; tok; tok = strtok(NULL, " ")) {
    if (tok[0] == '-' && tok[1] && !(tok[1] >= '0' && tok[1] <= '9') && tok[1] != '.') {
      const char *nm = tok + 1 + (tok[1] == '-');
      keep           = !strncmp(nm, "prepay_", 7) || !strncmp(nm, "nmd_", 4) || !strncmp(nm, "tao_", 4);
    }
    if (keep) n += (size_t)snprintf(text + n, len - n, " %s", tok);
  }
  snprintf(text + n, len - n, "\n");
  PetscCall(BallastCheckpointKey(text, key));
  PetscCall(PetscFree(text));
  PetscCall(PetscFree(opts));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastCmdRun(int argc, char **argv)
{
  RunArgs           a;
  BallastRunContext ctx;
  BallastResults    res;
  double           *notional;
  int64_t          *count, total = 0, nloc;
  char              path[4096];
  PetscFunctionBeginUser;
  PetscCall(parse_args(argc, argv, &a, PETSC_TRUE));
  BallastWorkEstimateSetContractual(a.contractual); /* the partition counts no behavioural work under --contractual */
  if (a.help) {
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "usage: ballast run CONFIG [--output DIR] [--position-detail] [--cash-flows] [--scenario-set K/N] [PETSc options]\n"
                                            "  The batch job: loads and validates every input, projects every contract under every scenario,\n"
                                            "  reduces to group level and writes <output>/alm.nc (written whole or not at all).\n"
                                            "  --output DIR        overrides output.dir of the configuration\n"
                                            "  --position-detail   also writes <output>/contracts.nc (per-contract results)\n"
                                            "  --cash-flows        also writes <output>/cashflows.nc (every event of every contract under\n"
                                            "                      every scenario: discount factor, PV, IRRBB and ladder bucket)\n"
                                            "  --contractual       ignore the behavioural models (contractual cash flows only)\n"
                                            "  --scenario-set K/N  part K (0-based) of N of a stress array: base and the K-th of N contiguous\n"
                                            "                      blocks of the other configured scenarios; `ballast combine` merges the\n"
                                            "                      parts' alm.nc into the single run's (docs/cluster.md); without\n"
                                            "                      --output the part goes to <output.dir>/part-K\n"
                                            "  Exit status: 0 ok, 2 usage/configuration, 3 input data, 4 numerical failure, 5 I/O,\n"
                                            "  75 interrupted by SIGTERM/SIGUSR1: checkpoint written in the output directory, the same\n"
                                            "  command resumes from it (docs/checkpoint.md).\n"));
    PetscFunctionReturn(0);
  }
  /* SIGTERM, SIGUSR1 (preemption): finish the portfolio at hand, checkpoint, exit 75
   * (include/ballast/checkpoint.h); not with --cash-flows (its spill files are not kept: the
   * signals keep their default action) */
  if (!a.cash_flows) PetscCall(BallastInterruptInstall());
  /* Phase 1: setup and validation */
  double t_phase = MPI_Wtime();
  PetscCall(PetscFPrintf(PETSC_COMM_WORLD, PETSC_STDERR, "load: %s ...\n", a.config));
  PetscCall(stage("load", PETSC_TRUE));
  PetscCall(BallastRunSetup(PETSC_COMM_WORLD, a.config, &ctx));
  if (a.output) {
    PetscCall(PetscFree(ctx.cfg.output_dir));
    PetscCall(PetscStrallocpy(a.output, &ctx.cfg.output_dir));
  }
  PetscCall(BallastPlanningValidate(&ctx, PETSC_FALSE));
  char *scenarios_all = NULL;
  if (a.set_n > 0) PetscCall(select_scenarios(&ctx, &a, &scenarios_all)); /* may move the output to <dir>/part-K */
  PetscCall(make_dir(ctx.comm, ctx.cfg.output_dir)); /* before any computation: a full or read-only disk fails now */
  /* management actions: added contracts loaded, touched contracts listed (before the control
   * totals and the segment map: new portfolios and segments join the run's tables) */
  BallastActionSet actions;
  PetscBool        have_actions = ctx.cfg.planning.nactions > 0 ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PetscMemzero(&actions, sizeof actions));
  if (have_actions) PetscCall(BallastRunActionsCreate(&ctx, &actions));
  PetscCall(BallastRunNewBusinessPrepare(&ctx)); /* new portfolios and local segment ids of the products */
  nloc = ctx.contracts->n;
  PetscCallMPI(MPI_Allreduce(&nloc, &total, 1, MPI_INT64_T, MPI_SUM, ctx.comm));
  PetscCall(stage("load", PETSC_FALSE));
  PetscCall(phase_done(ctx.comm, "load", t_phase, total, "contracts"));
  /* Phase 2: variants and calibration */
  PetscCheck(ctx.regime, ctx.comm, BALLAST_ERR_USAGE, "%s: no regime: set regime = \"regimes/bcbs-2016.cfg\" (or another file of config/regimes) for the IRRBB metrics", ctx.cfg.path);
  PetscCall(BallastRunControlTotals(&ctx, &notional, &count));
  BallastIRRBBRun irr;
  PetscCall(BallastIRRBBRunSetup(&ctx, ctx.regime, ctx.cfg.nuser, (BallastScenarioDef *)ctx.cfg.user, PETSC_TRUE, &irr));
  irr.actions = have_actions ? &actions : NULL;
  BallastBehaviour beh;
  PetscInt        *seg_of = NULL;
  double          *psc = NULL, *tsc = NULL;
  t_phase = MPI_Wtime();
  PetscCall(stage("calibrate", PETSC_TRUE));
  PetscCall(BallastRunBehaviour(&ctx, PETSC_TRUE, &beh));
  PetscCall(stage("calibrate", PETSC_FALSE));
  PetscCall(phase_done(ctx.comm, "calibrate", t_phase, (int64_t)beh.nseg, "segments"));
  {
    /* every file read: histories, user-scenario curves, the actions' added contract files */
    PetscInt     nadd = 0;
    const char **add  = NULL;
    for (PetscInt i = 0; i < ctx.cfg.planning.nactions; i++) nadd += ctx.cfg.planning.actions[i].nadd;
    PetscCall(PetscMalloc1(nadd + 1, &add));
    nadd = 0;
    for (PetscInt i = 0; i < ctx.cfg.planning.nactions; i++)
      for (PetscInt j = 0; j < ctx.cfg.planning.actions[i].nadd; j++) add[nadd++] = ctx.cfg.planning.actions[i].add[j];
    PetscCall(BallastRunHashInputsEx(&ctx, &beh, nadd, add));
    PetscCall(PetscFree(add));
  }
  PetscBool use_beh = beh.nseg > 0 && !a.contractual ? PETSC_TRUE : PETSC_FALSE;
  if (use_beh) {
    PetscCall(BallastRunSegmentMap(&ctx, &beh, &seg_of));
    PetscCall(PetscMalloc2(irr.nvar, &psc, irr.nvar, &tsc));
    for (PetscInt v = 0; v < irr.nvar; v++) {
      psc[v] = v < irr.nscen ? irr.def[v].prepayment_scalar : 1.0;
      tsc[v] = v < irr.nscen ? irr.def[v].term_deposit_scalar : 1.0;
    }
    irr.beh           = &beh;
    irr.seg_of        = seg_of;
    irr.prepay_scalar = psc;
    irr.td_scalar     = tsc;
  }
  /* Liquidity consumes the same base-scenario events (one projection, every metric) */
  BallastLiquidityParams lp;
  BallastLiquidity       liq;
  BallastLiquiditySetup  ls;
  const char           **ccy_codes;
  PetscCall(BallastLiquidityParamsLoad(ctx.comm, ctx.regime, &lp));
  PetscCall(PetscMalloc1(ctx.market.nfx + 1, &ccy_codes));
  for (PetscInt c = 0; c < ctx.market.nfx; c++) ccy_codes[c] = BallastNamesGet(ctx.market.currencies, (int32_t)c);
  PetscCall(PetscMemzero(&ls, sizeof ls));
  ls.as_of              = ctx.cfg.as_of;
  ls.nport              = ctx.contracts->nportfolios;
  ls.nccy               = ctx.market.nfx;
  ls.fx                 = ctx.market.fx;
  ls.tier1              = ctx.cfg.tier1;
  ls.tier2              = ctx.cfg.tier2;
  ls.currency_codes     = ccy_codes;
  ls.reporting_currency = ctx.cfg.reporting_currency;
  ls.nact               = have_actions ? actions.nact : 1;
  ls.action_names       = have_actions ? actions.names : NULL;
  PetscCall(BallastLiquidityCreate(&lp, &ls, &liq));
  /* Phase 3: projection and reduction (src/projection drives; every metric a consumer) */
  BallastConsumer      extra[3];
  BallastCashFlows     cflows = NULL;
  BallastCashFlowsFile cffile = NULL;
  PetscInt             nextra = 1;
  BallastLiquidityConsumer(&liq, &extra[0]);
  /* NII paths: the run-off book's monthly NII and balances, a consumer of the same projection */
  BallastNIIPath book_path;
  PetscBool      plan = ctx.cfg.planning.plan.horizon_months > 0 ? PETSC_TRUE : PETSC_FALSE;
  if (plan) {
    PetscCall(BallastNIIPathCreate(irr.nscen, have_actions ? actions.nact : 1, ctx.contracts->nportfolios, ctx.market.nfx, ctx.cfg.planning.plan.horizon_months, ctx.cfg.as_of, ctx.market.fx, &book_path));
    BallastNIIPathConsumer(&book_path, &extra[nextra++]);
    irr.path_months = ctx.cfg.planning.plan.horizon_months; /* and nii_path_constant */
  }
  BallastCheckpoint ckpt = NULL;
  if (!a.cash_flows) {
    char key[65];
    PetscCall(checkpoint_key(&ctx, &a, key));
    PetscCall(BallastCheckpointOpen(ctx.comm, ctx.cfg.output_dir, key, ctx.contracts->nportfolios, ctx.contracts->portfolio_names, &ckpt));
    irr.ckpt = ckpt;
  }
  if (a.cash_flows) {
    /* every event of the scenarios' behavioural stream, spilled per rank, written after the reduction */
    BallastCashFlowsSetup cs;
    PetscCall(PetscMemzero(&cs, sizeof cs));
    cs.nscen      = irr.nscen;
    cs.as_of      = ctx.cfg.as_of;
    cs.nbucket    = irr.nbucket;
    cs.bucket_hi  = irr.bucket_hi;
    cs.nladder    = lp.nbucket;
    cs.ladder_end = lp.bucket_end;
    cs.disc_curve = irr.disc;
    cs.fx         = irr.market[0].fx;
    PetscCall(BallastCashFlowsFileOpen(&ctx, irr.nscen, &cffile));
    PetscCall(BallastCashFlowsCreate(&cs, BallastCashFlowsFileSink(cffile), &cflows));
    BallastCashFlowsConsumer(cflows, &extra[nextra++]);
  }
  PetscCall(stage("project", PETSC_TRUE));
  PetscCall(BallastIRRBBRunCompute(&ctx, &irr, a.position_detail, nextra, extra));
  PetscCall(stage("project", PETSC_FALSE));
  /* Phase 4: results (group metrics: IRRBB, liquidity) */
  t_phase = MPI_Wtime();
  PetscCall(stage("reduce", PETSC_TRUE));
  PetscCall(BallastResultsCreate(&res));
  PetscCall(BallastRunResultsBase(&ctx, res));
  if (a.set_n > 0) {
    /* what `ballast combine` needs to put the parts together (docs/cluster.md) */
    char set[64];
    snprintf(set, sizeof set, "%" PetscInt_FMT "/%" PetscInt_FMT, a.set_k, a.set_n);
    PetscCall(BallastResultsAddAttr(res, "scenario_set", set));
    PetscCall(BallastResultsAddAttr(res, "scenarios_all", scenarios_all));
  }
  PetscCall(BallastResultsAddAttr(res, "regime_name", ctx.regime->name));
  PetscCall(BallastResultsAddAttr(res, "regime_version", ctx.regime->version));
  if (ctx.regime->source) PetscCall(BallastResultsAddAttr(res, "regime_source", ctx.regime->source));
  const char *pc[] = {"portfolio", "currency"};
  PetscCall(BallastResultsAddVar(res, "notional_total", 2, pc, notional, "outstanding notional principal at the as-of date (control total)", "currency of the currency dimension (currency_code)"));
  PetscCall(BallastResultsAddVarInt(res, "contract_count", 2, pc, count, "number of contracts (control total)", "1"));
  PetscCall(PetscPrintf(ctx.comm, "ballast run %s: %" PRId64 " contracts, %" PetscInt_FMT " portfolios, %d rank%s, regime %s\n", ctx.cfg.name, total, ctx.contracts->nportfolios, ctx.size,
                        ctx.size > 1 ? "s" : "", ctx.regime->name));
  if (ctx.rank == 0) PetscCall(BallastIRRBBRunResults(&ctx, &irr, res));
  if (plan) { /* new business under every scenario, then nii_path and balance_path */
    PetscCall(BallastNIIPathRun(&ctx, &irr, &book_path, res));
    PetscCall(BallastNIIPathDestroy(&book_path));
  }
  PetscCall(BallastLiquidityAddResults(&liq, res));
  if (beh.nseg > 0) PetscCall(BallastBehaviourAddResults(&beh, res));
  PetscCall(BallastResultsAddAttr(res, "cash_flow_view", use_beh ? "behavioural" : "contractual"));
  PetscCall(BallastLiquiditySummary(ctx.comm, &liq));
  if (ctx.rank == 0) PetscCall(action_summary(&ctx, &irr, &liq, &lp, res));
  PetscCall(stage("reduce", PETSC_FALSE));
  PetscCall(phase_done(ctx.comm, "reduce (IRRBB group metrics, liquidity)", t_phase, -1, NULL));
  t_phase = MPI_Wtime();
  PetscCall(stage("write", PETSC_TRUE));
  if (a.position_detail) {
    snprintf(path, sizeof path, "%s/contracts.nc", ctx.cfg.output_dir);
    PetscCall(BallastWriteContractsNC(&ctx, irr.nscen, irr.pv, path));
  }
  if (a.cash_flows) {
    int64_t nrows;
    double  secs;
    snprintf(path, sizeof path, "%s/cashflows.nc", ctx.cfg.output_dir);
    PetscCall(BallastCashFlowsFileWrite(&ctx, cffile, path, &nrows, &secs));
    PetscCall(PetscFPrintf(ctx.comm, PETSC_STDERR, "write: %s, %" PRId64 " events in %.2f s (%.0f events/s)\n", path, nrows, secs, secs > 0 ? (double)nrows / secs : 0.0));
    PetscCall(BallastCashFlowsFileDestroy(&cffile));
    PetscCall(BallastCashFlowsDestroy(&cflows));
  }
  double wall = MPI_Wtime() - ctx.t_start;
  PetscCall(BallastResultsAddAttrDouble(res, "wall_seconds", wall));
  snprintf(path, sizeof path, "%s/alm.nc", ctx.cfg.output_dir);
  PetscCall(BallastResultsWrite(ctx.comm, res, path));
  PetscCall(stage("write", PETSC_FALSE));
  PetscCall(phase_done(ctx.comm, "write", t_phase, -1, NULL));
  PetscCall(BallastResultsDestroy(&res));
  /* Phase 5: report */
  PetscCall(PetscPrintf(ctx.comm, "projection: %" PRId64 " contracts x %" PetscInt_FMT " variants (%" PetscInt_FMT " scenarios, pv01, %" PetscInt_FMT " key rates), %" PRId64 " events, %.2f s; %.0f contract-scenarios per core-second\n",
                        irr.ncontracts, irr.nvar, irr.nscen, irr.nkey, irr.nevents, irr.seconds, irr.core_seconds > 0 ? (double)irr.ncontracts * (double)irr.nvar / irr.core_seconds : 0.0));
  PetscCall(PetscPrintf(ctx.comm, "projection time per rank: min %.2f s, max %.2f s (balance %.2f)\n", irr.min_seconds, irr.max_seconds, irr.max_seconds > 0 ? irr.min_seconds / irr.max_seconds : 1.0));
  PetscCall(PetscPrintf(ctx.comm, "wall time %.2f s on %d rank%s\n", wall, ctx.size, ctx.size > 1 ? "s" : ""));
  PetscCall(print_totals(&ctx, notional, count, PETSC_FALSE));
  PetscCall(print_notes(&ctx, a.contractual));
  PetscCall(PetscPrintf(ctx.comm, "results: %s\n", path));
  if (ckpt) { /* the results are written: the checkpoint has served */
    PetscCall(BallastCheckpointRemove(ckpt));
    PetscCall(BallastCheckpointDestroy(&ckpt));
  }
  PetscCall(BallastIRRBBRunDestroy(&irr));
  if (have_actions) PetscCall(BallastActionSetDestroy(&actions));
  PetscCall(BallastBehaviourDestroy(&beh));
  PetscCall(PetscFree(seg_of));
  PetscCall(PetscFree2(psc, tsc));
  PetscCall(BallastLiquidityDestroy(&liq));
  PetscCall(BallastLiquidityParamsDestroy(&lp));
  PetscCall(PetscFree(ccy_codes));
  PetscCall(PetscFree(notional));
  PetscCall(PetscFree(count));
  PetscCall(PetscFree(scenarios_all));
  PetscCall(BallastRunTeardown(&ctx));
  PetscFunctionReturn(0);
}

