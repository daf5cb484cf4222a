/* A set of result variables to be written as one NetCDF-4 file: dimensions with coordinate
 * variables, variables with long_name and units, global attributes. The numerical modules fill
 * plain arrays; only src/io turns them into NetCDF. Data are copied when added. */
#ifndef BALLAST_RESULTS_H
#define BALLAST_RESULTS_H

#include <ballast/ballast.h>

typedef struct _n_BallastResults *BallastResults;

PetscErrorCode BallastResultsCreate(BallastResults *r);
PetscErrorCode BallastResultsDestroy(BallastResults *r);
/* A dimension whose coordinate variable `coord` holds text labels (NC_STRING). */
PetscErrorCode BallastResultsAddDimLabels(BallastResults r, const char *dim, const char *coord, PetscInt n, const char *const *labels, const char *long_name);
/* A dimension whose coordinate variable holds numbers (units e.g. "years", "days"). */
PetscErrorCode BallastResultsAddDimValues(BallastResults r, const char *dim, const char *coord, PetscInt n, const double *values, const char *long_name, const char *units);
/* Whether a dimension named `dim` was added (Not collective): modules that share a dimension
 * (e.g. `action`) add it only if absent. */
PetscErrorCode BallastResultsHasDim(BallastResults r, const char *dim, PetscBool *has);
/* A double variable over 0..4 named dimensions (row-major, last dimension fastest). */
PetscErrorCode BallastResultsAddVar(BallastResults r, const char *name, PetscInt ndims, const char *const *dims, const double *data, const char *long_name, const char *units);
/* A 64-bit integer variable. */
PetscErrorCode BallastResultsAddVarInt(BallastResults r, const char *name, PetscInt ndims, const char *const *dims, const int64_t *data, const char *long_name, const char *units);
/* A text variable over one dimension (e.g. a convergence reason per segment). */
PetscErrorCode BallastResultsAddVarText(BallastResults r, const char *name, const char *dim, const char *const *text, const char *long_name);
PetscErrorCode BallastResultsAddAttr(BallastResults r, const char *name, const char *value);
PetscErrorCode BallastResultsAddAttrDouble(BallastResults r, const char *name, double value);
/* An integer global attribute (written as NC_INT: e.g. mpi_ranks). */
PetscErrorCode BallastResultsAddAttrInt(BallastResults r, const char *name, int64_t value);
/* Every dimension is written with a coordinate variable named like it (string labels or numbers)
 * beside the named one (`scenario_name`, `currency_code`, ...); units "days" are written "day" and
 * the per-currency amount units "local_currency" (docs/decisions.md "Units in alm.nc").
 * Collective: rank 0 writes `path` (via a temporary name in the same directory, renamed when
 * complete); every rank returns the same status (BALLAST_ERR_IO on failure). */
PetscErrorCode BallastResultsWrite(MPI_Comm comm, BallastResults r, const char *path);

#endif
