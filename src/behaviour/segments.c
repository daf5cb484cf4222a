/* Behaviour segments and histories as plain data (include/ballast/behaviour.h): model and
 * category names, the owner rank of a calibrated segment, lookup by name, history storage. Used
 * by the calibration, the configuration loader and the generator alike. */
#include <ballast/behaviour.h>
#include <string.h>

static const char *model_names[] = {"prepayment", "deposit", "early_redemption", NULL};
static const char *nmd_names[]   = {"retail_transactional", "retail_non_transactional", "wholesale", NULL};

const char *BallastBehModelName(BallastBehModel m) { return m >= 0 && m < BALLAST_BEH_NMODELS ? model_names[m] : NULL; }
const char *BallastNMDCategoryName(BallastNMDCategory c) { return c >= 0 && c < BALLAST_NMD_NCAT ? nmd_names[c] : NULL; }

PetscMPIInt BallastBehaviourOwner(const BallastBehaviour *b, PetscInt i, PetscMPIInt size)
{
  const BallastBehSegment *s = &b->seg[i];
  if (!s->history_path) return -1;
  PetscInt k = 0, K = 0;
  for (PetscInt j = 0; j < b->nseg; j++)
    if (b->seg[j].model == s->model && b->seg[j].history_path) {
      if (j < i) k++;
      K++;
    }
  return (PetscMPIInt)((k * (PetscInt)size) / K);
}

PetscInt BallastBehaviourFind(const BallastBehaviour *b, const char *name)
{
  for (PetscInt i = 0; i < b->nseg; i++)
    if (!strcmp(b->seg[i].name, name)) return i;
  return -1;
}

PetscErrorCode BallastBehHistoryAlloc(BallastBehModel model, PetscInt n, PetscInt ntenor, BallastBehHistory *h)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(h, sizeof *h));
  h->n      = n;
  h->ntenor = ntenor;
  /* one element more than needed: every pointer is non-NULL even for an empty history, so that
   * BallastBehHistoryFree finds the group it must free (PETSc returns NULL for 0 elements) */
  PetscCall(PetscCalloc1(n + 1, &h->date));
  if (model == BALLAST_BEH_PREPAYMENT) PetscCall(PetscCalloc3(n + 1, &h->contract_rate, n + 1, &h->market_rate, n + 1, &h->cpr));
  if (model == BALLAST_BEH_DEPOSIT) PetscCall(PetscCalloc3(n * ntenor + 1, &h->market, n + 1, &h->deposit_rate, n + 1, &h->balance));
  if (model == BALLAST_BEH_EARLY_REDEMPTION) PetscCall(PetscCalloc3(n + 1, &h->balance, n + 1, &h->redeemed, 1, &h->market));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastBehHistoryFree(BallastBehHistory *h)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(h->date));
  if (h->contract_rate) PetscCall(PetscFree3(h->contract_rate, h->market_rate, h->cpr));
  else if (h->deposit_rate) PetscCall(PetscFree3(h->market, h->deposit_rate, h->balance));
  else if (h->redeemed) PetscCall(PetscFree3(h->balance, h->redeemed, h->market));
  PetscCall(PetscMemzero(h, sizeof *h));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastBehaviourDestroy(BallastBehaviour *b)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; b->seg && i < b->nseg; i++) {
    PetscCall(PetscFree(b->seg[i].history_path));
    if (b->seg[i].hist) {
      PetscCall(BallastBehHistoryFree(b->seg[i].hist));
      PetscCall(PetscFree(b->seg[i].hist));
    }
  }
  PetscCall(PetscFree(b->seg));
  PetscCall(PetscFree(b->file));
  PetscCall(PetscMemzero(b, sizeof *b));
  PetscFunctionReturn(0);
}
