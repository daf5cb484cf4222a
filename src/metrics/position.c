/* Position detail as a consumer (include/ballast/irrbb.h): each contract's value under each
 * scenario, as the driver computed it, kept per local contract for contracts.nc. */
#include <ballast/irrbb.h>

PetscErrorCode BallastPositionsCreate(PetscInt nscen, PetscInt ncontracts, BallastPositions *p)
{
  PetscFunctionBeginUser;
  p->nscen      = nscen;
  p->ncontracts = ncontracts;
  PetscCall(PetscCalloc1(nscen * ncontracts + 1, &p->pv));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastPositionsDestroy(BallastPositions *p)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(p->pv));
  PetscFunctionReturn(0);
}

static unsigned pos_subscribe(void *ctx, PetscInt v) { return v < ((BallastPositions *)ctx)->nscen ? BALLAST_TAKE_VALUE : 0; }

static PetscErrorCode pos_end(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastPositions *p = (BallastPositions *)ctx;
  PetscFunctionBeginUser;
  if (pc->action != 0) PetscFunctionReturn(0); /* per-contract detail of the balance sheet as loaded */
  PetscCheck(pc->index >= 0 && pc->index < p->ncontracts, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "position detail: contract index %" PetscInt_FMT " out of range", pc->index);
  p->pv[var->v * p->ncontracts + pc->index] = var->pv;
  PetscFunctionReturn(0);
}

void BallastPositionsConsumer(BallastPositions *p, BallastConsumer *c)
{
  *c = (BallastConsumer){"position_detail", p, pos_subscribe, NULL, NULL, pos_end, NULL};
}
