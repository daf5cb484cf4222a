/* The link check of the numerical core (CMakeLists.txt, ballast_numeric_linkcheck): linked with
 * every object of ballast_numeric and with ballast_core, PETSc, MPI and libm only, so any symbol
 * the numerical core takes from a file format (NetCDF, libconfig, jansson, the CSV readers, the
 * configuration loaders) is undefined and the build fails. Never run.
 *
 * The one outside interface the numerical core may use is the results container of
 * include/ballast/results.h: metrics add plain arrays to it, src/io writes it as NetCDF. Its
 * in-memory part is implemented in src/io/results_nc.c, so this file declares exactly those
 * functions for the link (an unexpected results.h function is an undefined symbol as well). */
#include <ballast/results.h>

#define NOT_HERE return PETSC_ERR_SUP

PetscErrorCode BallastResultsCreate(BallastResults *r) { (void)r; NOT_HERE; }
PetscErrorCode BallastResultsDestroy(BallastResults *r) { (void)r; NOT_HERE; }
PetscErrorCode BallastResultsAddDimLabels(BallastResults r, const char *dim, const char *coord, PetscInt n, const char *const *labels, const char *long_name)
{
  (void)r, (void)dim, (void)coord, (void)n, (void)labels, (void)long_name;
  NOT_HERE;
}
PetscErrorCode BallastResultsAddDimValues(BallastResults r, const char *dim, const char *coord, PetscInt n, const double *values, const char *long_name, const char *units)
{
  (void)r, (void)dim, (void)coord, (void)n, (void)values, (void)long_name, (void)units;
  NOT_HERE;
}
PetscErrorCode BallastResultsHasDim(BallastResults r, const char *dim, PetscBool *has)
{
  (void)r, (void)dim, (void)has;
  NOT_HERE;
}
PetscErrorCode BallastResultsAddVar(BallastResults r, const char *name, PetscInt ndims, const char *const *dims, const double *data, const char *long_name, const char *units)
{
  (void)r, (void)name, (void)ndims, (void)dims, (void)data, (void)long_name, (void)units;
  NOT_HERE;
}
PetscErrorCode BallastResultsAddVarInt(BallastResults r, const char *name, PetscInt ndims, const char *const *dims, const int64_t *data, const char *long_name, const char *units)
{
  (void)r, (void)name, (void)ndims, (void)dims, (void)data, (void)long_name, (void)units;
  NOT_HERE;
}
PetscErrorCode BallastResultsAddVarText(BallastResults r, const char *name, const char *dim, const char *const *text, const char *long_name)
{
  (void)r, (void)name, (void)dim, (void)text, (void)long_name;
  NOT_HERE;
}
PetscErrorCode BallastResultsAddAttr(BallastResults r, const char *name, const char *value)
{
  (void)r, (void)name, (void)value;
  NOT_HERE;
}
PetscErrorCode BallastResultsAddAttrDouble(BallastResults r, const char *name, double value)
{
  (void)r, (void)name, (void)value;
  NOT_HERE;
}

int main(void) { return 0; }
