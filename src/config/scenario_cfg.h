/* User scenarios of the run configuration (the optional `user_scenarios` list), parsed into
 * BallastScenarioDef. Private to src/config: the only header outside libconfig's own that takes
 * a config_setting_t. Format (config/regimes/README.md, "User scenarios"):
 *
 *   user_scenarios = (
 *     { name = "up50";   type = "parallel";     shift_bp = 50.0; },
 *     { name = "twist";  type = "tenor_shifts"; tenors = ["1Y", "5Y", "10Y"]; shifts_bp = [25.0, 0.0, -25.0]; },
 *     { name = "custom"; type = "curves";       file = "stress-curves.csv"; }
 *   );
 *
 * Optional in every entry: floor = true (apply the regime's post-shock lower bound; default
 * false), prepayment_scalar, term_deposit_scalar (behavioural scalars, default 1). */
#ifndef BALLAST_SCENARIO_CFG_H
#define BALLAST_SCENARIO_CFG_H

#include <ballast/scenario.h>
#include <libconfig.h>

/* Parse the `user_scenarios` list `list` (NULL = none: *n = 0, *defs = NULL) of configuration
 * file `file` (for messages); relative `file = ...` paths of curve scenarios are resolved against
 * `dir` (the configuration file's directory). On success *defs holds *n definitions (free with
 * BallastScenarioDefsDestroy(*n, defs)); on error (BALLAST_ERR_USAGE, "file:line: ...") *n and
 * *defs hold what was parsed so far, to be freed the same way. Names must be unique and must not
 * be "base" or a regulatory scenario name. Curve scenarios get curves_file set and curves NULL:
 * the caller loads the CSV into def->curves (PetscNew + the market data loader).
 * Not collective by itself; every rank calls it on the same bytes, so all fail together. */
PetscErrorCode BallastScenarioDefsParse(MPI_Comm comm, const char *file, const char *dir, config_setting_t *list, PetscInt *n, BallastScenarioDef **defs);

#endif
