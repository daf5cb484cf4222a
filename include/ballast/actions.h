/* Management actions as sources of the projection driver (issue 11 items 1, 2; docs/planning.md
 * "Evaluation"). Every (contract, variant) the driver projects carries an action slot and a weight
 * (BallastProjContract.action, .weight): consumers accumulate per (action, portfolio, ...) and
 * multiply what they add by the weight. The base pass projects the balance sheet as action 0
 * (`none`, weight +1); each action a > 0 starts from action 0's per-portfolio partials (each
 * consumer folds slot 0 into slot a on every rank before its merge: partials are per portfolio and
 * owner-only, so the fold is local and rank-independent) and the action pass projects only what
 * the action changes:
 *   - a scaled contract: the old version with weight -1, the scaled one (every amount x factor)
 *     with weight +1;
 *   - a removed contract: the old version with weight -1;
 *   - an added contract (files; instruments priced at par): weight +1, projected by the rank that
 *     owns its portfolio; a portfolio the balance sheet does not have is appended to the run's
 *     portfolio list (in the order the actions name them) and owned by rank 0.
 * Components of an action (planning.h `flat`: included actions first, itself last) apply in order
 * to the current version of a contract: scale then remove = removed, two scales multiply. */
#ifndef BALLAST_ACTIONS_H
#define BALLAST_ACTIONS_H

#include <ballast/planning.h>
#include <ballast/projection.h>

typedef struct {
  int32_t  store;   /* -1: the balance sheet; k >= 0: added store k */
  PetscInt row;     /* row in that store */
  int32_t  action;  /* slot 1 .. nact-1 */
  int32_t  p;       /* global portfolio index */
  double   weight;  /* +1 or -1 */
  double   factor;  /* amounts x factor (1 = as loaded) */
} BallastActionItem;

typedef struct {
  PetscInt           nact;      /* 1 + configured actions */
  const char       **names;     /* [nact]: "none", then the configured order */
  BallastContracts   cs;        /* the balance sheet (borrowed) */
  const char *const *files;     /* its files (messages) */
  PetscInt           nstore;    /* added stores: one per (action, file) and one per action with instruments */
  BallastContracts  *store;     /* owned; every rank holds every added contract (few) */
  char             **store_file;/* file of each added store (messages) */
  PetscInt           n;         /* items this rank projects */
  BallastActionItem *item;
  BallastAlm         alm;       /* scratch: the current item's (scaled) ALM attributes */
  int64_t            touched;   /* over all ranks: contracts scaled or removed (counted once per action) */
  int64_t            added;     /* over all ranks: contracts added */
} BallastActionSet;

/* Collective. Builds the items of every action of pl on this rank from the balance sheet cs (filters
 * resolved by BallastPlanningValidate) and the added stores (every added contract file of action a
 * loaded on every rank: added[k] with action index added_action[k] (0-based configured index) and
 * its file name; the stores are taken over and destroyed by BallastActionSetDestroy). Added
 * contracts' portfolios are mapped by name to cs's (new names appended to cs's portfolio list,
 * owner rank 0), their segment and entity ids re-interned into cs's local tables. */
PetscErrorCode BallastActionSetCreate(MPI_Comm comm, const BallastPlanning *pl, BallastContracts cs, const char *const *files, PetscInt nadded, BallastContracts *added,
                                      const PetscInt *added_action, char **added_file, BallastActionSet *as);
PetscErrorCode BallastActionSetDestroy(BallastActionSet *as);
/* The action pass as a driver source (items in order). Not collective. */
void BallastActionSourceInit(BallastActionSet *as, BallastSource *src);

#endif
