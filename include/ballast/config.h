/* The run configuration (libconfig), keys of ../shared/spec/interfaces.md, documented key by key
 * in config/example.cfg. Rank 0 reads the file and broadcasts the bytes; every rank parses the
 * same bytes, so all ranks accept or reject it together. Relative paths are resolved against
 * the configuration file's directory. Unknown keys and wrong types are errors naming file and
 * line (exit status 2). */
#ifndef BALLAST_CONFIG_H
#define BALLAST_CONFIG_H

#include <ballast/ballast.h>
#include <ballast/date.h>

typedef struct {
  char  *path;          /* as given */
  char  *dir;           /* directory of the file: base of relative paths */
  char   sha256[65];    /* of the bytes parsed */
  /* run */
  char       *name, *reporting_currency, *group;
  BallastDate as_of;
  /* input (resolved paths) */
  PetscInt ncontract_files;
  char   **contract_files;
  char    *curves, *fx;
  /* output */
  char *output_dir;
  /* regime file (resolved), NULL when not configured */
  char *regime;
  /* scenarios named by the run, in output order; "base" is always first (added if absent) */
  PetscInt nscenarios;
  char   **scenarios;
  /* discount curve per currency */
  PetscInt ndiscount;
  char   **discount_ccy, **discount_curve;
  /* capital (reporting currency) */
  double tier1, tier2;
  /* NII */
  PetscInt nii_horizon_months;
  /* user scenarios (config key user_scenarios), BallastScenarioDef[nuser] (include/ballast/scenario.h) */
  PetscInt nuser;
  void    *user;
  /* the parsed libconfig document, for modules that read their own sections (src/config only) */
  void *doc;
} BallastConfig;

/* Collective. Loads and checks `path`; on error returns BALLAST_ERR_USAGE (or BALLAST_ERR_IO when
 * unreadable) with a message "file:line: ...". */
PetscErrorCode BallastConfigLoad(MPI_Comm comm, const char *path, BallastConfig *cfg);
PetscErrorCode BallastConfigDestroy(BallastConfig *cfg);
/* Discount curve configured for a currency code, NULL if none. Not collective. */
const char *BallastConfigDiscountCurve(const BallastConfig *cfg, const char *ccy);

#endif
