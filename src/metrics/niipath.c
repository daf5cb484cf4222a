/* NII and balance paths as a consumer (include/ballast/niipath.h). */
#include <ballast/niipath.h>
#include "reduce.h"
#include <ballast/checkpoint.h>
#include <math.h>

PetscErrorCode BallastNIIPathCreate(PetscInt nscen, PetscInt nact, PetscInt nport, PetscInt nccy, PetscInt nmonths, BallastDate as_of, const double *fx, BallastNIIPath *np)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(np, sizeof *np));
  np->nscen   = nscen;
  np->nact    = nact > 0 ? nact : 1;
  np->nport   = nport;
  np->nccy    = nccy;
  np->nmonths = nmonths;
  np->as_of   = as_of;
  np->fx      = fx;
  PetscCall(PetscCalloc1(nscen * np->nact * nport * nmonths * nccy + 1, &np->nii));
  PetscCall(PetscCalloc1(nscen * np->nact * nport * nmonths + 1, &np->bal));
  PetscCall(PetscCalloc1(nscen * np->nact * nport * nmonths + 1, &np->prin));
  PetscCall(PetscCalloc1(nmonths + 1, &np->cbal));
  PetscCall(PetscMalloc1(nmonths + 1, &np->mend));
  for (PetscInt m = 0; m <= nmonths; m++) np->mend[m] = BallastDateAddMonths(as_of, (int)m);
  PetscFunctionReturn(0);
}

PetscErrorCode BallastNIIPathDestroy(BallastNIIPath *np)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(np->nii));
  PetscCall(PetscFree(np->bal));
  PetscCall(PetscFree(np->prin));
  PetscCall(PetscFree(np->cbal));
  PetscCall(PetscFree(np->mend));
  PetscFunctionReturn(0);
}

static unsigned path_subscribe(void *ctx, PetscInt v) { return v < ((BallastNIIPath *)ctx)->nscen ? BALLAST_TAKE_VALUE | BALLAST_TAKE_EVENTS : 0; }

/* Per action slot: a management action's contracts (slots > 0) add what they contribute times
 * their weight (+1 new version or added, -1 old version); merge adds slot 0 into every slot. */

static PetscErrorCode path_begin(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastNIIPath *k  = (BallastNIIPath *)ctx;
  int             ct = (int)pc->t.contractType;
  PetscInt        row = (var->v * k->nact + pc->action) * k->nport + pc->p;
  k->w               = pc->weight;
  k->active          = ct != BALLAST_CT_CSH;
  k->row_nii         = &k->nii[row * k->nmonths * k->nccy + pc->c];
  k->md_split        = ct != BALLAST_CT_SWPPV && ct != BALLAST_CT_FXOUT;
  k->row_prin        = &k->prin[row * k->nmonths];
  int pre            = pc->t.initialExchangeDate != BALLAST_DATE_NONE && pc->t.initialExchangeDate > k->as_of;
  k->last_notional   = pre ? 0.0 : pc->sign * (isnan(pc->t.notionalPrincipal) ? 0.0 : pc->t.notionalPrincipal);
  k->pending_a0      = pc->a0;
  k->last            = k->as_of;
  k->prev            = k->as_of;
  k->next_m          = 1;
  k->fxc             = k->fx[pc->c];
  for (PetscInt m = 0; m <= k->nmonths; m++) k->cbal[m] = 0.0;
  return 0;
}

/* Interest I accrued over (a, b] spread over the months by days. */
static void spread_interest(BallastNIIPath *k, double amt, BallastDate a, BallastDate b)
{
  if (b <= a) {
    for (PetscInt m = 1; m <= k->nmonths; m++)
      if (b <= k->mend[m]) {
        k->row_nii[(m - 1) * k->nccy] += k->w * amt;
        return;
      }
    return;
  }
  double len = (double)(b - a);
  for (PetscInt m = 1; m <= k->nmonths; m++) {
    BallastDate lo = k->mend[m - 1] > a ? k->mend[m - 1] : a, hi = k->mend[m] < b ? k->mend[m] : b;
    if (hi > lo) k->row_nii[(m - 1) * k->nccy] += k->w * (amt * (double)(hi - lo) / len);
    if (k->mend[m] >= b) break;
  }
}

/* Balances at the month ends before date d: the notional after the last event before them. */
static void close_months(BallastNIIPath *k, BallastDate d)
{
  while (k->next_m <= k->nmonths && k->mend[k->next_m] < d) k->cbal[k->next_m++] = k->last_notional;
}

static void path_event(void *ctx, const BallastEvent *ev, int label)
{
  BallastNIIPath *k = (BallastNIIPath *)ctx;
  BallastDate     d = ev->date;
  (void)label;
  if (d <= k->as_of) {
    k->last_notional = ev->notional;
    return;
  }
  close_months(k, d);
  if (k->active) {
    double amt = 0.0;
    if (ev->type == BALLAST_EV_IP || ev->type == BALLAST_EV_IPFX || ev->type == BALLAST_EV_IPFL) amt = ev->payoff;
    else if (ev->type == BALLAST_EV_IPCI) amt = ev->notional - k->last_notional;
    else if (BallastEventIsPrincipal(ev->type)) {
      double pr = (ev->type == BALLAST_EV_MD && k->md_split) ? k->last_notional - ev->notional : ev->payoff;
      amt       = ev->payoff - pr;
      for (PetscInt m = 1; m <= k->nmonths; m++)
        if (d <= k->mend[m]) {
          k->row_prin[m - 1] += k->w * (pr * k->fxc);
          break;
        }
    }
    if (ev->type == BALLAST_EV_IED) k->last = k->prev = d; /* a contract starting after the as-of date accrues from its start */
    else if (amt != 0.0) {
      amt -= k->pending_a0; /* the interest accrued before the as-of date is not this period's */
      k->pending_a0 = 0.0;
      if (d != k->last) k->prev = k->last; /* a second amount on the same date (a swap's two legs) shares the period */
      if (k->prev < k->mend[k->nmonths]) spread_interest(k, amt, k->prev, d);
      k->last = d;
    }
  }
  k->last_notional = ev->notional;
}

static PetscErrorCode path_end(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastNIIPath *k = (BallastNIIPath *)ctx;
  close_months(k, k->mend[k->nmonths] + 1);
  double *b = &k->bal[((var->v * k->nact + pc->action) * k->nport + pc->p) * k->nmonths];
  if (pc->t.contractType == BALLAST_CT_CSH) /* cash: the balance stays (no events) */
    for (PetscInt m = 1; m <= k->nmonths; m++) k->cbal[m] = pc->sign * pc->t.notionalPrincipal;
  for (PetscInt m = 1; m <= k->nmonths; m++) b[m - 1] += k->w * (k->cbal[m] * k->fxc);
  return 0;
}

static PetscErrorCode path_merge(void *ctx, MPI_Comm comm)
{
  BallastNIIPath *k = (BallastNIIPath *)ctx;
  PetscFunctionBeginUser;
  BallastFoldActions(k->nii, k->nscen, k->nact, k->nport * k->nmonths * k->nccy);
  BallastFoldActions(k->bal, k->nscen, k->nact, k->nport * k->nmonths);
  BallastFoldActions(k->prin, k->nscen, k->nact, k->nport * k->nmonths);
  PetscCall(BallastReducePartials(comm, k->nscen * k->nact * k->nport * k->nmonths * k->nccy, &k->nii));
  PetscCall(BallastReducePartials(comm, k->nscen * k->nact * k->nport * k->nmonths, &k->bal));
  PetscCall(BallastReducePartials(comm, k->nscen * k->nact * k->nport * k->nmonths, &k->prin));
  PetscFunctionReturn(0);
}

/* Checkpoint: portfolio p's rows of nii [nscen][nact][nport][nmonths][nccy], bal and prin [nscen][nact][nport][nmonths]. */
static PetscErrorCode path_pack(void *ctx, PetscInt p, void *buf, size_t *size)
{
  BallastNIIPath *k = (BallastNIIPath *)ctx;
  PetscInt        M = k->nmonths, C = k->nccy;
  PetscFunctionBeginUser;
  *size = p < 0 ? 0 : sizeof(double) * (size_t)(k->nscen * k->nact * (M * C + 2 * M));
  if (!buf || p < 0) PetscFunctionReturn(0);
  unsigned char *cur = (unsigned char *)buf;
  BallastPackDoubles(&cur, k->nii + p * M * C, k->nscen * k->nact, k->nport * M * C, M * C);
  BallastPackDoubles(&cur, k->bal + p * M, k->nscen * k->nact, k->nport * M, M);
  BallastPackDoubles(&cur, k->prin + p * M, k->nscen * k->nact, k->nport * M, M);
  PetscFunctionReturn(0);
}

static PetscErrorCode path_unpack(void *ctx, PetscInt p, const void *buf, size_t size)
{
  BallastNIIPath *k = (BallastNIIPath *)ctx;
  PetscInt        M = k->nmonths, C = k->nccy;
  size_t          want;
  PetscFunctionBeginUser;
  PetscCall(path_pack(ctx, p, NULL, &want));
  PetscCheck(size == want, PETSC_COMM_SELF, BALLAST_ERR_IO, "nii_path: %zu bytes for portfolio %" PetscInt_FMT ", expected %zu", size, p, want);
  if (p < 0) PetscFunctionReturn(0);
  const unsigned char *cur = (const unsigned char *)buf;
  BallastUnpackDoubles(&cur, k->nii + p * M * C, k->nscen * k->nact, k->nport * M * C, M * C);
  BallastUnpackDoubles(&cur, k->bal + p * M, k->nscen * k->nact, k->nport * M, M);
  BallastUnpackDoubles(&cur, k->prin + p * M, k->nscen * k->nact, k->nport * M, M);
  PetscFunctionReturn(0);
}

void BallastNIIPathConsumer(BallastNIIPath *np, BallastConsumer *c)
{
  *c        = (BallastConsumer){.name = "nii_path", .ctx = np, .subscribe = path_subscribe, .begin = path_begin, .event = path_event, .end = path_end, .merge = path_merge};
  c->pack   = path_pack;
  c->unpack = path_unpack;
}
