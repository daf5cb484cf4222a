#define _POSIX_C_SOURCE 200809L
#include <ballast/results.h>
#include <netcdf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* NetCDF status -> PETSc error at the call site, with the call's text. */
#define BallastCallNC(call)                                                                                   \
  do {                                                                                                        \
    int nc_st_ = (call);                                                                                      \
    PetscCheck(nc_st_ == NC_NOERR, PETSC_COMM_SELF, BALLAST_ERR_IO, "NetCDF: %s: %s", nc_strerror(nc_st_), #call); \
  } while (0)

typedef struct {
  char     *dim, *coord, *long_name, *units;
  PetscInt  n;
  char    **labels; /* or */
  double   *values;
} Dim;

typedef struct {
  char    *name, *long_name, *units;
  PetscInt ndims;
  char    *dims[3];
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
  int      attr_is_num[64];
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
  PetscCheck(r->nvar < 256 && ndims <= 3, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "too many variables or dimensions");
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

static PetscErrorCode put_text_att(int nc, int var, const char *name, const char *value)
{
  PetscFunctionBeginUser;
  if (value) BallastCallNC(nc_put_att_text(nc, var, name, strlen(value), value));
  PetscFunctionReturn(0);
}

static PetscErrorCode write_file(BallastResults r, const char *tmp)
{
  int nc, dimid[32], varid[256], coordid[32];
  PetscFunctionBeginUser;
  BallastCallNC(nc_create(tmp, NC_CLOBBER | NC_NETCDF4, &nc));
  for (PetscInt i = 0; i < r->ndim; i++) {
    Dim *d = &r->dims[i];
    BallastCallNC(nc_def_dim(nc, d->dim, (size_t)d->n, &dimid[i]));
    BallastCallNC(nc_def_var(nc, d->coord, d->labels ? NC_STRING : NC_DOUBLE, 1, &dimid[i], &coordid[i]));
    PetscCall(put_text_att(nc, coordid[i], "long_name", d->long_name));
    PetscCall(put_text_att(nc, coordid[i], "units", d->units));
  }
  for (PetscInt i = 0; i < r->nvar; i++) {
    Var *v = &r->vars[i];
    int  ids[3];
    for (PetscInt k = 0; k < v->ndims; k++) {
      PetscInt j;
      for (j = 0; j < r->ndim; j++)
        if (!strcmp(r->dims[j].dim, v->dims[k])) break;
      ids[k] = dimid[j];
    }
    BallastCallNC(nc_def_var(nc, v->name, v->kind == 0 ? NC_DOUBLE : v->kind == 1 ? NC_INT64 : NC_STRING, (int)v->ndims, ids, &varid[i]));
    PetscCall(put_text_att(nc, varid[i], "long_name", v->long_name));
    PetscCall(put_text_att(nc, varid[i], "units", v->units));
  }
  for (PetscInt i = 0; i < r->nattr; i++) {
    if (r->attr_is_num[i]) BallastCallNC(nc_put_att_double(nc, NC_GLOBAL, r->attr_name[i], NC_DOUBLE, 1, &r->attr_num[i]));
    else PetscCall(put_text_att(nc, NC_GLOBAL, r->attr_name[i], r->attr_val[i]));
  }
  BallastCallNC(nc_enddef(nc));
  for (PetscInt i = 0; i < r->ndim; i++) {
    Dim *d = &r->dims[i];
    if (!d->n) continue;
    if (d->labels) BallastCallNC(nc_put_var_string(nc, coordid[i], (const char **)d->labels));
    else BallastCallNC(nc_put_var_double(nc, coordid[i], d->values));
  }
  for (PetscInt i = 0; i < r->nvar; i++) {
    Var *v = &r->vars[i];
    if (!v->count) continue;
    if (v->kind == 0) BallastCallNC(nc_put_var_double(nc, varid[i], v->data));
    else if (v->kind == 1) BallastCallNC(nc_put_var_longlong(nc, varid[i], v->data));
    else BallastCallNC(nc_put_var_string(nc, varid[i], (const char **)v->data));
  }
  BallastCallNC(nc_close(nc));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastResultsWrite(MPI_Comm comm, BallastResults r, const char *path)
{
  PetscMPIInt rank;
  int         st = 0;
  char        tmp[4096], msg[512] = "";
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    /* errors are caught here and agreed below, so no rank is left waiting */
    PetscErrorCode ierr = write_file(r, tmp);
    if (ierr) {
      const char *text;
      char       *spec = NULL;
      PetscErrorMessage(ierr, &text, &spec);
      snprintf(msg, sizeof msg, "%s", spec ? spec : "write failed");
      unlink(tmp);
      st = 1;
    } else if (rename(tmp, path)) {
      snprintf(msg, sizeof msg, "cannot rename the temporary file to %.300s", path);
      unlink(tmp);
      st = 1;
    }
  }
  PetscCallMPI(MPI_Bcast(&st, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(msg, sizeof msg, MPI_CHAR, 0, comm));
  PetscCheck(!st, comm, BALLAST_ERR_IO, "%s: %s", path, msg);
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
