/* Management actions as a source of the projection driver (include/ballast/actions.h). */
#include <ballast/actions.h>
#include <string.h>

/* Global portfolio index of name in cs, appending it (owner rank 0, no contracts of the balance
 * sheet) when the balance sheet does not have it. Every rank appends the same names in the same
 * order, so the index is the same everywhere. */
static PetscErrorCode portfolio_index(BallastContracts cs, const char *name, int32_t *p)
{
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < cs->nportfolios; k++)
    if (!strcmp(cs->portfolio_names[k], name)) {
      *p = (int32_t)k;
      PetscFunctionReturn(0);
    }
  PetscInt n = cs->nportfolios;
  char   **names;
  int64_t *count;
  int     *owner;
  PetscCall(PetscMalloc1(n + 1, &names));
  PetscCall(PetscMalloc2(n + 1, &count, n + 1, &owner));
  for (PetscInt k = 0; k < n; k++) {
    names[k] = cs->portfolio_names[k];
    count[k] = cs->portfolio_count[k];
    owner[k] = cs->portfolio_owner[k];
  }
  PetscCall(PetscStrallocpy(name, &names[n]));
  count[n] = 0;
  owner[n] = 0;
  PetscCall(PetscFree(cs->portfolio_names));
  PetscCall(PetscFree2(cs->portfolio_count, cs->portfolio_owner));
  cs->portfolio_names = names;
  cs->portfolio_count = count;
  cs->portfolio_owner = owner;
  cs->nportfolios     = n + 1;
  *p                  = (int32_t)n;
  PetscFunctionReturn(0);
}

static PetscErrorCode push(BallastActionSet *as, PetscInt *cap, BallastActionItem it)
{
  PetscFunctionBeginUser;
  if (as->n == *cap) {
    BallastActionItem *n;
    *cap = *cap ? 2 * *cap : 64;
    PetscCall(PetscMalloc1(*cap, &n));
    if (as->n) PetscCall(PetscArraycpy(n, as->item, as->n));
    PetscCall(PetscFree(as->item));
    as->item = n;
  }
  as->item[as->n++] = it;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastActionSetCreate(MPI_Comm comm, const BallastPlanning *pl, BallastContracts cs, const char *const *files, PetscInt nadded, BallastContracts *added,
                                      const PetscInt *added_action, char **added_file, BallastActionSet *as)
{
  PetscMPIInt rank;
  PetscInt    cap = 0;
  double     *factor;
  int64_t     touched = 0, nadd = 0;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscMemzero(as, sizeof *as));
  as->nact   = 1 + pl->nactions;
  as->cs     = cs;
  as->files  = files;
  as->nstore = nadded;
  as->store  = added;
  as->store_file = added_file;
  PetscCall(PetscMalloc1(as->nact, &as->names));
  as->names[0] = "none";
  for (PetscInt a = 0; a < pl->nactions; a++) as->names[a + 1] = pl->actions[a].name;
  /* added stores: portfolios by name (new ones appended in store order: actions in configured
   * order, files in order, rows in (portfolio, file, line) order), local ids re-interned */
  if (!cs->segments) PetscCheck(BallastNamesCreate(&cs->segments) == 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  if (!cs->entities) PetscCheck(BallastNamesCreate(&cs->entities) == 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  for (PetscInt k = 0; k < nadded; k++) {
    BallastContracts ad = added[k];
    int32_t         *pmap;
    PetscCall(PetscMalloc1(ad->nportfolios + 1, &pmap));
    for (PetscInt q = 0; q < ad->nportfolios; q++) PetscCall(portfolio_index(cs, ad->portfolio_names[q], &pmap[q]));
    for (PetscInt i = 0; i < ad->n; i++) {
      BallastAlm *al = &ad->alm[i];
      al->portfolio  = pmap[al->portfolio];
      if (al->behaviourSegment >= 0) al->behaviourSegment = BallastNamesIntern(cs->segments, BallastNamesGet(ad->segments, al->behaviourSegment));
      if (al->legalEntity >= 0) al->legalEntity = BallastNamesIntern(cs->entities, BallastNamesGet(ad->entities, al->legalEntity));
    }
    PetscCall(PetscFree(pmap));
  }
  /* per action: the balance sheet's touched rows in store order, then the added rows */
  PetscCall(PetscMalloc1(cs->n + 1, &factor));
  for (PetscInt a = 0; a < pl->nactions; a++) {
    const BallastAction *act = &pl->actions[a];
    for (PetscInt i = 0; i < cs->n; i++) factor[i] = 1.0;
    PetscBool any = PETSC_FALSE;
    for (PetscInt f = 0; f < act->nflat; f++) {
      const BallastAction *c = &pl->actions[act->flat[f]];
      for (PetscInt k = 0; k < c->nscale; k++)
        for (PetscInt i = 0; i < cs->n; i++)
          if (BallastFilterMatch(&c->scale[k].filter, cs, i)) {
            factor[i] *= c->scale[k].factor; /* a removed contract stays removed (0 * f = 0) */
            any = PETSC_TRUE;
          }
      for (PetscInt k = 0; k < c->nremove; k++)
        for (PetscInt i = 0; i < cs->n; i++)
          if (BallastFilterMatch(&c->remove[k], cs, i)) {
            factor[i] = -1.0; /* marker: removed (below, with a scale after it: still removed) */
            any       = PETSC_TRUE;
          }
      /* a scale after a removal leaves it removed: -1 * f < 0 for f > 0, 0 for f = 0 (both "gone") */
    }
    for (PetscInt i = 0; any && i < cs->n; i++) {
      double f = factor[i];
      if (f == 1.0) continue;
      BallastActionItem it = {-1, i, (int32_t)(a + 1), cs->alm[i].portfolio, -1.0, 1.0};
      PetscCall(push(as, &cap, it));
      touched++;
      if (f > 0.0) {
        it.weight = 1.0;
        it.factor = f;
        PetscCall(push(as, &cap, it));
      }
    }
    /* added contracts of the action's components, in component order */
    for (PetscInt f = 0; f < act->nflat; f++)
      for (PetscInt k = 0; k < nadded; k++) {
        if (added_action[k] != act->flat[f]) continue;
        BallastContracts ad = added[k];
        for (PetscInt i = 0; i < ad->n; i++) {
          int32_t p = ad->alm[i].portfolio;
          if (cs->portfolio_owner[p] != rank) continue;
          BallastActionItem it = {(int32_t)k, i, (int32_t)(a + 1), p, 1.0, 1.0};
          PetscCall(push(as, &cap, it));
          nadd++;
        }
      }
  }
  PetscCall(PetscFree(factor));
  int64_t loc[2] = {touched, nadd}, glob[2];
  PetscCallMPI(MPI_Allreduce(loc, glob, 2, MPI_INT64_T, MPI_SUM, comm));
  as->touched = glob[0];
  as->added   = glob[1];
  PetscFunctionReturn(0);
}

PetscErrorCode BallastActionSetDestroy(BallastActionSet *as)
{
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < as->nstore; k++) PetscCall(BallastContractsDestroy(&as->store[k]));
  PetscCall(PetscFree(as->store));
  PetscCall(PetscFree(as->store_file));
  PetscCall(PetscFree(as->item));
  PetscCall(PetscFree(as->names));
  PetscCall(PetscMemzero(as, sizeof *as));
  PetscFunctionReturn(0);
}

static PetscInt act_count(void *ctx) { return ((BallastActionSet *)ctx)->n; }

/* Scaling multiplies every amount of the contract (metrics.md "Management actions"): notional,
 * accrued interest, next principal payment, the base of interest calculation, premium/discount,
 * the second leg's notional, the undrawn commitment; rates, dates and cycles stay. */
static void scale_terms(BallastTerms *t, BallastAlm *a, double f)
{
  t->notionalPrincipal *= f;
  t->notionalPrincipal2 *= f;
  t->accruedInterest *= f;
  t->nextPrincipalRedemptionPayment *= f;
  t->interestCalculationBaseAmount *= f;
  t->premiumDiscountAtIED *= f;
  a->undrawnCommitment *= f;
}

static PetscErrorCode act_get(void *ctx, PetscInt k, BallastProjContract *pc)
{
  BallastActionSet        *as = (BallastActionSet *)ctx;
  const BallastActionItem *it;
  BallastContracts         cs;
  PetscFunctionBeginUser;
  PetscCheck(k >= 0 && k < as->n, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "action item %" PetscInt_FMT " out of range", k);
  it = &as->item[k];
  cs = it->store < 0 ? as->cs : as->store[it->store];
  pc->index = it->row;
  pc->id    = BallastContractsID(cs, it->row);
  pc->file  = it->store < 0 ? (as->files ? as->files[cs->file[it->row]] : NULL) : as->store_file[it->store];
  pc->line  = cs->line[it->row];
  BallastContractsGetTerms(cs, it->row, &pc->t);
  as->alm = cs->alm[it->row];
  if (it->factor != 1.0) scale_terms(&pc->t, &as->alm, it->factor);
  pc->alm    = &as->alm;
  pc->p      = it->p;
  pc->c      = cs->currency[it->row];
  pc->action = it->action;
  pc->weight = it->weight;
  PetscFunctionReturn(0);
}

void BallastActionSourceInit(BallastActionSet *as, BallastSource *src)
{
  src->name  = "actions";
  src->ctx   = as;
  src->count = act_count;
  src->get   = act_get;
  src->variant = NULL; /* the same terms under every variant */
}
