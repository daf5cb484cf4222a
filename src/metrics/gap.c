/* The repricing gap as a consumer (include/ballast/irrbb.h, metrics.md): principal repricing per
 * regime bucket in the base scenario: a fixed-rate contract reprices as its principal is repaid,
 * a floating one entirely at its next reset; a swap leg by leg (the fixed leg at maturity, the
 * floating leg at its next reset; receive-fixed is long the fixed leg). */
#include <ballast/irrbb.h>
#include "reduce.h"
#include <ballast/checkpoint.h>
#include <math.h>

PetscErrorCode BallastGapCreate(const BallastIRRBBSetup *s, BallastGap *g)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(g, sizeof *g));
  g->s = *s;
  PetscCall(PetscCalloc1(BallastIRRBBNAct(s) * s->nport * s->nccy * s->nbucket + 1, &g->gap));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastGapDestroy(BallastGap *g)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(g->gap));
  PetscFunctionReturn(0);
}

static unsigned gap_subscribe(void *ctx, PetscInt v)
{
  (void)ctx;
  return v == 0 ? BALLAST_TAKE_VALUE | BALLAST_TAKE_EVENTS : 0;
}

static PetscErrorCode gap_begin(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastGap *g  = (BallastGap *)ctx;
  int         ct = (int)pc->t.contractType;
  (void)var;
  g->row           = (ct != BALLAST_CT_CSH && ct != BALLAST_CT_SWPPV) ? &g->gap[(BallastIRRBBRow(&g->s, pc) * g->s.nccy + pc->c) * g->s.nbucket] : NULL;
  g->w             = pc->weight;
  g->floating      = pc->t.marketObjectCodeOfRateReset >= 0;
  g->reset_seen    = 0;
  g->md_split      = ct != BALLAST_CT_SWPPV && ct != BALLAST_CT_FXOUT;
  g->last_notional = pc->sign * (isnan(pc->t.notionalPrincipal) ? 0.0 : pc->t.notionalPrincipal);
  /* cash and central-bank reserves reprice overnight (they earn nii.reserves_rate moved with the short end) */
  if (ct == BALLAST_CT_CSH) g->gap[(BallastIRRBBRow(&g->s, pc) * g->s.nccy + pc->c) * g->s.nbucket] += pc->weight * g->last_notional;
  return 0;
}

static void gap_event(void *ctx, const BallastEvent *ev, int label)
{
  BallastGap *g = (BallastGap *)ctx;
  (void)label;
  if (ev->day <= 0) {
    g->last_notional = ev->notional;
    return;
  }
  if (g->row && !g->reset_seen) {
    PetscInt days = ev->day;
    if (g->floating && (ev->type == BALLAST_EV_RR || ev->type == BALLAST_EV_RRF)) {
      g->row[BallastIRRBBBucketDay(&g->s, days)] += g->w * ev->notional; /* outstanding reprices at the reset */
      g->reset_seen = 1;
    } else if (BallastEventIsPrincipal(ev->type)) g->row[BallastIRRBBBucketDay(&g->s, days)] += g->w * ((ev->type == BALLAST_EV_MD && g->md_split) ? g->last_notional - ev->notional : ev->payoff);
  }
  g->last_notional = ev->notional;
}

static PetscErrorCode gap_end(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastGap              *g = (BallastGap *)ctx;
  const BallastIRRBBSetup *s = &g->s;
  const BallastTerms      *t = &pc->t;
  (void)var;
  if (t->contractType == BALLAST_CT_SWPPV && t->maturityDate > s->as_of) {
    double      sgn = (t->contractRole == BALLAST_ROLE_RFL || t->contractRole == BALLAST_ROLE_RF) ? 1.0 : -1.0, N = t->notionalPrincipal;
    BallastDate next = t->maturityDate;
    if (t->cycleOfRateReset.n > 0 && t->cycleAnchorDateOfRateReset != BALLAST_DATE_NONE) {
      BallastDate r = t->cycleAnchorDateOfRateReset;
      for (int n = 1; r <= s->as_of && n < 100000; n++) r = BallastCycleAdd(t->cycleAnchorDateOfRateReset, t->cycleOfRateReset, n);
      if (r < next) next = r;
    }
    double *row = &g->gap[(BallastIRRBBRow(s, pc) * s->nccy + pc->c) * s->nbucket];
    row[BallastIRRBBBucket(s, (double)(t->maturityDate - s->as_of) / 365.0)] += pc->weight * sgn * N;
    row[BallastIRRBBBucket(s, (double)(next - s->as_of) / 365.0)] -= pc->weight * sgn * N;
  }
  return 0;
}

static PetscErrorCode gap_merge(void *ctx, MPI_Comm comm)
{
  BallastGap *g = (BallastGap *)ctx;
  PetscFunctionBeginUser;
  BallastFoldActions(g->gap, 1, BallastIRRBBNAct(&g->s), g->s.nport * g->s.nccy * g->s.nbucket);
  PetscCall(BallastReducePartials(comm, BallastIRRBBNAct(&g->s) * g->s.nport * g->s.nccy * g->s.nbucket, &g->gap));
  PetscFunctionReturn(0);
}

/* Checkpoint: portfolio p's rows of gap [nact][nport][nccy][nbucket]. */
static PetscErrorCode gap_pack(void *ctx, PetscInt p, void *buf, size_t *size)
{
  BallastGap *g = (BallastGap *)ctx;
  PetscInt    na = BallastIRRBBNAct(&g->s), L = g->s.nccy * g->s.nbucket;
  PetscFunctionBeginUser;
  *size = p < 0 ? 0 : sizeof(double) * (size_t)(na * L);
  if (!buf || p < 0) PetscFunctionReturn(0);
  unsigned char *cur = (unsigned char *)buf;
  BallastPackDoubles(&cur, g->gap + p * L, na, g->s.nport * L, L);
  PetscFunctionReturn(0);
}

static PetscErrorCode gap_unpack(void *ctx, PetscInt p, const void *buf, size_t size)
{
  BallastGap *g = (BallastGap *)ctx;
  PetscInt    na = BallastIRRBBNAct(&g->s), L = g->s.nccy * g->s.nbucket;
  size_t      want;
  PetscFunctionBeginUser;
  PetscCall(gap_pack(ctx, p, NULL, &want));
  PetscCheck(size == want, PETSC_COMM_SELF, BALLAST_ERR_IO, "repricing_gap: %zu bytes for portfolio %" PetscInt_FMT ", expected %zu", size, p, want);
  if (p < 0) PetscFunctionReturn(0);
  const unsigned char *cur = (const unsigned char *)buf;
  BallastUnpackDoubles(&cur, g->gap + p * L, na, g->s.nport * L, L);
  PetscFunctionReturn(0);
}

void BallastGapConsumer(BallastGap *g, BallastConsumer *c)
{
  *c        = (BallastConsumer){.name = "repricing_gap", .ctx = g, .subscribe = gap_subscribe, .begin = gap_begin, .event = gap_event, .end = gap_end, .merge = gap_merge};
  c->pack   = gap_pack;
  c->unpack = gap_unpack;
}
