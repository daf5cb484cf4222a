/* EVE as a consumer (include/ballast/irrbb.h): the value of every contract under every variant,
 * which the driver computes on the contract's discount curve (exact time), summed per portfolio
 * and currency; and for the scenarios the cash flows per regime bucket, for standardised EVE
 * (src/metrics/irrbb_group.c discounts them at the bucket midpoints). */
#include <ballast/irrbb.h>
#include "reduce.h"
#include <ballast/checkpoint.h>

PetscInt BallastIRRBBBucket(const BallastIRRBBSetup *s, double t)
{
  /* few buckets: a linear scan is cheaper than a search and branch-predictable */
  for (PetscInt k = 0; k < s->nbucket - 1; k++)
    if (t <= s->bucket_hi[k]) return k;
  return s->nbucket - 1;
}

PetscErrorCode BallastEVECreate(const BallastIRRBBSetup *s, BallastEVE *e)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(e, sizeof *e));
  e->s = *s;
  PetscInt NP = BallastIRRBBNAct(s) * s->nport;
  PetscCall(PetscCalloc1(s->nvar * NP * s->nccy + 1, &e->eve));
  PetscCall(PetscCalloc1(s->nscen * NP * s->nccy * s->nbucket + 1, &e->evecf));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastEVEDestroy(BallastEVE *e)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(e->eve));
  PetscCall(PetscFree(e->evecf));
  PetscFunctionReturn(0);
}

/* every variant: its value; the scenarios: their events too */
static unsigned eve_subscribe(void *ctx, PetscInt v)
{
  BallastEVE *e = (BallastEVE *)ctx;
  return v < e->s.nscen ? BALLAST_TAKE_VALUE | BALLAST_TAKE_EVENTS : BALLAST_TAKE_VALUE;
}

static PetscErrorCode eve_begin(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastEVE              *e = (BallastEVE *)ctx;
  const BallastIRRBBSetup *s = &e->s;
  PetscInt                 NP = BallastIRRBBNAct(s) * s->nport;
  e->cf                      = var->scenario ? &e->evecf[((var->v * NP + BallastIRRBBRow(s, pc)) * s->nccy + pc->c) * s->nbucket] : NULL;
  e->w                       = pc->weight;
  /* cash at face value: a flow at t = 0 */
  if (e->cf && var->has_spot) e->cf[0] += e->w * var->spot;
  return 0;
}

static void eve_event(void *ctx, const BallastEvent *ev, int label)
{
  BallastEVE *e = (BallastEVE *)ctx;
  (void)label;
  if (ev->date <= e->s.as_of || ev->payoff == 0.0) return;
  e->cf[BallastIRRBBBucketDay(&e->s, ev->date - e->s.as_of)] += e->w * ev->payoff;
}

static PetscErrorCode eve_end(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastEVE              *e = (BallastEVE *)ctx;
  const BallastIRRBBSetup *s = &e->s;
  e->eve[(var->v * BallastIRRBBNAct(s) * s->nport + BallastIRRBBRow(s, pc)) * s->nccy + pc->c] += pc->weight * var->pv;
  return 0;
}

static PetscErrorCode eve_merge(void *ctx, MPI_Comm comm)
{
  BallastEVE              *e = (BallastEVE *)ctx;
  const BallastIRRBBSetup *s = &e->s;
  PetscInt                 na = BallastIRRBBNAct(s), NP = na * s->nport;
  PetscFunctionBeginUser;
  BallastFoldActions(e->eve, s->nvar, na, s->nport * s->nccy);
  BallastFoldActions(e->evecf, s->nscen, na, s->nport * s->nccy * s->nbucket);
  PetscCall(BallastReducePartials(comm, s->nvar * NP * s->nccy, &e->eve));
  PetscCall(BallastReducePartials(comm, s->nscen * NP * s->nccy * s->nbucket, &e->evecf));
  PetscFunctionReturn(0);
}

/* Checkpoint: portfolio p's rows of eve [nvar][nact][nport][nccy] and evecf [nscen][nact][nport][nccy][nbucket]. */
static PetscErrorCode eve_pack(void *ctx, PetscInt p, void *buf, size_t *size)
{
  BallastEVE              *e = (BallastEVE *)ctx;
  const BallastIRRBBSetup *s = &e->s;
  PetscInt                 na = BallastIRRBBNAct(s), C = s->nccy, B = s->nbucket;
  PetscFunctionBeginUser;
  *size = p < 0 ? 0 : sizeof(double) * (size_t)(s->nvar * na * C + s->nscen * na * C * B);
  if (!buf || p < 0) PetscFunctionReturn(0);
  unsigned char *cur = (unsigned char *)buf;
  BallastPackDoubles(&cur, e->eve + p * C, s->nvar * na, s->nport * C, C);
  BallastPackDoubles(&cur, e->evecf + p * C * B, s->nscen * na, s->nport * C * B, C * B);
  PetscFunctionReturn(0);
}

static PetscErrorCode eve_unpack(void *ctx, PetscInt p, const void *buf, size_t size)
{
  BallastEVE              *e = (BallastEVE *)ctx;
  const BallastIRRBBSetup *s = &e->s;
  PetscInt                 na = BallastIRRBBNAct(s), C = s->nccy, B = s->nbucket;
  size_t                   want;
  PetscFunctionBeginUser;
  PetscCall(eve_pack(ctx, p, NULL, &want));
  PetscCheck(size == want, PETSC_COMM_SELF, BALLAST_ERR_IO, "eve: %zu bytes for portfolio %" PetscInt_FMT ", expected %zu", size, p, want);
  if (p < 0) PetscFunctionReturn(0);
  const unsigned char *cur = (const unsigned char *)buf;
  BallastUnpackDoubles(&cur, e->eve + p * C, s->nvar * na, s->nport * C, C);
  BallastUnpackDoubles(&cur, e->evecf + p * C * B, s->nscen * na, s->nport * C * B, C * B);
  PetscFunctionReturn(0);
}

void BallastEVEConsumer(BallastEVE *e, BallastConsumer *c)
{
  *c        = (BallastConsumer){.name = "eve", .ctx = e, .subscribe = eve_subscribe, .begin = eve_begin, .event = eve_event, .end = eve_end, .merge = eve_merge};
  c->pack   = eve_pack;
  c->unpack = eve_unpack;
}
