#include <ballast/commands.h>
char BallastCommandLine[4096];
PetscErrorCode BallastCmdRun(int argc, char **argv) { (void)argc; (void)argv; SETERRQ(PETSC_COMM_WORLD, PETSC_ERR_SUP, "not yet"); }
PetscErrorCode BallastCmdValidate(int argc, char **argv) { (void)argc; (void)argv; SETERRQ(PETSC_COMM_WORLD, PETSC_ERR_SUP, "not yet"); }
/* `ballast events CONFIG --contract ID`: provided by the run module (config + loader). */
PetscErrorCode BallastEventsFromConfig(int argc, char **argv);
PetscErrorCode BallastEventsFromConfig(int argc, char **argv) { (void)argc; (void)argv; SETERRQ(PETSC_COMM_WORLD, PETSC_ERR_SUP, "not yet"); }
