/* Parsers of the regime sections that belong to other modules' parameters (private to
 * src/config). BallastRegimeLoad runs them on the regime's document at load time, so the regime
 * is plain data afterwards (BallastRegime.liquidity, BallastRegime.nmd); their errors are kept
 * with the regime and returned, unchanged, by the loader that needs the section
 * (BallastLiquidityParamsLoad, BallastNMDCapsLoad), as before the document was dropped. */
#ifndef BALLAST_REGIME_SECTIONS_H
#define BALLAST_REGIME_SECTIONS_H

#include <ballast/behaviour.h>
#include <ballast/liquidity.h>
#include <libconfig.h>

/* Sections lcr, nsfr, liquidity (src/config/liquidity_cfg.c). Errors BALLAST_ERR_USAGE "file:line: ...". */
PetscErrorCode BallastCfgLiquidityParse(MPI_Comm comm, const char *file, config_setting_t *root, BallastLiquidityParams *lp);
/* Section nmd (src/config/behaviour_cfg.c). Errors BALLAST_ERR_USAGE "file:line: ...". */
PetscErrorCode BallastCfgNMDCapsParse(MPI_Comm comm, const char *file, config_setting_t *root, BallastNMDCaps *caps);

#endif
