#include <ballast/commands.h>
PetscErrorCode BallastCmdEvents(int argc, char **argv) { (void)argc; (void)argv; SETERRQ(PETSC_COMM_WORLD, PETSC_ERR_SUP, "not yet"); }
