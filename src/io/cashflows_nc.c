/* cashflows.nc: every projected event of every contract (`ballast run --cash-flows`), written in
 * parallel (NetCDF-4 over MPI-IO, collective, compressed), readable in chunks.
 *
 * Two steps, memory bounded:
 *   1. during the projection the consumer (src/metrics/cashflows.c) hands each contract's rows to
 *      the sink here, which appends them to a rank-local spill file (created in the output
 *      directory and unlinked at once: it disappears with the process, whatever happens) and
 *      counts rows per portfolio;
 *   2. after the projection (BallastCashFlowsFileWrite) the per-portfolio counts are summed over
 *      the ranks (each portfolio has one owner), so every rank knows where each portfolio's block
 *      starts in the file's event order (portfolio index, then the contract rows of the portfolio
 *      in store order, then the events in date order): the order, and every byte of data, is the
 *      same on any number of ranks. Each rank reads its spill back in pieces of at most PIECE rows
 *      (never more than one portfolio per piece) and writes each piece at its block's offset; the
 *      writes are collective (HDF5 needs collective I/O for compressed parallel writes), ranks with
 *      fewer pieces make zero-length calls so every rank makes the same calls.
 * Written under <path>.tmp and renamed when complete (design.md: written whole or not at all). */
#define _POSIX_C_SOURCE 200809L
#include "nc_check.h"
#include <ballast/io.h>
#include <ballast/projection.h>
#include <math.h>
#include <netcdf.h>
#include <netcdf_par.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 16384 /* rows per chunk along `event` */
#define PIECE 131072 /* rows per write: fewer collective calls (each a round of HDF5 chunk redistribution) */

typedef struct {
  int64_t row;
  int32_t p, ccy, cc, day, type, label, ib, lb, pad;
  double  payoff, notional, rate;
} Rec;

struct BallastCashFlowsFile_s {
  PetscInt  nscen, np;
  FILE     *spill;
  int64_t  *count; /* [np] rows of each portfolio on this rank */
  int64_t   n;
  int       err;
  char      errmsg[1024];
  char      spill_name[4096]; /* for messages: the spill file (unlinked at once) */
};

static PetscErrorCode sink_rows(void *ctx, PetscInt S, PetscInt n, const BallastCashFlowRow *row)
{
  BallastCashFlowsFile f = (BallastCashFlowsFile)ctx;
  PetscFunctionBeginUser;
  PetscCheck(S == f->nscen, PETSC_COMM_SELF, PETSC_ERR_PLIB, "cash flows: %" PetscInt_FMT " scenarios, the file has %" PetscInt_FMT, S, f->nscen);
  for (PetscInt i = 0; i < n && !f->err; i++) {
    const BallastCashFlowRow *r = &row[i];
    Rec q = {(int64_t)r->row, (int32_t)r->p, r->ccy, r->contract_ccy, r->day, r->type, r->label, r->irrbb_bucket, r->ladder_bucket, 0, r->payoff, r->notional, r->rate};
    if (fwrite(&q, sizeof q, 1, f->spill) != 1 || fwrite(r->sp, sizeof(double), (size_t)S, f->spill) != (size_t)S || fwrite(r->sdf, sizeof(double), (size_t)S, f->spill) != (size_t)S ||
        fwrite(r->spv, sizeof(double), (size_t)S, f->spill) != (size_t)S) {
      f->err = 1;
      snprintf(f->errmsg, sizeof f->errmsg, "%.900s: cannot write the temporary spill file of cashflows.nc: %s", f->spill_name, strerror(errno));
    }
    f->count[r->p]++;
    f->n++;
  }
  PetscCheck(!f->err, PETSC_COMM_SELF, BALLAST_ERR_IO, "%s", f->errmsg);
  PetscFunctionReturn(0);
}

PetscErrorCode BallastCashFlowsFileOpen(BallastRunContext *ctx, PetscInt nscen, BallastCashFlowsFile *out)
{
  BallastCashFlowsFile f;
  char                 tmpl[4096];
  int                  bad = 0, gbad;
  PetscFunctionBeginUser;
  PetscCall(PetscNew(&f));
  f->nscen = nscen;
  f->np    = ctx->contracts->nportfolios;
  PetscCall(PetscCalloc1(f->np + 1, &f->count));
  snprintf(tmpl, sizeof tmpl, "%s/.cashflows-spill-XXXXXX", ctx->cfg.output_dir);
  int fd = mkstemp(tmpl);
  snprintf(f->spill_name, sizeof f->spill_name, "%s", tmpl);
  if (fd < 0 || !(f->spill = fdopen(fd, "w+b"))) bad = 1;
  else unlink(tmpl); /* anonymous from here on: removed when closed, or when the process ends */
  PetscCallMPI(MPI_Allreduce(&bad, &gbad, 1, MPI_INT, MPI_MAX, ctx->comm));
  if (gbad) {
    if (f->spill) fclose(f->spill);
    PetscCall(PetscFree(f->count));
    PetscCall(PetscFree(f));
    SETERRQ(ctx->comm, BALLAST_ERR_IO, "%s: cannot create a temporary file for the cash flows", ctx->cfg.output_dir);
  }
  *out = f;
  PetscFunctionReturn(0);
}

BallastCashFlowSink BallastCashFlowsFileSink(BallastCashFlowsFile f) { return (BallastCashFlowSink){f, sink_rows}; }

PetscErrorCode BallastCashFlowsFileDestroy(BallastCashFlowsFile *out)
{
  BallastCashFlowsFile f = *out;
  PetscFunctionBeginUser;
  if (!f) PetscFunctionReturn(0);
  if (f->spill) fclose(f->spill);
  PetscCall(PetscFree(f->count));
  PetscCall(PetscFree(f));
  *out = NULL;
  PetscFunctionReturn(0);
}

enum { V_SCEN, V_ID, V_PF, V_PIDX, V_CCY, V_CCCY, V_DATE, V_ISO, V_TYPE, V_STREAM, V_FILTER, V_PAY, V_NOT, V_RATE, V_IB, V_LB, V_SPAY, V_DF, V_PV, V_COUNT };

typedef struct {
  int    var[V_COUNT];
  size_t idlen, plen, slen;
} Ids;

#define att BallastNCPutText

/* define a variable over dims with long_name (and units if given), chunked CHUNK rows along
 * `event` (the first dimension), deflated with shuffle */
static PetscErrorCode defvar(BallastNCFile *f, const char *name, nc_type type, int nd, const int *dims, const size_t *len, const char *long_name, const char *units, int *var)
{
  size_t chunk[3];
  PetscFunctionBeginUser;
  BallastCallNC(f, name, nc_def_var(f->ncid, name, type, nd, dims, var));
  for (int k = 0; k < nd; k++) chunk[k] = len[k] ? len[k] : 1;
  if (nd > 0 && len[0] > CHUNK) chunk[0] = CHUNK;
  BallastCallNC(f, name, nc_def_var_chunking(f->ncid, *var, NC_CHUNKED, chunk));
  BallastCallNC(f, name, nc_def_var_deflate(f->ncid, *var, 1, 1, 1));
  PetscCall(att(f, *var, name, "long_name", long_name));
  if (units) PetscCall(att(f, *var, name, "units", units));
  if (type == NC_CHAR) PetscCall(att(f, *var, name, "_Encoding", "utf-8"));
  if (type == NC_DOUBLE) {
    double fill = NAN;
    BallastCallNC(f, name, nc_def_var_fill(f->ncid, *var, 0, &fill));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode define(BallastRunContext *ctx, BallastNCFile *f, PetscInt S, size_t total, Ids *v)
{
  int    nc, dev, dsc, did, dpl, dcc, dty, dsl, dis;
  char   date[11], buf[1024];
  size_t E = total;
  PetscFunctionBeginUser;
  BallastCallNC(f, NULL, nc_create_par(f->tmp, NC_CLOBBER | NC_NETCDF4, ctx->comm, MPI_INFO_NULL, &f->ncid));
  f->open = 1;
  nc      = f->ncid;
  BallastCallNC(f, "event", nc_def_dim(nc, "event", total, &dev));
  BallastCallNC(f, "scenario", nc_def_dim(nc, "scenario", (size_t)S, &dsc));
  BallastCallNC(f, "contract_id_len", nc_def_dim(nc, "contract_id_len", v->idlen, &did));
  BallastCallNC(f, "portfolio_name_len", nc_def_dim(nc, "portfolio_name_len", v->plen, &dpl));
  BallastCallNC(f, "currency_code_len", nc_def_dim(nc, "currency_code_len", 3, &dcc));
  BallastCallNC(f, "event_type_len", nc_def_dim(nc, "event_type_len", 4, &dty));
  BallastCallNC(f, "scenario_name_len", nc_def_dim(nc, "scenario_name_len", v->slen, &dsl));
  BallastCallNC(f, "date_len", nc_def_dim(nc, "date_len", 10, &dis));
  BallastDateFormat(ctx->cfg.as_of, date);
  {
    int    d[2] = {dsc, dsl};
    size_t l[2] = {(size_t)S, v->slen};
    PetscCall(defvar(f, "scenario", NC_CHAR, 2, d, l, "interest rate scenario", NULL, &v->var[V_SCEN]));
  }
#define TEXT(idx, name, dim, len, ln) \
  do { \
    int    d_[2] = {dev, dim}; \
    size_t l_[2] = {E, len}; \
    PetscCall(defvar(f, name, NC_CHAR, 2, d_, l_, ln, NULL, &v->var[idx])); \
  } while (0)
#define ONE(idx, name, type, ln, un) \
  do { \
    size_t l_[1] = {E}; \
    PetscCall(defvar(f, name, type, 1, &dev, l_, ln, un, &v->var[idx])); \
  } while (0)
#define TWO(idx, name, ln, un) \
  do { \
    int    d_[2] = {dev, dsc}; \
    size_t l_[2] = {E, (size_t)S}; \
    PetscCall(defvar(f, name, NC_DOUBLE, 2, d_, l_, ln, un, &v->var[idx])); \
  } while (0)
  TEXT(V_ID, "contract_id", did, v->idlen, "contract identifier (contractID of the input)");
  TEXT(V_PF, "portfolio", dpl, v->plen, "portfolio of the contract (portfolio_name of alm.nc)");
  ONE(V_PIDX, "portfolio_index", NC_INT, "index into portfolio_name of alm.nc", "1");
  TEXT(V_CCY, "currency", dcc, 3, "ISO 4217 currency code of the event's payoff");
  TEXT(V_CCCY, "contract_currency", dcc, 3, "ISO 4217 currency code of the contract: the currency of pv (alm.nc's currency of eve)");
  snprintf(buf, sizeof buf, "days since %s", date);
  ONE(V_DATE, "date", NC_INT, "event (payment) date, after the business-day shift", buf);
  PetscCall(att(f, v->var[V_DATE], "date", "calendar", "proleptic_gregorian"));
  PetscCall(att(f, v->var[V_DATE], "date", "standard_name", "time"));
  TEXT(V_ISO, "date_iso", dis, 10, "event date, ISO 8601 (YYYY-MM-DD)");
  TEXT(V_TYPE, "event_type", dty, 4, "ACTUS event type (AD with filter face_value: cash valued at face value at the as-of date)");
  ONE(V_STREAM, "stream", NC_BYTE, "event stream (always behavioural: what IRRBB consumes)", NULL);
  {
    signed char fv[2] = {0, 1};
    BallastCallNC(f, "stream", nc_put_att_schar(nc, v->var[V_STREAM], "flag_values", NC_BYTE, 2, fv));
    PetscCall(att(f, v->var[V_STREAM], "stream", "flag_meanings", "contractual behavioural"));
  }
  ONE(V_FILTER, "filter", NC_BYTE, "the filter that made the event", NULL);
  {
    signed char fv[BALLAST_FILTER_COUNT];
    buf[0] = 0;
    for (int k = 0; k < BALLAST_FILTER_COUNT; k++) {
      fv[k] = (signed char)k;
      snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", k ? " " : "", BallastFilterName(k));
    }
    BallastCallNC(f, "filter", nc_put_att_schar(nc, v->var[V_FILTER], "flag_values", NC_BYTE, BALLAST_FILTER_COUNT, fv));
    PetscCall(att(f, v->var[V_FILTER], "filter", "flag_meanings", buf));
  }
  ONE(V_PAY, "payoff", NC_DOUBLE, "cash flow under the base scenario, bank's side (received positive), in the event's currency; NaN where the event does not occur under base", NULL);
  PetscCall(att(f, v->var[V_PAY], "payoff", "units", "currency of the currency variable"));
  ONE(V_NOT, "notional", NC_DOUBLE, "outstanding notional after the event under the base scenario (signed by role)", NULL);
  PetscCall(att(f, v->var[V_NOT], "notional", "units", "currency of the currency variable"));
  ONE(V_RATE, "rate", NC_DOUBLE, "nominal interest rate after the event under the base scenario (decimal)", "1");
  ONE(V_IB, "irrbb_bucket", NC_INT, "index of the regime's IRRBB time bucket of the flow (bucket of alm.nc); -1 on or before the as-of date", "1");
  ONE(V_LB, "ladder_bucket", NC_INT, "index of the liquidity maturity ladder bucket (ladder_bucket of alm.nc); -1 on or before the as-of date", "1");
  TWO(V_SPAY, "scenario_payoff", "cash flow under the scenario, in the event's currency; NaN where the event does not occur under the scenario", "currency of the currency variable");
  TWO(V_DF, "discount_factor", "discount factor of the event date on the discount curve of the event's currency under the scenario; NaN on or before the as-of date", "1");
  TWO(V_PV, "pv", "present value of the flow under the scenario in the contract's currency (scenario_payoff x spot FX to contract_currency x discount_factor; 0 on or before the as-of date): summed per contract_currency it is alm.nc's eve", "currency of the contract_currency variable");
  PetscCall(att(f, v->var[V_PV], "pv", "coordinates", "contract_id portfolio contract_currency date"));
#undef TEXT
#undef ONE
#undef TWO
  PetscCall(BallastNCPutProvenance(f, "Ballast projected cash flows", ctx->cfg.name, date, ctx->cfg.reporting_currency, ctx->cfg.sha256));
  PetscCall(att(f, NC_GLOBAL, "stream", "stream", "behavioural: the events IRRBB (EVE, NII) consumes, after the behavioural filters (prepayment, early redemption, deposit slotting, cash at face value); the contractual stream where no filter applies"));
  PetscCall(att(f, NC_GLOBAL, "event_order", "event_order", "portfolio index, then the contract's row in the contract store (file, line), then date; identical on any number of ranks"));
  PetscCall(att(f, NC_GLOBAL, "reconciliation", "reconciliation",
                "sum of pv over events with contract_currency = C under scenario s equals alm.nc eve(s, C); cash at face value is one row (event_type AD, filter face_value, date 0, discount_factor 1)"));
  PetscCall(att(f, NC_GLOBAL, "chunking", "chunking", "chunks of 16384 events (all scenarios of an event in one chunk), deflate level 1 with shuffle: read in slices of the event dimension"));
  BallastCallNC(f, NULL, nc_enddef(nc));
  for (int k = 0; k < V_COUNT; k++) BallastCallNC(f, NULL, nc_var_par_access(nc, v->var[k], NC_COLLECTIVE));
  PetscFunctionReturn(0);
}

typedef struct {
  char        *id, *pf, *ccy, *cc, *iso, *ty;
  int         *pidx, *date, *ib, *lb;
  signed char *st, *fi;
  double      *pay, *not, *rate, *sp, *sdf, *spv;
} Buf;

/* read n records of the spill into the buffers */
static PetscErrorCode read_piece(BallastRunContext *ctx, BallastCashFlowsFile f, const Ids *v, size_t n, Buf *b, int *bad)
{
  BallastContracts cs = ctx->contracts;
  size_t           S  = (size_t)f->nscen;
  Rec              q;
  PetscFunctionBeginUser;
  memset(b->id, 0, n * v->idlen);
  memset(b->pf, 0, n * v->plen);
  memset(b->ccy, 0, n * 3);
  memset(b->cc, 0, n * 3);
  memset(b->ty, 0, n * 4);
  for (size_t i = 0; i < n; i++) {
    if (fread(&q, sizeof q, 1, f->spill) != 1 || fread(b->sp + i * S, sizeof(double), S, f->spill) != S || fread(b->sdf + i * S, sizeof(double), S, f->spill) != S ||
        fread(b->spv + i * S, sizeof(double), S, f->spill) != S) {
      *bad = 1;
      PetscFunctionReturn(0);
    }
    const char *id = BallastContractsID(cs, (PetscInt)q.row), *pn = cs->portfolio_names[q.p];
    const char *c1 = BallastNamesGet(ctx->market.currencies, q.ccy), *c2 = BallastNamesGet(ctx->market.currencies, q.cc), *tn = BallastEventTypeName(q.type);
    char        d[11];
    memcpy(b->id + i * v->idlen, id, PetscMin(strlen(id), v->idlen));
    memcpy(b->pf + i * v->plen, pn, PetscMin(strlen(pn), v->plen));
    if (c1) memcpy(b->ccy + i * 3, c1, PetscMin(strlen(c1), 3));
    if (c2) memcpy(b->cc + i * 3, c2, PetscMin(strlen(c2), 3));
    memcpy(b->ty + i * 4, tn, PetscMin(strlen(tn), 4));
    BallastDateFormat(ctx->cfg.as_of + q.day, d);
    memcpy(b->iso + i * 10, d, 10);
    b->pidx[i] = q.p;
    b->date[i] = q.day;
    b->ib[i]   = q.ib;
    b->lb[i]   = q.lb;
    b->st[i]   = (signed char)BALLAST_LABEL_STREAM(q.label);
    b->fi[i]   = (signed char)BALLAST_LABEL_FILTER(q.label);
    b->pay[i]  = q.payoff;
    b->not[i]  = q.notional;
    b->rate[i] = q.rate;
  }
  PetscFunctionReturn(0);
}

/* Collective: one write of n rows at `start` (n may be 0) of every variable. */
static PetscErrorCode write_piece(BallastNCFile *f, PetscInt S, const Ids *v, size_t start, size_t n, const Buf *b)
{
  int    nc = f->ncid;
  size_t s1[1] = {start}, c1[1] = {n};
  size_t s2[2] = {start, 0}, cid[2] = {n, v->idlen}, cpf[2] = {n, v->plen}, c3[2] = {n, 3}, c4[2] = {n, 4}, c10[2] = {n, 10}, cs[2] = {n, (size_t)S};
  PetscFunctionBeginUser;
  BallastCallNC(f, "contract_id", nc_put_vara_text(nc, v->var[V_ID], s2, cid, b->id));
  BallastCallNC(f, "portfolio", nc_put_vara_text(nc, v->var[V_PF], s2, cpf, b->pf));
  BallastCallNC(f, "portfolio_index", nc_put_vara_int(nc, v->var[V_PIDX], s1, c1, b->pidx));
  BallastCallNC(f, "currency", nc_put_vara_text(nc, v->var[V_CCY], s2, c3, b->ccy));
  BallastCallNC(f, "contract_currency", nc_put_vara_text(nc, v->var[V_CCCY], s2, c3, b->cc));
  BallastCallNC(f, "date", nc_put_vara_int(nc, v->var[V_DATE], s1, c1, b->date));
  BallastCallNC(f, "date_iso", nc_put_vara_text(nc, v->var[V_ISO], s2, c10, b->iso));
  BallastCallNC(f, "event_type", nc_put_vara_text(nc, v->var[V_TYPE], s2, c4, b->ty));
  BallastCallNC(f, "stream", nc_put_vara_schar(nc, v->var[V_STREAM], s1, c1, b->st));
  BallastCallNC(f, "filter", nc_put_vara_schar(nc, v->var[V_FILTER], s1, c1, b->fi));
  BallastCallNC(f, "payoff", nc_put_vara_double(nc, v->var[V_PAY], s1, c1, b->pay));
  BallastCallNC(f, "notional", nc_put_vara_double(nc, v->var[V_NOT], s1, c1, b->not));
  BallastCallNC(f, "rate", nc_put_vara_double(nc, v->var[V_RATE], s1, c1, b->rate));
  BallastCallNC(f, "irrbb_bucket", nc_put_vara_int(nc, v->var[V_IB], s1, c1, b->ib));
  BallastCallNC(f, "ladder_bucket", nc_put_vara_int(nc, v->var[V_LB], s1, c1, b->lb));
  BallastCallNC(f, "scenario_payoff", nc_put_vara_double(nc, v->var[V_SPAY], s2, cs, b->sp));
  BallastCallNC(f, "discount_factor", nc_put_vara_double(nc, v->var[V_DF], s2, cs, b->sdf));
  BallastCallNC(f, "pv", nc_put_vara_double(nc, v->var[V_PV], s2, cs, b->spv));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastCashFlowsFileWrite(BallastRunContext *ctx, BallastCashFlowsFile cf, const char *path, int64_t *nrows, double *seconds)
{
  BallastContracts cs = ctx->contracts;
  PetscInt         np = cf->np, S = cf->nscen;
  int64_t         *count, *offset, total = 0;
  char             tmp[4096];
  Ids              v;
  Buf              b;
  double           t0 = MPI_Wtime(), last = t0;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&v, sizeof v));
  PetscCall(BallastAgreeError(ctx->comm, cf->err ? BALLAST_ERR_IO : 0, cf->err ? cf->errmsg : NULL));
  if (fflush(cf->spill) || fseek(cf->spill, 0, SEEK_SET)) {
    cf->err = 1;
    snprintf(cf->errmsg, sizeof cf->errmsg, "%.900s: cannot write the temporary spill file of cashflows.nc: %s", cf->spill_name, strerror(errno));
  }
  PetscCall(BallastAgreeError(ctx->comm, cf->err ? BALLAST_ERR_IO : 0, cf->err ? cf->errmsg : NULL));
  /* block offsets in portfolio order from the counts of every rank (one owner per portfolio) */
  PetscCall(PetscCalloc2(np + 1, &count, np + 1, &offset));
  PetscCallMPI(MPI_Allreduce(cf->count, count, (int)np, MPI_INT64_T, MPI_SUM, ctx->comm));
  for (PetscInt p = 0; p < np; p++) {
    offset[p] = total;
    total += count[p];
  }
  /* text widths: the same on every rank */
  unsigned long l = 1, g;
  for (PetscInt i = 0; i < cs->n; i++) l = PetscMax(l, (unsigned long)strlen(BallastContractsID(cs, i)));
  PetscCallMPI(MPI_Allreduce(&l, &g, 1, MPI_UNSIGNED_LONG, MPI_MAX, ctx->comm));
  v.idlen = g;
  v.plen = v.slen = 1;
  for (PetscInt p = 0; p < np; p++) v.plen = PetscMax(v.plen, strlen(cs->portfolio_names[p]));
  for (PetscInt s = 0; s < S; s++) v.slen = PetscMax(v.slen, strlen(ctx->cfg.scenarios[s]));
  /* pieces: each of this rank's portfolio blocks cut in PIECE rows; every rank makes R rounds */
  int64_t mine = 0, R;
  for (PetscInt p = 0; p < np; p++) mine += (cf->count[p] + PIECE - 1) / PIECE;
  PetscCallMPI(MPI_Allreduce(&mine, &R, 1, MPI_INT64_T, MPI_MAX, ctx->comm));
  size_t B = PIECE;
  PetscCall(PetscMalloc6(B * v.idlen + 1, &b.id, B * v.plen + 1, &b.pf, B * 3 + 1, &b.ccy, B * 3 + 1, &b.cc, B * 10 + 1, &b.iso, B * 4 + 1, &b.ty));
  PetscCall(PetscMalloc6(B, &b.pidx, B, &b.date, B, &b.ib, B, &b.lb, B, &b.st, B, &b.fi));
  PetscCall(PetscMalloc6(B, &b.pay, B, &b.not, B, &b.rate, B * (size_t)S, &b.sp, B * (size_t)S, &b.sdf, B * (size_t)S, &b.spv));
  /* room for it first: the data uncompressed (deflate only makes it smaller) plus metadata */
  PetscCall(BallastNCSpaceCheck(ctx->comm, path, 65536.0 + (double)total * (double)(v.idlen + v.plen + 6 + 4 + 10 + 4 * sizeof(int) + 2 + 3 * sizeof(double) + 3 * sizeof(double) * (size_t)S) + (double)S * (double)v.slen));
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  BallastNCFile  f    = {path, tmp, -1, 0, ctx->rank == 0, 1}; /* parallel: discarded collectively */
  PetscErrorCode ierr = define(ctx, &f, S, (size_t)total, &v);
  PetscErrorCode agreed = BallastAgreeError(ctx->comm, ierr, NULL);
  PetscInt       p = 0;
  int64_t        done_in_p = 0;
  for (int64_t r = 0; r < R && !agreed; r++) {
    /* this rank's next piece: the next rows of its current portfolio block */
    while (p < np && done_in_p >= cf->count[p]) {
      p++;
      done_in_p = 0;
    }
    size_t n = 0, start = 0;
    int    bad = 0;
    if (p < np) {
      n     = (size_t)PetscMin((int64_t)PIECE, cf->count[p] - done_in_p);
      start = (size_t)(offset[p] + done_in_p);
      ierr  = read_piece(ctx, cf, &v, n, &b, &bad);
      done_in_p += (int64_t)n;
    }
    agreed = BallastAgreeError(ctx->comm, ierr ? ierr : bad ? BALLAST_ERR_IO : 0, bad ? "cash flows: the temporary spill file is short" : NULL);
    if (agreed) break;
    ierr   = write_piece(&f, S, &v, start, n, &b);
    agreed = BallastAgreeError(ctx->comm, ierr, NULL);
    /* progress: rounds are collective, so round r of R is the share done on every rank */
    double now = MPI_Wtime();
    if (!agreed && now - last > 5.0 && r + 1 < R) {
      double frac = (double)(r + 1) / (double)R, el = now - t0;
      PetscCall(PetscFPrintf(ctx->comm, PETSC_STDERR, "write: %s %5.1f %% of %" PRId64 " events, %.0f events/s, about %.0f s left\n", path, 100 * frac, total, frac * (double)total / el, el * (1 - frac) / frac));
      last = now;
    }
  }
  if (!agreed && ctx->rank == 0) {
    /* the scenario coordinate: rank 0 writes it, the others make the same collective call empty */
    for (PetscInt s = 0; s < S && !ierr; s++) {
      size_t st[2] = {(size_t)s, 0}, ct[2] = {1, strlen(ctx->cfg.scenarios[s])};
      ierr = BallastNCCheck(&f, nc_put_vara_text(f.ncid, v.var[V_SCEN], st, ct, ctx->cfg.scenarios[s]), "scenario", "nc_put_vara_text");
    }
  } else if (!agreed) {
    size_t st[2] = {0, 0}, ct[2] = {0, 0};
    for (PetscInt s = 0; s < S && !ierr; s++) ierr = BallastNCCheck(&f, nc_put_vara_text(f.ncid, v.var[V_SCEN], st, ct, ""), "scenario", "nc_put_vara_text");
  }
  if (!agreed) agreed = BallastAgreeError(ctx->comm, ierr, NULL);
  PetscCall(PetscFree6(b.id, b.pf, b.ccy, b.cc, b.iso, b.ty));
  PetscCall(PetscFree6(b.pidx, b.date, b.ib, b.lb, b.st, b.fi));
  PetscCall(PetscFree6(b.pay, b.not, b.rate, b.sp, b.sdf, b.spv));
  PetscCall(PetscFree2(count, offset));
  if (agreed) {
    BallastNCDiscard(&f);
    PetscCall(agreed);
  }
  PetscCall(BallastNCCloseRename(ctx->comm, &f, tmp, path));
  if (nrows) *nrows = total;
  if (seconds) *seconds = MPI_Wtime() - t0;
  PetscFunctionReturn(0);
}
