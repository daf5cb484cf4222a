#include <ballast/commands.h>
char BallastCommandLine[4096];
PetscErrorCode BallastCmdRun(int argc, char **argv) { (void)argc; (void)argv; SETERRQ(PETSC_COMM_WORLD, PETSC_ERR_SUP, "not yet"); }
PetscErrorCode BallastCmdValidate(int argc, char **argv) { (void)argc; (void)argv; SETERRQ(PETSC_COMM_WORLD, PETSC_ERR_SUP, "not yet"); }
