/* EVE as a consumer (include/ballast/irrbb.h): the value of every contract under every variant,
 * summed per portfolio and currency; and for the scenarios the cash flows per regime bucket, for
 * standardised EVE (src/metrics/irrbb_group.c discounts them at the bucket midpoints).
 *
 * The value: a contract whose flows depend on the scenario (floating rate, behaviour) adds the
 * driver's value (its events discounted on its currency's curve, exact time). A scenario-invariant
 * contract (BallastProjVariant.invariant: projected once by the driver) adds its flows of
 * variant 0 into a per-day table of its (action, portfolio) row and currency; each table is
 * discounted once per variant when the portfolio ends (portfolio_end), so the per-portfolio
 * partials between portfolios hold the whole portfolio. Tables are per portfolio and filled in
 * file order: the sums do not depend on the number of ranks. Against the per-contract sum they
 * differ by the order of the additions only (docs/kernel.md). */
#include <ballast/irrbb.h>
#include "reduce.h"
#include <stdlib.h>
#include <string.h>
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
  e->tcur = -1;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastEVESetDiscount(BallastEVE *e, const BallastDFTable *df, const PetscInt *disc)
{
  /* test hook (tests/cli/t_kernel_equiv.sh): the value of every contract, as before the tables */
  const char *hook      = getenv("BALLAST_EVE_PER_EVENT");
  int         per_event = hook && *hook && strcmp(hook, "0") != 0;
  PetscInt    n         = BallastIRRBBNAct(&e->s) * e->s.nport * e->s.nccy;
  PetscFunctionBeginUser;
  /* management actions too: a slot's EVE is the balance sheet's plus the action's contracts
   * (weights +-1) in the slot's own (action, portfolio) tables; tests/cli/t_actions.sh checks it
   * against the full run on the changed balance sheet to 1e-12 of each variable, the differences
   * of EVEs (PV01, deltas) to 1e-12 of the slot's |eve| (docs/kernel.md) */
  if (per_event || e->s.nscen < 1 || !df || !disc) PetscFunctionReturn(0);
  e->df     = df;
  e->disc   = disc;
  e->tables = PETSC_TRUE;
  PetscCall(PetscCalloc4(n + 1, &e->tab, n + 1, &e->tab_cap, n + 1, &e->tab_hi, n + 1, &e->dirty));
  PetscFunctionReturn(0);
}

/* Discount the dirty tables under every variant into eve, then clear (and free) them. */
static PetscErrorCode eve_flush(BallastEVE *e)
{
  const BallastIRRBBSetup *s  = &e->s;
  PetscInt                 NP = BallastIRRBBNAct(s) * s->nport;
  PetscFunctionBeginUser;
  for (PetscInt q = 0; q < e->ndirty; q++) {
    PetscInt      i = e->dirty[q], row = i / s->nccy, c = i % s->nccy, hi = e->tab_hi[i];
    const double *T = e->tab[i];
    PetscInt      k = e->disc[c];
    PetscCheck(k >= 0, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "no discount curve for a currency with flows");
    for (PetscInt v = 0; v < s->nvar; v++) {
      const BallastDFTable *t   = &e->df[v];
      const double         *dfk = t->df + k * t->ndays;
      PetscInt              n   = hi < t->ndays ? hi : t->ndays;
      double                sum = T[0]; /* at the as-of date (cash at face value): factor 1 */
      for (PetscInt d = 1; d < n; d++) sum += T[d] * dfk[d];
      for (PetscInt d = n > 1 ? n : 1; d < hi; d++)
        if (T[d] != 0.0) sum += T[d] * BallastDFTableGet(t, k, s->as_of + d);
      e->eve[(v * NP + row) * s->nccy + c] += sum;
    }
    free(e->tab[i]);
    e->tab[i]     = NULL;
    e->tab_cap[i] = e->tab_hi[i] = 0;
  }
  e->ndirty = 0;
  PetscFunctionReturn(0);
}

/* Add amount a at day d to table i (grown as needed; a failure is recorded for end). */
static void tab_add(BallastEVE *e, PetscInt i, PetscInt d, double a)
{
  if (d >= e->tab_cap[i]) {
    PetscInt cap = e->tab_cap[i] ? e->tab_cap[i] : 4096;
    while (cap <= d) cap *= 2;
    double *t = (double *)realloc(e->tab[i], (size_t)cap * sizeof *t);
    if (!t) {
      e->err = 1;
      return;
    }
    memset(t + e->tab_cap[i], 0, (size_t)(cap - e->tab_cap[i]) * sizeof *t);
    if (!e->tab[i]) e->dirty[e->ndirty++] = i;
    e->tab[i]     = t;
    e->tab_cap[i] = cap;
  }
  e->tab[i][d] += a;
  if (d >= e->tab_hi[i]) e->tab_hi[i] = d + 1;
}

PetscErrorCode BallastEVEDestroy(BallastEVE *e)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(e->eve));
  PetscCall(PetscFree(e->evecf));
  if (e->tab) {
    PetscInt n = BallastIRRBBNAct(&e->s) * e->s.nport * e->s.nccy;
    for (PetscInt i = 0; i < n; i++) free(e->tab[i]);
    PetscCall(PetscFree4(e->tab, e->tab_cap, e->tab_hi, e->dirty));
  }
  PetscFunctionReturn(0);
}

/* every variant: its value; the scenarios: their events too */
static unsigned eve_subscribe(void *ctx, PetscInt v)
{
  BallastEVE *e = (BallastEVE *)ctx;
  return (v < e->s.nscen ? BALLAST_TAKE_VALUE | BALLAST_TAKE_EVENTS : BALLAST_TAKE_VALUE) | (e->tables ? BALLAST_TAKE_TABLE : 0);
}

static PetscErrorCode eve_begin(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastEVE              *e = (BallastEVE *)ctx;
  const BallastIRRBBSetup *s = &e->s;
  PetscInt                 NP = BallastIRRBBNAct(s) * s->nport;
  e->cf                      = var->scenario ? &e->evecf[((var->v * NP + BallastIRRBBRow(s, pc)) * s->nccy + pc->c) * s->nbucket] : NULL;
  e->w                       = pc->weight;
  /* an invariant contract's flows: into its table, from variant 0 */
  e->tcur = e->tables && var->invariant && var->v == 0 ? BallastIRRBBRow(s, pc) * s->nccy + pc->c : -1;
  /* cash at face value: a flow at t = 0 */
  if (e->cf && var->has_spot) e->cf[0] += e->w * var->spot;
  if (e->tcur >= 0 && var->has_spot) tab_add(e, e->tcur, 0, e->w * var->spot);
  return 0;
}

static void eve_event(void *ctx, const BallastEvent *ev, int label)
{
  BallastEVE *e = (BallastEVE *)ctx;
  (void)label;
  if (ev->day <= 0 || ev->payoff == 0.0) return;
  e->cf[BallastIRRBBBucketDay(&e->s, ev->day)] += e->w * ev->payoff;
  if (e->tcur >= 0) tab_add(e, e->tcur, ev->day, e->w * ev->payoff);
}

static PetscErrorCode eve_end(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastEVE              *e = (BallastEVE *)ctx;
  const BallastIRRBBSetup *s = &e->s;
  PetscFunctionBeginUser;
  PetscCheck(!e->err, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for the cash-flow tables of EVE");
  e->tcur = -1;
  if (e->tables && var->invariant) PetscFunctionReturn(0); /* valued by the table */
  e->eve[(var->v * BallastIRRBBNAct(s) * s->nport + BallastIRRBBRow(s, pc)) * s->nccy + pc->c] += pc->weight * var->pv;
  PetscFunctionReturn(0);
}

static PetscErrorCode eve_portfolio_end(void *ctx, PetscInt portfolio)
{
  (void)portfolio;
  return eve_flush((BallastEVE *)ctx);
}

static PetscErrorCode eve_merge(void *ctx, MPI_Comm comm)
{
  BallastEVE              *e = (BallastEVE *)ctx;
  const BallastIRRBBSetup *s = &e->s;
  PetscInt                 na = BallastIRRBBNAct(s), NP = na * s->nport;
  PetscFunctionBeginUser;
  PetscCall(eve_flush(e)); /* a caller that projected contracts without the driver's Run */
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
  *c        = (BallastConsumer){.name = "eve", .ctx = e, .subscribe = eve_subscribe, .begin = eve_begin, .event = eve_event, .end = eve_end, .merge = eve_merge, .portfolio_end = eve_portfolio_end};
  c->pack   = eve_pack;
  c->unpack = eve_unpack;
}
