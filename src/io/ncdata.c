/* A whole result file in memory (include/ballast/ncdata.h): read, write, free. */
#define _POSIX_C_SOURCE 200809L
#include <ballast/ncdata.h>
#include "nc_check.h"
#include <fcntl.h>
#include <netcdf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static PetscErrorCode read_atts(BallastNCFile *f, int varid, const char *vname, int *natt_out, BallastNCAtt **att_out)
{
  int natt;
  PetscFunctionBeginUser;
  BallastCallNC(f, vname, nc_inq_varnatts(f->ncid, varid, &natt));
  PetscCall(PetscCalloc1(natt + 1, att_out));
  *natt_out = natt;
  for (int a = 0; a < natt; a++) {
    BallastNCAtt *t = &(*att_out)[a];
    char          name[NC_MAX_NAME + 1];
    nc_type       type;
    size_t        len;
    BallastCallNC(f, vname, nc_inq_attname(f->ncid, varid, a, name));
    BallastCallNC(f, vname, nc_inq_att(f->ncid, varid, name, &type, &len));
    PetscCall(PetscStrallocpy(name, &t->name));
    t->len = len;
    switch (type) {
    case NC_CHAR:
      t->kind = BALLAST_NCA_TEXT;
      PetscCall(PetscCalloc1(len + 1, (char **)&t->data));
      BallastCallNC(f, vname, nc_get_att_text(f->ncid, varid, name, t->data));
      break;
    case NC_DOUBLE:
      t->kind = BALLAST_NCA_DOUBLE;
      PetscCall(PetscCalloc1(len + 1, (double **)&t->data));
      BallastCallNC(f, vname, nc_get_att_double(f->ncid, varid, name, t->data));
      break;
    case NC_INT:
      t->kind = BALLAST_NCA_INT;
      PetscCall(PetscCalloc1(len + 1, (int **)&t->data));
      BallastCallNC(f, vname, nc_get_att_int(f->ncid, varid, name, t->data));
      break;
    case NC_INT64:
      t->kind = BALLAST_NCA_INT64;
      PetscCall(PetscCalloc1(len + 1, (long long **)&t->data));
      BallastCallNC(f, vname, nc_get_att_longlong(f->ncid, varid, name, t->data));
      break;
    default:
      SETERRQ(PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: %s%sattribute %s has NetCDF type %d, which ballast does not write", f->path, vname ? "variable " : "", vname ? vname : "", name, (int)type);
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode read_file(BallastNCFile *f, BallastNCData *d)
{
  int ndims, nvars, ngatts, unlim, ncid;
  PetscFunctionBeginUser;
  BallastCallNC(f, NULL, nc_open(f->path, NC_NOWRITE, &f->ncid));
  f->open = 1;
  ncid    = f->ncid;
  BallastCallNC(f, NULL, nc_inq(ncid, &ndims, &nvars, &ngatts, &unlim));
  PetscCheck(ndims <= 64, PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: %d dimensions, more than an alm.nc has", f->path, ndims);
  d->ndims = ndims;
  PetscCall(PetscCalloc2(ndims + 1, &d->dim_name, ndims + 1, &d->dim_len));
  for (int i = 0; i < ndims; i++) {
    char name[NC_MAX_NAME + 1];
    BallastCallNC(f, NULL, nc_inq_dim(ncid, i, name, &d->dim_len[i]));
    PetscCall(PetscStrallocpy(name, &d->dim_name[i]));
  }
  d->nvars = nvars;
  PetscCall(PetscCalloc1(nvars + 1, &d->var));
  for (int i = 0; i < nvars; i++) {
    BallastNCVar *v = &d->var[i];
    char          name[NC_MAX_NAME + 1];
    nc_type       type;
    int           vd, dims[NC_MAX_VAR_DIMS], na;
    BallastCallNC(f, NULL, nc_inq_var(ncid, i, name, &type, &vd, dims, &na));
    PetscCall(PetscStrallocpy(name, &v->name));
    PetscCheck(vd <= 8, PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: variable %s has %d dimensions, more than ballast writes", f->path, name, vd);
    v->ndims = vd;
    v->count = 1;
    for (int k = 0; k < vd; k++) {
      v->dim[k] = dims[k];
      v->count *= d->dim_len[dims[k]];
    }
    if (type == NC_DOUBLE) v->kind = BALLAST_NCK_DOUBLE;
    else if (type == NC_INT64) v->kind = BALLAST_NCK_INT64;
    else if (type == NC_STRING) v->kind = BALLAST_NCK_STRING;
    else SETERRQ(PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: variable %s has NetCDF type %d, which ballast does not write", f->path, name, (int)type);
    PetscCall(read_atts(f, i, v->name, &v->natt, &v->att));
    if (v->kind == BALLAST_NCK_DOUBLE) {
      PetscCall(PetscCalloc1(v->count + 1, (double **)&v->data));
      if (v->count) BallastCallNC(f, name, nc_get_var_double(ncid, i, v->data));
    } else if (v->kind == BALLAST_NCK_INT64) {
      PetscCall(PetscCalloc1(v->count + 1, (long long **)&v->data));
      if (v->count) BallastCallNC(f, name, nc_get_var_longlong(ncid, i, v->data));
    } else {
      char **s, **t;
      PetscCall(PetscCalloc1(v->count + 1, &s));
      PetscCall(PetscCalloc1(v->count + 1, &t));
      if (v->count) BallastCallNC(f, name, nc_get_var_string(ncid, i, s));
      for (size_t k = 0; k < v->count; k++) PetscCall(PetscStrallocpy(s[k] ? s[k] : "", &t[k]));
      if (v->count) nc_free_string(v->count, s);
      PetscCall(PetscFree(s));
      v->data = t;
    }
  }
  PetscCall(read_atts(f, NC_GLOBAL, NULL, &d->natt, &d->att));
  f->open = 0;
  BallastCallNC(f, NULL, nc_close(ncid));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastNCDataRead(const char *path, BallastNCData *d)
{
  BallastNCFile f = {path, NULL, -1, 0, 0, 0};
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(d, sizeof *d));
  PetscCall(PetscStrallocpy(path, &d->path));
  PetscCall(read_file(&f, d));
  PetscFunctionReturn(0);
}

static PetscErrorCode put_atts(BallastNCFile *f, int varid, const char *vname, int natt, const BallastNCAtt *att)
{
  PetscFunctionBeginUser;
  for (int a = 0; a < natt; a++) {
    const BallastNCAtt *t = &att[a];
    switch (t->kind) {
    case BALLAST_NCA_TEXT: BallastCallNC(f, vname, nc_put_att_text(f->ncid, varid, t->name, t->len, t->data)); break;
    case BALLAST_NCA_DOUBLE: BallastCallNC(f, vname, nc_put_att_double(f->ncid, varid, t->name, NC_DOUBLE, t->len, t->data)); break;
    case BALLAST_NCA_INT: BallastCallNC(f, vname, nc_put_att_int(f->ncid, varid, t->name, NC_INT, t->len, t->data)); break;
    default: BallastCallNC(f, vname, nc_put_att_longlong(f->ncid, varid, t->name, NC_INT64, t->len, t->data)); break;
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode write_file(const BallastNCData *d, BallastNCFile *f)
{
  int dimid[64], *varid;
  PetscFunctionBeginUser;
  BallastCallNC(f, NULL, nc_create(f->tmp, NC_CLOBBER | NC_NETCDF4, &f->ncid));
  f->open = 1;
  for (int i = 0; i < d->ndims; i++) BallastCallNC(f, d->dim_name[i], nc_def_dim(f->ncid, d->dim_name[i], d->dim_len[i], &dimid[i]));
  PetscCall(PetscMalloc1(d->nvars + 1, &varid));
  for (int i = 0; i < d->nvars; i++) {
    const BallastNCVar *v = &d->var[i];
    int                 ids[8];
    for (int k = 0; k < v->ndims; k++) ids[k] = dimid[v->dim[k]];
    BallastCallNC(f, v->name, nc_def_var(f->ncid, v->name, v->kind == BALLAST_NCK_DOUBLE ? NC_DOUBLE : v->kind == BALLAST_NCK_INT64 ? NC_INT64 : NC_STRING, v->ndims, ids, &varid[i]));
    PetscCall(put_atts(f, varid[i], v->name, v->natt, v->att));
  }
  PetscCall(put_atts(f, NC_GLOBAL, NULL, d->natt, d->att));
  BallastCallNC(f, NULL, nc_enddef(f->ncid));
  for (int i = 0; i < d->nvars; i++) {
    const BallastNCVar *v = &d->var[i];
    if (!v->count) continue;
    if (v->kind == BALLAST_NCK_DOUBLE) BallastCallNC(f, v->name, nc_put_var_double(f->ncid, varid[i], v->data));
    else if (v->kind == BALLAST_NCK_INT64) BallastCallNC(f, v->name, nc_put_var_longlong(f->ncid, varid[i], v->data));
    else BallastCallNC(f, v->name, nc_put_var_string(f->ncid, varid[i], (const char **)v->data));
  }
  PetscCall(PetscFree(varid));
  f->open = 0;
  BallastCallNC(f, NULL, nc_close(f->ncid));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastNCDataWrite(const BallastNCData *d, const char *path)
{
  char tmp[4096];
  PetscFunctionBeginUser;
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  BallastNCFile  f    = {path, tmp, -1, 0, 1, 0};
  PetscErrorCode ierr = write_file(d, &f);
  if (ierr) {
    BallastNCDiscard(&f);
    PetscFunctionReturn(ierr); /* the message names the file */
  }
  /* durable: the data on disk before the name points at it */
  int fd = open(tmp, O_RDONLY);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
  if (rename(tmp, path)) {
    unlink(tmp);
    SETERRQ(PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: cannot rename the temporary file %s to it", path, tmp);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode free_atts(int natt, BallastNCAtt *att)
{
  PetscFunctionBeginUser;
  for (int a = 0; a < natt; a++) {
    PetscCall(PetscFree(att[a].name));
    PetscCall(PetscFree(att[a].data));
  }
  PetscCall(PetscFree(att));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastNCDataFree(BallastNCData *d)
{
  PetscFunctionBeginUser;
  for (int i = 0; i < d->ndims; i++) PetscCall(PetscFree(d->dim_name[i]));
  PetscCall(PetscFree2(d->dim_name, d->dim_len));
  for (int i = 0; i < d->nvars; i++) {
    BallastNCVar *v = &d->var[i];
    if (v->kind == BALLAST_NCK_STRING && v->data)
      for (size_t k = 0; k < v->count; k++) PetscCall(PetscFree(((char **)v->data)[k]));
    PetscCall(PetscFree(v->data));
    PetscCall(PetscFree(v->name));
    PetscCall(free_atts(v->natt, v->att));
  }
  PetscCall(PetscFree(d->var));
  PetscCall(free_atts(d->natt, d->att));
  PetscCall(PetscFree(d->path));
  PetscCall(PetscMemzero(d, sizeof *d));
  PetscFunctionReturn(0);
}

int BallastNCDataFindVar(const BallastNCData *d, const char *name)
{
  for (int i = 0; i < d->nvars; i++)
    if (!strcmp(d->var[i].name, name)) return i;
  return -1;
}

int BallastNCDataFindDim(const BallastNCData *d, const char *name)
{
  for (int i = 0; i < d->ndims; i++)
    if (!strcmp(d->dim_name[i], name)) return i;
  return -1;
}

BallastNCAtt *BallastNCDataFindAtt(const BallastNCData *d, const char *name)
{
  for (int i = 0; i < d->natt; i++)
    if (!strcmp(d->att[i].name, name)) return &d->att[i];
  return NULL;
}

const char *BallastNCDataAttText(const BallastNCData *d, const char *name)
{
  BallastNCAtt *a = BallastNCDataFindAtt(d, name);
  return a && a->kind == BALLAST_NCA_TEXT ? (const char *)a->data : NULL;
}
