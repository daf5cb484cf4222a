/* contracts.nc: per-contract results written in parallel (NetCDF-4 over MPI-IO). */
#define _POSIX_C_SOURCE 200809L
#include <ballast/run.h>
#include <netcdf.h>
#include <netcdf_par.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BallastCallNC(call)                                                                                   \
  do {                                                                                                        \
    int nc_st_ = (call);                                                                                      \
    PetscCheck(nc_st_ == NC_NOERR, PETSC_COMM_SELF, BALLAST_ERR_IO, "NetCDF: %s: %s", nc_strerror(nc_st_), #call); \
  } while (0)

PetscErrorCode BallastWriteContractsNC(BallastRunContext *ctx, PetscInt nscen, const double *pv, const char *path)
{
  BallastContracts cs = ctx->contracts;
  PetscInt         np = cs->nportfolios;
  int              nc, dscen, dcon, dlen, dslen, vpv, vid, vsn, vpf;
  char             tmp[4096];
  size_t           idlen = 1, slen = 1;
  int64_t         *offset, total = 0;
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < cs->n; i++) idlen = PetscMax(idlen, strlen(BallastContractsID(cs, i)));
  unsigned long l = idlen, g;
  PetscCallMPI(MPI_Allreduce(&l, &g, 1, MPI_UNSIGNED_LONG, MPI_MAX, ctx->comm));
  idlen = g;
  for (PetscInt s = 0; s < nscen; s++) slen = PetscMax(slen, strlen(ctx->cfg.scenarios[s]));
  PetscCall(PetscMalloc1(np + 1, &offset));
  for (PetscInt p = 0; p < np; p++) {
    offset[p] = total;
    total += cs->portfolio_count[p];
  }
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  BallastCallNC(nc_create_par(tmp, NC_CLOBBER | NC_NETCDF4, ctx->comm, MPI_INFO_NULL, &nc));
  BallastCallNC(nc_def_dim(nc, "scenario", (size_t)nscen, &dscen));
  BallastCallNC(nc_def_dim(nc, "contract", (size_t)total, &dcon));
  BallastCallNC(nc_def_dim(nc, "contract_id_len", idlen, &dlen));
  BallastCallNC(nc_def_dim(nc, "scenario_name_len", slen, &dslen));
  int d2[2] = {dscen, dcon}, di[2] = {dcon, dlen}, ds[2] = {dscen, dslen};
  BallastCallNC(nc_def_var(nc, "scenario_name", NC_CHAR, 2, ds, &vsn));
  BallastCallNC(nc_def_var(nc, "contract_id", NC_CHAR, 2, di, &vid));
  BallastCallNC(nc_def_var(nc, "portfolio_index", NC_INT, 1, &dcon, &vpf));
  BallastCallNC(nc_def_var(nc, "pv", NC_DOUBLE, 2, d2, &vpv));
  const char *ln = "present value of the contract's future cash flows under the scenario (EVE discounting)";
  BallastCallNC(nc_put_att_text(nc, vpv, "long_name", strlen(ln), ln));
  BallastCallNC(nc_put_att_text(nc, vpv, "units", 25, "currency of the contract"));
  const char *lp = "index into portfolio_name of alm.nc";
  BallastCallNC(nc_put_att_text(nc, vpf, "long_name", strlen(lp), lp));
  BallastCallNC(nc_put_att_text(nc, NC_GLOBAL, "config_sha256", 64, ctx->cfg.sha256));
  BallastCallNC(nc_put_att_text(nc, NC_GLOBAL, "software_version", strlen("ballast " BALLAST_VERSION), "ballast " BALLAST_VERSION));
  BallastCallNC(nc_enddef(nc));
  BallastCallNC(nc_var_par_access(nc, vpv, NC_INDEPENDENT));
  BallastCallNC(nc_var_par_access(nc, vid, NC_INDEPENDENT));
  BallastCallNC(nc_var_par_access(nc, vpf, NC_INDEPENDENT));
  BallastCallNC(nc_var_par_access(nc, vsn, NC_INDEPENDENT));
  if (ctx->rank == 0)
    for (PetscInt s = 0; s < nscen; s++) {
      size_t st[2] = {(size_t)s, 0}, ct[2] = {1, strlen(ctx->cfg.scenarios[s])};
      BallastCallNC(nc_put_vara_text(nc, vsn, st, ct, ctx->cfg.scenarios[s]));
    }
  /* this rank's rows are sorted by portfolio: one slab per owned portfolio */
  char *ids;
  int  *pidx;
  PetscCall(PetscMalloc2(cs->n * idlen + 1, &ids, cs->n + 1, &pidx));
  PetscCall(PetscMemzero(ids, cs->n * idlen + 1));
  for (PetscInt i = 0; i < cs->n; i++) {
    const char *id = BallastContractsID(cs, i);
    memcpy(ids + i * idlen, id, strlen(id));
    pidx[i] = cs->alm[i].portfolio;
  }
  for (PetscInt i0 = 0; i0 < cs->n;) {
    PetscInt p = cs->alm[i0].portfolio, i1 = i0;
    while (i1 < cs->n && cs->alm[i1].portfolio == p) i1++;
    size_t n = (size_t)(i1 - i0);
    size_t st[2] = {(size_t)offset[p], 0}, ct[2] = {n, idlen};
    BallastCallNC(nc_put_vara_text(nc, vid, st, ct, ids + i0 * idlen));
    BallastCallNC(nc_put_vara_int(nc, vpf, st, ct, pidx + i0));
    for (PetscInt s = 0; s < nscen; s++) {
      size_t st2[2] = {(size_t)s, (size_t)offset[p]}, ct2[2] = {1, n};
      BallastCallNC(nc_put_vara_double(nc, vpv, st2, ct2, pv + s * cs->n + i0));
    }
    i0 = i1;
  }
  BallastCallNC(nc_close(nc));
  PetscCall(PetscFree2(ids, pidx));
  PetscCall(PetscFree(offset));
  PetscCallMPI(MPI_Barrier(ctx->comm));
  int bad = 0;
  if (ctx->rank == 0 && rename(tmp, path)) bad = 1;
  PetscCallMPI(MPI_Bcast(&bad, 1, MPI_INT, 0, ctx->comm));
  PetscCheck(!bad, ctx->comm, BALLAST_ERR_IO, "cannot rename %s to %s", tmp, path);
  PetscFunctionReturn(0);
}
