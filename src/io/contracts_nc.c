/* contracts.nc: per-contract results written in parallel (NetCDF-4 over MPI-IO).
 *
 * Self-describing for xarray and CF tools: `contract` and `scenario` are coordinate variables
 * (text, char arrays with _Encoding = "utf-8", which xarray decodes to strings; char rather than
 * NC_STRING because variable-length data cannot be written in parallel by HDF5), the contract's
 * `currency`, `portfolio` and spot `fx_rate` sit beside `pv`, so
 *   (ds.pv * ds.fx_rate).groupby(ds.portfolio).sum()
 * reconciles to alm.nc's eve_portfolio without going back to the CSV. */
#define _POSIX_C_SOURCE 200809L
#include "nc_check.h"
#include <ballast/run.h>
#include <netcdf.h>
#include <netcdf_par.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  int vpv, vid, vcid, vsn, vscen, vpf, vpn, vccy, vfx;
  int dlen, dplen;
  size_t idlen, plen, slen;
} Ids;

#define put_att BallastNCPutText

/* A text variable over (dim, len) that xarray decodes to strings. */
static PetscErrorCode def_text(BallastNCFile *f, const char *name, int dim, int dlen, const char *long_name, int *var)
{
  int d[2] = {dim, dlen};
  PetscFunctionBeginUser;
  BallastCallNC(f, name, nc_def_var(f->ncid, name, NC_CHAR, 2, d, var));
  PetscCall(put_att(f, *var, name, "long_name", long_name));
  PetscCall(put_att(f, *var, name, "_Encoding", "utf-8"));
  PetscFunctionReturn(0);
}

/* Collective: create the file and define everything (the same on every rank). */
static PetscErrorCode define(BallastRunContext *ctx, BallastNCFile *f, PetscInt nscen, size_t total, Ids *v)
{
  int dscen, dcon, dslen, dclen, nc;
  PetscFunctionBeginUser;
  BallastCallNC(f, NULL, nc_create_par(f->tmp, NC_CLOBBER | NC_NETCDF4, ctx->comm, MPI_INFO_NULL, &f->ncid));
  f->open = 1;
  nc      = f->ncid;
  BallastCallNC(f, "scenario", nc_def_dim(nc, "scenario", (size_t)nscen, &dscen));
  BallastCallNC(f, "contract", nc_def_dim(nc, "contract", total, &dcon));
  BallastCallNC(f, "contract_id_len", nc_def_dim(nc, "contract_id_len", v->idlen, &v->dlen));
  BallastCallNC(f, "scenario_name_len", nc_def_dim(nc, "scenario_name_len", v->slen, &dslen));
  BallastCallNC(f, "portfolio_name_len", nc_def_dim(nc, "portfolio_name_len", v->plen, &v->dplen));
  BallastCallNC(f, "currency_code_len", nc_def_dim(nc, "currency_code_len", 3, &dclen));
  PetscCall(def_text(f, "scenario_name", dscen, dslen, "interest rate scenario", &v->vsn));
  PetscCall(def_text(f, "scenario", dscen, dslen, "interest rate scenario", &v->vscen));
  PetscCall(def_text(f, "contract_id", dcon, v->dlen, "contract identifier (contractID of the input)", &v->vid));
  PetscCall(def_text(f, "contract", dcon, v->dlen, "contract identifier (contractID of the input)", &v->vcid));
  PetscCall(def_text(f, "portfolio", dcon, v->dplen, "portfolio of the contract (portfolio_name of alm.nc)", &v->vpn));
  PetscCall(def_text(f, "currency", dcon, dclen, "ISO 4217 currency code of the contract", &v->vccy));
  BallastCallNC(f, "portfolio_index", nc_def_var(nc, "portfolio_index", NC_INT, 1, &dcon, &v->vpf));
  PetscCall(put_att(f, v->vpf, "portfolio_index", "long_name", "index into portfolio_name of alm.nc"));
  PetscCall(put_att(f, v->vpf, "portfolio_index", "units", "1"));
  BallastCallNC(f, "fx_rate", nc_def_var(nc, "fx_rate", NC_DOUBLE, 1, &dcon, &v->vfx));
  PetscCall(put_att(f, v->vfx, "fx_rate", "long_name", "spot rate: units of the reporting currency per unit of the contract's currency (the rate alm.nc's eve_portfolio converts with)"));
  PetscCall(put_att(f, v->vfx, "fx_rate", "units", "1"));
  int d2[2] = {dscen, dcon};
  BallastCallNC(f, "pv", nc_def_var(nc, "pv", NC_DOUBLE, 2, d2, &v->vpv));
  PetscCall(put_att(f, v->vpv, "pv", "long_name", "present value of the contract's future cash flows under the scenario (EVE discounting), in the contract's currency"));
  PetscCall(put_att(f, v->vpv, "pv", "units", "local_currency"));
  PetscCall(put_att(f, v->vpv, "pv", "coordinates", "portfolio currency"));
  char date[11];
  BallastDateFormat(ctx->cfg.as_of, date);
  PetscCall(BallastNCPutProvenance(f, "Ballast per-contract results", ctx->cfg.name, date, ctx->cfg.reporting_currency, ctx->cfg.sha256));
  BallastCallNC(f, NULL, nc_enddef(nc));
  int all[] = {v->vpv, v->vid, v->vcid, v->vsn, v->vscen, v->vpf, v->vpn, v->vccy, v->vfx};
  for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) BallastCallNC(f, NULL, nc_var_par_access(nc, all[k], NC_INDEPENDENT));
  PetscFunctionReturn(0);
}

/* Not collective (independent access): this rank's rows, one slab per owned portfolio. */
static PetscErrorCode write_rows(BallastRunContext *ctx, BallastNCFile *f, PetscInt nscen, const double *pv, const int64_t *offset, const Ids *v)
{
  BallastContracts cs = ctx->contracts;
  int              nc = f->ncid;
  char            *ids, *pnames, *ccys;
  int             *pidx;
  double          *fx;
  PetscFunctionBeginUser;
  if (ctx->rank == 0)
    for (PetscInt s = 0; s < nscen; s++) {
      size_t st[2] = {(size_t)s, 0}, ct[2] = {1, strlen(ctx->cfg.scenarios[s])};
      BallastCallNC(f, "scenario_name", nc_put_vara_text(nc, v->vsn, st, ct, ctx->cfg.scenarios[s]));
      BallastCallNC(f, "scenario", nc_put_vara_text(nc, v->vscen, st, ct, ctx->cfg.scenarios[s]));
    }
  PetscCall(PetscCalloc5(cs->n * v->idlen + 1, &ids, cs->n * v->plen + 1, &pnames, cs->n * 3 + 1, &ccys, cs->n + 1, &pidx, cs->n + 1, &fx));
  for (PetscInt i = 0; i < cs->n; i++) {
    const char *id = BallastContractsID(cs, i), *pn = cs->portfolio_names[cs->alm[i].portfolio];
    const char *cc = BallastNamesGet(ctx->market.currencies, (int32_t)cs->currency[i]);
    memcpy(ids + i * v->idlen, id, strlen(id));
    memcpy(pnames + i * v->plen, pn, strlen(pn));
    if (cc) memcpy(ccys + i * 3, cc, PetscMin(strlen(cc), 3));
    pidx[i] = cs->alm[i].portfolio;
    fx[i]   = ctx->market.fx[cs->currency[i]];
  }
  for (PetscInt i0 = 0; i0 < cs->n;) {
    PetscInt p = cs->alm[i0].portfolio, i1 = i0;
    while (i1 < cs->n && cs->alm[i1].portfolio == p) i1++;
    size_t n = (size_t)(i1 - i0), o = (size_t)offset[p];
    size_t st[2] = {o, 0}, ct[2] = {n, v->idlen}, cp[2] = {n, v->plen}, cc[2] = {n, 3};
    BallastCallNC(f, "contract_id", nc_put_vara_text(nc, v->vid, st, ct, ids + i0 * v->idlen));
    BallastCallNC(f, "contract", nc_put_vara_text(nc, v->vcid, st, ct, ids + i0 * v->idlen));
    BallastCallNC(f, "portfolio", nc_put_vara_text(nc, v->vpn, st, cp, pnames + i0 * v->plen));
    BallastCallNC(f, "currency", nc_put_vara_text(nc, v->vccy, st, cc, ccys + i0 * 3));
    BallastCallNC(f, "portfolio_index", nc_put_vara_int(nc, v->vpf, st, ct, pidx + i0));
    BallastCallNC(f, "fx_rate", nc_put_vara_double(nc, v->vfx, st, ct, fx + i0));
    for (PetscInt s = 0; s < nscen; s++) {
      size_t st2[2] = {(size_t)s, o}, ct2[2] = {1, n};
      BallastCallNC(f, "pv", nc_put_vara_double(nc, v->vpv, st2, ct2, pv + s * cs->n + i0));
    }
    i0 = i1;
  }
  PetscCall(PetscFree5(ids, pnames, ccys, pidx, fx));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastWriteContractsNC(BallastRunContext *ctx, PetscInt nscen, const double *pv, const char *path)
{
  BallastContracts cs = ctx->contracts;
  PetscInt         np = cs->nportfolios;
  char             tmp[4096];
  Ids              v;
  int64_t         *offset, total = 0;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&v, sizeof v));
  v.idlen = v.plen = v.slen = 1;
  for (PetscInt i = 0; i < cs->n; i++) v.idlen = PetscMax(v.idlen, strlen(BallastContractsID(cs, i)));
  unsigned long l = v.idlen, g;
  PetscCallMPI(MPI_Allreduce(&l, &g, 1, MPI_UNSIGNED_LONG, MPI_MAX, ctx->comm));
  v.idlen = g;
  for (PetscInt p = 0; p < np; p++) v.plen = PetscMax(v.plen, strlen(cs->portfolio_names[p])); /* every rank has every name */
  for (PetscInt s = 0; s < nscen; s++) v.slen = PetscMax(v.slen, strlen(ctx->cfg.scenarios[s]));
  PetscCall(PetscMalloc1(np + 1, &offset));
  for (PetscInt p = 0; p < np; p++) {
    offset[p] = total;
    total += cs->portfolio_count[p];
  }
  /* room for it first (HDF5 allocates the contiguous variables at nc_enddef) */
  PetscCall(BallastNCSpaceCheck(ctx->comm, path, 65536.0 + (double)total * (double)(2 * v.idlen + v.plen + 3 + 4 + 8 + 8 * (size_t)nscen) + 2.0 * (double)nscen * (double)v.slen));
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  BallastNCFile f = {path, tmp, -1, 0, ctx->rank == 0, 1}; /* parallel: discarded collectively */
  /* definitions are the same on every rank, so they fail (or not) on every rank alike; the
   * independent writes can fail on one rank: agree before the collective close */
  PetscErrorCode ierr   = define(ctx, &f, nscen, (size_t)total, &v);
  PetscErrorCode agreed = BallastAgreeError(ctx->comm, ierr, NULL);
  if (!agreed) {
    ierr   = write_rows(ctx, &f, nscen, pv, offset, &v);
    agreed = BallastAgreeError(ctx->comm, ierr, NULL);
  }
  if (agreed) {
    BallastNCDiscard(&f); /* collective close of the dataset on the ranks that still hold it */
    PetscCall(PetscFree(offset));
    PetscCall(agreed);
  }
  PetscCall(PetscFree(offset));
  PetscCall(BallastNCCloseRename(ctx->comm, &f, tmp, path));
  PetscFunctionReturn(0);
}
