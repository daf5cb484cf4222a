/* The one NetCDF call checker of src/io (private to the writers).
 *
 * Every nc_* call of a writer goes through BallastCallNC(file, var, call): on error it aborts the
 * open dataset (nc_abort also closes it), removes the temporary file, and returns BALLAST_ERR_IO
 * with a message naming the final file, the variable (none for file-level calls) and
 * nc_strerror, plus the call's text. The writer keeps one BallastNCFile per file it writes. */
#ifndef BALLAST_IO_NC_CHECK_H
#define BALLAST_IO_NC_CHECK_H
#include <stdio.h>
#include <string.h>

#include <ballast/ballast.h>
#include <netcdf.h>
#include <unistd.h>

typedef struct {
  const char *path; /* the final name, for messages */
  const char *tmp;  /* the temporary name being written (removed on failure); NULL: none */
  int         ncid;
  int         open; /* ncid is an open dataset */
  int         unlink_tmp; /* this rank removes tmp on failure (rank 0 of a parallel write) */
} BallastNCFile;

/* Not collective. Abort (close) the dataset and remove the temporary file; safe to call twice. */
static inline void BallastNCDiscard(BallastNCFile *f)
{
  if (f->open) {
    nc_abort(f->ncid);
    f->open = 0;
  }
  if (f->tmp && f->unlink_tmp) unlink(f->tmp);
}

/* Not collective. 0 if `st` is NC_NOERR; otherwise discards the file and raises BALLAST_ERR_IO. */
static inline PetscErrorCode BallastNCCheck(BallastNCFile *f, int st, const char *var, const char *call)
{
  if (st == NC_NOERR) return 0;
  BallastNCDiscard(f);
  if (!var) SETERRQ(PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: NetCDF: %s (%s)", f->path, nc_strerror(st), call);
  SETERRQ(PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: variable %s: NetCDF: %s (%s)", f->path, var, nc_strerror(st), call);
}

#define BallastCallNC(f, var, call) PetscCall(BallastNCCheck((f), (call), (var), #call))

/* One text attribute (var = NC_GLOBAL for the file's); vname names the variable in a message. */
static inline PetscErrorCode BallastNCPutText(BallastNCFile *f, int var, const char *vname, const char *name, const char *value)
{
  PetscFunctionBeginUser;
  BallastCallNC(f, vname, nc_put_att_text(f->ncid, var, name, strlen(value), value));
  PetscFunctionReturn(0);
}

/* The provenance attributes every result file of a run carries besides its own (alm.nc has more):
 * title, Conventions, source and software_version ("ballast VERSION"), run_name, as_of_date,
 * reporting_currency, config_sha256. */
static inline PetscErrorCode BallastNCPutProvenance(BallastNCFile *f, const char *title, const char *run_name, const char *as_of, const char *reporting_currency, const char *config_sha256)
{
  char src[64];
  PetscFunctionBeginUser;
  snprintf(src, sizeof src, "ballast %s", BALLAST_VERSION);
  PetscCall(BallastNCPutText(f, NC_GLOBAL, "title", "title", title));
  PetscCall(BallastNCPutText(f, NC_GLOBAL, "Conventions", "Conventions", "CF-1.8"));
  PetscCall(BallastNCPutText(f, NC_GLOBAL, "source", "source", src));
  PetscCall(BallastNCPutText(f, NC_GLOBAL, "software_version", "software_version", src));
  PetscCall(BallastNCPutText(f, NC_GLOBAL, "run_name", "run_name", run_name));
  PetscCall(BallastNCPutText(f, NC_GLOBAL, "as_of_date", "as_of_date", as_of));
  PetscCall(BallastNCPutText(f, NC_GLOBAL, "reporting_currency", "reporting_currency", reporting_currency));
  PetscCall(BallastNCPutText(f, NC_GLOBAL, "config_sha256", "config_sha256", config_sha256));
  PetscFunctionReturn(0);
}

#endif
