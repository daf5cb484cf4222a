#define _POSIX_C_SOURCE 200809L
#include <ballast/results.h>
#include "nc_check.h"
#include <math.h>
#include <netcdf.h>
#include <netcdf_mem.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  char     *dim, *coord, *long_name, *units;
  PetscInt  n;
  char    **labels; /* or */
  double   *values;
} Dim;

typedef struct {
  char    *name, *long_name, *units;
  PetscInt ndims;
  char    *dims[4];
  int      kind; /* 0 double, 1 int64, 2 text */
  size_t   count;
  void    *data;
} Var;

struct _n_BallastResults {
  PetscInt ndim, nvar, nattr;
  Dim      dims[32];
  Var      vars[256];
  char    *attr_name[64], *attr_val[64];
  double   attr_num[64];
  int      attr_is_num[64]; /* 0 text, 1 double, 2 integer */
};

PetscErrorCode BallastResultsCreate(BallastResults *r)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(r));
  PetscFunctionReturn(0);
}

static PetscErrorCode find_dim(BallastResults r, const char *name, PetscInt *len)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < r->ndim; i++)
    if (!strcmp(r->dims[i].dim, name)) {
      *len = r->dims[i].n;
      PetscFunctionReturn(0);
    }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "result dimension '%s' not defined", name);
}

PetscErrorCode BallastResultsHasDim(BallastResults r, const char *dim, PetscBool *has)
{
  PetscFunctionBeginUser;
  *has = PETSC_FALSE;
  for (PetscInt i = 0; i < r->ndim; i++)
    if (!strcmp(r->dims[i].dim, dim)) *has = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastResultsAddDimLabels(BallastResults r, const char *dim, const char *coord, PetscInt n, const char *const *labels, const char *long_name)
{
  PetscFunctionBeginUser;
  PetscCheck(r->ndim < 32, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "too many dimensions");
  Dim *d = &r->dims[r->ndim++];
  PetscCall(PetscStrallocpy(dim, &d->dim));
  PetscCall(PetscStrallocpy(coord, &d->coord));
  PetscCall(PetscStrallocpy(long_name, &d->long_name));
  d->n = n;
  PetscCall(PetscCalloc1(n + 1, &d->labels));
  for (PetscInt i = 0; i < n; i++) PetscCall(PetscStrallocpy(labels[i], &d->labels[i]));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastResultsAddDimValues(BallastResults r, const char *dim, const char *coord, PetscInt n, const double *values, const char *long_name, const char *units)
{
  PetscFunctionBeginUser;
  PetscCheck(r->ndim < 32, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "too many dimensions");
  Dim *d = &r->dims[r->ndim++];
  PetscCall(PetscStrallocpy(dim, &d->dim));
  PetscCall(PetscStrallocpy(coord, &d->coord));
  PetscCall(PetscStrallocpy(long_name, &d->long_name));
  PetscCall(PetscStrallocpy(units, &d->units));
  d->n = n;
  PetscCall(PetscMalloc1(n + 1, &d->values));
  PetscCall(PetscArraycpy(d->values, values, n));
  PetscFunctionReturn(0);
}

static PetscErrorCode add_var(BallastResults r, const char *name, PetscInt ndims, const char *const *dims, const void *data, int kind, const char *long_name, const char *units)
{
  PetscFunctionBeginUser;
  PetscCheck(r->nvar < 256 && ndims <= 4, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "too many variables or dimensions");
  Var *v = &r->vars[r->nvar++];
  PetscCall(PetscStrallocpy(name, &v->name));
  PetscCall(PetscStrallocpy(long_name, &v->long_name));
  PetscCall(PetscStrallocpy(units, &v->units));
  v->ndims = ndims;
  v->kind  = kind;
  size_t count = 1;
  for (PetscInt i = 0; i < ndims; i++) {
    PetscInt len;
    PetscCall(find_dim(r, dims[i], &len));
    count *= (size_t)len;
    PetscCall(PetscStrallocpy(dims[i], &v->dims[i]));
  }
  v->count = count;
  if (kind == 2) {
    char **t;
    PetscCall(PetscCalloc1(count + 1, &t));
    for (size_t i = 0; i < count; i++) PetscCall(PetscStrallocpy(((const char *const *)data)[i] ? ((const char *const *)data)[i] : "", &t[i]));
    v->data = t;
  } else {
    size_t sz = kind == 0 ? sizeof(double) : sizeof(int64_t);
    PetscCall(PetscMalloc(sz * (count ? count : 1), &v->data));
    if (count) memcpy(v->data, data, sz * count);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastResultsAddVar(BallastResults r, const char *name, PetscInt ndims, const char *const *dims, const double *data, const char *long_name, const char *units)
{
  PetscFunctionBeginUser;
  PetscCall(add_var(r, name, ndims, dims, data, 0, long_name, units));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastResultsAddVarInt(BallastResults r, const char *name, PetscInt ndims, const char *const *dims, const int64_t *data, const char *long_name, const char *units)
{
  PetscFunctionBeginUser;
  PetscCall(add_var(r, name, ndims, dims, data, 1, long_name, units));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastResultsAddVarText(BallastResults r, const char *name, const char *dim, const char *const *text, const char *long_name)
{
  PetscFunctionBeginUser;
  PetscCall(add_var(r, name, 1, &dim, text, 2, long_name, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastResultsAddAttr(BallastResults r, const char *name, const char *value)
{
  PetscFunctionBeginUser;
  PetscCheck(r->nattr < 64, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "too many attributes");
  PetscCall(PetscStrallocpy(name, &r->attr_name[r->nattr]));
  PetscCall(PetscStrallocpy(value, &r->attr_val[r->nattr]));
  r->attr_is_num[r->nattr++] = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastResultsAddAttrDouble(BallastResults r, const char *name, double value)
{
  PetscFunctionBeginUser;
  PetscCheck(r->nattr < 64, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "too many attributes");
  PetscCall(PetscStrallocpy(name, &r->attr_name[r->nattr]));
  r->attr_num[r->nattr]      = value;
  r->attr_is_num[r->nattr++] = 1;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastResultsAddAttrInt(BallastResults r, const char *name, int64_t value)
{
  PetscFunctionBeginUser;
  PetscCheck(r->nattr < 64, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "too many attributes");
  PetscCall(PetscStrallocpy(name, &r->attr_name[r->nattr]));
  r->attr_num[r->nattr]      = (double)value;
  r->attr_is_num[r->nattr++] = 2;
  PetscFunctionReturn(0);
}

/* Units as tools read them (docs/decisions.md "Units in alm.nc"): "days" is written "day" so that
 * xarray (which decodes a variable whose units are exactly a CF time unit such as "days" into
 * timedelta64) keeps survival days and ladder bucket ends as numbers; amounts in the currency of
 * the `currency` coordinate carry the single token "local_currency" (UDUNITS has no currencies;
 * amounts in the reporting currency carry its ISO 4217 code). */
static const char *cf_units(const char *u)
{
  if (!u) return NULL;
  if (!strcmp(u, "days")) return "day";
  if (!strcmp(u, "currency of the currency dimension (currency_code)")) return "local_currency";
  return u;
}

static PetscErrorCode put_text_att(BallastNCFile *f, int var, const char *vname, const char *name, const char *value)
{
  PetscFunctionBeginUser;
  if (value) BallastCallNC(f, vname, nc_put_att_text(f->ncid, var, name, strlen(value), value));
  PetscFunctionReturn(0);
}

/* The values that are not numbers by definition, each documented (docs/operations.md,
 * "Non-finite numbers"); everything else in alm.nc must be finite:
 *   - over `segment`: NaN for the parameters of another model than the segment's (docs/behaviour.md);
 *   - nii_margin: NaN where a portfolio uses its own margins or several (its long_name says so);
 *   - the ratios lcr, lcr_by_currency, nsfr: NaN for 0/0 (a currency without outflows nor HQLA),
 *     +Inf for x/0 with x > 0 (coverage without outflows), as src/liquidity computes them;
 *   - the fractions "of Tier 1 capital" when the configuration gives no capital.tier1;
 *   - outlier_test_decline, outlier_test_ratio: NaN when none of the test's scenarios is run. */
static PetscBool undefined_ok(BallastResults r, const Var *v, double x)
{
  /* no Tier 1 configured (no capital.tier1: a configured one must be positive): the ratios to it are NaN */
  for (PetscInt i = 0; isnan(x) && i < r->nattr; i++)
    if (!strcmp(r->attr_name[i], "tier1_capital") && r->attr_num[i] == 0 && v->long_name && strstr(v->long_name, "of Tier 1 capital")) return PETSC_TRUE;
  if (isnan(x) && v->ndims >= 1 && !strcmp(v->dims[0], "segment")) return PETSC_TRUE;
  if (isnan(x) && !strcmp(v->name, "nii_margin")) return PETSC_TRUE;
  if (isnan(x) && (!strcmp(v->name, "outlier_test_decline") || !strcmp(v->name, "outlier_test_ratio"))) return PETSC_TRUE; /* none of the test's scenarios is run */
  if ((isnan(x) || x == INFINITY) && (!strcmp(v->name, "lcr") || !strcmp(v->name, "lcr_by_currency") || !strcmp(v->name, "nsfr"))) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* Not collective. A non-finite number anywhere in alm.nc is a defect (a rate of 1e308, a zero
 * capital...): BALLAST_ERR_NUMERIC with msg naming the variable and its index (dimension=index
 * per dimension), checked before anything is written. Numeric attributes too; numeric coordinates
 * must not be NaN (an open bucket's end may be +Inf). */
static PetscErrorCode check_finite(BallastResults r, char *msg, size_t mlen)
{
  for (PetscInt i = 0; i < r->ndim; i++) {
    const Dim *d = &r->dims[i];
    /* an open-ended bucket's edge is +Inf by definition (ladder_bucket_end_day: the last bucket
     * has no end): a coordinate from the regime, not a result; NaN or -Inf is a defect */
    for (PetscInt k = 0; !d->labels && d->values && k < d->n; k++)
      if (isnan(d->values[k]) || d->values[k] == -INFINITY) {
        snprintf(msg, mlen, "alm.nc: coordinate %s[%" PetscInt_FMT "] is %g: a non-finite number (numerical failure); nothing written", d->coord, k, d->values[k]);
        return BALLAST_ERR_NUMERIC;
      }
  }
  for (PetscInt i = 0; i < r->nattr; i++)
    if (r->attr_is_num[i] && !isfinite(r->attr_num[i])) {
      snprintf(msg, mlen, "alm.nc: attribute %s is %g: a non-finite number (numerical failure); nothing written", r->attr_name[i], r->attr_num[i]);
      return BALLAST_ERR_NUMERIC;
    }
  for (PetscInt i = 0; i < r->nvar; i++) {
    const Var    *v = &r->vars[i];
    const double *x = (const double *)v->data;
    PetscInt      len[4];
    if (v->kind != 0 || !v->count) continue;
    for (PetscInt k = 0; k < v->ndims; k++) {
      len[k] = 1;
      for (PetscInt m = 0; m < r->ndim; m++)
        if (!strcmp(r->dims[m].dim, v->dims[k])) len[k] = PetscMax(r->dims[m].n, 1);
    }
    for (size_t j = 0; j < v->count; j++) {
      if (isfinite(x[j])) continue;
      PetscInt idx[4] = {0, 0, 0, 0};
      size_t   q = j;
      for (PetscInt k = v->ndims - 1; k >= 0; k--) {
        idx[k] = (PetscInt)(q % (size_t)len[k]);
        q /= (size_t)len[k];
      }
      if (undefined_ok(r, v, x[j])) continue;
      char where[256] = "";
      for (PetscInt k = 0; k < v->ndims; k++) snprintf(where + strlen(where), sizeof where - strlen(where), "%s%s=%" PetscInt_FMT, k ? ", " : "", v->dims[k], idx[k]);
      snprintf(msg, mlen, "alm.nc: variable %s[%s] is %s: a non-finite number (numerical failure; check the inputs' magnitudes and the configured capital); nothing written", v->name, where, isnan(x[j]) ? "NaN" : x[j] > 0 ? "+Inf" : "-Inf");
      return BALLAST_ERR_NUMERIC;
    }
  }
  return 0;
}

/* Whether a result variable is named `name` (a dimension's own coordinate variable must not clash). */
static PetscBool has_var(BallastResults r, const char *name)
{
  for (PetscInt i = 0; i < r->nvar; i++)
    if (!strcmp(r->vars[i].name, name)) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* Every dimension gets a coordinate variable named like it (CF; what xarray indexes by, so
 * `ds.eve.sel(scenario="parallel_up", currency="EUR")` works), holding the same labels or values
 * as the spec's `*_name` / `*_code` / numeric coordinate variable, which is kept. */
static PetscErrorCode write_file(BallastResults r, BallastNCFile *f, NC_memio *mem)
{
  int dimid[32], varid[256], coordid[32], selfid[32];
  PetscFunctionBeginUser;
  /* built in memory (HDF5's core driver) and put on disk in one write by BallastWriteDurable: a
   * full disk is then a plain write error, never an HDF5 failure half-way (whose abort crashed) */
  BallastCallNC(f, NULL, nc_create_mem(f->path, NC_NETCDF4, 1 << 20, &f->ncid));
  f->open = 1;
  int nc  = f->ncid;
  for (PetscInt i = 0; i < r->ndim; i++) {
    Dim *d = &r->dims[i];
    selfid[i] = -1;
    BallastCallNC(f, d->dim, nc_def_dim(nc, d->dim, (size_t)d->n, &dimid[i]));
    BallastCallNC(f, d->coord, nc_def_var(nc, d->coord, d->labels ? NC_STRING : NC_DOUBLE, 1, &dimid[i], &coordid[i]));
    PetscCall(put_text_att(f, coordid[i], d->coord, "long_name", d->long_name));
    PetscCall(put_text_att(f, coordid[i], d->coord, "units", cf_units(d->units)));
    if (strcmp(d->dim, d->coord) && !has_var(r, d->dim)) {
      BallastCallNC(f, d->dim, nc_def_var(nc, d->dim, d->labels ? NC_STRING : NC_DOUBLE, 1, &dimid[i], &selfid[i]));
      PetscCall(put_text_att(f, selfid[i], d->dim, "long_name", d->long_name));
      PetscCall(put_text_att(f, selfid[i], d->dim, "units", cf_units(d->units)));
    }
  }
  for (PetscInt i = 0; i < r->nvar; i++) {
    Var *v = &r->vars[i];
    int  ids[4];
    for (PetscInt k = 0; k < v->ndims; k++) {
      PetscInt j;
      for (j = 0; j < r->ndim; j++)
        if (!strcmp(r->dims[j].dim, v->dims[k])) break;
      ids[k] = dimid[j];
    }
    BallastCallNC(f, v->name, nc_def_var(nc, v->name, v->kind == 0 ? NC_DOUBLE : v->kind == 1 ? NC_INT64 : NC_STRING, (int)v->ndims, ids, &varid[i]));
    PetscCall(put_text_att(f, varid[i], v->name, "long_name", v->long_name));
    PetscCall(put_text_att(f, varid[i], v->name, "units", cf_units(v->units)));
  }
  for (PetscInt i = 0; i < r->nattr; i++) {
    if (r->attr_is_num[i] == 1) BallastCallNC(f, r->attr_name[i], nc_put_att_double(nc, NC_GLOBAL, r->attr_name[i], NC_DOUBLE, 1, &r->attr_num[i]));
    else if (r->attr_is_num[i] == 2) {
      long long iv = (long long)r->attr_num[i];
      BallastCallNC(f, r->attr_name[i], nc_put_att_longlong(nc, NC_GLOBAL, r->attr_name[i], NC_INT, 1, &iv));
    } else PetscCall(put_text_att(f, NC_GLOBAL, r->attr_name[i], r->attr_name[i], r->attr_val[i]));
  }
  BallastCallNC(f, NULL, nc_enddef(nc));
  for (PetscInt i = 0; i < r->ndim; i++) {
    Dim *d = &r->dims[i];
    if (!d->n) continue;
    int ids[2] = {coordid[i], selfid[i]};
    for (int k = 0; k < 2; k++) {
      if (ids[k] < 0) continue;
      if (d->labels) BallastCallNC(f, d->coord, nc_put_var_string(nc, ids[k], (const char **)d->labels));
      else BallastCallNC(f, d->coord, nc_put_var_double(nc, ids[k], d->values));
    }
  }
  for (PetscInt i = 0; i < r->nvar; i++) {
    Var *v = &r->vars[i];
    if (!v->count) continue;
    if (v->kind == 0) BallastCallNC(f, v->name, nc_put_var_double(nc, varid[i], v->data));
    else if (v->kind == 1) BallastCallNC(f, v->name, nc_put_var_longlong(nc, varid[i], v->data));
    else BallastCallNC(f, v->name, nc_put_var_string(nc, varid[i], (const char **)v->data));
  }
  f->open = 0;
  BallastCallNC(f, NULL, nc_close_memio(nc, mem));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastResultsWrite(MPI_Comm comm, BallastResults r, const char *path)
{
  PetscMPIInt rank;
  int         st = 0;
  PetscErrorCode code = 0;
  char        tmp[4096], msg[1024] = "";
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    /* errors are caught here and agreed below, so no rank is left waiting */
    BallastNCFile  f   = {path, NULL, -1, 0, 0, 0};
    NC_memio       mem = {0, NULL, 0};
    PetscErrorCode ierr;
    /* a non-finite number is a defect: the run fails naming the variable, nothing is written */
    ierr = check_finite(r, msg, sizeof msg);
    if (ierr) st = 1;
    else ierr = write_file(r, &f, &mem);
    if (st) {
    } else if (ierr) {
      const char *text;
      char       *spec = NULL;
      PetscErrorMessage(ierr, &text, &spec);
      snprintf(msg, sizeof msg, "%s", spec ? spec : "write failed"); /* names the file already */
      st = 1;
    } else if (BallastWriteDurable(mem.memory, mem.size, tmp, path, msg, sizeof msg)) st = 1;
    free(mem.memory);
    if (st && !ierr) ierr = BALLAST_ERR_IO;
    code = ierr;
  }
  int hdr[2] = {st, (int)code};
  PetscCallMPI(MPI_Bcast(hdr, 2, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(msg, sizeof msg, MPI_CHAR, 0, comm));
  PetscCheck(!hdr[0], comm, hdr[1] == BALLAST_ERR_NUMERIC ? BALLAST_ERR_NUMERIC : BALLAST_ERR_IO, "%s", msg);
  PetscFunctionReturn(0);
}

PetscErrorCode BallastResultsDestroy(BallastResults *pr)
{
  BallastResults r = *pr;
  PetscFunctionBeginUser;
  if (!r) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < r->ndim; i++) {
    Dim *d = &r->dims[i];
    PetscCall(PetscFree(d->dim));
    PetscCall(PetscFree(d->coord));
    PetscCall(PetscFree(d->long_name));
    PetscCall(PetscFree(d->units));
    if (d->labels)
      for (PetscInt k = 0; k < d->n; k++) PetscCall(PetscFree(d->labels[k]));
    PetscCall(PetscFree(d->labels));
    PetscCall(PetscFree(d->values));
  }
  for (PetscInt i = 0; i < r->nvar; i++) {
    Var *v = &r->vars[i];
    PetscCall(PetscFree(v->name));
    PetscCall(PetscFree(v->long_name));
    PetscCall(PetscFree(v->units));
    for (PetscInt k = 0; k < v->ndims; k++) PetscCall(PetscFree(v->dims[k]));
    if (v->kind == 2)
      for (size_t k = 0; k < v->count; k++) PetscCall(PetscFree(((char **)v->data)[k]));
    PetscCall(PetscFree(v->data));
  }
  for (PetscInt i = 0; i < r->nattr; i++) {
    PetscCall(PetscFree(r->attr_name[i]));
    PetscCall(PetscFree(r->attr_val[i]));
  }
  PetscCall(PetscFree(r));
  *pr = NULL;
  PetscFunctionReturn(0);
}
