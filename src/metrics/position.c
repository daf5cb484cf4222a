/* Position detail as a consumer (include/ballast/irrbb.h): each contract's value under each
 * scenario, as the driver computed it, kept per local contract for contracts.nc. */
#include <ballast/irrbb.h>
#include <ballast/checkpoint.h>

PetscErrorCode BallastPositionsCreate(PetscInt nscen, PetscInt ncontracts, BallastPositions *p)
{
  PetscFunctionBeginUser;
  p->nscen      = nscen;
  p->ncontracts = ncontracts;
  p->cs         = NULL;
  p->row0       = NULL;
  p->nrow       = NULL;
  PetscCall(PetscCalloc1(nscen * ncontracts + 1, &p->pv));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastPositionsDestroy(BallastPositions *p)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(p->pv));
  PetscCall(PetscFree2(p->row0, p->nrow));
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

/* Checkpoint: the values of portfolio q's local rows (store order: a portfolio's rows are
 * contiguous), every scenario. */
static PetscErrorCode pos_rows(BallastPositions *p)
{
  BallastContracts cs = p->cs;
  PetscFunctionBeginUser;
  PetscCheck(cs, PETSC_COMM_SELF, PETSC_ERR_ORDER, "position detail: checkpoint without the store (BallastPositions.cs)");
  if (p->row0) PetscFunctionReturn(0);
  PetscCall(PetscCalloc2(cs->nportfolios + 1, &p->row0, cs->nportfolios + 1, &p->nrow));
  for (PetscInt i = cs->n - 1; i >= 0; i--) {
    PetscInt q = cs->alm[i].portfolio;
    if (q < 0 || q >= cs->nportfolios) continue;
    p->row0[q] = i;
    p->nrow[q]++;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode pos_pack(void *ctx, PetscInt q, void *buf, size_t *size)
{
  BallastPositions *p = (BallastPositions *)ctx;
  PetscFunctionBeginUser;
  *size = 0;
  if (q < 0) PetscFunctionReturn(0);
  PetscCall(pos_rows(p));
  PetscInt n = q < p->cs->nportfolios ? p->nrow[q] : 0;
  *size      = sizeof(double) * (size_t)(p->nscen * n);
  if (!buf || !n) PetscFunctionReturn(0);
  unsigned char *cur = (unsigned char *)buf;
  BallastPackDoubles(&cur, p->pv + p->row0[q], p->nscen, p->ncontracts, n);
  PetscFunctionReturn(0);
}

static PetscErrorCode pos_unpack(void *ctx, PetscInt q, const void *buf, size_t size)
{
  BallastPositions *p = (BallastPositions *)ctx;
  size_t            want;
  PetscFunctionBeginUser;
  PetscCall(pos_pack(ctx, q, NULL, &want));
  PetscCheck(size == want, PETSC_COMM_SELF, BALLAST_ERR_IO, "position_detail: %zu bytes for portfolio %" PetscInt_FMT ", expected %zu", size, q, want);
  if (q < 0 || !want) PetscFunctionReturn(0);
  const unsigned char *cur = (const unsigned char *)buf;
  BallastUnpackDoubles(&cur, p->pv + p->row0[q], p->nscen, p->ncontracts, p->nrow[q]);
  PetscFunctionReturn(0);
}

void BallastPositionsConsumer(BallastPositions *p, BallastConsumer *c)
{
  *c        = (BallastConsumer){.name = "position_detail", .ctx = p, .subscribe = pos_subscribe, .begin = NULL, .event = NULL, .end = pos_end, .merge = NULL};
  c->pack   = pos_pack;
  c->unpack = pos_unpack;
}
