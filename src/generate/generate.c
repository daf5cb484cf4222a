/* ballast generate: a synthetic balance sheet of a mid-size European bank — the command.
 *
 * This file is the command line (BallastGenerateOptionsParse) and the driver (BallastGenerate):
 * create the output directory, set up the recipe, write the contract files in parallel, reduce the
 * exact totals, then on rank 0 write the market data, the behavioural histories and run.cfg, and
 * rename everything into place (contracts first, run.cfg last). What the balance sheet looks like
 * is in recipe.c; how one contract is drawn in draw.c; the curves in market.c; the CSV writing in
 * shards.c; run.cfg in runcfg.c (a map of the files: gen_impl.h).
 *
 * Determinism: row r of the file holds logical contract k = perm(r) (a keyed Feistel bijection
 * of [0, N) with cycle walking); k fixes the category (exact counts by largest remainder) and
 * every draw of the contract is splitmix64(seed, k, draw number). No state is carried from row to
 * row, so any rank can format any row: the bytes never depend on the number of ranks. */
#define _POSIX_C_SOURCE 200809L
#include <ballast/commands.h>
#include "gen_impl.h"
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ files */
/* mkdir -p (rank 0). Returns 0 or -1 with msg. */
static int make_dirs(const char *dir, char *msg, size_t len)
{
  char   path[PETSC_MAX_PATH_LEN];
  size_t n = strlen(dir);
  if (n >= sizeof path) {
    snprintf(msg, len, "%.900s: path too long", dir);
    return -1;
  }
  memcpy(path, dir, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (path[i] == '/' || path[i] == 0) {
      char c = path[i];
      path[i] = 0;
      if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        snprintf(msg, len, "%.900s: cannot create directory: %s", path, strerror(errno));
        return -1;
      }
      path[i] = c;
    }
  }
  struct stat sb;
  if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    snprintf(msg, len, "%s: not a directory", dir);
    return -1;
  }
  return 0;
}

/* Path of contract file s (0 when not sharded), final or temporary. */
static void contract_path(const char *dir, int nshards, int s, int tmp, char *p, size_t len)
{
  if (nshards) snprintf(p, len, tmp ? "%s/.contracts-%03d.csv.tmp" : "%s/contracts-%03d.csv", dir, s);
  else snprintf(p, len, tmp ? "%s/.contracts.csv.tmp" : "%s/contracts.csv", dir);
}

/* Rank 0, best effort: remove the temporary contract files of a failed run (the small files are
 * written by BallastWriteFileAtomic, which leaves no temporary behind). */
static void remove_temporaries(const char *dir, int ncontract_files, int nshards)
{
  char p[PETSC_MAX_PATH_LEN + 64];
  for (int s = 0; s < ncontract_files; s++) {
    contract_path(dir, nshards, s, 1, p, sizeof p);
    (void)remove(p);
  }
}

/* Rank 0: contract files of an earlier run into the same directory that this run's run.cfg does
 * not name (contracts.csv when sharding, shards beyond the new count) would confuse a reader of
 * the directory: remove them. */
static void remove_stale(const char *dir, int nshards)
{
  char p[PETSC_MAX_PATH_LEN + 64];
  if (nshards) {
    snprintf(p, sizeof p, "%s/contracts.csv", dir);
    (void)remove(p);
  }
  for (int s = nshards; s < 1000; s++) {
    snprintf(p, sizeof p, "%s/contracts-%03d.csv", dir, s);
    if (remove(p) != 0) break;
  }
}


/* Not collective (rank 0): the small files and the renames. Market data and the histories first,
 * then the contract files renamed into place, run.cfg last: a configuration never names files that
 * are not there. */
static PetscErrorCode write_small_files_to(const BallastGenerateOptions *o, const BallastGen *g, int nshards, const BallastGenTotals *all, BallastText *text, char *tmp, char *fin, size_t plen)
{
  BallastGenBehUse use;
  PetscFunctionBeginUser;
  BallastGenSegmentsInUse(g, &use);
  PetscCall(BallastGenWriteHistories(o->out, o->as_of, o->seed, &use));
  BallastGenCurvesText(text);
  PetscCheck(!text->err, PETSC_COMM_SELF, PETSC_ERR_MEM, "curves.csv: out of memory");
  snprintf(fin, plen, "%s/curves.csv", o->out);
  PetscCall(BallastWriteFileAtomic(fin, text->buf, text->len));
  BallastTextClear(text);
  BallastGenFxText(text);
  PetscCheck(!text->err, PETSC_COMM_SELF, PETSC_ERR_MEM, "fx.csv: out of memory");
  snprintf(fin, plen, "%s/fx.csv", o->out);
  PetscCall(BallastWriteFileAtomic(fin, text->buf, text->len));
  BallastTextClear(text);
  PetscCall(BallastGenRunCfgText(o, g, nshards, all, text)); /* before the renames: nothing can fail between them */
  for (int s = 0; s < PetscMax(nshards, 1); s++) {
    contract_path(o->out, nshards, s, 1, tmp, plen);
    contract_path(o->out, nshards, s, 0, fin, plen);
    PetscCheck(rename(tmp, fin) == 0, PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: cannot rename to %s: %s", tmp, fin, strerror(errno));
  }
  snprintf(fin, plen, "%s/run.cfg", o->out);
  PetscCall(BallastWriteFileAtomic(fin, text->buf, text->len));
  PetscFunctionReturn(0);
}

/* The text buffer and paths are freed also when a write fails. */
static PetscErrorCode write_small_files(const BallastGenerateOptions *o, const BallastGen *g, int nshards, const BallastGenTotals *all)
{
  BallastText    text = {0};
  size_t         plen = strlen(o->out) + 64;
  char          *tmp, *fin;
  PetscErrorCode ierr;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(plen, &tmp, plen, &fin));
  ierr = write_small_files_to(o, g, nshards, all, &text, tmp, fin, plen);
  BallastTextFree(&text);
  PetscCall(PetscFree2(tmp, fin));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ the command */
PetscErrorCode BallastGenerate(MPI_Comm comm, const BallastGenerateOptions *o)
{
  PetscMPIInt      rank, size;
  BallastGen       g;
  BallastGenTotals tot;
  PetscErrorCode   ierr = 0;
  char             msg[1024] = "", *buf;
  double           t0        = MPI_Wtime();
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  int failed = 0;
  if (rank == 0) failed = make_dirs(o->out, msg, sizeof msg) != 0;
  PetscCall(BallastAgreeError(comm, failed ? BALLAST_ERR_IO : 0, msg));

  PetscCall(BallastGenCreate(o, &g));
  PetscCall(PetscMemzero(&tot, sizeof tot));
  PetscCall(PetscCalloc1(g.nport, &tot.port));
  PetscCall(PetscMalloc1((size_t)BALLAST_GEN_CHUNK_ROWS * BALLAST_GEN_MAX_ROW_BYTES, &buf));

  /* contracts: one file, or shards of a fixed number of rows (independent of the rank count) */
  int64_t N = o->ncontracts, S = o->shard_rows;
  int     nshards = N <= S ? 0 : (int)((N + S - 1) / S);
  size_t  plen    = strlen(o->out) + 64;
  char   *tmp;
  PetscCall(PetscMalloc1(plen, &tmp));
  for (int s = 0; s < PetscMax(nshards, 1); s++) {
    contract_path(o->out, nshards, s, 1, tmp, plen);
    ierr = BallastGenWriteShard(comm, &g, tmp, (int64_t)s * S, PetscMin(N, (int64_t)(s + 1) * S), buf, &tot);
    if (ierr) { /* every rank failed together (BallastGenWriteShard agrees); leave no partial file behind */
      if (rank == 0) remove_temporaries(o->out, s + 1, nshards);
      PetscCall(PetscFree(tmp));
      PetscCall(PetscFree(buf));
      PetscCall(PetscFree(tot.port));
      PetscCall(BallastGenDestroy(&g));
      PetscCall(ierr);
    }
  }
  PetscCall(PetscFree(tmp));
  PetscCall(PetscFree(buf));

  /* exact totals: integers, so the reduction order does not matter */
  BallastGenTotals all;
  PetscCall(PetscMemzero(&all, sizeof all));
  PetscCall(PetscCalloc1(g.nport, &all.port));
  PetscCallMPI(MPI_Allreduce(&tot.assets, &all.assets, 4, MPI_INT64_T, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(tot.ccy, all.ccy, NCCY, MPI_INT64_T, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(tot.port, all.port, (int)g.nport, MPI_INT64_T, MPI_SUM, comm));

  /* market data, histories and configuration (rank 0), then every file renamed into place */
  if (rank == 0) {
    ierr = write_small_files(o, &g, nshards, &all);
    if (ierr) remove_temporaries(o->out, PetscMax(nshards, 1), nshards);
    else remove_stale(o->out, nshards);
  }
  ierr = BallastAgreeError(comm, ierr, NULL);
  if (ierr) { /* a small file could not be written: free what the contracts' pass allocated */
    PetscCall(PetscFree(tot.port));
    PetscCall(PetscFree(all.port));
    PetscCall(BallastGenDestroy(&g));
  }
  PetscCall(ierr);

  /* report */
  int64_t nonempty = 0;
  for (int64_t p = 0; p < g.nport; p++) nonempty += all.port[p] > 0;
  if (nshards) PetscCall(PetscPrintf(comm, "ballast generate: wrote %" PRId64 " contracts to %s/contracts-000.csv .. contracts-%03d.csv (%d shards of %" PRId64 " rows)\n", N, o->out, nshards - 1, nshards, S));
  else PetscCall(PetscPrintf(comm, "ballast generate: wrote %" PRId64 " contracts to %s/contracts.csv\n", N, o->out));
  PetscCall(PetscPrintf(comm, "  %" PRId64 " portfolios (%" PRId64 " with contracts), legal entities BANK-DE/BANK-ES/BANK-UK; seed %" PRIu64 "\n", g.nport, nonempty, o->seed));
  for (int c = 0; c < NCAT; c++) PetscCall(PetscPrintf(comm, "  %-6s %10" PRId64 "  %s\n", BallastGenCategories[c].prefix, g.count[c], BallastGenCategories[c].what));
  PetscCall(PetscPrintf(comm, "  currencies: EUR %" PRId64 ", USD %" PRId64 ", GBP %" PRId64 " contracts\n", all.ccy[CCY_EUR], all.ccy[CCY_USD], all.ccy[CCY_GBP]));
  PetscCall(PetscPrintf(comm, "  total assets EUR %.1f m, liabilities EUR %.1f m, swap notional EUR %.1f m, risk-weighted assets EUR %.1f m\n", (double)all.assets / 1e8, (double)all.liabilities / 1e8, (double)all.swaps / 1e8, (double)all.rwa / 1e8));
  PetscCall(PetscPrintf(comm, "  also wrote %s/curves.csv (%d curves x %d pillars), %s/fx.csv, %s/run.cfg\n", o->out, NCURVES, NPILLARS, o->out, o->out));
  PetscCall(PetscPrintf(comm, "  and the behavioural histories %s/history-*.csv (240 months; true parameters in history-true-parameters.csv)\n", o->out));
  PetscCall(PetscPrintf(comm, "  %.2f s on %d rank%s\n", MPI_Wtime() - t0, size, size > 1 ? "s" : ""));
  PetscCall(PetscFree(tot.port));
  PetscCall(PetscFree(all.port));
  PetscCall(BallastGenDestroy(&g));
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ options */
static const char usage_text[] =
  "usage: ballast generate --contracts N --out DIR [options]\n"
  "  A synthetic, realistic balance sheet of a mid-size European bank (contracts, curves, FX) and a\n"
  "  ready-to-run configuration, deterministic for a seed whatever the number of MPI ranks.\n"
  "  --contracts N       number of contracts (positive integer, required)\n"
  "  --out DIR           output directory (created if missing, required)\n"
  "  --portfolios P      number of portfolios, each one business line (positive integer, default 24)\n"
  "  --seed S            random seed (non-negative integer < 2^64, default 1)\n"
  "  --as-of YYYY-MM-DD  status date of every contract and the run's as-of date (default 2026-10-30)\n"
  "  --results DIR       output.dir written in run.cfg (default \"results\")\n"
  "  --regime PATH       regime file named in run.cfg (a relative PATH from the current directory;\n"
  "                      written as an absolute path; default: config/regimes/bcbs-2016.cfg of\n"
  "                      the installation or source tree the executable belongs to)\n"
  "  --shard-rows R      rows per contract file; more contracts are written as contracts-NNN.csv\n"
  "                      shards of R rows (default 1000000)\n"
  "  --help              this text\n"
  "Writes DIR/contracts.csv (or DIR/contracts-000.csv, ...), DIR/curves.csv, DIR/fx.csv, DIR/run.cfg.\n";

static int parse_u64(const char *s, uint64_t *v)
{
  if (!s || !*s) return -1;
  uint64_t x = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9') return -1;
    uint64_t d = (uint64_t)(*p - '0');
    if (x > (UINT64_MAX - d) / 10) return -1;
    x = x * 10 + d;
  }
  *v = x;
  return 0;
}

/* The default regime: config/regimes/bcbs-2016.cfg (source or build tree: <exe dir>/../config,
 * or up to four levels above the executable, e.g. build/tests/unit) or share/ballast/regimes/
 * (an installation: <prefix>/bin/ballast), found from /proc/self/exe, never from the output or
 * current directory. 0 and an absolute path in out when found. */
static int default_regime(char *out, size_t len)
{
  char    exe[PATH_MAX], *r;
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return -1;
  exe[n] = 0;
  for (int up = 0; up < 5; up++) {
    char *slash = strrchr(exe, '/');
    if (!slash) return -1;
    *slash = 0;
    const char *rel[] = {"config/regimes/bcbs-2016.cfg", "share/ballast/regimes/bcbs-2016.cfg"};
    for (int k = 0; k < 2; k++) {
      char cand[PATH_MAX + 64];
      snprintf(cand, sizeof cand, "%s/%s", exe, rel[k]);
      if (access(cand, R_OK) == 0 && (r = realpath(cand, NULL))) {
        snprintf(out, len, "%s", r);
        free(r);
        return 0;
      }
    }
  }
  return -1;
}

static int safe_text(const char *s)
{
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == '"' || *p == '\\' || *p == 0x7f) return 0;
  return 1;
}

PetscErrorCode BallastGenerateOptionsParse(MPI_Comm comm, int argc, char **argv, BallastGenerateOptions *opt, PetscBool *help)
{
  const char *v_contracts = NULL, *v_portfolios = NULL, *v_seed = NULL, *v_asof = NULL, *v_out = NULL, *v_results = NULL, *v_regime = NULL, *v_shard = NULL;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(opt, sizeof(*opt)));
  *help = PETSC_FALSE;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      *help = PETSC_TRUE;
      PetscFunctionReturn(0);
    }
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *val = NULL;
    char        name[64];
    if (a[0] == '-' && a[1] != '-' && a[1]) { /* a PETSc option (-log_view, -options_file F): not ours */
      if (i + 1 < argc && argv[i + 1][0] != '-') i++;
      continue;
    }
    PetscCheck(a[0] == '-' && a[1] == '-' && a[2], comm, BALLAST_ERR_USAGE, "generate: unexpected argument '%s' (see ballast generate --help)", a);
    const char *eq = strchr(a, '=');
    size_t      nl = eq ? (size_t)(eq - a) : strlen(a);
    PetscCheck(nl < sizeof name, comm, BALLAST_ERR_USAGE, "generate: unknown option '%s' (see ballast generate --help)", a);
    memcpy(name, a, nl);
    name[nl] = 0;
    const char **slot = !strcmp(name, "--contracts") ? &v_contracts : !strcmp(name, "--portfolios") ? &v_portfolios : !strcmp(name, "--seed") ? &v_seed
                      : !strcmp(name, "--as-of") ? &v_asof : !strcmp(name, "--out") ? &v_out : !strcmp(name, "--results") ? &v_results
                      : !strcmp(name, "--regime") ? &v_regime : !strcmp(name, "--shard-rows") ? &v_shard : NULL;
    PetscCheck(slot, comm, BALLAST_ERR_USAGE, "generate: unknown option '%s' (see ballast generate --help)", name);
    if (eq) val = eq + 1;
    else {
      PetscCheck(i + 1 < argc, comm, BALLAST_ERR_USAGE, "generate: option %s needs a value", name);
      val = argv[++i];
    }
    PetscCheck(!*slot, comm, BALLAST_ERR_USAGE, "generate: option %s given twice", name);
    *slot = val;
  }
  uint64_t u;
  PetscCheck(v_contracts, comm, BALLAST_ERR_USAGE, "generate: --contracts N is required (see ballast generate --help)");
  PetscCheck(!parse_u64(v_contracts, &u) && u >= 1 && u <= (uint64_t)1 << 40, comm, BALLAST_ERR_USAGE, "generate: --contracts '%s': expected a positive integer (at most 2^40)", v_contracts);
  opt->ncontracts = (int64_t)u;
  opt->nportfolios = 24;
  if (v_portfolios) {
    PetscCheck(!parse_u64(v_portfolios, &u) && u >= 1 && u <= 1000000, comm, BALLAST_ERR_USAGE, "generate: --portfolios '%s': expected a positive integer (at most 1000000)", v_portfolios);
    opt->nportfolios = (int64_t)u;
  }
  opt->seed = 1;
  if (v_seed) {
    PetscCheck(!parse_u64(v_seed, &u), comm, BALLAST_ERR_USAGE, "generate: --seed '%s': expected a non-negative integer below 2^64", v_seed);
    opt->seed = u;
  }
  opt->as_of = BallastDateFromYMD(2026, 10, 30);
  if (v_asof) {
    BallastDate d;
    PetscCheck(!BallastDateParse(v_asof, &d), comm, BALLAST_ERR_USAGE, "generate: --as-of '%s': expected a date YYYY-MM-DD", v_asof);
    int y, m, dd;
    BallastDateToYMD(d, &y, &m, &dd);
    PetscCheck(y >= 2000 && y <= 2100, comm, BALLAST_ERR_USAGE, "generate: --as-of '%s': expected a year between 2000 and 2100", v_asof);
    opt->as_of = d;
  }
  opt->shard_rows = BALLAST_GENERATE_SHARD_ROWS;
  if (v_shard) {
    PetscCheck(!parse_u64(v_shard, &u) && u >= 1 && u <= (uint64_t)1 << 40, comm, BALLAST_ERR_USAGE, "generate: --shard-rows '%s': expected a positive integer", v_shard);
    opt->shard_rows = (int64_t)u;
    PetscCheck((opt->ncontracts + opt->shard_rows - 1) / opt->shard_rows <= 1000, comm, BALLAST_ERR_USAGE, "generate: --shard-rows %s: more than 1000 shards for %" PRId64 " contracts", v_shard, opt->ncontracts);
  }
  PetscCheck(v_out, comm, BALLAST_ERR_USAGE, "generate: --out DIR is required (see ballast generate --help)");
  PetscCheck(v_out[0] && strlen(v_out) < PETSC_MAX_PATH_LEN - 64, comm, BALLAST_ERR_USAGE, "generate: --out '%s': expected a directory path", v_out);
  if (v_results) PetscCheck(v_results[0] && safe_text(v_results), comm, BALLAST_ERR_USAGE, "generate: --results '%s': expected a non-empty path without quotes, backslashes or control characters", v_results);
  if (v_regime) PetscCheck(v_regime[0] && safe_text(v_regime), comm, BALLAST_ERR_USAGE, "generate: --regime '%s': expected a non-empty path without quotes, backslashes or control characters", v_regime);

  /* accepted: keep copies */
  PetscCall(PetscStrallocpy(v_out, &opt->out));
  if (v_results) PetscCall(PetscStrallocpy(v_results, &opt->results));
  {
    /* run.cfg names the regime by an absolute path, so that it runs from anywhere: --regime
     * relative to the current directory, else the installation's default */
    char  def[PATH_MAX];
    char *abs = NULL;
    if (v_regime) {
      abs = realpath(v_regime, NULL);
      PetscCheck(abs, comm, BALLAST_ERR_USAGE, "generate: --regime '%s': %s (a relative path is taken from the current directory)", v_regime, strerror(errno));
      PetscCheck(safe_text(abs), comm, BALLAST_ERR_USAGE, "generate: --regime '%s': its absolute path '%s' holds quotes, backslashes or control characters", v_regime, abs);
      PetscCall(PetscStrallocpy(abs, &opt->regime));
      free(abs);
    } else {
      PetscCheck(!default_regime(def, sizeof def), comm, BALLAST_ERR_USAGE,
                 "generate: no default regime found (config/regimes/bcbs-2016.cfg beside the executable's tree, or share/ballast/regimes): give --regime PATH");
      PetscCheck(safe_text(def), comm, BALLAST_ERR_USAGE, "generate: default regime '%s': the path holds quotes, backslashes or control characters; give --regime PATH", def);
      PetscCall(PetscStrallocpy(def, &opt->regime));
    }
  }
  size_t len = strlen("ballast") + 1;
  for (int i = 0; i < argc; i++) len += strlen(argv[i]) + 1;
  PetscCall(PetscMalloc1(len, &opt->command));
  strcpy(opt->command, "ballast");
  for (int i = 0; i < argc; i++) {
    strcat(opt->command, " ");
    strcat(opt->command, argv[i]);
  }
  for (char *p = opt->command; *p; p++)
    if ((unsigned char)*p < 0x20) *p = ' '; /* one comment line */
  PetscFunctionReturn(0);
}

PetscErrorCode BallastGenerateOptionsFree(BallastGenerateOptions *opt)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(opt->out));
  PetscCall(PetscFree(opt->results));
  PetscCall(PetscFree(opt->regime));
  PetscCall(PetscFree(opt->command));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastCmdGenerate(int argc, char **argv)
{
  BallastGenerateOptions opt;
  PetscBool              help;
  PetscFunctionBeginUser;
  PetscCall(BallastGenerateOptionsParse(PETSC_COMM_WORLD, argc, argv, &opt, &help));
  if (help) {
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s", usage_text));
    PetscFunctionReturn(0);
  }
  PetscErrorCode ierr = BallastGenerate(PETSC_COMM_WORLD, &opt);
  PetscCall(BallastGenerateOptionsFree(&opt));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
