/* Parser of the planning keys (src/config/planning_cfg.c), private to src/config. */
#ifndef BALLAST_PLANNING_CFG_H
#define BALLAST_PLANNING_CFG_H

#include <ballast/planning.h>
#include <libconfig.h>

/* Parses `actions`, `new_business`, `limits`, `nii.margins` and `nii.reserves_rate` of the
 * configuration's root group into *p (zeroed first; free with BallastPlanningDestroy, also after
 * an error). Relative `add` paths resolve against dir. Errors: BALLAST_ERR_USAGE "file:line: ...".
 * Not collective by itself; every rank parses the same bytes, so all fail together. */
PetscErrorCode BallastPlanningParse(MPI_Comm comm, const char *file, const char *dir, BallastDate as_of, config_setting_t *root, BallastPlanning *p);

#endif
