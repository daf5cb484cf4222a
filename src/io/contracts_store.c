/* The columnar contract store (docs/store.md): `ballast convert` writes the validated contracts of
 * a configuration into one NetCDF-4 file, one variable per contract term over a `contract`
 * dimension, contracts grouped by portfolio in the run's order (portfolio index, then source file
 * and line), so that a run reads its portfolios as contiguous hyperslabs instead of parsing CSV.
 *
 * Write: collective, NetCDF-4 over MPI-IO, independent access; each rank writes the slabs of the
 * portfolios it owns (runs of consecutive portfolio indices as one slab), rank 0 the dictionaries
 * and the per-portfolio variables; under <path>.tmp, renamed when complete (as alm.nc).
 * Read: every rank opens the file by itself (serial HDF5, read only), checks the format, computes
 * the same partition as the CSV load from the stored per-portfolio work estimates and reads its
 * portfolios' slabs straight into the contract store. Any failure (foreign, damaged, truncated
 * file, another format version) is agreed on by all ranks: exit 3 naming the file, no hang.
 *
 * Only the public API of the contract store is used (BallastContractsGetTerms / Append). */
#define _POSIX_C_SOURCE 200809L
#include "nc_check.h"
#include <ballast/io.h>
#include <ballast/partition.h>
#include <ballast/run.h>
#include <inttypes.h>
#include <math.h>
#include <netcdf.h>
#include <netcdf_par.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define STORE_KIND    "ballast contract store"
#define STORE_VERSION 1
#define RBLOCK 4096 /* contracts decoded at a time when reading */
#define RPIECE_DEFAULT 65536 /* contracts read at a time (one hyperslab per variable) */
/* BALLAST_STORE_PIECE=N reads N contracts at a time (tests: piece boundaries inside portfolios) */
static size_t rpiece(void)
{
  const char *e = getenv("BALLAST_STORE_PIECE");
  long        n = e ? atol(e) : 0;
  return n > 0 ? (size_t)n : RPIECE_DEFAULT;
}

/* ---- the columns ------------------------------------------------------------------------- */
enum { K_ENUM, K_CCY, K_CURVE, K_RAWID, K_DATE, K_CYCLE, K_DOUBLE, K_AU8, K_ADATE, K_ADOUBLE, K_ENT, K_SEG };
typedef struct {
  const char *name;
  int         kind;
  size_t      off; /* in BallastTerms (K_ENUM..K_DOUBLE) or BallastAlm (K_A*, K_ENT, K_SEG) */
  const char *codes; /* K_ENUM / K_AU8: the code list, value k = k-th word; the word count = "not set" where allowed */
} Col;

#define TE(f, codes) {#f, K_ENUM, offsetof(BallastTerms, f), codes}
#define TI(f, k)     {#f, k, offsetof(BallastTerms, f), NULL}
#define AL(f, k, c)  {#f, k, offsetof(BallastAlm, f), c}
static const Col cols[] = {
  TE(contractType, "PAM ANN LAM NAM CLM UMP SWPPV CSH STK FXOUT"),
  TE(contractRole, "RPA RPL RFL PFL RF PF BUY SEL COL CNO UDL UDLP UDLM"),
  TE(dayCountConvention, "AA A360 A365 30E360ISDA 30E360 28E336"),
  TE(businessDayConvention, "NOS SCF SCMF CSF CSMF SCP SCMP CSP CSMP"),
  TE(calendar, "NC MF"),
  TE(endOfMonthConvention, "SD EOM"),
  TE(interestCalculationBase, "NT NTIED NTL"),
  TE(scalingEffect, "000 I00 0N0 IN0"),
  TE(deliverySettlement, "D S"),
  TI(currency, K_CCY), TI(currency2, K_CCY), TI(marketObjectCodeOfRateReset, K_CURVE),
  TI(marketObjectCodeOfScalingIndex, K_RAWID), TI(marketObjectCodeOfDividends, K_RAWID),
  TI(statusDate, K_DATE), TI(contractDealDate, K_DATE), TI(initialExchangeDate, K_DATE), TI(maturityDate, K_DATE),
  TI(purchaseDate, K_DATE), TI(terminationDate, K_DATE), TI(capitalizationEndDate, K_DATE), TI(amortizationDate, K_DATE),
  TI(cycleAnchorDateOfInterestPayment, K_DATE), TI(cycleAnchorDateOfPrincipalRedemption, K_DATE),
  TI(cycleAnchorDateOfRateReset, K_DATE), TI(cycleAnchorDateOfInterestCalculationBase, K_DATE),
  TI(cycleAnchorDateOfScalingIndex, K_DATE), TI(cycleAnchorDateOfDividendPayment, K_DATE),
  TI(cycleOfInterestPayment, K_CYCLE), TI(cycleOfPrincipalRedemption, K_CYCLE), TI(cycleOfRateReset, K_CYCLE),
  TI(cycleOfInterestCalculationBase, K_CYCLE), TI(cycleOfScalingIndex, K_CYCLE), TI(cycleOfDividendPayment, K_CYCLE),
  TI(fixingDays, K_CYCLE), TI(fixingPeriod, K_CYCLE), TI(settlementPeriod, K_CYCLE), TI(xDayNotice, K_CYCLE),
  TI(notionalPrincipal, K_DOUBLE), TI(notionalPrincipal2, K_DOUBLE), TI(nominalInterestRate, K_DOUBLE),
  TI(nominalInterestRate2, K_DOUBLE), TI(accruedInterest, K_DOUBLE), TI(nextPrincipalRedemptionPayment, K_DOUBLE),
  TI(interestCalculationBaseAmount, K_DOUBLE), TI(premiumDiscountAtIED, K_DOUBLE), TI(priceAtPurchaseDate, K_DOUBLE),
  TI(priceAtTerminationDate, K_DOUBLE), TI(rateSpread, K_DOUBLE), TI(rateMultiplier, K_DOUBLE), TI(nextResetRate, K_DOUBLE),
  TI(lifeCap, K_DOUBLE), TI(lifeFloor, K_DOUBLE), TI(periodCap, K_DOUBLE), TI(periodFloor, K_DOUBLE),
  TI(notionalScalingMultiplier, K_DOUBLE), TI(interestScalingMultiplier, K_DOUBLE), TI(scalingIndexAtContractDealDate, K_DOUBLE),
  AL(legalEntity, K_ENT, NULL), AL(behaviourSegment, K_SEG, NULL),
  AL(counterpartyType, K_AU8, "retail sme corporate financial sovereign central_bank pse mdb other"),
  AL(depositStability, K_AU8, "less_stable stable"),
  AL(operational, K_AU8, "false true"), AL(insured, K_AU8, "false true"),
  AL(hqlaLevel, K_AU8, "none 1 2A 2B_RMBS 2B"), AL(facilityType, K_AU8, "credit liquidity"),
  AL(encumberedUntil, K_ADATE, NULL), AL(riskWeight, K_ADOUBLE, NULL), AL(undrawnCommitment, K_ADOUBLE, NULL),
};
#define NCOLS ((int)(sizeof cols / sizeof cols[0]))

static size_t col_size(int k)
{
  switch (k) {
  case K_ENUM:
  case K_AU8: return 1;
  case K_DOUBLE:
  case K_ADOUBLE: return 8;
  default: return 4;
  }
}
static nc_type col_type(int k)
{
  switch (k) {
  case K_ENUM:
  case K_AU8: return NC_UBYTE;
  case K_DOUBLE:
  case K_ADOUBLE: return NC_DOUBLE;
  default: return NC_INT;
  }
}
static int ncodes(const char *codes)
{
  int n = 0;
  for (const char *p = codes; *p;) {
    while (*p == ' ') p++;
    if (!*p) break;
    n++;
    while (*p && *p != ' ') p++;
  }
  return n;
}

/* A cycle as one int32: n (16 bits, two's complement) << 16 | unit << 8 | stub; 0 = not set. */
static int32_t cycle_pack(BallastCycle c)
{
  if (c.n == 0) return 0;
  return (int32_t)(((uint32_t)(uint16_t)c.n << 16) | ((uint32_t)(unsigned char)c.unit << 8) | (uint32_t)(uint8_t)c.stub);
}
static BallastCycle cycle_unpack(int32_t v)
{
  BallastCycle c;
  memset(&c, 0, sizeof c);
  if (v == 0) return c;
  c.n    = (int16_t)(uint16_t)((uint32_t)v >> 16);
  c.unit = (char)(((uint32_t)v >> 8) & 0xff);
  c.stub = (int8_t)(uint8_t)((uint32_t)v & 0xff);
  return c;
}

/* ---- shared helpers ------------------------------------------------------------------------- */
static int cmp_cstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Collective: the sorted union of a rank-local name table over all ranks. */
static PetscErrorCode global_names(MPI_Comm comm, BallastNames loc, PetscInt *n, char ***names)
{
  int     nl = BallastNamesCount(loc), size, mylen = 0, tot = 0, *lens, *displs;
  char   *mine, *all;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  for (int i = 0; i < nl; i++) mylen += (int)strlen(BallastNamesGet(loc, i)) + 1;
  PetscCall(PetscMalloc1(mylen + 1, &mine));
  for (int i = 0, o = 0; i < nl; i++) {
    const char *s = BallastNamesGet(loc, i);
    memcpy(mine + o, s, strlen(s) + 1);
    o += (int)strlen(s) + 1;
  }
  PetscCall(PetscMalloc2(size, &lens, size, &displs));
  PetscCallMPI(MPI_Allgather(&mylen, 1, MPI_INT, lens, 1, MPI_INT, comm));
  for (int r = 0; r < size; r++) {
    displs[r] = tot;
    tot += lens[r];
  }
  PetscCall(PetscMalloc1(tot + 1, &all));
  PetscCallMPI(MPI_Allgatherv(mine, mylen, MPI_CHAR, all, lens, displs, MPI_CHAR, comm));
  BallastNames g;
  PetscCheck(BallastNamesCreate(&g) == 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  for (int o = 0; o < tot; o += (int)strlen(all + o) + 1) PetscCheck(BallastNamesIntern(g, all + o) >= 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  *n = BallastNamesCount(g);
  PetscCall(PetscMalloc1(*n + 1, names));
  for (PetscInt i = 0; i < *n; i++) PetscCall(PetscStrallocpy(BallastNamesGet(g, (int32_t)i), &(*names)[i]));
  if (*n > 1) qsort(*names, (size_t)*n, sizeof(char *), cmp_cstr);
  BallastNamesDestroy(&g);
  PetscCall(PetscFree(all));
  PetscCall(PetscFree2(lens, displs));
  PetscCall(PetscFree(mine));
  PetscFunctionReturn(0);
}

static int32_t find_sorted(char **names, PetscInt n, const char *s)
{
  char **hit = n ? bsearch(&s, names, (size_t)n, sizeof(char *), cmp_cstr) : NULL;
  return hit ? (int32_t)(hit - names) : -1;
}

static size_t max_len(PetscInt n, const char *const *s)
{
  size_t m = 1;
  for (PetscInt i = 0; i < n; i++)
    if (s[i] && strlen(s[i]) > m) m = strlen(s[i]);
  return m;
}

/* ---- write ---------------------------------------------------------------------------------- */
typedef struct {
  int dcon, dpf, dpflen, did, dccy, dccylen, dcur, dcurlen, dent, dentlen, dseg, dseglen, dfile, dfilelen, dsha;
  int vcol[NCOLS];
  int vfile, vline, vidoff, vidtxt;
  int vpfname, vpfoff, vpfcnt, vpfidoff, vpfidlen, vpfcost, vpfcostc, vpfnot;
  int vccy, vcur, vent, vseg, vfname, vfsha;
} WIds;

typedef struct {
  BallastRunContext *ctx;
  PetscInt           np, nccy, ncur, nent, nseg, nfile;
  char             **ccy, **cur, **ent, **seg; /* dictionaries (ccy, cur borrowed from the market) */
  size_t             lpf, lccy, lcur, lent, lseg, lfile;
  int64_t           *pf_off, *pf_idoff, *pf_idlen, *cost, *costc;
  double            *notional;
  int64_t            total, idbytes;
  double             control;
} WInfo;

static PetscErrorCode def_text(BallastNCFile *f, const char *name, int d0, int d1, const char *long_name, int *var)
{
  int d[2] = {d0, d1};
  PetscFunctionBeginUser;
  BallastCallNC(f, name, nc_def_var(f->ncid, name, NC_CHAR, 2, d, var));
  PetscCall(BallastNCPutText(f, *var, name, "long_name", long_name));
  PetscFunctionReturn(0);
}

static PetscErrorCode def_1(BallastNCFile *f, const char *name, nc_type t, int dim, const char *long_name, int *var)
{
  PetscFunctionBeginUser;
  BallastCallNC(f, name, nc_def_var(f->ncid, name, t, 1, &dim, var));
  if (long_name) PetscCall(BallastNCPutText(f, *var, name, "long_name", long_name));
  PetscFunctionReturn(0);
}

/* A per-contract variable (or the contractID text): chunked along its one dimension, deflated
 * (level 1, shuffle); written collectively. */
static int store_deflate; /* BallastContractsStoreWrite's `deflate` while defining */
static PetscErrorCode def_c(BallastNCFile *f, const char *name, nc_type t, int dim, size_t dimlen, size_t chunk, const char *long_name, int *var)
{
  size_t ch = dimlen < chunk ? dimlen : chunk;
  PetscFunctionBeginUser;
  PetscCall(def_1(f, name, t, dim, long_name, var));
  if (!store_deflate) PetscFunctionReturn(0); /* contiguous: a slab is read with one copy */
  BallastCallNC(f, name, nc_def_var_chunking(f->ncid, *var, NC_CHUNKED, &ch));
  BallastCallNC(f, name, nc_def_var_deflate(f->ncid, *var, 0, 1, 1));
  PetscFunctionReturn(0);
}
#define CHUNK    16384  /* contracts per chunk */
#define CHUNK_ID 262144 /* bytes of contractID text per chunk */
#define PIECE    32768  /* contracts per collective write round */

static PetscErrorCode put_count(BallastNCFile *f, int var, const char *name, PetscInt n)
{
  long long v = (long long)n;
  PetscFunctionBeginUser;
  BallastCallNC(f, name, nc_put_att_longlong(f->ncid, var, "count", NC_INT64, 1, &v));
  PetscFunctionReturn(0);
}

#define DIMLEN(n) ((size_t)((n) > 0 ? (n) : 1)) /* a NetCDF dimension of length 0 would be unlimited */

static PetscErrorCode define(WInfo *W, BallastNCFile *f, WIds *v, const char *software)
{
  BallastRunContext *ctx = W->ctx;
  const BallastConfig *cfg = &ctx->cfg;
  int                nc, old;
  PetscFunctionBeginUser;
  BallastCallNC(f, NULL, nc_create_par(f->tmp, NC_CLOBBER | NC_NETCDF4, ctx->comm, MPI_INFO_NULL, &f->ncid));
  f->open = 1;
  nc      = f->ncid;
  BallastCallNC(f, NULL, nc_set_fill(nc, NC_NOFILL, &old));
  BallastCallNC(f, "contract", nc_def_dim(nc, "contract", DIMLEN(W->total), &v->dcon));
  BallastCallNC(f, "portfolio", nc_def_dim(nc, "portfolio", DIMLEN(W->np), &v->dpf));
  BallastCallNC(f, "portfolio_name_len", nc_def_dim(nc, "portfolio_name_len", W->lpf, &v->dpflen));
  BallastCallNC(f, "contract_id_byte", nc_def_dim(nc, "contract_id_byte", DIMLEN(W->idbytes), &v->did));
  BallastCallNC(f, "currency_dict", nc_def_dim(nc, "currency_dict", DIMLEN(W->nccy), &v->dccy));
  BallastCallNC(f, "currency_code_len", nc_def_dim(nc, "currency_code_len", W->lccy, &v->dccylen));
  BallastCallNC(f, "curve_dict", nc_def_dim(nc, "curve_dict", DIMLEN(W->ncur), &v->dcur));
  BallastCallNC(f, "curve_id_len", nc_def_dim(nc, "curve_id_len", W->lcur, &v->dcurlen));
  BallastCallNC(f, "legal_entity_dict", nc_def_dim(nc, "legal_entity_dict", DIMLEN(W->nent), &v->dent));
  BallastCallNC(f, "legal_entity_len", nc_def_dim(nc, "legal_entity_len", W->lent, &v->dentlen));
  BallastCallNC(f, "behaviour_segment_dict", nc_def_dim(nc, "behaviour_segment_dict", DIMLEN(W->nseg), &v->dseg));
  BallastCallNC(f, "behaviour_segment_len", nc_def_dim(nc, "behaviour_segment_len", W->lseg, &v->dseglen));
  BallastCallNC(f, "source_file", nc_def_dim(nc, "source_file", DIMLEN(W->nfile), &v->dfile));
  BallastCallNC(f, "source_file_name_len", nc_def_dim(nc, "source_file_name_len", W->lfile, &v->dfilelen));
  BallastCallNC(f, "sha256_len", nc_def_dim(nc, "sha256_len", 64, &v->dsha));
  for (int c = 0; c < NCOLS; c++) {
    const Col *C = &cols[c];
    PetscCall(def_c(f, C->name, col_type(C->kind), v->dcon, DIMLEN(W->total), CHUNK, NULL, &v->vcol[c]));
    const char *enc = NULL;
    switch (C->kind) {
    case K_ENUM:
    case K_AU8: enc = "enumeration: value k is the k-th word of `codes` (0-based); the number of words means not set"; break;
    case K_CCY: enc = "index into currency_code; -1 = not set"; break;
    case K_CURVE: enc = "index into curve_id; -1 = not set (fixed rate)"; break;
    case K_RAWID: enc = "the loader's id of the market object code; -1 = not set"; break;
    case K_DATE:
    case K_ADATE: enc = "day number (BallastDate); -2147483648 = not set"; break;
    case K_CYCLE: enc = "period packed as (n << 16) | (unit character << 8) | stub; 0 = not set"; break;
    case K_DOUBLE:
    case K_ADOUBLE: enc = "the value as parsed; NaN = not set"; break;
    case K_ENT: enc = "index into legal_entity_name; -1 = the run's group"; break;
    case K_SEG: enc = "index into behaviour_segment_name; -1 = contractual"; break;
    }
    PetscCall(BallastNCPutText(f, v->vcol[c], C->name, "ballast_encoding", enc));
    if (C->codes) PetscCall(BallastNCPutText(f, v->vcol[c], C->name, "codes", C->codes));
  }
  PetscCall(def_c(f, "source_file_index", NC_USHORT, v->dcon, DIMLEN(W->total), CHUNK, "index into source_file_name: the CSV the contract was read from", &v->vfile));
  PetscCall(def_c(f, "source_line", NC_INT64, v->dcon, DIMLEN(W->total), CHUNK, "line of the contract in its source file (the header is line 1)", &v->vline));
  PetscCall(def_c(f, "contract_id_offset", NC_INT64, v->dcon, DIMLEN(W->total), CHUNK, "offset of the contract's contractID in contract_id_text (NUL-terminated)", &v->vidoff));
  PetscCall(def_c(f, "contract_id_text", NC_CHAR, v->did, DIMLEN(W->idbytes), CHUNK_ID, "contractIDs, NUL-terminated, in contract order", &v->vidtxt));
  PetscCall(def_text(f, "portfolio_name", v->dpf, v->dpflen, "portfolio (sorted; the index is alm.nc's portfolio index)", &v->vpfname));
  PetscCall(put_count(f, v->vpfname, "portfolio_name", W->np));
  PetscCall(def_1(f, "portfolio_offset", NC_INT64, v->dpf, "first contract of the portfolio", &v->vpfoff));
  PetscCall(def_1(f, "portfolio_count", NC_INT64, v->dpf, "contracts of the portfolio (contiguous from portfolio_offset)", &v->vpfcnt));
  PetscCall(def_1(f, "portfolio_id_offset", NC_INT64, v->dpf, "first byte of the portfolio's contractIDs in contract_id_text", &v->vpfidoff));
  PetscCall(def_1(f, "portfolio_id_bytes", NC_INT64, v->dpf, "bytes of the portfolio's contractIDs in contract_id_text", &v->vpfidlen));
  PetscCall(def_1(f, "portfolio_work", NC_INT64, v->dpf, "estimated projection work (BallastWorkEstimate, behavioural run): the partition's weights", &v->vpfcost));
  PetscCall(def_1(f, "portfolio_work_contractual", NC_INT64, v->dpf, "estimated projection work under --contractual", &v->vpfcostc));
  PetscCall(def_1(f, "portfolio_notional", NC_DOUBLE, v->dpf, "control total: sum of notionalPrincipal in contract order (mixed currencies)", &v->vpfnot));
  PetscCall(def_text(f, "currency_code", v->dccy, v->dccylen, "currency codes (the market data's at conversion)", &v->vccy));
  PetscCall(put_count(f, v->vccy, "currency_code", W->nccy));
  PetscCall(def_text(f, "curve_id", v->dcur, v->dcurlen, "curve IDs (the market data's at conversion)", &v->vcur));
  PetscCall(put_count(f, v->vcur, "curve_id", W->ncur));
  PetscCall(def_text(f, "legal_entity_name", v->dent, v->dentlen, "legal entities (sorted)", &v->vent));
  PetscCall(put_count(f, v->vent, "legal_entity_name", W->nent));
  PetscCall(def_text(f, "behaviour_segment_name", v->dseg, v->dseglen, "behaviour segments (sorted)", &v->vseg));
  PetscCall(put_count(f, v->vseg, "behaviour_segment_name", W->nseg));
  PetscCall(def_text(f, "source_file_name", v->dfile, v->dfilelen, "the contract CSV files converted (configuration order)", &v->vfname));
  PetscCall(put_count(f, v->vfname, "source_file_name", W->nfile));
  PetscCall(def_text(f, "source_file_sha256", v->dfile, v->dsha, "SHA-256 of each source file (as the run's provenance computes it)", &v->vfsha));
  {
    char date[11], buf[256];
    BallastDateFormat(cfg->as_of, date);
    PetscCall(BallastNCPutProvenance(f, "Ballast contract store", cfg->name, date, cfg->reporting_currency, cfg->sha256));
    PetscCall(BallastNCPutText(f, NC_GLOBAL, "ballast_store", "ballast_store", STORE_KIND));
    int ver = STORE_VERSION;
    BallastCallNC(f, NULL, nc_put_att_int(nc, NC_GLOBAL, "ballast_store_version", NC_INT, 1, &ver));
    (void)buf;
    PetscCall(BallastNCPutText(f, NC_GLOBAL, "converted_by", "converted_by", software));
    PetscCall(BallastNCPutText(f, NC_GLOBAL, "config_file", "config_file", cfg->path));
    long long n = (long long)W->total, nw = (long long)ctx->contracts->nwarn_accrued;
    BallastCallNC(f, NULL, nc_put_att_longlong(nc, NC_GLOBAL, "contracts", NC_INT64, 1, &n));
    BallastCallNC(f, NULL, nc_put_att_double(nc, NC_GLOBAL, "control_total_notional", NC_DOUBLE, 1, &W->control));
    BallastCallNC(f, NULL, nc_put_att_longlong(nc, NC_GLOBAL, "accrued_interest_warnings", NC_INT64, 1, &nw));
    size_t len = 1;
    for (PetscInt i = 0; i < W->nfile; i++) len += strlen(cfg->contract_files[i]) + 68;
    char *all, *q;
    PetscCall(PetscMalloc1(len, &all));
    q  = all;
    *q = 0;
    for (PetscInt i = 0; i < W->nfile; i++) q += sprintf(q, "%s  %s\n", ctx->input_sha[i], cfg->contract_files[i]);
    PetscCall(BallastNCPutText(f, NC_GLOBAL, "input_sha256", "input_sha256", all));
    PetscCall(PetscFree(all));
  }
  BallastCallNC(f, NULL, nc_enddef(nc));
  for (int c = 0; c < NCOLS; c++) BallastCallNC(f, cols[c].name, nc_var_par_access(nc, v->vcol[c], NC_COLLECTIVE));
  int coll[] = {v->vfile, v->vline, v->vidoff, v->vidtxt};
  for (size_t k = 0; k < sizeof coll / sizeof coll[0]; k++) BallastCallNC(f, NULL, nc_var_par_access(nc, coll[k], NC_COLLECTIVE));
  int rest[] = {v->vpfname, v->vpfoff, v->vpfcnt, v->vpfidoff, v->vpfidlen, v->vpfcost, v->vpfcostc, v->vpfnot, v->vccy, v->vcur, v->vent, v->vseg, v->vfname, v->vfsha};
  for (size_t k = 0; k < sizeof rest / sizeof rest[0]; k++) BallastCallNC(f, NULL, nc_var_par_access(nc, rest[k], NC_INDEPENDENT));
  PetscFunctionReturn(0);
}

static PetscErrorCode put_dict(BallastNCFile *f, int var, const char *name, PetscInt n, char **s, size_t len)
{
  char *buf;
  PetscFunctionBeginUser;
  if (!n) PetscFunctionReturn(0);
  PetscCall(PetscCalloc1((size_t)n * len + 1, &buf));
  for (PetscInt i = 0; i < n; i++) memcpy(buf + (size_t)i * len, s[i], strlen(s[i]));
  size_t st[2] = {0, 0}, ct[2] = {(size_t)n, len};
  BallastCallNC(f, name, nc_put_vara_text(f->ncid, var, st, ct, buf));
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(0);
}

/* Rank 0 (independent access): the dictionaries and the per-portfolio variables. */
static PetscErrorCode write_head(WInfo *W, BallastNCFile *f, const WIds *v)
{
  BallastRunContext *ctx = W->ctx;
  BallastContracts   cs  = ctx->contracts;
  int                nc  = f->ncid;
  PetscFunctionBeginUser;
  if (ctx->rank != 0) PetscFunctionReturn(0);
  PetscCall(put_dict(f, v->vpfname, "portfolio_name", W->np, cs->portfolio_names, W->lpf));
  PetscCall(put_dict(f, v->vccy, "currency_code", W->nccy, W->ccy, W->lccy));
  PetscCall(put_dict(f, v->vcur, "curve_id", W->ncur, W->cur, W->lcur));
  PetscCall(put_dict(f, v->vent, "legal_entity_name", W->nent, W->ent, W->lent));
  PetscCall(put_dict(f, v->vseg, "behaviour_segment_name", W->nseg, W->seg, W->lseg));
  PetscCall(put_dict(f, v->vfname, "source_file_name", W->nfile, ctx->cfg.contract_files, W->lfile));
  if (W->nfile) {
    char *sha;
    PetscCall(PetscMalloc1((size_t)W->nfile * 64 + 1, &sha));
    for (PetscInt i = 0; i < W->nfile; i++) memcpy(sha + 64 * i, ctx->input_sha[i], 64);
    size_t st[2] = {0, 0}, ct[2] = {(size_t)W->nfile, 64};
    BallastCallNC(f, "source_file_sha256", nc_put_vara_text(nc, v->vfsha, st, ct, sha));
    PetscCall(PetscFree(sha));
  }
  if (W->np) {
    size_t st = 0, ct = (size_t)W->np;
    BallastCallNC(f, "portfolio_offset", nc_put_vara_longlong(nc, v->vpfoff, &st, &ct, (const long long *)W->pf_off));
    BallastCallNC(f, "portfolio_count", nc_put_vara_longlong(nc, v->vpfcnt, &st, &ct, (const long long *)cs->portfolio_count));
    BallastCallNC(f, "portfolio_id_offset", nc_put_vara_longlong(nc, v->vpfidoff, &st, &ct, (const long long *)W->pf_idoff));
    BallastCallNC(f, "portfolio_id_bytes", nc_put_vara_longlong(nc, v->vpfidlen, &st, &ct, (const long long *)W->pf_idlen));
    BallastCallNC(f, "portfolio_work", nc_put_vara_longlong(nc, v->vpfcost, &st, &ct, (const long long *)W->cost));
    BallastCallNC(f, "portfolio_work_contractual", nc_put_vara_longlong(nc, v->vpfcostc, &st, &ct, (const long long *)W->costc));
    BallastCallNC(f, "portfolio_notional", nc_put_vara_double(nc, v->vpfnot, &st, &ct, W->notional));
  }
  PetscFunctionReturn(0);
}

/* One piece of this rank's rows: rows [i0, i0 + m) of the store, at contract `start` and
 * contractID byte `ts` of the file (m = 0: an empty share of the collective round). Collective. */
static PetscErrorCode write_piece(WInfo *W, BallastNCFile *f, const WIds *v, const int32_t *entmap, const int32_t *segmap, PetscInt i0, size_t m, size_t start, size_t ts, char *buf, BallastTerms *T)
{
  BallastContracts cs = W->ctx->contracts;
  int              nc = f->ncid;
  PetscFunctionBeginUser;
  for (size_t k = 0; k < m; k++) BallastContractsGetTerms(cs, i0 + (PetscInt)k, &T[k]); /* once per contract */
  for (int c = 0; c < NCOLS; c++) {
    const Col *C = &cols[c];
    for (size_t k = 0; k < m; k++) {
      PetscInt          i = i0 + (PetscInt)k;
      const BallastAlm *a = &cs->alm[i];
      const char *tp = (const char *)&T[k], *ap = (const char *)a;
      switch (C->kind) {
      case K_ENUM: {
        int e;
        memcpy(&e, tp + C->off, sizeof e);
        ((uint8_t *)buf)[k] = (uint8_t)e;
      } break;
      case K_CCY:
      case K_CURVE:
      case K_RAWID:
      case K_DATE: memcpy((int32_t *)buf + k, tp + C->off, 4); break;
      case K_CYCLE: {
        BallastCycle cy;
        memcpy(&cy, tp + C->off, sizeof cy);
        ((int32_t *)buf)[k] = cycle_pack(cy);
      } break;
      case K_DOUBLE: memcpy((double *)buf + k, tp + C->off, 8); break;
      case K_AU8: ((uint8_t *)buf)[k] = *(const uint8_t *)(ap + C->off); break;
      case K_ADATE: memcpy((int32_t *)buf + k, ap + C->off, 4); break;
      case K_ADOUBLE: memcpy((double *)buf + k, ap + C->off, 8); break;
      case K_ENT: ((int32_t *)buf)[k] = a->legalEntity >= 0 ? entmap[a->legalEntity] : -1; break;
      case K_SEG: ((int32_t *)buf)[k] = a->behaviourSegment >= 0 ? segmap[a->behaviourSegment] : -1; break;
      }
    }
    BallastCallNC(f, C->name, nc_put_vara(nc, v->vcol[c], &start, &m, buf));
  }
  for (size_t k = 0; k < m; k++) ((unsigned short *)buf)[k] = cs->file[i0 + (PetscInt)k];
  BallastCallNC(f, "source_file_index", nc_put_vara_ushort(nc, v->vfile, &start, &m, (unsigned short *)buf));
  for (size_t k = 0; k < m; k++) ((long long *)buf)[k] = (long long)cs->line[i0 + (PetscInt)k];
  BallastCallNC(f, "source_line", nc_put_vara_longlong(nc, v->vline, &start, &m, (long long *)buf));
  long long *off = (long long *)buf;
  char      *txt = buf + m * 8;
  size_t     o   = 0;
  for (size_t k = 0; k < m; k++) {
    const char *id = BallastContractsID(cs, i0 + (PetscInt)k);
    size_t      l  = strlen(id) + 1;
    off[k]         = (long long)(ts + o);
    memcpy(txt + o, id, l);
    o += l;
  }
  BallastCallNC(f, "contract_id_offset", nc_put_vara_longlong(nc, v->vidoff, &start, &m, off));
  BallastCallNC(f, "contract_id_text", nc_put_vara_text(nc, v->vidtxt, &ts, &o, txt));
  PetscFunctionReturn(0);
}

/* Collective: the rows in rounds; in each round every rank writes its next piece (at most PIECE
 * rows of one run of consecutive portfolios) or an empty one; agreed after every round. */
static PetscErrorCode write_rows(WInfo *W, BallastNCFile *f, const WIds *v, PetscErrorCode *agreed)
{
  BallastRunContext *ctx = W->ctx;
  BallastContracts   cs  = ctx->contracts;
  int32_t           *entmap, *segmap;
  char              *buf;
  size_t             idmax = 1;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(BallastNamesCount(cs->entities) + 1, &entmap, BallastNamesCount(cs->segments) + 1, &segmap));
  for (int32_t k = 0; k < BallastNamesCount(cs->entities); k++) entmap[k] = find_sorted(W->ent, W->nent, BallastNamesGet(cs->entities, k));
  for (int32_t k = 0; k < BallastNamesCount(cs->segments); k++) segmap[k] = find_sorted(W->seg, W->nseg, BallastNamesGet(cs->segments, k));
  /* pieces: [i, i + m) at (start, ts) */
  PetscInt npiece = 0, cap = 16;
  int64_t *pc;
  PetscCall(PetscMalloc1(4 * cap, &pc));
  for (PetscInt i0 = 0; i0 < cs->n;) {
    PetscInt p0 = cs->alm[i0].portfolio, i1 = i0, p = p0;
    while (i1 < cs->n && (cs->alm[i1].portfolio == p || cs->alm[i1].portfolio == p + 1)) p = cs->alm[i1++].portfolio;
    int64_t ts = W->pf_idoff[p0];
    for (PetscInt a = i0; a < i1; a += PIECE) {
      PetscInt e = PetscMin(i1, a + PIECE);
      size_t   b = 0;
      for (PetscInt i = a; i < e; i++) b += strlen(BallastContractsID(cs, i)) + 1;
      if (npiece == cap) {
        cap *= 2;
        PetscCall(PetscRealloc(sizeof(int64_t) * 4 * (size_t)cap, &pc));
      }
      pc[4 * npiece] = a, pc[4 * npiece + 1] = e - a, pc[4 * npiece + 2] = W->pf_off[p0] + (a - i0), pc[4 * npiece + 3] = ts;
      npiece++;
      ts += (int64_t)b;
      if (b > idmax) idmax = b;
    }
    i0 = i1;
  }
  int64_t mine = npiece, R;
  PetscCallMPI(MPI_Allreduce(&mine, &R, 1, MPI_INT64_T, MPI_MAX, ctx->comm));
  BallastTerms *T;
  PetscCall(PetscMalloc1((size_t)PIECE * 8 + idmax + 1, &buf));
  PetscCall(PetscMalloc1(PIECE, &T));
  for (int64_t r = 0; r < R && !*agreed; r++) {
    PetscErrorCode ierr;
    if (r < npiece) ierr = write_piece(W, f, v, entmap, segmap, (PetscInt)pc[4 * r], (size_t)pc[4 * r + 1], (size_t)pc[4 * r + 2], (size_t)pc[4 * r + 3], buf, T);
    else ierr = write_piece(W, f, v, entmap, segmap, 0, 0, 0, 0, buf, T);
    *agreed = BallastAgreeError(ctx->comm, ierr, NULL);
  }
  PetscCall(PetscFree(buf));
  PetscCall(PetscFree(T));
  PetscCall(PetscFree(pc));
  PetscCall(PetscFree2(entmap, segmap));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastContractsStoreWrite(BallastRunContext *ctx, const char *path, const char *software, PetscBool deflate, int64_t *bytes)
{
  BallastContracts cs = ctx->contracts;
  WInfo            W;
  WIds             v;
  char             tmp[4096];
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&W, sizeof W));
  W.ctx   = ctx;
  W.np    = cs->nportfolios;
  W.nfile = ctx->cfg.ncontract_files;
  W.nccy  = BallastNamesCount(ctx->market.currencies);
  PetscCall(PetscMalloc1(W.nccy + 1, &W.ccy));
  for (PetscInt c = 0; c < W.nccy; c++) W.ccy[c] = (char *)BallastNamesGet(ctx->market.currencies, (int32_t)c);
  W.ncur = ctx->market.ncurves;
  PetscCall(PetscMalloc1(W.ncur + 1, &W.cur));
  for (PetscInt c = 0; c < W.ncur; c++) W.cur[c] = ctx->market.curves[c].name;
  PetscCall(global_names(ctx->comm, cs->entities, &W.nent, &W.ent));
  PetscCall(global_names(ctx->comm, cs->segments, &W.nseg, &W.seg));
  W.lpf   = max_len(W.np, (const char *const *)cs->portfolio_names);
  W.lccy  = max_len(W.nccy, (const char *const *)W.ccy);
  W.lcur  = max_len(W.ncur, (const char *const *)W.cur);
  W.lent  = max_len(W.nent, (const char *const *)W.ent);
  W.lseg  = max_len(W.nseg, (const char *const *)W.seg);
  W.lfile = max_len(W.nfile, (const char *const *)ctx->cfg.contract_files);
  {
    /* per portfolio (each summed by its one owner in contract order; the others add exact zeros):
     * contractID bytes, work estimates of both kinds of run, notional control total */
    int64_t *li, *lc, *lcc, *gi;
    double  *ln;
    PetscInt np = W.np;
    PetscCall(PetscCalloc5(np + 1, &li, np + 1, &lc, np + 1, &lcc, np + 1, &ln, 3 * np + 1, &gi));
    for (PetscInt i = 0; i < cs->n; i++) {
      BallastTerms t;
      PetscInt     p = cs->alm[i].portfolio;
      BallastContractsGetTerms(cs, i, &t);
      li[p] += (int64_t)strlen(BallastContractsID(cs, i)) + 1;
      BallastWorkEstimateSetContractual(0);
      lc[p] += BallastWorkEstimate(&t, cs->alm[i].behaviourSegment >= 0);
      BallastWorkEstimateSetContractual(1);
      lcc[p] += BallastWorkEstimate(&t, cs->alm[i].behaviourSegment >= 0);
      if (!isnan(t.notionalPrincipal)) ln[p] += t.notionalPrincipal;
    }
    BallastWorkEstimateSetContractual(0);
    int64_t *l3;
    PetscCall(PetscMalloc1(3 * np + 1, &l3));
    for (PetscInt p = 0; p < np; p++) l3[p] = li[p], l3[np + p] = lc[p], l3[2 * np + p] = lcc[p];
    PetscCallMPI(MPI_Allreduce(l3, gi, (int)(3 * np), MPI_INT64_T, MPI_SUM, ctx->comm));
    PetscCall(PetscMalloc1(np + 1, &W.notional));
    PetscCallMPI(MPI_Allreduce(ln, W.notional, (int)np, MPI_DOUBLE, MPI_SUM, ctx->comm));
    PetscCall(PetscMalloc5(np + 1, &W.pf_off, np + 1, &W.pf_idoff, np + 1, &W.pf_idlen, np + 1, &W.cost, np + 1, &W.costc));
    for (PetscInt p = 0; p < np; p++) {
      W.pf_off[p]   = W.total;
      W.pf_idoff[p] = W.idbytes;
      W.pf_idlen[p] = gi[p];
      W.cost[p]     = gi[np + p];
      W.costc[p]    = gi[2 * np + p];
      W.total += cs->portfolio_count[p];
      W.idbytes += gi[p];
      W.control += W.notional[p];
    }
    PetscCall(PetscFree(l3));
    PetscCall(PetscFree5(li, lc, lcc, ln, gi));
  }
  double need = 1048576.0 + (double)W.total * 200.0 + (double)W.idbytes;
  for (int c = 0; c < NCOLS; c++) need += (double)W.total * (double)col_size(cols[c].kind);
  PetscCall(BallastNCSpaceCheck(ctx->comm, path, need));
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  BallastNCFile  f      = {path, tmp, -1, 0, ctx->rank == 0, 1};
  store_deflate         = deflate ? 1 : 0;
  PetscErrorCode ierr   = define(&W, &f, &v, software);
  PetscErrorCode agreed = BallastAgreeError(ctx->comm, ierr, NULL);
  if (!agreed) {
    ierr   = write_head(&W, &f, &v);
    agreed = BallastAgreeError(ctx->comm, ierr, NULL);
  }
  if (!agreed) PetscCall(write_rows(&W, &f, &v, &agreed));
  if (agreed) {
    BallastNCDiscard(&f);
    PetscCall(agreed);
  }
  PetscCall(BallastNCCloseRename(ctx->comm, &f, tmp, path));
  if (bytes) {
    long long sz = 0;
    if (ctx->rank == 0) {
      FILE *fp = fopen(path, "rb");
      if (fp && !fseek(fp, 0, SEEK_END)) sz = (long long)ftell(fp);
      if (fp) fclose(fp);
    }
    PetscCallMPI(MPI_Bcast(&sz, 1, MPI_LONG_LONG, 0, ctx->comm));
    *bytes = (int64_t)sz;
  }
  for (PetscInt i = 0; i < W.nent; i++) PetscCall(PetscFree(W.ent[i]));
  for (PetscInt i = 0; i < W.nseg; i++) PetscCall(PetscFree(W.seg[i]));
  PetscCall(PetscFree(W.ent));
  PetscCall(PetscFree(W.seg));
  PetscCall(PetscFree(W.ccy));
  PetscCall(PetscFree(W.cur));
  PetscCall(PetscFree(W.notional));
  PetscCall(PetscFree5(W.pf_off, W.pf_idoff, W.pf_idlen, W.cost, W.costc));
  PetscFunctionReturn(0);
}

/* ---- detect --------------------------------------------------------------------------------- */
int BallastContractsStoreSniff(const char *path)
{
  unsigned char b[8] = {0};
  struct stat   st;
  /* only a regular file is looked at (O_NONBLOCK: opening a FIFO must not wait for a writer); a
   * FIFO, directory or device goes on to the CSV loader, which refuses it with its own message */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return 0;
  if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
    close(fd);
    return 0;
  }
  ssize_t n = read(fd, b, 8);
  close(fd);
  if (n == 8 && !memcmp(b, "\x89HDF\r\n\x1a\n", 8)) return 1;
  if (n >= 4 && b[0] == 'C' && b[1] == 'D' && b[2] == 'F' && (b[3] == 1 || b[3] == 2 || b[3] == 5)) return 2;
  return 0;
}

PetscErrorCode BallastContractsStoreDetect(MPI_Comm comm, const BallastConfig *cfg, int *kind)
{
  PetscMPIInt rank;
  int         k = 0;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0)
    for (PetscInt i = 0; i < cfg->ncontract_files; i++) {
      int s = BallastContractsStoreSniff(cfg->contract_files[i]);
      if (s && cfg->ncontract_files > 1) {
        k = 3; /* a store among several files */
        break;
      }
      k = s;
    }
  PetscCallMPI(MPI_Bcast(&k, 1, MPI_INT, 0, comm));
  *kind = k;
  PetscFunctionReturn(0);
}

/* ---- read ----------------------------------------------------------------------------------- */
#define BAD(...) SETERRQ(PETSC_COMM_SELF, BALLAST_ERR_INPUT, __VA_ARGS__)
#define RNC(call, what)                                                                                                     \
  do {                                                                                                                      \
    int st_ = (call);                                                                                                       \
    if (st_ != NC_NOERR) BAD("%s: damaged or not a Ballast contract store: %s: %s", path, what, nc_strerror(st_)); \
  } while (0)

typedef struct {
  int ncid;
  const char *path;
} RFile;

static PetscErrorCode dim_len(RFile *F, const char *name, size_t *len, int *id)
{
  const char *path = F->path;
  PetscFunctionBeginUser;
  RNC(nc_inq_dimid(F->ncid, name, id), name);
  RNC(nc_inq_dimlen(F->ncid, *id, len), name);
  PetscFunctionReturn(0);
}

/* variable `name` of type t over dims d0 (and d1 if >= 0) */
static PetscErrorCode var_check(RFile *F, const char *name, nc_type t, int d0, int d1, int *var)
{
  const char *path = F->path;
  nc_type     vt;
  int         nd, dims[NC_MAX_VAR_DIMS];
  PetscFunctionBeginUser;
  int st = nc_inq_varid(F->ncid, name, var);
  if (st != NC_NOERR) BAD("%s: damaged store: variable %s is missing (%s)", path, name, nc_strerror(st));
  RNC(nc_inq_var(F->ncid, *var, NULL, &vt, &nd, dims, NULL), name);
  if (vt != t) BAD("%s: damaged store: variable %s has type %d, expected %d", path, name, (int)vt, (int)t);
  if (nd != (d1 >= 0 ? 2 : 1) || dims[0] != d0 || (d1 >= 0 && dims[1] != d1)) BAD("%s: damaged store: variable %s has the wrong dimensions", path, name);
  PetscFunctionReturn(0);
}

static PetscErrorCode att_count(RFile *F, int var, const char *name, size_t dimlen, PetscInt *n)
{
  const char *path = F->path;
  long long   v;
  PetscFunctionBeginUser;
  RNC(nc_get_att_longlong(F->ncid, var, "count", &v), name);
  if (v < 0 || (size_t)v > dimlen) BAD("%s: damaged store: %s count %lld out of range", path, name, v);
  *n = (PetscInt)v;
  PetscFunctionReturn(0);
}

static PetscErrorCode read_dict(RFile *F, const char *name, const char *dimn, const char *lenn, PetscInt *n, char ***out)
{
  const char *path = F->path;
  size_t      dl, ll;
  int         d0, d1, var;
  char       *buf;
  PetscFunctionBeginUser;
  PetscCall(dim_len(F, dimn, &dl, &d0));
  PetscCall(dim_len(F, lenn, &ll, &d1));
  PetscCall(var_check(F, name, NC_CHAR, d0, d1, &var));
  PetscCall(att_count(F, var, name, dl, n));
  PetscCall(PetscMalloc1(*n + 1, out));
  if (!*n) PetscFunctionReturn(0);
  PetscCall(PetscMalloc1((size_t)*n * ll + 1, &buf));
  size_t st[2] = {0, 0}, ct[2] = {(size_t)*n, ll};
  RNC(nc_get_vara_text(F->ncid, var, st, ct, buf), name);
  for (PetscInt i = 0; i < *n; i++) {
    char *s;
    PetscCall(PetscMalloc1(ll + 1, &s));
    memcpy(s, buf + (size_t)i * ll, ll);
    s[ll]      = 0;
    (*out)[i] = s;
  }
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(0);
}

static void free_list(PetscInt n, char **s)
{
  for (PetscInt i = 0; i < n; i++) PetscFree(s[i]);
  PetscFree(s);
}

/* Not collective: everything one rank does. */
static PetscErrorCode read_local(MPI_Comm comm, const char *path, BallastConfig *cfg, const BallastMarketData *m, BallastContracts cs, char ***orig, char ***sha)
{
  RFile       F = {-1, path};
  PetscMPIInt rank, size;
  size_t      ncon, npf, nid, nfile;
  int         dcon, dpf, dpflen, did, dfile, dfilelen, dsha;
  PetscInt    np, nccy, ncur, nent, nseg, nf;
  char      **pfn = NULL, **ccy = NULL, **cur = NULL, **ent = NULL, **seg = NULL, **fnames = NULL;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  {
    int st = nc_open(path, NC_NOWRITE, &F.ncid);
    if (st != NC_NOERR) BAD("%s: cannot open the contract store (damaged, truncated or not NetCDF-4): %s", path, nc_strerror(st));
  }
  {
    /* what it is: a Ballast store of this format version */
    char   kind[64] = "";
    size_t l        = 0;
    if (nc_inq_attlen(F.ncid, NC_GLOBAL, "ballast_store", &l) != NC_NOERR || l >= sizeof kind || nc_get_att_text(F.ncid, NC_GLOBAL, "ballast_store", kind) != NC_NOERR || strncmp(kind, STORE_KIND, l) ||
        l != strlen(STORE_KIND)) {
      nc_close(F.ncid);
      BAD("%s: a NetCDF file but not a Ballast contract store (no ballast_store = \"%s\" attribute): input.contracts names CSV files or one store written by `ballast convert`", path, STORE_KIND);
    }
    int ver = -1;
    RNC(nc_get_att_int(F.ncid, NC_GLOBAL, "ballast_store_version", &ver), "attribute ballast_store_version");
    if (ver != STORE_VERSION) {
      nc_close(F.ncid);
      BAD("%s: contract store format version %d; this ballast (%s) reads version %d: convert the CSV files again with this version (`ballast convert`)", path, ver, BALLAST_VERSION, STORE_VERSION);
    }
    char date[32] = "", want[11];
    RNC(nc_inq_attlen(F.ncid, NC_GLOBAL, "as_of_date", &l), "attribute as_of_date");
    if (l >= sizeof date) BAD("%s: damaged store: attribute as_of_date", path);
    RNC(nc_get_att_text(F.ncid, NC_GLOBAL, "as_of_date", date), "attribute as_of_date");
    date[l] = 0;
    BallastDateFormat(cfg->as_of, want);
    if (strcmp(date, want)) {
      nc_close(F.ncid);
      BAD("%s: the store was converted for the as-of date %s, the run is as of %s (%s): statusDate defaults and checks depend on it; convert again", path, date, want, cfg->path);
    }
  }
  PetscCall(dim_len(&F, "contract", &ncon, &dcon));
  PetscCall(dim_len(&F, "portfolio", &npf, &dpf));
  PetscCall(dim_len(&F, "portfolio_name_len", &nid, &dpflen));
  PetscCall(dim_len(&F, "contract_id_byte", &nid, &did));
  PetscCall(dim_len(&F, "source_file", &nfile, &dfile));
  {
    size_t l;
    PetscCall(dim_len(&F, "source_file_name_len", &l, &dfilelen));
    PetscCall(dim_len(&F, "sha256_len", &l, &dsha));
    if (l != 64) BAD("%s: damaged store: sha256_len is %zu", path, l);
  }
  long long ntot;
  RNC(nc_get_att_longlong(F.ncid, NC_GLOBAL, "contracts", &ntot), "attribute contracts");
  if (ntot < 0 || (size_t)ntot > ncon) BAD("%s: damaged store: %lld contracts in a contract dimension of %zu", path, ntot, ncon);
  long long nw = 0;
  RNC(nc_get_att_longlong(F.ncid, NC_GLOBAL, "accrued_interest_warnings", &nw), "attribute accrued_interest_warnings");
  PetscCall(read_dict(&F, "portfolio_name", "portfolio", "portfolio_name_len", &np, &pfn));
  PetscCall(read_dict(&F, "currency_code", "currency_dict", "currency_code_len", &nccy, &ccy));
  PetscCall(read_dict(&F, "curve_id", "curve_dict", "curve_id_len", &ncur, &cur));
  PetscCall(read_dict(&F, "legal_entity_name", "legal_entity_dict", "legal_entity_len", &nent, &ent));
  PetscCall(read_dict(&F, "behaviour_segment_name", "behaviour_segment_dict", "behaviour_segment_len", &nseg, &seg));
  PetscCall(read_dict(&F, "source_file_name", "source_file", "source_file_name_len", &nf, &fnames));
  if (nf < 1 || nf >= 65535) BAD("%s: damaged store: %" PetscInt_FMT " source files", path, nf);
  {
    int   var;
    char *buf;
    PetscCall(var_check(&F, "source_file_sha256", NC_CHAR, dfile, dsha, &var));
    PetscCall(PetscMalloc1((size_t)nf * 64 + 1, &buf));
    size_t st[2] = {0, 0}, ct[2] = {(size_t)nf, 64};
    RNC(nc_get_vara_text(F.ncid, var, st, ct, buf), "source_file_sha256");
    PetscCall(PetscMalloc1(nf + 1, sha));
    for (PetscInt i = 0; i < nf; i++) {
      PetscCall(PetscMalloc1(65, &(*sha)[i]));
      memcpy((*sha)[i], buf + 64 * i, 64);
      (*sha)[i][64] = 0;
    }
    PetscCall(PetscFree(buf));
  }
  /* per portfolio */
  int64_t *off, *cnt, *idoff, *idlen, *work;
  double  *pnot;
  PetscCall(PetscMalloc6(np + 1, &off, np + 1, &cnt, np + 1, &idoff, np + 1, &idlen, np + 1, &work, np + 1, &pnot));
  {
    const char *nm[] = {"portfolio_offset", "portfolio_count", "portfolio_id_offset", "portfolio_id_bytes", BallastWorkEstimateGetContractual() ? "portfolio_work_contractual" : "portfolio_work"};
    int64_t    *dst[] = {off, cnt, idoff, idlen, work};
    for (int k = 0; k < 5; k++) {
      int var;
      PetscCall(var_check(&F, nm[k], NC_INT64, dpf, -1, &var));
      size_t st = 0, ct = (size_t)np;
      if (np) RNC(nc_get_vara_longlong(F.ncid, var, &st, &ct, (long long *)dst[k]), nm[k]);
    }
    int var;
    PetscCall(var_check(&F, "portfolio_notional", NC_DOUBLE, dpf, -1, &var));
    size_t st = 0, ct = (size_t)np;
    if (np) RNC(nc_get_vara_double(F.ncid, var, &st, &ct, pnot), "portfolio_notional");
  }
  {
    int64_t o = 0, io = 0;
    for (PetscInt p = 0; p < np; p++) {
      if (off[p] != o || cnt[p] < 0 || idoff[p] != io || idlen[p] < cnt[p] || work[p] < 0) BAD("%s: damaged store: portfolio_offset/count of portfolio %" PetscInt_FMT " inconsistent", path, p);
      o += cnt[p];
      io += idlen[p];
      if (p && strcmp(pfn[p - 1], pfn[p]) >= 0) BAD("%s: damaged store: portfolio_name not sorted", path);
    }
    if (o != ntot || (size_t)io > nid) BAD("%s: damaged store: the portfolios hold %" PRId64 " contracts, the store %lld", path, o, ntot);
  }
  /* the same partition as the CSV load */
  cs->nportfolios = np;
  cs->portfolio_names = pfn;
  pfn = NULL;
  PetscCall(PetscMalloc2(np, &cs->portfolio_count, np, &cs->portfolio_owner));
  for (PetscInt p = 0; p < np; p++) cs->portfolio_count[p] = cnt[p];
  PetscCall(BallastPartitionPortfolios(np, work, size, cs->portfolio_owner));
  cs->nwarn_accrued = (int64_t)nw;
  /* variables */
  int vcol[NCOLS], vfile, vline, vidoff, vidtxt;
  for (int c = 0; c < NCOLS; c++) PetscCall(var_check(&F, cols[c].name, col_type(cols[c].kind), dcon, -1, &vcol[c]));
  PetscCall(var_check(&F, "source_file_index", NC_USHORT, dcon, -1, &vfile));
  PetscCall(var_check(&F, "source_line", NC_INT64, dcon, -1, &vline));
  PetscCall(var_check(&F, "contract_id_offset", NC_INT64, dcon, -1, &vidoff));
  PetscCall(var_check(&F, "contract_id_text", NC_CHAR, did, -1, &vidtxt));
  /* dictionaries to this run's ids: -2 = unknown here (an error when a contract uses it) */
  int32_t *ccymap, *curmap, *segok;
  PetscCall(PetscMalloc3(nccy + 1, &ccymap, ncur + 1, &curmap, nseg + 1, &segok));
  for (PetscInt k = 0; k < nccy; k++) {
    int32_t mid = BallastNamesFind(m->currencies, ccy[k]);
    ccymap[k]   = (mid < 0 || mid >= m->nfx || isnan(m->fx[mid])) ? -2 : mid;
  }
  for (PetscInt k = 0; k < ncur; k++) {
    PetscInt c = BallastMarketFindCurve(m, cur[k]);
    curmap[k]  = c < 0 ? -2 : (int32_t)c;
  }
  for (PetscInt k = 0; k < nseg; k++) {
    segok[k] = 0;
    for (PetscInt j = 0; j < cfg->nsegment_names; j++)
      if (!strcmp(cfg->segment_names[j], seg[k])) segok[k] = 1;
  }
  /* decoding: a block of RBLOCK contracts at a time, the code counts once */
  BallastTerms *T, tmpl;
  BallastAlm   *A;
  int           ncode[NCOLS];
  int32_t      *entid, *segid;
  BallastTermsInit(&tmpl);
  for (int c = 0; c < NCOLS; c++) ncode[c] = cols[c].codes ? ncodes(cols[c].codes) : 0;
  PetscCall(PetscMalloc2(RBLOCK, &T, RBLOCK, &A));
  PetscCall(PetscMalloc2(nent + 1, &entid, nseg + 1, &segid));
  for (PetscInt k = 0; k < nent; k++) entid[k] = -1;
  for (PetscInt k = 0; k < nseg; k++) segid[k] = -1;
  /* this rank's contracts and contractID bytes */
  int64_t nmine = 0, idmine = 0;
  for (PetscInt p = 0; p < np; p++)
    if (cs->portfolio_owner[p] == rank) nmine += cnt[p], idmine += idlen[p];
  PetscCall(BallastContractsReserve(cs, (PetscInt)nmine, (size_t)idmine + 1));
  /* slabs: runs of consecutive portfolios owned by this rank */
  for (PetscInt p0 = 0; p0 < np;) {
    if (cs->portfolio_owner[p0] != rank || !cnt[p0]) {
      p0++;
      continue;
    }
    PetscInt p1 = p0;
    while (p1 < np && cs->portfolio_owner[p1] == rank) p1++;
    /* the slab in pieces of at most RPIECE contracts (bounded transient memory) */
    size_t   sstart = (size_t)off[p0], smcnt = (size_t)(off[p1 - 1] + cnt[p1 - 1] - off[p0]);
    size_t   sts = (size_t)idoff[p0], stl = (size_t)(idoff[p1 - 1] + idlen[p1 - 1] - idoff[p0]);
    size_t   RPIECE = rpiece(), pcap = smcnt < RPIECE ? smcnt : RPIECE, tcap = 0;
    char    *colbuf[NCOLS], *txt = NULL;
    unsigned short *fidx;
    long long *line, *ido;
    PetscInt p = p0;
    int64_t  pend = off[p0] + cnt[p0];
    double   sum  = 0;
    for (int c = 0; c < NCOLS; c++) PetscCall(PetscMalloc1(pcap * col_size(cols[c].kind) + 1, &colbuf[c]));
    PetscCall(PetscMalloc3(pcap + 1, &fidx, pcap + 1, &line, pcap + 2, &ido));
    for (size_t q0 = 0; q0 < smcnt; q0 += RPIECE) {
    size_t start = sstart + q0, mcnt = smcnt - q0 < RPIECE ? smcnt - q0 : RPIECE, mo = mcnt + (q0 + mcnt < smcnt ? 1 : 0);
    for (int c = 0; c < NCOLS; c++) RNC(nc_get_vara(F.ncid, vcol[c], &start, &mcnt, colbuf[c]), cols[c].name);
    RNC(nc_get_vara_ushort(F.ncid, vfile, &start, &mcnt, fidx), "source_file_index");
    RNC(nc_get_vara_longlong(F.ncid, vline, &start, &mcnt, line), "source_line");
    RNC(nc_get_vara_longlong(F.ncid, vidoff, &start, &mo, ido), "contract_id_offset");
    /* this piece's contractID text: from its first contract's offset to the next piece's */
    long long tsl = q0 ? ido[0] : (long long)sts, tel = mo > mcnt ? ido[mcnt] : (long long)(sts + stl);
    if (tsl < (long long)sts || tel < tsl || tel > (long long)(sts + stl)) BAD("%s: damaged store: contract_id_offset out of range near contract %zu", path, start);
    size_t ts = (size_t)tsl, tl = (size_t)(tel - tsl);
    if (tl + 1 > tcap) {
      PetscCall(PetscFree(txt));
      tcap = tl + 1;
      PetscCall(PetscMalloc1(tcap, &txt));
    }
    if (tl) RNC(nc_get_vara_text(F.ncid, vidtxt, &ts, &tl, txt), "contract_id_text");
    txt[tl] = 0;
    for (size_t b0 = 0; b0 < mcnt; b0 += RBLOCK) {
      size_t nb = mcnt - b0 < RBLOCK ? mcnt - b0 : RBLOCK;
      /* decode column by column into the block's terms (the switch out of the inner loops) */
      for (size_t k = 0; k < nb; k++) {
        T[k] = tmpl;
        PetscCall(PetscMemzero(&A[k], sizeof A[k]));
      }
      for (int c = 0; c < NCOLS; c++) {
        const Col *C  = &cols[c];
        const char *src = colbuf[c] + b0 * col_size(C->kind);
        switch (C->kind) {
        case K_ENUM:
          for (size_t k = 0; k < nb; k++) {
            int e = ((const uint8_t *)src)[k];
            if (e > ncode[c]) BAD("%s: damaged store: variable %s: value %d out of range at contract %zu", path, C->name, e, start + b0 + k);
            memcpy((char *)&T[k] + C->off, &e, sizeof e);
          }
          break;
        case K_AU8:
          for (size_t k = 0; k < nb; k++) {
            int e = ((const uint8_t *)src)[k];
            if (e > ncode[c]) BAD("%s: damaged store: variable %s: value %d out of range at contract %zu", path, C->name, e, start + b0 + k);
            *((uint8_t *)&A[k] + C->off) = (uint8_t)e;
          }
          break;
        case K_CCY:
        case K_CURVE: {
          PetscInt       nd = C->kind == K_CCY ? nccy : ncur;
          const int32_t *mp = C->kind == K_CCY ? ccymap : curmap;
          for (size_t k = 0; k < nb; k++) {
            int32_t iv;
            memcpy(&iv, src + 4 * k, 4);
            if (iv >= 0) {
              if (iv >= nd) BAD("%s: damaged store: variable %s: index %d out of range at contract %zu", path, C->name, iv, start + b0 + k);
              if (mp[iv] == -2) {
                long long   io  = ido[b0 + k] - (long long)ts;
                const char *id0 = io >= 0 && (size_t)io < tl ? txt + io : "?";
                if (C->kind == K_CCY) BAD("%s: contract %s: column '%s': value '%s': no FX rate for this currency in %s (the store was converted with other market data)", path, id0, C->name, ccy[iv], cfg->fx);
                BAD("%s: contract %s: column '%s': value '%s': no curve of that curveID in %s (the store was converted with other market data)", path, id0, C->name, cur[iv], cfg->curves);
              }
              iv = mp[iv];
            } else if (iv != -1) BAD("%s: damaged store: variable %s: index %d out of range at contract %zu", path, C->name, iv, start + b0 + k);
            memcpy((char *)&T[k] + C->off, &iv, 4);
          }
        } break;
        case K_RAWID:
        case K_DATE:
          for (size_t k = 0; k < nb; k++) memcpy((char *)&T[k] + C->off, src + 4 * k, 4);
          break;
        case K_CYCLE:
          for (size_t k = 0; k < nb; k++) {
            int32_t iv;
            memcpy(&iv, src + 4 * k, 4);
            BallastCycle cy = cycle_unpack(iv);
            memcpy((char *)&T[k] + C->off, &cy, sizeof cy);
          }
          break;
        case K_DOUBLE:
          for (size_t k = 0; k < nb; k++) memcpy((char *)&T[k] + C->off, src + 8 * k, 8);
          break;
        case K_ADATE:
          for (size_t k = 0; k < nb; k++) memcpy((char *)&A[k] + C->off, src + 4 * k, 4);
          break;
        case K_ADOUBLE:
          for (size_t k = 0; k < nb; k++) memcpy((char *)&A[k] + C->off, src + 8 * k, 8);
          break;
        case K_ENT:
        case K_SEG:
          for (size_t k = 0; k < nb; k++) {
            int32_t iv;
            memcpy(&iv, src + 4 * k, 4);
            if (iv < -1 || iv >= (C->kind == K_ENT ? nent : nseg)) BAD("%s: damaged store: variable %s: index %d out of range at contract %zu", path, C->name, iv, start + b0 + k);
            if (C->kind == K_SEG && iv >= 0 && !segok[iv])
              BAD("%s: column 'behaviourSegment': value '%s': no behaviour segment of that name in %s%s", path, seg[iv], cfg->path ? cfg->path : "the configuration", cfg->nsegment_names ? "" : " (it configures none)");
            if (iv >= 0) {
              int32_t *memo = C->kind == K_ENT ? entid : segid; /* dictionary index -> this rank's name id */
              if (memo[iv] < 0) memo[iv] = BallastNamesIntern(C->kind == K_ENT ? cs->entities : cs->segments, C->kind == K_ENT ? ent[iv] : seg[iv]);
              iv = memo[iv];
            }
            if (C->kind == K_ENT) A[k].legalEntity = iv;
            else A[k].behaviourSegment = iv;
          }
          break;
        }
      }
      for (size_t k = 0; k < nb; k++) {
        size_t j = b0 + k;
        while ((int64_t)(start + j) >= pend) {
          /* the portfolio is complete: its control total (bitwise, same order as at conversion) */
          if (memcmp(&sum, &pnot[p], sizeof sum) && !(sum == 0 && pnot[p] == 0)) BAD("%s: damaged store: the notionalPrincipal of portfolio %s does not add up to its control total", path, cs->portfolio_names[p]);
          sum = 0;
          p++;
          pend = off[p] + cnt[p];
        }
        A[k].portfolio = (int32_t)p;
        if (!isnan(T[k].notionalPrincipal)) sum += T[k].notionalPrincipal;
        long long io = ido[j] - (long long)ts;
        if (io < 0 || (size_t)io >= tl || fidx[j] >= nf || line[j] < 2) BAD("%s: damaged store: contract %zu: contractID offset, source file or line out of range", path, start + j);
        PetscCall(BallastContractsAppend(cs, &T[k], &A[k], txt + io, fidx[j], (int64_t)line[j]));
      }
    }
    }
    if (memcmp(&sum, &pnot[p], sizeof sum) && !(sum == 0 && pnot[p] == 0)) BAD("%s: damaged store: the notionalPrincipal of portfolio %s does not add up to its control total", path, cs->portfolio_names[p]);
    for (int c = 0; c < NCOLS; c++) PetscCall(PetscFree(colbuf[c]));
    PetscCall(PetscFree3(fidx, line, ido));
    PetscCall(PetscFree(txt));
    p0 = p1;
  }
  RNC(nc_close(F.ncid), "nc_close");
  PetscCall(PetscFree2(T, A));
  PetscCall(PetscFree2(entid, segid));
  *orig = fnames;
  cfg->ncontract_files = nf; /* (the caller replaces the file list by the store's) */
  free_list(nccy, ccy);
  free_list(ncur, cur);
  free_list(nent, ent);
  free_list(nseg, seg);
  PetscCall(PetscFree3(ccymap, curmap, segok));
  PetscCall(PetscFree6(off, cnt, idoff, idlen, work, pnot));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastContractsStoreRead(MPI_Comm comm, BallastConfig *cfg, const BallastMarketData *m, BallastContracts *out)
{
  BallastContracts cs;
  char           **orig = NULL, **sha = NULL, *path;
  BallastConfig    c = *cfg;
  PetscFunctionBeginUser;
  PetscCall(PetscStrallocpy(cfg->contract_files[0], &path));
  PetscCall(BallastContractsCreate(&cs));
  PetscErrorCode ierr = read_local(comm, path, &c, m, cs, &orig, &sha);
  PetscCall(BallastAgreeError(comm, ierr, NULL));
  if (cs->nwarn_accrued) {
    PetscMPIInt rank;
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    if (!rank) fprintf(stderr, "ballast: warning: %" PRId64 " contract%s of %s with an accruedInterest inconsistent with the schedule (listed when the store was converted)\n", cs->nwarn_accrued, cs->nwarn_accrued > 1 ? "s" : "", path);
  }
  /* the run now names the original CSV files (messages: file:line) and carries their hashes */
  for (PetscInt i = 0; i < cfg->ncontract_files; i++) PetscCall(PetscFree(cfg->contract_files[i]));
  PetscCall(PetscFree(cfg->contract_files));
  cfg->ncontract_files = c.ncontract_files;
  cfg->contract_files  = orig;
  cfg->contract_sha    = sha;
  cfg->contracts_store = path;
  *out                 = cs;
  PetscFunctionReturn(0);
}
