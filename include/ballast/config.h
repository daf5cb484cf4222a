/* The run configuration (libconfig), keys of ../shared/spec/interfaces.md, documented key by key
 * in config/example.cfg. Rank 0 reads the file and broadcasts the bytes; every rank parses the
 * same bytes, so all ranks accept or reject it together. Relative paths are resolved against
 * the configuration file's directory. Unknown keys and wrong types are errors naming file and
 * line (exit status 2). */
#ifndef BALLAST_CONFIG_H
#define BALLAST_CONFIG_H

#include <ballast/ballast.h>
#include <ballast/behaviour.h>
#include <ballast/date.h>
#include <ballast/planning.h>
#include <ballast/regime.h>

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
  /* planning keys (actions, new_business, limits, nii.margins, nii.reserves_rate): plain data,
   * checked against the balance sheet by BallastPlanningValidate (include/ballast/planning.h) */
  BallastPlanning planning;
  /* names of the configured behaviour segments (behaviour.segments[*].name, checked in full by
   * BallastBehaviourLoad): a contract's behaviourSegment must be one of them */
  PetscInt nsegment_names;
  char   **segment_names;
  /* the parsed libconfig document: private to src/config (BallastBehaviourLoad reads its
   * `behaviour` section); the numerical core never sees a BallastConfig */
  void *doc;
  /* run.max_events_per_contract: the bound on a contract's schedule (default 100000; a contract
   * whose estimated events exceed it is an input error, BallastRunSetup) */
  int64_t max_events_per_contract;
  /* input.contracts named a contract store (docs/store.md): its path, and the SHA-256 of each
   * original CSV file it carries (contract_files then lists those CSV files, for messages and
   * provenance); NULL for a CSV input */
  char  *contracts_store;
  char **contract_sha;
} BallastConfig;

/* Collective. Loads and checks `path`; on error returns BALLAST_ERR_USAGE (or BALLAST_ERR_IO when
 * unreadable) with a message "file:line: ...". */
PetscErrorCode BallastConfigLoad(MPI_Comm comm, const char *path, BallastConfig *cfg);
PetscErrorCode BallastConfigDestroy(BallastConfig *cfg);
/* Discount curve configured for a currency code, NULL if none. Not collective. */
const char *BallastConfigDiscountCurve(const BallastConfig *cfg, const char *ccy);

/* ---- loaders of the numerical core's plain structs from configuration (src/config) */
/* Collective. Parses the `behaviour` section of the run configuration (absent = no segment) and the
 * regime's `nmd` caps (`regime` may be NULL when no segment is a deposit segment), assigns the
 * calibrated segments to ranks (BallastBehaviourOwner) and reads each history on its owner rank.
 * Configuration errors: BALLAST_ERR_USAGE "file:line: ..."; history file errors: BALLAST_ERR_INPUT
 * "file:line: ..." (every rank returns the same code). */
PetscErrorCode BallastBehaviourLoad(MPI_Comm comm, const BallastConfig *cfg, const BallastRegime *regime, BallastBehaviour *b);
/* Collective. The regime's `nmd` section (BALLAST_ERR_USAGE "file:line: ..." when absent or bad). */
PetscErrorCode BallastNMDCapsLoad(MPI_Comm comm, const BallastRegime *regime, BallastNMDCaps *caps);

#endif
